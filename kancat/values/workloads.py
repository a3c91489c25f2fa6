"""Workloads: Deployment, StatefulSet (with volumeClaimTemplates and serviceName),
ReplicaSet, DaemonSet, and the bare Pod.

>>> web = Deployment.of("web", replicas=3, containers=[
...     Container.of("app", image="registry.example.com/shop/web:1.4.2", ports={"http": 8080}),
... ])
>>> (web.name, web.replicas, dict(web.selector.match_labels))
('web', 3, {'app': 'web'})
>>> Deployment.create("web", replicas=-1, containers=[Container.of("app", image="web:1")])
<Failure: 1 problem:
  spec.replicas: replicas must be >= 0, got -1 (use 0 or more)>
"""

from collections.abc import Iterable, Mapping
from functools import partial
from typing import Any, ClassVar, Literal, TypeAlias, Unpack, cast

import attrs

from kancat.core import rules
from kancat.core.collect import Collect, to_frozen, to_str_map, to_str_tuple, to_tuple
from kancat.core.fields import carried, path_of, wire
from kancat.core.frozen import EMPTY, FrozenMap
from kancat.core.value import Value, finish, part, rule
from kancat.errors import Problem
from kancat.values.container import Container
from kancat.values.meta import KubeObjectBase, LabelSelector, ObjectMeta, object_meta
from kancat.values.pod import (
    PodKeywords,
    PodOptions,
    PodTemplate,
    RestartPolicy,
    only_pod_template,
    pod_fields,
)
from kancat.values.quantity import Quantity, as_quantity

__all__ = ["AccessMode", "DaemonSet", "Deployment", "PersistentVolumeClaimTemplate", "Pod",
           "PodController", "ReplicaSet", "StatefulSet"]

AccessMode: TypeAlias = Literal["ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany",
                                "ReadWriteOncePod"]

_REPLICAS = partial(rules.integer, minimum=0, maximum=2**31 - 1, what="replicas")
_RESTART_POLICY = path_of(attrs.fields(PodTemplate).restart_policy)
_RESTART_POLICIES: tuple[RestartPolicy, ...] = ("Always", "OnFailure", "Never")


def _restart_policy_problems(pod: PodTemplate, allowed: tuple[RestartPolicy, ...], *,
                            whose: str, required: bool = False) -> list[Problem]:
    """The problems of ``pod``'s ``restartPolicy`` when only the ``allowed`` policies
    are (``whose`` pods they are: "a Job's pods"); absent, Kubernetes makes it
    ``Always`` (``required``: that default is refused, as for a Job). A policy that is
    none of Kubernetes' is the template's own problem, reported by its field. Paths
    are relative to the pod template.

    >>> pod = PodTemplate.of([Container.of("app", image="web:1")])
    >>> for problem in _restart_policy_problems(pod, ("OnFailure", "Never"),
    ...                                         whose="a Job's pods", required=True):
    ...     print(problem)
    spec.restartPolicy: a Job's pods need restartPolicy OnFailure or Never (Kubernetes would make it Always) (set restartPolicy: Never (or OnFailure to retry in the same pod))
    """
    policy = pod.restart_policy
    choices = " or ".join([", ".join(allowed[:-1]), allowed[-1]] if allowed[:-1] else allowed)
    if policy is None:
        if not required:
            return []
        return [Problem(_RESTART_POLICY, f"{whose} need restartPolicy {choices} "
                                         "(Kubernetes would make it Always)",
                        "set restartPolicy: Never (or OnFailure to retry in the same pod)")]
    if policy in allowed or policy not in _RESTART_POLICIES:
        return []
    return [Problem(_RESTART_POLICY, f"restartPolicy {policy!r} is not allowed for {whose}",
                    f"use {choices}")]


