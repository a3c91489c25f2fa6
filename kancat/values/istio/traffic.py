"""Routing: the VirtualService and the parts of its HTTP routes — matches, weighted
destinations, retries, timeouts, injected faults and mirroring.

>>> route = HTTPRoute.of(route=[("reviews", "v1", 90), ("reviews", "v2", 10)],
...                      match=[HTTPMatchRequest(uri=StringMatch(prefix="/api"))])
>>> service = VirtualService.of("reviews", hosts=["reviews"], http=[route])
>>> list(service.subsets_used())[1]
('spec.http[0].route[1].destination.subset', 'reviews', 'v2')
>>> VirtualService.create("reviews", hosts=["*"])
<Failure: 1 problem:
  spec.hosts[0]: the host '*' applies only at Gateways, not to the mesh's sidecars (name the hosts, or bind the VirtualService to gateways (without 'mesh'))>
"""

from collections.abc import Iterable, Iterator, Mapping
from functools import partial
from typing import Any, ClassVar, TypeAlias

import attrs

from kancat.core import rules
from kancat.core.collect import Collect, to_frozen, to_str_map, to_str_tuple, to_tuple
from kancat.core.fields import carried, path_of, wire
from kancat.core.frozen import EMPTY, FrozenMap
from kancat.core.value import Value, finish, part, rule
from kancat.errors import Problem
from kancat.values.istio.common import (
    VIRTUAL_SERVICE,
    count,
    duration,
    export_namespaces,
    gateway_list,
    host,
    host_list,
    object_meta,
    percentage,
)
from kancat.values.meta import KubeObjectBase, ObjectMeta

__all__ = [
    "Destination",
    "FaultAbort",
    "FaultDelay",
    "HTTPFaultInjection",
    "HTTPMatchRequest",
    "HTTPRetry",
    "HTTPRoute",
    "HTTPRouteDestination",
    "RouteTarget",
    "StringMatch",
    "VirtualService",
]


@attrs.frozen
class Destination(Value):
    """Where traffic goes: a ``host`` (a service of the registry), optionally a
    ``subset`` a DestinationRule defines and a ``port`` number.

    >>> Destination("reviews", "v2").subset
    'v2'
    """

    k8s_definition: ClassVar[str] = f"{VIRTUAL_SERVICE}/spec/http[]/mirror"

    host: str = attrs.field(metadata=wire("host", check=host))
    subset: str | None = attrs.field(default=None, metadata=wire(
        "subset", check=partial(rules.dns_label, what="subset name")))
    port: int | None = attrs.field(default=None, kw_only=True, metadata=wire(
        "port.number", check=rules.port_number))


@attrs.frozen(kw_only=True)
class StringMatch(Value):
    """Exactly one of ``exact``, ``prefix`` and ``regex`` (RE2).

    >>> StringMatch(prefix="/api").prefix
    '/api'
    """

    k8s_definition: ClassVar[str] = f"{VIRTUAL_SERVICE}/spec/http[]/match[]/uri"

    exact: str | None = attrs.field(default=None, metadata=wire("exact"))
    prefix: str | None = attrs.field(default=None, metadata=wire("prefix"))
    regex: str | None = attrs.field(default=None, metadata=wire("regex"))

    @rule
    def _one(self) -> list[Problem]:
        given = [v for v in (self.exact, self.prefix, self.regex) if v is not None]
        if len(given) == 1:
            return []
        return [Problem("", f"a string match is exactly one of exact, prefix, regex, found "
                            f"{len(given)}", "give exactly one")]


@attrs.frozen(kw_only=True)
class HTTPMatchRequest(Value):
    """The conditions a request must meet for a route (all of them): its ``uri``,
    ``method``, ``port``, the labels of the calling workload; ``headers``,
    ``queryParams`` and the rest are carried.

    >>> HTTPMatchRequest(uri=StringMatch(prefix="/api"), port=8080).port
    8080
    """

    k8s_definition: ClassVar[str] = f"{VIRTUAL_SERVICE}/spec/http[]/match[]"

    name: str | None = attrs.field(default=None, metadata=wire("name"))
    uri: StringMatch | None = attrs.field(default=None, metadata=wire("uri"))
    method: StringMatch | None = attrs.field(default=None, metadata=wire("method"))
    port: int | None = attrs.field(default=None, metadata=wire(
        "port", check=rules.port_number))
    source_labels: FrozenMap[str] = attrs.field(default=EMPTY, converter=to_str_map,
                                                metadata=wire("sourceLabels",
                                                              check=rules.labels))
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen,
                                        metadata=carried())


@attrs.frozen
class HTTPRouteDestination(Value):
    """A destination of a route and the ``weight`` (0–100) of the traffic it gets."""

    k8s_definition: ClassVar[str] = f"{VIRTUAL_SERVICE}/spec/http[]/route[]"

    destination: Destination = attrs.field(metadata=wire("destination"))
    weight: int | None = attrs.field(default=None, metadata=wire(
        "weight", check=partial(rules.integer, minimum=0, maximum=100, what="weight")))
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, kw_only=True,
                                        metadata=carried())


