"""The other top-level objects (:mod:`kancat.values.objects`, :mod:`kancat.values.service`):
Services, ConfigMaps, Secrets, Namespaces, PodDisruptionBudgets, NetworkPolicies,
opaque objects, and :func:`kube_objects`, every kind of the kinds table."""

import base64
import functools
import json
from collections.abc import Callable
from typing import Any

import hypothesis.strategies as st
from hypothesis.strategies import DrawFn, SearchStrategy

from kancat.testing.strategies._draw import (
    ALNUM,
    BOOLS,
    OPTIONAL_BOOLS,
    choices,
    draws,
    extras,
    maybe,
    maybe_pick,
    pick,
    strategy_for,
)
from kancat.testing.strategies.containers import _PORT_NUMBERS, _PROTOCOLS
from kancat.testing.strategies.names import (
    _OBJECT_LABELS,
    _OBJECT_NAMES,
    _PORT_NAMES,
    _SERVICE_NAMES,
    _SHORT_NAMES,
    _UNIQUE_NAMES,
    _draw_meta,
)
from kancat.testing.strategies.pods import _SELECTORS
from kancat.values import (
    ConfigMap,
    IPBlock,
    KubeObject,
    Namespace,
    NetworkPolicy,
    NetworkPolicyEgressRule,
    NetworkPolicyIngressRule,
    NetworkPolicyPeer,
    NetworkPolicyPort,
    OpaqueObject,
    PodDisruptionBudget,
    Secret,
    Service,
    ServicePort,
)
from kancat.values.kinds import DEFAULT_VERSION, KINDS, kind_called
from kancat.values.objects import SECRET_TYPE_KEYS, PolicyType
from kancat.values.service import ServiceType

__all__ = [
    "configmaps",
    "kube_objects",
    "namespaces",
    "network_policies",
    "opaque_objects",
    "pod_disruption_budgets",
    "secrets",
    "services",
]

# --- services ------------------------------------------------------------------------------

_SERVICE_TYPES = (None, *choices(ServiceType))
_SERVICE_PORT_NUMBERS = {count: st.lists(_PORT_NUMBERS, min_size=count, max_size=count,
                                         unique=True) for count in range(4)}
_NODE_PORTS = {count: st.lists(st.integers(30000, 32767), min_size=count, max_size=count,
                               unique=True) for count in range(4)}
_TARGET_PORTS = st.none() | _PORT_NUMBERS | _PORT_NAMES
_APP_PROTOCOLS = ("http", "kubernetes.io/h2c", "grpc")
_SERVICE_EXTRA = {
    "sessionAffinity": st.sampled_from(("None", "ClientIP")),
    "publishNotReadyAddresses": BOOLS,
}
_CLUSTER_SERVICE_EXTRA = {
    **_SERVICE_EXTRA,
    "internalTrafficPolicy": st.sampled_from(("Cluster", "Local")),
    "ipFamilyPolicy": st.just("SingleStack"),
}
_NODE_SERVICE_EXTRA = {
    **_CLUSTER_SERVICE_EXTRA,
    "externalTrafficPolicy": st.sampled_from(("Cluster", "Local")),
}
_EXTERNAL_NAMES = ("db.internal", "api.corp.internal")
_SERVICE_STATUS: dict[str, SearchStrategy[Any]] = {"status": st.just({"loadBalancer": {}})}


