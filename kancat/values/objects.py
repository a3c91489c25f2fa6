"""The other kinds kancat models: Namespace, ConfigMap, PodDisruptionBudget,
NetworkPolicy; and :class:`OpaqueObject` for every kind it does not.

>>> Namespace.of("shop", labels={"istio-injection": "enabled"}).metadata.labels
FrozenMap({'istio-injection': 'enabled'})
>>> PodDisruptionBudget.of("web", selector={"app": "web"}, min_available=2).min_available
2
"""

import re
from collections.abc import Mapping
from typing import Any, ClassVar

import attrs

from kancat.errors import Problem
from kancat.values import _check as check
from kancat.values._base import (
    Collect,
    check_types,
    to_frozen,
    to_str_map,
    to_str_tuple,
    to_tuple,
)
from kancat.values._frozen import EMPTY, FrozenMap
from kancat.values.meta import LabelSelector, ObjectMeta

__all__ = [
    "ConfigMap",
    "IPBlock",
    "Namespace",
    "NetworkPolicy",
    "NetworkPolicyPeer",
    "NetworkPolicyPort",
    "NetworkPolicyRule",
    "OpaqueObject",
    "PodDisruptionBudget",
]


def _metadata(name: str, namespace: str | None, labels: Mapping[str, str] | None,
              annotations: Mapping[str, str] | None = None) -> ObjectMeta:
    """ObjectMeta for an ``of`` constructor: its problems reported under ``metadata``."""
    collect = Collect()
    meta = collect.take("metadata", lambda: ObjectMeta(name, namespace, to_str_map(labels),
                                                       to_str_map(annotations)))
    collect.raise_if_any()
    assert meta is not None
    return meta


@attrs.frozen
class Namespace:
    """A ``v1`` Namespace; its labels drive Pod Security admission and mesh injection."""

    kind: ClassVar[str] = "Namespace"
    api_version: ClassVar[str] = "v1"

    metadata: ObjectMeta
    spec: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen)
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen)

    def __attrs_post_init__(self) -> None:
        found = check.dns_label("metadata.name", self.metadata.name, what="namespace name")
        if self.metadata.namespace is not None:
            found.append(Problem("metadata.namespace", "a Namespace is not namespaced",
                                 "remove metadata.namespace"))
        check.raise_if(found)

    @property
    def name(self) -> str:
        return self.metadata.name

    @classmethod
    def of(cls, name: str, *, labels: Mapping[str, str] | None = None,
           annotations: Mapping[str, str] | None = None) -> "Namespace":
        return cls(_metadata(name, None, labels, annotations))


@attrs.frozen
class ConfigMap:
    """A ``v1`` ConfigMap: text ``data`` and base64 ``binary_data`` under distinct keys."""

    kind: ClassVar[str] = "ConfigMap"
    api_version: ClassVar[str] = "v1"

    metadata: ObjectMeta
    data: FrozenMap[str] = attrs.field(default=EMPTY, converter=to_str_map)
    binary_data: FrozenMap[str] = attrs.field(default=EMPTY, converter=to_str_map)
    immutable: bool | None = None
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen)

    def __attrs_post_init__(self) -> None:
        found: list[Problem] = []
        for field, table in (("data", self.data), ("binaryData", self.binary_data)):
            for key, value in table.items():
                found += check.config_key(f"{field}[{key!r}]", key)
                found += check.string(f"{field}[{key!r}]", value, what="value")
        for key in set(self.data) & set(self.binary_data):
            found.append(Problem(f"binaryData[{key!r}]", f"key {key!r} is also in data",
                                 "use each key in only one of data and binaryData"))
        found += check.boolean("immutable", self.immutable, what="immutable")
        size = sum(len(k) + len(v) for t in (self.data, self.binary_data) for k, v in t.items()
                   if isinstance(v, str))
        if size > 1024 * 1024:
            found.append(Problem("data", f"the ConfigMap holds {size} bytes",
                                 "keep a ConfigMap under 1 MiB; mount large files otherwise"))
        check.raise_if(found)

    @property
    def name(self) -> str:
        return self.metadata.name

    @classmethod
    def of(cls, name: str, data: Mapping[str, str], *, namespace: str | None = None,
           labels: Mapping[str, str] | None = None) -> "ConfigMap":
        return cls(_metadata(name, namespace, labels), to_str_map(data))


_PERCENT = re.compile(r"[0-9]+%\Z")


def _int_or_percent(path: str, value: object) -> list[Problem]:
    if isinstance(value, str):
        if _PERCENT.match(value) and int(value[:-1]) <= 100:
            return []
        return [Problem(path, f"{value!r} is neither a number nor a percentage",
                        "write a whole number such as 2 or a percentage such as '50%'")]
    return check.integer(path, value, minimum=0, what=path.rsplit(".", 1)[-1])


@attrs.frozen
class PodDisruptionBudget:
    """A ``policy/v1`` PodDisruptionBudget (``policy/v1beta1`` when emitting for < 1.21)."""

    kind: ClassVar[str] = "PodDisruptionBudget"
    api_version: ClassVar[str] = "policy/v1"

    metadata: ObjectMeta
    selector: LabelSelector
    min_available: int | str | None = None
    max_unavailable: int | str | None = None
    spec_extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen)
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen)

    def __attrs_post_init__(self) -> None:
        found: list[Problem] = []
        if (self.min_available is None) == (self.max_unavailable is None):
            found.append(Problem("spec.minAvailable",
                                 "give exactly one of minAvailable and maxUnavailable",
                                 "e.g. minAvailable: 1 or maxUnavailable: '25%'"))
        if self.min_available is not None:
            found += _int_or_percent("spec.minAvailable", self.min_available)
        if self.max_unavailable is not None:
            found += _int_or_percent("spec.maxUnavailable", self.max_unavailable)
        check.raise_if(found)

    @property
    def name(self) -> str:
        return self.metadata.name

    @classmethod
    def of(cls, name: str, *, selector: Mapping[str, str], min_available: int | str | None = None,
           max_unavailable: int | str | None = None,
           namespace: str | None = None) -> "PodDisruptionBudget":
        collect = Collect()
        selected = collect.take("spec.selector", lambda: LabelSelector(to_str_map(selector)))
        meta = collect.take("metadata", lambda: ObjectMeta(name, namespace))
        collect.raise_if_any()
        assert meta is not None and selected is not None
        return cls(meta, selected, min_available, max_unavailable)