class _PodController(KubeObjectBase):
    """The rules of the kinds that keep pods made from ``template`` running and find
    them by ``selector`` (Deployment, StatefulSet, ReplicaSet, DaemonSet). Each declares
    its fields itself, in the order of its manifest (``spec.replicas`` before
    ``spec.selector``); this base has none, so it fixes no order."""

    __slots__ = ()

    selector: LabelSelector
    template: PodTemplate

    def _volumes_at_run_time(self) -> Iterable[str]:
        """Names a mount may use besides the template's volumes."""
        return ()

    @rule
    def _pods(self) -> list[Problem]:
        at = attrs.fields(cast("type[attrs.AttrsInstance]", type(self)))  # its subclasses'
        found: list[Problem] = []
        if self.selector.is_empty:
            found.append(Problem(path_of(at.selector), "the selector is empty",
                                 "select the pods by the template's labels, e.g. app: <name>"))
        elif not self.selector.matches(self.template.labels):
            found.append(Problem(path_of(at.selector),
                                 "selector does not match the template labels "
                                 f"{dict(self.template.labels)}",
                                 "make spec.template.metadata.labels carry every label the "
                                 "selector requires"))
        # The API server refuses any other policy: the controller restarts the pods itself.
        found += [p.under(path_of(at.template)) for p in _restart_policy_problems(
            self.template, ("Always",), whose=f"a {type(self).__name__}'s pods")]
        found += [p.under(path_of(at.template))
                  for p in self.template.mount_problems(self._volumes_at_run_time())]
        return found


@attrs.frozen
class _Workload(_PodController):
    """What Deployment, StatefulSet and ReplicaSet share: ``replicas`` pods made from
    ``template`` and selected by ``selector``."""

    metadata: ObjectMeta = attrs.field(metadata=wire("metadata"))
    replicas: int | None = attrs.field(default=None, kw_only=True,
                                       metadata=wire("spec.replicas", check=_REPLICAS))
    selector: LabelSelector = attrs.field(kw_only=True, metadata=wire("spec.selector"))
    template: PodTemplate = attrs.field(kw_only=True, metadata=wire(
        "spec.template", check=only_pod_template))
    spec_extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, kw_only=True,
                                             metadata=carried("spec"))
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, kw_only=True,
                                        metadata=carried())


@attrs.frozen
class Deployment(_Workload):
    """An ``apps/v1`` Deployment. ``spec_extra`` carries e.g. ``strategy``, ``minReadySeconds``."""

    k8s_definition: ClassVar[str] = "io.k8s.api.apps.v1.Deployment"

    @classmethod
    def of(cls, name: str, *, containers: Iterable[Container],
           replicas: int | None = None,
           namespace: str | None = None,
           labels: Mapping[str, str] | None = None,
           annotations: Mapping[str, str] | None = None,
           pod_annotations: Mapping[str, str] | None = None,
           strategy: Mapping[str, Any] | None = None,
           **pod: Unpack[PodOptions]) -> "Deployment":
        """A Deployment whose pods carry ``labels`` (default ``{"app": name}``) and are
        selected by them; ``annotations`` go on the Deployment, ``pod_annotations`` on
        its pods, ``strategy`` is ``spec.strategy`` (e.g. ``{"type": "Recreate"}``), and
        the other keywords are those of :class:`~kancat.values.pod.PodOptions`
        (``volumes=``, ``service_account_name=``, ``tolerations=``, ...; the pods of a
        Deployment, as of every controller, take only ``restart_policy="Always"``).
        :meth:`StatefulSet.of` takes the same keywords."""
        meta, template, selector, collect = _pods_of(cls, name, namespace, labels, annotations,
                                                     pod_annotations, containers, pod)
        return finish(collect, cls, metadata=meta, template=template, selector=selector,
                      replicas=replicas, spec_extra=_strategy("strategy", strategy))


