"""Istio's traffic and security resources as values: VirtualService, DestinationRule,
Gateway, ServiceEntry, Sidecar (``networking.istio.io``), PeerAuthentication and
AuthorizationPolicy (``security.istio.io``).

The fields a platform engineer sets are modelled — routes and their weights, retries,
timeouts, faults, subsets, circuit breaking, outlier detection, TLS modes, gateway
servers, egress hosts, mTLS modes, authorization rules; the rest of each object is
carried and checked against the field names of the Istio CRDs. What the CRD schemas
cannot say, kancat checks here, by field path: durations (at least 1ms, as Istio's
CEL rules want), percentages 0–100, ports 1–65535, hosts that are DNS names or
wildcards, subset names that are DNS labels, and route weights that sum to 100 when a
route splits traffic.

>>> split = VirtualService.of("reviews", hosts=["reviews"], http=[HTTPRoute.of(
...     route=[("reviews", "v1", 90), ("reviews", "v2", 10)], timeout="5s",
...     retries=HTTPRetry.of(3, per_try_timeout="2s", retry_on="5xx,reset"))])
>>> [(r.destination.subset, r.weight) for r in split.http[0].route]
[('v1', 90), ('v2', 10)]
>>> HTTPRoute.create(route=[("reviews", "v1", 90), ("reviews", "v2", 20)])
<Failure: 1 problem:
  route: the weights of the route's destinations sum to 110 (make them sum to 100)>
>>> DestinationRule.of("reviews", host="reviews", subsets={"v1": {"version": "v1"}},
...                    traffic_policy=TrafficPolicy.of(tls="ISTIO_MUTUAL")).subsets[0].name
'v1'
"""

import re
from collections.abc import Iterable, Iterator, Mapping
from functools import partial
from typing import Any, ClassVar, Final, Literal, TypeAlias, get_args

import attrs

from kancat.core import rules
from kancat.core.collect import Collect, to_frozen, to_str_map, to_str_tuple, to_tuple
from kancat.core.fields import carried, path_of, wire
from kancat.core.frozen import EMPTY, FrozenMap, is_mapping
from kancat.core.value import Value, finish, part, rule
from kancat.errors import Problem
from kancat.values.meta import KubeObjectBase, ObjectMeta

__all__ = [
    "AuthorizationAction",
    "AuthorizationCondition",
    "AuthorizationFrom",
    "AuthorizationOperation",
    "AuthorizationPolicy",
    "AuthorizationRule",
    "AuthorizationSource",
    "AuthorizationTo",
    "ClientTLSMode",
    "ClientTLSSettings",
    "ConnectionPoolSettings",
    "Destination",
    "DestinationRule",
    "FaultAbort",
    "FaultDelay",
    "Gateway",
    "HTTPFaultInjection",
    "HTTPMatchRequest",
    "HTTPRetry",
    "HTTPRoute",
    "HTTPRouteDestination",
    "IstioEgressListener",
    "IstioPort",
    "MeshLocation",
    "MutualTLSMode",
    "OutboundTrafficMode",
    "OutlierDetection",
    "PeerAuthentication",
    "Resolution",
    "RouteTarget",
    "Server",
    "ServerTLSMode",
    "ServerTLSSettings",
    "ServiceEntry",
    "Sidecar",
    "StringMatch",
    "Subset",
    "TrafficPolicy",
    "VirtualService",
]
# The field rules (duration, percentage, host, namespaced_host) are public here, for
# values of other modules, but not names of kancat.values: like kancat.core.rules.

# The definitions of the generated field table (scripts/gen_istio_fields.py): named by
# the path that first reaches them in the CRD schemas.
_VS: Final = "istio.networking.v1.VirtualService"
_DR: Final = "istio.networking.v1.DestinationRule"
_GW: Final = "istio.networking.v1.Gateway"
_SE: Final = "istio.networking.v1.ServiceEntry"
_SC: Final = "istio.networking.v1.Sidecar"
_PA: Final = "istio.security.v1.PeerAuthentication"
_AP: Final = "istio.security.v1.AuthorizationPolicy"

# --- rules the CRD schemas cannot state ------------------------------------------------------

_DURATION_PART = re.compile(r"([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(ns|us|µs|ms|s|m|h)")
_DURATION = re.compile(rf"(?:{_DURATION_PART.pattern})+\Z")
_SECONDS: Final = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0,
                   "h": 3600.0}
_LONGEST: Final = 315_576_000_000.0  # the largest protobuf Duration, in seconds
_LABEL: Final = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_HOST = re.compile(rf"(\*|(\*\.)?{_LABEL}(\.{_LABEL})*)\Z")


