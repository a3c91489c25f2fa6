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

from collections.abc import Callable, Iterable, Mapping
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
    to_str_tuple,
    to_tuple,
)
from kancat.values._frozen import EMPTY, FrozenMap
from kancat.values.container import Container
from kancat.values.meta import LabelSelector, ObjectMeta
from kancat.values.pod import PodSecurityContext, PodTemplate
from kancat.values.quantity import Quantity
from kancat.values.volume import Volume

if TYPE_CHECKING:
    from returns.result import Result

__all__ = ["Deployment", "PersistentVolumeClaimTemplate", "StatefulSet"]

ACCESS_MODES = ("ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod")


def _replicas_problems(replicas: object) -> list[Problem]:
    if replicas is None:
        return []
    return check.integer("spec.replicas", replicas, minimum=0, maximum=2**31 - 1,
                         what="replicas")


def _parts(name: str, namespace: str | None, pod_labels: FrozenMap[str],
           annotations: Mapping[str, str] | None, replicas: object,
           build_template: "Callable[[], PodTemplate]",
           ) -> tuple[ObjectMeta, PodTemplate, LabelSelector]:
    """Build a workload's metadata, template and selector, reporting every problem
    of every part (and ``replicas``) under its path in the object."""
    collect = Collect()
    meta = collect.take("metadata", lambda: ObjectMeta(name, namespace, pod_labels,
                                                       to_str_map(annotations)))
    template = collect.take("spec.template", build_template)
    selector = collect.take("spec.selector", lambda: LabelSelector(pod_labels))
    if meta is None or template is None or selector is None:
        collect.add(_replicas_problems(replicas))
        collect.raise_if_any()
    assert meta is not None and template is not None and selector is not None
    return meta, template, selector


def _workload_problems(metadata: ObjectMeta, replicas: object, selector: LabelSelector,
                       template: PodTemplate, claim_names: Iterable[str] = ()) -> list[Problem]:
    found = _replicas_problems(replicas)
    if selector.is_empty:
        found.append(Problem("spec.selector", "the selector is empty",
                             "select the pods by the template's labels, e.g. app: <name>"))
    elif not selector.matches(template.labels):
        found.append(Problem("spec.selector",
                             "selector does not match the template labels "
                             f"{dict(template.labels)}",
                             "make spec.template.metadata.labels carry every label the "
                             "selector requires"))
    found += [p.under("spec.template") for p in template.mount_problems(claim_names)]
    return found


@attrs.frozen
class Deployment:
    """An ``apps/v1`` Deployment. ``spec_extra`` carries e.g. ``strategy``, ``minReadySeconds``."""

    kind: ClassVar[str] = "Deployment"
    api_version: ClassVar[str] = "apps/v1"

    metadata: ObjectMeta
    template: PodTemplate
    selector: LabelSelector
    replicas: int | None = None
    spec_extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen)
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen)

    def __attrs_post_init__(self) -> None:
        check.raise_if(_workload_problems(self.metadata, self.replicas, self.selector,
                                          self.template))

    @property
    def name(self) -> str:
        return self.metadata.name

    @classmethod
    def of(cls, name: str, *, containers: Iterable[Container],
           replicas: int | None = None,
           init_containers: Iterable[Container] = (),
           volumes: Iterable[Volume] = (),
           namespace: str | None = None,
           labels: Mapping[str, str] | None = None,
           annotations: Mapping[str, str] | None = None,
           service_account_name: str | None = None,
           security_context: PodSecurityContext | None = None) -> "Deployment":
        """A Deployment whose pods carry ``labels`` (default ``{"app": name}``) and are
        selected by them."""
        pod_labels = to_str_map(labels if labels is not None else {"app": name})
        meta, template, selector = _parts(
            name, namespace, pod_labels, annotations, replicas,
            lambda: PodTemplate.of(containers, init_containers=init_containers,
                                   volumes=volumes, labels=pod_labels,
                                   service_account_name=service_account_name,
                                   security_context=security_context))
        return cls(meta, template, selector, replicas)

    @classmethod
    def create(cls, name: str, **kwargs: Any) -> "Result[Deployment, InvalidValue]":
        """:meth:`of`, returning ``Success`` or ``Failure(InvalidValue)``."""
        return as_result(lambda: cls.of(name, **kwargs))


