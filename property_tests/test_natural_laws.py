"""Natural transformations and sidecar injection (DESIGN.md §1), with broken instances.

Each law is a function of an implementation — of ``inject`` (a spec to a transformation)
or of ``then`` (vertical composition) — run by Hypothesis. The real implementations pass
them all; each deliberately broken one is run through the same law function, under
deterministic settings, and must fail it.

Naturality is stated for the class of slot maps where it is true (``kancat.patterns.
sidecars``): maps whose ``volumes`` component maps each mount on its own and keeps its
path, drawn by :func:`~kancat.testing.strategies.mount_preserving_slot_maps`; a test
below shows that outside it (reversing the mounts) the square fails. A value that cannot
be built makes a side raise :class:`~kancat.errors.InvalidValue`; a law then holds when
both sides raise alike.
"""

import json
from collections.abc import Callable
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st

from kancat.algebra.functor import SlotMap, fmap, mirror_images
from kancat.algebra.natural import Transformation
from kancat.errors import InvalidValue
from kancat.examples.production import db, production, web, web_service
from kancat.interpret.emit import to_manifests
from kancat.patterns.sidecars import STATUS_ANNOTATION, SidecarSpec, inject, inject_pod
from kancat.testing.strategies import (
    deployments,
    kube_objects,
    mount_preserving_slot_maps,
    pod_templates,
    sidecar_specs,
    slot_maps,
    statefulsets,
)
from kancat.values import (
    Deployment,
    EnvVar,
    ImageRef,
    PodTemplate,
    StatefulSet,
)
from tests.validators import validate_manifest

Inject = Callable[[SidecarSpec], Transformation]
Then = Callable[[Transformation, Transformation], Transformation]
Outcome = tuple[str, Any]

