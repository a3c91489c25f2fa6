"""The other kinds kancat models: Namespace, ConfigMap, Secret, PodDisruptionBudget,
NetworkPolicy; and :class:`OpaqueObject` for every kind it does not.

>>> Namespace.of("shop", labels={"istio-injection": "enabled"}).metadata.labels
FrozenMap({'istio-injection': 'enabled'})
>>> PodDisruptionBudget.of("web", selector={"app": "web"}, min_available=2).min_available
2
>>> Secret.of("db", {"password": "hunter2"})      # values are never shown
Secret(metadata=ObjectMeta(name='db', ...), type=None, data=<1 key: password>, string_data=<no keys>, immutable=None, extra=FrozenMap({}))
"""

import base64
import binascii
import functools
import re
from collections.abc import Iterable, Mapping
from functools import partial
from typing import Any, ClassVar, Literal, TypeAlias

import attrs

from kancat.core import rules, schema
from kancat.core.collect import Collect, to_frozen, to_str_map, to_str_tuple, to_tuple
from kancat.core.fields import carried, path_of, wire
from kancat.core.frozen import EMPTY, FrozenMap
from kancat.core.value import Value, finish, part, rule
from kancat.errors import Problem
from kancat.values.container import Protocol
from kancat.values.meta import KubeObjectBase, LabelSelector, ObjectMeta, object_meta

__all__ = [
    "SECRET_TYPE_KEYS",
    "ConfigMap",
    "IPBlock",
    "Namespace",
    "NetworkPolicy",
    "NetworkPolicyEgressRule",
    "NetworkPolicyIngressRule",
    "NetworkPolicyPeer",
    "NetworkPolicyPort",
    "OpaqueObject",
    "PodDisruptionBudget",
    "PolicyType",
    "Secret",
]


def _name_rule(cls: type, value: Any, rule_: Any, what: str) -> list[Problem]:
    at = path_of(attrs.fields(cls).metadata, attrs.fields(ObjectMeta).name)
    return list(rule_(at, value.metadata.name, what=what))


@attrs.frozen
class Namespace(KubeObjectBase):
    """A ``v1`` Namespace; its labels drive Pod Security admission and mesh injection."""

    k8s_definition: ClassVar[str] = "io.k8s.api.core.v1.Namespace"

    metadata: ObjectMeta = attrs.field(metadata=wire("metadata"))
    spec: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, kw_only=True,
                                       metadata=carried("spec"))
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, kw_only=True,
                                        metadata=carried())

    @rule
    def _cluster_scoped(self) -> list[Problem]:
        found = _name_rule(Namespace, self, rules.dns_label, "namespace name")
        if self.metadata.namespace is not None:
            found.append(Problem(path_of(attrs.fields(Namespace).metadata,
                                         attrs.fields(ObjectMeta).namespace),
                                 "a Namespace is not namespaced", "remove metadata.namespace"))
        return found

    @classmethod
    def of(cls, name: str, *, labels: Mapping[str, str] | None = None,
           annotations: Mapping[str, str] | None = None) -> "Namespace":
        collect = Collect()
        return finish(collect, cls, metadata=object_meta(collect, cls, name, None, labels,
                                                         annotations))


def _config_data(path: str, table: object, *, sensitive: bool = False) -> list[Problem]:
    """Keys are file names in the mounted volume; values strings."""
    return rules.entries(path, table, key=rules.config_key,
                         item=partial(rules.string, sensitive=sensitive), what="data",
                         sensitive=sensitive)


def _size_problem(path: str, size: int, kind: str) -> list[Problem]:
    if size > 1024 * 1024:
        return [Problem(path, f"the {kind} holds {size} bytes",
                        f"keep a {kind} under 1 MiB; mount large files otherwise")]
    return []


