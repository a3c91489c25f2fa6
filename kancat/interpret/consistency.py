"""Checks across a set of objects: what no single object can know about itself.

Each value checks its own fields when it is built; some mistakes only show in a set of
objects, the set ``kancat check`` reads or ``kancat emit`` writes:

* **errors** — one object given twice (the same kind, namespace and name), whether the
  two copies are equal or not: the second would silently replace the first; a
  VirtualService route to a subset that the DestinationRules of its host among the
  objects do not define (Istio has no cluster for it and answers every such request
  with 503: it is certain to fail); a workload scaled by a HorizontalPodAutoscaler and a
  VerticalPodAutoscaler (not ``Off``) on the same resource, cpu or memory (they fight:
  the VPA raises the requests the HPA's utilization is measured against);
* **warnings** — a reference to a ConfigMap, Secret, PersistentVolumeClaim or service
  account that is neither in the set nor declared as provided elsewhere; a Service
  whose selector matches no pod template of the set; a probe on a port number no
  container of its pod declares; an image without a version tag or digest (untagged,
  or ``:latest``), whose content changes under the same name; an Envoy sidecar
  configuration (:func:`kancat.patterns.sidecars.envoy_config`) routing to a port the
  app containers of the pods mounting it do not declare; a VirtualService route to a
  subset of a host that no DestinationRule among the objects describes (the rule may
  be applied apart); an autoscaler whose target workload is not among the objects.

Warnings point at what usually breaks at run time but can be right (a Secret made by
an operator, a Service selecting pods of another tool). ``kancat check --strict`` (and
``strict=True`` here) makes them errors. An object declares what other tooling
provides with the annotation ``kancat/provided``
(:data:`~kancat.values.meta.PROVIDED`: ``Secret/db-password,ConfigMap/flags``, in its own
namespace), or a caller lists identities in ``provided``.

>>> from kancat.values import Container, Deployment, Service
>>> web = Deployment.of("web", containers=[Container.of("app", image="nginx")])
>>> for finding in check_objects([web, Service.of("web", selector={"app": "api"},
...                                               ports={"http": 80})]):
...     print(finding)
warning: Deployment/web: spec.template.spec.containers[0].image: image 'nginx' is not pinned: it has no tag (give a version tag, e.g. nginx:1.27.3, or a digest)
warning: Service/web: spec.selector: the selector {'app': 'api'} matches no pod template of these objects (select the labels of a workload's pods (if it selects pods other tooling runs, this warning is expected))
"""

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, Literal, TypeAlias

import attrs

from kancat.core.fields import path_of
from kancat.errors import Problem, join_path
from kancat.values import (
    ConfigMap,
    ConfigMapKeyRef,
    ConfigMapProjection,
    ConfigMapVolume,
    Container,
    EnvVar,
    KubeObject,
    PersistentVolumeClaimVolume,
    PodTemplate,
    ProjectedVolume,
    SecretKeyRef,
    SecretProjection,
    SecretVolume,
    Service,
)
from kancat.values.image import ImageRef
from kancat.values.kinds import kind_called, pod_of, pod_path
from kancat.values.meta import ENVOY_APP_PORT, PROVIDED
from kancat.values.service import CLUSTER_DOMAIN, service_dns_name

__all__ = ["Finding", "Severity", "check_objects", "identity", "unpinned_reason"]

Severity: TypeAlias = Literal["error", "warning"]


@attrs.frozen
class Finding:
    """One result of a check across objects: a problem, and how grave it is."""

    problem: Problem
    severity: Severity

    def __str__(self) -> str:
        where = f"{self.problem.object}: " if self.problem.object else ""
        return f"{self.severity}: {where}{self.problem}"


def identity(value: Any, namespace: str | None = None) -> str:
    """``Kind/namespace/name`` (``Kind/name`` for a cluster-scoped kind or no namespace)."""
    kind, name = value.kind, value.name
    found = value.namespace or namespace
    row = kind_called(kind)
    if found is None or (row is not None and not row.namespaced):
        return f"{kind}/{name}"
    return f"{kind}/{found}/{name}"


def _label(value: Any) -> str:
    return f"{value.kind}/{value.name}"


