"""Kubernetes Services: ClusterIP, headless, NodePort, LoadBalancer, ExternalName.

Ports always carry ``protocol`` (default TCP): server-side apply keys Service ports
by port *and* protocol, and some API servers reject a port without it.

>>> from kancat.values.container import Container
>>> from kancat.values.workloads import Deployment
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
from typing import Any, ClassVar, Final, Literal, TypeAlias

import attrs

from kancat.core import rules
from kancat.core.collect import Collect, to_frozen, to_str_map, to_tuple
from kancat.core.fields import carried, path_of, wire
from kancat.core.frozen import EMPTY, FrozenMap, is_mapping
from kancat.core.value import Value, finish, part, rule
from kancat.errors import Problem
from kancat.values.container import Protocol
from kancat.values.meta import KubeObjectBase, ObjectMeta, object_meta
from kancat.values.workloads import PodController

__all__ = ["CLUSTER_DOMAIN", "Service", "ServicePort", "ServiceType", "service_dns_name"]

ServiceType: TypeAlias = Literal["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"]

CLUSTER_DOMAIN: Final = "svc.cluster.local"
"""The DNS suffix of Services in a cluster with the default domain."""


def service_dns_name(name: str, namespace: str) -> str:
    """The name a Service answers to across namespaces.

    >>> service_dns_name("reviews", "shop")
    'reviews.shop.svc.cluster.local'
    """
    return f"{name}.{namespace}.{CLUSTER_DOMAIN}"


@attrs.frozen
class ServicePort(Value):
    """``port`` on the Service, forwarded to ``target_port`` (number or container port name)."""

    k8s_definition: ClassVar[str] = "io.k8s.api.core.v1.ServicePort"

    name: str | None = attrs.field(default=None, kw_only=True, metadata=wire(
        "name", check=partial(rules.dns_label, what="port name")))
    port: int = attrs.field(metadata=wire("port", check=rules.port_number))
    target_port: int | str | None = attrs.field(default=None, metadata=wire(
        "targetPort", check=rules.int_or_port_name))
    protocol: Protocol = attrs.field(default="TCP", kw_only=True, metadata=wire("protocol"))
    node_port: int | None = attrs.field(default=None, kw_only=True, metadata=wire(
        "nodePort", check=partial(rules.port_number, what="nodePort")))
    app_protocol: str | None = attrs.field(default=None, kw_only=True, metadata=wire(
        "appProtocol", check=lambda path, value: rules.qualified_name(path, value,
                                                                      what="appProtocol")))


@attrs.frozen
class Service(KubeObjectBase):
    """A ``v1`` Service. ``cluster_ip="None"`` makes it headless (for StatefulSets)."""

    k8s_definition: ClassVar[str] = "io.k8s.api.core.v1.Service"

    metadata: ObjectMeta = attrs.field(metadata=wire("metadata"))
    type: ServiceType | None = attrs.field(default=None, kw_only=True,
                                           metadata=wire("spec.type", what="Service type"))
    cluster_ip: str | None = attrs.field(default=None, kw_only=True,
                                         metadata=wire("spec.clusterIP"))
    selector: FrozenMap[str] = attrs.field(default=EMPTY, converter=to_str_map, kw_only=True,
                                           metadata=wire("spec.selector", check=rules.labels))
    ports: tuple[ServicePort, ...] = attrs.field(default=(), converter=to_tuple, kw_only=True,
                                                 metadata=wire("spec.ports"))
    external_name: str | None = attrs.field(default=None, kw_only=True, metadata=wire(
        "spec.externalName", check=partial(rules.dns_subdomain, what="externalName")))
    spec_extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, kw_only=True,
                                             metadata=carried("spec"))
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, kw_only=True,
                                        metadata=carried())

    @rule
    def _name(self) -> list[Problem]:
        return rules.dns1035_label(path_of(attrs.fields(Service).metadata,
                                           attrs.fields(ObjectMeta).name),
                                   self.metadata.name, what="Service name")

    @rule
    def _ports(self) -> list[Problem]:
        at, of = attrs.fields(Service), attrs.fields(ServicePort)
        found: list[Problem] = []
        if not self.ports and not self.is_headless and self.type != "ExternalName":
            found.append(Problem(path_of(at.ports), "a Service needs at least one port",
                                 "add a port, or make it headless (clusterIP: None)"))
        if len(self.ports) > 1:
            for index, port in enumerate(self.ports):
                if port.name is None:
                    found.append(Problem(path_of(at.ports, index, of.name),
                                         "a Service with several ports must name each",
                                         "give the port a name such as 'http'"))
        if len(self.ports) > 1:
            found += rules.unique(path_of(at.ports), self.ports, lambda p: p.name,
                                  field=path_of(of.name), what="port name")
            found += rules.unique(path_of(at.ports), self.ports,
                                  lambda p: (p.port, p.protocol), field=path_of(of.port),
                                  what="port and protocol")
        if self.type not in ("NodePort", "LoadBalancer"):
            for index, port in enumerate(self.ports):
                if port.node_port is not None:
                    found.append(Problem(path_of(at.ports, index, of.node_port),
                                         f"nodePort needs type NodePort or LoadBalancer, "
                                         f"not {self.type or 'ClusterIP'}",
                                         "set spec.type or remove nodePort"))
        if self.type == "ExternalName" and self.external_name is None:
            found.append(Problem(path_of(at.external_name),
                                 "an ExternalName Service needs externalName",
                                 "give the DNS name the Service stands for, e.g. "
                                 "db.example.com"))
        if self.is_headless and self.type not in (None, "ClusterIP"):
            found.append(Problem(path_of(at.cluster_ip),
                                 f"a {self.type} Service cannot be headless",
                                 "use type ClusterIP for clusterIP: None"))
        return found

    @property
    def is_headless(self) -> bool:
        return self.cluster_ip == "None"

    @classmethod
    def of(cls, name: str, *, selector: Mapping[str, str],
           ports: "Mapping[str, int] | Iterable[ServicePort]",
           type: ServiceType | None = None, namespace: str | None = None,
           labels: Mapping[str, str] | None = None,
           annotations: Mapping[str, str] | None = None,
           cluster_ip: str | None = None) -> "Service":
        """A Service; ``ports`` may map names to port numbers (target = same name)."""
        at = attrs.fields(cls)
        collect = Collect()
        meta = object_meta(collect, cls, name, namespace, labels, annotations)
        port_list = (tuple(part(collect, path_of(at.ports, index), ServicePort, port=number,
                                target_port=port_name, name=port_name)
                           for index, (port_name, number) in enumerate(ports.items()))
                     if is_mapping(ports) else to_tuple(ports))
        return finish(collect, cls, metadata=meta, ports=port_list, selector=selector,
                      type=type, cluster_ip=cluster_ip)

    @classmethod
    def headless(cls, name: str, *, selector: Mapping[str, str],
                 ports: "Mapping[str, int] | Iterable[ServicePort]",
                 namespace: str | None = None,
                 labels: Mapping[str, str] | None = None) -> "Service":
        """A headless Service (``clusterIP: None``) giving each pod a stable DNS name."""
        return cls.of(name, selector=selector, ports=ports, namespace=namespace, labels=labels,
                      cluster_ip="None")

    @classmethod
    def expose(cls, workload: PodController, *, port: int,
               target_port: int | str | None = None, name: str | None = None,
               type: ServiceType | None = None) -> "Service":
        """A Service in front of ``workload`` — a Deployment, StatefulSet, ReplicaSet or
        DaemonSet: its name, namespace and labels, its selector, and by default the
        first declared port of its first container as target.

        Those are the kinds that keep their pods running and replace them, so the
        Service always has pods to route to. A Job's or CronJob's pods run to
        completion and are gone, and a bare Pod has no selector and is replaced by
        nothing: select their pods with :meth:`of` if you must.

        >>> from kancat.values import Container, DaemonSet
        >>> agent = DaemonSet.of("node-agent", containers=[
        ...     Container.of("agent", image="ops/agent:2.1", ports={"metrics": 9100})])
        >>> svc = Service.expose(agent, port=9100)
        >>> (svc.name, dict(svc.selector), svc.ports[0].target_port)
        ('node-agent', {'app': 'node-agent'}, 'metrics')
        """
        if target_port is None:
            declared = workload.template.containers[0].ports
            first = declared[0] if declared else None
            target_port = (first.name or first.container_port) if first else port
        at = attrs.fields(cls)
        collect = Collect()
        service_port = part(collect, path_of(at.ports, 0), ServicePort, port=port,
                            target_port=target_port,
                            name=target_port if isinstance(target_port, str) else None)
        meta = object_meta(collect, cls, name or workload.name, workload.metadata.namespace,
                           workload.metadata.labels)
        return finish(collect, cls, metadata=meta, ports=(service_port,),
                      selector=workload.selector.match_labels, type=type)