@attrs.frozen
class ConfigMap(KubeObjectBase):
    """A ``v1`` ConfigMap: text ``data`` and base64 ``binary_data`` under distinct keys."""

    k8s_definition: ClassVar[str] = "io.k8s.api.core.v1.ConfigMap"

    metadata: ObjectMeta = attrs.field(metadata=wire("metadata"))
    data: FrozenMap[str] = attrs.field(default=EMPTY, converter=to_str_map, kw_only=True,
                                       metadata=wire("data", check=_config_data))
    binary_data: FrozenMap[str] = attrs.field(default=EMPTY, converter=to_str_map,
                                              kw_only=True,
                                              metadata=wire("binaryData", check=_config_data))
    immutable: bool | None = attrs.field(default=None, kw_only=True, metadata=wire("immutable"))
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, kw_only=True,
                                        metadata=carried())

    @rule
    def _keys(self) -> list[Problem]:
        at = attrs.fields(ConfigMap)
        found: list[Problem] = []
        for key in sorted(set(self.data) & set(self.binary_data)):
            found.append(Problem(path_of(at.binary_data) + f"[{key!r}]",
                                 f"key {key!r} is also in data",
                                 "use each key in only one of data and binaryData"))
        size = sum(len(k) + len(v) for t in (self.data, self.binary_data) for k, v in t.items()
                   if isinstance(v, str))
        return found + _size_problem(path_of(at.data), size, "ConfigMap")

    @classmethod
    def of(cls, name: str, data: Mapping[str, str], *, namespace: str | None = None,
           labels: Mapping[str, str] | None = None,
           annotations: Mapping[str, str] | None = None,
           binary_data: Mapping[str, str] | None = None,
           immutable: bool | None = None) -> "ConfigMap":
        collect = Collect()
        return finish(collect, cls,
                      metadata=object_meta(collect, cls, name, namespace, labels, annotations),
                      data=data, binary_data=binary_data, immutable=immutable)


def _hidden(table: Mapping[str, Any]) -> str:
    """How a Secret's data shows in ``repr``: its keys, never its values."""
    if not table:
        return "<no keys>"
    keys = ", ".join(sorted(map(str, table)))
    return f"<{len(table)} key{'s' if len(table) != 1 else ''}: {keys}>"


SECRET_TYPE_KEYS: dict[str, tuple[str, ...]] = {
    "kubernetes.io/tls": ("tls.crt", "tls.key"),
    "kubernetes.io/dockerconfigjson": (".dockerconfigjson",),
    "kubernetes.io/dockercfg": (".dockercfg",),
    "kubernetes.io/ssh-auth": ("ssh-privatekey",),
}
"""The keys the API server requires of a Secret of each built-in type (a basic-auth
Secret needs ``username`` or ``password``; a service-account token the annotation
``kubernetes.io/service-account.name``)."""


@attrs.frozen
class Secret(KubeObjectBase):
    """A ``v1`` Secret. ``data`` holds base64 text, as the API does (:meth:`of` encodes
    plain values for you); ``string_data`` plain text the API server encodes.

    Secret values are never shown: not by ``repr``, not in any problem, not in a
    mesh conflict.
    """

    k8s_definition: ClassVar[str] = "io.k8s.api.core.v1.Secret"

    metadata: ObjectMeta = attrs.field(metadata=wire("metadata"))
    type: str | None = attrs.field(default=None, kw_only=True, metadata=wire("type"))
    data: FrozenMap[str] = attrs.field(default=EMPTY, converter=to_str_map, kw_only=True,
                                       repr=_hidden, metadata=wire(
                                           "data", sensitive=True,
                                           check=partial(_config_data, sensitive=True)))
    string_data: FrozenMap[str] = attrs.field(default=EMPTY, converter=to_str_map,
                                              kw_only=True, repr=_hidden, metadata=wire(
                                                  "stringData", sensitive=True,
                                                  check=partial(_config_data, sensitive=True)))
    immutable: bool | None = attrs.field(default=None, kw_only=True, metadata=wire("immutable"))
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, kw_only=True,
                                        metadata=carried())

    @rule
    def _data(self) -> list[Problem]:
        at = attrs.fields(Secret)
        found: list[Problem] = []
        size = 0
        for key, value in self.data.items():
            try:
                size += len(key) + len(base64.b64decode(value, validate=True))
            except (binascii.Error, ValueError):
                found.append(Problem(path_of(at.data) + f"[{key!r}]",
                                     "the value is not base64 text",
                                     "encode it with base64, give it in string_data, or use "
                                     "Secret.of, which encodes"))
        size += sum(len(k) + len(v.encode()) for k, v in self.string_data.items())
        found += _size_problem(path_of(at.data), size, "Secret")
        given = set(self.data) | set(self.string_data)
        for key in SECRET_TYPE_KEYS.get(self.type or "", ()):
            if key not in given:
                found.append(Problem(path_of(at.data), f"a {self.type} Secret needs the key "
                                                       f"{key!r}", f"add {key} to data"))
        if self.type == "kubernetes.io/basic-auth" and not given & {"username", "password"}:
            found.append(Problem(path_of(at.data), "a kubernetes.io/basic-auth Secret needs "
                                                   "username or password",
                                 "add username, password or both to data"))
        if self.type == "kubernetes.io/service-account-token" and \
                not self.metadata.annotations.get("kubernetes.io/service-account.name"):
            found.append(Problem("metadata.annotations", "a service-account token Secret names "
                                 "its service account",
                                 "add the annotation kubernetes.io/service-account.name"))
        for key in (".dockerconfigjson", ".dockercfg"):
            if self.type is not None and self.type.endswith(key[1:]):
                text = self._text(key)
                if text is not None and not _is_json_object(text):
                    found.append(Problem(path_of(at.data) + f"[{key!r}]",
                                         f"{key} is not a JSON object",
                                         "give the registry credentials as JSON"))
        return found

    def _text(self, key: str) -> str | None:
        """The plain text of ``key`` (from string_data, else decoded from data)."""
        if key in self.string_data:
            return self.string_data[key]
        try:
            return base64.b64decode(self.data[key], validate=True).decode()
        except (KeyError, binascii.Error, ValueError):
            return None

    @classmethod
    def of(cls, name: str, data: Mapping[str, str | bytes] | None = None, *,
           string_data: Mapping[str, str] | None = None, type: str | None = None,
           namespace: str | None = None, labels: Mapping[str, str] | None = None,
           annotations: Mapping[str, str] | None = None,
           immutable: bool | None = None) -> "Secret":
        """A Secret from plain values: ``data`` is base64-encoded here (text as UTF-8)."""
        collect = Collect()
        encoded: Any = data
        if isinstance(data, Mapping):
            encoded = {key: base64.b64encode(value.encode() if isinstance(value, str)
                                             else value).decode("ascii")
                       if isinstance(value, (str, bytes)) else value
                       for key, value in data.items()}
        return finish(collect, cls,
                      metadata=object_meta(collect, cls, name, namespace, labels, annotations),
                      type=type, data=encoded, string_data=string_data, immutable=immutable)


