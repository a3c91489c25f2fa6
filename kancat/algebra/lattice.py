"""Policy merge as a join-semilattice; resource totals as a commutative monoid.

Two structures, kept apart on purpose:

* :class:`MeshPolicy` — mesh-wide traffic and security policy. Policies merge by
  **join** ``⊔`` (also written ``|``): associative, commutative, idempotent, with
  the empty policy as the bottom ``⊥``, and ordered by ``a ≤ b ⇔ a ⊔ b == b``.
  Each field is a lattice of its own (sets by union, enums as chains, "stricter
  wins" booleans), and the policy is their product.
* :class:`ResourceTotals` — requests and limits summed per resource. Sums form a
  commutative **monoid** (``+``, unit :meth:`ResourceTotals.empty`), not a join:
  ``a + a != a``.

Every order here is defined on its own (subset, position in a chain,
implication), never as ``a ⊔ b == b``: then the order law pins the direction of
the join. A meet (intersection, minimum) is associative, commutative and
idempotent too, and only the order law tells it from a join.

The laws of each theory are data beside it — :data:`JOIN_SEMILATTICE_LAWS`,
:data:`DIFFERENCE_LAWS`, :data:`COMMUTATIVE_MONOID_LAWS` — each a :class:`Law`
whose ``holds(ops, a, b, c)`` a property test runs on drawn values.

>>> granted = MeshPolicy.of(mtls="STRICT", egress_hosts=["*.example.com"],
...                         capabilities=["NET_BIND_SERVICE"])
>>> needed = MeshPolicy.of(mtls="PERMISSIVE", egress_hosts=["api.example.com"])
>>> needed <= granted
True
>>> needed | granted == granted
True
>>> granted - needed            # what the grant gives beyond the need
MeshPolicy.of(mtls='STRICT', capabilities=['NET_BIND_SERVICE'], egress_hosts=['*.example.com'])
>>> needed - granted            # what the need lacks in the grant: nothing
MeshPolicy.of()

References: B. A. Davey and H. A. Priestley, *Introduction to Lattices and
Order*, 2nd ed. (2002), ch. 2 (semilattices; the Connecting Lemma
``a ≤ b ⇔ a ∨ b = b``); F. W. Lawvere, "Intrinsic co-Heyting boundaries and the
Leibniz rule in certain toposes" (1991) for the difference ``a ∖ b``; S. Mac Lane,
*Categories for the Working Mathematician*, I.1 (monoids).
"""

import enum
import functools
import operator
import re
from collections.abc import Callable, Iterable, Mapping
from fractions import Fraction
from typing import Any, Generic, Protocol, Self, TypeVar

import attrs

from kancat.errors import InvalidArgument, InvalidValue, Problem
from kancat.values import Container, Deployment, PodTemplate, Quantity, StatefulSet
from kancat.values import _check as check
from kancat.values._frozen import EMPTY as _EMPTY
from kancat.values._frozen import FrozenMap