def _show(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def duration(path: str, value: object, *, what: str = "duration") -> list[Problem]:
    """An Istio duration: a number and a unit, repeated (``"100ms"``, ``"5s"``,
    ``"1m30s"``, ``"1h"``), at least 1ms (Istio's CEL rule) and at most a protobuf
    Duration's range.

    >>> duration("timeout", "1m30s"), [p.message for p in duration("timeout", "5")]
    ([], ["duration '5' is not a duration"])
    >>> [p.message for p in duration("interval", "0s", what="interval")]
    ["interval '0s' is shorter than 1ms"]
    """
    if not isinstance(value, str):
        return [Problem(path, f"{what} must be a string, got {_show(value)}",
                        "write a duration such as '5s' (quoted)")]
    if not _DURATION.match(value):
        return [Problem(path, f"{what} {value!r} is not a duration",
                        "write a number and a unit (ms, s, m or h), e.g. '100ms', '5s', "
                        "'1m', '1h'")]
    seconds = sum(float(number) * _SECONDS[unit]
                  for number, unit in _DURATION_PART.findall(value))
    if seconds < 0.001:
        return [Problem(path, f"{what} {value!r} is shorter than 1ms",
                        "Istio takes durations of 1ms or more")]
    if seconds > _LONGEST:
        return [Problem(path, f"{what} {value!r} is too long",
                        "use at most 315576000000s (10000 years)")]
    return []


def percentage(path: str, value: object, *, what: str = "percentage") -> list[Problem]:
    """A percentage: a number from 0 to 100 (fractions allowed: ``0.5``).

    >>> [p.message for p in percentage("mirrorPercentage.value", 120)]
    ['percentage 120 is not between 0 and 100']
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return [Problem(path, f"{what} must be a number, got {_show(value)}",
                        "write a number from 0 to 100 without quotes")]
    if not 0 <= value <= 100:  # NaN fails this too
        return [Problem(path, f"{what} {value} is not between 0 and 100",
                        "use a number from 0 to 100")]
    return []


def host(path: str, value: object, *, what: str = "host",
         wildcard: bool = True) -> list[Problem]:
    """A host as Istio names services: a short name (``reviews``), a fully qualified
    one (``reviews.default.svc.cluster.local``), a wildcard domain
    (``*.example.com``) or, when ``wildcard``, ``*`` alone.

    >>> host("hosts[0]", "*.example.com"), [p.message for p in host("host", "Bad_Host")]
    ([], ["host 'Bad_Host' is not a DNS name or wildcard"])
    """
    if not isinstance(value, str):
        return [Problem(path, f"{what} must be a string, got {_show(value)}", "quote it")]
    if len(value) > 253 or not _HOST.match(value):
        return [Problem(path, f"{what} {_show(value)} is not a DNS name or wildcard",
                        "write a service name such as 'reviews' or "
                        "'reviews.shop.svc.cluster.local', or a wildcard such as "
                        "'*.example.com'")]
    if value == "*" and not wildcard:
        return [Problem(path, f"{what} cannot be '*' here",
                        "name the hosts, or use a wildcard domain such as '*.example.com'")]
    return []


def _hosts(path: str, value: object, *, what: str = "host",
           wildcard: bool = True) -> list[Problem]:
    if not isinstance(value, tuple):
        return [Problem(path, f"{what}s must be a list, got {_show(value)}",
                        "write a list of hosts")]
    found: list[Problem] = []
    for index, item in enumerate(value):
        found += host(f"{path}[{index}]", item, what=what, wildcard=wildcard)
    return found


def namespaced_host(path: str, value: object, *, required: bool = False) -> list[Problem]:
    """``namespace/host`` (``required``) or, where the namespace may be left out, just
    ``host``. The namespace is a name, ``*`` (every namespace), ``.`` (the object's own)
    or ``~`` (none).

    >>> namespaced_host("hosts[0]", "istio-system/*", required=True)
    []
    >>> [p.message for p in namespaced_host("hosts[0]", "reviews", required=True)]
    ["host 'reviews' names no namespace"]
    """
    if not isinstance(value, str):
        return [Problem(path, f"host must be a string, got {_show(value)}", "quote it")]
    namespace, slash, name = value.rpartition("/")
    if not slash:
        if required:
            return [Problem(path, f"host {value!r} names no namespace",
                            "write namespace/host, e.g. './*', 'istio-system/*' or "
                            "'shop/reviews.shop.svc.cluster.local'")]
        return host(path, value)
    found: list[Problem] = []
    if namespace not in ("*", ".", "~"):
        found += rules.dns_label(path, namespace, what="host namespace")
    return found + host(path, name)


def _namespaced_hosts(path: str, value: object, *, required: bool = False) -> list[Problem]:
    if not isinstance(value, tuple):
        return [Problem(path, f"hosts must be a list, got {_show(value)}",
                        "write a list of hosts")]
    found: list[Problem] = []
    for index, item in enumerate(value):
        found += namespaced_host(f"{path}[{index}]", item, required=required)
    return found


def _gateway_names(path: str, value: object) -> list[Problem]:
    """``mesh`` (the sidecars) or a Gateway, ``[namespace/]name``."""
    if not isinstance(value, tuple):
        return [Problem(path, f"gateways must be a list, got {_show(value)}",
                        "write a list of gateway names")]
    found: list[Problem] = []
    for index, item in enumerate(value):
        where = f"{path}[{index}]"
        if not isinstance(item, str):
            found.append(Problem(where, f"gateway must be a string, got {_show(item)}",
                                 "quote it"))
            continue
        if item == "mesh":
            continue
        namespace, slash, name = item.rpartition("/")
        if slash:
            found += rules.dns_label(where, namespace, what="gateway namespace")
        found += rules.dns_subdomain(where, name, what="gateway name")
    return found


def _strings(path: str, value: object, *, what: str = "item") -> list[Problem]:
    if not isinstance(value, tuple):
        return [Problem(path, f"{what}s must be a list, got {_show(value)}",
                        "write a list of strings")]
    found: list[Problem] = []
    for index, item in enumerate(value):
        found += rules.string(f"{path}[{index}]", item, what=what)
    return found


def _selector_labels(path: str, value: object) -> list[Problem]:
    """Workload selector labels: label rules, and no '*' (Istio's CEL rule)."""
    found = rules.labels(path, value)  # type: ignore[arg-type]
    if not found and is_mapping(value):
        for key, item in value.items():
            if isinstance(item, str) and "*" in item:
                found.append(Problem(f"{path}[{key!r}]", f"label value {item!r} holds '*'",
                                     "a workload selector matches label values exactly"))
    return found


def _count(path: str, value: object, *, what: str) -> list[Problem]:
    return rules.integer(path, value, minimum=0, maximum=2**31 - 1, what=what)


# --- VirtualService ----------------------------------------------------------------------------

@attrs.frozen
class Destination(Value):
    """Where traffic goes: a ``host`` (a service of the registry), optionally a
    ``subset`` a DestinationRule defines and a ``port`` number.

    >>> Destination("reviews", "v2").subset
    'v2'
    """

    k8s_definition: ClassVar[str] = f"{_VS}/spec/http[]/mirror"

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

    k8s_definition: ClassVar[str] = f"{_VS}/spec/http[]/match[]/uri"

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

    k8s_definition: ClassVar[str] = f"{_VS}/spec/http[]/match[]"

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

    k8s_definition: ClassVar[str] = f"{_VS}/spec/http[]/route[]"

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

    k8s_definition: ClassVar[str] = f"{_VS}/spec/http[]/retries"

    attempts: int | None = attrs.field(default=None, metadata=wire(
        "attempts", check=partial(_count, what="attempts")))
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

    k8s_definition: ClassVar[str] = f"{_VS}/spec/http[]/fault/delay"

    fixed_delay: str | None = attrs.field(default=None, metadata=wire(
        "fixedDelay", check=partial(duration, what="fixedDelay")))
    percentage: int | float | None = attrs.field(default=None, metadata=wire(
        "percentage.value", check=percentage))
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen,
                                        metadata=carried())


@attrs.frozen(kw_only=True)
class FaultAbort(Value):
    """Abort a ``percentage`` of requests with ``http_status``."""

    k8s_definition: ClassVar[str] = f"{_VS}/spec/http[]/fault/abort"

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

    k8s_definition: ClassVar[str] = f"{_VS}/spec/http[]/fault"

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

    k8s_definition: ClassVar[str] = f"{_VS}/spec/http[]"

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

    k8s_definition: ClassVar[str] = _VS

    metadata: ObjectMeta = attrs.field(metadata=wire("metadata"))
    hosts: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple, kw_only=True,
                                         metadata=wire("spec.hosts", check=_hosts))
    gateways: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple, kw_only=True,
                                            metadata=wire("spec.gateways",
                                                          check=_gateway_names))
    http: tuple[HTTPRoute, ...] = attrs.field(default=(), converter=to_tuple, kw_only=True,
                                              metadata=wire("spec.http"))
    export_to: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple,
                                             kw_only=True, metadata=wire(
                                                 "spec.exportTo",
                                                 check=partial(_strings, what="exportTo")))
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
        return finish(collect, cls, metadata=_metadata(collect, cls, name, namespace, labels,
                                                       annotations),
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


def _metadata(collect: Collect, cls: type, name: str, namespace: str | None,
              labels: Mapping[str, str] | None,
              annotations: Mapping[str, str] | None) -> ObjectMeta:
    return part(collect, path_of(attrs.fields(cls).metadata), ObjectMeta, name=name,
                namespace=namespace, labels=labels, annotations=annotations)


# --- DestinationRule ---------------------------------------------------------------------------

ClientTLSMode: TypeAlias = Literal["DISABLE", "SIMPLE", "MUTUAL", "ISTIO_MUTUAL"]


@attrs.frozen(kw_only=True)
class ConnectionPoolSettings(Value):
    """Circuit breaking: at most ``max_connections`` TCP connections, at most
    ``http1_max_pending_requests`` requests waiting for one, ``http2_max_requests``
    requests at once, ``max_requests_per_connection`` requests on a connection.

    >>> ConnectionPoolSettings(max_connections=100, http1_max_pending_requests=10).max_connections
    100
    """

    k8s_definition: ClassVar[str] = f"{_SC}/spec/inboundConnectionPool"

    max_connections: int | None = attrs.field(default=None, metadata=wire(
        "tcp.maxConnections", check=partial(_count, what="maxConnections")))
    connect_timeout: str | None = attrs.field(default=None, metadata=wire(
        "tcp.connectTimeout", check=partial(duration, what="connectTimeout")))
    http1_max_pending_requests: int | None = attrs.field(default=None, metadata=wire(
        "http.http1MaxPendingRequests", check=partial(_count,
                                                      what="http1MaxPendingRequests")))
    http2_max_requests: int | None = attrs.field(default=None, metadata=wire(
        "http.http2MaxRequests", check=partial(_count, what="http2MaxRequests")))
    max_requests_per_connection: int | None = attrs.field(default=None, metadata=wire(
        "http.maxRequestsPerConnection", check=partial(_count,
                                                       what="maxRequestsPerConnection")))
    max_retries: int | None = attrs.field(default=None, metadata=wire(
        "http.maxRetries", check=partial(_count, what="maxRetries")))
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen,
                                        metadata=carried())


