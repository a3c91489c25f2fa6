"""Istio's resources as values: friendly constructors, the checks the CRD schemas
cannot make (by field path), loading every served version, unknown fields named with
the closest known one, the production IstioOperator, routes to undefined subsets, and
the generated field table. Every manifest emitted here passes the CRD's schema."""

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from returns.result import Success

from kancat.codec.encode import to_manifest
from kancat.errors import InvalidValue
from kancat.interpret.consistency import check_objects
from kancat.interpret.emit import to_yaml
from kancat.interpret.load import load_manifest, load_yaml
from kancat.patterns.istio import PRODUCTION_STATS_INCLUSIONS, production_profile
from kancat.values import OpaqueObject, Service
from kancat.values.istio import (
    AuthorizationPolicy,
    AuthorizationRule,
    ClientTLSSettings,
    ConnectionPoolSettings,
    Destination,
    DestinationRule,
    FaultDelay,
    Gateway,
    HTTPFaultInjection,
    HTTPMatchRequest,
    HTTPRetry,
    HTTPRoute,
    IstioEgressListener,
    IstioPort,
    OutlierDetection,
    PeerAuthentication,
    Server,
    ServerTLSSettings,
    ServiceEntry,
    Sidecar,
    StringMatch,
    Subset,
    TrafficPolicy,
    VirtualService,
)
from kancat.values.istio.operator import Autoscaling, GatewayComponent, IstioOperator
from kancat.values.kinds import DEFAULT_VERSION, NEWEST_VERSION, OLDEST_VERSION, kind_of
from tests.scripts import assert_table_is_up_to_date, load_script
from tests.validators import validate_manifest

ROOT = Path(__file__).resolve().parents[1]
TABLE = ROOT / "kancat" / "_schemas" / "istio-fields.json"


def problems(error: InvalidValue) -> list[str]:
    return [str(p) for p in error.problems]


def messages_of(build: Any) -> list[str]:
    with pytest.raises(InvalidValue) as caught:
        build()
    return problems(caught.value)


def emitted(value: Any) -> dict[str, Any]:
    """The manifest of ``value``, checked against its CRD schema and loaded back."""
    manifest = to_manifest(value)
    validate_manifest(manifest)
    assert load_manifest(manifest) == Success(value)
    return manifest


# --- friendly constructors, valid manifests ----------------------------------------------------

def reviews_route() -> VirtualService:
    return VirtualService.of("reviews", namespace="shop", hosts=["reviews"], http=[
        HTTPRoute.of(match=[HTTPMatchRequest(uri=StringMatch(prefix="/api"))],
                     route=[("reviews", "v2")], timeout="2s"),
        HTTPRoute.of(route=[("reviews", "v1", 90), ("reviews", "v2", 10)], timeout="5s",
                     retries=HTTPRetry.of(3, per_try_timeout="2s", retry_on="5xx,reset"),
                     fault=HTTPFaultInjection(delay=FaultDelay(fixed_delay="100ms",
                                                               percentage=0.5)),
                     mirror=Destination("reviews", "v3"), mirror_percentage=10),
    ])


def reviews_rule() -> DestinationRule:
    return DestinationRule.of(
        "reviews", namespace="shop", host="reviews",
        subsets={"v1": {"version": "v1"}, "v2": {"version": "v2"}, "v3": {"version": "v3"}},
        traffic_policy=TrafficPolicy.of(
            tls="ISTIO_MUTUAL",
            connection_pool=ConnectionPoolSettings(max_connections=100,
                                                   http1_max_pending_requests=10,
                                                   http2_max_requests=1000,
                                                   max_requests_per_connection=10),
            outlier_detection=OutlierDetection(consecutive_5xx_errors=5, interval="10s",
                                               base_ejection_time="30s",
                                               max_ejection_percent=50)))


