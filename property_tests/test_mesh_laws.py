"""The symmetric monoidal laws of the mesh (DESIGN.md §1), and broken meshes that must fail them.

Each law is a function of an implementation — a :class:`MeshOps` bundle of ``⊗``, its
unit, the passthrough service and ``fmap`` — run by Hypothesis over drawn meshes. The
real operations pass every law; each deliberately broken bundle fails the law it breaks.

``⊗`` is partial, so the laws hold *through the Result*: both sides succeed with equal
meshes, or both fail. Where more is true it is checked: ``b ⊗ a`` fails with the
conflict of ``a ⊗ b``, sides exchanged; a failure names a service (or the control plane)
that two operands really define differently.

The strategies draw service names from a small pool and share each name's base
definition within a test case, so equal duplicates, policy-only variants and conflicts
all occur often (``hypothesis.event`` records how often: run with
``--hypothesis-show-statistics``).
"""

from collections.abc import Callable
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st
from returns.result import Failure, Result, Success

from kancat.algebra.functor import SlotMap, fmap
from kancat.algebra.monoidal import ControlPlane, Mesh, MeshService
from kancat.algebra.policy import MeshPolicy
from kancat.errors import MeshConflict
from kancat.testing.strategies import meshes, slot_maps
from kancat.values import FrozenMap

Tensor = Callable[[Mesh, Mesh], Result[Mesh, MeshConflict]]
MeshFmap = Callable[[SlotMap, Mesh], Mesh]


UNIT = Mesh.unit()
PASSTHROUGH = MeshService.passthrough()


@attrs.frozen
class MeshOps:
    """An implementation of the mesh's monoidal structure, lawful or not."""

    tensor: Tensor = Mesh.tensor
    unit: Mesh = UNIT
    passthrough: MeshService = PASSTHROUGH
    fmap: MeshFmap = fmap


LAWFUL = MeshOps()
MESHES = meshes()
# The broken-instance runs must find their counterexample every time, not by luck, and
# need not shrink it: the assertion is only that the law fails.
FIND = settings(database=None, derandomize=True, max_examples=200,
                phases=[Phase.generate], suppress_health_check=[HealthCheck.too_slow])


def _agree(left: Result[Mesh, MeshConflict], right: Result[Mesh, MeshConflict]) -> bool:
    """Equal through the Result: both succeed with equal meshes, or both fail."""
    if isinstance(left, Success) and isinstance(right, Success):
        return bool(left.unwrap() == right.unwrap())
    return isinstance(left, Failure) and isinstance(right, Failure)


def _genuine(conflict: MeshConflict, *operands: Mesh) -> bool:
    """Whether two of ``operands`` really define the conflict's subject differently."""
    if conflict.service is None:
        planes = {m.control_plane for m in operands if m.control_plane is not None}
        return len(planes) > 1
    name = conflict.service
    definitions = [m.service(name) for m in operands if name in m.services]
    return any(one.differences(other) for one in definitions for other in definitions)


def _record(result: Result[Mesh, MeshConflict], what: str) -> None:
    if isinstance(result, Success):
        event(f"{what}: defined")
    else:
        subject = "control plane" if result.failure().service is None else "service"
        event(f"{what}: {subject} conflict")


def law_associativity(ops: MeshOps, chosen: settings | None = None) -> None:
    """``(a ⊗ b) ⊗ c == a ⊗ (b ⊗ c)`` through the Result; a failure on either side names
    a subject two of ``a, b, c`` really define differently."""
    @given(MESHES, MESHES, MESHES)
    def law(a: Mesh, b: Mesh, c: Mesh) -> None:
        left = ops.tensor(a, b).bind(lambda ab: ops.tensor(ab, c))
        right = ops.tensor(b, c).bind(lambda bc: ops.tensor(a, bc))
        _record(left, "(a ⊗ b) ⊗ c")
        assert _agree(left, right), (a, b, c, left, right)
        for result in (left, right):
            if isinstance(result, Failure):
                assert _genuine(result.failure(), a, b, c), (a, b, c, result)
    _run(law, chosen)