@attrs.frozen
class PersistentVolumeClaimTemplate(Value):
    """One ``volumeClaimTemplates`` entry: each replica gets its own claim ``<name>-<pod>``.

    >>> PersistentVolumeClaimTemplate("data", "20Gi", storage_class_name="fast-ssd").storage
    Quantity(text='20Gi')
    """

    k8s_definition: ClassVar[str] = "io.k8s.api.core.v1.PersistentVolumeClaim"

    name: str = attrs.field(metadata=wire("metadata.name", check=partial(
        rules.dns_label, what="claim template name")))
    labels: FrozenMap[str] = attrs.field(default=EMPTY, converter=to_str_map, kw_only=True,
                                         metadata=wire("metadata.labels", check=rules.labels))
    metadata_extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen,
                                                 kw_only=True, metadata=carried("metadata"))
    access_modes: tuple[AccessMode, ...] = attrs.field(
        default=("ReadWriteOnce",), converter=to_str_tuple, kw_only=True,
        metadata=wire("spec.accessModes", what="access mode"))
    storage_class_name: str | None = attrs.field(default=None, kw_only=True, metadata=wire(
        "spec.storageClassName", check=partial(rules.dns_subdomain, what="storage class name")))
    storage: Quantity = attrs.field(converter=as_quantity, metadata=wire(
        "spec.resources.requests.storage"))
    spec_extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, kw_only=True,
                                             metadata=carried("spec"))
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, kw_only=True,
                                        metadata=carried())


    @rule
    def _claim(self) -> list[Problem]:
        at = attrs.fields(PersistentVolumeClaimTemplate)
        found: list[Problem] = []
        if not self.access_modes:
            found.append(Problem(path_of(at.access_modes), "no access mode is given",
                                 "use ReadWriteOnce for a per-replica disk"))
        if self.storage.amount <= 0:
            found.append(Problem(path_of(at.storage), f"storage {self.storage} is not positive",
                                 "request a size such as 10Gi"))
        return found


@attrs.frozen
class StatefulSet(_Workload):
    """An ``apps/v1`` StatefulSet: stable names, ordered start, a claim per replica.

    Mounts may name a volume claim template as well as a pod volume.
    """

    k8s_definition: ClassVar[str] = "io.k8s.api.apps.v1.StatefulSet"

    service_name: str = attrs.field(kw_only=True, metadata=wire("spec.serviceName", check=partial(
        rules.dns1035_label, what="governing Service name")))
    volume_claim_templates: tuple[PersistentVolumeClaimTemplate, ...] = attrs.field(
        default=(), converter=to_tuple, kw_only=True,
        metadata=wire("spec.volumeClaimTemplates"))

    def _volumes_at_run_time(self) -> Iterable[str]:
        """The claim templates: each becomes a pod volume when a replica starts."""
        return [t.name for t in self.volume_claim_templates]

    @rule
    def _names(self) -> list[Problem]:
        at = attrs.fields(StatefulSet)
        found = rules.dns_label(path_of(at.metadata, attrs.fields(ObjectMeta).name),
                                self.metadata.name, what="StatefulSet name")
        claim_name = path_of(attrs.fields(PersistentVolumeClaimTemplate).name)
        found += rules.unique(path_of(at.volume_claim_templates), self.volume_claim_templates,
                              lambda t: t.name, field=claim_name, what="claim template name")
        volumes = {v.name for v in self.template.volumes}
        for index, claim in enumerate(self.volume_claim_templates):
            if claim.name in volumes:
                found.append(Problem(path_of(at.volume_claim_templates, index, claim_name),
                                     f"{claim.name!r} is also a pod volume",
                                     "rename the claim template or the pod volume"))
        return found

    @classmethod
    def of(cls, name: str, *, containers: Iterable[Container], service_name: str,
           replicas: int | None = None,
           volume_claim_templates: Iterable[PersistentVolumeClaimTemplate] = (),
           namespace: str | None = None,
           labels: Mapping[str, str] | None = None,
           annotations: Mapping[str, str] | None = None,
           pod_annotations: Mapping[str, str] | None = None,
           strategy: Mapping[str, Any] | None = None,
           **pod: Unpack[PodOptions]) -> "StatefulSet":
        """A StatefulSet governed by the headless Service ``service_name``, with a claim
        per replica from each of ``volume_claim_templates``; the other keywords are
        those of :meth:`Deployment.of` (``strategy`` is ``spec.updateStrategy``, e.g.
        ``{"type": "OnDelete"}``)."""
        meta, template, selector, collect = _pods_of(cls, name, namespace, labels, annotations,
                                                     pod_annotations, containers, pod)
        return finish(collect, cls, metadata=meta, template=template, selector=selector,
                      replicas=replicas, service_name=service_name,
                      volume_claim_templates=volume_claim_templates,
                      spec_extra=_strategy("updateStrategy", strategy))