@attrs.frozen(kw_only=True)
class OutlierDetection(Value):
    """Ejecting failing hosts: after ``consecutive_5xx_errors`` errors, checked every
    ``interval``, a host is ejected for ``base_ejection_time`` (times the number of
    ejections), never more than ``max_ejection_percent`` of the hosts at once."""

    k8s_definition: ClassVar[str] = f"{_DR}/spec/trafficPolicy/outlierDetection"

    consecutive_5xx_errors: int | None = attrs.field(default=None, metadata=wire(
        "consecutive5xxErrors", check=partial(_count, what="consecutive5xxErrors")))
    consecutive_gateway_errors: int | None = attrs.field(default=None, metadata=wire(
        "consecutiveGatewayErrors", check=partial(_count, what="consecutiveGatewayErrors")))
    interval: str | None = attrs.field(default=None, metadata=wire(
        "interval", check=partial(duration, what="interval")))
    base_ejection_time: str | None = attrs.field(default=None, metadata=wire(
        "baseEjectionTime", check=partial(duration, what="baseEjectionTime")))
    max_ejection_percent: int | None = attrs.field(default=None, metadata=wire(
        "maxEjectionPercent", check=partial(rules.integer, minimum=0, maximum=100,
                                            what="maxEjectionPercent")))
    min_health_percent: int | None = attrs.field(default=None, metadata=wire(
        "minHealthPercent", check=partial(rules.integer, minimum=0, maximum=100,
                                          what="minHealthPercent")))
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen,
                                        metadata=carried())


@attrs.frozen
class ClientTLSSettings(Value):
    """How the client side of a connection speaks TLS: ``ISTIO_MUTUAL`` (mesh mTLS
    with Istio's certificates), ``MUTUAL`` or ``SIMPLE`` (your own), ``DISABLE``."""

    k8s_definition: ClassVar[str] = f"{_DR}/spec/trafficPolicy/tls"

    mode: ClientTLSMode | None = attrs.field(default=None, metadata=wire(
        "mode", what="TLS mode"))
    credential_name: str | None = attrs.field(default=None, kw_only=True, metadata=wire(
        "credentialName", check=partial(rules.dns_subdomain, what="credentialName")))
    sni: str | None = attrs.field(default=None, kw_only=True, metadata=wire("sni"))
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, kw_only=True,
                                        metadata=carried())

    @rule
    def _istio_certificates(self) -> list[Problem]:
        if self.mode != "ISTIO_MUTUAL":
            return []
        own = [key for key in ("clientCertificate", "privateKey", "caCertificates")
               if key in self.extra] + (["credentialName"] if self.credential_name else [])
        if not own:
            return []
        return [Problem(own[0], f"ISTIO_MUTUAL uses Istio's certificates, not {own[0]}",
                        f"remove {', '.join(own)}, or use mode MUTUAL")]


