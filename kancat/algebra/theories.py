"""The theories of kancat's algebra, their laws declared beside their operations.

* :class:`JoinSemilattice` — ``(L, ⊔, ⊥, ≤)``, laws :data:`JOIN_SEMILATTICE_LAWS`
  (and, for a co-Heyting difference, :data:`DIFFERENCE_LAWS`);
* :class:`CommutativeMonoid` — ``(M, +, 0)``, laws :data:`COMMUTATIVE_MONOID_LAWS`;
* :class:`ChainEnum` — a finite chain, the simplest lattice (mTLS modes and Pod Security
  levels are chains).

Every order here is defined on its own (subset, position in a chain,
implication), never as ``a ⊔ b == b``: then the order law pins the direction of
the join. A meet (intersection, minimum) is associative, commutative and
idempotent too, and only the order law tells it from a join.

Each law is a :class:`Law` whose ``holds(ops, a, b, c)`` a property test runs on drawn
values; :mod:`kancat.testing.laws` runs them in users' suites. The instances:
:class:`~kancat.algebra.policy.MeshPolicy` (a join-semilattice) and
:class:`~kancat.algebra.totals.ResourceTotals` (a commutative monoid).

References: B. A. Davey and H. A. Priestley, *Introduction to Lattices and
Order*, 2nd ed. (2002), ch. 2 (semilattices; the Connecting Lemma
``a ≤ b ⇔ a ∨ b = b``); F. W. Lawvere, "Intrinsic co-Heyting boundaries and the
Leibniz rule in certain toposes" (1991) for the difference ``a ∖ b``; S. Mac Lane,
*Categories for the Working Mathematician*, I.1 (monoids).
"""

import enum
from collections.abc import Callable, Iterable
from typing import Any, Generic, Protocol, Self, TypeVar

import attrs

from kancat.errors import InvalidArgument, InvalidValue, Problem

__all__ = [
    "COMMUTATIVE_MONOID_LAWS",
    "DIFFERENCE_LAWS",
    "JOIN_SEMILATTICE_LAWS",
    "ChainEnum",
    "CommutativeMonoid",
    "JoinSemilattice",
    "Law",
    "MonoidOps",
    "Same",
    "SemilatticeOps",
    "monoid",
    "same",
    "semilattice",
]

_T = TypeVar("_T")
_OpsT_contra = TypeVar("_OpsT_contra", contravariant=True)


# --- theories -------------------------------------------------------------------------------

class JoinSemilattice(Protocol):
    """The theory of join-semilattices with a bottom: ``(L, ⊔, ⊥, ≤)``.

    ``a.join(b)`` is ``a ⊔ b``, the least upper bound; ``a.leq(b)`` is ``a ≤ b``,
    defined independently of ``join``; ``L.bottom()`` is ``⊥``, the least element.
    Laws (:data:`JOIN_SEMILATTICE_LAWS`), for all ``a, b, c`` in ``L``::

        (a ⊔ b) ⊔ c == a ⊔ (b ⊔ c)        associativity
        a ⊔ b == b ⊔ a                     commutativity
        a ⊔ a == a                         idempotence
        ⊥ ⊔ a == a == a ⊔ ⊥                unit (the bottom)
        a ≤ b  ⇔  a ⊔ b == b               order (the Connecting Lemma)
    """

    def join(self, other: Self, /) -> Self: ...

    def leq(self, other: Self, /) -> bool: ...

    @classmethod
    def bottom(cls) -> Self: ...


class CommutativeMonoid(Protocol):
    """The theory of commutative monoids: ``(M, +, 0)``.

    Laws (:data:`COMMUTATIVE_MONOID_LAWS`), for all ``a, b, c`` in ``M``::

        (a + b) + c == a + (b + c)         associativity
        a + b == b + a                     commutativity
        0 + a == a == a + 0                unit

    Unlike a join, ``a + a`` is in general not ``a``.
    """

    def combine(self, other: Self, /) -> Self: ...

    @classmethod
    def empty(cls) -> Self: ...


_L = TypeVar("_L", bound=JoinSemilattice)
_M = TypeVar("_M", bound=CommutativeMonoid)