def test_virtual_service_routes_split_by_weight() -> None:
    manifest = emitted(reviews_route())
    assert manifest["apiVersion"] == "networking.istio.io/v1"
    split = manifest["spec"]["http"][1]
    assert split["route"] == [
        {"destination": {"host": "reviews", "subset": "v1"}, "weight": 90},
        {"destination": {"host": "reviews", "subset": "v2"}, "weight": 10}]
    assert split["retries"] == {"attempts": 3, "perTryTimeout": "2s", "retryOn": "5xx,reset"}
    assert split["fault"] == {"delay": {"fixedDelay": "100ms", "percentage": {"value": 0.5}}}
    assert split["mirrorPercentage"] == {"value": 10}


def test_destination_rule_with_circuit_breaking_and_mesh_tls() -> None:
    policy = emitted(reviews_rule())["spec"]["trafficPolicy"]
    assert policy["tls"] == {"mode": "ISTIO_MUTUAL"}
    assert policy["connectionPool"] == {
        "tcp": {"maxConnections": 100},
        "http": {"http1MaxPendingRequests": 10, "http2MaxRequests": 1000,
                 "maxRequestsPerConnection": 10}}
    assert policy["outlierDetection"] == {"consecutive5xxErrors": 5, "interval": "10s",
                                          "baseEjectionTime": "30s", "maxEjectionPercent": 50}


def test_gateway_service_entry_sidecar_and_security_kinds() -> None:
    gateway = Gateway.of("shop", namespace="shop", servers=[
        Server(IstioPort(80, "http", "HTTP"), ("shop.example.com",),
               tls=ServerTLSSettings(https_redirect=True)),
        Server(IstioPort(443, "https", "HTTPS"), ("shop/shop.example.com",),
               tls=ServerTLSSettings(mode="SIMPLE", credential_name="shop-cert"))])
    assert emitted(gateway)["spec"]["selector"] == {"istio": "ingressgateway"}
    entry = ServiceEntry.of("payments", namespace="shop", hosts=["api.payments.example"],
                            ports={"https": 443})
    assert emitted(entry)["spec"]["ports"] == [{"number": 443, "name": "https",
                                                "protocol": "HTTPS"}]
    sidecar = Sidecar.of("default", namespace="shop", outbound_traffic_policy="REGISTRY_ONLY",
                         egress_hosts=["./*", "istio-system/*", "*/api.payments.example"])
    assert emitted(sidecar)["spec"] == {
        "egress": [{"hosts": ["./*", "istio-system/*", "*/api.payments.example"]}],
        "outboundTrafficPolicy": {"mode": "REGISTRY_ONLY"}}
    mesh_wide = PeerAuthentication.of("default", namespace="istio-system", mode="STRICT")
    assert emitted(mesh_wide)["spec"] == {"mtls": {"mode": "STRICT"}}
    per_port = PeerAuthentication.of("db", namespace="shop", selector={"app": "db"},
                                     mode="STRICT", port_level_mtls={5432: "PERMISSIVE"})
    assert emitted(per_port)["spec"]["portLevelMtls"] == {"5432": {"mode": "PERMISSIVE"}}
    policy = AuthorizationPolicy.of("web", namespace="shop", selector={"app": "web"}, rules=[
        AuthorizationRule.of(principals=["cluster.local/ns/shop/sa/gateway"],
                             methods=["GET"], paths=["/api/*"], ports=[8080])])
    assert emitted(policy)["spec"]["rules"] == [{
        "from": [{"source": {"principals": ["cluster.local/ns/shop/sa/gateway"]}}],
        "to": [{"operation": {"ports": ["8080"], "methods": ["GET"], "paths": ["/api/*"]}}]}]
    assert emitted(AuthorizationPolicy.deny_all(namespace="shop"))["spec"] == {
        "action": "ALLOW"}
    custom = AuthorizationPolicy.of("authz", action="CUSTOM", provider="ext-authz")
    assert emitted(custom)["spec"] == {"action": "CUSTOM", "provider": {"name": "ext-authz"}}
    assert messages_of(lambda: AuthorizationPolicy.of("authz", action="CUSTOM")) == [
        "spec.provider.name: a CUSTOM policy names its provider (give the name of an "
        "extension provider of the mesh)"]