@attrs.frozen(kw_only=True)
class TrafficPolicy(Value):
    """The policies for traffic to a host or subset: circuit breaking
    (``connection_pool``), ``outlier_detection`` and client ``tls``; load balancing and
    per-port settings are carried.

    >>> TrafficPolicy.of(tls="ISTIO_MUTUAL").tls.mode
    'ISTIO_MUTUAL'
    """

    k8s_definition: ClassVar[str] = f"{_DR}/spec/trafficPolicy"

    connection_pool: ConnectionPoolSettings | None = attrs.field(default=None, metadata=wire(
        "connectionPool"))
    outlier_detection: OutlierDetection | None = attrs.field(default=None, metadata=wire(
        "outlierDetection"))
    tls: ClientTLSSettings | None = attrs.field(default=None, metadata=wire("tls"))
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen,
                                        metadata=carried())

    @classmethod
    def of(cls, *, tls: "ClientTLSMode | ClientTLSSettings | None" = None,
           connection_pool: ConnectionPoolSettings | None = None,
           outlier_detection: OutlierDetection | None = None) -> "TrafficPolicy":
        """A policy; ``tls`` may be just a mode (``"ISTIO_MUTUAL"``)."""
        collect = Collect()
        settings = part(collect, path_of(attrs.fields(cls).tls), ClientTLSSettings,
                        mode=tls) if isinstance(tls, str) else tls
        return finish(collect, cls, tls=settings, connection_pool=connection_pool,
                      outlier_detection=outlier_detection)


@attrs.frozen
class Subset(Value):
    """A named version of a host: the endpoints with ``labels``, with its own
    ``traffic_policy`` (overriding the host's)."""

    k8s_definition: ClassVar[str] = f"{_DR}/spec/subsets[]"

    name: str = attrs.field(metadata=wire("name", check=partial(rules.dns_label,
                                                                 what="subset name")))
    labels: FrozenMap[str] = attrs.field(default=EMPTY, converter=to_str_map, metadata=wire(
        "labels", check=_selector_labels))
    traffic_policy: TrafficPolicy | None = attrs.field(default=None, kw_only=True,
                                                       metadata=wire("trafficPolicy"))


@attrs.frozen
class DestinationRule(KubeObjectBase):
    """A ``networking.istio.io/v1`` DestinationRule: the subsets of ``host`` and the
    policies of traffic to it."""

    k8s_definition: ClassVar[str] = _DR

    metadata: ObjectMeta = attrs.field(metadata=wire("metadata"))
    host: str = attrs.field(kw_only=True, metadata=wire("spec.host", check=host))
    traffic_policy: TrafficPolicy | None = attrs.field(default=None, kw_only=True,
                                                       metadata=wire("spec.trafficPolicy"))
    subsets: tuple[Subset, ...] = attrs.field(default=(), converter=to_tuple, kw_only=True,
                                              metadata=wire("spec.subsets"))
    export_to: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple,
                                             kw_only=True, metadata=wire(
                                                 "spec.exportTo",
                                                 check=partial(_strings, what="exportTo")))
    spec_extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, kw_only=True,
                                             metadata=carried("spec"))
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, kw_only=True,
                                        metadata=carried())

    @rule
    def _subsets(self) -> list[Problem]:
        return rules.unique(path_of(attrs.fields(DestinationRule).subsets), self.subsets,
                            lambda s: s.name, field="name", what="subset name")

    @property
    def subset_names(self) -> frozenset[str]:
        return frozenset(s.name for s in self.subsets)

    @classmethod
    def of(cls, name: str, *, host: str,
           subsets: "Mapping[str, Mapping[str, str]] | Iterable[Subset]" = (),
           traffic_policy: TrafficPolicy | None = None, namespace: str | None = None,
           export_to: Iterable[str] = (), labels: Mapping[str, str] | None = None,
           annotations: Mapping[str, str] | None = None) -> "DestinationRule":
        """The rule for ``host``; ``subsets`` may map subset names to their labels."""
        collect = Collect()
        at = attrs.fields(cls)
        subset_list = (tuple(part(collect, path_of(at.subsets, index), Subset, name=key,
                                  labels=selected)
                             for index, (key, selected) in enumerate(subsets.items()))
                       if is_mapping(subsets) else to_tuple(subsets))
        return finish(collect, cls, metadata=_metadata(collect, cls, name, namespace, labels,
                                                       annotations),
                      host=host, traffic_policy=traffic_policy, subsets=subset_list,
                      export_to=export_to)


# --- Gateway and ServiceEntry ------------------------------------------------------------------

_PROTOCOLS: Final = ("HTTP", "HTTPS", "GRPC", "GRPC-WEB", "HTTP2", "MONGO", "REDIS",
                     "MYSQL", "TCP", "TLS", "UDP")
"""The protocols Istio names (case does not matter to it)."""


def _protocol(path: str, value: object) -> list[Problem]:
    if isinstance(value, str) and value.upper() in _PROTOCOLS:
        return []
    return [Problem(path, f"protocol {_show(value)} is not one Istio knows",
                    "use one of " + ", ".join(_PROTOCOLS))]


@attrs.frozen
class IstioPort(Value):
    """A port of a Gateway server or a ServiceEntry: ``number``, ``name``,
    ``protocol`` (HTTP, HTTPS, GRPC, HTTP2, MONGO, TCP, TLS) and, for a ServiceEntry,
    the ``target_port`` of its endpoints.

    >>> IstioPort(443, "https", "HTTPS").protocol
    'HTTPS'
    """

    k8s_definition: ClassVar[str] = f"{_SE}/spec/ports[]"

    number: int = attrs.field(metadata=wire("number", check=rules.port_number))
    name: str = attrs.field(metadata=wire("name", check=partial(rules.string,
                                                                 what="port name",
                                                                 empty=False)))
    protocol: str | None = attrs.field(default=None, metadata=wire("protocol",
                                                                   check=_protocol))
    target_port: int | None = attrs.field(default=None, kw_only=True, metadata=wire(
        "targetPort", check=partial(rules.port_number, what="targetPort")))


