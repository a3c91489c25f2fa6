"""Istio's resources (:mod:`kancat.values.istio`, :mod:`kancat.values.istio.operator`):
VirtualServices whose split routes' weights sum to 100 and name the subsets of a host,
DestinationRules with uniquely named subsets, Gateways, ServiceEntries, Sidecars,
PeerAuthentications, AuthorizationPolicies and IstioOperators. Every manifest they
give passes the strict schemas of the Istio CRDs."""

import hypothesis.strategies as st
from hypothesis.strategies import DrawFn, SearchStrategy

from kancat.testing.strategies._draw import (
    BOOLS,
    choices,
    draws,
    extras,
    field_choices,
    maybe,
    maybe_pick,
    pick,
)
from kancat.testing.strategies.names import (
    _NAMESPACES,
    _OBJECT_NAMES,
    _SHORT_NAMES,
    _SMALL_LABELS,
    _UNIQUE_NAMES,
    _draw_meta,
)
from kancat.values.istio import (
    AuthorizationAction,
    AuthorizationCondition,
    AuthorizationFrom,
    AuthorizationOperation,
    AuthorizationPolicy,
    AuthorizationRule,
    AuthorizationSource,
    AuthorizationTo,
    ClientTLSMode,
    ClientTLSSettings,
    ConnectionPoolSettings,
    Destination,
    DestinationRule,
    FaultAbort,
    FaultDelay,
    Gateway,
    HTTPFaultInjection,
    HTTPMatchRequest,
    HTTPRetry,
    HTTPRoute,
    HTTPRouteDestination,
    IstioEgressListener,
    IstioPort,
    MeshLocation,
    MutualTLSMode,
    OutboundTrafficMode,
    OutlierDetection,
    PeerAuthentication,
    Resolution,
    Server,
    ServerTLSSettings,
    ServiceEntry,
    Sidecar,
    StringMatch,
    Subset,
    TrafficPolicy,
    VirtualService,
)
from kancat.values.istio.operator import (
    Autoscaling,
    GatewayComponent,
    IstioComponent,
    IstioComponents,
    IstioOperator,
    KubernetesResources,
)
from kancat.values.service import ServicePort

__all__ = [
    "authorization_policies",
    "destination_rules",
    "gateways",
    "istio_hosts",
    "istio_operators",
    "peer_authentications",
    "service_entries",
    "sidecars",
    "virtual_services",
]

_DURATIONS = st.sampled_from(("1ms", "100ms", "1s", "2.5s", "5s", "30s", "1m", "1m30s", "1h"))
_PERCENTAGES = st.integers(0, 100) | st.sampled_from((0.1, 0.5, 12.5, 99.9))
_COUNTS = st.integers(0, 1000)
_PORTS = st.integers(1, 65535)
_DOMAINS = st.sampled_from(("example.com", "example.org", "svc.cluster.local"))


@st.composite
def _host(draw: DrawFn) -> str:
    name = draw(_SHORT_NAMES)
    form = draw(st.integers(0, 3))
    if form == 0:
        return name
    if form == 1:
        return f"{name}.{draw(_NAMESPACES)}.svc.cluster.local"
    if form == 2:
        return f"*.{draw(_DOMAINS)}"
    return f"{name}.{draw(_DOMAINS)}"


_HOSTS = _host()
_NAMED_HOSTS = _HOSTS.filter(lambda h: h != "*")
# Choices drawn from while drawing values: built once, here.
_GATEWAY_NAMES = st.sampled_from(((), ("mesh",), ("istio-system/ingress", "mesh")))
_EXPORTS = st.sampled_from(((), (".",), ("*",)))
_OWN_EXPORTS = st.sampled_from(((), (".",)))
_GATEWAY_SELECTORS = st.sampled_from(({"istio": "ingressgateway"}, {"app": "edge"}))
_WORKLOAD_SELECTORS = st.sampled_from(({}, {"app": "web"}, {"app": "db", "tier": "data"}))
_IP_BLOCKS = st.sampled_from(((), ("10.0.0.0/8",)))
_METHODS = st.lists(st.sampled_from(("GET", "POST", "PUT")), max_size=2, unique=True)
_PATHS = st.sampled_from(((), ("/api/*",), ("/healthz", "/metrics")))
_GATEWAY_PORTS = st.sampled_from(
    ((), (("http2", 80, 8080),), (("http2", 80, 8080), ("https", 443, 8443))))