def test_istio_kinds_emit_one_group_version_for_every_kubernetes_version() -> None:
    for value in (reviews_route(), PeerAuthentication.of(namespace="shop"),
                  production_profile()):
        row = kind_of(type(value))
        assert not row.built_in
        for version in (OLDEST_VERSION, DEFAULT_VERSION, NEWEST_VERSION):
            assert to_manifest(value, version)["apiVersion"] == row.versions[-1][1]


# --- what the schemas cannot check -------------------------------------------------------------

def test_durations_percentages_and_weights_are_checked_by_path() -> None:
    found = messages_of(lambda: HTTPRoute.of(
        route=[("reviews", "v1", 90), ("reviews", "v2", 20)], timeout="5 seconds",
        mirror_percentage=150))
    assert found == [
        "timeout: timeout '5 seconds' is not a duration (write a number and a unit (ms, s, "
        "m or h), e.g. '100ms', '5s', '1m', '1h')",
        "mirrorPercentage.value: mirrorPercentage 150 is not between 0 and 100 (use a "
        "number from 0 to 100)",
        "route: the weights of the route's destinations sum to 110 (make them sum to 100)"]
    assert messages_of(lambda: HTTPRetry.of(3, per_try_timeout="0s")) == [
        "perTryTimeout: perTryTimeout '0s' is shorter than 1ms (Istio takes durations of "
        "1ms or more)"]
    assert messages_of(lambda: HTTPRoute.of(route=[("reviews", "v1", 101)])) == [
        "route[0].weight: weight must be <= 100, got 101 (use 100 or less)"]
    assert HTTPRoute.of(route=[("reviews", "v1", 50), ("reviews", "v2", 50)]).route[1].weight \
        == 50
    assert messages_of(lambda: FaultDelay(fixed_delay="1h", percentage=-1)) == [
        "percentage.value: percentage -1 is not between 0 and 100 (use a number from 0 to "
        "100)"]


def test_hosts_ports_and_subset_names_are_checked_by_path() -> None:
    found = messages_of(lambda: VirtualService.of(
        "reviews", hosts=["reviews", "Bad_Host"], gateways=["mesh", "istio-system/Ingress"]))
    assert found == [
        "spec.hosts[1]: host 'Bad_Host' is not a DNS name or wildcard (write a service name "
        "such as 'reviews' or 'reviews.shop.svc.cluster.local', or a wildcard such as "
        "'*.example.com')",
        "spec.gateways[1]: gateway name 'Ingress' is not a DNS-1123 subdomain (use lowercase "
        "letters, digits, '-' and '.', starting and ending with a letter or digit (e.g. "
        "'web.example'))"]
    assert messages_of(lambda: HTTPRoute.of(route=[("reviews", "V1")])) == [
        "route[0].destination.subset: subset name 'V1' is not a DNS-1123 label (use "
        "lowercase letters, digits and '-', starting and ending with a letter or digit "
        "(e.g. 'my-name'))"]
    assert messages_of(lambda: Destination("reviews", port=70000)) == [
        "port.number: port 70000 is out of range (use a number from 1 to 65535)"]
    for fine in ("*.example.com", "reviews", "reviews.default.svc.cluster.local"):
        assert VirtualService.of("r", hosts=[fine]).hosts == (fine,)
    assert VirtualService.of("edge", hosts=["*"], gateways=["edge"]).hosts == ("*",)
    assert messages_of(lambda: VirtualService.of("r", hosts=["*"])) == [
        "spec.hosts[0]: the host '*' applies only at Gateways, not to the mesh's sidecars "
        "(name the hosts, or bind the VirtualService to gateways (without 'mesh'))"]
    assert messages_of(lambda: ServiceEntry.of("all", hosts=["*"], resolution="NONE")) == [
        "spec.hosts[0]: host cannot be '*' here (name the hosts, or use a wildcard domain "
        "such as '*.example.com')"]
    assert messages_of(lambda: ServiceEntry.of("apis", hosts=["*.example.com"])) == [
        "spec.hosts[0]: DNS resolution cannot look up the wildcard host '*.example.com' (use "
        "resolution NONE for wildcard hosts, or give endpoints)"]
    assert messages_of(lambda: DestinationRule.of("r", host="reviews",
                                                  subsets={"v1": {}, "Not A Label": {}})) == [
        "spec.subsets[1].name: subset name 'Not A Label' is not a DNS-1123 label (use "
        "lowercase letters, digits and '-', starting and ending with a letter or digit "
        "(e.g. 'my-name'))"]
    duplicate = [Subset("v1"), Subset("v1")]
    assert messages_of(lambda: DestinationRule.of("r", host="reviews", subsets=duplicate)) \
        == ["spec.subsets[1].name: duplicate subset name 'v1' (also at spec.subsets[0]) "
            "(give each subset name a different value)"]