RouteTarget: TypeAlias = "HTTPRouteDestination | Destination | str | tuple[str, str | None] " \
                         "| tuple[str, str | None, int]"
"""How :meth:`HTTPRoute.of` takes a destination: a value, a host, ``(host, subset)`` or
``(host, subset, weight)``."""


@attrs.frozen(kw_only=True)
class HTTPRetry(Value):
    """Retries: how many ``attempts``, the ``per_try_timeout`` of each, and the
    conditions to ``retry_on`` (Envoy's, comma-separated: ``5xx,reset,connect-failure``)."""

    k8s_definition: ClassVar[str] = f"{VIRTUAL_SERVICE}/spec/http[]/retries"

    attempts: int | None = attrs.field(default=None, metadata=wire(
        "attempts", check=partial(count, what="attempts")))
    per_try_timeout: str | None = attrs.field(default=None, metadata=wire(
        "perTryTimeout", check=partial(duration, what="perTryTimeout")))
    retry_on: str | None = attrs.field(default=None, metadata=wire(
        "retryOn", check=partial(rules.string, what="retryOn", empty=False)))
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen,
                                        metadata=carried())

    @classmethod
    def of(cls, attempts: int, *, per_try_timeout: str | None = None,
           retry_on: str | None = None) -> "HTTPRetry":
        """``attempts`` retries, each within ``per_try_timeout``, on ``retry_on``."""
        return cls(attempts=attempts, per_try_timeout=per_try_timeout, retry_on=retry_on)


@attrs.frozen(kw_only=True)
class FaultDelay(Value):
    """Delay a ``percentage`` of requests by ``fixed_delay``."""

    k8s_definition: ClassVar[str] = f"{VIRTUAL_SERVICE}/spec/http[]/fault/delay"

    fixed_delay: str | None = attrs.field(default=None, metadata=wire(
        "fixedDelay", check=partial(duration, what="fixedDelay")))
    percentage: int | float | None = attrs.field(default=None, metadata=wire(
        "percentage.value", check=percentage))
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen,
                                        metadata=carried())


@attrs.frozen(kw_only=True)
class FaultAbort(Value):
    """Abort a ``percentage`` of requests with ``http_status``."""

    k8s_definition: ClassVar[str] = f"{VIRTUAL_SERVICE}/spec/http[]/fault/abort"

    http_status: int | None = attrs.field(default=None, metadata=wire(
        "httpStatus", check=partial(rules.integer, minimum=200, maximum=599,
                                    what="httpStatus")))
    percentage: int | float | None = attrs.field(default=None, metadata=wire(
        "percentage.value", check=percentage))
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen,
                                        metadata=carried())


@attrs.frozen(kw_only=True)
class HTTPFaultInjection(Value):
    """Faults injected into a route: a ``delay``, an ``abort``, or both."""

    k8s_definition: ClassVar[str] = f"{VIRTUAL_SERVICE}/spec/http[]/fault"

    delay: FaultDelay | None = attrs.field(default=None, metadata=wire("delay"))
    abort: FaultAbort | None = attrs.field(default=None, metadata=wire("abort"))


@attrs.frozen(kw_only=True)
class HTTPRoute(Value):
    """A rule for HTTP traffic: requests that ``match`` (any of the matches; all
    requests when none) go to the ``route`` destinations, split by weight. Redirects,
    rewrites, CORS and header edits are carried.

    When a route has several destinations, their weights sum to 100 (Istio refuses
    the VirtualService otherwise).
    """

    k8s_definition: ClassVar[str] = f"{VIRTUAL_SERVICE}/spec/http[]"

    name: str | None = attrs.field(default=None, metadata=wire("name"))
    match: tuple[HTTPMatchRequest, ...] = attrs.field(default=(), converter=to_tuple,
                                                      metadata=wire("match"))
    route: tuple[HTTPRouteDestination, ...] = attrs.field(default=(), converter=to_tuple,
                                                          metadata=wire("route"))
    timeout: str | None = attrs.field(default=None, metadata=wire(
        "timeout", check=partial(duration, what="timeout")))
    retries: HTTPRetry | None = attrs.field(default=None, metadata=wire("retries"))
    fault: HTTPFaultInjection | None = attrs.field(default=None, metadata=wire("fault"))
    mirror: Destination | None = attrs.field(default=None, metadata=wire("mirror"))
    mirror_percentage: int | float | None = attrs.field(default=None, metadata=wire(
        "mirrorPercentage.value", check=partial(percentage, what="mirrorPercentage")))
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen,
                                        metadata=carried())

    @rule
    def _weights(self) -> list[Problem]:
        if len(self.route) < 2:
            return []
        total = sum(r.weight or 0 for r in self.route)
        if total == 100:
            return []
        return [Problem(path_of(attrs.fields(HTTPRoute).route),
                        f"the weights of the route's destinations sum to {total}",
                        "make them sum to 100")]

    @rule
    def _somewhere(self) -> list[Problem]:
        if self.route or self.extra.get("redirect") is not None or \
                self.extra.get("directResponse") is not None or \
                self.extra.get("delegate") is not None:
            return []
        return [Problem(path_of(attrs.fields(HTTPRoute).route),
                        "an HTTP route sends traffic nowhere",
                        "give route destinations (or a redirect, directResponse or "
                        "delegate)")]

    @classmethod
    def of(cls, *, route: Iterable[RouteTarget], match: Iterable[HTTPMatchRequest] = (),
           name: str | None = None, timeout: str | None = None,
           retries: HTTPRetry | None = None, fault: HTTPFaultInjection | None = None,
           mirror: Destination | None = None,
           mirror_percentage: int | float | None = None) -> "HTTPRoute":
        """A route to ``route``: values, hosts, ``(host, subset)`` or
        ``(host, subset, weight)`` pairs and triples."""
        collect = Collect()
        at = attrs.fields(cls)
        destinations = tuple(_route_destination(collect, path_of(at.route, index), target)
                             for index, target in enumerate(to_tuple(route)))
        return finish(collect, cls, name=name, match=match, route=destinations,
                      timeout=timeout, retries=retries, fault=fault, mirror=mirror,
                      mirror_percentage=mirror_percentage)


