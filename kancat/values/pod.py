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
from kancat.values.affinity import Affinity, PodAffinityTerm
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
    "is_own_pods_term",
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
    """Spread the pods ``label_selector`` selects across ``topology_key`` domains, at
    most ``max_skew`` apart; ``when_unsatisfiable`` says whether a pod that would skew
    them more waits (``DoNotSchedule``) or runs anyway (``ScheduleAnyway``).
    ``min_domains`` (with ``DoNotSchedule`` only: the fewest domains to count, so that a
    lost zone does not let the rest fill up) needs Kubernetes 1.27; ``nodeAffinityPolicy``,
    ``nodeTaintsPolicy`` and ``matchLabelKeys`` ride in ``extra``.

    The selector counts the pods being spread, so a pod template refuses one that does
    not select its own pods (see :class:`PodTemplate`).

    >>> zones = TopologySpreadConstraint(1, "topology.kubernetes.io/zone", "DoNotSchedule",
    ...                                  LabelSelector.of({"app": "web"}))
    >>> zones.label_selector.matches({"app": "web"})
    True
    >>> TopologySpreadConstraint.create(1, "kubernetes.io/hostname", "ScheduleAnyway",
    ...                                 LabelSelector.of({"app": "web"}), min_domains=3)
    <Failure: 1 problem:
      minDomains: minDomains needs whenUnsatisfiable: DoNotSchedule (drop minDomains, or set whenUnsatisfiable: DoNotSchedule)>
    """

    k8s_definition: ClassVar[str] = "io.k8s.api.core.v1.TopologySpreadConstraint"

    max_skew: int = attrs.field(metadata=wire("maxSkew", check=partial(
        rules.integer, minimum=1, what="maxSkew")))
    topology_key: str = attrs.field(metadata=wire(
        "topologyKey", check=lambda path, value: rules.qualified_name(path, value,
                                                                      what="topology")))
    when_unsatisfiable: WhenUnsatisfiable = attrs.field(metadata=wire("whenUnsatisfiable"))
    label_selector: LabelSelector | None = attrs.field(default=None,
                                                       metadata=wire("labelSelector"))
    min_domains: int | None = attrs.field(default=None, kw_only=True, metadata=wire(
        "minDomains", check=partial(rules.optional_integer, minimum=1, what="minDomains"),
        since=(1, 27), since_what="minDomains (on by default) needs",
        since_hint="drop minDomains"))
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, kw_only=True,
                                        metadata=carried())

    @rule
    def _min_domains(self) -> list[Problem]:
        if self.min_domains is not None and self.when_unsatisfiable != "DoNotSchedule":
            return [Problem(path_of(attrs.fields(TopologySpreadConstraint).min_domains),
                            "minDomains needs whenUnsatisfiable: DoNotSchedule",
                            "drop minDomains, or set whenUnsatisfiable: DoNotSchedule")]
        return []


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
    affinity: Affinity | None
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

    The scheduling keywords take the typed values (:mod:`kancat.values.affinity`; or
    see :mod:`kancat.patterns.scheduling` for the transformations that write them):

    >>> from kancat.values.affinity import Affinity, NodeAffinity, NodeSelector
    >>> from kancat.values.affinity import NodeSelectorRequirement
    >>> arm = Affinity(node_affinity=NodeAffinity(required=NodeSelector.of(
    ...     NodeSelectorRequirement("kubernetes.io/arch", "In", ["arm64"]))))
    >>> zones = TopologySpreadConstraint(1, "topology.kubernetes.io/zone", "DoNotSchedule",
    ...                                  LabelSelector.of({"app": "web"}))
    >>> pod = PodTemplate.of([Container.of("app", image="web:1")], labels={"app": "web"},
    ...                      affinity=arm, topology_spread_constraints=[zones],
    ...                      tolerations=[Toleration("arch", "Equal", "arm64", "NoSchedule")])
    >>> pod.affinity == arm, pod.topology_spread_constraints == (zones,)
    (True, True)
    """

    restart_policy: RestartPolicy | None


_POD_CONVERTERS: dict[str, Any] = {
    "init_containers": to_tuple, "volumes": to_tuple, "node_selector": to_str_map,
    "tolerations": to_tuple, "topology_spread_constraints": to_tuple}


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
    affinity: Affinity | None = attrs.field(default=None, metadata=wire("spec.affinity"))
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

    @rule
    def _schedules_its_own_pods(self) -> list[Problem]:
        """A topology spread constraint counts the pods its selector selects, so one that
        selects none of this pod's spreads nothing of it: a problem. So is a pod
        anti-affinity term meant for the pod's own replicas (see
        :func:`is_own_pods_term`) that does not select them.

        A selector naming a label the controllers add to the pods they create
        (``pod-template-hash``, ``batch.kubernetes.io/job-name``, ...) is not judged:
        the template does not carry it, the pods do."""
        at = attrs.fields(PodTemplate)
        labels = self.labels
        found: list[Problem] = []
        spread_selector = attrs.fields(TopologySpreadConstraint).label_selector
        for index, spread in enumerate(self.topology_spread_constraints):
            selector = spread.label_selector
            if selector is None or not (selector.matches(labels)
                                        or _names_controller_labels(selector)):
                found.append(Problem(
                    path_of(at.topology_spread_constraints, index, spread_selector),
                    "the spread constraint selects none of this pod's own pods"
                    + (" (it has no labelSelector)" if selector is None else
                       f" (pod labels: {_shown_labels(labels)})"),
                    "select the pods it spreads, e.g. labelSelector: {matchLabels: "
                    + _shown_labels(labels or {"app": "web"}) + "}"))
        found += rules.unique(
            lambda: path_of(at.topology_spread_constraints), self.topology_spread_constraints,
            lambda c: (c.topology_key, c.when_unsatisfiable), field="topologyKey",
            what="topologyKey and whenUnsatisfiable pair")
        affinity = self.affinity
        for where, term in affinity.pod_terms if affinity is not None else ():
            selector = term.label_selector
            if where.startswith("podAntiAffinity") and is_own_pods_term(term, labels) \
                    and selector is not None and not selector.matches(labels):
                found.append(Problem(
                    f"{path_of(at.affinity)}.{where}.labelSelector",
                    "the anti-affinity term names only this pod's own label keys, agrees "
                    f"with none of its labels {_shown_labels(labels)} and so selects none "
                    "of its pods",
                    "select the pod's own labels to keep its replicas apart, or, to "
                    "keep away from another app's pods, select them with "
                    "matchExpressions (e.g. app In [batch])"))
        return found

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


_CONTROLLER_LABELS = frozenset({
    "pod-template-hash", "controller-revision-hash", "statefulset.kubernetes.io/pod-name",
    "apps.kubernetes.io/pod-index", "batch.kubernetes.io/job-name", "job-name",
    "batch.kubernetes.io/controller-uid", "controller-uid",
    "batch.kubernetes.io/job-completion-index"})
"""Labels Kubernetes' controllers add to the pods they create, absent from templates."""


