"""Workloads: Deployment and StatefulSet (with volumeClaimTemplates and serviceName).

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
from typing import Any, ClassVar, Literal, TypeAlias, TypeVar

import attrs

from kancat.core import rules
from kancat.core.collect import Collect, to_frozen, to_str_map, to_str_tuple, to_tuple
from kancat.core.fields import carried, path_of, wire
from kancat.core.frozen import EMPTY, FrozenMap
from kancat.core.value import Value, finish, part, rule
from kancat.errors import Problem
from kancat.values.container import Container
from kancat.values.meta import KubeObjectBase, LabelSelector, ObjectMeta
from kancat.values.pod import PodSecurityContext, PodTemplate, Toleration, TopologySpreadConstraint
from kancat.values.quantity import Quantity, as_quantity
from kancat.values.volume import Volume

__all__ = ["AccessMode", "Deployment", "PersistentVolumeClaimTemplate", "StatefulSet"]

AccessMode: TypeAlias = Literal["ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany",
                                "ReadWriteOncePod"]

_REPLICAS = partial(rules.integer, minimum=0, maximum=2**31 - 1, what="replicas")


def _workload_problems(cls: type, metadata: ObjectMeta, selector: LabelSelector,
                       template: PodTemplate, claim_names: Iterable[str] = ()) -> list[Problem]:
    at = attrs.fields(cls)
    found: list[Problem] = []
    if selector.is_empty:
        found.append(Problem(path_of(at.selector), "the selector is empty",
                             "select the pods by the template's labels, e.g. app: <name>"))
    elif not selector.matches(template.labels):
        found.append(Problem(path_of(at.selector),
                             "selector does not match the template labels "
                             f"{dict(template.labels)}",
                             "make spec.template.metadata.labels carry every label the "
                             "selector requires"))
    found += [p.under(path_of(at.template)) for p in template.mount_problems(claim_names)]
    return found


@attrs.frozen
class Deployment(KubeObjectBase):
    """An ``apps/v1`` Deployment. ``spec_extra`` carries e.g. ``strategy``, ``minReadySeconds``."""

    k8s_definition: ClassVar[str] = "io.k8s.api.apps.v1.Deployment"

    metadata: ObjectMeta = attrs.field(metadata=wire("metadata"))
    replicas: int | None = attrs.field(default=None, kw_only=True,
                                       metadata=wire("spec.replicas", check=_REPLICAS))
    selector: LabelSelector = attrs.field(kw_only=True, metadata=wire("spec.selector"))
    template: PodTemplate = attrs.field(kw_only=True, metadata=wire("spec.template"))
    spec_extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, kw_only=True,
                                             metadata=carried("spec"))
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, kw_only=True,
                                        metadata=carried())

    @rule
    def _pods(self) -> list[Problem]:
        return _workload_problems(Deployment, self.metadata, self.selector, self.template)

    @classmethod
    def of(cls, name: str, *, containers: Iterable[Container],
           replicas: int | None = None,
           init_containers: Iterable[Container] = (),
           volumes: Iterable[Volume] = (),
           namespace: str | None = None,
           labels: Mapping[str, str] | None = None,
           annotations: Mapping[str, str] | None = None,
           pod_annotations: Mapping[str, str] | None = None,
           service_account_name: str | None = None,
           automount_service_account_token: bool | None = None,
           security_context: PodSecurityContext | None = None,
           node_selector: Mapping[str, str] | None = None,
           affinity: Mapping[str, Any] | None = None,
           tolerations: Iterable[Toleration] = (),
           topology_spread_constraints: Iterable[TopologySpreadConstraint] = (),
           termination_grace_period_seconds: int | None = None,
           strategy: Mapping[str, Any] | None = None) -> "Deployment":
        """A Deployment whose pods carry ``labels`` (default ``{"app": name}``) and are
        selected by them. The keywords are those of :meth:`StatefulSet.of` (but its
        ``service_name`` and ``volume_claim_templates``): ``annotations`` go on the
        Deployment, ``pod_annotations`` on its pods, ``strategy`` is ``spec.strategy``
        (e.g. ``{"type": "Recreate"}``)."""
        return _workload(cls, "strategy", locals())  # every keyword, passed on by name


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
class StatefulSet(KubeObjectBase):
    """An ``apps/v1`` StatefulSet: stable names, ordered start, a claim per replica.

    Mounts may name a volume claim template as well as a pod volume.
    """

    k8s_definition: ClassVar[str] = "io.k8s.api.apps.v1.StatefulSet"

    metadata: ObjectMeta = attrs.field(metadata=wire("metadata"))
    service_name: str = attrs.field(kw_only=True, metadata=wire("spec.serviceName", check=partial(
        rules.dns1035_label, what="governing Service name")))
    replicas: int | None = attrs.field(default=None, kw_only=True,
                                       metadata=wire("spec.replicas", check=_REPLICAS))
    selector: LabelSelector = attrs.field(kw_only=True, metadata=wire("spec.selector"))
    template: PodTemplate = attrs.field(kw_only=True, metadata=wire("spec.template"))
    volume_claim_templates: tuple[PersistentVolumeClaimTemplate, ...] = attrs.field(
        default=(), converter=to_tuple, kw_only=True,
        metadata=wire("spec.volumeClaimTemplates"))
    spec_extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, kw_only=True,
                                             metadata=carried("spec"))
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, kw_only=True,
                                        metadata=carried())

    @rule
    def _pods(self) -> list[Problem]:
        claims = [t.name for t in self.volume_claim_templates]
        return _workload_problems(StatefulSet, self.metadata, self.selector, self.template,
                                  claims)

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
           init_containers: Iterable[Container] = (),
           volumes: Iterable[Volume] = (),
           namespace: str | None = None,
           labels: Mapping[str, str] | None = None,
           annotations: Mapping[str, str] | None = None,
           pod_annotations: Mapping[str, str] | None = None,
           service_account_name: str | None = None,
           automount_service_account_token: bool | None = None,
           security_context: PodSecurityContext | None = None,
           node_selector: Mapping[str, str] | None = None,
           affinity: Mapping[str, Any] | None = None,
           tolerations: Iterable[Toleration] = (),
           topology_spread_constraints: Iterable[TopologySpreadConstraint] = (),
           termination_grace_period_seconds: int | None = None,
           strategy: Mapping[str, Any] | None = None) -> "StatefulSet":
        """A StatefulSet governed by the headless Service ``service_name``; the other
        keywords are those of :meth:`Deployment.of` (``strategy`` is
        ``spec.updateStrategy``, e.g. ``{"type": "OnDelete"}``)."""
        return _workload(cls, "updateStrategy", locals())  # every keyword, by name


_W = TypeVar("_W", Deployment, StatefulSet)

_POD_OPTIONS = ("init_containers", "volumes", "service_account_name",
                "automount_service_account_token", "security_context", "node_selector",
                "affinity", "tolerations", "topology_spread_constraints",
                "termination_grace_period_seconds")


def _workload(cls: type[_W], strategy_key: str, given: Mapping[str, Any]) -> _W:
    """The shared body of the workloads' ``of`` (``given`` is its keywords): metadata,
    pod template and selector built from one set of options, every problem of every
    part reported."""
    name, labels, strategy = given["name"], given["labels"], given["strategy"]
    pod_labels = to_str_map(labels if labels is not None else {"app": name})
    at = attrs.fields(cls)
    collect = Collect()
    meta = part(collect, path_of(at.metadata), ObjectMeta, name=name,
                namespace=given["namespace"], labels=pod_labels,
                annotations=given["annotations"])
    template = part(collect, path_of(at.template), PodTemplate,
                    containers=given["containers"], labels=pod_labels,
                    annotations=given["pod_annotations"],
                    **{key: given[key] for key in _POD_OPTIONS})
    selector = part(collect, path_of(at.selector), LabelSelector, match_labels=pod_labels)
    more = {key: given[key] for key in ("service_name", "volume_claim_templates")
            if key in given}
    return finish(collect, cls, metadata=meta, template=template, selector=selector,
                  replicas=given["replicas"],
                  spec_extra={strategy_key: strategy} if strategy is not None else EMPTY,
                  **more)