def _is_json_object(text: str) -> bool:
    import json

    try:
        return isinstance(json.loads(text), dict)
    except ValueError:
        return False


_PERCENT = re.compile(r"[0-9]+%\Z")


def _int_or_percent(path: str, value: object) -> list[Problem]:
    if isinstance(value, str):
        if _PERCENT.match(value) and int(value[:-1]) <= 100:
            return []
        return [Problem(path, f"{value!r} is neither a number nor a percentage",
                        "write a whole number such as 2 or a percentage such as '50%'")]
    return rules.integer(path, value, minimum=0, what=path.rsplit(".", 1)[-1])


@attrs.frozen
class PodDisruptionBudget(KubeObjectBase):
    """A ``policy/v1`` PodDisruptionBudget (``policy/v1beta1`` when emitting for < 1.21)."""

    k8s_definition: ClassVar[str] = "io.k8s.api.policy.v1.PodDisruptionBudget"

    metadata: ObjectMeta = attrs.field(metadata=wire("metadata"))
    min_available: int | str | None = attrs.field(default=None, kw_only=True, metadata=wire(
        "spec.minAvailable", check=_int_or_percent))
    max_unavailable: int | str | None = attrs.field(default=None, kw_only=True, metadata=wire(
        "spec.maxUnavailable", check=_int_or_percent))
    selector: LabelSelector = attrs.field(kw_only=True, metadata=wire("spec.selector"))
    spec_extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, kw_only=True,
                                             metadata=carried("spec"))
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, kw_only=True,
                                        metadata=carried())

    @rule
    def _one_bound(self) -> list[Problem]:
        if (self.min_available is None) != (self.max_unavailable is None):
            return []
        return [Problem(path_of(attrs.fields(PodDisruptionBudget).min_available),
                        "give exactly one of minAvailable and maxUnavailable",
                        "e.g. minAvailable: 1 or maxUnavailable: '25%'")]

    @classmethod
    def of(cls, name: str, *, selector: Mapping[str, str], min_available: int | str | None = None,
           max_unavailable: int | str | None = None, namespace: str | None = None,
           labels: Mapping[str, str] | None = None,
           annotations: Mapping[str, str] | None = None) -> "PodDisruptionBudget":
        collect = Collect()
        selected = part(collect, path_of(attrs.fields(cls).selector), LabelSelector,
                        match_labels=selector)
        return finish(collect, cls,
                      metadata=object_meta(collect, cls, name, namespace, labels, annotations),
                      selector=selected, min_available=min_available,
                      max_unavailable=max_unavailable)


