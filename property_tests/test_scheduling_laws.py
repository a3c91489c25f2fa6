"""The laws of the scheduling transformations (``kancat.patterns.scheduling``), with
deliberately broken ones that must fail them.

Each law is a function of a transformation run by Hypothesis over workloads of every
kind with pods and over bare pod templates (a pod without labels is refused by the
spreading and separating steps: both sides of a law must then refuse it alike). The
transformations come from :func:`~kancat.testing.strategies.scheduling_transformations`
(composites, in any order, of all five, with drawn parameters). Their class of
naturality is every slot map: they read only the pod's labels, the workload's selector
and the scheduling fields, never a container — so the maps of
:func:`~kancat.testing.strategies.slot_maps` are drawn, and a broken transformation that
reads a container fails the square. Every result is emitted and checked against the
strict Kubernetes schema.
"""

from collections.abc import Callable
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from kancat.algebra.functor import SlotMap, fmap
from kancat.algebra.natural import Transformation
from kancat.codec.encode import to_manifest
from kancat.errors import InvalidValue
from kancat.patterns.scheduling import (
    prefer_separate_hosts,
    require_node_types,
    spread_hosts,
    spread_zones,
    tolerate,
)
from kancat.patterns.security import pod_security_problems, restricted
from kancat.patterns.sidecars import inject
from kancat.testing.laws import check_all_laws
from kancat.testing.strategies import (
    daemonsets,
    deployments,
    hardenable_workloads,
    pod_templates,
    replicasets,
    scheduling_transformations,
    sidecar_specs,
    slot_maps,
    statefulsets,
)
from kancat.values import (
    LabelSelector,
    PodTemplate,
    Toleration,
    TopologySpreadConstraint,
)
from tests.validators import validate_manifest

Outcome = tuple[str, Any]
WORKLOADS = st.one_of(deployments(), statefulsets(), replicasets(), daemonsets())
TARGETS = st.one_of(WORKLOADS, pod_templates())
# The broken-instance runs must find their counterexample every time, not by luck.
FIND = settings(database=None, derandomize=True, max_examples=200, phases=[Phase.generate],
                suppress_health_check=[HealthCheck.too_slow])
EMITTING = settings(max_examples=60)


def _outcome(run: Callable[[], Any]) -> Outcome:
    try:
        return ("value", run())
    except InvalidValue as error:
        return ("invalid", error.problems)


def _run(test: Callable[[], None], chosen: settings | None) -> None:
    (chosen(test) if chosen is not None else test)()


def _drawn(fixed: Transformation | None) -> st.SearchStrategy[Transformation]:
    return st.just(fixed) if fixed is not None else scheduling_transformations()


# --- the laws ----------------------------------------------------------------------------

def law_idempotent(fixed: Transformation | None = None, chosen: settings | None = None
                   ) -> None:
    """``t(t(x)) == t(x)``."""
    @given(_drawn(fixed), TARGETS)
    def law(t: Transformation, target: Any) -> None:
        once = _outcome(lambda: t(target))
        if once[0] == "value":
            assert t(once[1]) == once[1], (t, target)
    _run(law, chosen)


def law_natural(fixed: Transformation | None = None, chosen: settings | None = None) -> None:
    """``t(fmap(f, x)) == fmap(f, t(x))`` for every slot map (both refuse alike)."""
    @given(_drawn(fixed), slot_maps(), TARGETS)
    def law(t: Transformation, f: SlotMap, target: Any) -> None:
        left = _outcome(lambda: t(fmap(f, target)))
        right = _outcome(lambda: fmap(f, t(target)))
        assert left == right, (t, target)
    _run(law, chosen)


def law_commutes_with_injection_and_hardening(fixed: Transformation | None = None,
                                              chosen: settings | None = None) -> None:
    """``t`` then ``inject(s)`` then ``restricted()`` is the same as in any other
    order, on workloads both accept; the pods pass the restricted level."""
    @given(_drawn(fixed), sidecar_specs(), hardenable_workloads())
    def law(t: Transformation, spec: Any, workload: Any) -> None:
        others = inject(spec).then(restricted())
        first = _outcome(lambda: t.then(others)(workload))
        last = _outcome(lambda: others.then(t)(workload))
        assert first[0] == last[0], (t, workload)
        if first[0] == "value":
            assert first[1] == last[1], (t, workload)
            assert pod_security_problems(first[1].template, "restricted") == []
    _run(law, chosen)


def law_selects_its_own_pods(fixed: Transformation | None = None,
                             chosen: settings | None = None) -> None:
    """Every spread constraint and own anti-affinity term it writes selects the pod."""
    @given(_drawn(fixed), WORKLOADS)
    def law(t: Transformation, workload: Any) -> None:
        pod = t(workload).template
        for spread in pod.topology_spread_constraints:
            assert spread.label_selector is not None
            assert spread.label_selector.matches(pod.labels), (t, workload)
        if pod.affinity is not None:
            for where, term in pod.affinity.pod_terms:
                if where.startswith("podAntiAffinity") and \
                        term.label_selector == workload.selector:
                    assert term.label_selector.matches(pod.labels)
    _run(law, chosen)


SCHEDULING_LAWS = [law_idempotent, law_natural, law_commutes_with_injection_and_hardening,
                   law_selects_its_own_pods]