@attrs.frozen
class SemilatticeOps(Generic[_T]):
    """A join-semilattice given by its operations, so a law checker can run on any
    instance, lawful or (in tests) deliberately broken.

    ``difference``, when given, is the co-Heyting difference of :data:`DIFFERENCE_LAWS`.
    """

    join: Callable[[_T, _T], _T]
    leq: Callable[[_T, _T], bool]
    bottom: _T
    difference: Callable[[_T, _T], _T] | None = None


@attrs.frozen
class MonoidOps(Generic[_T]):
    """A monoid given by its operations: ``combine`` and its unit ``empty``."""

    combine: Callable[[_T, _T], _T]
    empty: _T


@attrs.frozen
class Law(Generic[_OpsT_contra]):
    """One law of a theory: ``formula`` says it, ``holds(ops, a, b, c)`` checks it.

    ``holds`` checks the formula at ``a, b, c`` and, where random values would
    rarely meet its premise, at instances built from them (named in the
    docstring of each law), so that comparable pairs are always tried.

    ``takes`` names what ``a, b, c`` are, for a checker to draw them: three values of
    the theory's type by default; a law of transformations takes, e.g., a slot map
    and a workload (the arguments it does not use are ``None``).
    """

    name: str
    formula: str
    holds: Callable[[_OpsT_contra, Any, Any, Any], object] = attrs.field(eq=False, repr=False)
    takes: tuple[str, ...] = ("value", "value", "value")


@attrs.frozen(eq=False)
class Same:
    """The verdict of an equation of a law: true when ``left == right``, and kept so a
    failing law can say where the two sides differ (``holds`` returns one, or a bool).

    >>> bool(same({"a": 1}, {"a": 1})), bool(same(1, 2))
    (True, False)
    """

    left: Any
    right: Any

    def __bool__(self) -> bool:
        return bool(self.left == self.right)


def same(left: Any, right: Any) -> Same:
    """The verdict of ``left == right`` (see :class:`Same`)."""
    return Same(left, right)


def semilattice(kind: type[_L]) -> SemilatticeOps[_L]:
    """The operations of a class that implements :class:`JoinSemilattice`
    (its ``difference`` too, when it has one).

    >>> from kancat.algebra.policy import MTLSMode
    >>> ops = semilattice(MTLSMode)
    >>> ops.join(MTLSMode.PERMISSIVE, MTLSMode.STRICT), ops.bottom
    (MTLSMode.STRICT, MTLSMode.DISABLE)
    """
    return SemilatticeOps(kind.join, kind.leq, kind.bottom(), getattr(kind, "difference", None))


def monoid(kind: type[_M]) -> MonoidOps[_M]:
    """The operations of a class that implements :class:`CommutativeMonoid`.

    >>> from kancat.algebra.totals import ResourceTotals
    >>> monoid(ResourceTotals).empty
    ResourceTotals.of()
    """
    return MonoidOps(kind.combine, kind.empty())


_Holds = Callable[[Any, Any, Any, Any], object]


def _associative(operation: Callable[[Any], Callable[[Any, Any], Any]]) -> _Holds:
    """``(a · b) · c == a · (b · c)`` for the operation ``operation(ops)``."""
    def holds(ops: Any, a: Any, b: Any, c: Any) -> Same:
        op = operation(ops)
        return same(op(op(a, b), c), op(a, op(b, c)))
    return holds


def _commutative(operation: Callable[[Any], Callable[[Any, Any], Any]]) -> _Holds:
    """``a · b == b · a``."""
    def holds(ops: Any, a: Any, b: Any, c: Any) -> Same:
        op = operation(ops)
        return same(op(a, b), op(b, a))
    return holds


def _unit(operation: Callable[[Any], Callable[[Any, Any], Any]],
          unit: Callable[[Any], Any]) -> _Holds:
    """``e · a == a == a · e`` for the unit ``unit(ops)``."""
    def holds(ops: Any, a: Any, b: Any, c: Any) -> Same:
        op, e = operation(ops), unit(ops)
        return same(op(e, a), a) and same(op(a, e), a)
    return holds