_GATEWAY_LABELS = st.sampled_from(({}, {"istio": "ingressgateway"}))
_MESH_CONFIGS = st.sampled_from(({}, {"accessLogFile": "/dev/stdout"}))
_HELM_VALUES = st.sampled_from(({}, {"global": {"proxy": {"privileged": False}}}))


def istio_hosts() -> SearchStrategy[str]:
    """Hosts as Istio names services: short names, FQDNs and wildcard domains.

    >>> from hypothesis import find
    >>> find(istio_hosts(), lambda h: h.startswith("*."))
    '*.example.com'
    """
    return _HOSTS


# --- VirtualService and DestinationRule --------------------------------------------------------

def _weights(draw: DrawFn, count: int) -> list[int | None]:
    """``count`` weights: none for one destination (or 100), else summing to 100."""
    if count == 1:
        return [draw(st.sampled_from((None, 100)))]
    cuts = sorted(draw(st.lists(st.integers(0, 100), min_size=count - 1,
                                max_size=count - 1)))
    bounds = [0, *cuts, 100]
    return [bounds[i + 1] - bounds[i] for i in range(count)]


@st.composite
def _match(draw: DrawFn) -> HTTPMatchRequest:
    kind = pick(draw, ("exact", "prefix", "regex"))
    uri = StringMatch(**{kind: pick(draw, ("/", "/api", "/v1/items", "^/a.*"))})
    return HTTPMatchRequest(uri=uri if draw(BOOLS) else None,
                            method=StringMatch(exact="GET") if draw(BOOLS) else None,
                            port=maybe(draw, _PORTS),
                            extra=extras(draw, {"headers": st.just(
                                {"x-canary": {"exact": "true"}})}))


_MATCHES = _match()


def _draw_http_route(draw: DrawFn, host: str, subsets: tuple[str, ...]) -> HTTPRoute:
    count = draw(st.integers(1, 3))
    weights = _weights(draw, count)
    route = tuple(HTTPRouteDestination(
        Destination(host, maybe_pick(draw, subsets) if subsets else None,
                    port=maybe(draw, _PORTS)), weight)
        for weight in weights)
    retries = HTTPRetry(attempts=draw(st.integers(0, 5)),
                        per_try_timeout=maybe(draw, _DURATIONS),
                        retry_on=maybe_pick(draw, ("5xx", "5xx,reset,connect-failure"))
                        ) if draw(BOOLS) else None
    fault = HTTPFaultInjection(
        delay=FaultDelay(fixed_delay=draw(_DURATIONS), percentage=draw(_PERCENTAGES)),
        abort=FaultAbort(http_status=pick(draw, (400, 503)), percentage=draw(_PERCENTAGES))
        if draw(BOOLS) else None) if draw(BOOLS) else None
    mirrored = draw(BOOLS)
    return HTTPRoute(name=maybe(draw, _SHORT_NAMES),
                     match=draw(st.lists(_MATCHES, max_size=2)), route=route,
                     timeout=maybe(draw, _DURATIONS), retries=retries, fault=fault,
                     mirror=Destination(host) if mirrored else None,
                     mirror_percentage=draw(_PERCENTAGES) if mirrored and draw(BOOLS)
                     else None,
                     extra=extras(draw, {"headers": st.just(
                         {"request": {"set": {"x-mesh": "kancat"}}})}))