def _route_destination(collect: Collect, path: str, target: Any) -> Any:
    if isinstance(target, (HTTPRouteDestination, Destination)):
        return target if isinstance(target, HTTPRouteDestination) else \
            HTTPRouteDestination(target)
    if isinstance(target, str):
        target = (target,)
    if isinstance(target, tuple) and 1 <= len(target) <= 3:
        where = path_of(attrs.fields(HTTPRouteDestination).destination)
        destination = part(collect, f"{path}.{where}", Destination, host=target[0],
                           subset=target[1] if len(target) > 1 else None)
        return part(collect, path, HTTPRouteDestination, destination=destination,
                    weight=target[2] if len(target) > 2 else None)
    return target  # the value's own check names what it is


@attrs.frozen
class VirtualService(KubeObjectBase):
    """A ``networking.istio.io/v1`` VirtualService: how requests to ``hosts`` are
    routed, at the sidecars (``gateways`` empty or ``mesh``) or at Gateways. TCP and
    TLS routes are carried.
    """

    k8s_definition: ClassVar[str] = VIRTUAL_SERVICE

    metadata: ObjectMeta = attrs.field(metadata=wire("metadata"))
    hosts: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple, kw_only=True,
                                         metadata=wire("spec.hosts", check=host_list))
    gateways: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple, kw_only=True,
                                            metadata=wire("spec.gateways",
                                                          check=gateway_list))
    http: tuple[HTTPRoute, ...] = attrs.field(default=(), converter=to_tuple, kw_only=True,
                                              metadata=wire("spec.http"))
    export_to: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple,
                                             kw_only=True, metadata=wire(
                                                 "spec.exportTo",
                                                 check=export_namespaces))
    spec_extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, kw_only=True,
                                             metadata=carried("spec"))
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, kw_only=True,
                                        metadata=carried())

    @rule
    def _wildcard_in_mesh(self) -> list[Problem]:
        if "*" not in self.hosts or (self.gateways and "mesh" not in self.gateways):
            return []
        return [Problem(path_of(attrs.fields(VirtualService).hosts, self.hosts.index("*")),
                        "the host '*' applies only at Gateways, not to the mesh's sidecars",
                        "name the hosts, or bind the VirtualService to gateways (without "
                        "'mesh')")]

    @classmethod
    def of(cls, name: str, *, hosts: Iterable[str], http: Iterable[HTTPRoute] = (),
           gateways: Iterable[str] = (), namespace: str | None = None,
           export_to: Iterable[str] = (), labels: Mapping[str, str] | None = None,
           annotations: Mapping[str, str] | None = None) -> "VirtualService":
        """Routes for ``hosts``, at the sidecars unless ``gateways`` are named."""
        collect = Collect()
        return finish(collect, cls, metadata=object_meta(collect, cls, name, namespace,
                                                         labels, annotations),
                      hosts=hosts, gateways=gateways, http=http, export_to=export_to)

    def subsets_used(self) -> Iterator[tuple[str, str, str]]:
        """``(field path, host, subset)`` of every destination naming a subset."""
        at = attrs.fields(VirtualService)
        for index, http in enumerate(self.http):
            for position, target in enumerate(http.route):
                if target.destination.subset is not None:
                    yield (f"{path_of(at.http, index)}.route[{position}].destination.subset",
                           target.destination.host, target.destination.subset)
            if http.mirror is not None and http.mirror.subset is not None:
                yield (f"{path_of(at.http, index)}.mirror.subset", http.mirror.host,
                       http.mirror.subset)