@pytest.mark.parametrize("law", SCHEDULING_LAWS, ids=lambda law: law.__name__)
def test_the_scheduling_transformations_are_lawful(law: Callable[..., None]) -> None:
    law()


@pytest.mark.parametrize("t", [
    spread_zones(), spread_hosts(2), prefer_separate_hosts(),
    require_node_types(["m5.xlarge"]),
    tolerate(Toleration("dedicated", "Equal", "web", "NoSchedule"))],
    ids=lambda t: t.name)
def test_each_one_alone_is_lawful(t: Transformation) -> None:
    for law in SCHEDULING_LAWS:
        law(t, settings(max_examples=30))


@EMITTING
@given(scheduling_transformations(), WORKLOADS)
def test_scheduled_workloads_emit_valid_manifests(t: Transformation, workload: Any) -> None:
    validate_manifest(to_manifest(t(workload)))


@given(scheduling_transformations(), scheduling_transformations(), WORKLOADS)
def test_they_commute_with_each_other(a: Transformation, b: Transformation,
                                      workload: Any) -> None:
    """Two composites whose steps own different slots commute, up to the order of the
    lists they add to (spread constraints, anti-affinity terms, node requirements),
    which Kubernetes reads as sets (ANDed); two steps owning the same slot do not: the
    later one's parameters win."""
    if _slots(a) & _slots(b):
        return
    assert _as_sets(a.then(b)(workload)) == _as_sets(b.then(a)(workload))


def _as_sets(workload: Any) -> Any:
    """The workload with its pod's scheduling lists in a canonical order."""
    pod = workload.template
    affinity = pod.affinity
    if affinity is not None and affinity.pod_anti_affinity is not None:
        anti = affinity.pod_anti_affinity
        affinity = attrs.evolve(affinity, pod_anti_affinity=attrs.evolve(
            anti, preferred=sorted(anti.preferred, key=repr)))
    if affinity is not None and affinity.node_affinity is not None and \
            affinity.node_affinity.required is not None:
        node = affinity.node_affinity
        affinity = attrs.evolve(affinity, node_affinity=attrs.evolve(
            node, required=attrs.evolve(node.required, terms=[
                attrs.evolve(term, match_expressions=sorted(term.match_expressions, key=repr))
                for term in node.required.terms])))
    return attrs.evolve(workload, template=attrs.evolve(
        pod, affinity=affinity, tolerations=sorted(pod.tolerations, key=repr),
        topology_spread_constraints=sorted(pod.topology_spread_constraints, key=repr)))


def _slots(t: Transformation) -> set[tuple[str, str]]:
    """The slots the steps of ``t`` own: a spread its topology key, a node type
    requirement its label key."""
    return {(type(step).__name__, str(getattr(step, "topology_key", "")) + str(
        getattr(getattr(step, "requirement", None), "key", ""))) for step in t.steps}


# The laws every kancat transformation claims (TRANSFORMATION_LAWS), through the public
# law checker.
check_all_laws(spread_zones().then(prefer_separate_hosts()).then(
    require_node_types(["m5.xlarge"])), values=WORKLOADS, slot_maps=slot_maps())


# --- broken scheduling transformations: each must fail the law it breaks -------------------

def _spread_by_first_image(pod: PodTemplate) -> PodTemplate:
    """Spreads the pods by a label it derives from the first container's image (its
    length): not natural — mirroring or retagging the image changes what it writes."""
    key, value = "example.com/image-length", str(len(str(pod.containers[0].image)))
    return attrs.evolve(pod, labels={**pod.labels, key: value}, topology_spread_constraints=(
        *(c for c in pod.topology_spread_constraints if c.topology_key != "example.com/rack"),
        TopologySpreadConstraint(1, "example.com/rack", "ScheduleAnyway",
                                 LabelSelector.of({key: value}))))


def _appending_toleration(pod: PodTemplate) -> PodTemplate:
    """Adds its toleration without looking for it: not idempotent. (Appending a spread
    constraint without looking cannot even be built: the pod template refuses a second
    constraint on the same key and policy.)"""
    return attrs.evolve(pod, tolerations=(*pod.tolerations, Toleration(
        "spot", "Exists", effect="NoSchedule")))


def _separating_lone_containers(pod: PodTemplate) -> PodTemplate:
    """Keeps replicas on separate hosts only for pods of one container (it counts the
    containers): injecting a sidecar first makes it do nothing, so it does not commute
    with injection."""
    if len(pod.containers) != 1:
        return pod
    return prefer_separate_hosts().on_pod(pod) if pod.labels else pod


def _broken(step: Callable[[PodTemplate], PodTemplate]) -> Transformation:
    return Transformation.of(step, name=step.__name__.strip("_"))


@pytest.mark.parametrize(("broken", "law"), [
    (_spread_by_first_image, law_natural),
    (_appending_toleration, law_idempotent),
    (_separating_lone_containers, law_commutes_with_injection_and_hardening),
], ids=lambda item: item.__name__)
def test_a_broken_scheduling_transformation_fails_its_law(
        broken: Callable[[PodTemplate], PodTemplate], law: Callable[..., None]) -> None:
    with pytest.raises(AssertionError):
        law(_broken(broken), FIND)