@st.composite
def _virtual_service(draw: DrawFn) -> VirtualService:
    host = draw(_HOSTS)
    subsets = tuple(draw(_UNIQUE_NAMES[draw(st.integers(0, 2))]))
    gateways = draw(_GATEWAY_NAMES)
    return VirtualService(
        metadata=_draw_meta(draw, draw(_OBJECT_NAMES)), hosts=(host,), gateways=gateways,
        http=tuple(_draw_http_route(draw, host, subsets) for _ in range(draw(st.integers(0, 2)))),
        export_to=draw(_EXPORTS),
        spec_extra=extras(draw, {"tcp": st.just([{"route": [
            {"destination": {"host": host, "port": {"number": 5432}}}]}])}))


_VIRTUAL_SERVICES = _virtual_service()


@draws(VirtualService)
def virtual_services() -> SearchStrategy[VirtualService]:
    """VirtualServices: one host, HTTP routes to it (weights summing to 100 when a
    route splits traffic) with matches, timeouts, retries, faults and mirrors.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10)
    ... @given(virtual_services())
    ... def test(vs):
    ...     for http in vs.http:
    ...         assert len(http.route) < 2 or sum(r.weight for r in http.route) == 100
    >>> test()
    """
    return _VIRTUAL_SERVICES


_TLS_MODES: tuple[ClientTLSMode, ...] = choices(ClientTLSMode)


@st.composite
def _traffic_policy(draw: DrawFn) -> TrafficPolicy:
    pool = ConnectionPoolSettings(
        max_connections=maybe(draw, _COUNTS), connect_timeout=maybe(draw, _DURATIONS),
        http1_max_pending_requests=maybe(draw, _COUNTS),
        http2_max_requests=maybe(draw, _COUNTS),
        max_requests_per_connection=maybe(draw, _COUNTS),
        max_retries=maybe(draw, _COUNTS)) if draw(BOOLS) else None
    outliers = OutlierDetection(
        consecutive_5xx_errors=maybe(draw, _COUNTS), interval=maybe(draw, _DURATIONS),
        base_ejection_time=maybe(draw, _DURATIONS),
        max_ejection_percent=maybe(draw, st.integers(0, 100))) if draw(BOOLS) else None
    mode = pick(draw, _TLS_MODES)
    tls = ClientTLSSettings(mode, sni=maybe_pick(draw, ("api.example.com",))
                            if mode in ("SIMPLE", "MUTUAL") else None) if draw(BOOLS) else None
    return TrafficPolicy(connection_pool=pool, outlier_detection=outliers, tls=tls,
                         extra=extras(draw, {"loadBalancer": st.just(
                             {"simple": "LEAST_REQUEST"})}))


_TRAFFIC_POLICIES = _traffic_policy()


@st.composite
def _destination_rule(draw: DrawFn) -> DestinationRule:
    names = draw(_UNIQUE_NAMES[draw(st.integers(0, 3))])
    subsets = tuple(Subset(name, {"version": name},
                           traffic_policy=draw(_TRAFFIC_POLICIES) if draw(BOOLS) else None)
                    for name in names)
    return DestinationRule(metadata=_draw_meta(draw, draw(_OBJECT_NAMES)),
                           host=draw(_HOSTS), subsets=subsets,
                           traffic_policy=maybe(draw, _TRAFFIC_POLICIES),
                           export_to=draw(_OWN_EXPORTS))


_DESTINATION_RULES = _destination_rule()


@draws(DestinationRule)
def destination_rules() -> SearchStrategy[DestinationRule]:
    """DestinationRules: a host, uniquely named subsets selecting ``version``, traffic
    policies with circuit breaking, outlier detection and TLS modes.

    >>> from hypothesis import find
    >>> rule = find(destination_rules(), lambda r: len(r.subsets) > 1)
    >>> len(rule.subset_names) == len(rule.subsets)
    True
    """
    return _DESTINATION_RULES


# --- Gateway, ServiceEntry, Sidecar ------------------------------------------------------------

