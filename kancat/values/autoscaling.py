"""Autoscaling: the HorizontalPodAutoscaler (more pods) and the VerticalPodAutoscaler
(bigger pods).

A :class:`HorizontalPodAutoscaler` is built in (``autoscaling/v2``; ``autoscaling/v2beta2``
when emitting for Kubernetes before 1.23, which has the same fields kancat models). A
:class:`VerticalPodAutoscaler` is the custom resource of the Kubernetes autoscaler
project (``autoscaling.k8s.io/v1``), checked against its CRD's field names. Both take
the workload they scale, and read its kind, name and namespace from it:

>>> from kancat.values import Container, Deployment
>>> web = Deployment.of("web", namespace="shop", replicas=2,
...                     containers=[Container.of("app", image="web:1.0")])
>>> hpa = HorizontalPodAutoscaler.of(web, min_replicas=2, max_replicas=5, cpu_utilization=60)
>>> (hpa.name, hpa.namespace, hpa.scale_target_ref.kind, sorted(hpa.scaled_resources))
('web', 'shop', 'Deployment', ['cpu'])
>>> HorizontalPodAutoscaler.create(web, min_replicas=6, max_replicas=5)
<Failure: 1 problem:
  spec.minReplicas: minReplicas 6 is above maxReplicas 5 (raise maxReplicas to 6 or more, or lower minReplicas)>

The two fight when both act on the same resource of the same pods (the HPA adds pods
because CPU is high while the VPA raises the CPU each pod asks for):
:func:`kancat.interpret.consistency.check_objects` reports such a pair, naming both.
"""

from collections.abc import Iterable, Mapping
from functools import partial
from typing import Any, ClassVar, Final, Literal, TypeAlias

import attrs

from kancat.core import rules
from kancat.core.collect import Collect, to_frozen, to_str_tuple, to_tuple
from kancat.core.fields import carried, path_of, wire
from kancat.core.frozen import EMPTY, FrozenMap
from kancat.core.value import Value, finish, part, rule
from kancat.errors import Problem
from kancat.values.container import _quantities, _quantity
from kancat.values.meta import KubeObjectBase, ObjectMeta, object_meta
from kancat.values.quantity import Quantity, as_optional_quantity

__all__ = [
    "SCALABLE_KINDS",
    "VPA_RESOURCES",
    "ContainerPolicy",
    "ContainerScalingMode",
    "ControlledValues",
    "HorizontalPodAutoscaler",
    "Metric",
    "MetricTarget",
    "MetricTargetType",
    "MetricType",
    "ResourceMetric",
    "ScaleTargetRef",
    "UpdateMode",
    "UpdatePolicy",
    "VerticalPodAutoscaler",
    "VpaTargetRef",
]

_HPA: Final = "io.k8s.api.autoscaling.v2"
_VPA: Final = "io.k8s.autoscaling.v1.VerticalPodAutoscaler"

SCALABLE_KINDS: Final = ("Deployment", "StatefulSet", "ReplicaSet")
"""The kinds kancat models that have a ``scale`` subresource, the only ones an HPA
can scale."""

VPA_RESOURCES: Final = ("cpu", "memory")
"""The resources a VerticalPodAutoscaler sets: it knows no others."""


def _show(value: object) -> str:
    return repr(value) if isinstance(value, str) else str(value)


# --- the target: a workload, by kind and name ---------------------------------------------------

@attrs.frozen
class ScaleTargetRef(Value):
    """The workload an autoscaler acts on: its ``kind`` and ``name`` (in the
    autoscaler's namespace) and ``api_version``.

    >>> ScaleTargetRef("Deployment", "web", api_version="apps/v1").kind
    'Deployment'
    """

    k8s_definition: ClassVar[str] = f"{_HPA}.CrossVersionObjectReference"

    kind: str = attrs.field(metadata=wire("kind", check=partial(
        rules.string, what="kind", empty=False, hint="name the workload's kind, e.g. "
                                                     "Deployment")))
    name: str = attrs.field(metadata=wire("name", check=partial(
        rules.dns_subdomain, what="target name")))
    api_version: str | None = attrs.field(default=None, kw_only=True,
                                          metadata=wire("apiVersion"))


@attrs.frozen
class VpaTargetRef(ScaleTargetRef):
    """A VerticalPodAutoscaler's ``targetRef``: the same three fields as an HPA's."""

    k8s_definition: ClassVar[str] = f"{_VPA}/spec/targetRef"


