"""Pod templates: containers, init containers (native sidecars included), volumes,
scheduling fields, service account, pod security context and restart policy.

Problems are reported relative to the template (``spec.containers[1].name``);
workloads prefix them with ``spec.template``.

>>> app = Container.of("app", image="web:1.0")
>>> pod = PodTemplate.of([app, app], labels={"app": "web"})
Traceback (most recent call last):
...
kancat.errors.InvalidValue: 1 problem:
  spec.containers[1].name: duplicate container name 'app' (already used by containers[0]) (give every container and init container its own name)
"""

from collections.abc import Iterable, Mapping
from functools import partial
from typing import Any, ClassVar, Literal, TypeAlias, TypedDict, Unpack

import attrs

from kancat.core import rules
from kancat.core.checks import type_problems
from kancat.core.collect import to_frozen, to_str_map, to_tuple
from kancat.core.fields import carried, path_of, shape_of, wire
from kancat.core.frozen import EMPTY, FrozenMap
from kancat.core.value import Value, rule
from kancat.errors import Problem
from kancat.values.container import CommonSecurityContext, Container, VolumeMount
from kancat.values.meta import KubeObjectBase, LabelSelector
from kancat.values.volume import Volume

__all__ = [
    "PodKeywords",
    "PodOptions",
    "PodSecurityContext",
    "PodTemplate",
    "RestartPolicy",
    "TaintEffect",
    "Toleration",
    "TopologySpreadConstraint",
    "WhenUnsatisfiable",
]

_ID = partial(rules.integer, minimum=0, maximum=2**31 - 1)

RestartPolicy: TypeAlias = Literal["Always", "OnFailure", "Never"]
"""A pod's ``spec.restartPolicy`` (absent, Kubernetes makes it ``Always``). Each kind
allows some: the controllers that keep pods running (Deployment, StatefulSet,
ReplicaSet, DaemonSet) only ``Always``; a Job's pods only ``OnFailure`` or ``Never``;
a bare Pod any of them."""


@attrs.frozen(kw_only=True)
class PodSecurityContext(CommonSecurityContext):
    """The pod-level ``securityContext``; unmodelled fields ride in ``extra``."""

    k8s_definition: ClassVar[str] = "io.k8s.api.core.v1.PodSecurityContext"

    fs_group: int | None = attrs.field(default=None, metadata=wire(
        "fsGroup", check=partial(_ID, what="fsGroup")))
    supplemental_groups: tuple[int, ...] = attrs.field(default=(), converter=to_tuple,
                                                       metadata=wire("supplementalGroups"))

    @rule
    def _groups(self) -> list[Problem]:
        at = attrs.fields(PodSecurityContext)
        found: list[Problem] = []
        for index, group in enumerate(self.supplemental_groups):
            found += rules.integer(path_of(at.supplemental_groups, index), group, minimum=0,
                                   what="group")
        return found


TaintEffect: TypeAlias = Literal["NoSchedule", "PreferNoSchedule", "NoExecute"]


@attrs.frozen
class Toleration(Value):
    """Lets the pod run on nodes with a matching taint: ``key``/``value`` with
    ``operator="Equal"``, any value with ``"Exists"`` (and no key: every taint).

    >>> Toleration("dedicated", "Equal", "gpu", "NoSchedule").effect
    'NoSchedule'
    """

    k8s_definition: ClassVar[str] = "io.k8s.api.core.v1.Toleration"

    key: str | None = attrs.field(default=None, metadata=wire(
        "key", check=lambda path, value: rules.qualified_name(path, value, what="taint")))
    operator: Literal["Exists", "Equal"] | None = attrs.field(default=None,
                                                              metadata=wire("operator"))
    value: str | None = attrs.field(default=None, metadata=wire("value"))
    effect: TaintEffect | None = attrs.field(default=None, metadata=wire("effect"))
    toleration_seconds: int | None = attrs.field(default=None,
                                                 metadata=wire("tolerationSeconds"))

    @rule
    def _consistent(self) -> list[Problem]:
        at = attrs.fields(Toleration)
        found: list[Problem] = []
        if self.operator == "Exists" and self.value:
            found.append(Problem(path_of(at.value), "operator Exists takes no value",
                                 "remove the value"))
        if self.key is None and self.operator != "Exists":
            found.append(Problem(path_of(at.operator), "an empty key needs operator Exists",
                                 "set operator: Exists or give a key"))
        if self.toleration_seconds is not None and self.effect != "NoExecute":
            found.append(Problem(path_of(at.toleration_seconds),
                                 "tolerationSeconds needs effect NoExecute",
                                 "set effect: NoExecute or drop tolerationSeconds"))
        return found


