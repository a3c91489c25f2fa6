"""The laws of ``restricted()`` (``kancat.patterns.security``) and of the Pod Security
checker, with deliberately broken hardenings that must fail them.

Each law is a function of a hardening (a :class:`~kancat.algebra.natural.Transformation`)
run by Hypothesis; ``restricted()`` passes them all, and each broken hardening is run
through the same law function, under deterministic settings, and must fail it. The pods
come from :func:`~kancat.testing.strategies.hardenable_pod_templates` and
:func:`~kancat.testing.strategies.hardenable_workloads` (pods ``restricted()`` accepts,
with work left for it to do) where a law is about hardened pods, and from
:func:`~kancat.testing.strategies.pod_templates` (anything valid) where it is about what
is refused. Naturality is claimed, and drawn, for the slot maps of
:func:`~kancat.testing.strategies.slot_maps` (image, env, mount, port-order and
pull-policy/args/working-directory edits); a map that edits security contexts is
outside the class, and a test shows the square failing for one.
"""

import re
from collections.abc import Callable
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from kancat.algebra.functor import ContainerSettings, SlotMap, fmap, map_settings
from kancat.algebra.natural import Transformation
from kancat.codec.encode import encode
from kancat.errors import InvalidValue
from kancat.interpret.emit import to_manifests
from kancat.patterns.security import (
    Hardening,
    harden_containers,
    pod_security_problems,
    restricted,
)
from kancat.patterns.sidecars import SidecarSpec, inject
from kancat.testing.laws import check_all_laws
from kancat.testing.strategies import (
    hardenable_pod_templates,
    hardenable_workloads,
    pod_templates,
    sidecar_specs,
    slot_maps,
)
from kancat.testing.strategies.security import _acceptable_to_restricted
from kancat.values import (
    Capabilities,
    Deployment,
    PodSecurityContext,
    PodTemplate,
    SecurityContext,
    StatefulSet,
)
from kancat.values.pod_security import pod_security_violations
from tests.validators import validate_manifest

Outcome = tuple[str, Any]
HARDENABLE = st.one_of(hardenable_pod_templates(), hardenable_workloads())
# The broken-instance runs must find their counterexample every time, not by luck, and
# need not shrink it: the assertion is only that the law fails.
FIND = settings(database=None, derandomize=True, max_examples=200, phases=[Phase.generate],
                suppress_health_check=[HealthCheck.too_slow])

# What restricted() sets (its module documentation): every other violation is refused.
SET = frozenset({"allowPrivilegeEscalation", "runAsNonRoot", "runAsUser",
                 "seccompProfile_restricted", "dropCapabilities"})


def _outcome(run: Callable[[], Any]) -> Outcome:
    try:
        return ("value", run())
    except InvalidValue as error:
        return ("invalid", error.problems)


def _run(test: Callable[[], None], chosen: settings | None) -> None:
    (chosen(test) if chosen is not None else test)()


def _pod(target: Any) -> PodTemplate:
    return target.template if isinstance(target, Deployment | StatefulSet) else target


# --- the laws of a hardening -------------------------------------------------------------

def law_passes_restricted(t: Transformation, chosen: settings | None = None) -> None:
    """Every pod it accepts comes out passing the restricted level."""
    @given(HARDENABLE)
    def law(target: Any) -> None:
        assert pod_security_problems(_pod(t(target)), "restricted") == [], target
    _run(law, chosen)


def law_idempotent(t: Transformation, chosen: settings | None = None) -> None:
    """``t(t(x)) == t(x)``."""
    @given(HARDENABLE)
    def law(target: Any) -> None:
        once = t(target)
        assert t(once) == once, target
    _run(law, chosen)


def law_natural(t: Transformation, chosen: settings | None = None, *,
                maps: st.SearchStrategy[SlotMap] | None = None) -> None:
    """``t(fmap(f, x)) == fmap(f, t(x))`` for every slot map of its class."""
    @given(maps if maps is not None else slot_maps(), HARDENABLE)
    def law(f: SlotMap, target: Any) -> None:
        assert t(fmap(f, target)) == fmap(f, t(target)), target
    _run(law, chosen)


def law_refuses_exactly_what_it_cannot_set(t: Transformation,
                                           chosen: settings | None = None) -> None:
    """On any pod: it raises, with exactly the violations outside what it sets, or it
    returns a pod passing restricted; and a slot map of its class changes neither."""
    @given(pod_templates(), slot_maps())
    def law(pod: PodTemplate, f: SlotMap) -> None:
        refused = [problem for control, problem in pod_security_violations(pod, "restricted")
                   if control not in SET]
        outcome = _outcome(lambda: t(pod))
        if refused:
            assert outcome == ("invalid", tuple(refused)), pod
        else:
            assert outcome[0] == "value", (pod, outcome)
            assert pod_security_problems(outcome[1], "restricted") == []
        assert _outcome(lambda: t(fmap(f, pod)))[0] == outcome[0]
    _run(law, chosen)