@attrs.frozen
class ReplicaSet(_Workload):
    """An ``apps/v1`` ReplicaSet: ``replicas`` identical pods, no rollout of its own (a
    Deployment manages ReplicaSets; use one directly only for pods never updated in
    place).

    >>> rs = ReplicaSet.of("cache", replicas=2,
    ...                    containers=[Container.of("redis", image="redis:7.4")])
    >>> (rs.replicas, dict(rs.template.labels))
    (2, {'app': 'cache'})
    """

    k8s_definition: ClassVar[str] = "io.k8s.api.apps.v1.ReplicaSet"

    @classmethod
    def of(cls, name: str, *, containers: Iterable[Container],
           replicas: int | None = None,
           namespace: str | None = None,
           labels: Mapping[str, str] | None = None,
           annotations: Mapping[str, str] | None = None,
           pod_annotations: Mapping[str, str] | None = None,
           **pod: Unpack[PodOptions]) -> "ReplicaSet":
        """A ReplicaSet; the keywords are those of :meth:`Deployment.of` but
        ``strategy`` (a ReplicaSet replaces no pods by itself)."""
        meta, template, selector, collect = _pods_of(cls, name, namespace, labels, annotations,
                                                     pod_annotations, containers, pod)
        return finish(collect, cls, metadata=meta, template=template, selector=selector,
                      replicas=replicas)


@attrs.frozen
class DaemonSet(_PodController):
    """An ``apps/v1`` DaemonSet: one pod on every node (its template's tolerations and
    node selector decide which); ``spec_extra`` carries e.g. ``updateStrategy``.

    >>> from kancat.values import Toleration
    >>> agent = DaemonSet.of("node-agent", containers=[
    ...     Container.of("agent", image="registry.example.com/ops/agent:2.1")],
    ...     tolerations=[Toleration(operator="Exists")])
    >>> (agent.name, dict(agent.selector.match_labels))
    ('node-agent', {'app': 'node-agent'})
    """

    k8s_definition: ClassVar[str] = "io.k8s.api.apps.v1.DaemonSet"

    metadata: ObjectMeta = attrs.field(metadata=wire("metadata"))
    selector: LabelSelector = attrs.field(kw_only=True, metadata=wire("spec.selector"))
    template: PodTemplate = attrs.field(kw_only=True, metadata=wire(
        "spec.template", check=only_pod_template))
    spec_extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, kw_only=True,
                                             metadata=carried("spec"))
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, kw_only=True,
                                        metadata=carried())

    @classmethod
    def of(cls, name: str, *, containers: Iterable[Container],
           namespace: str | None = None,
           labels: Mapping[str, str] | None = None,
           annotations: Mapping[str, str] | None = None,
           pod_annotations: Mapping[str, str] | None = None,
           strategy: Mapping[str, Any] | None = None,
           **pod: Unpack[PodOptions]) -> "DaemonSet":
        """A DaemonSet; the keywords are those of :meth:`Deployment.of` but ``replicas``
        (one pod per node), and ``strategy`` is ``spec.updateStrategy`` (e.g.
        ``{"type": "OnDelete"}``)."""
        meta, template, selector, collect = _pods_of(cls, name, namespace, labels, annotations,
                                                     pod_annotations, containers, pod)
        return finish(collect, cls, metadata=meta, template=template, selector=selector,
                      spec_extra=_strategy("updateStrategy", strategy))


PodController: TypeAlias = Deployment | StatefulSet | ReplicaSet | DaemonSet
"""The kinds that keep pods made from their ``template`` running, replace them when
they die, and find them by their ``selector``: what a Service fronts
(:meth:`Service.expose <kancat.values.Service.expose>`) and a mesh service runs. (Not a
Job or CronJob, whose pods run to completion and are gone, nor a bare Pod, which
nothing replaces.)"""