def check_objects(objects: Sequence[KubeObject], *, provided: Iterable[str] = (),
                  strict: bool = False, sources: Sequence[str] | None = None) -> list[Finding]:
    """Every finding of the checks across ``objects`` (see the module documentation);
    each problem names its object (``Kind/name``) and its document (the position of the
    object in ``objects``, from 1). ``provided`` lists identities (``Kind/name`` or
    ``Kind/namespace/name``) that exist without being in ``objects``; ``strict`` makes
    every warning an error; ``sources`` says where each object came from (e.g.
    ``FILE:DOC``), for messages that name another object."""
    findings: list[Finding] = []

    def report(index: int, value: Any, path: str, message: str, hint: str,
               severity: Severity) -> None:
        grade: Severity = "error" if strict else severity
        findings.append(Finding(Problem(path, message, hint, index + 1, _label(value)), grade))

    seen: dict[str, int] = {}
    for index, value in enumerate(objects):
        key = identity(value)
        if key in seen:
            first = sources[seen[key]] if sources is not None else f"object {seen[key] + 1}"
            report(index, value, "metadata.name", f"{key} is given twice (also {first})",
                   "give each object once; rename one of them if both are meant", "error")
        else:
            seen[key] = index
    external = set(provided)
    for value in objects:
        external.update(_declared(value))
    present = set(seen) | external
    templates = [(value, pod) for value in objects if (pod := pod_of(value)) is not None]
    for index, value in enumerate(objects):
        for path, message, hint in _object_warnings(value, present, templates, objects):
            report(index, value, path, message, hint, "warning")
    for index, value in enumerate(objects):
        for path, message, hint, severity in _autoscaler_findings(value, objects, present):
            report(index, value, path, message, hint, severity)
    subsets = _subsets_by_host(objects)
    for index, value in enumerate(objects):
        for path, message, hint, severity in _subset_findings(value, subsets):
            report(index, value, path, message, hint, severity)
    return findings


def _declared(value: Any) -> Iterator[str]:
    """The identities ``value`` declares as provided elsewhere (:data:`PROVIDED`)."""
    annotations: list[Mapping[str, str]] = []
    metadata = getattr(value, "metadata", None)
    if metadata is not None:
        annotations.append(metadata.annotations)
    pod = pod_of(value)
    if pod is not None:
        annotations.append(pod.annotations)
    for table in annotations:
        for item in table.get(PROVIDED, "").split(","):
            parts = [p for p in item.strip().split("/") if p]
            if len(parts) == 2 and value.namespace:
                yield f"{parts[0]}/{value.namespace}/{parts[1]}"
            elif parts:
                yield "/".join(parts)


# --- what one object refers to --------------------------------------------------------------

_Warning: TypeAlias = tuple[str, str, str]


def _object_warnings(value: Any, present: set[str], templates: list[tuple[Any, PodTemplate]],
                     objects: Sequence[KubeObject]) -> Iterator[_Warning]:
    pod = pod_of(value)
    if pod is not None:
        where = pod_path(value)
        namespace = value.namespace
        for path, kind, name in _references(pod):
            wanted = f"{kind}/{namespace}/{name}" if namespace else f"{kind}/{name}"
            if wanted not in present and not (kind == "ServiceAccount" and name == "default"):
                yield (join_path(where, path), f"{kind} {name!r} is not among these objects",
                       f"add the {kind}, or declare it provided elsewhere (annotation "
                       f"{PROVIDED}: {kind}/{name})")
        yield from ((join_path(where, path), message, hint) for path, message, hint in
                    _pod_warnings(pod, objects, namespace))
    if isinstance(value, Service) and value.selector:
        selected = any(dict(pod.labels).items() >= dict(value.selector).items()
                       and other.namespace == value.namespace for other, pod in templates)
        if not selected:
            yield (path_of(attrs.fields(Service).selector),
                   f"the selector {dict(value.selector)} matches no pod template of these "
                   "objects", "select the labels of a workload's pods (if it selects pods "
                              "other tooling runs, this warning is expected)")


def _references(pod: PodTemplate) -> Iterator[tuple[str, str, str]]:
    """``(path in the pod template, kind, name)`` of every object the pod refers to."""
    at = attrs.fields(PodTemplate)
    if pod.service_account_name is not None:
        yield path_of(at.service_account_name), "ServiceAccount", pod.service_account_name
    for index, secret in enumerate(pod.spec_extra.get("imagePullSecrets") or ()):
        if isinstance(secret, Mapping) and isinstance(secret.get("name"), str):
            yield (path_of(at.spec_extra, "imagePullSecrets", index, "name"), "Secret",
                   secret["name"])
    for index, volume in enumerate(pod.volumes):
        source = volume.source
        if isinstance(source, ConfigMapVolume | SecretVolume | PersistentVolumeClaimVolume):
            attribute, kind = {ConfigMapVolume: ("name", "ConfigMap"),
                           SecretVolume: ("secret_name", "Secret"),
                           PersistentVolumeClaimVolume: ("claim_name",
                                                         "PersistentVolumeClaim")}[type(source)]
            if not getattr(source, "optional", False):
                yield (path_of(at.volumes, index, str(source.wire_key),
                               getattr(attrs.fields(type(source)), attribute)),
                       kind, getattr(source, attribute))
        elif isinstance(source, ProjectedVolume):
            for number, projection in enumerate(source.sources):
                if isinstance(projection, ConfigMapProjection | SecretProjection) and \
                        not projection.optional:
                    kind = "ConfigMap" if isinstance(projection, ConfigMapProjection) else "Secret"
                    yield (path_of(at.volumes, index, str(source.wire_key),
                                   attrs.fields(ProjectedVolume).sources, number,
                                   str(projection.wire_key),
                                   attrs.fields(type(projection)).name), kind, projection.name)
    for field, group in ((at.init_containers, pod.init_containers),
                         (at.containers, pod.containers)):
        for index, container in enumerate(group):
            for path, kind, name in _container_references(container):
                yield join_path(path_of(field, index), path), kind, name


