"""Pod volumes: emptyDir, configMap, secret, persistentVolumeClaim, projected, downwardAPI.

Other volume sources (hostPath, csi, nfs, ...) are carried as :class:`OtherVolumeSource`,
untouched, so loading and emitting never loses them.

>>> Volume("logs", EmptyDir()).source
EmptyDir(medium=None, size_limit=None)
>>> Volume("cache", EmptyDir(medium="Memory", size_limit="64Mi")).source.size_limit
Quantity(text='64Mi')
"""

from functools import partial
from typing import Any, ClassVar, Literal, TypeAlias

import attrs

from kancat.core import rules
from kancat.core.collect import to_frozen, to_tuple
from kancat.core.fields import carried, path_of, wire
from kancat.core.frozen import FrozenMap
from kancat.core.value import Value, rule
from kancat.errors import Problem
from kancat.values.container import (
    VOLUME_FIELD_PATHS,
    FieldRef,
    field_path_problems,
    relative_path,
)
from kancat.values.quantity import Quantity, as_optional_quantity

__all__ = [
    "ConfigMapProjection",
    "ConfigMapVolume",
    "DownwardAPIFile",
    "DownwardAPIProjection",
    "DownwardAPIVolume",
    "EmptyDir",
    "KeyToPath",
    "OtherProjection",
    "OtherVolumeSource",
    "PersistentVolumeClaimVolume",
    "ProjectedVolume",
    "SecretProjection",
    "SecretVolume",
    "ServiceAccountTokenProjection",
    "Volume",
    "VolumeProjection",
    "VolumeSource",
]


def _mode(name: str) -> dict[str, Any]:
    """A file mode, 0 to 0777 (Kubernetes reads them as decimal 0–511 in JSON)."""
    return wire(name, check=partial(rules.integer, minimum=0, maximum=0o777, what=name))


def _unique_paths(owner: type, items: tuple[Any, ...]) -> list[Problem]:
    return rules.unique(lambda: path_of(attrs.fields(owner).items), items, lambda i: i.path,
                        field="path", what="path")


@attrs.frozen
class EmptyDir(Value):
    """A scratch directory living as long as the pod; ``medium="Memory"`` for tmpfs."""

    k8s_definition: ClassVar[str] = "io.k8s.api.core.v1.EmptyDirVolumeSource"
    wire_key: ClassVar[str] = "emptyDir"

    medium: Literal["", "Memory"] | None = attrs.field(default=None, metadata=wire("medium"))
    size_limit: Quantity | None = attrs.field(default=None, converter=as_optional_quantity,
                                              metadata=wire("sizeLimit"))


@attrs.frozen
class KeyToPath(Value):
    """One key of a ConfigMap or Secret projected to a relative file path."""

    k8s_definition: ClassVar[str] = "io.k8s.api.core.v1.KeyToPath"

    key: str = attrs.field(metadata=wire("key", check=rules.config_key))
    path: str = attrs.field(metadata=wire("path", check=relative_path))
    mode: int | None = attrs.field(default=None, metadata=_mode("mode"))


@attrs.frozen
class _NamedKeys(Value):
    """A named ConfigMap or Secret, the keys of it to project (all when none) and whether
    it may be missing; the subclass says which object and where."""

    name: str = attrs.field(metadata=wire("name", check=rules.dns_subdomain))
    items: tuple[KeyToPath, ...] = attrs.field(default=(), converter=to_tuple,
                                               metadata=wire("items"))
    optional: bool | None = attrs.field(default=None, metadata=wire("optional"))

    @rule
    def _paths(self) -> list[Problem]:
        return _unique_paths(type(self), self.items)


@attrs.frozen
class ConfigMapVolume(_NamedKeys):
    """A volume of a ConfigMap's keys as files (all of them when no ``items``),
    each with ``default_mode`` unless an item sets its own.

    >>> Volume("scripts", ConfigMapVolume("db-init", default_mode=0o755)).source.name
    'db-init'
    """

    k8s_definition: ClassVar[str] = "io.k8s.api.core.v1.ConfigMapVolumeSource"
    wire_key: ClassVar[str] = "configMap"

    default_mode: int | None = attrs.field(default=None, metadata=_mode("defaultMode"))