_SERVER_PORTS = (IstioPort(80, "http", "HTTP"), IstioPort(443, "https", "HTTPS"),
                 IstioPort(8443, "tls", "TLS"), IstioPort(15443, "tcp", "TCP"))


def _draw_server(draw: DrawFn, port: IstioPort, name: str | None) -> Server:
    secure = port.protocol in ("HTTPS", "TLS")
    tls = ServerTLSSettings(mode=pick(draw, ("SIMPLE", "MUTUAL")) if port.protocol == "HTTPS"
                            else "PASSTHROUGH",
                            credential_name=pick(draw, ("shop-cert", "ingress-tls"))
                            if port.protocol == "HTTPS" else None) if secure else (
        ServerTLSSettings(https_redirect=True) if port.number == 80 and draw(BOOLS) else None)
    hosts = draw(st.lists(_HOSTS, min_size=1, max_size=2, unique=True))
    if draw(BOOLS):
        hosts = [f"{draw(_NAMESPACES)}/{hosts[0]}", *hosts[1:]]
    return Server(port, tuple(hosts), tls=tls, name=name)


@st.composite
def _gateway(draw: DrawFn) -> Gateway:
    ports = draw(st.lists(st.sampled_from(_SERVER_PORTS), min_size=1, max_size=3,
                          unique=True))
    names = draw(_UNIQUE_NAMES[len(ports)])  # server names, when given, differ
    return Gateway(metadata=_draw_meta(draw, draw(_OBJECT_NAMES)),
                   selector=draw(_GATEWAY_SELECTORS),
                   servers=tuple(_draw_server(draw, port, name if draw(BOOLS) else None)
                                 for port, name in zip(ports, names, strict=True)))


_GATEWAYS = _gateway()


@draws(Gateway)
def gateways() -> SearchStrategy[Gateway]:
    """Gateways: HTTP, HTTPS (with TLS settings), TLS passthrough and TCP servers.

    >>> from hypothesis import find
    >>> server = find(gateways(), lambda g: g.servers[0].port.protocol == "HTTPS").servers[0]
    >>> server.tls.mode is not None
    True
    """
    return _GATEWAYS


_LOCATIONS: tuple[MeshLocation, ...] = choices(MeshLocation)
_RESOLUTIONS: tuple[Resolution, ...] = ("NONE", "STATIC", "DNS")


@st.composite
def _service_entry(draw: DrawFn) -> ServiceEntry:
    hosts = draw(st.lists(_NAMED_HOSTS, min_size=1, max_size=2,
                          unique=True))
    numbers = draw(st.lists(_PORTS, max_size=2, unique=True))
    ports = tuple(IstioPort(number, f"port-{index}",
                            pick(draw, ("HTTP", "HTTPS", "TCP", "GRPC", "TLS")),
                            target_port=maybe(draw, _PORTS))
                  for index, number in enumerate(numbers))
    wildcard = any(h.startswith("*") for h in hosts)
    resolution = maybe_pick(draw, ("NONE",) if wildcard else _RESOLUTIONS)
    endpoints = ({"endpoints": st.just([{"address": "10.0.0.1"}])}
                 if resolution == "STATIC" else {})
    return ServiceEntry(metadata=_draw_meta(draw, draw(_OBJECT_NAMES)), hosts=tuple(hosts),
                        ports=ports, location=maybe_pick(draw, _LOCATIONS),
                        resolution=resolution,
                        spec_extra=extras(draw, endpoints))


_SERVICE_ENTRIES = _service_entry()


@draws(ServiceEntry)
def service_entries() -> SearchStrategy[ServiceEntry]:
    """ServiceEntries: hosts (never ``*``), uniquely numbered ports, a location and a
    resolution (STATIC ones sometimes with an endpoint).

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10)
    ... @given(service_entries())
    ... def test(entry):
    ...     assert entry.hosts and "*" not in entry.hosts
    >>> test()
    """
    return _SERVICE_ENTRIES


