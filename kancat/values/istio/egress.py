"""What the mesh's workloads may reach: the ServiceEntry (hosts added to the mesh's
registry, such as an external API) and the Sidecar (what a namespace's proxies may
reach, and whether hosts outside the registry are reachable at all).

>>> entry = ServiceEntry.of("payments", hosts=["api.payments.example"], ports={"https": 443})
>>> entry.ports[0].protocol, entry.resolution
('HTTPS', 'DNS')
>>> ServiceEntry.create("any", hosts=["*.example.com"])
<Failure: 1 problem:
  spec.hosts[0]: DNS resolution cannot look up the wildcard host '*.example.com' (use resolution NONE for wildcard hosts, or give endpoints)>
"""

from collections.abc import Iterable, Mapping
from functools import partial
from typing import Any, ClassVar, Literal, TypeAlias

import attrs

from kancat.core import rules
from kancat.core.collect import Collect, to_frozen, to_str_map, to_str_tuple, to_tuple
from kancat.core.fields import carried, path_of, wire
from kancat.core.frozen import EMPTY, FrozenMap, is_mapping
from kancat.core.value import Value, finish, part, rule
from kancat.errors import Problem
from kancat.values.istio.common import (
    SERVICE_ENTRY,
    SIDECAR,
    export_namespaces,
    host_list,
    namespaced_host_list,
    object_meta,
    selector_labels,
    string_list,
)
from kancat.values.istio.gateways import IstioPort
from kancat.values.meta import KubeObjectBase, ObjectMeta

__all__ = [
    "IstioEgressListener",
    "MeshLocation",
    "OutboundTrafficMode",
    "Resolution",
    "ServiceEntry",
    "Sidecar",
]


MeshLocation: TypeAlias = Literal["MESH_EXTERNAL", "MESH_INTERNAL"]
Resolution: TypeAlias = Literal["NONE", "STATIC", "DNS", "DNS_ROUND_ROBIN", "DYNAMIC_DNS"]


@attrs.frozen
class ServiceEntry(KubeObjectBase):
    """A ``networking.istio.io/v1`` ServiceEntry: ``hosts`` added to the mesh's registry
    (an external API, say), on ``ports``, at a ``location``, their addresses found by
    ``resolution``. Endpoints and the workload selector are carried."""

    k8s_definition: ClassVar[str] = SERVICE_ENTRY

    metadata: ObjectMeta = attrs.field(metadata=wire("metadata"))
    hosts: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple, kw_only=True,
                                         metadata=wire("spec.hosts", check=partial(
                                             host_list, wildcard=False)))
    addresses: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple, kw_only=True,
                                             metadata=wire("spec.addresses", check=partial(
                                                 string_list, what="address", plural="addresses")))
    ports: tuple[IstioPort, ...] = attrs.field(default=(), converter=to_tuple, kw_only=True,
                                               metadata=wire("spec.ports"))
    location: MeshLocation | None = attrs.field(default=None, kw_only=True,
                                                metadata=wire("spec.location"))
    resolution: Resolution | None = attrs.field(default=None, kw_only=True,
                                                metadata=wire("spec.resolution"))
    export_to: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple,
                                             kw_only=True, metadata=wire(
                                                 "spec.exportTo",
                                                 check=export_namespaces))
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
        return finish(collect, cls, metadata=object_meta(collect, cls, name, namespace,
                                                         labels, annotations),
                      hosts=hosts, addresses=addresses, ports=port_list, location=location,
                      resolution=resolution, export_to=export_to)


@attrs.frozen
class IstioEgressListener(Value):
    """Where the workloads of a Sidecar may send traffic: ``hosts`` as
    ``namespace/host`` (``./*`` its own namespace, ``istio-system/*``,
    ``*/api.example.com``)."""

    k8s_definition: ClassVar[str] = f"{SIDECAR}/spec/egress[]"

    hosts: tuple[str, ...] = attrs.field(converter=to_str_tuple, metadata=wire(
        "hosts", check=partial(namespaced_host_list, required=True)))
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

    k8s_definition: ClassVar[str] = SIDECAR

    metadata: ObjectMeta = attrs.field(metadata=wire("metadata"))
    workload_selector: FrozenMap[str] = attrs.field(
        default=EMPTY, converter=to_str_map, kw_only=True,
        metadata=wire("spec.workloadSelector.labels", check=selector_labels))
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
        return finish(collect, cls, metadata=object_meta(collect, cls, name, namespace,
                                                         labels, annotations),
                      workload_selector=workload_selector or EMPTY, egress=(listener,),
                      outbound_traffic_policy=outbound_traffic_policy)