@attrs.frozen
class SecretVolume(Value):
    """A volume of a Secret's keys as files (``secretName`` on the wire, unlike the
    ConfigMap volume's ``name``).

    >>> Volume("tls", SecretVolume("web-tls", default_mode=0o400)).source.secret_name
    'web-tls'
    """

    k8s_definition: ClassVar[str] = "io.k8s.api.core.v1.SecretVolumeSource"
    wire_key: ClassVar[str] = "secret"

    secret_name: str = attrs.field(metadata=wire("secretName", check=rules.dns_subdomain))
    items: tuple[KeyToPath, ...] = attrs.field(default=(), converter=to_tuple,
                                               metadata=wire("items"))
    default_mode: int | None = attrs.field(default=None, metadata=_mode("defaultMode"))
    optional: bool | None = attrs.field(default=None, metadata=wire("optional"))

    @rule
    def _paths(self) -> list[Problem]:
        return _unique_paths(SecretVolume, self.items)


@attrs.frozen
class PersistentVolumeClaimVolume(Value):
    """A volume backed by the PersistentVolumeClaim ``claim_name`` (for one claim per
    replica, use a StatefulSet's ``volume_claim_templates`` instead).

    >>> Volume("data", PersistentVolumeClaimVolume("pg-data")).source.claim_name
    'pg-data'
    """

    k8s_definition: ClassVar[str] = "io.k8s.api.core.v1.PersistentVolumeClaimVolumeSource"
    wire_key: ClassVar[str] = "persistentVolumeClaim"

    claim_name: str = attrs.field(metadata=wire("claimName", check=partial(
        rules.dns_subdomain, what="claim name")))
    read_only: bool | None = attrs.field(default=None, metadata=wire("readOnly"))


@attrs.frozen
class DownwardAPIFile(Value):
    """One downward-API file: a pod field (``field_ref``) or a container resource."""

    k8s_definition: ClassVar[str] = "io.k8s.api.core.v1.DownwardAPIVolumeFile"

    path: str = attrs.field(metadata=wire("path", check=relative_path))
    field_ref: FieldRef | None = attrs.field(default=None, metadata=wire("fieldRef"))
    resource_field_ref: FrozenMap[Any] | None = attrs.field(
        default=None, converter=attrs.converters.optional(to_frozen),
        metadata=wire("resourceFieldRef"))
    mode: int | None = attrs.field(default=None, metadata=_mode("mode"))

    @rule
    def _one_source(self) -> list[Problem]:
        at = attrs.fields(DownwardAPIFile)
        found: list[Problem] = []
        if self.field_ref is not None:
            found += field_path_problems(path_of(at.field_ref, attrs.fields(FieldRef).field_path),
                                         self.field_ref.field_path, VOLUME_FIELD_PATHS)
        if (self.field_ref is None) == (self.resource_field_ref is None):
            found.append(Problem(path_of(at.field_ref),
                                 "give exactly one of fieldRef and resourceFieldRef",
                                 "keep one of them"))
        return found


@attrs.frozen
class DownwardAPIVolume(Value):
    """A volume of files holding the pod's own fields (labels, annotations, ...)
    and its containers' resources.

    >>> DownwardAPIVolume([DownwardAPIFile("labels", FieldRef("metadata.labels"))]).items[0].path
    'labels'
    """

    k8s_definition: ClassVar[str] = "io.k8s.api.core.v1.DownwardAPIVolumeSource"
    wire_key: ClassVar[str] = "downwardAPI"

    items: tuple[DownwardAPIFile, ...] = attrs.field(default=(), converter=to_tuple,
                                                     metadata=wire("items"))
    default_mode: int | None = attrs.field(default=None, metadata=_mode("defaultMode"))

    @rule
    def _paths(self) -> list[Problem]:
        return _unique_paths(DownwardAPIVolume, self.items)


@attrs.frozen
class ServiceAccountTokenProjection(Value):
    """A bound service-account token for ``audience`` (e.g. ``istio-ca``)."""

    k8s_definition: ClassVar[str] = "io.k8s.api.core.v1.ServiceAccountTokenProjection"
    wire_key: ClassVar[str] = "serviceAccountToken"

    audience: str | None = attrs.field(default=None, kw_only=True, metadata=wire("audience"))
    expiration_seconds: int | None = attrs.field(default=None, kw_only=True, metadata=wire(
        "expirationSeconds", check=partial(rules.integer, minimum=600, maximum=2**32,
                                           what="expirationSeconds")))
    path: str = attrs.field(metadata=wire("path", check=relative_path))


