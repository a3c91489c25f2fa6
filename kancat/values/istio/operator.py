"""The IstioOperator (``install.istio.io/v1alpha1``): how ``istioctl install`` sets up
a mesh — the profile, the revision, where the images come from, the control plane's
resources and autoscaling, the ingress gateways and their Services, the mesh's
configuration.

The Kubernetes parts it embeds are kancat's own values (:class:`~kancat.values.container.Resources`,
:class:`~kancat.values.service.ServicePort`), with their checks; ``meshConfig`` and the
Helm ``values`` are free-form JSON (Istio validates them at install time).

>>> operator = IstioOperator.of("mesh", profile="default", components=IstioComponents(
...     pilot=IstioComponent(k8s=KubernetesResources.of(
...         requests={"cpu": "500m"}, autoscaling=Autoscaling.of(2, 5, cpu_utilization=80))),
...     ingress_gateways=[GatewayComponent.of("istio-ingressgateway",
...                                           service_ports={"http": (80, 8080)})]))
>>> operator.components.pilot.k8s.autoscaling.cpu_utilization
80
>>> GatewayComponent.create("Ingress_GW")
<Failure: 1 problem:
  name: gateway name 'Ingress_GW' is not a DNS-1123 label (use lowercase letters, digits and '-', starting and ending with a letter or digit (e.g. 'my-name'))>
"""

from collections.abc import Iterable, Mapping
from functools import partial
from typing import Any, ClassVar, Final

import attrs

from kancat.core import rules
from kancat.core.collect import Collect, to_frozen, to_str_map, to_tuple
from kancat.core.fields import carried, path_of, wire
from kancat.core.frozen import EMPTY, FrozenMap
from kancat.core.value import Value, finish, part, rule
from kancat.errors import Problem
from kancat.values.container import Resources
from kancat.values.istio.common import object_meta
from kancat.values.meta import KubeObjectBase, ObjectMeta
from kancat.values.service import ServicePort, ServiceType

__all__ = [
    "Autoscaling",
    "GatewayComponent",
    "IstioComponent",
    "IstioComponents",
    "IstioOperator",
    "KubernetesResources",
]

_API: Final = "istio.operator.v1alpha1"
_HPA_SPEC: Final = "io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerSpec"


@attrs.frozen(kw_only=True)
class Autoscaling(Value):
    """The ``hpaSpec`` of a component: from ``min_replicas`` to ``max_replicas``;
    the metrics (usually CPU utilization, :meth:`of`) are carried as Kubernetes
    writes them.

    >>> Autoscaling.create(min_replicas=5, max_replicas=2)
    <Failure: 1 problem:
      maxReplicas: maxReplicas 2 is below minReplicas 5 (raise maxReplicas to at least 5)>
    """

    k8s_definition: ClassVar[str] = _HPA_SPEC

    min_replicas: int | None = attrs.field(default=None, metadata=wire(
        "minReplicas", check=partial(rules.integer, minimum=1, what="minReplicas")))
    max_replicas: int = attrs.field(metadata=wire(
        "maxReplicas", check=partial(rules.integer, minimum=1, what="maxReplicas")))
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen,
                                        metadata=carried())

    @rule
    def _range(self) -> list[Problem]:
        if self.min_replicas is None or self.max_replicas >= self.min_replicas:
            return []
        return [Problem(path_of(attrs.fields(Autoscaling).max_replicas),
                        f"maxReplicas {self.max_replicas} is below minReplicas "
                        f"{self.min_replicas}", f"raise maxReplicas to at least "
                                                f"{self.min_replicas}")]

    @property
    def cpu_utilization(self) -> int | None:
        """The average CPU utilization (percent of requests) it scales at, if any."""
        for metric in self.extra.get("metrics") or ():
            resource = metric.get("resource") or EMPTY
            target = resource.get("target") or EMPTY
            if resource.get("name") == "cpu" and target.get("type") == "Utilization":
                found: int | None = target.get("averageUtilization")
                return found
        return None

    @classmethod
    def of(cls, min_replicas: int, max_replicas: int, *,
           cpu_utilization: int | None = None) -> "Autoscaling":
        """Scale from ``min_replicas`` to ``max_replicas``, at ``cpu_utilization``
        percent of the CPU requests on average."""
        collect = Collect()
        if cpu_utilization is not None:
            collect.add(rules.integer("metrics[0].resource.target.averageUtilization",
                                      cpu_utilization, minimum=1, maximum=100,
                                      what="averageUtilization"))
        metrics = [] if cpu_utilization is None else [{
            "type": "Resource", "resource": {"name": "cpu", "target": {
                "type": "Utilization", "averageUtilization": cpu_utilization}}}]
        return finish(collect, cls, min_replicas=min_replicas, max_replicas=max_replicas,
                      extra={"metrics": metrics} if metrics else EMPTY)