WhenUnsatisfiable: TypeAlias = Literal["DoNotSchedule", "ScheduleAnyway"]


@attrs.frozen
class TopologySpreadConstraint(Value):
    """Spread matching pods across ``topology_key`` domains with at most ``max_skew``."""

    k8s_definition: ClassVar[str] = "io.k8s.api.core.v1.TopologySpreadConstraint"

    max_skew: int = attrs.field(metadata=wire("maxSkew", check=partial(
        rules.integer, minimum=1, what="maxSkew")))
    topology_key: str = attrs.field(metadata=wire(
        "topologyKey", check=lambda path, value: rules.qualified_name(path, value,
                                                                      what="topology")))
    when_unsatisfiable: WhenUnsatisfiable = attrs.field(metadata=wire("whenUnsatisfiable"))
    label_selector: LabelSelector | None = attrs.field(default=None,
                                                       metadata=wire("labelSelector"))
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, kw_only=True,
                                        metadata=carried())


class PodKeywords(TypedDict, total=False):
    """The pod keywords every constructor of a kind with pods takes, each a field of
    :class:`PodTemplate`: those of :class:`PodOptions` but ``restart_policy``, which
    :meth:`Job.of <kancat.values.Job.of>` and :meth:`CronJob.of
    <kancat.values.CronJob.of>` take with a Job's choices and default.

    >>> sorted(PodOptions.__annotations__.keys() - PodKeywords.__annotations__.keys())
    ['restart_policy']
    """

    init_containers: Iterable[Container]
    volumes: Iterable[Volume]
    service_account_name: str | None
    automount_service_account_token: bool | None
    security_context: PodSecurityContext | None
    node_selector: Mapping[str, str] | None
    affinity: Mapping[str, Any] | None
    tolerations: Iterable[Toleration]
    topology_spread_constraints: Iterable[TopologySpreadConstraint]
    termination_grace_period_seconds: int | None


class PodOptions(PodKeywords, total=False):
    """The pod keywords :meth:`PodTemplate.of`, :meth:`Pod.of <kancat.values.Pod.of>`,
    :meth:`Deployment.of <kancat.values.Deployment.of>`, :meth:`StatefulSet.of
    <kancat.values.StatefulSet.of>`, :meth:`ReplicaSet.of <kancat.values.ReplicaSet.of>`
    and :meth:`DaemonSet.of <kancat.values.DaemonSet.of>` all take, each a field of
    :class:`PodTemplate` (a controller's pods take only ``restart_policy="Always"``,
    Kubernetes' default):

    >>> pod = PodTemplate.of([Container.of("app", image="web:1")], service_account_name="web",
    ...                      node_selector={"disktype": "ssd"}, restart_policy="Never")
    >>> (pod.service_account_name, dict(pod.node_selector), pod.restart_policy)
    ('web', {'disktype': 'ssd'}, 'Never')
    """

    restart_policy: RestartPolicy | None


_POD_CONVERTERS: dict[str, Any] = {
    "init_containers": to_tuple, "volumes": to_tuple, "node_selector": to_str_map,
    "affinity": to_frozen, "tolerations": to_tuple, "topology_spread_constraints": to_tuple}