def test_modes_are_choices() -> None:
    assert messages_of(lambda: PeerAuthentication.of(mode="STRIKT")) == [  # type: ignore[arg-type]
        "spec.mtls.mode: mTLS mode 'STRIKT' is not allowed (use one of UNSET, DISABLE, "
        "PERMISSIVE, STRICT)"]
    assert messages_of(lambda: TrafficPolicy.of(tls="MTLS")) == [  # type: ignore[arg-type]
        "tls.mode: TLS mode 'MTLS' is not allowed (use one of DISABLE, SIMPLE, MUTUAL, "
        "ISTIO_MUTUAL)"]
    assert messages_of(lambda: ClientTLSSettings("ISTIO_MUTUAL", credential_name="cert")) \
        == ["credentialName: ISTIO_MUTUAL uses Istio's certificates, not credentialName "
            "(remove credentialName, or use mode MUTUAL)"]


def test_port_level_mtls_needs_ports_in_range_and_a_selector() -> None:
    found = messages_of(lambda: PeerAuthentication.of(
        "db", port_level_mtls={0: "STRICT", 5432: "SOMETIMES"}))  # type: ignore[dict-item]
    assert found == [
        "spec.portLevelMtls['0']: portLevelMtls port 0 is out of range (use a number from 1 "
        "to 65535)",
        "spec.portLevelMtls['5432'].mode: mTLS mode 'SOMETIMES' is not allowed (use one of "
        "UNSET, DISABLE, PERMISSIVE, STRICT)",
        "spec.portLevelMtls: portLevelMtls applies only to selected workloads (give a "
        "selector (matchLabels), or set the mode for all ports)"]


def test_sidecar_egress_hosts_name_their_namespace() -> None:
    assert messages_of(lambda: Sidecar.of(namespace="shop",
                                          egress_hosts=["reviews", "Shop/*", "./*"])) == [
        "spec.egress[0].hosts[0]: host 'reviews' names no namespace (write namespace/host, "
        "e.g. './*', 'istio-system/*' or 'shop/reviews.shop.svc.cluster.local')",
        "spec.egress[0].hosts[1]: host namespace 'Shop' is not a DNS-1123 label (use "
        "lowercase letters, digits and '-', starting and ending with a letter or digit "
        "(e.g. 'my-name'))"]
    assert messages_of(lambda: IstioEgressListener(())) == [
        "hosts: an egress listener needs at least one host (list hosts such as './*' and "
        "'istio-system/*')"]