ServerTLSMode: TypeAlias = Literal["PASSTHROUGH", "SIMPLE", "MUTUAL", "AUTO_PASSTHROUGH",
                                   "ISTIO_MUTUAL", "OPTIONAL_MUTUAL"]


@attrs.frozen(kw_only=True)
class ServerTLSSettings(Value):
    """How a Gateway server terminates TLS: ``mode`` and the Secret
    (``credential_name``) holding its certificate; ``https_redirect`` for a plain HTTP
    server that sends clients to HTTPS."""

    k8s_definition: ClassVar[str] = f"{_GW}/spec/servers[]/tls"

    mode: ServerTLSMode | None = attrs.field(default=None, metadata=wire("mode",
                                                                         what="TLS mode"))
    credential_name: str | None = attrs.field(default=None, metadata=wire(
        "credentialName", check=partial(rules.dns_subdomain, what="credentialName")))
    https_redirect: bool | None = attrs.field(default=None, metadata=wire("httpsRedirect"))
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen,
                                        metadata=carried())

    @rule
    def _certificate(self) -> list[Problem]:
        if self.mode not in ("SIMPLE", "MUTUAL", "OPTIONAL_MUTUAL") or \
                self.credential_name is not None or \
                {"credentialNames", "tlsCertificates", "serverCertificate"} & set(self.extra):
            return []
        return [Problem(path_of(attrs.fields(ServerTLSSettings).credential_name),
                        f"a {self.mode} server needs its certificate",
                        "give credentialName: the Secret holding the certificate and key")]


@attrs.frozen
class Server(Value):
    """A server of a Gateway: the ``port`` it listens on and the ``hosts`` it serves
    (``host`` or ``namespace/host``), with ``tls`` for HTTPS and TLS ports."""

    k8s_definition: ClassVar[str] = f"{_GW}/spec/servers[]"

    port: IstioPort = attrs.field(metadata=wire("port"))
    hosts: tuple[str, ...] = attrs.field(converter=to_str_tuple, metadata=wire(
        "hosts", check=_namespaced_hosts))
    tls: ServerTLSSettings | None = attrs.field(default=None, kw_only=True,
                                                metadata=wire("tls"))
    name: str | None = attrs.field(default=None, kw_only=True, metadata=wire("name"))
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, kw_only=True,
                                        metadata=carried())

    @rule
    def _served(self) -> list[Problem]:
        at = attrs.fields(Server)
        found: list[Problem] = []
        if not self.hosts:
            found.append(Problem(path_of(at.hosts), "a server serves at least one host",
                                 "list the hosts, e.g. '*.example.com' or '*'"))
        if self.port.protocol is None:
            found.append(Problem(path_of(at.port, attrs.fields(IstioPort).protocol),
                                 "a Gateway port needs a protocol",
                                 "give HTTP, HTTPS, GRPC, HTTP2, MONGO, TCP or TLS"))
        elif self.port.protocol.upper() in ("HTTPS", "TLS") and (
                self.tls is None or self.tls.mode is None):
            found.append(Problem(path_of(at.tls), f"a {self.port.protocol} server needs "
                                                  "its TLS settings",
                                 "give tls with a mode (e.g. SIMPLE and a credentialName)"))
        return found


@attrs.frozen
class Gateway(KubeObjectBase):
    """A ``networking.istio.io/v1`` Gateway: the ``servers`` of the gateway pods that
    ``selector`` picks (``{"istio": "ingressgateway"}``)."""

    k8s_definition: ClassVar[str] = _GW

    metadata: ObjectMeta = attrs.field(metadata=wire("metadata"))
    selector: FrozenMap[str] = attrs.field(default=EMPTY, converter=to_str_map, kw_only=True,
                                           metadata=wire("spec.selector",
                                                         check=_selector_labels))
    servers: tuple[Server, ...] = attrs.field(default=(), converter=to_tuple, kw_only=True,
                                              metadata=wire("spec.servers"))
    spec_extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, kw_only=True,
                                             metadata=carried("spec"))
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, kw_only=True,
                                        metadata=carried())

    @rule
    def _servers(self) -> list[Problem]:
        at = attrs.fields(Gateway)
        if not self.servers:
            return [Problem(path_of(at.servers), "a Gateway needs at least one server",
                            "add a server with a port and hosts")]
        # Several servers may share a port (told apart by host, or by SNI): only their
        # names must differ.
        return rules.unique(path_of(at.servers), self.servers, lambda s: s.name,
                            field="name", what="server name")

    @classmethod
    def of(cls, name: str, *, servers: Iterable[Server],
           selector: Mapping[str, str] | None = None, namespace: str | None = None,
           labels: Mapping[str, str] | None = None,
           annotations: Mapping[str, str] | None = None) -> "Gateway":
        """A Gateway on the pods ``selector`` picks (by default Istio's ingress
        gateway, ``istio: ingressgateway``)."""
        collect = Collect()
        return finish(collect, cls, metadata=_metadata(collect, cls, name, namespace, labels,
                                                       annotations),
                      selector={"istio": "ingressgateway"} if selector is None else selector,
                      servers=servers)


MeshLocation: TypeAlias = Literal["MESH_EXTERNAL", "MESH_INTERNAL"]
Resolution: TypeAlias = Literal["NONE", "STATIC", "DNS", "DNS_ROUND_ROBIN", "DYNAMIC_DNS"]