def _unhardened(after: SecurityContext | None, before: SecurityContext | None
                ) -> SecurityContext | None:
    """``after`` with the fields hardening may set put back as ``before`` has them."""
    if after is None:
        return None
    was = before or SecurityContext()
    if after.capabilities is not None:
        assert after.capabilities.add == (was.capabilities.add if was.capabilities else ())
    restored = attrs.evolve(after, allow_privilege_escalation=was.allow_privilege_escalation,
                            capabilities=was.capabilities, run_as_non_root=was.run_as_non_root,
                            run_as_user=was.run_as_user,
                            read_only_root_filesystem=was.read_only_root_filesystem)
    return restored if before is not None else (None if restored == was else restored)


def law_takes_nothing_away(t: Transformation, chosen: settings | None = None) -> None:
    """It changes only the security fields it sets: with those put back, the pod is the
    pod it was (no capability, port, volume, image or setting lost or added)."""
    @given(hardenable_pod_templates())
    def law(pod: PodTemplate) -> None:
        after = t(pod)
        context = after.security_context
        was = pod.security_context or PodSecurityContext()
        assert context is not None
        assert attrs.evolve(context, run_as_non_root=was.run_as_non_root,
                            run_as_user=was.run_as_user,
                            seccomp_profile=was.seccomp_profile) == was
        restored = attrs.evolve(
            after, security_context=pod.security_context,
            automount_service_account_token=pod.automount_service_account_token,
            init_containers=tuple(attrs.evolve(a, security_context=_unhardened(
                a.security_context, b.security_context)) for a, b in zip(
                after.init_containers, pod.init_containers, strict=True)),
            containers=tuple(attrs.evolve(a, security_context=_unhardened(
                a.security_context, b.security_context)) for a, b in zip(
                after.containers, pod.containers, strict=True)))
        assert restored == pod
    _run(law, chosen)


HARDENING_LAWS = [law_passes_restricted, law_idempotent, law_natural,
                  law_refuses_exactly_what_it_cannot_set, law_takes_nothing_away]


@pytest.mark.parametrize("law", HARDENING_LAWS, ids=lambda law: law.__name__)
def test_restricted_is_lawful(law: Callable[..., None]) -> None:
    law(restricted())


@pytest.mark.parametrize("options", [
    {"run_as_user": None}, {"automount_service_account_token": None},
    {"read_only_root_filesystem": False, "run_as_user": 4242}])
def test_restricted_with_options_is_lawful(options: dict[str, Any]) -> None:
    t = restricted(**options)
    for law in (law_passes_restricted, law_idempotent, law_natural):
        law(t, settings(max_examples=40))


# The laws every kancat transformation claims (TRANSFORMATION_LAWS: naturality, identity,
# and ⊗ and the unit of meshes), through the public law checker.
check_all_laws(restricted(), values=hardenable_workloads(), slot_maps=slot_maps())


def _reset_security(settings_: ContainerSettings) -> ContainerSettings:
    return attrs.evolve(settings_, security_context=None)


def test_naturality_stops_outside_its_class() -> None:
    """A map that resets security contexts does not commute with hardening them."""
    with pytest.raises(AssertionError):
        law_natural(restricted(), FIND, maps=st.just(map_settings(_reset_security)))


# --- composition with sidecar injection ------------------------------------------------------

@given(sidecar_specs(), hardenable_workloads())
def test_inject_then_restrict_is_idempotent_and_passes(spec: SidecarSpec,
                                                       workload: Deployment | StatefulSet
                                                       ) -> None:
    both = inject(spec).then(restricted())
    once = _outcome(lambda: both(workload))
    if once[0] == "invalid":  # a volume of the spec clashing with one of the pod
        assert _outcome(lambda: inject(spec)(workload)) == once
        return
    assert pod_security_problems(once[1].template, "restricted") == []
    assert both(once[1]) == once[1]


@given(sidecar_specs(), hardenable_workloads())
def test_restrict_then_inject_the_hardened_spec_is_inject_then_restrict(
        spec: SidecarSpec, workload: Deployment | StatefulSet) -> None:
    first_restrict = restricted().then(inject(fmap(harden_containers(), spec)))
    first_inject = inject(spec).then(restricted())
    assert _outcome(lambda: first_restrict(workload)) == _outcome(lambda: first_inject(workload))