WORKLOADS = st.one_of(pod_templates(), deployments(), statefulsets())
# The broken-instance runs must find their counterexample every time, not by luck, and
# need not shrink it: the assertion is only that the law fails.
FIND = settings(database=None, derandomize=True, max_examples=200, phases=[Phase.generate],
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


def _outcome(run: Callable[[], Any], *, problems: bool = True) -> Outcome:
    """The value, or the failure (with its problems unless ``problems=False``)."""
    try:
        return ("value", run())
    except InvalidValue as error:
        return ("invalid", error.problems if problems else None)


def _run(test: Callable[[], None], chosen: settings | None) -> None:
    """Run a law's Hypothesis test, under ``chosen`` settings when given."""
    (chosen(test) if chosen is not None else test)()


def _pod(target: Any) -> PodTemplate:
    return target.template if isinstance(target, (Deployment, StatefulSet)) else target


# --- maps that fix the sidecars: the plain square ----------------------------------------

def _private(edit: Callable[[ImageRef], ImageRef]) -> Callable[[ImageRef], ImageRef]:
    return lambda image: edit(image) if image.registry is not None else image


def _without_log_level(env: tuple[EnvVar, ...]) -> tuple[EnvVar, ...]:
    return tuple(e for e in env if e.name != "LOG_LEVEL")


_IDENTITY = SlotMap.identity()
# Sidecar images come from Docker Hub: releasing the private images fixes them; dropping
# an env var they do not have does too. (The test still checks ``fmap(f, s) == s``.)
FIXING_MAPS = st.builds(
    SlotMap,
    st.sampled_from((_IDENTITY.image, _private(lambda i: i.with_tag("2.0.0")),
                     _private(lambda i: i.with_digest("sha256:" + "ab" * 32)))),
    st.sampled_from((_IDENTITY.env, _without_log_level)),
)
MIRROR_REGISTRIES = st.sampled_from(("mirror.internal", "localhost:5000"))


# --- the laws of injection ---------------------------------------------------------------

def law_naturality_square(inject_: Inject, chosen: settings | None = None) -> None:
    """``inject(s)(fmap(f, p)) == fmap(f, inject(s)(p))`` for maps with ``fmap(f, s) == s``."""
    @given(FIXING_MAPS, sidecar_specs(), WORKLOADS)
    def law(f: SlotMap, spec: SidecarSpec, target: Any) -> None:
        assume(fmap(f, spec) == spec)
        left = _outcome(lambda: inject_(spec)(fmap(f, target)))
        right = _outcome(lambda: fmap(f, inject_(spec)(target)))
        assert left == right, (spec, target)
    _run(law, chosen)


def law_naturality_pair(inject_: Inject, chosen: settings | None = None, *,
                        maps: st.SearchStrategy[SlotMap] | None = None) -> None:
    """``inject(fmap(f, s))(fmap(f, p)) == fmap(f, inject(s)(p))`` for every map of the
    class (``maps``: another class, to show where the law stops)."""
    @given(maps if maps is not None else mount_preserving_slot_maps(), sidecar_specs(),
           WORKLOADS)
    def law(f: SlotMap, spec: SidecarSpec, target: Any) -> None:
        left = _outcome(lambda: inject_(fmap(f, spec))(fmap(f, target)))
        right = _outcome(lambda: fmap(f, inject_(spec)(target)))
        assert left == right, (spec, target)
    _run(law, chosen)


def law_mirroring_is_equivariant(inject_: Inject, chosen: settings | None = None) -> None:
    """Mirror, then inject the mirrored sidecars = inject, then mirror every image — the
    sidecars' included."""
    @given(MIRROR_REGISTRIES, sidecar_specs(), WORKLOADS)
    def law(registry: str, spec: SidecarSpec, target: Any) -> None:
        mirror = mirror_images(registry)
        right = _outcome(lambda: fmap(mirror, inject_(spec)(target)))
        assert _outcome(lambda: inject_(fmap(mirror, spec))(fmap(mirror, target))) == right
        if right[0] == "value":
            pod = _pod(right[1])
            assert all(c.image.registry == registry for c in pod.all_containers), pod
    _run(law, chosen)


def law_idempotent(inject_: Inject, chosen: settings | None = None) -> None:
    """``inject(s)(inject(s)(p)) == inject(s)(p)``: upsert by name."""
    @given(sidecar_specs(), WORKLOADS)
    def law(spec: SidecarSpec, target: Any) -> None:
        once = _outcome(lambda: inject_(spec)(target))
        assert _outcome(lambda: inject_(spec)(inject_(spec)(target))) == once, (spec, target)
    _run(law, chosen)


def law_different_names_commute(inject_: Inject, chosen: settings | None = None) -> None:
    """Injections of disjoint container names that agree on the annotations (and the
    volumes and mount paths, as drawn) they share commute: both orders give one pod, or
    both fail."""
    @given(sidecar_specs(), sidecar_specs(), WORKLOADS)
    def law(first: SidecarSpec, drawn: SidecarSpec, target: Any) -> None:
        second = _apart(first, drawn)
        one = _outcome(lambda: inject_(second)(inject_(first)(target)), problems=False)
        other = _outcome(lambda: inject_(first)(inject_(second)(target)), problems=False)
        assert one == other, (first, second, target)
    _run(law, chosen)


def _apart(first: SidecarSpec, second: SidecarSpec) -> SidecarSpec:
    """``second`` with the container names of ``first`` renamed and the annotation keys of
    ``first`` dropped (so the two may commute; drawing apart would reject half)."""
    taken = set(first.names) | set(second.names)
    spare = iter(sorted(f"other-{index}" for index in range(4)))
    renamed = tuple(attrs.evolve(c, name=next(n for n in spare if n not in taken))
                    if c.name in first.names else c for c in second.containers)
    notes = {k: v for k, v in second.annotations.items() if k not in first.annotations}
    return attrs.evolve(second, containers=renamed, annotations=notes)


def law_structure(inject_: Inject, chosen: settings | None = None) -> None:
    """The pod gains the sidecars, their volumes and annotations; its own containers keep
    their order and change only by the documented app mounts; nothing else changes."""
    @given(sidecar_specs(), pod_templates())
    def law(spec: SidecarSpec, pod: PodTemplate) -> None:
        result = _outcome(lambda: inject_(spec)(pod))
        if result[0] == "invalid":
            return
        after: PodTemplate = result[1]
        names = set(spec.names)
        status = json.loads(after.annotations[STATUS_ANNOTATION])
        injected = set(status["containers"]) | set(status["initContainers"])
        assert names <= injected
        group = after.init_containers if spec.native else after.containers
        assert [c for c in group if c.name in names] == sorted(spec.containers,
                                                               key=lambda c: c.name)
        paths = set(status["mounts"])
        assert {m.mount_path for m in spec.app_mounts} <= paths
        own = [c for c in pod.containers if c.name not in injected]
        kept = [c for c in after.containers if c.name not in injected]
        assert [c.name for c in kept] == [c.name for c in own]
        for before, now in zip(own, kept, strict=True):
            assert attrs.evolve(now, volume_mounts=before.volume_mounts) == before
            assert [m for m in now.volume_mounts if m.mount_path not in paths] == [
                m for m in before.volume_mounts if m.mount_path not in paths]
            assert set(spec.app_mounts) <= set(now.volume_mounts)
        own_init = [c for c in pod.init_containers if c.name not in injected]
        assert [c for c in after.init_containers if c.name not in injected] == own_init
        assert after.init_containers[len(after.init_containers) - len(own_init):] == tuple(
            own_init)
        shared = {v.name for v in spec.volumes}
        assert [v for v in after.volumes if v.name in shared] == sorted(
            spec.volumes, key=lambda v: v.name)
        assert [v for v in after.volumes if v.name not in set(status["volumes"])] == [
            v for v in pod.volumes if v.name not in set(status["volumes"])]
        assert dict(after.annotations) == {**pod.annotations, **spec.annotations,
                                           STATUS_ANNOTATION: after.annotations[
                                               STATUS_ANNOTATION]}
        assert attrs.evolve(after, containers=pod.containers,
                            init_containers=pod.init_containers, volumes=pod.volumes,
                            annotations=pod.annotations) == pod
    _run(law, chosen)


INJECTION_LAWS = [law_naturality_square, law_naturality_pair, law_mirroring_is_equivariant,
                  law_idempotent, law_different_names_commute, law_structure]


@pytest.mark.parametrize("law", INJECTION_LAWS, ids=lambda law: law.__name__)
def test_injection_is_lawful(law: Callable[..., None]) -> None:
    law(inject)


def test_naturality_stops_outside_its_class() -> None:
    """Reversing every container's mounts does not commute with the app-mount upsert:
    the class in the statement of naturality is needed."""
    with pytest.raises(AssertionError):
        law_naturality_pair(inject, settings(FIND, max_examples=1000), maps=slot_maps())


@given(st.lists(sidecar_specs(), min_size=1, max_size=3), st.one_of(deployments(),
                                                                    statefulsets()))
def test_injected_workloads_emit_valid_manifests(specs: list[SidecarSpec],
                                                 workload: Deployment | StatefulSet) -> None:
    result = _outcome(lambda: inject(*specs)(workload))
    assume(result[0] == "value")
    for manifest in to_manifests(result[1]):
        validate_manifest(manifest)


# --- vertical composition ----------------------------------------------------------------

def _label(key: str, value: str) -> Transformation:
    return Transformation.of(lambda pod: attrs.evolve(pod, labels={**pod.labels, key: value}),
                             name=f"label({key}={value})")


def _bump_grace(pod: PodTemplate) -> PodTemplate:
    seconds = pod.termination_grace_period_seconds
    return attrs.evolve(pod, termination_grace_period_seconds=(seconds or 30) + 1)


def _annotate(pod: PodTemplate) -> PodTemplate:
    return attrs.evolve(pod, annotations={**pod.annotations, "team": "shop"})


# Simple transformations that read no container slot (natural for every slot map), some
# not idempotent (bump), some not commuting (two labels of one key), and injections.
SIMPLE = st.one_of(
    st.builds(_label, st.sampled_from(("tier", "team")), st.sampled_from(("a", "b"))),
    st.just(Transformation.of(_bump_grace, name="bump-grace")),
    st.just(Transformation.of(_annotate, name="annotate")),
)
TRANSFORMATIONS = st.one_of(SIMPLE, sidecar_specs().map(inject), st.just(
    Transformation.identity()))
# What composition laws are about is the order of steps, drawn above; the values they act
# on come from the production example (pods, workloads, objects without pods, a list).
EXAMPLES = st.sampled_from([web, db, web.template, db.template, web_service, production,
                            tuple(production)])


def _same(left: Callable[[], Any], right: Callable[[], Any]) -> bool:
    return _outcome(left) == _outcome(right)


def law_identity_arrow(then_: Then, chosen: settings | None = None) -> None:
    """The identity transformation returns every value as it is (objects without pods
    too), and is a unit for ``then`` on both sides."""
    @given(TRANSFORMATIONS, st.one_of(EXAMPLES, st.lists(kube_objects(), max_size=2)))
    def law(t: Transformation, target: Any) -> None:
        unit = Transformation.identity()
        assert unit(target) == target
        assert _same(lambda: then_(unit, t)(target), lambda: t(target)), (t, target)
        assert _same(lambda: then_(t, unit)(target), lambda: t(target)), (t, target)
    _run(law, chosen)


def law_associative(then_: Then, chosen: settings | None = None) -> None:
    @given(TRANSFORMATIONS, TRANSFORMATIONS, TRANSFORMATIONS, EXAMPLES)
    def law(a: Transformation, b: Transformation, c: Transformation, target: Any) -> None:
        assert _same(lambda: then_(then_(a, b), c)(target),
                     lambda: then_(a, then_(b, c))(target)), (a, b, c, target)
    _run(law, chosen)


def law_vertical_composite(then_: Then, chosen: settings | None = None) -> None:
    """``a.then(b)`` is first ``a``, then ``b``: ``(b · a)_p = b_p ∘ a_p``."""
    @given(TRANSFORMATIONS, TRANSFORMATIONS, EXAMPLES)
    def law(a: Transformation, b: Transformation, target: Any) -> None:
        assert _same(lambda: then_(a, b)(target), lambda: b(a(target))), (a, b, target)
    _run(law, chosen)


COMPOSITION_LAWS = [law_identity_arrow, law_associative, law_vertical_composite]


@pytest.mark.parametrize("law", COMPOSITION_LAWS, ids=lambda law: law.__name__)
def test_vertical_composition_is_lawful(law: Callable[..., None]) -> None:
    law(Transformation.then)


@given(SIMPLE, slot_maps(), EXAMPLES)
def test_transformations_reading_no_slot_are_natural_for_every_map(
        t: Transformation, f: SlotMap, target: Any) -> None:
    assert t(fmap(f, target)) == fmap(f, t(target))
    assert fmap(f, t) == t


# --- broken instances: each must fail the law it breaks ----------------------------------

def inject_peeking(spec: SidecarSpec) -> Transformation:
    """Chooses the sidecars' tag from the app's image (the envoy tag "matching" the app):
    it reads a slot, so releasing the app's image no longer commutes with it."""
    def step(pod: PodTemplate) -> PodTemplate:
        tag = pod.containers[0].image.tag
        peeked = spec if tag is None else attrs.evolve(spec, containers=tuple(
            attrs.evolve(c, image=c.image.with_tag(tag)) for c in spec.containers))
        return inject_pod(pod, peeked)
    return Transformation.of(step, name="inject-peeking")


def inject_appending(spec: SidecarSpec) -> Transformation:
    """Appends the sidecars without upsert: injecting twice duplicates them."""
    def step(pod: PodTemplate) -> PodTemplate:
        names = {v.name for v in pod.volumes}
        volumes = pod.volumes + tuple(v for v in spec.volumes if v.name not in names)
        if spec.native:
            return attrs.evolve(pod, init_containers=spec.containers + pod.init_containers,
                                volumes=volumes)
        return attrs.evolve(pod, containers=pod.containers + spec.containers, volumes=volumes)
    return Transformation.of(step, name="inject-appending")


def inject_in_insertion_order(spec: SidecarSpec) -> Transformation:
    """Keeps the injected sidecars in the order they were injected, not sorted by name."""
    def step(pod: PodTemplate) -> PodTemplate:
        result = inject_pod(pod, spec)
        injected = set(json.loads(result.annotations[STATUS_ANNOTATION])["containers"])
        order = [c.name for c in pod.containers if c.name in injected - set(spec.names)]
        order += [n for n in spec.names if n in injected]
        by_name = {c.name: c for c in result.containers}
        app = tuple(c for c in result.containers if c.name not in injected)
        return attrs.evolve(result, containers=app + tuple(by_name[n] for n in order))
    return Transformation.of(step, name="inject-in-insertion-order")


def inject_touching_apps(spec: SidecarSpec) -> Transformation:
    """"Helpfully" tells every app container which sidecars it has, in its env."""
    def step(pod: PodTemplate) -> PodTemplate:
        result = inject_pod(pod, spec)
        injected = set(json.loads(result.annotations[STATUS_ANNOTATION])["containers"])
        note = EnvVar("KANCAT_SIDECARS", ",".join(sorted(injected)))
        return attrs.evolve(result, containers=tuple(
            c if c.name in injected or any(e.name == note.name for e in c.env)
            else attrs.evolve(c, env=(*c.env, note)) for c in result.containers))
    return Transformation.of(step, name="inject-touching-apps")


def then_wrong_order(first: Transformation, second: Transformation) -> Transformation:
    """Applies ``second`` before ``first``."""
    return Transformation(second.steps + first.steps)


def then_repeating(first: Transformation, second: Transformation) -> Transformation:
    """Applies ``second`` twice (harmless only for idempotent steps)."""
    return Transformation(first.steps + second.steps + second.steps)


@pytest.mark.parametrize(("broken", "law"), [
    (inject_peeking, law_naturality_square),
    (inject_peeking, law_naturality_pair),
    (inject_appending, law_idempotent),
    (inject_in_insertion_order, law_different_names_commute),
    (inject_touching_apps, law_structure),
], ids=lambda item: item.__name__)
def test_a_broken_injection_fails_its_law(broken: Inject, law: Callable[..., None]) -> None:
    with pytest.raises(AssertionError):
        law(broken, settings(FIND, max_examples=1000))


@pytest.mark.parametrize(("broken", "law"), [
    (then_wrong_order, law_vertical_composite),
    (then_repeating, law_identity_arrow),
    (then_repeating, law_associative),
], ids=lambda item: item.__name__)
def test_a_broken_composition_fails_its_law(broken: Then, law: Callable[..., None]) -> None:
    with pytest.raises(AssertionError):
        law(broken, FIND)