@attrs.frozen
class PersistentVolumeClaimTemplate:
    """One ``volumeClaimTemplates`` entry: each replica gets its own claim ``<name>-<pod>``."""

    name: str
    storage: Quantity
    access_modes: tuple[str, ...] = attrs.field(default=("ReadWriteOnce",),
                                                converter=to_str_tuple)
    storage_class_name: str | None = None
    labels: FrozenMap[str] = attrs.field(default=EMPTY, converter=to_str_map)
    spec_extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen)
    metadata_extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen)
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen)

    def __attrs_post_init__(self) -> None:
        found = check.dns_label("metadata.name", self.name, what="claim template name")
        found += check.labels("metadata.labels", self.labels)
        if not self.access_modes:
            found.append(Problem("spec.accessModes", "no access mode is given",
                                 "use ReadWriteOnce for a per-replica disk"))
        for index, mode in enumerate(self.access_modes):
            found += check.one_of(f"spec.accessModes[{index}]", mode, ACCESS_MODES,
                                  what="access mode")
        if self.storage.amount <= 0:
            found.append(Problem("spec.resources.requests['storage']",
                                 f"storage {self.storage} is not positive",
                                 "request a size such as 10Gi"))
        if self.storage_class_name is not None:
            found += check.dns_subdomain("spec.storageClassName", self.storage_class_name,
                                         what="storage class name")
        check.raise_if(found)


@attrs.frozen
class StatefulSet:
    """An ``apps/v1`` StatefulSet: stable names, ordered start, a claim per replica.

    Mounts may name a volume claim template as well as a pod volume.
    """

    kind: ClassVar[str] = "StatefulSet"
    api_version: ClassVar[str] = "apps/v1"

    metadata: ObjectMeta
    template: PodTemplate
    selector: LabelSelector
    service_name: str
    replicas: int | None = None
    volume_claim_templates: tuple[PersistentVolumeClaimTemplate, ...] = attrs.field(
        default=(), converter=to_tuple)
    spec_extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen)
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen)

    def __attrs_post_init__(self) -> None:
        check_types("spec.volumeClaimTemplates", self.volume_claim_templates,
                    PersistentVolumeClaimTemplate)
        claims = [t.name for t in self.volume_claim_templates]
        found = _workload_problems(self.metadata, self.replicas, self.selector, self.template,
                                   claims)
        found += check.dns_label("metadata.name", self.metadata.name, what="StatefulSet name")
        if self.service_name is None:
            found.append(Problem("spec.serviceName", "serviceName is required",
                                 "name the headless Service that gives the pods their DNS "
                                 "names"))
        else:
            found += check.dns1035_label("spec.serviceName", self.service_name,
                                         what="governing Service name")
        found += check.unique("spec.volumeClaimTemplates", self.volume_claim_templates,
                              lambda t: t.name, field="metadata.name",
                              what="claim template name")
        volumes = {v.name for v in self.template.volumes}
        for index, claim in enumerate(self.volume_claim_templates):
            if claim.name in volumes:
                found.append(Problem(f"spec.volumeClaimTemplates[{index}].metadata.name",
                                     f"{claim.name!r} is also a pod volume",
                                     "rename the claim template or the pod volume"))
        check.raise_if(found)

    @property
    def name(self) -> str:
        return self.metadata.name

    @classmethod
    def of(cls, name: str, *, containers: Iterable[Container], service_name: str,
           replicas: int | None = None,
           volume_claim_templates: Iterable[PersistentVolumeClaimTemplate] = (),
           init_containers: Iterable[Container] = (),
           volumes: Iterable[Volume] = (),
           namespace: str | None = None,
           labels: Mapping[str, str] | None = None,
           security_context: PodSecurityContext | None = None) -> "StatefulSet":
        """A StatefulSet governed by the headless Service ``service_name``."""
        pod_labels = to_str_map(labels if labels is not None else {"app": name})
        meta, template, selector = _parts(
            name, namespace, pod_labels, None, replicas,
            lambda: PodTemplate.of(containers, init_containers=init_containers,
                                   volumes=volumes, labels=pod_labels,
                                   security_context=security_context))
        return cls(meta, template, selector, service_name, replicas,
                   tuple(volume_claim_templates))

    @classmethod
    def create(cls, name: str, **kwargs: Any) -> "Result[StatefulSet, InvalidValue]":
        return as_result(lambda: cls.of(name, **kwargs))
