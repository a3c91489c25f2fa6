"""Resource totals: requests and limits summed per resource, a commutative monoid.

Sums form a commutative **monoid** (``+``, unit :meth:`ResourceTotals.empty`; the laws
of :class:`~kancat.algebra.theories.CommutativeMonoid`), not a join: ``a + a != a``.
:meth:`ResourceTotals.peak`, the resource-by-resource maximum, is the join beside it.

>>> from kancat.values import Container
>>> web = Container.of("web", image="web:1", requests={"cpu": "250m"})
>>> ResourceTotals.of_container(web) + ResourceTotals.of_container(web)
ResourceTotals.of(requests={'cpu': '500m'})
"""

import operator
from collections.abc import Callable, Iterable, Mapping
from fractions import Fraction
from typing import Any

import attrs

from kancat.core import rules as check
from kancat.core.frozen import EMPTY as _EMPTY
from kancat.core.frozen import FrozenMap
from kancat.errors import InvalidArgument, InvalidValue, Problem
from kancat.values import Container, Deployment, PodTemplate, Quantity, StatefulSet
from kancat.values.quantity import quantity_of

__all__ = ["ResourceTotals"]

_EXACT = 10**73  # a quantity has at most 64 decimals, after a suffix down to n (1e-9)


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
                result[where] = {key: quantity_of(key, value).text for key, value in table.items()}
        return result

    def __repr__(self) -> str:
        """An expression that rebuilds the totals through :meth:`of`."""
        parts = [f"{where}={texts!r}" for where, texts in self.as_dict().items()]
        return f"ResourceTotals.of({', '.join(parts)})"


_NOTHING = ResourceTotals()