def test_gateway_servers_need_tls_for_https() -> None:
    assert messages_of(lambda: Server(IstioPort(443, "https", "HTTPS"), ("*",))) == [
        "tls: a HTTPS server needs its TLS settings (give tls with a mode (e.g. SIMPLE and a "
        "credentialName))"]
    assert messages_of(lambda: Server(IstioPort(80, "http"), ())) == [
        "hosts: a server serves at least one host (list the hosts, e.g. '*.example.com' or "
        "'*')",
        "port.protocol: a Gateway port needs a protocol (give HTTP, HTTPS, GRPC, HTTP2, "
        "MONGO, TCP or TLS)"]
    assert messages_of(lambda: Gateway.of("edge", servers=[])) == [
        "spec.servers: a Gateway needs at least one server (add a server with a port and "
        "hosts)"]
    assert messages_of(lambda: ServerTLSSettings(mode="SIMPLE")) == [
        "credentialName: a SIMPLE server needs its certificate (give credentialName: the "
        "Secret holding the certificate and key)"]
    https = IstioPort(443, "https", "HTTPS")
    tls = ServerTLSSettings(mode="SIMPLE", credential_name="cert")
    shared_port = Gateway.of("edge", servers=[Server(https, ("a.example.com",), tls=tls),
                                              Server(https, ("b.example.com",), tls=tls)])
    assert emitted(shared_port).get("spec", {}).get("servers", [{}])[1]["hosts"] == [
        "b.example.com"]


# --- loading -----------------------------------------------------------------------------------

VS_YAML = """
apiVersion: {api}
kind: VirtualService
metadata: {{name: reviews, namespace: shop}}
spec:
  hosts: [reviews]
  http:
  - route:
    - destination: {{host: reviews, subset: v1}}
      weight: 75
    - destination: {{host: reviews, subset: v2}}
      weight: 25
    retries: {{attempts: 2, perTryTimeout: 1s, retryRemoteLocalities: true}}
    corsPolicy: {{allowOrigins: [{{exact: "https://shop.example.com"}}]}}
  tcp:
  - route:
    - destination: {{host: reviews, port: {{number: 9000}}}}
"""


@pytest.mark.parametrize("api", ["networking.istio.io/v1", "networking.istio.io/v1beta1",
                                 "networking.istio.io/v1alpha3"])
def test_every_served_version_loads_and_emits_v1(api: str) -> None:
    (value,) = load_yaml(VS_YAML.format(api=api)).unwrap()
    assert isinstance(value, VirtualService)
    assert [r.weight for r in value.http[0].route] == [75, 25]
    assert value.http[0].retries == HTTPRetry(attempts=2, per_try_timeout="1s",
                                              extra={"retryRemoteLocalities": True})
    again = to_manifest(value)
    validate_manifest(again)
    original = yaml.safe_load(VS_YAML.format(api=api))
    assert again == {**original, "apiVersion": "networking.istio.io/v1"}


@pytest.mark.parametrize("api", ["security.istio.io/v1", "security.istio.io/v1beta1"])
def test_security_kinds_load_from_each_served_version(api: str) -> None:
    text = (f"apiVersion: {api}\nkind: PeerAuthentication\nmetadata: {{name: default}}\n"
            "spec: {mtls: {mode: PERMISSIVE}}\n")
    (value,) = load_yaml(text).unwrap()
    assert value == PeerAuthentication.of("default", mode="PERMISSIVE")


