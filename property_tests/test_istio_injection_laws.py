"""Laws of Istio sidecar injection (``kancat.patterns.istio_injection``).

* idempotence: ``t(t(w)) == t(w)`` — re-injection strips what the status annotation
  lists and restores what injection rewrote;
* naturality (pair form) ``t.fmap(f)(fmap(f, w)) == fmap(f, t(w))`` for the slot maps of
  its class: those whose ``ports`` component is the identity (the strategies' settings
  maps leave probes and lifecycle hooks alone), whatever their image, env and volumes;
* monoidal: ``t(a ⊗ b) == t(a) ⊗ t(b)`` where ``a ⊗ b`` is defined, ``t(I) == I``.

Each law is shown beside an instance that must fail it: an injector that strips the
old sidecar but does not restore the probes it rewrote is not idempotent; a map that
reorders ports is outside the class, and breaks the square.
"""

from collections.abc import Callable
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from returns.result import Success

from kancat.algebra.functor import SlotMap, fmap
from kancat.algebra.monoidal import Mesh
from kancat.algebra.natural import Transformation
from kancat.core.frozen import FrozenMap
from kancat.errors import InvalidValue
from kancat.interpret.emit import to_manifests
from kancat.patterns.istio_injection import (
    IGNORED_NAMESPACES,
    OVERRIDE_ANNOTATIONS,
    STATUS_ANNOTATION,
    IstioOptions,
    IstioSidecar,
    Workload,
    inject_istio_pod,
    istio_sidecar,
)
from kancat.testing.strategies import deployments, meshes, slot_maps, statefulsets
from kancat.values import Deployment, PodTemplate, StatefulSet
from kancat.values.kinds import KINDS, kind_of, pod_of
from tests.validators import validate_manifest

FIND = settings(database=None, derandomize=True, max_examples=300, phases=[Phase.generate],
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])

Inject = Callable[[Any], Any]
Transform = Callable[[Mesh, Transformation], Mesh]

_INJECTIONS = st.builds(lambda native, cni, revision: istio_sidecar(
    native=native, cni=cni, revision=revision), st.booleans(), st.booleans(),
    st.sampled_from(("", "canary")))
_WORKLOADS = st.one_of(deployments(), statefulsets())


def _in_class(f: SlotMap) -> SlotMap:
    """``f`` with the identity on ports: a map of the injection's class."""
    return attrs.evolve(f, ports=SlotMap.identity().ports)


def _reversing_ports(f: SlotMap) -> SlotMap:
    return attrs.evolve(f, ports=lambda ports: tuple(reversed(ports)))


# --- idempotence -----------------------------------------------------------------------------

def law_idempotent(make: Callable[[Transformation], Inject],
                   chosen: settings | None = None) -> None:
    @given(_INJECTIONS, _WORKLOADS)
    def law(t: Transformation, workload: Deployment | StatefulSet) -> None:
        inject = make(t)
        once = inject(workload)
        assert inject(once) == once, (t, workload)

    (chosen(law) if chosen is not None else law)()


def test_injection_is_idempotent() -> None:
    law_idempotent(lambda t: t)


def _stripping_without_restoring(options: IstioOptions) -> Transformation:
    """Strips the old sidecar's containers, volumes and record, but keeps the app
    probes as the first injection rewrote them."""
    def step(pod: PodTemplate) -> PodTemplate:
        if STATUS_ANNOTATION in pod.annotations:
            names = {"istio-proxy", "istio-init", "istio-validation"}
            injected = {v.name for v in inject_istio_pod(
                PodTemplate.of(pod.containers[:1]), options).volumes}
            pod = attrs.evolve(
                pod, containers=[c for c in pod.containers if c.name not in names],
                init_containers=[c for c in pod.init_containers if c.name not in names],
                volumes=[v for v in pod.volumes if v.name not in injected],
                annotations={k: v for k, v in pod.annotations.items()
                             if k != STATUS_ANNOTATION})
        return inject_istio_pod(pod, options)
    return Transformation.of(step, name="istio without restoring probes")


def test_an_injector_that_does_not_restore_rewritten_probes_is_not_idempotent() -> None:
    def broken(t: Transformation) -> Inject:
        step = t.steps[0]
        assert isinstance(step, IstioSidecar)
        return _stripping_without_restoring(step.options)

    with pytest.raises(AssertionError):
        law_idempotent(broken, FIND)


def test_an_injector_that_does_not_strip_fails_on_reinjection() -> None:
    def broken(t: Transformation) -> Inject:
        step = t.steps[0]
        assert isinstance(step, IstioSidecar)
        return Transformation.of(lambda pod: inject_istio_pod(attrs.evolve(
            pod, annotations={k: v for k, v in pod.annotations.items()
                              if k != STATUS_ANNOTATION}), step.options), name="no strip")

    with pytest.raises(InvalidValue, match="its own 'istio-proxy'"):
        law_idempotent(broken, FIND)


# --- naturality ----------------------------------------------------------------------------------

def law_natural(maps: Callable[[SlotMap], SlotMap], chosen: settings | None = None) -> None:
    @given(_INJECTIONS, slot_maps(), _WORKLOADS)
    def law(t: Transformation, drawn: SlotMap, workload: Deployment | StatefulSet) -> None:
        f = maps(drawn)
        assert t.fmap(f)(fmap(f, workload)) == fmap(f, t(workload)), (t, workload)

    (chosen(law) if chosen is not None else law)()


def test_injection_is_natural_for_maps_that_keep_ports() -> None:
    law_natural(_in_class)