def _target_of(collect: Collect, path: str, cls: type[ScaleTargetRef],
               target: Any) -> ScaleTargetRef:
    if isinstance(target, ScaleTargetRef):
        return target if type(target) is cls else cls(target.kind, target.name,
                                                      api_version=target.api_version)
    if not isinstance(target, KubeObjectBase):
        collect.problem(path, f"the target must be a workload value or a ScaleTargetRef, "
                              f"got {type(target).__name__}",
                        "give the Deployment (or StatefulSet, ...) to scale")
        return part(collect, path, cls, kind="Deployment", name="unknown")
    return part(collect, path, cls, kind=target.kind, name=target.name,
                api_version=target.api_version)


# --- HorizontalPodAutoscaler ---------------------------------------------------------------------

MetricTargetType: TypeAlias = Literal["Utilization", "Value", "AverageValue"]
_TARGET_FIELDS: Final = {"Utilization": "average_utilization", "Value": "value",
                         "AverageValue": "average_value"}


@attrs.frozen(kw_only=True)
class MetricTarget(Value):
    """What a metric should be: an average ``Utilization`` (percent of the pods'
    requests), a total ``Value``, or an ``AverageValue`` per pod; exactly the field
    of its type is given.

    >>> MetricTarget.create(type="Utilization", average_value="500m")
    <Failure: 2 problems:
      averageUtilization: a Utilization target needs averageUtilization (give the percentage of the pods' requests, e.g. 60)
      averageValue: a Utilization target has no averageValue (remove averageValue, or change the type)>
    """

    k8s_definition: ClassVar[str] = f"{_HPA}.MetricTarget"

    type: MetricTargetType = attrs.field(metadata=wire("type", what="metric target type"))
    average_utilization: int | None = attrs.field(default=None, metadata=wire(
        "averageUtilization", check=partial(rules.optional_integer, minimum=1,
                                            what="averageUtilization")))
    average_value: Quantity | None = attrs.field(default=None, converter=as_optional_quantity,
                                                 metadata=wire("averageValue", check=_quantity))
    value: Quantity | None = attrs.field(default=None, converter=as_optional_quantity,
                                         metadata=wire("value", check=_quantity))

    @rule
    def _the_field_of_its_type(self) -> list[Problem]:
        at = attrs.fields(MetricTarget)
        wanted = _TARGET_FIELDS.get(self.type)
        found: list[Problem] = []
        for name in _TARGET_FIELDS.values():
            where = path_of(getattr(at, name))
            given = getattr(self, name) is not None
            if name == wanted and not given:
                example = ("give the percentage of the pods' requests, e.g. 60"
                           if name == "average_utilization" else "give a quantity, e.g. 500m")
                found.append(Problem(where, f"a {self.type} target needs {where}", example))
            elif name != wanted and given and wanted is not None:
                found.append(Problem(where, f"a {self.type} target has no {where}",
                                     f"remove {where}, or change the type"))
        return found


@attrs.frozen
class ResourceMetric(Value):
    """A resource metric (``cpu``, ``memory``) of the pods, averaged over them."""

    k8s_definition: ClassVar[str] = f"{_HPA}.ResourceMetricSource"
    wire_key: ClassVar[str] = "resource"

    name: str = attrs.field(metadata=wire("name", check=rules.resource_name))
    target: MetricTarget = attrs.field(metadata=wire("target"))


MetricType: TypeAlias = Literal["Resource", "ContainerResource", "Pods", "Object", "External"]


def _source_key(metric_type: str) -> str:
    """The key a metric of ``metric_type`` is written under (``containerResource``)."""
    return metric_type[:1].lower() + metric_type[1:]