def _container_references(container: Container) -> Iterator[tuple[str, str, str]]:
    of = attrs.fields(Container)
    for index, var in enumerate(container.env):
        source = var.value_from
        if isinstance(source, SecretKeyRef | ConfigMapKeyRef) and not source.optional:
            kind = "Secret" if isinstance(source, SecretKeyRef) else "ConfigMap"
            yield (path_of(of.env, index, attrs.fields(EnvVar).value_from,
                           str(source.wire_key), attrs.fields(type(source)).name),
                   kind, source.name)
    for index, item in enumerate(container.extra.get("envFrom") or ()):
        for key, kind in (("configMapRef", "ConfigMap"), ("secretRef", "Secret")):
            ref = item.get(key) if isinstance(item, Mapping) else None
            if isinstance(ref, Mapping) and isinstance(ref.get("name"), str) and \
                    not ref.get("optional"):
                yield path_of(of.extra, "envFrom", index, key, "name"), kind, ref["name"]


# --- within one pod ---------------------------------------------------------------------------

def unpinned_reason(image: ImageRef) -> str | None:
    """Why ``image`` is not pinned — its content can change under the same reference —
    or ``None``: it has neither a digest nor a version tag (``"it has no tag"``), or its
    only tag is ``latest`` (``"its tag is latest"``). A digest pins it whatever its tag.
    The one rule for "unpinned" (``kancat images`` reads it too).

    >>> unpinned_reason(ImageRef.of("nginx:latest"))
    'its tag is latest'
    >>> unpinned_reason(ImageRef.of("nginx:1.27.3")) is None
    True
    """
    if image.digest is None and image.tag in (None, "latest"):
        return "it has no tag" if image.tag is None else "its tag is latest"
    return None


def _pod_warnings(pod: PodTemplate, objects: Sequence[KubeObject],
                  namespace: str | None) -> Iterator[_Warning]:
    at, of = attrs.fields(PodTemplate), attrs.fields(Container)
    declared = {p.container_port for c in pod.all_containers for p in c.ports}
    for field, group in ((at.init_containers, pod.init_containers),
                         (at.containers, pod.containers)):
        for index, container in enumerate(group):
            image = container.image
            why = unpinned_reason(image)
            if why is not None:
                yield (path_of(field, index, of.image),
                       f"image {str(image)!r} is not pinned: {why}",
                       f"give a version tag, e.g. {image.name}:1.27.3, or a digest")
            for probe_field in (of.liveness_probe, of.readiness_probe, of.startup_probe):
                probe = getattr(container, probe_field.name)
                if probe is not None and isinstance(probe.port, int) and \
                        probe.port not in declared:
                    yield (path_of(field, index, probe_field, probe.handler_field,
                                   attrs.fields(type(probe.handler)).port),
                           f"probe port {probe.port} is declared by no container of the pod",
                           "declare the port on the container it belongs to, or probe a "
                           "declared port")
    yield from _envoy_ports(pod, objects, namespace)


def _envoy_ports(pod: PodTemplate, objects: Sequence[KubeObject],
                 namespace: str | None) -> Iterator[_Warning]:
    """A pod mounting an Envoy configuration made by ``envoy_config`` must have an app
    container declaring the port the proxy routes to."""
    configs = {value.name: value for value in objects
               if isinstance(value, ConfigMap) and ENVOY_APP_PORT in value.metadata.annotations
               and value.namespace == namespace}
    ports = {p.container_port for c in pod.containers for p in c.ports}
    for index, volume in enumerate(pod.volumes):
        source = volume.source
        if isinstance(source, ConfigMapVolume) and source.name in configs:
            wanted = configs[source.name].metadata.annotations[ENVOY_APP_PORT]
            if wanted.isdigit() and int(wanted) not in ports:
                yield (path_of(attrs.fields(PodTemplate).volumes, index, str(source.wire_key),
                               attrs.fields(ConfigMapVolume).name),
                       f"the Envoy configuration {source.name!r} routes to port {wanted}, "
                       "which no container of this pod declares (they declare "
                       + (", ".join(map(str, sorted(ports))) or "none") + ")",
                       f"make envoy_config(app_port=...) the app's port, or declare port "
                       f"{wanted} on the app container")