@attrs.frozen(kw_only=True)
class KubernetesResources(Value):
    """The ``k8s`` settings of a component: its ``resources``, ``replica_count``,
    ``autoscaling`` (``hpaSpec``) and, for a gateway, its Service's ``service_type``
    and ``service_ports``. Affinity, tolerations, overlays and the rest are carried."""

    k8s_definition: ClassVar[str] = f"{_API}.KubernetesResourcesSpec"

    resources: Resources | None = attrs.field(default=None, metadata=wire("resources"))
    replica_count: int | None = attrs.field(default=None, metadata=wire(
        "replicaCount", check=partial(rules.integer, minimum=0, what="replicaCount")))
    autoscaling: Autoscaling | None = attrs.field(default=None, metadata=wire("hpaSpec"))
    service_type: ServiceType | None = attrs.field(default=None, metadata=wire(
        "service.type", what="Service type"))
    service_ports: tuple[ServicePort, ...] = attrs.field(default=(), converter=to_tuple,
                                                         metadata=wire("service.ports"))
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen,
                                        metadata=carried())

    @rule
    def _ports(self) -> list[Problem]:
        at = attrs.fields(KubernetesResources)
        return rules.unique(path_of(at.service_ports), self.service_ports, lambda p: p.name,
                            field="name", what="port name") + rules.unique(
            path_of(at.service_ports), self.service_ports, lambda p: p.port, field="port",
            what="port")

    @classmethod
    def of(cls, *, requests: Mapping[str, str] | None = None,
           limits: Mapping[str, str] | None = None, replica_count: int | None = None,
           autoscaling: Autoscaling | None = None, service_type: ServiceType | None = None,
           service_ports: "Mapping[str, tuple[int, int | str]] | Iterable[ServicePort]" = ()
           ) -> "KubernetesResources":
        """``service_ports`` may map port names to ``(port, target port)``."""
        collect = Collect()
        at = attrs.fields(cls)
        resources = part(collect, path_of(at.resources), Resources, requests=requests,
                         limits=limits) if requests or limits else None
        ports = (tuple(part(collect, path_of(at.service_ports, index), ServicePort,
                            port=pair[0], target_port=pair[1], name=name)
                       for index, (name, pair) in enumerate(service_ports.items()))
                 if isinstance(service_ports, Mapping) else to_tuple(service_ports))
        return finish(collect, cls, resources=resources, replica_count=replica_count,
                      autoscaling=autoscaling, service_type=service_type,
                      service_ports=ports)


@attrs.frozen(kw_only=True)
class IstioComponent(Value):
    """A component of the mesh (istiod is ``pilot``): ``enabled`` and its ``k8s``
    settings."""

    k8s_definition: ClassVar[str] = f"{_API}.ComponentSpec"

    enabled: bool | None = attrs.field(default=None, metadata=wire("enabled"))
    k8s: KubernetesResources | None = attrs.field(default=None, metadata=wire("k8s"))
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen,
                                        metadata=carried())


@attrs.frozen
class GatewayComponent(Value):
    """An ingress or egress gateway: its ``name`` (its Deployment's and Service's),
    ``enabled``, the ``namespace`` it runs in, its pods' ``label`` and ``k8s``
    settings."""

    k8s_definition: ClassVar[str] = f"{_API}.GatewaySpec"

    name: str = attrs.field(metadata=wire("name", check=partial(rules.dns_label,
                                                                 what="gateway name")))
    enabled: bool | None = attrs.field(default=None, kw_only=True, metadata=wire("enabled"))
    namespace: str | None = attrs.field(default=None, kw_only=True, metadata=wire(
        "namespace", check=partial(rules.dns_label, what="namespace")))
    label: FrozenMap[str] = attrs.field(default=EMPTY, converter=to_str_map, kw_only=True,
                                        metadata=wire("label", check=rules.labels))
    k8s: KubernetesResources | None = attrs.field(default=None, kw_only=True,
                                                  metadata=wire("k8s"))
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, kw_only=True,
                                        metadata=carried())

    @classmethod
    def of(cls, name: str, *, enabled: bool = True, namespace: str | None = None,
           service_type: ServiceType | None = None,
           service_ports: "Mapping[str, tuple[int, int | str]] | Iterable[ServicePort]" = (),
           label: Mapping[str, str] | None = None) -> "GatewayComponent":
        """A gateway, its Service of ``service_type`` on ``service_ports`` (names to
        ``(port, target port)``)."""
        collect = Collect()
        k8s = collect.take(path_of(attrs.fields(cls).k8s), lambda: KubernetesResources.of(
            service_type=service_type, service_ports=service_ports)) \
            if service_type is not None or service_ports else None
        return finish(collect, cls, name=name, enabled=enabled, namespace=namespace,
                      label=label or EMPTY, k8s=k8s)