# --- manifests -------------------------------------------------------------------------------

@given(hardenable_workloads())
def test_hardened_workloads_emit_valid_manifests(workload: Deployment | StatefulSet) -> None:
    for manifest in to_manifests(restricted()(workload)):
        validate_manifest(manifest)


# --- the checker -----------------------------------------------------------------------------

_STEP = re.compile(r"\.?([A-Za-z]+)|\[(\d+)\]|\['([^']*)'\]")
_MISSING = object()
_UNSET = ("must be false", "must include ALL", "is not set", "no seccomp profile")


def _resolve(document: Any, path: str) -> Any:
    for match in _STEP.finditer(path):
        key, index, quoted = match.groups()
        if index is not None:
            if not isinstance(document, list) or int(index) >= len(document):
                return _MISSING
            document = document[int(index)]
        else:
            name = key if key is not None else quoted
            if not isinstance(document, dict) or name not in document:
                return _MISSING
            document = document[name]
    return document


def _owner(path: str) -> str:
    """The container (or the pod spec) a problem is about."""
    found = re.match(r"spec\.(initContainers|containers|ephemeralContainers)\[\d+\]", path)
    return found.group(0) if found else "spec"


@given(pod_templates())
def test_the_checker_reports_real_fields_and_levels_are_cumulative(pod: PodTemplate) -> None:
    baseline = pod_security_problems(pod, "baseline")
    restricted_ = pod_security_problems(pod, "restricted")
    assert pod_security_problems(pod, "privileged") == []
    assert restricted_[:len(baseline)] == baseline
    assert len({p.path for p in restricted_}) == len(restricted_)  # each violation once
    document = encode(pod)
    for problem in restricted_:
        found = _resolve(document, problem.path)
        if found is _MISSING or found is None:  # a setting the level asks for is absent
            assert any(text in problem.message for text in _UNSET), problem
            assert _resolve(document, _owner(problem.path)) is not _MISSING, problem
        else:
            assert found not in (False, 0, "", "Default", "RuntimeDefault") or (
                problem.path.endswith(("runAsUser", "runAsNonRoot",
                                       "allowPrivilegeEscalation"))), problem


# --- broken hardenings: each must fail the law it breaks -------------------------------------

_REAL = Hardening(10001, False, True)


def _forgetting_init_containers(pod: PodTemplate) -> PodTemplate:
    """Hardens the app containers and the pod, but not the init containers."""
    hardened = _REAL.on_pod(attrs.evolve(pod, init_containers=()))
    return attrs.evolve(hardened, init_containers=pod.init_containers)


def _add_all(settings_: ContainerSettings) -> ContainerSettings:
    context = settings_.security_context or SecurityContext()
    capabilities = context.capabilities or Capabilities()
    return attrs.evolve(settings_, security_context=attrs.evolve(
        context, capabilities=attrs.evolve(capabilities, drop=(*capabilities.drop, "ALL"))))


def _dropping_all_again(pod: PodTemplate) -> PodTemplate:
    """Appends ALL to the dropped capabilities without looking: not idempotent."""
    return fmap(map_settings(_add_all), _REAL.on_pod(pod))


def _pulling_always(pod: PodTemplate) -> PodTemplate:
    """Also sets imagePullPolicy: Always ("to get patched images"): it writes a slot that
    everyday maps edit, so it is not natural, and it changes more than security."""
    return fmap(map_settings(lambda s: attrs.evolve(s, image_pull_policy="Always")),
                _REAL.on_pod(pod))


def _taking_away(pod: PodTemplate) -> PodTemplate:
    """Silently takes away what it should refuse (host ports, hostPath volumes, added
    capabilities, privileged flags, ...) instead of raising."""
    return _REAL.on_pod(_acceptable_to_restricted(pod))


def _broken(step: Callable[[PodTemplate], PodTemplate]) -> Transformation:
    return Transformation.of(step, name=step.__name__.strip("_"))


@pytest.mark.parametrize(("broken", "law"), [
    (_forgetting_init_containers, law_passes_restricted),
    (_dropping_all_again, law_idempotent),
    (_pulling_always, law_natural),
    (_pulling_always, law_takes_nothing_away),
    (_taking_away, law_refuses_exactly_what_it_cannot_set),
], ids=lambda item: item.__name__)
def test_a_broken_hardening_fails_its_law(broken: Callable[[PodTemplate], PodTemplate],
                                          law: Callable[..., None]) -> None:
    with pytest.raises(AssertionError):
        law(_broken(broken), FIND)