_POD_HEAD = ("name", "namespace")


def _name_first(cls: type, fields: list["attrs.Attribute[Any]"]
                ) -> list["attrs.Attribute[Any]"]:
    """attrs puts a base class's fields before a subclass's; a Pod's manifest starts
    with its name and namespace, then its pod template's labels and annotations."""
    return ([f for f in fields if f.name in _POD_HEAD]
            + [f for f in fields if f.name not in _POD_HEAD])


@attrs.frozen(kw_only=True, field_transformer=_name_first)
class Pod(PodTemplate, KubeObjectBase):
    """A bare ``v1`` Pod, run once by no controller (a one-off task, a debugging shell).

    A Pod's manifest is exactly a pod template's — ``metadata`` labels and annotations,
    and ``spec`` — with a name and a namespace, so a Pod *is* a :class:`PodTemplate`
    with ``name``, ``namespace`` and ``extra`` (e.g. ``status``): its containers,
    volumes and pod fields are its own attributes, every pod transformation and
    ``fmap`` acts on it as on any template, and its row of the kinds table finds its
    pod at the empty path (:func:`~kancat.values.kinds.pod_path` is ``""``).
    ``metadata`` is the object metadata the Pod's fields make up. A Pod takes any
    ``restart_policy`` (Kubernetes' default: ``Always``).

    A Pod is not a workload's template, though: given as one, it is refused (its name
    would be lost); :meth:`as_template` is the template it is made of.

    >>> pod = Pod.of("debug", namespace="shop", restart_policy="Never",
    ...              containers=[Container.of("shell", image="busybox:1.36")])
    >>> (pod.metadata.name, pod.metadata.namespace, pod.restart_policy)
    ('debug', 'shop', 'Never')
    >>> Pod.create("Debug", restart_policy="Sometimes",
    ...            containers=[Container.of("shell", image="busybox:1.36")])
    <Failure: 2 problems:
      metadata.name: name 'Debug' is not a DNS-1123 subdomain (use lowercase letters, digits, '-' and '.', starting and ending with a letter or digit (e.g. 'web.example'))
      spec.restartPolicy: restartPolicy 'Sometimes' is not allowed (use one of Always, OnFailure, Never)>
    """

    k8s_definition: ClassVar[str] = "io.k8s.api.core.v1.Pod"

    name: str = attrs.field(metadata=wire("metadata.name", check=rules.dns_subdomain))
    namespace: str | None = attrs.field(default=None, metadata=wire(
        "metadata.namespace", check=partial(rules.dns_label, what="namespace")))
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, metadata=carried())

    @rule
    def _mounts(self) -> list[Problem]:
        return self.mount_problems()

    # KubeObjectBase declares ``metadata`` read-only, for typing; a Pod's is made from
    # its fields.
    @property
    def metadata(self) -> ObjectMeta:
        """The Pod's object metadata: name, namespace, labels, annotations and the
        carried metadata fields."""
        return ObjectMeta(self.name, self.namespace, self.labels, self.annotations,
                          self.metadata_extra)

    @classmethod
    def of(cls, name: str, *,  # type: ignore[override]  # named, as every object is
           containers: Iterable[Container],
           namespace: str | None = None,
           labels: Mapping[str, str] | None = None,
           annotations: Mapping[str, str] | None = None,
           **pod: Unpack[PodOptions]) -> "Pod":
        """A Pod carrying ``labels`` (default ``{"app": name}``) and ``annotations``;
        the other keywords are those of :class:`~kancat.values.pod.PodOptions`, as for
        :meth:`Deployment.of` (``restart_policy``: any, Kubernetes' default
        ``Always``). (Unlike :meth:`PodTemplate.of`, the name comes first, as for
        every object.)"""
        return cls(name=name, namespace=namespace, containers=to_tuple(containers),
                   labels=_pod_labels(name, labels), annotations=to_str_map(annotations),
                   **pod_fields(pod))

    @classmethod
    def from_template(cls, name: str, template: PodTemplate, *,
                      namespace: str | None = None) -> "Pod":
        """The Pod ``template`` makes, named ``name``: the pod a workload would run,
        run once by hand.

        >>> web = Deployment.of("web", containers=[Container.of("app", image="web:1.0")])
        >>> Pod.from_template("web-once", web.template).labels == web.template.labels
        True
        """
        return cls(name=name, namespace=namespace, **_template_fields(template))

    def as_template(self) -> PodTemplate:
        """The pod template this Pod is made of (its fields but ``name``, ``namespace``
        and ``extra``): what a workload's ``template`` takes to run pods like it.

        >>> web = Deployment.of("web", containers=[Container.of("app", image="web:1.0")])
        >>> debug = Pod.of("debug", labels={"app": "web"},
        ...                containers=[Container.of("shell", image="busybox:1.36")])
        >>> attrs.evolve(web, template=debug)
        Traceback (most recent call last):
        ...
        kancat.errors.InvalidValue: 1 problem:
          spec.template: Pod 'debug' is not a pod template (its name and namespace would be lost) (use its template (pod.as_template()) or a PodTemplate)
        >>> type(attrs.evolve(web, template=debug.as_template()).template).__name__
        'PodTemplate'
        >>> Pod.from_template("debug", debug.as_template()) == debug
        True
        """
        return PodTemplate(**_template_fields(self))


