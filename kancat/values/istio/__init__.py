"""Istio's traffic and security resources as values: VirtualService, DestinationRule,
Gateway, ServiceEntry, Sidecar (``networking.istio.io``), PeerAuthentication and
AuthorizationPolicy (``security.istio.io``); and, in :mod:`~kancat.values.istio.operator`,
the IstioOperator that installs the mesh.

The fields a platform engineer sets are modelled — routes and their weights, retries,
timeouts, faults, subsets, circuit breaking, outlier detection, TLS modes, gateway
servers, egress hosts, mTLS modes, authorization rules; the rest of each object is
carried and checked against the field names of the Istio CRDs. What the CRD schemas
cannot say, kancat checks here, by field path: durations (at least 1ms, as Istio's
CEL rules want), percentages 0–100, ports 1–65535, hosts that are DNS names or
wildcards, subset names that are DNS labels, and route weights that sum to 100 when a
route splits traffic.

What is where:

* :mod:`~kancat.values.istio.common` — the rules the CRD schemas cannot state
  (:func:`duration`, :func:`percentage`, :func:`host`, :func:`namespaced_host`, ...) and
  the names of the definitions in the generated field table;
* :mod:`~kancat.values.istio.traffic` — routing: VirtualService, HTTPRoute and its
  matches, destinations, retries and faults;
* :mod:`~kancat.values.istio.destinations` — DestinationRule, its subsets and
  TrafficPolicy (connection pool, outlier detection, client TLS);
* :mod:`~kancat.values.istio.gateways` — Gateway, its servers, ports and TLS settings;
* :mod:`~kancat.values.istio.egress` — what workloads may reach: ServiceEntry, Sidecar;
* :mod:`~kancat.values.istio.security` — PeerAuthentication, AuthorizationPolicy;
* :mod:`~kancat.values.istio.operator` — the IstioOperator (``install.istio.io``), its
  names not among this package's.

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

from kancat.values.istio.common import duration as duration
from kancat.values.istio.common import host as host
from kancat.values.istio.common import namespaced_host as namespaced_host
from kancat.values.istio.common import percentage as percentage
from kancat.values.istio.destinations import (
    ClientTLSMode,
    ClientTLSSettings,
    ConnectionPoolSettings,
    DestinationRule,
    OutlierDetection,
    Subset,
    TrafficPolicy,
)
from kancat.values.istio.egress import (
    IstioEgressListener,
    MeshLocation,
    OutboundTrafficMode,
    Resolution,
    ServiceEntry,
    Sidecar,
)
from kancat.values.istio.gateways import (
    Gateway,
    IstioPort,
    Server,
    ServerTLSMode,
    ServerTLSSettings,
)
from kancat.values.istio.security import (
    AuthorizationAction,
    AuthorizationCondition,
    AuthorizationFrom,
    AuthorizationOperation,
    AuthorizationPolicy,
    AuthorizationRule,
    AuthorizationSource,
    AuthorizationTo,
    MutualTLSMode,
    PeerAuthentication,
)
from kancat.values.istio.traffic import (
    Destination,
    FaultAbort,
    FaultDelay,
    HTTPFaultInjection,
    HTTPMatchRequest,
    HTTPRetry,
    HTTPRoute,
    HTTPRouteDestination,
    RouteTarget,
    StringMatch,
    VirtualService,
)

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
# The field rules imported above (duration, percentage, host, namespaced_host) are
# public here, for values of other modules, but not names of kancat.values: like
# kancat.core.rules.