@attrs.frozen
class Metric(Value):
    """One metric an HPA scales on: its ``type`` and the source of that type.
    ``Resource`` metrics are modelled; the sources of the others (``ContainerResource``,
    ``Pods``, ``Object``, ``External``) are JSON, checked against the names Kubernetes
    knows.

    >>> Metric.cpu(60).resource.target.average_utilization
    60
    >>> Metric.create("Pods")
    <Failure: 1 problem:
      pods: a Pods metric needs pods (give the metric under pods: {metric: ..., target: ...})>
    """

    k8s_definition: ClassVar[str] = f"{_HPA}.MetricSpec"

    type: MetricType = attrs.field(metadata=wire("type", what="metric type"))
    resource: ResourceMetric | None = attrs.field(default=None, kw_only=True,
                                                  metadata=wire("resource"))
    container_resource: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen,
                                                     kw_only=True,
                                                     metadata=wire("containerResource"))
    pods: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, kw_only=True,
                                       metadata=wire("pods"))
    object_metric: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen,
                                                kw_only=True, metadata=wire("object"))
    external: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, kw_only=True,
                                           metadata=wire("external"))

    @rule
    def _source_of_its_type(self) -> list[Problem]:
        key = _source_key(self.type)
        given = {"resource"} if self.resource is not None else set()
        given |= {path_of(field) for field in attrs.fields(Metric)[2:]
                  if getattr(self, field.name)}
        found: list[Problem] = []
        if key not in given:
            found.append(Problem(key, f"a {self.type} metric needs {key}",
                                 f"give the metric under {key}: {{metric: ..., target: ...}}"
                                 if key != "resource" else
                                 "give the resource and target, e.g. Metric.cpu(60)"))
        for other in sorted(given - {key}):
            found.append(Problem(other, f"a {self.type} metric has no {other}",
                                 f"remove {other}, or make the type "
                                 f"{other[:1].upper() + other[1:]}"))
        return found

    @classmethod
    def of_resource(cls, name: str, *, utilization: int | None = None,
                    average_value: "Quantity | str | int | None" = None) -> "Metric":
        """A resource metric: an average ``utilization`` (percent of requests) or an
        ``average_value`` per pod."""
        collect = Collect()
        target_type: MetricTargetType = "AverageValue" if utilization is None and \
            average_value is not None else "Utilization"
        target = part(collect, "resource.target", MetricTarget, type=target_type,
                      average_utilization=utilization, average_value=average_value)
        source = part(collect, "resource", ResourceMetric, name=name, target=target)
        return finish(collect, cls, type="Resource", resource=source)

    @classmethod
    def cpu(cls, utilization: int) -> "Metric":
        """Average CPU use as a percentage of the pods' CPU requests."""
        return cls.of_resource("cpu", utilization=utilization)

    @classmethod
    def memory(cls, utilization: int) -> "Metric":
        """Average memory use as a percentage of the pods' memory requests."""
        return cls.of_resource("memory", utilization=utilization)

    @property
    def resource_name(self) -> str | None:
        """The resource measured (``cpu``...), for a Resource or ContainerResource metric."""
        if self.resource is not None:
            return self.resource.name
        name = self.container_resource.get("name")
        return name if isinstance(name, str) else None


def _resource_metric_name(metric: Metric) -> str | None:
    return metric.resource.name if metric.resource is not None else None


def _replicas(path: str, value: object) -> list[Problem]:
    return rules.integer(path, value, minimum=1, what=path.rsplit(".", 1)[-1])