_OUTBOUND: tuple[OutboundTrafficMode, ...] = choices(OutboundTrafficMode)
_EGRESS_HOSTS = st.sampled_from(("./*", "istio-system/*", "*/api.example.com", "~/*")) | \
    st.builds(lambda ns, h: f"{ns}/{h}", _NAMESPACES, _HOSTS)


@st.composite
def _sidecar(draw: DrawFn) -> Sidecar:
    listeners = tuple(IstioEgressListener(tuple(draw(st.lists(
        _EGRESS_HOSTS, min_size=1, max_size=3, unique=True))))
        for _ in range(draw(st.integers(0, 2))))
    return Sidecar(metadata=_draw_meta(draw, draw(_OBJECT_NAMES)),
                   workload_selector=draw(_SMALL_LABELS), egress=listeners,
                   outbound_traffic_policy=maybe_pick(draw, _OUTBOUND),
                   spec_extra=extras(draw, {"ingress": st.just(
                       [{"port": {"number": 9080, "protocol": "HTTP", "name": "http"},
                         "defaultEndpoint": "127.0.0.1:8080"}])}))


_SIDECARS = _sidecar()


@draws(Sidecar)
def sidecars() -> SearchStrategy[Sidecar]:
    """Sidecars (Istio's resource, not a sidecar container): egress listeners with
    ``namespace/host`` hosts, sometimes a workload selector.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10)
    ... @given(sidecars())
    ... def test(sidecar):
    ...     assert all("/" in host for listener in sidecar.egress for host in listener.hosts)
    >>> test()
    """
    return _SIDECARS


# --- security ----------------------------------------------------------------------------------

_MTLS_MODES: tuple[MutualTLSMode, ...] = choices(MutualTLSMode)


@st.composite
def _peer_authentication(draw: DrawFn) -> PeerAuthentication:
    selector = draw(_WORKLOAD_SELECTORS)
    ports = {str(port): {"mode": pick(draw, _MTLS_MODES)}
             for port in draw(st.lists(_PORTS, max_size=2, unique=True))} if selector else {}
    return PeerAuthentication(metadata=_draw_meta(draw, draw(_OBJECT_NAMES)),
                              selector=selector, mode=maybe_pick(draw, _MTLS_MODES),
                              port_level_mtls=ports)


_PEER_AUTHENTICATIONS = _peer_authentication()


@draws(PeerAuthentication)
def peer_authentications() -> SearchStrategy[PeerAuthentication]:
    """PeerAuthentications: mesh-, namespace- or workload-wide modes, and port-level
    modes (only with a selector, as Istio requires).

    >>> from hypothesis import find
    >>> find(peer_authentications(), lambda p: p.port_level_mtls).selector != {}
    True
    """
    return _PEER_AUTHENTICATIONS


_PRINCIPALS = st.builds(lambda ns, sa: f"cluster.local/ns/{ns}/sa/{sa}", _NAMESPACES,
                        _SHORT_NAMES)


@st.composite
def _authorization_rule(draw: DrawFn) -> AuthorizationRule:
    sources = tuple(AuthorizationFrom(AuthorizationSource(
        principals=draw(st.lists(_PRINCIPALS, max_size=2)),
        namespaces=draw(st.lists(_NAMESPACES, max_size=2)),
        ip_blocks=draw(_IP_BLOCKS),
        extra=extras(draw, {"notNamespaces": st.just(["kube-system"])})))
        for _ in range(draw(st.integers(0, 2))))
    operations = tuple(AuthorizationTo(AuthorizationOperation(
        methods=draw(_METHODS),
        paths=draw(_PATHS),
        ports=tuple(str(p) for p in draw(st.lists(_PORTS, max_size=2, unique=True)))))
        for _ in range(draw(st.integers(0, 2))))
    conditions = tuple(AuthorizationCondition("request.headers[x-tenant]", ("a", "b"))
                       for _ in range(draw(st.integers(0, 1))))
    return AuthorizationRule(from_=sources, to=operations, when=conditions)