@attrs.frozen
class ConfigMapProjection(_NamedKeys):
    """A ConfigMap's keys as files of a projected volume (all of them when no ``items``):

    >>> ProjectedVolume(sources=[ConfigMapProjection("app-config", items=[
    ...     KeyToPath("app.yaml", "config/app.yaml")])]).sources[0].items[0].path
    'config/app.yaml'
    """

    k8s_definition: ClassVar[str] = "io.k8s.api.core.v1.ConfigMapProjection"
    wire_key: ClassVar[str] = "configMap"


@attrs.frozen
class SecretProjection(_NamedKeys):
    """A Secret's keys as files of a projected volume; ``optional=True`` lets the pod
    start while the Secret is missing:

    >>> SecretProjection("app-tls", optional=True).optional
    True
    """

    k8s_definition: ClassVar[str] = "io.k8s.api.core.v1.SecretProjection"
    wire_key: ClassVar[str] = "secret"


@attrs.frozen
class DownwardAPIProjection(Value):
    """Downward-API files among a projected volume's ``sources``."""

    k8s_definition: ClassVar[str] = "io.k8s.api.core.v1.DownwardAPIProjection"
    wire_key: ClassVar[str] = "downwardAPI"

    items: tuple[DownwardAPIFile, ...] = attrs.field(default=(), converter=to_tuple,
                                                     metadata=wire("items"))


@attrs.frozen
class OtherProjection(Value):
    """A projection kancat does not model (e.g. ``clusterTrustBundle``), carried as is."""

    k8s_definition: ClassVar[str] = "io.k8s.api.core.v1.VolumeProjection"

    data: FrozenMap[Any] = attrs.field(converter=to_frozen, metadata=carried())


VolumeProjection: TypeAlias = (ServiceAccountTokenProjection | ConfigMapProjection
                               | SecretProjection | DownwardAPIProjection | OtherProjection)


@attrs.frozen
class ProjectedVolume(Value):
    """One directory merging several ``sources``: service-account tokens, ConfigMap
    and Secret keys, downward-API files (how Istio mounts its ``istio-token``).

    >>> ProjectedVolume([ServiceAccountTokenProjection("istio-token", audience="istio-ca",
    ...                                                expiration_seconds=43200)]).sources[0].path
    'istio-token'
    """

    k8s_definition: ClassVar[str] = "io.k8s.api.core.v1.ProjectedVolumeSource"
    wire_key: ClassVar[str] = "projected"

    sources: tuple[VolumeProjection, ...] = attrs.field(default=(), converter=to_tuple,
                                                        metadata=wire("sources"))
    default_mode: int | None = attrs.field(default=None, metadata=_mode("defaultMode"))


@attrs.frozen
class OtherVolumeSource(Value):
    """A volume source kancat does not model: ``{"hostPath": {...}}``, carried untouched."""

    k8s_definition: ClassVar[str] = "io.k8s.api.core.v1.Volume"

    data: FrozenMap[Any] = attrs.field(converter=to_frozen, metadata=carried())

    @property
    def kind(self) -> str:
        """The source's field name, e.g. ``hostPath``."""
        return next(iter(self.data))


VolumeSource: TypeAlias = (EmptyDir | ConfigMapVolume | SecretVolume | PersistentVolumeClaimVolume
                           | ProjectedVolume | DownwardAPIVolume | OtherVolumeSource)


@attrs.frozen
class Volume(Value):
    """A named pod volume with exactly one source."""

    k8s_definition: ClassVar[str] = "io.k8s.api.core.v1.Volume"

    name: str = attrs.field(metadata=wire("name", check=partial(rules.dns_label,
                                                                 what="volume name")))
    source: VolumeSource = attrs.field(metadata=wire("", what="volume source"))

    @property
    def source_field(self) -> str:
        """The Kubernetes field of the source (``emptyDir``, ``hostPath``, ...)."""
        if isinstance(self.source, OtherVolumeSource):
            return self.source.kind
        return str(type(self.source).wire_key)