BOOKINFO = """\
apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: bookinfo-gateway
  namespace: bookinfo
spec:
  selector:
    istio: ingressgateway
  servers:
  - port:
      number: 8080
      name: http
      protocol: HTTP
    hosts:
    - "*"
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: bookinfo
  namespace: bookinfo
spec:
  hosts:
  - "*"
  gateways:
  - bookinfo-gateway
  http:
  - match:
    - uri:
        exact: /productpage
    - uri:
        prefix: /static
    - headers:
        end-user:
          exact: jason
    route:
    - destination:
        host: productpage
        port:
          number: 9080
    corsPolicy:
      allowOrigins:
      - exact: https://example.com
    rewrite:
      uri: /
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: reviews
  namespace: bookinfo
spec:
  host: reviews
  trafficPolicy:
    loadBalancer:
      consistentHash:
        httpHeaderName: x-user
    portLevelSettings:
    - port:
        number: 9080
      tls:
        mode: ISTIO_MUTUAL
  subsets:
  - name: v1
    labels:
      version: v1
  - name: v2
    labels:
      version: v2
    trafficPolicy:
      loadBalancer:
        simple: RANDOM
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: external-svc
  namespace: bookinfo
spec:
  hosts:
  - api.dropboxapi.com
  location: MESH_EXTERNAL
  ports:
  - number: 443
    name: https
    protocol: TLS
  resolution: STATIC
  endpoints:
  - address: 1.2.3.4
    ports:
      https: 8443
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: httpbin
  namespace: foo
spec:
  selector:
    matchLabels:
      app: httpbin
  action: DENY
  rules:
  - from:
    - source:
        notNamespaces: ["foo"]
        principals: ["cluster.local/ns/default/sa/sleep"]
    to:
    - operation:
        methods: ["GET"]
        notPaths: ["/healthz"]
    when:
    - key: request.auth.claims[iss]
      values: ["https://accounts.google.com"]
---
apiVersion: networking.istio.io/v1alpha3
kind: Sidecar
metadata:
  name: ratings
  namespace: prod-us1
spec:
  workloadSelector:
    labels:
      app: ratings
  ingress:
  - port:
      number: 9080
      protocol: HTTP
      name: somename
    defaultEndpoint: unix:///var/run/someuds.sock
  egress:
  - port:
      number: 9080
      protocol: HTTP
      name: egresshttp
    hosts:
    - "prod-us1/*"
  - hosts:
    - "istio-system/*"
  outboundTrafficPolicy:
    mode: REGISTRY_ONLY
---
apiVersion: security.istio.io/v1beta1
kind: PeerAuthentication
metadata:
  name: default
  namespace: foo
spec:
  selector:
    matchLabels:
      app: finance
  mtls:
    mode: STRICT
  portLevelMtls:
    8080:
      mode: DISABLE
"""
"""Istio's own examples (bookinfo, the reference pages), with fields kancat carries."""


def test_istio_examples_load_and_emit_unchanged() -> None:
    objects = load_yaml(BOOKINFO).unwrap()
    assert [type(o).__name__ for o in objects] == [
        "Gateway", "VirtualService", "DestinationRule", "ServiceEntry", "AuthorizationPolicy",
        "Sidecar", "PeerAuthentication"]
    for value, document in zip(objects, yaml.safe_load_all(BOOKINFO), strict=True):
        manifest = to_manifest(value)
        validate_manifest(manifest)
        if document["kind"] == "PeerAuthentication":  # JSON keys are strings
            levels = document["spec"]["portLevelMtls"]
            document["spec"]["portLevelMtls"] = {str(k): v for k, v in levels.items()}
        assert manifest == {**document, "apiVersion": manifest["apiVersion"]}
    assert [str(f) for f in check_objects(objects)] == []


def failures(text: str) -> list[str]:
    return problems(load_yaml(text).failure())


def test_unknown_fields_are_named_with_the_closest_known_one() -> None:
    assert failures("apiVersion: networking.istio.io/v1\nkind: VirtualService\n"
                    "metadata: {name: reviews}\nspec: {hosts: [reviews], htpp: []}\n") == [
        "spec.htpp: unknown field 'htpp' (did you mean 'http'?)"]
    deep = """
apiVersion: networking.istio.io/v1beta1
kind: DestinationRule
metadata: {name: reviews, labelz: {}}
spec:
  host: reviews
  trafficPolicy:
    loadBalancer: {simpel: ROUND_ROBIN}
    connectionPool: {tcp: {maxConections: 10}}
  subsets:
  - {name: v1, labels: {version: v1}, trafficPolicy: {outlierDetection: {intervl: 5s}}}
"""
    assert failures(deep) == [
        "metadata.labelz: unknown field 'labelz' (did you mean 'labels'?)",
        "spec.trafficPolicy.loadBalancer.simpel: unknown field 'simpel' (did you mean "
        "'simple'?)",
        "spec.trafficPolicy.connectionPool.tcp.maxConections: unknown field 'maxConections' "
        "(did you mean 'maxConnections'?)",
        "spec.subsets[0].trafficPolicy.outlierDetection.intervl: unknown field 'intervl' "
        "(did you mean 'interval'?)"]
    operator = ("apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\n"
                "metadata: {name: mesh}\nspec:\n  components:\n    pilot:\n      k8s:\n"
                "        resourcez: {}\n        hpaSpec: {maxReplicas: 3, metrix: []}\n")
    assert failures(operator) == [
        "spec.components.pilot.k8s.resourcez: unknown field 'resourcez' (did you mean "
        "'resources'?)",
        "spec.components.pilot.k8s.hpaSpec.metrix: unknown field 'metrix' (did you mean "
        "'metrics'?)"]