def test_a_map_that_reorders_ports_breaks_the_square() -> None:
    with pytest.raises(AssertionError):
        law_natural(_reversing_ports, FIND)


# --- the mesh ------------------------------------------------------------------------------------

def law_monoidal(transform: Transform,
                 chosen: settings | None = None) -> None:
    @given(_INJECTIONS, meshes(max_services=2), meshes(max_services=2))
    def law(t: Transformation, a: Mesh, b: Mesh) -> None:
        assert transform(Mesh.unit(), t) == Mesh.unit()
        combined = a.tensor(b)
        if isinstance(combined, Success):
            assert transform(a, t).tensor(transform(b, t)) == Success(
                transform(combined.unwrap(), t)), (a, b)

    (chosen(law) if chosen is not None else law)()


def test_injection_commutes_with_tensor_and_leaves_the_unit_alone() -> None:
    law_monoidal(lambda mesh, t: mesh.transform(t))


def test_injecting_only_the_first_service_does_not_commute_with_tensor() -> None:
    def first_only(mesh: Mesh, t: Transformation) -> Mesh:
        if not mesh.services:
            return mesh
        first = min(mesh.services)
        return attrs.evolve(mesh, services=FrozenMap({
            name: service.transform(t) if name == first else service
            for name, service in mesh.services.items()}))

    with pytest.raises(AssertionError):
        law_monoidal(first_only, FIND)


# --- every injected workload is a valid manifest ----------------------------------------------------

@given(_INJECTIONS, _WORKLOADS)
def test_injected_workloads_are_valid_manifests(t: Transformation,
                                                workload: Deployment | StatefulSet) -> None:
    injected = t(workload)
    for manifest in to_manifests([injected]):
        validate_manifest(manifest)
    if workload.template.host_network or workload.namespace in IGNORED_NAMESPACES:
        assert injected == workload  # pods Istio leaves alone
        return
    proxy = next(c for c in injected.template.all_containers if c.name == "istio-proxy")
    owner = {e.name: e.value for e in proxy.env}["ISTIO_META_OWNER"]
    assert owner == Workload.of(workload).owner


# --- override annotations: a problem at their path, never a crash ----------------------------------

_ANNOTATION_VALUES = st.one_of(
    st.sampled_from(("", "0", "1", "-1", "15020", "70000", "true", "false", "*", "NONE",
                     "TPROXY", "REDIRECT", "100m", "1Gi", "lots", "a/b:1", "default",
                     "distroless", "8080,9090", "{}", "[1]", "10.0.0.0/8", "10.0.0.1",
                     "holdApplicationUntilProxyStarts: true", "interceptionMode: TPROXY",
                     "proxyMetadata: {A: b}", "proxyMetadata: [1]")),
    st.text(max_size=12))


@given(_INJECTIONS, _WORKLOADS, st.dictionaries(
    st.sampled_from(OVERRIDE_ANNOTATIONS), _ANNOTATION_VALUES, max_size=4))
def test_override_annotations_give_problems_not_crashes(
        t: Transformation, workload: Deployment | StatefulSet, given: dict[str, str]) -> None:
    pod = workload.template
    try:
        annotated = attrs.evolve(workload, template=attrs.evolve(
            pod, annotations={**pod.annotations, **given}))
    except InvalidValue:
        return  # not a valid annotation map for Kubernetes to begin with
    try:
        injected = t(annotated)
    except InvalidValue as error:
        assert all(p.path.startswith("spec.template.") for p in error.problems), error
        return
    assert t(injected) == injected, given
    for manifest in to_manifests([injected]):
        validate_manifest(manifest)


# --- every kind with pods, through the kinds table -------------------------------------------------

_POD_CLASSES: tuple[type, ...] = tuple(
    k.value for k in KINDS if k.pods is not None and k.value is not None)


@given(st.sampled_from(_POD_CLASSES).flatmap(st.from_type))
def test_injection_reaches_every_kind_with_pods(value: Any) -> None:
    injected = istio_sidecar()(value)
    pod, before = pod_of(injected), pod_of(value)
    assert pod is not None and before is not None
    if before.host_network or value.namespace in IGNORED_NAMESPACES or \
            before.labels.get("sidecar.istio.io/inject", before.annotations.get(
                "sidecar.istio.io/inject")) == "false":
        assert injected == value
        return
    proxy = next(c for c in pod.containers if c.name == "istio-proxy")
    env = {e.name: e.value for e in proxy.env}
    assert env["ISTIO_META_OWNER"] == Workload.of(value).owner
    assert f"/{kind_of(type(value)).name.lower()}s/" in str(env["ISTIO_META_OWNER"])
    assert istio_sidecar()(injected) == injected
    for manifest in to_manifests([injected]):
        validate_manifest(manifest)


@given(st.booleans(), st.lists(st.tuples(st.booleans(), st.sampled_from(("", "canary"))),
                                min_size=2, max_size=2), _WORKLOADS)
def test_reinjecting_with_other_options_replaces_the_first_injection(
        cni: bool, choices: list[tuple[bool, str]], workload: Deployment | StatefulSet) -> None:
    """Stripping is exact: ``s(t(w)) == s(w)`` for injections differing in mode and
    revision. (Not in CNI: the annotations CNI injection writes for the plugin stay, as
    they do in Istio, since they cannot be told from the pod's own.)"""
    first, second = (istio_sidecar(native=native, cni=cni, revision=revision)
                     for native, revision in choices)
    assert second(first(workload)) == second(workload), (first, second)