@attrs.frozen
class HorizontalPodAutoscaler(KubeObjectBase):
    """An ``autoscaling/v2`` HorizontalPodAutoscaler (``autoscaling/v2beta2`` before
    Kubernetes 1.23): between ``min_replicas`` and ``max_replicas`` pods of the
    workload ``scale_target_ref``, as many as keep the ``metrics`` at their targets
    (without metrics, Kubernetes scales on 80% CPU). ``behavior`` (how fast it scales
    up and down) is carried as JSON, checked against the names Kubernetes knows.
    """

    k8s_definition: ClassVar[str] = f"{_HPA}.HorizontalPodAutoscaler"

    metadata: ObjectMeta = attrs.field(metadata=wire("metadata"))
    scale_target_ref: ScaleTargetRef = attrs.field(kw_only=True,
                                                   metadata=wire("spec.scaleTargetRef"))
    min_replicas: int | None = attrs.field(default=None, kw_only=True, metadata=wire(
        "spec.minReplicas", check=partial(rules.optional_integer, minimum=1,
                                          what="minReplicas")))
    max_replicas: int = attrs.field(kw_only=True, metadata=wire("spec.maxReplicas",
                                                                check=_replicas))
    metrics: tuple[Metric, ...] = attrs.field(default=(), converter=to_tuple, kw_only=True,
                                              metadata=wire("spec.metrics"))
    behavior: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, kw_only=True,
                                           metadata=wire("spec.behavior"))
    spec_extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, kw_only=True,
                                             metadata=carried("spec"))
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, kw_only=True,
                                        metadata=carried())

    @rule
    def _bounds(self) -> list[Problem]:
        if self.min_replicas is None or self.min_replicas <= self.max_replicas:
            return []
        return [Problem(path_of(attrs.fields(HorizontalPodAutoscaler).min_replicas),
                        f"minReplicas {self.min_replicas} is above maxReplicas "
                        f"{self.max_replicas}",
                        f"raise maxReplicas to {self.min_replicas} or more, or lower "
                        "minReplicas")]

    @rule
    def _one_metric_per_resource(self) -> list[Problem]:
        return rules.unique(path_of(attrs.fields(HorizontalPodAutoscaler).metrics),
                            self.metrics, key=_resource_metric_name, field="resource.name",
                            what="resource metric")

    @property
    def scaled_resources(self) -> frozenset[str]:
        """The container resources (``cpu``, ``memory``) whose use drives the scaling;
        ``cpu`` when no metric is given (Kubernetes' default of 80% CPU)."""
        if not self.metrics:
            return frozenset({"cpu"})
        return frozenset(name for m in self.metrics if (name := m.resource_name) is not None)

    @classmethod
    def of(cls, target: Any, *, max_replicas: int, min_replicas: int | None = None,
           cpu_utilization: int | None = None, memory_utilization: int | None = None,
           metrics: Iterable[Metric] = (), behavior: Mapping[str, Any] | None = None,
           name: str | None = None, namespace: str | None = None,
           labels: Mapping[str, str] | None = None,
           annotations: Mapping[str, str] | None = None) -> "HorizontalPodAutoscaler":
        """An HPA for ``target`` (a Deployment, StatefulSet or ReplicaSet value, or a
        :class:`ScaleTargetRef`), named and placed as it unless ``name``/``namespace``
        say otherwise; ``cpu_utilization``/``memory_utilization`` (percent of the pods'
        requests) come before the other ``metrics``."""
        collect = Collect()
        at = attrs.fields(cls)
        where = path_of(at.scale_target_ref)
        ref = _target_of(collect, where, ScaleTargetRef, target)
        if isinstance(target, KubeObjectBase) and target.kind not in SCALABLE_KINDS:
            collect.problem(path_of(at.scale_target_ref, attrs.fields(ScaleTargetRef).kind),
                            f"a {target.kind} cannot be scaled horizontally (it has no "
                            "scale subresource)",
                            "scale a " + ", ".join(SCALABLE_KINDS[:-1]) + " or "
                            + SCALABLE_KINDS[-1])
        chosen: list[Metric] = []
        for resource, utilization in (("cpu", cpu_utilization), ("memory", memory_utilization)):
            if utilization is not None:
                where = f"{path_of(at.metrics)}[{len(chosen)}]"
                chosen.append(part(collect, where, Metric, type="Resource",
                                   resource=_resource_metric(collect, f"{where}.resource",
                                                             resource, utilization)))
        chosen += list(metrics)
        owner = target if isinstance(target, KubeObjectBase) else None
        return finish(collect, cls,
                      metadata=object_meta(collect, cls, name or ref.name,
                                           namespace or (owner.namespace if owner else None),
                                           labels, annotations),
                      scale_target_ref=ref, min_replicas=min_replicas,
                      max_replicas=max_replicas, metrics=chosen, behavior=behavior or EMPTY)


def _resource_metric(collect: Collect, at: str, resource: str,
                     utilization: int) -> ResourceMetric:
    target = part(collect, f"{at}.target", MetricTarget, type="Utilization",
                  average_utilization=utilization)
    return part(collect, at, ResourceMetric, name=resource, target=target)


# --- VerticalPodAutoscaler -----------------------------------------------------------------------

UpdateMode: TypeAlias = Literal["Off", "Initial", "Recreate", "InPlaceOrRecreate", "InPlace",
                                "Auto"]
"""How the VPA applies its recommendations: ``Off`` only recommends; ``Initial`` sets
requests when pods are created; ``Recreate`` evicts pods to resize them;
``InPlaceOrRecreate`` / ``InPlace`` resize running pods; ``Auto`` (the default) is
``Recreate`` today."""
ContainerScalingMode: TypeAlias = Literal["Auto", "Off"]
ControlledValues: TypeAlias = Literal["RequestsAndLimits", "RequestsOnly"]


def _vpa_resources(path: str, value: object) -> list[Problem]:
    if value in VPA_RESOURCES:
        return []
    return [Problem(path, f"resource {_show(value)} is not one a VerticalPodAutoscaler sets",
                    "use cpu or memory")]


def _vpa_quantities(path: str, value: object) -> list[Problem]:
    return rules.entries(path, value, key=_vpa_resources, item=_quantity,
                         what="a table of quantities", hint="write e.g. cpu: 100m")


def _container_name(path: str, value: object) -> list[Problem]:
    if value == "*":
        return []
    return rules.dns_label(path, value, what="container name")