def _cidr(path: str, value: object) -> list[Problem]:
    import ipaddress  # only when a policy has ipBlocks

    try:
        if not isinstance(value, str):
            raise TypeError(value)
        ipaddress.ip_network(value, strict=False)
    except (ValueError, TypeError):
        return [Problem(path, f"{value!r} is not a CIDR",
                        "write an address with a prefix, e.g. 10.0.0.0/8")]
    return []


@attrs.frozen
class IPBlock(Value):
    """A CIDR a NetworkPolicy peer allows, less the CIDRs in ``except_`` (``except``
    on the wire).

    >>> IPBlock("10.0.0.0/8", except_=["10.1.0.0/16"]).except_
    ('10.1.0.0/16',)
    """

    k8s_definition: ClassVar[str] = "io.k8s.api.networking.v1.IPBlock"

    cidr: str = attrs.field(metadata=wire("cidr", check=_cidr))
    except_: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple,
                                           metadata=wire("except"))

    @rule
    def _excepts(self) -> list[Problem]:
        found: list[Problem] = []
        for index, text in enumerate(self.except_):
            found += _cidr(path_of(attrs.fields(IPBlock).except_, index), text)
        return found


@attrs.frozen(kw_only=True)
class NetworkPolicyPeer(Value):
    """Exactly an ``ipBlock``, or pod and/or namespace selectors."""

    k8s_definition: ClassVar[str] = "io.k8s.api.networking.v1.NetworkPolicyPeer"

    ip_block: IPBlock | None = attrs.field(default=None, metadata=wire("ipBlock"))
    namespace_selector: LabelSelector | None = attrs.field(default=None,
                                                           metadata=wire("namespaceSelector"))
    pod_selector: LabelSelector | None = attrs.field(default=None, metadata=wire("podSelector"))

    @rule
    def _one_kind(self) -> list[Problem]:
        selectors = self.pod_selector is not None or self.namespace_selector is not None
        if selectors != (self.ip_block is not None):
            return []
        return [Problem("", "a peer is an ipBlock or selectors, not both nor neither",
                        "keep ipBlock or the selectors")]


@attrs.frozen
class NetworkPolicyPort(Value):
    """A port (number or name) a NetworkPolicy rule allows, or the range ``port`` to
    ``end_port``; ``protocol`` defaults to TCP on the server.

    >>> NetworkPolicyPort(port=32000, end_port=32768).end_port
    32768
    """

    k8s_definition: ClassVar[str] = "io.k8s.api.networking.v1.NetworkPolicyPort"

    protocol: Protocol | None = attrs.field(default=None, metadata=wire("protocol"))
    port: int | str | None = attrs.field(default=None, metadata=wire(
        "port", check=rules.int_or_port_name))
    end_port: int | None = attrs.field(default=None, metadata=wire(
        "endPort", check=partial(rules.port_number, what="endPort")))

    @rule
    def _range(self) -> list[Problem]:
        if self.end_port is None or (isinstance(self.port, int) and self.end_port >= self.port):
            return []
        return [Problem(path_of(attrs.fields(NetworkPolicyPort).end_port),
                        "endPort needs a numeric port not above it",
                        "set port to the first number of the range")]


@attrs.frozen
class NetworkPolicyIngressRule(Value):
    """An ingress rule: traffic ``from`` the peers on the ports; empty means all."""

    k8s_definition: ClassVar[str] = "io.k8s.api.networking.v1.NetworkPolicyIngressRule"

    peers: tuple[NetworkPolicyPeer, ...] = attrs.field(default=(), converter=to_tuple,
                                                       metadata=wire("from"))
    ports: tuple[NetworkPolicyPort, ...] = attrs.field(default=(), converter=to_tuple,
                                                       metadata=wire("ports"))


@attrs.frozen
class NetworkPolicyEgressRule(Value):
    """An egress rule: traffic ``to`` the peers on the ports; empty means all."""

    k8s_definition: ClassVar[str] = "io.k8s.api.networking.v1.NetworkPolicyEgressRule"

    peers: tuple[NetworkPolicyPeer, ...] = attrs.field(default=(), converter=to_tuple,
                                                       metadata=wire("to"))
    ports: tuple[NetworkPolicyPort, ...] = attrs.field(default=(), converter=to_tuple,
                                                       metadata=wire("ports"))