@attrs.frozen
class ServiceEntry(KubeObjectBase):
    """A ``networking.istio.io/v1`` ServiceEntry: ``hosts`` added to the mesh's registry
    (an external API, say), on ``ports``, at a ``location``, their addresses found by
    ``resolution``. Endpoints and the workload selector are carried."""

    k8s_definition: ClassVar[str] = _SE

    metadata: ObjectMeta = attrs.field(metadata=wire("metadata"))
    hosts: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple, kw_only=True,
                                         metadata=wire("spec.hosts", check=partial(
                                             _hosts, wildcard=False)))
    addresses: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple, kw_only=True,
                                             metadata=wire("spec.addresses", check=partial(
                                                 _strings, what="address")))
    ports: tuple[IstioPort, ...] = attrs.field(default=(), converter=to_tuple, kw_only=True,
                                               metadata=wire("spec.ports"))
    location: MeshLocation | None = attrs.field(default=None, kw_only=True,
                                                metadata=wire("spec.location"))
    resolution: Resolution | None = attrs.field(default=None, kw_only=True,
                                                metadata=wire("spec.resolution"))
    export_to: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple,
                                             kw_only=True, metadata=wire(
                                                 "spec.exportTo",
                                                 check=partial(_strings, what="exportTo")))
    spec_extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, kw_only=True,
                                             metadata=carried("spec"))
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, kw_only=True,
                                        metadata=carried())

    @rule
    def _entry(self) -> list[Problem]:
        at = attrs.fields(ServiceEntry)
        found: list[Problem] = []
        if not self.hosts:
            found.append(Problem(path_of(at.hosts), "a ServiceEntry needs at least one host",
                                 "list the hosts it adds, e.g. 'api.example.com'"))
        found += rules.unique(path_of(at.ports), self.ports, lambda p: p.number,
                              field="number", what="port number")
        endpoints = self.spec_extra.get("endpoints") or ()
        if self.resolution == "DNS_ROUND_ROBIN" and len(endpoints) > 1:
            found.append(Problem("spec.endpoints", "DNS_ROUND_ROBIN takes one endpoint",
                                 "give one endpoint, or use resolution DNS"))
        if self.resolution in ("DNS", "DNS_ROUND_ROBIN") and not endpoints:
            for index, name in enumerate(self.hosts):
                if isinstance(name, str) and name.startswith("*"):
                    found.append(Problem(path_of(at.hosts, index),
                                         f"{self.resolution} resolution cannot look up the "
                                         f"wildcard host {name!r}",
                                         "use resolution NONE for wildcard hosts, or give "
                                         "endpoints"))
        return found

    @classmethod
    def of(cls, name: str, *, hosts: Iterable[str],
           ports: "Mapping[str, int] | Iterable[IstioPort]" = (),
           location: MeshLocation | None = "MESH_EXTERNAL", resolution: Resolution | None = "DNS",
           namespace: str | None = None, addresses: Iterable[str] = (),
           export_to: Iterable[str] = (), labels: Mapping[str, str] | None = None,
           annotations: Mapping[str, str] | None = None) -> "ServiceEntry":
        """External ``hosts`` (resolved by DNS by default); ``ports`` may map protocol
        names (``https``, ``http``, ``grpc``, ``tcp``...) to numbers."""
        collect = Collect()
        at = attrs.fields(cls)
        port_list = (tuple(part(collect, path_of(at.ports, index), IstioPort, number=number,
                                name=port_name, protocol=port_name.upper()
                                if isinstance(port_name, str) else port_name)
                           for index, (port_name, number) in enumerate(ports.items()))
                     if is_mapping(ports) else to_tuple(ports))
        return finish(collect, cls, metadata=_metadata(collect, cls, name, namespace, labels,
                                                       annotations),
                      hosts=hosts, addresses=addresses, ports=port_list, location=location,
                      resolution=resolution, export_to=export_to)


# --- Sidecar -----------------------------------------------------------------------------------

@attrs.frozen
class IstioEgressListener(Value):
    """Where the workloads of a Sidecar may send traffic: ``hosts`` as
    ``namespace/host`` (``./*`` its own namespace, ``istio-system/*``,
    ``*/api.example.com``)."""

    k8s_definition: ClassVar[str] = f"{_SC}/spec/egress[]"

    hosts: tuple[str, ...] = attrs.field(converter=to_str_tuple, metadata=wire(
        "hosts", check=partial(_namespaced_hosts, required=True)))
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, kw_only=True,
                                        metadata=carried())

    @rule
    def _some(self) -> list[Problem]:
        if self.hosts:
            return []
        return [Problem(path_of(attrs.fields(IstioEgressListener).hosts),
                        "an egress listener needs at least one host",
                        "list hosts such as './*' and 'istio-system/*'")]


OutboundTrafficMode: TypeAlias = Literal["REGISTRY_ONLY", "ALLOW_ANY"]


@attrs.frozen
class Sidecar(KubeObjectBase):
    """A ``networking.istio.io/v1`` Sidecar: what the proxies of a namespace (or of the
    workloads ``workload_selector`` picks) may reach, and whether hosts outside the
    mesh's registry are reachable at all (``outbound_traffic_policy``
    ``REGISTRY_ONLY``). Ingress listeners are carried.

    >>> Sidecar.of("default", namespace="shop",
    ...            egress_hosts=["./*", "istio-system/*"]).egress[0].hosts
    ('./*', 'istio-system/*')
    """

    k8s_definition: ClassVar[str] = _SC

    metadata: ObjectMeta = attrs.field(metadata=wire("metadata"))
    workload_selector: FrozenMap[str] = attrs.field(
        default=EMPTY, converter=to_str_map, kw_only=True,
        metadata=wire("spec.workloadSelector.labels", check=_selector_labels))
    egress: tuple[IstioEgressListener, ...] = attrs.field(default=(), converter=to_tuple,
                                                          kw_only=True,
                                                          metadata=wire("spec.egress"))
    outbound_traffic_policy: OutboundTrafficMode | None = attrs.field(
        default=None, kw_only=True, metadata=wire("spec.outboundTrafficPolicy.mode",
                                                  what="outbound traffic mode"))
    spec_extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, kw_only=True,
                                             metadata=carried("spec"))
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, kw_only=True,
                                        metadata=carried())

    @classmethod
    def of(cls, name: str = "default", *, namespace: str | None = None,
           egress_hosts: Iterable[str] = ("./*", "istio-system/*"),
           workload_selector: Mapping[str, str] | None = None,
           outbound_traffic_policy: OutboundTrafficMode | None = None,
           labels: Mapping[str, str] | None = None,
           annotations: Mapping[str, str] | None = None) -> "Sidecar":
        """A Sidecar letting its proxies reach only ``egress_hosts`` (and, with
        ``outbound_traffic_policy="REGISTRY_ONLY"``, only hosts of the registry)."""
        collect = Collect()
        listener = part(collect, path_of(attrs.fields(cls).egress, 0), IstioEgressListener,
                        hosts=egress_hosts)
        return finish(collect, cls, metadata=_metadata(collect, cls, name, namespace, labels,
                                                       annotations),
                      workload_selector=workload_selector or EMPTY, egress=(listener,),
                      outbound_traffic_policy=outbound_traffic_policy)