__all__ = [
    "COMMUTATIVE_MONOID_LAWS",
    "DIFFERENCE_LAWS",
    "JOIN_SEMILATTICE_LAWS",
    "ChainEnum",
    "CommutativeMonoid",
    "JoinSemilattice",
    "Law",
    "MTLSMode",
    "MeshPolicy",
    "MonoidOps",
    "PodSecurityLevel",
    "ResourceTotals",
    "SemilatticeOps",
    "monoid",
    "semilattice",
    "to_quantity",
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
    """

    name: str
    formula: str
    holds: Callable[[_OpsT_contra, Any, Any, Any], bool] = attrs.field(eq=False, repr=False)


def semilattice(kind: type[_L]) -> SemilatticeOps[_L]:
    """The operations of a class that implements :class:`JoinSemilattice`
    (its ``difference`` too, when it has one).

    >>> ops = semilattice(MTLSMode)
    >>> ops.join(MTLSMode.PERMISSIVE, MTLSMode.STRICT), ops.bottom
    (MTLSMode.STRICT, MTLSMode.DISABLE)
    """
    return SemilatticeOps(kind.join, kind.leq, kind.bottom(), getattr(kind, "difference", None))


def monoid(kind: type[_M]) -> MonoidOps[_M]:
    """The operations of a class that implements :class:`CommutativeMonoid`.

    >>> monoid(ResourceTotals).empty
    ResourceTotals.of()
    """
    return MonoidOps(kind.combine, kind.empty())


_Holds = Callable[[Any, Any, Any, Any], bool]


def _associative(operation: Callable[[Any], Callable[[Any, Any], Any]]) -> _Holds:
    """``(a · b) · c == a · (b · c)`` for the operation ``operation(ops)``."""
    def holds(ops: Any, a: Any, b: Any, c: Any) -> bool:
        op = operation(ops)
        return bool(op(op(a, b), c) == op(a, op(b, c)))
    return holds


def _commutative(operation: Callable[[Any], Callable[[Any, Any], Any]]) -> _Holds:
    """``a · b == b · a``."""
    def holds(ops: Any, a: Any, b: Any, c: Any) -> bool:
        op = operation(ops)
        return bool(op(a, b) == op(b, a))
    return holds


def _unit(operation: Callable[[Any], Callable[[Any, Any], Any]],
          unit: Callable[[Any], Any]) -> _Holds:
    """``e · a == a == a · e`` for the unit ``unit(ops)``."""
    def holds(ops: Any, a: Any, b: Any, c: Any) -> bool:
        op, e = operation(ops), unit(ops)
        return bool(op(e, a) == a and op(a, e) == a)
    return holds


def _join(ops: SemilatticeOps[Any]) -> Callable[[Any, Any], Any]:
    return ops.join


def _combine(ops: MonoidOps[Any]) -> Callable[[Any, Any], Any]:
    return ops.combine


def _idempotent(ops: SemilatticeOps[Any], a: Any, b: Any, c: Any) -> bool:
    return bool(ops.join(a, a) == a)


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


class MTLSMode(ChainEnum):
    """Istio ``PeerAuthentication`` ``spec.mtls.mode`` as a requirement, weakest first:
    ``DISABLE < PERMISSIVE < STRICT``; merging requirements keeps the stricter.

    ``DISABLE`` is the bottom: as a policy it asks for nothing. Istio's ``UNSET``
    (inherit from the parent scope) is not a level: inheritance is what the join
    computes.
    """

    DISABLE = "DISABLE"
    PERMISSIVE = "PERMISSIVE"
    STRICT = "STRICT"


class PodSecurityLevel(ChainEnum):
    """A Pod Security Standards level, as in the namespace label
    ``pod-security.kubernetes.io/enforce``, weakest first:
    ``privileged < baseline < restricted``; merging requirements keeps the stricter.

    Read it as the level a scope is asked to *enforce*. What a workload
    *tolerates* (the strictest level it passes) merges the other way, by the
    earliest member: model that with the dual order, not with this join.
    """

    PRIVILEGED = "privileged"
    BASELINE = "baseline"
    RESTRICTED = "restricted"


# --- the mesh policy ------------------------------------------------------------------------

_CAPABILITY = re.compile(r"[A-Z][A-Z0-9_]*\Z")


def _capability_problems(path: str, name: object) -> list[Problem]:
    if not isinstance(name, str):
        return [Problem(path, f"capability must be a string, got {name!r:.60}", "quote it")]
    if name.startswith("CAP_") and _CAPABILITY.match(name):
        return [Problem(path, f"capability {name!r} carries the CAP_ prefix",
                        f"write {name[4:]!r}, as Kubernetes capabilities.add does")]
    if name == "ALL":
        return [Problem(path, "capability 'ALL' is not one capability",
                        "list the capabilities the workload adds, e.g. 'NET_BIND_SERVICE'")]
    if not _CAPABILITY.match(name):
        return [Problem(path, f"capability {name!r:.60} is not a capability name",
                        "use uppercase letters, digits and '_', e.g. 'NET_BIND_SERVICE'")]
    return []


@functools.lru_cache(maxsize=4096)
def _host_problems_cached(path: str, host: str) -> tuple[Problem, ...]:
    if host == "*":
        return ()
    name = host[2:] if host.startswith("*.") else host
    found = check.dns_subdomain(path, name, what="egress host")
    if found:
        return (Problem(path, f"egress host {host!r:.60} is not a DNS name or wildcard",
                        "use a lowercase DNS name ('api.example.com'), a wildcard "
                        "('*.example.com') or '*'"),)
    return ()


def _host_problems(path: str, host: object) -> list[Problem]:
    if not isinstance(host, str):
        return [Problem(path, f"egress host must be a string, got {host!r:.60}", "quote it")]
    return list(_host_problems_cached(path, host))


def _sidecar_problems(path: str, name: object) -> list[Problem]:
    return check.dns_label(path, name, what="sidecar container name")


def _coverers(host: str) -> Iterable[str]:
    """The patterns other than ``host`` that cover it: ``*`` and the wildcards of its
    proper suffixes (``a.b.example.com`` ← ``*.b.example.com``, ``*.example.com``, ``*.com``)."""
    if host == "*":
        return
    yield "*"
    labels = host.split(".")
    for start in range(1, len(labels)):
        pattern = "*." + ".".join(labels[start:])
        if pattern != host:
            yield pattern


def _covered(host: str, patterns: frozenset[str]) -> bool:
    """``host ∈ ↓patterns``: listed, or matched by a wider pattern."""
    return host in patterns or any(p in patterns for p in _coverers(host))


def _maximal(hosts: frozenset[str]) -> frozenset[str]:
    """The normal form: drop the hosts another host of the set already covers."""
    if len(hosts) < 2:
        return hosts
    kept = frozenset(h for h in hosts if not any(p in hosts for p in _coverers(h)))
    return hosts if len(kept) == len(hosts) else kept


def _string_set(items: Iterable[str]) -> frozenset[str]:
    """Converter: any iterable of names (but not a lone string) to a frozenset."""
    if isinstance(items, frozenset):
        return items
    if isinstance(items, (str, bytes, Mapping)):
        raise InvalidArgument(f"expected a list of names, got {type(items).__name__} "
                              f"{items!r:.60}")
    return frozenset(items)


def _optional_leq(a: int | None, b: int | None) -> bool:
    return a is None or (b is not None and a <= b)


def _optional_max(a: int | None, b: int | None) -> int | None:
    if a is None:
        return b
    if b is None:
        return a
    return max(a, b)


@attrs.frozen(repr=False)
class MeshPolicy:
    """Mesh-wide traffic and security policy, merged by join.

    A policy is a product of lattices, one per field; ``a ≤ b`` reads "``b`` asks
    for everything ``a`` asks for" — requires at least as much of the workloads
    and grants them at least as much. Field by field (order ``a ≤ b``; join ``a ⊔ b``):

    * ``mtls`` — the chain DISABLE < PERMISSIVE < STRICT; the stricter.
    * ``pod_security`` — the chain privileged < baseline < restricted; the stricter.
    * ``capabilities`` — subset; union.
    * ``egress_hosts`` — every host of ``a`` covered by a host of ``b``; union,
      then the hosts another one covers dropped.
    * ``required_sidecars`` — subset; union.
    * ``max_replicas`` — ``None`` < 0 < 1 < ...; the maximum (``None`` the bottom).
    * ``read_only_root_filesystem`` — implication (False < True); or
      ("stricter wins").

    ``capabilities`` are Linux capabilities a workload may add, as Kubernetes'
    ``securityContext.capabilities.add`` writes them (``NET_BIND_SERVICE``, without
    ``CAP_``; ``ALL`` is refused, as it would not be above the names it stands for).

    ``egress_hosts`` are DNS names, wildcards ``*.example.com`` (every name, or
    narrower wildcard, ending in ``.example.com``: Istio's ``host.Name.SubsetOf``) and
    ``*`` (every host). A set of hosts stands for every host it matches, so
    ``{"*.example.com"}`` is above ``{"api.example.com"}``: the field is the
    lattice of down-sets of the host patterns under "covers", kept in normal form
    (no host covered by another, so equal policies are equal values). Plain union
    of names would report a false deficit whenever a wildcard grants a need.

    ``max_replicas`` is one typed ceiling (the replica count a scope must allow),
    joined by maximum; ``None`` is the bottom — *no* replicas asked for, not
    "unlimited". We keep one named field rather than a map of named ceilings
    joined key-wise by maximum (also a lattice): a field is typed and validated,
    and a new ceiling is a new field (a product of lattices is a lattice).

    >>> a = MeshPolicy.of(mtls="PERMISSIVE", capabilities=["NET_BIND_SERVICE"])
    >>> b = MeshPolicy.of(pod_security="baseline", egress_hosts=["*.example.com"])
    >>> a | b
    MeshPolicy.of(mtls='PERMISSIVE', pod_security='baseline', capabilities=['NET_BIND_SERVICE'], egress_hosts=['*.example.com'])
    >>> a <= a | b, a <= b
    (True, False)
    >>> MeshPolicy.of(egress_hosts=["db.example.com", "*.example.com", "Bad_Host"])
    Traceback (most recent call last):
    ...
    kancat.errors.InvalidValue: 1 problem:
      egressHosts[2]: egress host 'Bad_Host' is not a DNS name or wildcard (...)
    """

    mtls: MTLSMode = MTLSMode.DISABLE
    pod_security: PodSecurityLevel = PodSecurityLevel.PRIVILEGED
    capabilities: frozenset[str] = attrs.field(default=frozenset(), converter=_string_set)
    egress_hosts: frozenset[str] = attrs.field(default=frozenset(), converter=_string_set)
    required_sidecars: frozenset[str] = attrs.field(default=frozenset(), converter=_string_set)
    max_replicas: int | None = None
    read_only_root_filesystem: bool = False

    def __attrs_post_init__(self) -> None:
        check.raise_if(self._problems())
        # Normal form, after validation (an invalid host must be reported, not absorbed).
        object.__setattr__(self, "egress_hosts", _maximal(self.egress_hosts))

    def _problems(self) -> list[Problem]:
        found: list[Problem] = []
        if not isinstance(self.mtls, MTLSMode):
            found.append(Problem("mtls", f"mtls must be an MTLSMode, got {self.mtls!r:.60}",
                                 "use MTLSMode.STRICT, or MeshPolicy.of(mtls='STRICT')"))
        if not isinstance(self.pod_security, PodSecurityLevel):
            found.append(Problem("podSecurity", "podSecurity must be a PodSecurityLevel, got "
                                 f"{self.pod_security!r:.60}",
                                 "use PodSecurityLevel.RESTRICTED, or "
                                 "MeshPolicy.of(pod_security='restricted')"))
        for path, items, rule in (("capabilities", self.capabilities, _capability_problems),
                                  ("egressHosts", self.egress_hosts, _host_problems),
                                  ("requiredSidecars", self.required_sidecars, _sidecar_problems)):
            for item in sorted(items, key=repr):
                found += rule(path, item)
        found += check.optional_integer("maxReplicas", self.max_replicas, minimum=0,
                                        maximum=2**31 - 1, what="maxReplicas")
        if not isinstance(self.read_only_root_filesystem, bool):
            found.append(Problem("readOnlyRootFilesystem",
                                 "readOnlyRootFilesystem must be true or false, got "
                                 f"{self.read_only_root_filesystem!r:.60}",
                                 "write true or false without quotes"))
        return found

    @classmethod
    def of(cls, *, mtls: "MTLSMode | str" = MTLSMode.DISABLE,
           pod_security: "PodSecurityLevel | str" = PodSecurityLevel.PRIVILEGED,
           capabilities: Iterable[str] = (),
           egress_hosts: Iterable[str] = (),
           required_sidecars: Iterable[str] = (),
           max_replicas: int | None = None,
           read_only_root_filesystem: bool = False) -> "MeshPolicy":
        """Build a policy from friendly inputs (strings for the chains, lists for the
        sets); raise :class:`~kancat.errors.InvalidValue` naming every problem by path
        (``egressHosts[2]``, the index in the list given)."""
        found: list[Problem] = []
        mode = level = None
        try:
            mode = MTLSMode.of(mtls)
        except InvalidValue as error:
            found += [p.under("mtls") for p in error.problems]
        try:
            level = PodSecurityLevel.of(pod_security)
        except InvalidValue as error:
            found += [p.under("podSecurity") for p in error.problems]
        lists: list[tuple[str, ...]] = []
        for path, items, rule in (("capabilities", capabilities, _capability_problems),
                                  ("egressHosts", egress_hosts, _host_problems),
                                  ("requiredSidecars", required_sidecars, _sidecar_problems)):
            if isinstance(items, (str, bytes, Mapping)):
                raise InvalidArgument(f"MeshPolicy.of({path}=...) takes a list of names, "
                                      f"got {type(items).__name__} {items!r:.60}")
            given = tuple(items)
            for index, item in enumerate(given):
                found += rule(f"{path}[{index}]", item)
            lists.append(given)
        found += check.optional_integer("maxReplicas", max_replicas, minimum=0,
                                        maximum=2**31 - 1, what="maxReplicas")
        found += check.boolean("readOnlyRootFilesystem", read_only_root_filesystem,
                               what="readOnlyRootFilesystem")
        check.raise_if(found)
        assert mode is not None and level is not None
        return cls(mode, level, frozenset(lists[0]), frozenset(lists[1]), frozenset(lists[2]),
                   max_replicas, read_only_root_filesystem)

    # -- the lattice ---------------------------------------------------------------------

    @classmethod
    def bottom(cls) -> "MeshPolicy":
        """``⊥``, the policy that asks for nothing: ``MeshPolicy()``.

        Law: ``⊥ ⊔ a == a == a ⊔ ⊥`` and ``⊥ ≤ a`` for every ``a``.
        """
        return _BOTTOM

    def join(self, other: "MeshPolicy") -> "MeshPolicy":
        """``self ⊔ other``: the least policy that asks for everything either asks for,
        field by field (see the class docstring).

        Laws (:data:`JOIN_SEMILATTICE_LAWS`)::

            (a ⊔ b) ⊔ c == a ⊔ (b ⊔ c)    a ⊔ b == b ⊔ a    a ⊔ a == a
            ⊥ ⊔ a == a                    a ≤ b ⇔ a ⊔ b == b

        >>> MeshPolicy.of(max_replicas=3).join(MeshPolicy.of(max_replicas=10)).max_replicas
        10
        """
        if not isinstance(other, MeshPolicy):
            raise InvalidArgument(f"a MeshPolicy joins a MeshPolicy, not "
                                  f"{type(other).__name__} {other!r:.60}")
        return MeshPolicy(
            self.mtls.join(other.mtls),
            self.pod_security.join(other.pod_security),
            self.capabilities | other.capabilities,
            self.egress_hosts | other.egress_hosts,  # normalised by the constructor
            self.required_sidecars | other.required_sidecars,
            _optional_max(self.max_replicas, other.max_replicas),
            self.read_only_root_filesystem or other.read_only_root_filesystem)

    def leq(self, other: "MeshPolicy") -> bool:
        """``self ≤ other``: ``other`` asks for everything ``self`` asks for — chain
        positions, subsets, host coverage, ``<=`` and implication, field by field;
        defined without :meth:`join`, so that the law ``a ≤ b ⇔ a ⊔ b == b``
        checks the direction of the join.
        """
        return (self.mtls.leq(other.mtls)
                and self.pod_security.leq(other.pod_security)
                and self.capabilities <= other.capabilities
                and all(_covered(h, other.egress_hosts) for h in self.egress_hosts)
                and self.required_sidecars <= other.required_sidecars
                and _optional_leq(self.max_replicas, other.max_replicas)
                and (not self.read_only_root_filesystem or other.read_only_root_filesystem))

    def difference(self, other: "MeshPolicy") -> "MeshPolicy":
        """``self ∖ other``: the least policy ``x`` with ``self ≤ other ⊔ x`` — the
        part of ``self`` that ``other`` does not cover (co-Heyting difference).

        Field by field: sets lose what ``other`` has (hosts: what ``other``
        covers); a chain level or ``max_replicas`` stays when ``other`` falls short
        of it and is the bottom otherwise; the flag stays if ``other`` lacks it.

        Law (:data:`DIFFERENCE_LAWS`): ``a ∖ b ≤ x ⇔ a ≤ b ⊔ x``; so
        ``a ∖ b == ⊥ ⇔ a ≤ b``.

        The audits read it two ways: ``granted - needed`` is the **excess** (the
        least part of the grant that the need does not justify: a wildcard
        granted for one host stays whole, no smaller pattern set covering it),
        and ``needed - granted`` the **deficit** (the least grant to add:
        ``granted | (needed - granted)`` covers ``needed``).

        >>> needed = MeshPolicy.of(egress_hosts=["api.example.com", "db.internal"])
        >>> granted = MeshPolicy.of(egress_hosts=["*.example.com"], read_only_root_filesystem=True)
        >>> needed - granted
        MeshPolicy.of(egress_hosts=['db.internal'])
        >>> granted - needed
        MeshPolicy.of(egress_hosts=['*.example.com'], read_only_root_filesystem=True)
        """
        if not isinstance(other, MeshPolicy):
            raise InvalidArgument(f"a MeshPolicy minus a MeshPolicy, not "
                                  f"{type(other).__name__} {other!r:.60}")
        return MeshPolicy(
            self.mtls.difference(other.mtls),
            self.pod_security.difference(other.pod_security),
            self.capabilities - other.capabilities,
            frozenset(h for h in self.egress_hosts if not _covered(h, other.egress_hosts)),
            self.required_sidecars - other.required_sidecars,
            None if _optional_leq(self.max_replicas, other.max_replicas) else self.max_replicas,
            self.read_only_root_filesystem and not other.read_only_root_filesystem)

    @classmethod
    def join_all(cls, policies: Iterable["MeshPolicy"]) -> "MeshPolicy":
        """``⋁ policies``: the fold of :meth:`join` from :meth:`bottom` (⊥ when empty).

        >>> MeshPolicy.join_all([MeshPolicy.of(capabilities=["NET_ADMIN"]),
        ...                      MeshPolicy.of(capabilities=["NET_RAW"])])
        MeshPolicy.of(capabilities=['NET_ADMIN', 'NET_RAW'])
        >>> MeshPolicy.join_all([]) == MeshPolicy.bottom()
        True
        """
        result = cls.bottom()
        for policy in policies:
            result = result.join(policy)
        return result

    def __or__(self, other: "MeshPolicy") -> "MeshPolicy":
        return self.join(other)

    def __sub__(self, other: "MeshPolicy") -> "MeshPolicy":
        return self.difference(other)

    def __le__(self, other: "MeshPolicy") -> bool:
        return self.leq(other)

    def __repr__(self) -> str:
        """An expression that rebuilds the policy, naming only what is not ⊥."""
        parts: list[str] = []
        if self.mtls is not MTLSMode.DISABLE:
            parts.append(f"mtls={self.mtls.value!r}")
        if self.pod_security is not PodSecurityLevel.PRIVILEGED:
            parts.append(f"pod_security={self.pod_security.value!r}")
        for name, items in (("capabilities", self.capabilities),
                            ("egress_hosts", self.egress_hosts),
                            ("required_sidecars", self.required_sidecars)):
            if items:
                parts.append(f"{name}={sorted(items)!r}")
        if self.max_replicas is not None:
            parts.append(f"max_replicas={self.max_replicas!r}")
        if self.read_only_root_filesystem:
            parts.append("read_only_root_filesystem=True")
        return f"MeshPolicy.of({', '.join(parts)})"


_BOTTOM = MeshPolicy()


# --- resource totals ------------------------------------------------------------------------

_BYTE_RESOURCES = ("memory", "ephemeral-storage", "storage")
_BINARY_UNITS = ((Fraction(2**40), "Ti"), (Fraction(2**30), "Gi"), (Fraction(2**20), "Mi"),
                 (Fraction(2**10), "Ki"), (Fraction(1), ""))
_DECIMAL_UNITS = ((Fraction(1), ""), (Fraction(1, 10**3), "m"), (Fraction(1, 10**6), "u"),
                  (Fraction(1, 10**9), "n"))
_NANO = Fraction(1, 10**9)
_EXACT = 10**73  # a quantity has at most 64 decimals, after a suffix down to n (1e-9)


def _decimal_text(amount: Fraction) -> str:
    """The exact decimal notation of an amount whose denominator divides a power of ten."""
    places = 0
    while (amount * 10**places).denominator != 1:
        places += 1
    digits = str(abs(amount.numerator * 10**places // amount.denominator)).rjust(places + 1, "0")
    whole, fraction = (digits[:-places], digits[-places:]) if places else (digits, "")
    return ("-" if amount < 0 else "") + whole + ("." + fraction if fraction else "")


def to_quantity(resource: str, amount: Fraction | int) -> Quantity:
    """The exact amount of ``resource`` written as a Kubernetes quantity.

    Byte resources (``memory``, ``ephemeral-storage``, ``hugepages-*``) take the
    largest binary suffix that keeps a whole number (``Ti``, ``Gi``, ``Mi``,
    ``Ki``), else whole bytes; ``cpu`` and every other resource take whole units,
    else ``m``, ``u`` or ``n``; an amount finer than that keeps decimals before ``n``.
    The quantity always denotes ``amount`` exactly: ``to_quantity(r, x).amount == x``.

    >>> to_quantity("cpu", Fraction(3, 2)), to_quantity("cpu", 2)
    (Quantity(text='1500m'), Quantity(text='2'))
    >>> to_quantity("memory", 384 * 2**20), to_quantity("memory", 10**9)
    (Quantity(text='384Mi'), Quantity(text='1000000000'))
    """
    value = Fraction(amount)
    if value == 0:
        return Quantity.of("0")
    byte_sized = resource in _BYTE_RESOURCES or resource.startswith("hugepages-")
    units = _BINARY_UNITS if byte_sized else ()
    for scale, suffix in (*units, *_DECIMAL_UNITS):
        scaled = value / scale
        if scaled.denominator == 1:
            return Quantity.of(f"{scaled.numerator}{suffix}")
    return Quantity.of(_decimal_text(value / _NANO) + "n")


def _amounts(data: Mapping[str, Fraction | int] | None) -> FrozenMap[Fraction]:
    """Converter: exact amounts by resource, zeros dropped (so equal totals are equal values)."""
    if not data:
        return _EMPTY
    if not isinstance(data, Mapping):
        raise InvalidArgument(f"expected a mapping of amounts, got {type(data).__name__} "
                              f"{data!r:.60}")
    if isinstance(data, FrozenMap) and all(type(v) is Fraction and v for v in data.values()):
        return data
    kept: dict[str, Any] = {}
    for key, value in data.items():
        if type(value) is int:
            value = Fraction(value)
        if type(value) is Fraction and value == 0:
            continue
        kept[key] = value
    return FrozenMap(kept) if kept else _EMPTY


def _amount_problems(path: str, value: object) -> list[Problem]:
    if not isinstance(value, Fraction):
        return [Problem(path, f"amount must be a Fraction or an int, got {value!r:.60}",
                        "give an exact amount, or quantity text through ResourceTotals.of")]
    if value < 0:
        return [Problem(path, f"amount {value} is negative", "use 0 or more")]
    if _EXACT % value.denominator:
        return [Problem(path, f"amount {value} is not an exact Kubernetes quantity",
                        "use a decimal amount (at most 73 decimal places)")]
    return []


def _pointwise(a: FrozenMap[Fraction], b: FrozenMap[Fraction],
               op: Callable[[Fraction, Fraction], Fraction]) -> FrozenMap[Fraction]:
    """``op`` resource by resource; a resource on one side only is taken as it is."""
    if not a:
        return b
    if not b:
        return a
    data = a.as_dict()
    for key, value in b.items():
        data[key] = op(data[key], value) if key in data else value
    return FrozenMap(data)


def _sum(a: FrozenMap[Fraction], b: FrozenMap[Fraction]) -> FrozenMap[Fraction]:
    return _pointwise(a, b, operator.add)


def _max(a: FrozenMap[Fraction], b: FrozenMap[Fraction]) -> FrozenMap[Fraction]:
    return _pointwise(a, b, max)


def _fits(a: FrozenMap[Fraction], b: FrozenMap[Fraction]) -> bool:
    return all(value <= b.get(key, 0) for key, value in a.items())


@attrs.frozen(repr=False)
class ResourceTotals:
    """Requests and limits summed per resource name, as exact amounts (cores, bytes, ...).

    A commutative monoid under :meth:`combine` (``+``) with unit :meth:`empty` —
    not a join: ``a + a`` doubles ``a``. Resources absent from a map count 0.
    A limit total is the sum of the limits that are *set* (as Kubernetes' own
    pod limits are): a container with no limit for a resource is unbounded
    there, which a sum cannot say — check the containers when that matters
    (a ResourceQuota on ``limits.*`` rejects such pods).

    >>> web = Container.of("web", image="web:1", requests={"cpu": "250m", "memory": "256Mi"},
    ...                    limits={"memory": "512Mi"})
    >>> ResourceTotals.of_container(web) + ResourceTotals.of_container(web)
    ResourceTotals.of(requests={'cpu': '500m', 'memory': '512Mi'}, limits={'memory': '1Gi'})
    """

    requests: FrozenMap[Fraction] = attrs.field(default=_EMPTY, converter=_amounts)
    limits: FrozenMap[Fraction] = attrs.field(default=_EMPTY, converter=_amounts)

    def __attrs_post_init__(self) -> None:
        found: list[Problem] = []
        for where, table in (("requests", self.requests), ("limits", self.limits)):
            for key, value in table.items():
                path = f"{where}[{key!r}]"
                found += check.resource_name(path, key)
                found += _amount_problems(path, value)
        check.raise_if(found)

    @classmethod
    def of(cls, *, requests: Mapping[str, "Quantity | str | int | float"] | None = None,
           limits: Mapping[str, "Quantity | str | int | float"] | None = None
           ) -> "ResourceTotals":
        """Totals from quantities or quantity text; raise naming every problem by path.

        >>> ResourceTotals.of(requests={"cpu": "1.5", "memory": "-1Gi"})
        Traceback (most recent call last):
        ...
        kancat.errors.InvalidValue: 1 problem:
          requests['memory']: amount -1073741824 is negative (use 0 or more)
        """
        found: list[Problem] = []
        tables: list[dict[str, Fraction]] = []
        for where, given in (("requests", requests), ("limits", limits)):
            table: dict[str, Fraction] = {}
            for key, value in (given or {}).items():
                try:
                    table[key] = Quantity.of(value).amount
                except InvalidValue as error:
                    found += [p.under(f"{where}[{key!r}]") for p in error.problems]
            tables.append(table)
        check.raise_if(found)
        return cls(FrozenMap(tables[0]), FrozenMap(tables[1]))

    # -- the monoid ----------------------------------------------------------------------

    @classmethod
    def empty(cls) -> "ResourceTotals":
        """The unit: no requests, no limits. Law: ``0 + a == a == a + 0``."""
        return _NOTHING

    def combine(self, other: "ResourceTotals") -> "ResourceTotals":
        """``self + other``: requests and limits added resource by resource.

        Laws (:data:`COMMUTATIVE_MONOID_LAWS`)::

            (a + b) + c == a + (b + c)    a + b == b + a    0 + a == a == a + 0
        """
        if not isinstance(other, ResourceTotals):
            raise InvalidArgument(f"ResourceTotals add to ResourceTotals, not "
                                  f"{type(other).__name__} {other!r:.60}")
        return ResourceTotals(_sum(self.requests, other.requests),
                              _sum(self.limits, other.limits))

    def __add__(self, other: "ResourceTotals") -> "ResourceTotals":
        return self.combine(other)

    @classmethod
    def combine_all(cls, totals: Iterable["ResourceTotals"]) -> "ResourceTotals":
        """The fold of :meth:`combine` from :meth:`empty`."""
        result = cls.empty()
        for item in totals:
            result = result.combine(item)
        return result

    def times(self, count: int) -> "ResourceTotals":
        """``count · self``, the sum of ``count`` copies (``0 · a`` is the unit).

        >>> ResourceTotals.of(requests={"cpu": "250m"}).times(3)
        ResourceTotals.of(requests={'cpu': '750m'})
        """
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise InvalidArgument(f"times(count) takes a whole number >= 0, got {count!r:.60}")
        return ResourceTotals(FrozenMap({k: v * count for k, v in self.requests.items()}),
                              FrozenMap({k: v * count for k, v in self.limits.items()}))

    def peak(self, other: "ResourceTotals") -> "ResourceTotals":
        """The resource-by-resource maximum: what covers two phases that never run at
        once (an init container, then the next). It is a join — idempotent, with
        :meth:`fits_within` as its order and :meth:`empty` as bottom — and it is
        *not* the monoid: ``a.peak(a) == a`` while ``a + a`` doubles.
        """
        return ResourceTotals(_max(self.requests, other.requests),
                              _max(self.limits, other.limits))

    def fits_within(self, other: "ResourceTotals") -> bool:
        """Every request and every limit of ``self`` is at most that of ``other``."""
        return _fits(self.requests, other.requests) and _fits(self.limits, other.limits)

    # -- from containers and pods --------------------------------------------------------

    @classmethod
    def of_container(cls, container: Container) -> "ResourceTotals":
        """A container's requests and limits, with a missing request defaulted to its
        limit (the API server's defaulting of every Pod, before any scheduler sees it).

        >>> ResourceTotals.of_container(Container.of("app", image="app:1", limits={"cpu": "1"}))
        ResourceTotals.of(requests={'cpu': '1'}, limits={'cpu': '1'})
        """
        resources = container.resources
        limits = {key: q.amount for key, q in resources.limits.items()}
        requests = dict(limits)
        requests.update((key, q.amount) for key, q in resources.requests.items())
        return cls(FrozenMap(requests), FrozenMap(limits))

    @classmethod
    def of_pod(cls, pod: PodTemplate, replicas: int = 1) -> "ResourceTotals":
        """What ``replicas`` pods made from ``pod`` ask of the scheduler: the effective
        pod requests and limits, times ``replicas``.

        The rule is Kubernetes' own (component-helpers ``PodRequests``/``PodLimits``,
        KEP-753 "sidecar containers"), per resource:

        * app containers and native sidecars (init containers with
          ``restartPolicy: Always``) run together: their sum;
        * init containers run one at a time, each beside the native sidecars
          declared before it: init container ``i`` uses its own amount plus the
          sidecars started before it (a sidecar's own step uses the sidecars up to
          and including it);
        * the pod's amount is the maximum of the sum and of every init step.

        So ``effective = max(Σ app + Σ sidecars, max_i step_i)`` — the scheduler's
        rule. Requests are defaulted from limits first (:meth:`of_container`). Not
        modelled: pod overhead (RuntimeClass), pod-level ``spec.resources`` and
        LimitRange defaults.

        Worked example: an app (500m, 256Mi), an ``istio-proxy`` native sidecar
        (100m, 128Mi) and, after it, a ``migrate`` init container (2 cpu, 64Mi).
        Running: 600m and 384Mi; ``migrate``'s step: 2100m and 192Mi; so cpu is
        2100m and memory 384Mi.

        >>> app = Container.of("app", image="app:1", requests={"cpu": "500m", "memory": "256Mi"})
        >>> proxy = Container.of("istio-proxy", image="proxyv2:1.24", restart_policy="Always",
        ...                      requests={"cpu": "100m", "memory": "128Mi"})
        >>> migrate = Container.of("migrate", image="app:1", requests={"cpu": "2", "memory": "64Mi"})
        >>> pod = PodTemplate.of([app], init_containers=[proxy, migrate])
        >>> ResourceTotals.of_pod(pod)
        ResourceTotals.of(requests={'cpu': '2100m', 'memory': '384Mi'})
        >>> ResourceTotals.of_pod(pod, replicas=3).as_dict()
        {'requests': {'cpu': '6300m', 'memory': '1152Mi'}}
        """
        check.raise_if(check.integer("replicas", replicas, minimum=0, what="replicas"))
        running = cls.combine_all(cls.of_container(c) for c in pod.containers)
        sidecars = cls.empty()
        init_peak = cls.empty()
        for container in pod.init_containers:
            own = cls.of_container(container)
            if container.is_native_sidecar:
                sidecars = sidecars + own
                running = running + own
                step = sidecars
            else:
                step = own + sidecars
            init_peak = init_peak.peak(step)
        return running.peak(init_peak).times(replicas)

    @classmethod
    def of_workload(cls, workload: Deployment | StatefulSet) -> "ResourceTotals":
        """:meth:`of_pod` of the workload's template times its replicas (1 when unset,
        as Kubernetes defaults it); the steady state, without a rollout's surge."""
        replicas = 1 if workload.replicas is None else workload.replicas
        return cls.of_pod(workload.template, replicas)

    # -- back to quantities --------------------------------------------------------------

    def as_dict(self) -> dict[str, dict[str, str]]:
        """``{"requests": {...}, "limits": {...}}`` as quantity text (:func:`to_quantity`),
        the shape of a container's ``resources``; an empty side is left out."""
        result: dict[str, dict[str, str]] = {}
        for where, table in (("requests", self.requests), ("limits", self.limits)):
            if table:
                result[where] = {key: to_quantity(key, value).text for key, value in table.items()}
        return result

    def __repr__(self) -> str:
        """An expression that rebuilds the totals through :meth:`of`."""
        parts = [f"{where}={texts!r}" for where, texts in self.as_dict().items()]
        return f"ResourceTotals.of({', '.join(parts)})"


_NOTHING = ResourceTotals()