def _resource_list(path: str, value: object) -> list[Problem]:
    if not isinstance(value, tuple):
        return [Problem(path, f"controlledResources must be a list, got {_show(value)}",
                        "write e.g. [cpu, memory]")]
    return [p for index, item in enumerate(value)
            for p in _vpa_resources(f"{path}[{index}]", item)]


@attrs.frozen(kw_only=True)
class ContainerPolicy(Value):
    """How the VPA may size one container (``container_name``; ``"*"`` for every
    container without a policy of its own): between ``min_allowed`` and ``max_allowed``,
    for the ``controlled_resources`` (cpu and memory unless given), setting requests
    and limits or requests only (``controlled_values``); ``mode`` ``Off`` leaves the
    container alone. The other fields (``oomBumpUpRatio``...) are carried.

    >>> ContainerPolicy.create(container_name="app", min_allowed={"cpu": "2"},
    ...                        max_allowed={"cpu": "500m"})
    <Failure: 1 problem:
      minAllowed['cpu']: minAllowed 2 is above maxAllowed 500m (lower minAllowed or raise maxAllowed)>
    """

    k8s_definition: ClassVar[str] = f"{_VPA}/spec/resourcePolicy/containerPolicies[]"

    container_name: str = attrs.field(metadata=wire("containerName", check=_container_name))
    mode: ContainerScalingMode | None = attrs.field(default=None, metadata=wire(
        "mode", what="container scaling mode"))
    min_allowed: FrozenMap[Quantity] = attrs.field(default=EMPTY, converter=_quantities,
                                                   metadata=wire("minAllowed",
                                                                 check=_vpa_quantities))
    max_allowed: FrozenMap[Quantity] = attrs.field(default=EMPTY, converter=_quantities,
                                                   metadata=wire("maxAllowed",
                                                                 check=_vpa_quantities))
    controlled_resources: tuple[str, ...] = attrs.field(
        default=(), converter=to_str_tuple, metadata=wire("controlledResources",
                                                          check=_resource_list))
    controlled_values: ControlledValues | None = attrs.field(default=None, metadata=wire(
        "controlledValues", what="controlledValues"))
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, metadata=carried())

    @rule
    def _min_below_max(self) -> list[Problem]:
        found: list[Problem] = []
        where = path_of(attrs.fields(ContainerPolicy).min_allowed)
        for resource, low in self.min_allowed.items():
            high = self.max_allowed.get(resource)
            if isinstance(low, Quantity) and isinstance(high, Quantity) and low > high:
                found.append(Problem(f"{where}[{resource!r}]",
                                     f"minAllowed {low} is above maxAllowed {high}",
                                     "lower minAllowed or raise maxAllowed"))
        return found

    @rule
    def _each_resource_once(self) -> list[Problem]:
        seen = [r for i, r in enumerate(self.controlled_resources)
                if r in self.controlled_resources[:i]]
        if not seen:
            return []
        return [Problem(path_of(attrs.fields(ContainerPolicy).controlled_resources),
                        f"{seen[0]!r} is listed twice", "list each resource once")]

    @property
    def controls(self) -> frozenset[str]:
        """The resources this policy lets the VPA set (none when its mode is Off)."""
        if self.mode == "Off":
            return frozenset()
        return frozenset(self.controlled_resources or VPA_RESOURCES)

    @classmethod
    def of(cls, container_name: str = "*", *,
           min_allowed: "Mapping[str, Quantity | str | int | float] | None" = None,
           max_allowed: "Mapping[str, Quantity | str | int | float] | None" = None,
           controlled_resources: Iterable[str] | None = None,
           controlled_values: ControlledValues | None = None,
           mode: ContainerScalingMode | None = None) -> "ContainerPolicy":
        """The policy of ``container_name`` (``"*"``: every other container)."""
        return cls(container_name=container_name, min_allowed=min_allowed,
                   max_allowed=max_allowed, controlled_resources=controlled_resources or (),
                   controlled_values=controlled_values, mode=mode)


@attrs.frozen(kw_only=True)
class UpdatePolicy(Value):
    """``updatePolicy``: the ``update_mode`` and the fewest live replicas
    (``min_replicas``) for the VPA to evict one; the rest is carried."""

    k8s_definition: ClassVar[str] = f"{_VPA}/spec/updatePolicy"

    update_mode: UpdateMode | None = attrs.field(default=None, metadata=wire(
        "updateMode", what="updateMode"))
    min_replicas: int | None = attrs.field(default=None, metadata=wire(
        "minReplicas", check=partial(rules.optional_integer, minimum=1, what="minReplicas")))
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, metadata=carried())


