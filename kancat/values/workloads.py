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
from typing import Any, ClassVar, Literal, TypeAlias, Unpack

import attrs

from kancat.core import rules
from kancat.core.collect import Collect, to_frozen, to_str_map, to_str_tuple, to_tuple
from kancat.core.fields import carried, path_of, wire
from kancat.core.frozen import EMPTY, FrozenMap
from kancat.core.value import Value, finish, part, rule
from kancat.errors import Problem
from kancat.values.container import Container
from kancat.values.meta import KubeObjectBase, LabelSelector, ObjectMeta
from kancat.values.pod import PodOptions, PodTemplate, pod_fields
from kancat.values.quantity import Quantity, as_quantity

__all__ = ["AccessMode", "Deployment", "PersistentVolumeClaimTemplate", "StatefulSet"]

AccessMode: TypeAlias = Literal["ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany",
                                "ReadWriteOncePod"]

_REPLICAS = partial(rules.integer, minimum=0, maximum=2**31 - 1, what="replicas")


@attrs.frozen
class _Workload(KubeObjectBase):
    """What Deployment and StatefulSet share: pods made from ``template`` and selected
    by ``selector``, ``replicas`` of them."""

    metadata: ObjectMeta = attrs.field(metadata=wire("metadata"))
    replicas: int | None = attrs.field(default=None, kw_only=True,
                                       metadata=wire("spec.replicas", check=_REPLICAS))
    selector: LabelSelector = attrs.field(kw_only=True, metadata=wire("spec.selector"))
    template: PodTemplate = attrs.field(kw_only=True, metadata=wire("spec.template"))
    spec_extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, kw_only=True,
                                             metadata=carried("spec"))
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, kw_only=True,
                                        metadata=carried())

    def _volumes_at_run_time(self) -> Iterable[str]:
        """Names a mount may use besides the template's volumes."""
        return ()

    @rule
    def _pods(self) -> list[Problem]:
        at = attrs.fields(type(self))
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
        found += [p.under(path_of(at.template))
                  for p in self.template.mount_problems(self._volumes_at_run_time())]
        return found


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
        (``volumes=``, ``service_account_name=``, ``tolerations=``, ...).
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


def _pods_of(cls: type, name: str, namespace: str | None, labels: Mapping[str, str] | None,
             annotations: Mapping[str, str] | None, pod_annotations: Mapping[str, str] | None,
             containers: Iterable[Container], pod: PodOptions,
             ) -> tuple[ObjectMeta, PodTemplate, LabelSelector, Collect]:
    """What the workloads' ``of`` share: metadata, a pod template and a selector built
    from one set of labels, each problem kept in the returned collector under its path."""
    pod_labels = to_str_map(labels if labels is not None else {"app": name})
    at = attrs.fields(cls)
    collect = Collect()
    meta = part(collect, path_of(at.metadata), ObjectMeta, name=name, namespace=namespace,
                labels=pod_labels, annotations=annotations)
    template = part(collect, path_of(at.template), PodTemplate, containers=containers,
                    labels=pod_labels, annotations=pod_annotations, **pod_fields(pod))
    selector = part(collect, path_of(at.selector), LabelSelector, match_labels=pod_labels)
    return meta, template, selector, collect


def _strategy(key: str, strategy: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return {key: strategy} if strategy is not None else EMPTY