@st.composite
def _service(draw: DrawFn) -> Service:
    name = draw(_SERVICE_NAMES)
    kind = pick(draw, _SERVICE_TYPES)
    cluster_ip = None
    if kind in (None, "ClusterIP"):
        cluster_ip = pick(draw, (None, None, "None", "10.96.0.10"))
    low = 0 if cluster_ip == "None" or kind == "ExternalName" else 1
    count = draw(st.integers(low, 3))
    node_ports = kind in ("NodePort", "LoadBalancer")
    ports = [ServicePort(number, draw(_TARGET_PORTS),
                         name=port_name if count > 1 or draw(BOOLS) else None,
                         protocol=draw(_PROTOCOLS),
                         node_port=node_port if node_ports and draw(BOOLS) else None,
                         app_protocol=maybe_pick(draw, _APP_PROTOCOLS))
             for number, port_name, node_port in zip(
                 draw(_SERVICE_PORT_NUMBERS[count]), draw(_UNIQUE_NAMES[count]),
                 draw(_NODE_PORTS[count]), strict=True)]
    external_name = pick(draw, _EXTERNAL_NAMES) if kind == "ExternalName" else None
    if kind == "ExternalName":
        spec_extra = extras(draw, _SERVICE_EXTRA)
    else:
        spec_extra = extras(draw, _NODE_SERVICE_EXTRA if node_ports else _CLUSTER_SERVICE_EXTRA)
    return Service(_draw_meta(draw, name), type=kind, cluster_ip=cluster_ip,
                   selector=draw(_OBJECT_LABELS), ports=ports, external_name=external_name,
                   spec_extra=spec_extra, extra=extras(draw, _SERVICE_STATUS))


_SERVICES = _service()


@draws(Service)
def services() -> SearchStrategy[Service]:
    """Services of every type (ClusterIP, headless, NodePort, LoadBalancer, ExternalName)
    with up to three ports (named when several), node ports only where allowed, and
    carried fields (``sessionAffinity``, ``externalName``, traffic policies, ...).

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10)
    ... @given(services())
    ... def test(svc):
    ...     assert len(svc.ports) < 2 or all(p.name for p in svc.ports)
    >>> test()
    """
    return _SERVICES


# --- configuration -------------------------------------------------------------------------

_CONFIG_KEYS = st.builds(lambda first, rest: first + rest, st.sampled_from(ALNUM + "_-"),
                         st.text(ALNUM + "-_.", max_size=10))
_CONFIG_DATA = st.dictionaries(_CONFIG_KEYS, st.text(max_size=30), max_size=3)
_BASE64 = st.binary(max_size=12).map(lambda data: base64.b64encode(data).decode())
_BINARY_DATA = st.dictionaries(_CONFIG_KEYS, _BASE64, max_size=2)


@st.composite
def _configmap(draw: DrawFn) -> ConfigMap:
    data = draw(_CONFIG_DATA)
    binary = {k: v for k, v in draw(_BINARY_DATA).items() if k not in data}
    return ConfigMap(_draw_meta(draw, draw(_OBJECT_NAMES)), data=data, binary_data=binary,
                     immutable=draw(OPTIONAL_BOOLS))


_CONFIGMAPS = _configmap()


@draws(ConfigMap)
def configmaps() -> SearchStrategy[ConfigMap]:
    """ConfigMaps with text ``data`` (any text, multi-line included), base64
    ``binaryData`` under other keys, and sometimes ``immutable``.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10)
    ... @given(configmaps())
    ... def test(config):
    ...     assert not set(config.data) & set(config.binary_data)
    >>> test()
    """
    return _CONFIGMAPS


def _pem(label: str) -> Callable[[bytes], str]:
    return lambda body: (f"-----BEGIN {label}-----\n{base64.b64encode(body).decode()}\n"
                         f"-----END {label}-----\n")


def _docker_auths(registry: str, auth: bytes) -> dict[str, Any]:
    return {registry: {"auth": base64.b64encode(auth).decode()}}