def _join(ops: SemilatticeOps[Any]) -> Callable[[Any, Any], Any]:
    return ops.join


def _combine(ops: MonoidOps[Any]) -> Callable[[Any, Any], Any]:
    return ops.combine


def _idempotent(ops: SemilatticeOps[Any], a: Any, b: Any, c: Any) -> Same:
    return same(ops.join(a, a), a)


def _order(ops: SemilatticeOps[Any], a: Any, b: Any, c: Any) -> bool:
    """``a ≤ b ⇔ a ⊔ b == b`` at ``(a, b)``, ``(b, a)``, ``(a, a ⊔ b)`` and ``(⊥, a)``."""
    join, leq = ops.join, ops.leq
    pairs = ((a, b), (b, a), (a, join(a, b)), (ops.bottom, a))
    return all(bool(leq(x, y)) == bool(join(x, y) == y) for x, y in pairs)


def _difference_adjoint(ops: SemilatticeOps[Any], a: Any, b: Any, c: Any) -> bool:
    """``a ∖ y ≤ x ⇔ a ≤ y ⊔ x`` at ``y`` in ``b``, ``a ⊔ b`` and ``x`` in ``c``, ``⊥``,
    ``a ∖ y``, ``a``."""
    if ops.difference is None:
        raise InvalidArgument("the difference law needs SemilatticeOps(difference=...)")
    minus, join, leq = ops.difference, ops.join, ops.leq
    for y in (b, join(a, b)):
        rest = minus(a, y)
        if not all(bool(leq(rest, x)) == bool(leq(a, join(y, x)))
                   for x in (c, ops.bottom, rest, a)):
            return False
    return True


JOIN_SEMILATTICE_LAWS: tuple[Law[SemilatticeOps[Any]], ...] = (
    Law("associativity", "(a ⊔ b) ⊔ c == a ⊔ (b ⊔ c)", _associative(_join)),
    Law("commutativity", "a ⊔ b == b ⊔ a", _commutative(_join)),
    Law("idempotence", "a ⊔ a == a", _idempotent),
    Law("unit", "⊥ ⊔ a == a == a ⊔ ⊥", _unit(_join, lambda ops: ops.bottom)),
    Law("order", "a ≤ b ⇔ a ⊔ b == b", _order),
)
"""The laws of :class:`JoinSemilattice`. ``order`` is tried at ``(a, b)``,
``(b, a)``, ``(a, a ⊔ b)`` and ``(⊥, a)``."""

DIFFERENCE_LAWS: tuple[Law[SemilatticeOps[Any]], ...] = (
    Law("difference", "a ∖ b ≤ x ⇔ a ≤ b ⊔ x", _difference_adjoint),
)
"""The law of the co-Heyting difference: ``(-) ∖ b`` is left adjoint to ``b ⊔ (-)``,
i.e. ``a ∖ b`` is the least ``x`` with ``a ≤ b ⊔ x``. Tried with ``b`` and with
``a ⊔ b`` (above ``a``, so that ``a ∖ (a ⊔ b) == ⊥`` is checked), each at ``x`` =
``c``, ``⊥`` (giving ``a ∖ b == ⊥ ⇔ a ≤ b``), ``a ∖ b`` (giving
``a ≤ b ⊔ (a ∖ b)``) and ``a``."""

COMMUTATIVE_MONOID_LAWS: tuple[Law[MonoidOps[Any]], ...] = (
    Law("associativity", "(a + b) + c == a + (b + c)", _associative(_combine)),
    Law("commutativity", "a + b == b + a", _commutative(_combine)),
    Law("unit", "0 + a == a == a + 0", _unit(_combine, lambda ops: ops.empty)),
)
"""The laws of :class:`CommutativeMonoid`."""


# --- chains ---------------------------------------------------------------------------------

