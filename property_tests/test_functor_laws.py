"""The ContainerF functor's laws (DESIGN.md §1), and broken functors that must fail them.

Each law is a function of an ``fmap`` implementation, run by Hypothesis over drawn
slot maps and values; the real :func:`~kancat.algebra.functor.fmap` passes them all,
and each deliberately broken implementation fails the law it breaks.
"""

from collections.abc import Callable
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from kancat.algebra.functor import SlotMap, fmap, map_env, map_image, map_ports, map_volumes
from kancat.testing.strategies import (
    containers,
    deployments,
    kube_objects,
    slot_maps,
    statefulsets,
)
from kancat.values import Container, Deployment, StatefulSet

Fmap = Callable[[SlotMap, Any], Any]
TARGETS = st.one_of(containers(), deployments(), statefulsets(),
                    st.lists(kube_objects(), max_size=3))
WORKLOADS = st.one_of(deployments(), statefulsets())
# The broken-instance runs must find their counterexample every time, not by luck, and
# need not shrink it: the assertion is only that the law fails.
FIND = settings(database=None, derandomize=True, max_examples=200,
                phases=[Phase.generate], suppress_health_check=[HealthCheck.too_slow])


def law_identity(fmap_: Fmap, chosen: settings | None = None) -> None:
    @given(TARGETS)
    def law(target: Any) -> None:
        assert fmap_(SlotMap.identity(), target) == target, target
    _run(law, chosen)


def law_composition(fmap_: Fmap, chosen: settings | None = None) -> None:
    @given(slot_maps(), slot_maps(), TARGETS)
    def law(f: SlotMap, g: SlotMap, target: Any) -> None:
        assert fmap_(f.then(g), target) == fmap_(g, fmap_(f, target)), (f, g, target)
    _run(law, chosen)


SINGLE_SLOTS: list[tuple[Callable[[Any], SlotMap], str, str]] = [
    (map_image, "image", "image"), (map_env, "env", "env"),
    (map_volumes, "volumes", "volume_mounts"), (map_ports, "ports", "ports")]


def law_single_slot_agreement(fmap_: Fmap, chosen: settings | None = None) -> None:
    """``map_<slot>(h)`` changes exactly that slot of every container, to ``h`` of it."""
    @given(slot_maps(), containers(), st.sampled_from(SINGLE_SLOTS))
    def law(drawn: SlotMap, container: Container,
            slot: tuple[Callable[[Any], SlotMap], str, str]) -> None:
        single, slot_name, field = slot
        h = getattr(drawn, slot_name)
        expected = attrs.evolve(container, **{field: h(getattr(container, field))})
        assert fmap_(single(h), container) == expected, (slot_name, container)
        assert fmap_(single(h), container) == fmap_(SlotMap(**{slot_name: h}), container)
    _run(law, chosen)


def law_single_slots_commute(fmap_: Fmap, chosen: settings | None = None) -> None:
    @given(slot_maps(), slot_maps(), WORKLOADS)
    def law(f: SlotMap, g: SlotMap, workload: Any) -> None:
        image, env = map_image(f.image), map_env(g.env)
        assert fmap_(env, fmap_(image, workload)) == fmap_(image, fmap_(env, workload))
        ports, volumes = map_ports(f.ports), map_volumes(g.volumes)
        assert fmap_(ports, fmap_(volumes, workload)) == fmap_(volumes, fmap_(ports, workload))
    _run(law, chosen)


def law_reaches_every_container(fmap_: Fmap, chosen: settings | None = None) -> None:
    """Lifted to workloads, the map acts on every container — init containers and
    sidecars included — and keeps the structure (names, order, native sidecars)."""
    @given(slot_maps(), WORKLOADS)
    def law(f: SlotMap, workload: Deployment | StatefulSet) -> None:
        mapped = fmap_(f, workload)
        before, after = workload.template.all_containers, mapped.template.all_containers
        assert [c.name for c in after] == [c.name for c in before]
        assert [c.restart_policy for c in after] == [c.restart_policy for c in before]
        assert all(a == f.on_container(b) for a, b in zip(after, before, strict=True))
        assert attrs.evolve(mapped, template=workload.template) == workload
    _run(law, chosen)


def _run(test: Callable[[], None], chosen: settings | None) -> None:
    """Run a law's Hypothesis test, under ``chosen`` settings when given."""
    (chosen(test) if chosen is not None else test)()


LAWS = [law_identity, law_composition, law_single_slot_agreement, law_single_slots_commute,
        law_reaches_every_container]


@pytest.mark.parametrize("law", LAWS, ids=lambda law: law.__name__)
def test_fmap_is_lawful(law: Callable[..., None]) -> None:
    law(fmap)


# --- broken functors: each must fail the law it breaks -----------------------------------

def fmap_dropping_env(f: SlotMap, target: Any) -> Any:
    """Forgets the env slot: ``map_env(h)`` does nothing."""
    return fmap(attrs.evolve(f, env=SlotMap.identity().env), target)


def fmap_skipping_init_containers(f: SlotMap, target: Any) -> Any:
    """Maps only the app containers: native sidecars and init containers keep the old
    image, so "mirror every image" misses them."""
    if isinstance(target, (Deployment, StatefulSet)):
        pod = target.template
        mapped = attrs.evolve(pod, containers=tuple(f.on_container(c) for c in pod.containers))
        return attrs.evolve(target, template=mapped)
    return fmap(f, target)


def fmap_defaulting_pull_policy(f: SlotMap, target: Any) -> Any:
    """Also "helpfully" sets imagePullPolicy on every container it maps."""
    return fmap(f.then(SlotMap(settings=lambda m: attrs.evolve(m, image_pull_policy="Always"))),
                target)


def fmap_touching_structure(f: SlotMap, target: Any) -> Any:
    """Sorts containers by name while mapping: the structure changes."""
    result = fmap(f, target)
    if isinstance(result, (Deployment, StatefulSet)) and not f.is_identity:
        pod = result.template
        return attrs.evolve(result, template=attrs.evolve(
            pod, containers=tuple(sorted(pod.containers, key=lambda c: c.name, reverse=True))))
    return result


@pytest.mark.parametrize(("broken", "law"), [
    (fmap_defaulting_pull_policy, law_identity),
    (fmap_dropping_env, law_single_slot_agreement),
    (fmap_skipping_init_containers, law_reaches_every_container),
    (fmap_touching_structure, law_reaches_every_container),
], ids=lambda item: item.__name__)
def test_a_broken_functor_fails_its_law(broken: Fmap, law: Callable[..., None]) -> None:
    with pytest.raises(AssertionError):
        law(broken, FIND)