@attrs.frozen
class IPBlock:
    cidr: str
    except_: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple)

    def __attrs_post_init__(self) -> None:
        import ipaddress  # only when a policy has ipBlocks

        found: list[Problem] = []
        for path, text in (("cidr", self.cidr),
                           *((f"except[{i}]", c) for i, c in enumerate(self.except_))):
            try:
                ipaddress.ip_network(text, strict=False)
            except (ValueError, TypeError):
                found.append(Problem(path, f"{text!r} is not a CIDR",
                                     "write an address with a prefix, e.g. 10.0.0.0/8"))
        check.raise_if(found)


@attrs.frozen
class NetworkPolicyPeer:
    """Exactly an ``ipBlock``, or pod and/or namespace selectors."""

    pod_selector: LabelSelector | None = None
    namespace_selector: LabelSelector | None = None
    ip_block: IPBlock | None = None

    def __attrs_post_init__(self) -> None:
        selectors = self.pod_selector is not None or self.namespace_selector is not None
        if selectors == (self.ip_block is not None):
            check.raise_if([Problem("", "a peer is an ipBlock or selectors, not both nor "
                                        "neither", "keep ipBlock or the selectors")])


@attrs.frozen
class NetworkPolicyPort:
    protocol: str | None = None
    port: int | str | None = None
    end_port: int | None = None

    def __attrs_post_init__(self) -> None:
        found: list[Problem] = []
        if self.protocol is not None:
            found += check.protocol("protocol", self.protocol)
        if self.port is not None:
            found += check.int_or_port_name("port", self.port)
        if self.end_port is not None:
            found += check.port_number("endPort", self.end_port, what="endPort")
            if not isinstance(self.port, int) or (isinstance(self.end_port, int)
                                                  and self.end_port < self.port):
                found.append(Problem("endPort", "endPort needs a numeric port not above it",
                                     "set port to the first number of the range"))
        check.raise_if(found)


@attrs.frozen
class NetworkPolicyRule:
    """An ingress (``from``) or egress (``to``) rule; empty peers or ports mean all."""

    peers: tuple[NetworkPolicyPeer, ...] = attrs.field(default=(), converter=to_tuple)
    ports: tuple[NetworkPolicyPort, ...] = attrs.field(default=(), converter=to_tuple)


POLICY_TYPES = ("Ingress", "Egress")


@attrs.frozen
class NetworkPolicy:
    """A ``networking.k8s.io/v1`` NetworkPolicy."""

    kind: ClassVar[str] = "NetworkPolicy"
    api_version: ClassVar[str] = "networking.k8s.io/v1"

    metadata: ObjectMeta
    pod_selector: LabelSelector = attrs.field(factory=LabelSelector)
    policy_types: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple)
    ingress: tuple[NetworkPolicyRule, ...] = attrs.field(default=(), converter=to_tuple)
    egress: tuple[NetworkPolicyRule, ...] = attrs.field(default=(), converter=to_tuple)
    spec_extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen)
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen)

    def __attrs_post_init__(self) -> None:
        check_types("spec.ingress", self.ingress, NetworkPolicyRule)
        check_types("spec.egress", self.egress, NetworkPolicyRule)
        found: list[Problem] = []
        for index, kind in enumerate(self.policy_types):
            found += check.one_of(f"spec.policyTypes[{index}]", kind, POLICY_TYPES,
                                  what="policy type")
        if self.egress and self.policy_types and "Egress" not in self.policy_types:
            found.append(Problem("spec.policyTypes", "egress rules are given but policyTypes "
                                                     "leaves out Egress",
                                 "add Egress to policyTypes"))
        check.raise_if(found)

    @property
    def name(self) -> str:
        return self.metadata.name

    @classmethod
    def deny_all(cls, name: str = "default-deny", *,
                 namespace: str | None = None) -> "NetworkPolicy":
        """Deny all ingress and egress to every pod of the namespace."""
        return cls(ObjectMeta(name, namespace), LabelSelector(), ("Ingress", "Egress"))


@attrs.frozen
class OpaqueObject:
    """A Kubernetes object of a kind kancat does not model, carried untouched."""

    document: FrozenMap[Any] = attrs.field(converter=to_frozen)

    def __attrs_post_init__(self) -> None:
        found: list[Problem] = []
        for field in ("apiVersion", "kind"):
            value = self.document.get(field)
            if not isinstance(value, str) or not value:
                found.append(Problem(field, f"{field} must be a non-empty string, got {value!r:.40}",
                                     f"every object needs {field}"))
        metadata = self.document.get("metadata")
        name = metadata.get("name") if isinstance(metadata, Mapping) else None
        if not isinstance(name, str) and not (isinstance(metadata, Mapping)
                                              and "generateName" in metadata):
            found.append(Problem("metadata.name", "metadata.name is missing",
                                 "give the object a name"))
        check.raise_if(found)

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