def pod_fields(options: PodKeywords) -> dict[str, Any]:
    """The :class:`PodTemplate` fields of ``options`` (:class:`PodOptions`, or keywords
    like them), lenient inputs converted; an unknown keyword is refused like any
    unknown keyword argument."""
    unknown = set(options) - PodOptions.__annotations__.keys()
    if unknown:
        raise TypeError(f"unexpected keyword argument {sorted(unknown)[0]!r}")
    return {key: _POD_CONVERTERS.get(key, _same)(value) for key, value in options.items()}


def _same(value: Any) -> Any:
    return value


@attrs.frozen(kw_only=True)
class PodTemplate(Value):
    """``spec.template`` of a workload: the pod every replica is made from.

    Built by keyword (``PodTemplate(containers=[...], labels=...)``), or with
    :meth:`of`, which takes the containers first.
    """

    k8s_definition: ClassVar[str] = "io.k8s.api.core.v1.PodTemplateSpec"

    labels: FrozenMap[str] = attrs.field(default=EMPTY, converter=to_str_map,
                                         metadata=wire("metadata.labels", check=rules.labels))
    annotations: FrozenMap[str] = attrs.field(default=EMPTY, converter=to_str_map,
                                              metadata=wire("metadata.annotations",
                                                            check=rules.annotations))
    metadata_extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen,
                                                 metadata=carried("metadata"))
    service_account_name: str | None = attrs.field(default=None, metadata=wire(
        "spec.serviceAccountName", check=partial(rules.dns_subdomain,
                                                 what="service account name")))
    automount_service_account_token: bool | None = attrs.field(
        default=None, metadata=wire("spec.automountServiceAccountToken"))
    host_network: bool | None = attrs.field(default=None, metadata=wire("spec.hostNetwork"))
    security_context: PodSecurityContext | None = attrs.field(
        default=None, metadata=wire("spec.securityContext"))
    init_containers: tuple[Container, ...] = attrs.field(default=(), converter=to_tuple,
                                                         metadata=wire("spec.initContainers"))
    containers: tuple[Container, ...] = attrs.field(converter=to_tuple,
                                                    metadata=wire("spec.containers"))
    volumes: tuple[Volume, ...] = attrs.field(default=(), converter=to_tuple,
                                              metadata=wire("spec.volumes"))
    node_selector: FrozenMap[str] = attrs.field(default=EMPTY, converter=to_str_map,
                                                metadata=wire("spec.nodeSelector",
                                                              check=rules.labels))
    affinity: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen,
                                           metadata=wire("spec.affinity"))
    tolerations: tuple[Toleration, ...] = attrs.field(default=(), converter=to_tuple,
                                                      metadata=wire("spec.tolerations"))
    topology_spread_constraints: tuple[TopologySpreadConstraint, ...] = attrs.field(
        default=(), converter=to_tuple, metadata=wire("spec.topologySpreadConstraints"))
    # Kubernetes writes restartPolicy just before terminationGracePeriodSeconds.
    restart_policy: RestartPolicy | None = attrs.field(default=None,
                                                       metadata=wire("spec.restartPolicy"))
    termination_grace_period_seconds: int | None = attrs.field(default=None, metadata=wire(
        "spec.terminationGracePeriodSeconds", check=partial(
            rules.integer, minimum=0, what="terminationGracePeriodSeconds")))
    spec_extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen,
                                             metadata=carried("spec"))

    @rule
    def _containers(self) -> list[Problem]:
        at, of = attrs.fields(PodTemplate), attrs.fields(Container)
        found: list[Problem] = []
        if not self.containers:
            found.append(Problem(path_of(at.containers), "a pod needs at least one container",
                                 "add the application container"))
        seen: dict[str, tuple[Any, int]] = {}
        for field, group in ((at.init_containers, self.init_containers),
                             (at.containers, self.containers)):
            for index, container in enumerate(group):
                name = container.name
                if isinstance(name, str):
                    if name in seen:
                        first, number = seen[name]
                        key = path_of(first).rsplit(".", 1)[-1]
                        found.append(Problem(path_of(field, index, of.name),
                                             f"duplicate container name {name!r} (already used "
                                             f"by {key}[{number}])",
                                             "give every container and init container its "
                                             "own name"))
                    else:
                        seen[name] = (field, index)
                if field is at.containers and container.restart_policy is not None:
                    found.append(Problem(path_of(field, index, of.restart_policy),
                                         "restartPolicy is only allowed on init containers",
                                         "move the container to initContainers to make it a "
                                         "native sidecar, or remove restartPolicy"))
                if field is at.init_containers and not container.is_native_sidecar:
                    for probe in (of.liveness_probe, of.readiness_probe, of.startup_probe):
                        if getattr(container, probe.name) is not None:
                            found.append(Problem(
                                path_of(field, index, probe),
                                "init containers run to completion and take no probes",
                                "remove the probe, or set restartPolicy: Always to make it "
                                "a native sidecar"))
        return found

    @rule
    def _volumes(self) -> list[Problem]:
        return rules.unique(lambda: path_of(attrs.fields(PodTemplate).volumes), self.volumes,
                            lambda v: v.name, field="name", what="volume name")

    @classmethod
    def of(cls, containers: Iterable[Container], *,
           labels: Mapping[str, str] | None = None,
           annotations: Mapping[str, str] | None = None,
           **options: Unpack[PodOptions]) -> "PodTemplate":
        """A pod template from its containers, labels, annotations and the keywords of
        :class:`PodOptions` (e.g. ``volumes=``, ``service_account_name=``)."""
        return cls(containers=to_tuple(containers), labels=to_str_map(labels),
                   annotations=to_str_map(annotations), **pod_fields(options))

    @property
    def all_containers(self) -> tuple[Container, ...]:
        """Init containers first, then app containers (the order the kubelet starts them)."""
        return self.init_containers + self.containers

    def mount_problems(self, claim_names: Iterable[str] = ()) -> list[Problem]:
        """Mounts naming neither a pod volume nor one of ``claim_names``.

        A StatefulSet's ``volumeClaimTemplates`` become pod volumes at run time,
        which is why the workload, not the template, runs this rule.
        """
        known = {v.name for v in self.volumes} | set(claim_names)
        at, of = attrs.fields(PodTemplate), attrs.fields(Container)
        found: list[Problem] = []
        for field, group in ((at.init_containers, self.init_containers),
                             (at.containers, self.containers)):
            for index, container in enumerate(group):
                for number, mount in enumerate(container.volume_mounts):
                    if mount.name not in known:
                        found.append(Problem(
                            path_of(field, index, of.volume_mounts, number,
                                    attrs.fields(VolumeMount).name),
                            f"volume {mount.name!r} is not declared",
                            "add it to spec.volumes (declared: "
                            + (", ".join(sorted(known)) or "none") + ")"))
        return found


_TEMPLATE_SHAPE = shape_of(PodTemplate)[0]


def only_pod_template(path: str, value: object) -> list[Problem]:
    """The rule of a field holding a pod template (a workload's ``spec.template``): a
    :class:`PodTemplate`, and not an object that is one too — a
    :class:`~kancat.values.Pod` given as a template would be written as a plain
    template, its name and namespace lost.

    >>> from kancat.values import Pod
    >>> app = Container.of("app", image="web:1")
    >>> for problem in only_pod_template("spec.template", Pod.of("debug", containers=[app])):
    ...     print(problem)
    spec.template: Pod 'debug' is not a pod template (its name and namespace would be lost) (use its template (pod.as_template()) or a PodTemplate)
    >>> only_pod_template("spec.template", PodTemplate.of([app]))
    []
    """
    if isinstance(value, KubeObjectBase):
        return [Problem(path, f"{type(value).__name__} {value.name!r} is not a pod template "
                              "(its name and namespace would be lost)",
                        "use its template (pod.as_template()) or a PodTemplate")]
    return type_problems(_TEMPLATE_SHAPE, value, path, "template")