def _names_controller_labels(selector: LabelSelector) -> bool:
    return any(key in _CONTROLLER_LABELS for key in selector.match_labels) or any(
        requirement.key in _CONTROLLER_LABELS for requirement in selector.match_expressions)


def _shown_labels(labels: Mapping[str, str]) -> str:
    return "{" + ", ".join(f"{key}: {value}" for key, value in sorted(labels.items())) + "}"


def is_own_pods_term(term: PodAffinityTerm, labels: Mapping[str, str]) -> bool:
    """Whether a pod anti-affinity ``term`` is meant for the pod's own replicas (a pod
    labelled ``labels``), as :class:`PodTemplate` decides it — which then requires it to
    select them.

    Kubernetes cannot say: in a term of an ``app: web`` pod, ``app: web`` keeps the
    replicas apart, ``app: wbe`` is a typo of it, ``{app: web, track: stable}`` keeps a
    canary away from the stable pods, and ``app In [batch]`` keeps away from another
    app. kancat reads a term as meant for the pod's own replicas when it selects by
    ``matchLabels`` alone, on label keys the pod itself carries, in the pod's own
    namespace (no ``namespaces``, no ``namespaceSelector``) — that is how a workload
    names its pods — and either selects the pod or agrees with it on no label at all
    (a misspelt selector of its own pods). A term that agrees on some labels and
    differs on others (canary against stable) selects siblings on purpose; a term about
    another app's pods says so with ``matchExpressions``, a key the pod does not carry,
    or namespaces. Pod *affinity* terms are about other pods (a cache beside its users)
    and are not read this way.

    >>> web = {"app": "web", "track": "canary"}
    >>> is_own_pods_term(PodAffinityTerm.of("kubernetes.io/hostname", {"app": "web"}), web)
    True
    >>> is_own_pods_term(PodAffinityTerm.of("kubernetes.io/hostname", {"app": "wbe"}), web)
    True
    >>> stable = {"app": "web", "track": "stable"}
    >>> is_own_pods_term(PodAffinityTerm.of("kubernetes.io/hostname", stable), web)
    False
    >>> from kancat.values.meta import LabelSelectorRequirement
    >>> batch = LabelSelector.of(None, LabelSelectorRequirement("app", "In", ["batch"]))
    >>> is_own_pods_term(PodAffinityTerm.of("kubernetes.io/hostname", batch), web)
    False
    """
    selector = term.label_selector
    if (selector is None or not selector.match_labels or selector.match_expressions
            or _names_controller_labels(selector)
            or term.namespaces or term.namespace_selector is not None
            or not all(key in labels for key in selector.match_labels)):
        return False
    return selector.matches(labels) or not any(
        labels[key] == value for key, value in selector.match_labels.items())


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