_KEY_BYTES = st.binary(min_size=1, max_size=24)
_REGISTRIES = st.sampled_from(("registry.internal:5000", "https://index.docker.io/v1/"))
_DOCKER_AUTHS = st.builds(_docker_auths, _REGISTRIES, _KEY_BYTES)
# Plain content (text or bytes) of the keys the Secret types require, as those types hold it.
_SECRET_CONTENT: dict[str, SearchStrategy[str]] = {
    "tls.crt": _KEY_BYTES.map(_pem("CERTIFICATE")),
    "tls.key": _KEY_BYTES.map(_pem("PRIVATE KEY")),
    "ssh-privatekey": _KEY_BYTES.map(_pem("OPENSSH PRIVATE KEY")),
    ".dockerconfigjson": _DOCKER_AUTHS.map(lambda auths: json.dumps({"auths": auths})),
    ".dockercfg": _DOCKER_AUTHS.map(json.dumps),
    "username": st.text(max_size=12),
    "password": st.text(max_size=12),
}
_BASIC_AUTH = "kubernetes.io/basic-auth"
_SECRET_TYPES = (None, "Opaque", _BASIC_AUTH, *sorted(SECRET_TYPE_KEYS), "kancat.internal/token")
_BASIC_AUTH_KEYS = st.sampled_from((("username", "password"), ("username",), ("password",)))
_SECRET_VALUES: SearchStrategy[str | bytes] = st.binary(max_size=12) | st.text(max_size=12)
_MORE_SECRET_KEYS = st.lists(_CONFIG_KEYS, max_size=2, unique=True)


@st.composite
def _secret(draw: DrawFn) -> Secret:
    kind = pick(draw, _SECRET_TYPES)
    keys = draw(_BASIC_AUTH_KEYS) if kind == _BASIC_AUTH else SECRET_TYPE_KEYS.get(kind or "", ())
    plain: dict[str, str | bytes] = {key: draw(_SECRET_CONTENT[key]) for key in keys}
    for key in draw(_MORE_SECRET_KEYS):  # e.g. a ca.crt beside tls.crt and tls.key
        plain.setdefault(key, draw(_SECRET_VALUES))
    data: dict[str, str] = {}
    string_data: dict[str, str] = {}
    for key, value in plain.items():
        if isinstance(value, str) and draw(BOOLS):
            string_data[key] = value  # the API server encodes it
        else:
            data[key] = base64.b64encode(
                value.encode() if isinstance(value, str) else value).decode("ascii")
    return Secret(_draw_meta(draw, draw(_OBJECT_NAMES)), type=kind, data=data,
                  string_data=string_data, immutable=draw(OPTIONAL_BOOLS))


_SECRETS = _secret()


@draws(Secret)
def secrets() -> SearchStrategy[Secret]:
    """Secrets of the built-in types (``Opaque``, ``kubernetes.io/basic-auth``,
    ``kubernetes.io/tls``, ``kubernetes.io/dockerconfigjson``, ...), of a custom type
    or of none, holding the keys their type requires (``tls.crt`` and ``tls.key``...)
    with content of that shape (PEM blocks, Docker config JSON) and a few more: in
    ``data`` as base64 text, or as plain text in ``stringData``; sometimes
    ``immutable``.

    >>> import base64
    >>> from hypothesis import find
    >>> tls = find(secrets(), lambda s: s.type == "kubernetes.io/tls" and "tls.key" in s.data)
    >>> base64.b64decode(tls.data["tls.key"]).decode()
    '-----BEGIN PRIVATE KEY-----\\nAA==\\n-----END PRIVATE KEY-----\\n'
    """
    return _SECRETS


_NAMESPACE_STATUS = {"status": st.just({"phase": "Active"})}


@st.composite
def _namespace(draw: DrawFn) -> Namespace:
    meta = _draw_meta(draw, draw(_SHORT_NAMES), namespaced=False)
    return Namespace(meta, spec={"finalizers": ["kubernetes"]} if draw(BOOLS) else {},
                     extra=extras(draw, _NAMESPACE_STATUS))


_NAMESPACE_OBJECTS = _namespace()


@draws(Namespace)
def namespaces() -> SearchStrategy[Namespace]:
    """Namespaces with labels, annotations and sometimes ``spec.finalizers``.

    >>> from hypothesis import find
    >>> find(namespaces(), lambda n: n.spec).spec["finalizers"]
    ('kubernetes',)
    """
    return _NAMESPACE_OBJECTS


# --- policies ------------------------------------------------------------------------------