# --- PeerAuthentication ------------------------------------------------------------------------

MutualTLSMode: TypeAlias = Literal["UNSET", "DISABLE", "PERMISSIVE", "STRICT"]
_MTLS_MODES: Final = get_args(MutualTLSMode)


def _port_level_mtls(path: str, value: object) -> list[Problem]:
    """Port numbers (as keys) to ``{mode: ...}``."""
    if not is_mapping(value):
        return [Problem(path, f"portLevelMtls must be a mapping, got {_show(value)}",
                        "map port numbers to {mode: STRICT}")]
    found: list[Problem] = []
    for key, item in value.items():
        where = f"{path}[{key!r}]"
        number = int(key) if isinstance(key, str) and key.isdigit() else key
        found += rules.port_number(where, number, what="portLevelMtls port")
        mode = item.get("mode") if is_mapping(item) else item
        if mode not in _MTLS_MODES:
            found.append(Problem(f"{where}.mode", f"mTLS mode {_show(mode)} is not allowed",
                                 "use one of " + ", ".join(_MTLS_MODES)))
        elif is_mapping(item):
            found += [Problem(f"{where}.{other}", f"unknown field '{other}'",
                              "a port's mTLS setting has only mode")
                      for other in item if other != "mode"]
    return found


@attrs.frozen
class PeerAuthentication(KubeObjectBase):
    """A ``security.istio.io/v1`` PeerAuthentication: the mTLS ``mode`` workloads
    accept — mesh-wide (in the root namespace, no selector), for a namespace, or for
    the workloads ``selector`` picks — and per port (``port_level_mtls``, which needs a
    selector).

    >>> PeerAuthentication.of("default", namespace="istio-system", mode="STRICT").mode
    'STRICT'
    """

    k8s_definition: ClassVar[str] = _PA

    metadata: ObjectMeta = attrs.field(metadata=wire("metadata"))
    selector: FrozenMap[str] = attrs.field(default=EMPTY, converter=to_str_map, kw_only=True,
                                           metadata=wire("spec.selector.matchLabels",
                                                         check=_selector_labels))
    mode: MutualTLSMode | None = attrs.field(default=None, kw_only=True, metadata=wire(
        "spec.mtls.mode", what="mTLS mode"))
    port_level_mtls: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen,
                                                  kw_only=True, metadata=wire(
                                                      "spec.portLevelMtls",
                                                      check=_port_level_mtls))
    spec_extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, kw_only=True,
                                             metadata=carried("spec"))
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, kw_only=True,
                                        metadata=carried())

    @rule
    def _ports_need_selector(self) -> list[Problem]:
        if not self.port_level_mtls or self.selector:
            return []
        return [Problem(path_of(attrs.fields(PeerAuthentication).port_level_mtls),
                        "portLevelMtls applies only to selected workloads",
                        "give a selector (matchLabels), or set the mode for all ports")]

    @classmethod
    def of(cls, name: str = "default", *, namespace: str | None = None,
           mode: MutualTLSMode = "STRICT", selector: Mapping[str, str] | None = None,
           port_level_mtls: Mapping[int, MutualTLSMode] | None = None,
           labels: Mapping[str, str] | None = None,
           annotations: Mapping[str, str] | None = None) -> "PeerAuthentication":
        """``mode`` for the namespace (mesh-wide in the root namespace), or for the
        workloads ``selector`` picks; ``port_level_mtls`` maps ports to modes."""
        collect = Collect()
        ports = {str(port): {"mode": port_mode}
                 for port, port_mode in (port_level_mtls or {}).items()}
        return finish(collect, cls, metadata=_metadata(collect, cls, name, namespace, labels,
                                                       annotations),
                      selector=selector or EMPTY, mode=mode, port_level_mtls=ports)


# --- AuthorizationPolicy -----------------------------------------------------------------------

AuthorizationAction: TypeAlias = Literal["ALLOW", "DENY", "AUDIT", "CUSTOM"]

_strings_of = partial(_strings, what="value")


@attrs.frozen(kw_only=True)
class AuthorizationSource(Value):
    """Who makes a request: ``principals`` (``cluster.local/ns/shop/sa/web``),
    ``namespaces``, ``ip_blocks``, ``request_principals``; the negations are carried."""

    k8s_definition: ClassVar[str] = f"{_AP}/spec/rules[]/from[]/source"

    principals: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple,
                                              metadata=wire("principals", check=_strings_of))
    request_principals: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple,
                                                      metadata=wire("requestPrincipals",
                                                                    check=_strings_of))
    namespaces: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple,
                                              metadata=wire("namespaces", check=_strings_of))
    ip_blocks: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple,
                                             metadata=wire("ipBlocks", check=_strings_of))
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen,
                                        metadata=carried())


def _port_strings(path: str, value: object) -> list[Problem]:
    if not isinstance(value, tuple):
        return [Problem(path, f"ports must be a list, got {_show(value)}",
                        "write a list of port numbers, quoted")]
    found: list[Problem] = []
    for index, item in enumerate(value):
        where = f"{path}[{index}]"
        if not isinstance(item, str) or not item.isdigit():
            found.append(Problem(where, f"port {_show(item)} is not a port number in quotes",
                                 "write the number as a string, e.g. '8080'"))
        else:
            found += rules.port_number(where, int(item))
    return found


@attrs.frozen(kw_only=True)
class AuthorizationOperation(Value):
    """What a request does: its ``hosts``, ``ports`` (strings, as Istio writes them),
    ``methods`` and ``paths``; the negations are carried."""

    k8s_definition: ClassVar[str] = f"{_AP}/spec/rules[]/to[]/operation"

    hosts: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple,
                                         metadata=wire("hosts", check=_strings_of))
    ports: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple,
                                         metadata=wire("ports", check=_port_strings))
    methods: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple,
                                           metadata=wire("methods", check=_strings_of))
    paths: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple,
                                         metadata=wire("paths", check=_strings_of))
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen,
                                        metadata=carried())