def law_unit(ops: MeshOps, chosen: settings | None = None) -> None:
    """``I ⊗ a == a == a ⊗ I``."""
    @given(MESHES)
    def law(a: Mesh) -> None:
        assert ops.tensor(ops.unit, a) == Success(a), (a, ops.tensor(ops.unit, a))
        assert ops.tensor(a, ops.unit) == Success(a), (a, ops.tensor(a, ops.unit))
    _run(law, chosen)


def law_symmetry(ops: MeshOps, chosen: settings | None = None) -> None:
    """``a ⊗ b == b ⊗ a``: equal meshes, or the same conflict with its sides exchanged."""
    @given(MESHES, MESHES)
    def law(a: Mesh, b: Mesh) -> None:
        ab, ba = ops.tensor(a, b), ops.tensor(b, a)
        _record(ab, "a ⊗ b")
        if isinstance(ab, Failure):
            assert isinstance(ba, Failure), (a, b, ab, ba)
            assert ba.failure() == ab.failure().swapped(), (a, b, ab, ba)
        else:
            assert ba == ab, (a, b, ab, ba)
    _run(law, chosen)


def law_idempotence(ops: MeshOps, chosen: settings | None = None) -> None:
    """``a ⊗ a == a``: equal services combine to one (this strict model is idempotent)."""
    @given(MESHES)
    def law(a: Mesh) -> None:
        assert ops.tensor(a, a) == Success(a), (a, ops.tensor(a, a))
    _run(law, chosen)


def law_passthrough(ops: MeshOps, chosen: settings | None = None) -> None:
    """The passthrough service normalises away: ``Mesh.of(p) == I`` and
    ``Mesh.of(p) ⊗ a == a == a ⊗ Mesh.of(p)``."""
    @given(MESHES)
    def law(a: Mesh) -> None:
        alone = Mesh.of(ops.passthrough)
        assert alone == ops.unit, alone
        assert ops.tensor(alone, a) == Success(a), (a, ops.tensor(alone, a))
        assert ops.tensor(a, alone) == Success(a), (a, ops.tensor(a, alone))
    _run(law, chosen)


def law_functor(ops: MeshOps, chosen: settings | None = None) -> None:
    """``fmap`` on meshes is a functor: identity and composition."""
    @given(slot_maps(), slot_maps(), MESHES)
    def law(f: SlotMap, g: SlotMap, a: Mesh) -> None:
        assert ops.fmap(SlotMap.identity(), a) == a, a
        assert ops.fmap(f.then(g), a) == ops.fmap(g, ops.fmap(f, a)), (f, g, a)
    _run(law, chosen)


def law_bifunctoriality(ops: MeshOps, chosen: settings | None = None) -> None:
    """``fmap(f, a ⊗ b) == fmap(f, a) ⊗ fmap(f, b)`` where ``a ⊗ b`` is defined.

    Where it is not, the mapped side fails too unless ``f`` made the two conflicting
    definitions equal (retagging two versions to one tag does): a slot map acts on
    services, not on the relation between them, and can only make ``⊗`` more defined.
    """
    @given(slot_maps(), MESHES, MESHES)
    def law(f: SlotMap, a: Mesh, b: Mesh) -> None:
        fa, fb = ops.fmap(f, a), ops.fmap(f, b)
        mapped = ops.tensor(fa, fb)
        combined = ops.tensor(a, b)
        if isinstance(combined, Success):
            assert mapped == Success(ops.fmap(f, combined.unwrap())), (f, a, b, mapped)
            return
        name = combined.failure().service
        if name is not None and not fa.service(name).differences(fb.service(name)):
            event("f made two conflicting definitions equal")
            return
        assert isinstance(mapped, Failure), (f, a, b, combined, mapped)
    _run(law, chosen)