_INT_OR_PERCENT = st.integers(0, 10) | st.integers(0, 100).map(lambda n: f"{n}%")
_PDB_STATUS = {"status": st.just({"currentHealthy": 0, "desiredHealthy": 0,
                                  "disruptionsAllowed": 0, "expectedPods": 0})}
_PDB_EXTRA = {"unhealthyPodEvictionPolicy": st.sampled_from(("IfHealthyBudget",
                                                             "AlwaysAllow"))}


@st.composite
def _pdb(draw: DrawFn) -> PodDisruptionBudget:
    budget = draw(_INT_OR_PERCENT)
    low, high = (budget, None) if draw(BOOLS) else (None, budget)
    return PodDisruptionBudget(_draw_meta(draw, draw(_OBJECT_NAMES)), min_available=low,
                               max_unavailable=high, selector=draw(_SELECTORS),
                               spec_extra=extras(draw, _PDB_EXTRA),
                               extra=extras(draw, _PDB_STATUS))


_PDBS = _pdb()


@draws(PodDisruptionBudget)
def pod_disruption_budgets() -> SearchStrategy[PodDisruptionBudget]:
    """PodDisruptionBudgets: a selector and exactly one of ``minAvailable`` and
    ``maxUnavailable`` (a number or a percentage), sometimes with a carried
    ``unhealthyPodEvictionPolicy``.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10)
    ... @given(pod_disruption_budgets())
    ... def test(budget):
    ...     assert (budget.min_available is None) != (budget.max_unavailable is None)
    >>> test()
    """
    return _PDBS


_OCTETS = st.integers(0, 255)
_EXCEPT_OCTETS = st.lists(_OCTETS, max_size=2, unique=True)
_POLICY_TYPES = st.lists(st.sampled_from(choices(PolicyType)), max_size=2, unique=True)


def _draw_peer(draw: DrawFn) -> NetworkPolicyPeer:
    kind = draw(st.integers(0, 2))
    if kind == 0:
        second = draw(_OCTETS)
        return NetworkPolicyPeer(ip_block=IPBlock(
            f"10.{second}.0.0/16", [f"10.{second}.{third}.0/24"
                                    for third in draw(_EXCEPT_OCTETS)]))
    if kind == 1:
        return NetworkPolicyPeer(namespace_selector=maybe(draw, _SELECTORS),
                                 pod_selector=draw(_SELECTORS))
    return NetworkPolicyPeer(namespace_selector=draw(_SELECTORS))


def _draw_policy_port(draw: DrawFn) -> NetworkPolicyPort:
    protocol = maybe(draw, _PROTOCOLS)
    if draw(BOOLS):
        return NetworkPolicyPort(protocol, maybe(draw, _PORT_NAMES))
    first = draw(_PORT_NUMBERS)
    return NetworkPolicyPort(protocol, first,
                             maybe(draw, st.integers(first, min(first + 100, 65535))))


def _draw_rule(draw: DrawFn, rule: type[NetworkPolicyIngressRule | NetworkPolicyEgressRule]
               ) -> Any:
    return rule(peers=[_draw_peer(draw) for _ in range(draw(st.integers(0, 2)))],
                ports=[_draw_policy_port(draw) for _ in range(draw(st.integers(0, 2)))])


@st.composite
def _network_policy(draw: DrawFn) -> NetworkPolicy:
    ingress = [_draw_rule(draw, NetworkPolicyIngressRule)
               for _ in range(draw(st.integers(0, 2)))]
    egress = [_draw_rule(draw, NetworkPolicyEgressRule) for _ in range(draw(st.integers(0, 2)))]
    types = draw(_POLICY_TYPES)
    if types and egress and "Egress" not in types:
        types.append("Egress")
    if types and ingress and "Ingress" not in types:
        types.insert(0, "Ingress")
    return NetworkPolicy(_draw_meta(draw, draw(_OBJECT_NAMES)), pod_selector=draw(_SELECTORS),
                         policy_types=types, ingress=ingress, egress=egress)


