"""Kubernetes Services: ClusterIP, headless, NodePort, LoadBalancer, ExternalName.

Ports always carry ``protocol`` (default TCP): server-side apply keys Service ports
by port *and* protocol, and some API servers reject a port without it.

>>> from kancat.values.container import Container
>>> web = Deployment.of("web", containers=[
...     Container.of("app", image="web:1.0", ports={"http": 8080})])
>>> svc = Service.expose(web, port=80)
>>> (svc.ports[0].port, svc.ports[0].target_port, dict(svc.selector))
(80, 'http', {'app': 'web'})
>>> Service.headless("db", selector={"app": "db"}, ports={"postgres": 5432}).cluster_ip
'None'
"""

from collections.abc import Iterable, Mapping
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar

import attrs

from kancat.errors import InvalidValue, Problem
from kancat.values import _check as check
from kancat.values._base import (
    Collect,
    as_result,
    check_types,
    to_frozen,
    to_str_map,
    to_tuple,
)
from kancat.values._frozen import EMPTY, FrozenMap
from kancat.values.meta import ObjectMeta
from kancat.values.workloads import Deployment, StatefulSet

if TYPE_CHECKING:
    from returns.result import Result

__all__ = ["Service", "ServicePort"]

SERVICE_TYPES = ("ClusterIP", "NodePort", "LoadBalancer", "ExternalName")


@attrs.frozen
class ServicePort:
    """``port`` on the Service, forwarded to ``target_port`` (number or container port name)."""

    port: int
    target_port: int | str | None = None
    name: str | None = None
    protocol: str = "TCP"
    node_port: int | None = None
    app_protocol: str | None = None

    def __attrs_post_init__(self) -> None:
        found = check.port_number("port", self.port)
        if self.target_port is not None:
            found += check.int_or_port_name("targetPort", self.target_port)
        if self.name is not None:
            found += check.dns_label("name", self.name, what="port name")
        found += check.protocol("protocol", self.protocol)
        if self.node_port is not None:
            found += check.port_number("nodePort", self.node_port, what="nodePort")
        found += check.optional_string("appProtocol", self.app_protocol, what="appProtocol")
        check.raise_if(found)


@attrs.frozen
class Service:
    """A ``v1`` Service. ``cluster_ip="None"`` makes it headless (for StatefulSets)."""

    kind: ClassVar[str] = "Service"
    api_version: ClassVar[str] = "v1"

    metadata: ObjectMeta
    ports: tuple[ServicePort, ...] = attrs.field(default=(), converter=to_tuple)
    selector: FrozenMap[str] = attrs.field(default=EMPTY, converter=to_str_map)
    type: str | None = None
    cluster_ip: str | None = None
    spec_extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen)
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen)

    def __attrs_post_init__(self) -> None:
        check_types("spec.ports", self.ports, ServicePort)
        found = check.dns1035_label("metadata.name", self.metadata.name, what="Service name")
        if self.type is not None:
            found += check.one_of("spec.type", self.type, SERVICE_TYPES, what="Service type")
        found += check.optional_string("spec.clusterIP", self.cluster_ip, what="clusterIP")
        found += check.labels("spec.selector", self.selector)
        if not self.ports and not self.is_headless and self.type != "ExternalName":
            found.append(Problem("spec.ports", "a Service needs at least one port",
                                 "add a port, or make it headless (clusterIP: None)"))
        if len(self.ports) > 1:
            for index, port in enumerate(self.ports):
                if port.name is None:
                    found.append(Problem(f"spec.ports[{index}].name",
                                         "a Service with several ports must name each",
                                         "give the port a name such as 'http'"))
        found += check.unique("spec.ports", self.ports, lambda p: p.name, field="name",
                              what="port name")
        found += check.unique("spec.ports", self.ports, lambda p: (p.port, p.protocol),
                              field="port", what="port and protocol")
        if self.type not in ("NodePort", "LoadBalancer"):
            for index, port in enumerate(self.ports):
                if port.node_port is not None:
                    found.append(Problem(f"spec.ports[{index}].nodePort",
                                         f"nodePort needs type NodePort or LoadBalancer, "
                                         f"not {self.type or 'ClusterIP'}",
                                         "set spec.type or remove nodePort"))
        if self.is_headless and self.type not in (None, "ClusterIP"):
            found.append(Problem("spec.clusterIP", f"a {self.type} Service cannot be headless",
                                 "use type ClusterIP for clusterIP: None"))
        check.raise_if(found)

    @property
    def name(self) -> str:
        return self.metadata.name

    @property
    def is_headless(self) -> bool:
        return self.cluster_ip == "None"

    @classmethod
    def of(cls, name: str, *, selector: Mapping[str, str],
           ports: "Mapping[str, int] | Iterable[ServicePort]",
           type: str | None = None, namespace: str | None = None,
           labels: Mapping[str, str] | None = None) -> "Service":
        """A Service; ``ports`` may map names to port numbers (target = same name)."""
        collect = Collect()
        meta = collect.take("metadata", lambda: ObjectMeta(name, namespace, to_str_map(labels)))
        port_list = (tuple(collect.take(f"spec.ports[{index}]", partial(
                               ServicePort, number, target_port=port_name, name=port_name))
                           for index, (port_name, number) in enumerate(ports.items()))
                     if isinstance(ports, Mapping) else tuple(ports))
        collect.raise_if_any()
        assert meta is not None
        return cls(meta, port_list, to_str_map(selector), type)

    @classmethod
    def headless(cls, name: str, *, selector: Mapping[str, str],
                 ports: "Mapping[str, int] | Iterable[ServicePort]",
                 namespace: str | None = None) -> "Service":
        """A headless Service (``clusterIP: None``) giving each pod a stable DNS name."""
        return attrs.evolve(cls.of(name, selector=selector, ports=ports, namespace=namespace),
                            cluster_ip="None")

    @classmethod
    def expose(cls, workload: Deployment | StatefulSet, *, port: int,
               target_port: int | str | None = None, name: str | None = None,
               type: str | None = None) -> "Service":
        """A Service in front of ``workload``: its selector, and by default the first
        declared port of its first container as target."""
        if target_port is None:
            declared = workload.template.containers[0].ports
            first = declared[0] if declared else None
            target_port = (first.name or first.container_port) if first else port
        service_port = ServicePort(port, target_port=target_port,
                                   name=target_port if isinstance(target_port, str) else None)
        return cls(ObjectMeta(name or workload.name, workload.metadata.namespace,
                              workload.metadata.labels),
                   (service_port,), workload.selector.match_labels, type)

    @classmethod
    def create(cls, name: str, **kwargs: Any) -> "Result[Service, InvalidValue]":
        return as_result(lambda: cls.of(name, **kwargs))