def law_union(ops: MeshOps, chosen: settings | None = None) -> None:
    """What ``a ⊗ b`` is, spelled out: the control planes conflict, else the smallest
    name both define differently is the conflict, with exactly the differing fields;
    else the union — every name of either side, a shared service once with the two
    policies joined, the control plane of whichever side has one, the policies joined."""
    @given(MESHES, MESHES)
    def law(a: Mesh, b: Mesh) -> None:
        result = ops.tensor(a, b)
        planes = a.control_plane, b.control_plane
        if planes[0] is not None and planes[1] is not None and planes[0] != planes[1]:
            expected = MeshConflict(None, planes[0].differences(planes[1]))
            assert result == Failure(expected), (a, b, result)
            assert expected.fields and all(f.left != f.right for f in expected.fields)
            return
        shared = sorted(set(a.names) & set(b.names))
        clashing = [n for n in shared if a.service(n).differences(b.service(n))]
        if clashing:
            name = clashing[0]
            fields = a.service(name).differences(b.service(name))
            assert result == Failure(MeshConflict(name, fields)), (a, b, result)
            assert all(f.left != f.right for f in fields), fields
            assert all(str(f) in str(result.failure()) for f in fields[:8]), result
            return
        services = {**a.services, **b.services}
        for name in shared:
            services[name] = attrs.evolve(a.service(name), policy=a.service(name).policy.join(
                b.service(name).policy))
        expected_mesh = Mesh(FrozenMap(services), planes[0] or planes[1],
                             a.policy.join(b.policy))
        assert result == Success(expected_mesh), (a, b, result)
    _run(law, chosen)


def _run(test: Callable[[], None], chosen: settings | None) -> None:
    """Run a law's Hypothesis test, under ``chosen`` settings when given."""
    (chosen(test) if chosen is not None else test)()


LAWS = [law_associativity, law_unit, law_symmetry, law_idempotence, law_passthrough,
        law_functor, law_bifunctoriality, law_union]


@pytest.mark.parametrize("law", LAWS, ids=lambda law: law.__name__)
def test_the_mesh_is_lawful(law: Callable[..., None]) -> None:
    law(LAWFUL)


@given(MESHES, MESHES, MESHES, st.permutations(range(3)))
def test_tensor_all_sees_every_operand_at_once(a: Mesh, b: Mesh, c: Mesh,
                                               order: list[int]) -> None:
    """``tensor_all`` agrees with both bracketings; its conflict names the same subject
    in every order of the operands (the first two differing definitions differ)."""
    operands = (a, b, c)
    together = Mesh.tensor_all(operands)
    assert _agree(together, a.tensor(b).bind(lambda ab: ab.tensor(c))), (a, b, c)
    permuted = Mesh.tensor_all([operands[i] for i in order])
    assert _agree(together, permuted), (a, b, c, order)
    if isinstance(together, Failure) and isinstance(permuted, Failure):
        assert permuted.failure().service == together.failure().service, (a, b, c, order)
        assert _genuine(together.failure(), a, b, c)
    assert Mesh.tensor_all([]) == Success(Mesh.unit())
    assert Mesh.tensor_all([a]) == Success(a)


@given(MESHES, MESHES, MESHES)
def test_the_operator_chains_through_results(a: Mesh, b: Mesh, c: Mesh) -> None:
    """``a @ b @ c`` is ``(a ⊗ b) ⊗ c``, ``a @ (b @ c)`` is ``a ⊗ (b ⊗ c)``: a failure
    anywhere is the failure of the whole."""
    assert a @ b @ c == a.tensor(b).bind(lambda ab: ab.tensor(c))
    assert a @ (b @ c) == b.tensor(c).bind(a.tensor)


# --- broken meshes: each must fail the law it breaks -------------------------------------

def tensor_right_wins(a: Mesh, b: Mesh) -> Result[Mesh, MeshConflict]:
    """A name on both sides silently takes the right-hand service: no conflict ever."""
    result = Mesh.tensor(a, b)
    if isinstance(result, Failure) and result.failure().service is not None:
        return Success(Mesh(FrozenMap({**a.services, **b.services}),
                            a.control_plane or b.control_plane, a.policy.join(b.policy)))
    return result


