"""Mesh-wide traffic and security policy: a join-semilattice.

Policies merge by **join** ``⊔`` (also written ``|``): associative, commutative,
idempotent, with the empty policy as the bottom ``⊥``, and ordered by
``a ≤ b ⇔ a ⊔ b == b`` (the laws of :class:`~kancat.algebra.theories.JoinSemilattice`).
Each field is a lattice of its own (sets by union, enums as chains, "stricter wins"
booleans), and the policy is their product.

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
"""

import functools
import operator
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import attrs

from kancat.algebra.theories import ChainEnum
from kancat.core import rules as check
from kancat.errors import InvalidArgument, InvalidValue, Problem

__all__ = ["MTLSMode", "MeshPolicy", "PodSecurityLevel"]


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


@attrs.frozen
class _Factor:
    """One factor of the product lattice: a field's order, join and difference."""

    leq: Callable[[Any, Any], bool]
    join: Callable[[Any, Any], Any]
    difference: Callable[[Any, Any], Any]


_CHAIN = _Factor(lambda a, b: a.leq(b), lambda a, b: a.join(b), lambda a, b: a.difference(b))
_SET = _Factor(operator.le, operator.or_, operator.sub)
_HOSTS = _Factor(lambda a, b: all(_covered(h, b) for h in a),
                 operator.or_,  # brought to normal form by the constructor
                 lambda a, b: frozenset(h for h in a if not _covered(h, b)))
_CEILING = _Factor(_optional_leq, _optional_max,
                   lambda a, b: None if _optional_leq(a, b) else a)
_FLAG = _Factor(lambda a, b: not a or b, operator.or_, lambda a, b: a and not b)


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

    mtls: MTLSMode = attrs.field(default=MTLSMode.DISABLE, metadata={"lattice": _CHAIN})
    pod_security: PodSecurityLevel = attrs.field(default=PodSecurityLevel.PRIVILEGED,
                                                 metadata={"lattice": _CHAIN})
    capabilities: frozenset[str] = attrs.field(default=frozenset(), converter=_string_set,
                                               metadata={"lattice": _SET})
    egress_hosts: frozenset[str] = attrs.field(default=frozenset(), converter=_string_set,
                                               metadata={"lattice": _HOSTS})
    required_sidecars: frozenset[str] = attrs.field(default=frozenset(), converter=_string_set,
                                                    metadata={"lattice": _SET})
    max_replicas: int | None = attrs.field(default=None, metadata={"lattice": _CEILING})
    read_only_root_filesystem: bool = attrs.field(default=False, metadata={"lattice": _FLAG})

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
        return self._product("join", other, "joins")

    def leq(self, other: "MeshPolicy") -> bool:
        """``self ≤ other``: ``other`` asks for everything ``self`` asks for — chain
        positions, subsets, host coverage, ``<=`` and implication, field by field;
        defined without :meth:`join`, so that the law ``a ≤ b ⇔ a ⊔ b == b``
        checks the direction of the join.
        """
        return all(lattice.leq(getattr(self, name), getattr(other, name))
                   for name, lattice in _FACTORS)

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
        return self._product("difference", other, "minus")

    def _product(self, operation: str, other: "MeshPolicy", verb: str) -> "MeshPolicy":
        """The lattice ``operation`` of each field's factor, field by field."""
        if not isinstance(other, MeshPolicy):
            raise InvalidArgument(f"a MeshPolicy {verb} a MeshPolicy, not "
                                  f"{type(other).__name__} {other!r:.60}")
        return MeshPolicy(*(getattr(lattice, operation)(getattr(self, name),
                                                        getattr(other, name))
                            for name, lattice in _FACTORS))

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


_FACTORS: tuple[tuple[str, _Factor], ...] = tuple(
    (field.name, field.metadata["lattice"]) for field in attrs.fields(MeshPolicy))
"""Each field and its factor of the product lattice, in the order of the fields."""

_BOTTOM = MeshPolicy()