@attrs.frozen
class AuthorizationFrom(Value):
    """One ``from`` item of a rule: a source."""

    k8s_definition: ClassVar[str] = f"{_AP}/spec/rules[]/from[]"

    source: AuthorizationSource = attrs.field(metadata=wire("source"))


@attrs.frozen
class AuthorizationTo(Value):
    """One ``to`` item of a rule: an operation."""

    k8s_definition: ClassVar[str] = f"{_AP}/spec/rules[]/to[]"

    operation: AuthorizationOperation = attrs.field(metadata=wire("operation"))


@attrs.frozen
class AuthorizationCondition(Value):
    """A ``when`` condition: the request attribute ``key`` has one of ``values`` (and
    none of ``not_values``)."""

    k8s_definition: ClassVar[str] = f"{_AP}/spec/rules[]/when[]"

    key: str = attrs.field(metadata=wire("key", check=partial(rules.string, what="key",
                                                               empty=False)))
    values: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple,
                                          metadata=wire("values", check=_strings_of))
    not_values: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple,
                                              kw_only=True, metadata=wire(
                                                  "notValues", check=_strings_of))


@attrs.frozen(kw_only=True)
class AuthorizationRule(Value):
    """A rule: requests ``from_`` any of the sources, ``to`` any of the operations,
    ``when`` all conditions hold (an empty part matches everything).

    >>> AuthorizationRule.of(principals=["cluster.local/ns/shop/sa/web"],
    ...                      methods=["GET"]).to[0].operation.methods
    ('GET',)
    """

    k8s_definition: ClassVar[str] = f"{_AP}/spec/rules[]"

    from_: tuple[AuthorizationFrom, ...] = attrs.field(default=(), converter=to_tuple,
                                                       metadata=wire("from"))
    to: tuple[AuthorizationTo, ...] = attrs.field(default=(), converter=to_tuple,
                                                  metadata=wire("to"))
    when: tuple[AuthorizationCondition, ...] = attrs.field(default=(), converter=to_tuple,
                                                           metadata=wire("when"))

    @classmethod
    def of(cls, *, principals: Iterable[str] = (), namespaces: Iterable[str] = (),
           methods: Iterable[str] = (), paths: Iterable[str] = (),
           ports: Iterable[int | str] = ()) -> "AuthorizationRule":
        """One source (``principals``, ``namespaces``) and one operation (``methods``,
        ``paths``, ``ports``); leave a side empty to match everything on it."""
        collect = Collect()
        at = attrs.fields(cls)
        who = {"principals": to_str_tuple(principals), "namespaces": to_str_tuple(namespaces)}
        what = {"methods": to_str_tuple(methods), "paths": to_str_tuple(paths),
                "ports": tuple(str(port) for port in ports)}  # Istio writes ports as strings
        sources = (AuthorizationFrom(part(collect, f"{path_of(at.from_, 0)}.source",
                                          AuthorizationSource, **who)),) \
            if any(who.values()) else ()
        operations = (AuthorizationTo(part(collect, f"{path_of(at.to, 0)}.operation",
                                           AuthorizationOperation, **what)),) \
            if any(what.values()) else ()
        return finish(collect, cls, from_=sources, to=operations)


@attrs.frozen
class AuthorizationPolicy(KubeObjectBase):
    """A ``security.istio.io/v1`` AuthorizationPolicy: requests to the workloads
    ``selector`` picks (every workload of the namespace when empty) matching any of
    ``rules`` get ``action`` (ALLOW by default; CUSTOM hands them to the extension
    ``provider``). An ALLOW policy without rules allows nothing: it denies every
    request."""

    k8s_definition: ClassVar[str] = _AP

    metadata: ObjectMeta = attrs.field(metadata=wire("metadata"))
    selector: FrozenMap[str] = attrs.field(default=EMPTY, converter=to_str_map, kw_only=True,
                                           metadata=wire("spec.selector.matchLabels",
                                                         check=_selector_labels))
    action: AuthorizationAction | None = attrs.field(default=None, kw_only=True,
                                                     metadata=wire("spec.action"))
    provider: str | None = attrs.field(default=None, kw_only=True, metadata=wire(
        "spec.provider.name", check=partial(rules.string, what="provider", empty=False)))
    rules: tuple[AuthorizationRule, ...] = attrs.field(default=(), converter=to_tuple,
                                                       kw_only=True,
                                                       metadata=wire("spec.rules"))
    spec_extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, kw_only=True,
                                             metadata=carried("spec"))
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, kw_only=True,
                                        metadata=carried())

    @rule
    def _custom(self) -> list[Problem]:
        where = path_of(attrs.fields(AuthorizationPolicy).provider)
        if self.action == "CUSTOM" and self.provider is None:
            return [Problem(where, "a CUSTOM policy names its provider",
                            "give the name of an extension provider of the mesh")]
        if self.action != "CUSTOM" and self.provider is not None:
            return [Problem(where, "only a CUSTOM policy has a provider",
                            "set action CUSTOM, or remove the provider")]
        return []

    @classmethod
    def of(cls, name: str, *, namespace: str | None = None,
           action: AuthorizationAction = "ALLOW", rules: Iterable[AuthorizationRule] = (),
           selector: Mapping[str, str] | None = None, provider: str | None = None,
           labels: Mapping[str, str] | None = None,
           annotations: Mapping[str, str] | None = None) -> "AuthorizationPolicy":
        """A policy for the workloads ``selector`` picks (all of the namespace when
        ``None``)."""
        collect = Collect()
        return finish(collect, cls, metadata=_metadata(collect, cls, name, namespace, labels,
                                                       annotations),
                      selector=selector or EMPTY, action=action, rules=rules,
                      provider=provider)

    @classmethod
    def deny_all(cls, name: str = "deny-all", *,
                 namespace: str | None = None) -> "AuthorizationPolicy":
        """Allow nothing: an ALLOW policy without rules (Istio's way to deny all)."""
        return cls.of(name, namespace=namespace, action="ALLOW")