class ChainEnum(enum.Enum):
    """An enum whose members form a chain, listed bottom first.

    The order is position in the class (:meth:`leq`), the join the later of two
    members (:meth:`join`, ``|``), the bottom the first member. A finite chain is
    a lattice, and a co-Heyting algebra: ``a ∖ b`` is ``a`` unless ``a ≤ b``,
    then ``⊥`` (:meth:`difference`, ``-``). Comparison operators follow the chain.

    >>> from kancat.algebra.policy import MTLSMode, PodSecurityLevel
    >>> MTLSMode.PERMISSIVE | MTLSMode.STRICT
    MTLSMode.STRICT
    >>> MTLSMode.STRICT.leq(MTLSMode.PERMISSIVE), MTLSMode.DISABLE < MTLSMode.STRICT
    (False, True)
    >>> MTLSMode.join_all([MTLSMode.PERMISSIVE, MTLSMode.DISABLE])
    MTLSMode.PERMISSIVE
    """

    @property
    def position(self) -> int:
        """The member's place in the chain, 0 for the bottom."""
        return type(self)._member_names_.index(self.name)

    def _same_chain(self, other: object) -> None:
        if type(other) is not type(self):
            raise InvalidArgument(f"{type(self).__name__} cannot be compared with "
                                  f"{type(other).__name__} {other!r:.60}")

    def join(self, other: Self) -> Self:
        """``self ⊔ other``: the later of the two in the chain.

        Laws: associative, commutative, idempotent, ``bottom()`` a unit, and
        ``a.leq(b) ⇔ a.join(b) == b`` (:data:`JOIN_SEMILATTICE_LAWS`).
        """
        self._same_chain(other)
        return other if self.position < other.position else self

    def leq(self, other: Self) -> bool:
        """``self ≤ other``: ``self`` comes no later in the chain (by position, not by join)."""
        self._same_chain(other)
        return self.position <= other.position

    def difference(self, other: Self) -> Self:
        """``self ∖ other``: the least ``x`` with ``self ≤ other ⊔ x`` — ``self`` when
        ``other`` falls short of it, else the bottom (:data:`DIFFERENCE_LAWS`).

        >>> from kancat.algebra.policy import MTLSMode
        >>> MTLSMode.STRICT - MTLSMode.PERMISSIVE, MTLSMode.PERMISSIVE - MTLSMode.STRICT
        (MTLSMode.STRICT, MTLSMode.DISABLE)
        """
        return type(self).bottom() if self.leq(other) else self

    @classmethod
    def bottom(cls) -> Self:
        """The first member."""
        return next(iter(cls))

    @classmethod
    def top(cls) -> Self:
        """The last member (a finite chain is bounded)."""
        return list(cls)[-1]

    @classmethod
    def join_all(cls, members: Iterable[Self]) -> Self:
        """``⋁ members``: the fold of :meth:`join` from the bottom (the bottom if empty)."""
        result = cls.bottom()
        for member in members:
            result = result.join(member)
        return result

    @classmethod
    def of(cls, value: "Self | str") -> Self:
        """The member itself, or the member whose value is ``value``.

        >>> from kancat.algebra.policy import MTLSMode, PodSecurityLevel
        >>> PodSecurityLevel.of("baseline")
        PodSecurityLevel.BASELINE
        >>> MTLSMode.of("strict")
        Traceback (most recent call last):
        ...
        kancat.errors.InvalidValue: 1 problem:
          'strict' is not a level of MTLSMode (use one of 'DISABLE', 'PERMISSIVE', 'STRICT')
        """
        if isinstance(value, cls):
            return value
        for member in cls:
            if member.value == value and type(value) is type(member.value):
                return member
        options = ", ".join(repr(m.value) for m in cls)
        raise InvalidValue([Problem("", f"{value!r:.60} is not a level of {cls.__name__}",
                                    f"use one of {options}")])

    def __or__(self, other: Self) -> Self:
        return self.join(other)

    def __sub__(self, other: Self) -> Self:
        return self.difference(other)

    def __le__(self, other: Self) -> bool:
        return self.leq(other)

    def __lt__(self, other: Self) -> bool:
        return self.leq(other) and self is not other

    def __ge__(self, other: Self) -> bool:
        return other.leq(self)

    def __gt__(self, other: Self) -> bool:
        return other.leq(self) and self is not other

    def __repr__(self) -> str:
        return f"{type(self).__name__}.{self.name}"