@attrs.frozen(kw_only=True)
class IstioComponents(Value):
    """The components an IstioOperator sets: ``pilot`` (istiod) and the ingress and
    egress gateways; ``base``, ``cni``, ``ztunnel`` are carried."""

    k8s_definition: ClassVar[str] = f"{_API}.IstioComponentSpec"

    pilot: IstioComponent | None = attrs.field(default=None, metadata=wire("pilot"))
    ingress_gateways: tuple[GatewayComponent, ...] = attrs.field(
        default=(), converter=to_tuple, metadata=wire("ingressGateways"))
    egress_gateways: tuple[GatewayComponent, ...] = attrs.field(
        default=(), converter=to_tuple, metadata=wire("egressGateways"))
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen,
                                        metadata=carried())

    @rule
    def _names(self) -> list[Problem]:
        at = attrs.fields(IstioComponents)
        return [*rules.unique(path_of(at.ingress_gateways), self.ingress_gateways,
                              lambda g: g.name, field="name", what="gateway name"),
                *rules.unique(path_of(at.egress_gateways), self.egress_gateways,
                              lambda g: g.name, field="name", what="gateway name")]


@attrs.frozen
class IstioOperator(KubeObjectBase):
    """An ``install.istio.io/v1alpha1`` IstioOperator: what ``istioctl install -f``
    installs. ``profile`` is a built-in profile (``default``, ``demo``, ``minimal``,
    ...) or a file; ``mesh_config`` and ``values`` are free-form JSON."""

    k8s_definition: ClassVar[str] = f"{_API}.IstioOperator"

    metadata: ObjectMeta = attrs.field(metadata=wire("metadata"))
    profile: str | None = attrs.field(default=None, kw_only=True, metadata=wire(
        "spec.profile", check=partial(rules.string, what="profile", empty=False)))
    revision: str | None = attrs.field(default=None, kw_only=True, metadata=wire(
        "spec.revision", check=partial(rules.dns_label, what="revision")))
    hub: str | None = attrs.field(default=None, kw_only=True, metadata=wire(
        "spec.hub", check=partial(rules.string, what="hub", empty=False)))
    tag: str | None = attrs.field(default=None, kw_only=True, metadata=wire(
        "spec.tag", check=partial(rules.string, what="tag", empty=False)))
    mesh_config: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen,
                                              kw_only=True, metadata=wire("spec.meshConfig"))
    components: IstioComponents | None = attrs.field(default=None, kw_only=True,
                                                     metadata=wire("spec.components"))
    values: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, kw_only=True,
                                         metadata=wire("spec.values"))
    spec_extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, kw_only=True,
                                             metadata=carried("spec"))
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, kw_only=True,
                                        metadata=carried())

    @classmethod
    def of(cls, name: str, *, profile: str | None = "default", namespace: str | None = None,
           revision: str | None = None, hub: str | None = None, tag: str | None = None,
           mesh_config: Mapping[str, Any] | None = None,
           components: IstioComponents | None = None,
           values: Mapping[str, Any] | None = None, labels: Mapping[str, str] | None = None,
           annotations: Mapping[str, str] | None = None) -> "IstioOperator":
        """An IstioOperator named ``name``: ``profile`` with the settings given laid
        over it."""
        collect = Collect()
        return finish(collect, cls, metadata=object_meta(collect, cls, name, namespace,
                                                         labels, annotations),
                      profile=profile, revision=revision, hub=hub, tag=tag,
                      mesh_config=mesh_config or EMPTY, components=components,
                      values=values or EMPTY)