def tensor_ignoring_control_planes(a: Mesh, b: Mesh) -> Result[Mesh, MeshConflict]:
    """Two control planes never conflict: the left one is kept."""
    plane = a.control_plane or b.control_plane
    return Mesh.tensor(attrs.evolve(a, control_plane=plane), attrs.evolve(b, control_plane=plane))


def tensor_overwriting_policy(a: Mesh, b: Mesh) -> Result[Mesh, MeshConflict]:
    """The mesh-wide policy of the right side replaces the left's, instead of joining."""
    return Mesh.tensor(a, b).map(lambda mesh: attrs.evolve(mesh, policy=b.policy))


def tensor_rejecting_duplicates(a: Mesh, b: Mesh) -> Result[Mesh, MeshConflict]:
    """Any name on both sides is a conflict, even with equal services."""
    shared = sorted(set(a.names) & set(b.names))
    if shared:
        return Failure(MeshConflict(shared[0], ()))
    return Mesh.tensor(a, b)


def tensor_dropping_contested(a: Mesh, b: Mesh) -> Result[Mesh, MeshConflict]:
    """A service the two sides define differently is silently left out (commutative,
    unital and idempotent still — only associativity catches it)."""
    contested = {n for n in set(a.names) & set(b.names)
                 if a.service(n).differences(b.service(n))}
    keep = [FrozenMap({n: s for n, s in m.services.items() if n not in contested})
            for m in (a, b)]
    return Mesh.tensor(attrs.evolve(a, services=keep[0]), attrs.evolve(b, services=keep[1]))


def fmap_first_service_only(f: SlotMap, target: Any) -> Any:
    """Maps only the first service of a mesh (an early return in a loop)."""
    if isinstance(target, Mesh) and target.services and not f.is_identity:
        first = target.names[0]
        return attrs.evolve(target, services=target.services.set(
            first, target.service(first).fmap(f)))
    return fmap(f, target)


BROKEN: list[tuple[str, MeshOps, Callable[..., None]]] = [
    ("right side wins", MeshOps(tensor=tensor_right_wins), law_symmetry),
    ("right side wins", MeshOps(tensor=tensor_right_wins), law_union),
    ("control planes ignored", MeshOps(tensor=tensor_ignoring_control_planes), law_symmetry),
    ("policy overwritten", MeshOps(tensor=tensor_overwriting_policy), law_unit),
    ("unit with a default control plane", MeshOps(unit=Mesh(control_plane=ControlPlane())),
     law_unit),
    ("passthrough with a default policy",
     MeshOps(passthrough=MeshService("passthrough", policy=MeshPolicy.of(mtls="STRICT"))),
     law_passthrough),
    ("equal duplicates rejected", MeshOps(tensor=tensor_rejecting_duplicates),
     law_idempotence),
    ("contested services dropped", MeshOps(tensor=tensor_dropping_contested),
     law_associativity),
    ("fmap of the first service only", MeshOps(fmap=fmap_first_service_only),
     law_bifunctoriality),
]


@pytest.mark.parametrize(("name", "broken", "law"), BROKEN,
                         ids=[f"{name}-{law.__name__}" for name, _, law in BROKEN])
def test_a_broken_mesh_fails_its_law(name: str, broken: MeshOps,
                                     law: Callable[..., None]) -> None:
    with pytest.raises(AssertionError):
        law(broken, FIND)


def test_the_associativity_breaker_passes_the_other_laws() -> None:
    """Dropping contested services is symmetric, unital and idempotent: only the
    associativity law tells it apart — so that law is doing work of its own."""
    broken = MeshOps(tensor=tensor_dropping_contested)
    for law in (law_symmetry, law_unit, law_idempotence):
        law(broken, settings(FIND, max_examples=50))