def test_istio_kinds_kancat_does_not_model_pass_through_and_typos_do_not() -> None:
    envoy_filter = ("apiVersion: networking.istio.io/v1alpha3\nkind: EnvoyFilter\n"
                    "metadata: {name: lua}\nspec: {configPatches: []}\n")
    (value,) = load_yaml(envoy_filter).unwrap()
    assert isinstance(value, OpaqueObject)
    assert failures(envoy_filter.replace("v1alpha3", "v1")) == [
        "apiVersion: Kubernetes does not serve EnvoyFilter as networking.istio.io/v1 (use "
        "apiVersion: networking.istio.io/v1alpha3)"]
    assert failures("apiVersion: networking.istio.io/v1\nkind: VirtualServce\n"
                    "metadata: {name: r}\n") == [
        "kind: networking.istio.io/v1 has no kind 'VirtualServce' (did you mean "
        "'VirtualService'?)"]


def test_loaded_values_go_through_the_same_checks() -> None:
    text = VS_YAML.format(api="networking.istio.io/v1").replace("weight: 25", "weight: 35")
    assert failures(text) == [
        "spec.http[0].route: the weights of the route's destinations sum to 110 (make them "
        "sum to 100)"]


# --- the production profile --------------------------------------------------------------------

def test_production_profile_has_the_founding_designs_figures() -> None:
    operator = production_profile()
    manifest = emitted(operator)
    components = manifest["spec"]["components"]
    pilot = components["pilot"]["k8s"]
    assert pilot["resources"] == {"requests": {"cpu": "1000m", "memory": "1024Mi"}}
    assert pilot["hpaSpec"] == {"minReplicas": 2, "maxReplicas": 5, "metrics": [{
        "type": "Resource", "resource": {"name": "cpu", "target": {
            "type": "Utilization", "averageUtilization": 60}}}]}
    (gateway,) = components["ingressGateways"]
    assert gateway["name"] == "istio-ingressgateway" and gateway["enabled"] is True
    assert gateway["k8s"]["service"] == {"type": "LoadBalancer", "ports": [
        {"name": "http", "port": 80, "targetPort": 8080, "protocol": "TCP"},
        {"name": "https", "port": 443, "targetPort": 8443, "protocol": "TCP"}]}
    mesh = manifest["spec"]["meshConfig"]
    assert mesh["defaultConfig"]["proxyStatsMatcher"]["inclusionRegexps"] == list(
        PRODUCTION_STATS_INCLUSIONS)
    assert mesh["accessLogFile"] == "/dev/stdout"
    assert mesh["defaultProviders"] == {"metrics": ["prometheus"]}
    assert load_yaml(to_yaml(operator)).unwrap() == (operator,)


def test_operator_parts_are_checked() -> None:
    assert messages_of(lambda: Autoscaling.of(2, 5, cpu_utilization=160)) == [
        "metrics[0].resource.target.averageUtilization: averageUtilization must be <= 100, "
        "got 160 (use 100 or less)"]
    assert messages_of(lambda: GatewayComponent.of("gw", service_ports={"http": (0, 8080)})) \
        == ["k8s.service.ports[0].port: port 0 is out of range (use a number from 1 to "
            "65535)"]
    assert messages_of(lambda: IstioOperator.of("mesh", revision="1.23")) == [
        "spec.revision: revision '1.23' is not a DNS-1123 label (use lowercase letters, "
        "digits and '-', starting and ending with a letter or digit (e.g. 'my-name'))"]


# --- across objects ----------------------------------------------------------------------------