_NETWORK_POLICIES = _network_policy()


@draws(NetworkPolicy)
def network_policies() -> SearchStrategy[NetworkPolicy]:
    """NetworkPolicies: a pod selector, policy types consistent with the rules, and
    ingress (``from``) and egress (``to``) rules with ipBlock or selector peers and
    port ranges.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10)
    ... @given(network_policies())
    ... def test(policy):
    ...     assert not (policy.egress and policy.policy_types) or "Egress" in policy.policy_types
    >>> test()
    """
    return _NETWORK_POLICIES


# --- objects kancat carries whole ------------------------------------------------------------

def _api_version(kind: str) -> str:
    """The group/version of a kind kancat carries whole, read from the kinds table."""
    row = kind_called(kind)
    if row is None or row.value is not None:
        raise LookupError(f"{kind} is not a kind kancat carries whole (see "
                          "kancat.values.kinds.KINDS); draw it with its own strategy")
    return row.api_version(DEFAULT_VERSION)


_OPAQUE_BODIES: dict[str, SearchStrategy[dict[str, Any]]] = {
    "ServiceAccount": st.fixed_dictionaries({}, optional={
        "automountServiceAccountToken": BOOLS,
        "imagePullSecrets": st.just([{"name": "registry-credentials"}])}),
    "Role": st.fixed_dictionaries({"rules": st.sampled_from((
        [], [{"apiGroups": [""], "resources": ["pods", "configmaps"],
              "verbs": ["get", "list", "watch"]}]))}),
    "PersistentVolumeClaim": st.fixed_dictionaries({"spec": st.just({
        "accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}})}),
}
_OPAQUE_KINDS = tuple((kind, _api_version(kind), body) for kind, body in _OPAQUE_BODIES.items())


@st.composite
def _opaque(draw: DrawFn) -> OpaqueObject:
    kind, api_version, body = pick(draw, _OPAQUE_KINDS)
    meta: dict[str, Any] = {"name": draw(_OBJECT_NAMES)}
    labels = draw(_OBJECT_LABELS)
    if labels:
        meta["labels"] = labels
    return OpaqueObject({"apiVersion": api_version, "kind": kind, "metadata": meta,
                         **draw(body)})


_OPAQUE_OBJECTS = _opaque()


@draws(OpaqueObject)
def opaque_objects() -> SearchStrategy[OpaqueObject]:
    """Objects of kinds kancat carries without modelling them (ServiceAccount, Role,
    PersistentVolumeClaim), their group/version read from the kinds table.

    >>> from hypothesis import find
    >>> find(opaque_objects(), lambda obj: obj.kind == "Role").api_version
    'rbac.authorization.k8s.io/v1'
    """
    return _OPAQUE_OBJECTS


@functools.cache
def _kube_objects() -> SearchStrategy[KubeObject]:
    drawn: list[SearchStrategy[Any]] = []
    for row in KINDS:
        if row.value is None or not row.served(DEFAULT_VERSION):
            continue  # a removed kind (PodSecurityPolicy) has its own strategy only
        strategy = strategy_for(row.value)
        if strategy is None:
            raise LookupError(f"kancat.testing.strategies draws no {row.name}: mark the "
                              f"strategy drawing it with @draws({row.value.__name__})")
        drawn.append(strategy)
    return st.one_of(*drawn, _OPAQUE_OBJECTS)


def kube_objects() -> SearchStrategy[KubeObject]:
    """Any top-level object kancat emits for its default Kubernetes version: every
    modelled kind of the kinds table (:data:`kancat.values.kinds.KINDS`) served by that
    version, drawn by its registered strategy, and objects of kinds it carries whole
    (:func:`opaque_objects`). (A kind Kubernetes removed, such as PodSecurityPolicy, is
    drawn by its own strategy.)

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=5)
    ... @given(kube_objects())
    ... def test(obj):
    ...     assert obj.name
    >>> test()
    """
    return _kube_objects()