_AUTHORIZATION_RULES = _authorization_rule()
_ACTIONS: tuple[AuthorizationAction, ...] = choices(AuthorizationAction)


@st.composite
def _authorization_policy(draw: DrawFn) -> AuthorizationPolicy:
    action = maybe_pick(draw, _ACTIONS)
    return AuthorizationPolicy(
        metadata=_draw_meta(draw, draw(_OBJECT_NAMES)), selector=draw(_SMALL_LABELS),
        action=action, rules=tuple(draw(st.lists(_AUTHORIZATION_RULES, max_size=2))),
        provider="ext-authz" if action == "CUSTOM" else None)


_AUTHORIZATION_POLICIES = _authorization_policy()


@draws(AuthorizationPolicy)
def authorization_policies() -> SearchStrategy[AuthorizationPolicy]:
    """AuthorizationPolicies: every action (CUSTOM ones name a provider), rules with
    sources, operations and conditions.

    >>> from hypothesis import find
    >>> find(authorization_policies(), lambda p: p.action == "CUSTOM").provider
    'ext-authz'
    """
    return _AUTHORIZATION_POLICIES


# --- IstioOperator -----------------------------------------------------------------------------

_CPU = st.sampled_from(("100m", "500m", "1000m", "2"))
_MEMORY = st.sampled_from(("128Mi", "1024Mi", "2Gi"))


def _draw_gateway_component(draw: DrawFn, name: str) -> GatewayComponent:
    ports = tuple(ServicePort(port=port, target_port=target, name=port_name)
                  for port_name, port, target in draw(_GATEWAY_PORTS))
    service_type = pick(draw, field_choices(KubernetesResources, "service_type"))
    k8s = KubernetesResources(service_type=service_type, service_ports=ports,
                              replica_count=maybe(draw, st.integers(1, 3))) \
        if draw(BOOLS) else None
    return GatewayComponent(name, enabled=maybe(draw, BOOLS),
                            label=draw(_GATEWAY_LABELS),
                            k8s=k8s)


@st.composite
def _istio_operator(draw: DrawFn) -> IstioOperator:
    autoscaling = Autoscaling.of(low := draw(st.integers(1, 3)), low + draw(st.integers(0, 4)),
                                 cpu_utilization=maybe(draw, st.integers(10, 90))) \
        if draw(BOOLS) else None
    pilot = IstioComponent(enabled=maybe(draw, BOOLS), k8s=KubernetesResources.of(
        requests={"cpu": draw(_CPU), "memory": draw(_MEMORY)}, autoscaling=autoscaling))
    names = draw(_UNIQUE_NAMES[draw(st.integers(0, 2))])
    components = IstioComponents(
        pilot=pilot if draw(BOOLS) else None,
        ingress_gateways=tuple(_draw_gateway_component(draw, f"{name}-ingressgateway")
                               for name in names),
        extra=extras(draw, {"cni": st.just({"enabled": True})})) if draw(BOOLS) else None
    return IstioOperator(
        metadata=_draw_meta(draw, draw(_OBJECT_NAMES)),
        profile=maybe_pick(draw, ("default", "minimal", "demo")),
        revision=maybe_pick(draw, ("1-23", "canary")), tag=maybe_pick(draw, ("1.23.2",)),
        mesh_config=draw(_MESH_CONFIGS),
        components=components,
        values=draw(_HELM_VALUES))


_ISTIO_OPERATORS = _istio_operator()


@draws(IstioOperator)
def istio_operators() -> SearchStrategy[IstioOperator]:
    """IstioOperators: a profile, a revision, pilot resources and autoscaling, ingress
    gateways with their Services, some meshConfig and Helm values.

    >>> from hypothesis import find
    >>> operator = find(istio_operators(), lambda o: o.components is not None
    ...                 and len(o.components.ingress_gateways) == 2)
    >>> [g.name.endswith("-ingressgateway") for g in operator.components.ingress_gateways]
    [True, True]
    """
    return _ISTIO_OPERATORS