@attrs.frozen
class VerticalPodAutoscaler(KubeObjectBase):
    """An ``autoscaling.k8s.io/v1`` VerticalPodAutoscaler: it sets the CPU and memory
    requests (and limits, in proportion) of the pods of ``target_ref`` from their use,
    within each container's policy. Without an ``update_policy`` its mode is ``Auto``.

    >>> vpa = VerticalPodAutoscaler.of(ScaleTargetRef("Deployment", "myapp"),
    ...                                name="app-vpa", containers=[ContainerPolicy.of(
    ...                                    "app", min_allowed={"cpu": "100m"},
    ...                                    max_allowed={"cpu": "2000m"})])
    >>> vpa.update_mode, sorted(vpa.controlled_resources)
    ('Auto', ['cpu', 'memory'])
    """

    k8s_definition: ClassVar[str] = _VPA

    metadata: ObjectMeta = attrs.field(metadata=wire("metadata"))
    target_ref: VpaTargetRef = attrs.field(kw_only=True, metadata=wire("spec.targetRef"))
    update_policy: UpdatePolicy | None = attrs.field(default=None, kw_only=True,
                                                     metadata=wire("spec.updatePolicy"))
    container_policies: tuple[ContainerPolicy, ...] = attrs.field(
        default=(), converter=to_tuple, kw_only=True,
        metadata=wire("spec.resourcePolicy.containerPolicies"))
    spec_extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, kw_only=True,
                                             metadata=carried("spec"))
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, kw_only=True,
                                        metadata=carried())

    @rule
    def _one_policy_per_container(self) -> list[Problem]:
        return rules.unique(path_of(attrs.fields(VerticalPodAutoscaler).container_policies),
                            self.container_policies, key=lambda p: p.container_name,
                            field="containerName", what="containerName")

    @property
    def update_mode(self) -> UpdateMode:
        """The mode in effect (``Auto`` when none is given)."""
        given = self.update_policy.update_mode if self.update_policy is not None else None
        return given or "Auto"

    @property
    def controlled_resources(self) -> frozenset[str]:
        """The resources the VPA sets in some container of its pods: those of each
        policy not ``Off``, and cpu and memory for the containers without a policy
        unless a ``"*"`` policy says otherwise. Empty when its mode is ``Off``."""
        if self.update_mode == "Off":
            return frozenset()
        found: set[str] = set()
        if not any(p.container_name == "*" for p in self.container_policies):
            found.update(VPA_RESOURCES)
        for policy in self.container_policies:
            found |= policy.controls
        return frozenset(found)

    @classmethod
    def of(cls, target: Any, *, update_mode: UpdateMode | None = "Auto",
           containers: Iterable[ContainerPolicy] = (), name: str | None = None,
           namespace: str | None = None, labels: Mapping[str, str] | None = None,
           annotations: Mapping[str, str] | None = None) -> "VerticalPodAutoscaler":
        """A VPA for ``target`` (a workload value or a :class:`ScaleTargetRef`), named
        and placed as it unless ``name``/``namespace`` say otherwise. Given a workload,
        each policy must name one of its containers (or ``"*"``)."""
        from kancat.values.kinds import pod_of

        collect = Collect()
        at = attrs.fields(cls)
        ref = _target_of(collect, path_of(at.target_ref), VpaTargetRef, target)
        policies = tuple(containers)
        pod = pod_of(target) if isinstance(target, KubeObjectBase) else None
        if pod is not None:
            names = [c.name for c in pod.all_containers]
            for index, policy in enumerate(policies):
                if isinstance(policy, ContainerPolicy) and policy.container_name != "*" \
                        and policy.container_name not in names:
                    collect.problem(path_of(at.container_policies, index,
                                            attrs.fields(ContainerPolicy).container_name),
                                    f"{target.kind} {target.name!r} has no container "
                                    f"{policy.container_name!r}",
                                    "name one of its containers: " + ", ".join(names))
        policy_value = None if update_mode is None else part(
            collect, path_of(at.update_policy), UpdatePolicy, update_mode=update_mode)
        owner = target if isinstance(target, KubeObjectBase) else None
        return finish(collect, cls,
                      metadata=object_meta(collect, cls, name or ref.name,
                                           namespace or (owner.namespace if owner else None),
                                           labels, annotations),
                      target_ref=ref, update_policy=policy_value, container_policies=policies)