PolicyType: TypeAlias = Literal["Ingress", "Egress"]


@attrs.frozen
class NetworkPolicy(KubeObjectBase):
    """A ``networking.k8s.io/v1`` NetworkPolicy."""

    k8s_definition: ClassVar[str] = "io.k8s.api.networking.v1.NetworkPolicy"

    metadata: ObjectMeta = attrs.field(metadata=wire("metadata"))
    pod_selector: LabelSelector = attrs.field(factory=LabelSelector, kw_only=True,
                                              metadata=wire("spec.podSelector", omit="never"))
    policy_types: tuple[PolicyType, ...] = attrs.field(
        default=(), converter=to_str_tuple, kw_only=True,
        metadata=wire("spec.policyTypes", what="policy type"))
    ingress: tuple[NetworkPolicyIngressRule, ...] = attrs.field(
        default=(), converter=to_tuple, kw_only=True, metadata=wire("spec.ingress"))
    egress: tuple[NetworkPolicyEgressRule, ...] = attrs.field(
        default=(), converter=to_tuple, kw_only=True, metadata=wire("spec.egress"))
    spec_extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, kw_only=True,
                                             metadata=carried("spec"))
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, kw_only=True,
                                        metadata=carried())

    @rule
    def _types(self) -> list[Problem]:
        if self.egress and self.policy_types and "Egress" not in self.policy_types:
            return [Problem(path_of(attrs.fields(NetworkPolicy).policy_types),
                            "egress rules are given but policyTypes leaves out Egress",
                            "add Egress to policyTypes")]
        return []

    @classmethod
    def of(cls, name: str, *, pod_selector: Mapping[str, str] | None = None,
           policy_types: Iterable[PolicyType] = (),
           ingress: Iterable[NetworkPolicyIngressRule] = (),
           egress: Iterable[NetworkPolicyEgressRule] = (),
           namespace: str | None = None, labels: Mapping[str, str] | None = None,
           annotations: Mapping[str, str] | None = None) -> "NetworkPolicy":
        """A policy for the pods matching ``pod_selector`` (all pods when empty)."""
        collect = Collect()
        selector = part(collect, path_of(attrs.fields(cls).pod_selector), LabelSelector,
                        match_labels=pod_selector)
        return finish(collect, cls,
                      metadata=object_meta(collect, cls, name, namespace, labels, annotations),
                      pod_selector=selector, policy_types=policy_types, ingress=ingress,
                      egress=egress)

    @classmethod
    def deny_all(cls, name: str = "default-deny", *,
                 namespace: str | None = None) -> "NetworkPolicy":
        """Deny all ingress and egress to every pod of the namespace."""
        return cls.of(name, namespace=namespace, policy_types=("Ingress", "Egress"))


@functools.lru_cache(maxsize=1024)
def _unknown_in(document: FrozenMap[Any]) -> tuple[Problem, ...]:
    return tuple(schema.unknown_fields(document))


@attrs.frozen
class OpaqueObject(Value):
    """A Kubernetes object of a kind kancat does not model, carried untouched. Its fields
    are still checked against those Kubernetes knows for its kind, when it knows it."""

    document: FrozenMap[Any] = attrs.field(converter=to_frozen, metadata=carried())

    @rule
    def _identity(self) -> list[Problem]:
        found: list[Problem] = []
        for field in ("apiVersion", "kind"):
            value = self.document.get(field)
            if not isinstance(value, str) or not value:
                found.append(Problem(field, f"{field} must be a non-empty string, got "
                                            f"{value!r:.40}", f"every object needs {field}"))
        metadata = self.document.get("metadata")
        name = metadata.get("name") if isinstance(metadata, Mapping) else None
        if not isinstance(name, str) and not (isinstance(metadata, Mapping)
                                              and "generateName" in metadata):
            found.append(Problem("metadata.name", "metadata.name is missing",
                                 "give the object a name"))
        return found + list(_unknown_in(self.document))

    @property
    def kind(self) -> str:
        return str(self.document["kind"])

    @property
    def api_version(self) -> str:
        return str(self.document["apiVersion"])

    @property
    def name(self) -> str:
        metadata = self.document.get("metadata") or EMPTY
        return str(metadata.get("name") or metadata.get("generateName") or "")

    @property
    def namespace(self) -> str | None:
        metadata = self.document.get("metadata") or EMPTY
        namespace = metadata.get("namespace")
        return namespace if isinstance(namespace, str) else None