def test_a_route_to_an_undefined_subset_is_a_problem() -> None:
    route = reviews_route()
    assert [str(f) for f in check_objects([route, reviews_rule()])] == []
    two_subsets = DestinationRule.of("reviews", namespace="shop",
                                     host="reviews.shop.svc.cluster.local",
                                     subsets={"v1": {"version": "v1"}})
    found = [str(f) for f in check_objects([route, two_subsets])]
    assert found == [
        "error: VirtualService/reviews: spec.http[0].route[0].destination.subset: subset 'v2' "
        "of 'reviews' is defined by no DestinationRule (they define v1); Istio answers such "
        "requests with 503 (add subset 'v2' to the DestinationRule of reviews, or route to a "
        "defined subset)",
        "error: VirtualService/reviews: spec.http[1].route[1].destination.subset: subset 'v2' "
        "of 'reviews' is defined by no DestinationRule (they define v1); Istio answers such "
        "requests with 503 (add subset 'v2' to the DestinationRule of reviews, or route to a "
        "defined subset)",
        "error: VirtualService/reviews: spec.http[1].mirror.subset: subset 'v3' of 'reviews' "
        "is defined by no DestinationRule (they define v1); Istio answers such requests with "
        "503 (add subset 'v3' to the DestinationRule of reviews, or route to a defined "
        "subset)"]
    other_namespace = DestinationRule.of("reviews", namespace="other", host="reviews",
                                         subsets={"v1": {}, "v2": {}, "v3": {}})
    lonely = [f.severity for f in check_objects([route, other_namespace])]
    assert lonely == ["warning"] * 4


def test_services_and_istio_objects_check_together() -> None:
    web = Service.of("reviews", namespace="shop", selector={"app": "reviews"},
                     ports={"http": 9080})
    findings = check_objects([web, reviews_route(), reviews_rule()])
    assert all(f.problem.object == "Service/reviews" for f in findings)


# --- the generated field table -----------------------------------------------------------------

def test_generated_istio_table_is_up_to_date() -> None:
    module = load_script("gen_istio_fields")
    if not module.CRD_FILE.is_file():
        pytest.skip(f"the Istio CRDs are not at {module.CRD_FILE} (../shared is absent)")
    assert_table_is_up_to_date(module, TABLE)


def test_istio_table_is_self_describing_and_names_only_known_definitions() -> None:
    raw = json.loads(TABLE.read_text(encoding="utf-8"))
    kubernetes = json.loads((TABLE.parent / "k8s-fields-1.32.json").read_text())
    assert raw["source"].startswith("derived by scripts/gen_istio_fields.py")
    known = {*raw["defs"], *kubernetes["defs"]}
    for fields in raw["defs"].values():
        for shape in fields.values():
            target = shape if isinstance(shape, str) else shape[0] if isinstance(
                shape, list) else shape["*"] if isinstance(shape, dict) else None
            assert shape == 0 or target in known, target
    assert set(raw["kinds"]) >= {"networking.istio.io/v1alpha3 Sidecar",
                                 "security.istio.io/v1beta1 AuthorizationPolicy",
                                 "install.istio.io/v1alpha1 IstioOperator"}


def test_a_version_the_crd_does_not_serve_is_a_problem() -> None:
    result = load_yaml("apiVersion: networking.istio.io/v2\nkind: VirtualService\n"
                       "metadata: {name: r}\nspec: {hosts: [r]}")
    (problem,) = result.failure().problems
    assert problem.path == "apiVersion"
    assert problem.hint.startswith("use apiVersion: networking.istio.io/v1 (also served:")
    (operator,) = load_yaml("apiVersion: install.istio.io/v1\nkind: IstioOperator\n"
                            "metadata: {name: r}\nspec: {}").failure().problems
    assert operator.hint == "use apiVersion: install.istio.io/v1alpha1"
    envoy = load_yaml("apiVersion: networking.istio.io/v1alpha3\nkind: EnvoyFilter\n"
                      "metadata: {name: r}\nspec: {}").unwrap()
    assert type(envoy[0]).__name__ == "OpaqueObject"  # kinds kancat does not model pass