def _template_fields(pod: PodTemplate) -> dict[str, Any]:
    """The :class:`PodTemplate` fields of ``pod`` (a template, or a :class:`Pod`), by
    name: what a Pod takes from the template it runs.

    >>> sorted(_template_fields(PodTemplate.of([Container.of("app", image="web:1")])))[:3]
    ['affinity', 'annotations', 'automount_service_account_token']
    """
    return {field.name: getattr(pod, field.name) for field in attrs.fields(PodTemplate)}


def _pod_template_part(collect: Collect, path: str, containers: Iterable[Container],
                      labels: FrozenMap[str], annotations: Mapping[str, str] | None,
                      pod: PodKeywords, restart_policy: RestartPolicy | None = None
                      ) -> PodTemplate:
    """The pod template of an ``of`` constructor: ``labels``, ``annotations``, the
    keywords of :class:`~kancat.values.pod.PodOptions` (or of
    :class:`~kancat.values.pod.PodKeywords` and a ``restart_policy``, as a Job's
    constructors give them), its problems kept in ``collect`` under ``path``."""
    fields = pod_fields(pod)
    if restart_policy is not None:
        fields["restart_policy"] = restart_policy
    return part(collect, path, PodTemplate, containers=containers, labels=labels,
                annotations=annotations, **fields)


def _pod_labels(name: str, labels: Mapping[str, str] | None) -> FrozenMap[str]:
    """The labels an ``of`` constructor gives an object and its pods: ``labels``, by
    default ``{"app": name}``."""
    return to_str_map(labels if labels is not None else {"app": name})


def _pods_of(cls: type, name: str, namespace: str | None, labels: Mapping[str, str] | None,
             annotations: Mapping[str, str] | None, pod_annotations: Mapping[str, str] | None,
             containers: Iterable[Container], pod: PodOptions,
             ) -> tuple[ObjectMeta, PodTemplate, LabelSelector, Collect]:
    """What the workloads' ``of`` share: metadata, a pod template and a selector built
    from one set of labels, each problem kept in the returned collector under its path."""
    chosen = _pod_labels(name, labels)
    at = attrs.fields(cls)
    collect = Collect()
    meta = object_meta(collect, cls, name, namespace, chosen, annotations)
    template = _pod_template_part(collect, path_of(at.template), containers, chosen,
                                 pod_annotations, pod)
    selector = part(collect, path_of(at.selector), LabelSelector, match_labels=chosen)
    return meta, template, selector, collect


def _strategy(key: str, strategy: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return {key: strategy} if strategy is not None else EMPTY