# --- autoscalers: their targets, and an HPA and a VPA on the same resource ----------------------

def _autoscaler_findings(value: Any, objects: Sequence[KubeObject], present: set[str]
                         ) -> Iterator[tuple[str, str, str, Severity]]:
    """For an HPA or a VPA: a target not among the objects (a warning); for an HPA, each
    VPA not ``Off`` on the same target that sets a resource the HPA scales on (an error
    naming both, reported on the HPA)."""
    from kancat.values.autoscaling import HorizontalPodAutoscaler, VerticalPodAutoscaler

    if isinstance(value, HorizontalPodAutoscaler):
        where, target = path_of(attrs.fields(HorizontalPodAutoscaler).scale_target_ref), \
            value.scale_target_ref
    elif isinstance(value, VerticalPodAutoscaler):
        where, target = path_of(attrs.fields(VerticalPodAutoscaler).target_ref), \
            value.target_ref
    else:
        return
    namespace = value.namespace
    wanted = f"{target.kind}/{namespace}/{target.name}" if namespace else \
        f"{target.kind}/{target.name}"
    if wanted not in present:
        yield (where, f"{target.kind} {target.name!r}, which the {value.kind} "
                               "scales, is not among these objects",
               f"add the {target.kind}, or declare it provided elsewhere (annotation "
               f"{PROVIDED}: {target.kind}/{target.name})", "warning")
    if not isinstance(value, HorizontalPodAutoscaler):
        return
    for other in objects:
        if not isinstance(other, VerticalPodAutoscaler) or other.namespace != namespace or \
                (other.target_ref.kind, other.target_ref.name) != (target.kind, target.name):
            continue
        shared = sorted(value.scaled_resources & other.controlled_resources)
        if shared:
            yield (where,
                   f"HorizontalPodAutoscaler {value.name!r} and VerticalPodAutoscaler "
                   f"{other.name!r} both scale {target.kind} {target.name!r} on "
                   f"{' and '.join(shared)} (updateMode {other.update_mode}): they fight, "
                   "the VPA changing the requests the HPA's utilization is measured against",
                   f"set the VPA's updateMode to Off (recommendations only), leave "
                   f"{' and '.join(shared)} out of its controlledResources, or scale the HPA "
                   "on a pods or external metric", "error")


# --- Istio: routes to subsets ---------------------------------------------------------------

def _fqdn(host: str, namespace: str | None) -> str:
    """A host as Istio resolves it: short names in the object's namespace."""
    if "*" in host or host.endswith(f".{CLUSTER_DOMAIN}"):
        return host
    parts = host.split(".")
    if len(parts) == 1:
        return service_dns_name(host, namespace or "default")
    if len(parts) == 2:
        return service_dns_name(*parts)
    return host


def _subsets_by_host(objects: Sequence[KubeObject]) -> dict[str, set[str]]:
    """The subsets the DestinationRules among ``objects`` define, by resolved host."""
    from kancat.values.istio import DestinationRule

    found: dict[str, set[str]] = {}
    for value in objects:
        if isinstance(value, DestinationRule):
            found.setdefault(_fqdn(value.host, value.namespace), set()).update(
                value.subset_names)
    return found


def _subset_findings(value: Any, subsets: Mapping[str, set[str]]
                     ) -> Iterator[tuple[str, str, str, Severity]]:
    from kancat.values.istio import VirtualService

    if not isinstance(value, VirtualService):
        return
    for path, host, subset in value.subsets_used():
        defined = subsets.get(_fqdn(host, value.namespace))
        if defined is None:
            yield (path, f"no DestinationRule among these objects defines the subsets of "
                         f"{host!r}", f"add a DestinationRule for {host} with subset "
                                      f"{subset!r} (without one Istio answers 503)",
                   "warning")
        elif subset not in defined:
            known = ", ".join(sorted(defined)) or "none"
            yield (path, f"subset {subset!r} of {host!r} is defined by no DestinationRule "
                         f"(they define {known}); Istio answers such requests with 503",
                   f"add subset {subset!r} to the DestinationRule of {host}, or route to "
                   "a defined subset", "error")
