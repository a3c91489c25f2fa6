"""Pod volumes: emptyDir, configMap, secret, persistentVolumeClaim, projected, downwardAPI.

Other volume sources (hostPath, csi, nfs, ...) are carried as :class:`OtherVolumeSource`,
untouched, so loading and emitting never loses them.

>>> Volume("logs", EmptyDir()).source
EmptyDir(medium=None, size_limit=None)
>>> Volume("cache", EmptyDir(medium="Memory", size_limit=Quantity.of("64Mi"))).source.medium
'Memory'
"""

from typing import Any, TypeAlias

import attrs

from kancat.errors import Problem
from kancat.values import _check as check
from kancat.values._base import to_frozen, to_tuple
from kancat.values._frozen import FrozenMap
from kancat.values.container import VOLUME_FIELD_PATHS, FieldRef, field_path_problems
from kancat.values.quantity import Quantity

__all__ = [
    "ConfigMapProjection",
    "ConfigMapVolume",
    "DownwardAPIFile",
    "DownwardAPIProjection",
    "DownwardAPIVolume",
    "EmptyDir",
    "KeyToPath",
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


def _mode(path: str, mode: int | None) -> list[Problem]:
    """File modes are 0 to 0777 (Kubernetes reads them as decimal 0–511 in JSON)."""
    return check.optional_integer(path, mode, minimum=0, maximum=0o777, what=path)


def _relative(path: str, value: object) -> list[Problem]:
    if not isinstance(value, str) or not value or value.startswith("/") or ".." in value.split(
            "/"):
        return [Problem(path, f"path {value!r} must be relative and not contain '..'",
                        "write a relative file name such as 'config.yaml'")]
    return []


@attrs.frozen
class EmptyDir:
    """A scratch directory living as long as the pod; ``medium="Memory"`` for tmpfs."""

    medium: str | None = None
    size_limit: Quantity | None = None

    def __attrs_post_init__(self) -> None:
        if self.medium is not None:
            check.raise_if(check.one_of("medium", self.medium, ("", "Memory"), what="medium"))


@attrs.frozen
class KeyToPath:
    """One key of a ConfigMap or Secret projected to a relative file path."""

    key: str
    path: str
    mode: int | None = None

    def __attrs_post_init__(self) -> None:
        found = check.config_key("key", self.key)
        found += _relative("path", self.path)
        found += _mode("mode", self.mode)
        check.raise_if(found)


@attrs.frozen
class ConfigMapVolume:
    name: str
    items: tuple[KeyToPath, ...] = attrs.field(default=(), converter=to_tuple)
    default_mode: int | None = None
    optional: bool | None = None

    def __attrs_post_init__(self) -> None:
        found = check.dns_subdomain("name", self.name, what="ConfigMap name")
        found += _mode("defaultMode", self.default_mode)
        found += check.unique("items", self.items, lambda i: i.path, field="path", what="path")
        check.raise_if(found)


@attrs.frozen
class SecretVolume:
    secret_name: str
    items: tuple[KeyToPath, ...] = attrs.field(default=(), converter=to_tuple)
    default_mode: int | None = None
    optional: bool | None = None

    def __attrs_post_init__(self) -> None:
        found = check.dns_subdomain("secretName", self.secret_name, what="Secret name")
        found += _mode("defaultMode", self.default_mode)
        found += check.unique("items", self.items, lambda i: i.path, field="path", what="path")
        check.raise_if(found)


@attrs.frozen
class PersistentVolumeClaimVolume:
    claim_name: str
    read_only: bool | None = None

    def __attrs_post_init__(self) -> None:
        check.raise_if(check.dns_subdomain("claimName", self.claim_name, what="claim name"))


@attrs.frozen
class DownwardAPIFile:
    """One downward-API file: a pod field (``field_ref``) or a container resource."""

    path: str
    field_ref: FieldRef | None = None
    resource_field_ref: FrozenMap[Any] | None = attrs.field(
        default=None, converter=attrs.converters.optional(to_frozen))
    mode: int | None = None

    def __attrs_post_init__(self) -> None:
        found = _relative("path", self.path)
        found += _mode("mode", self.mode)
        if self.field_ref is not None:
            found += [p.under("fieldRef") for p in field_path_problems(
                self.field_ref.field_path, VOLUME_FIELD_PATHS)]
        if (self.field_ref is None) == (self.resource_field_ref is None):
            found.append(Problem("fieldRef", "give exactly one of fieldRef and "
                                             "resourceFieldRef", "keep one of them"))
        check.raise_if(found)


@attrs.frozen
class DownwardAPIVolume:
    items: tuple[DownwardAPIFile, ...] = attrs.field(default=(), converter=to_tuple)
    default_mode: int | None = None

    def __attrs_post_init__(self) -> None:
        found = _mode("defaultMode", self.default_mode)
        found += check.unique("items", self.items, lambda i: i.path, field="path", what="path")
        check.raise_if(found)


@attrs.frozen
class ServiceAccountTokenProjection:
    """A bound service-account token for ``audience`` (e.g. ``istio-ca``)."""

    path: str
    audience: str | None = None
    expiration_seconds: int | None = None

    def __attrs_post_init__(self) -> None:
        found = _relative("path", self.path)
        found += check.optional_integer("expirationSeconds", self.expiration_seconds,
                                        minimum=600, maximum=2**32, what="expirationSeconds")
        check.raise_if(found)


@attrs.frozen
class ConfigMapProjection:
    name: str
    items: tuple[KeyToPath, ...] = attrs.field(default=(), converter=to_tuple)
    optional: bool | None = None

    def __attrs_post_init__(self) -> None:
        check.raise_if(check.dns_subdomain("name", self.name, what="ConfigMap name"))


@attrs.frozen
class SecretProjection:
    name: str
    items: tuple[KeyToPath, ...] = attrs.field(default=(), converter=to_tuple)
    optional: bool | None = None

    def __attrs_post_init__(self) -> None:
        check.raise_if(check.dns_subdomain("name", self.name, what="Secret name"))


@attrs.frozen
class DownwardAPIProjection:
    items: tuple[DownwardAPIFile, ...] = attrs.field(default=(), converter=to_tuple)


@attrs.frozen
class OtherProjection:
    """A projection kancat does not model (e.g. ``clusterTrustBundle``), carried as is."""

    data: FrozenMap[Any] = attrs.field(converter=to_frozen)


VolumeProjection: TypeAlias = (ServiceAccountTokenProjection | ConfigMapProjection
                               | SecretProjection | DownwardAPIProjection | OtherProjection)


@attrs.frozen
class ProjectedVolume:
    sources: tuple[VolumeProjection, ...] = attrs.field(default=(), converter=to_tuple)
    default_mode: int | None = None

    def __attrs_post_init__(self) -> None:
        check.raise_if(_mode("defaultMode", self.default_mode))


@attrs.frozen
class OtherVolumeSource:
    """A volume source kancat does not model: ``{"hostPath": {...}}``, carried untouched."""

    data: FrozenMap[Any] = attrs.field(converter=to_frozen)

    def __attrs_post_init__(self) -> None:
        if len(self.data) != 1:
            check.raise_if([Problem("", "a volume needs exactly one source",
                                    "give one of emptyDir, configMap, secret, "
                                    "persistentVolumeClaim, projected, downwardAPI, ...")])

    @property
    def kind(self) -> str:
        """The source's field name, e.g. ``hostPath``."""
        return next(iter(self.data))


VolumeSource: TypeAlias = (EmptyDir | ConfigMapVolume | SecretVolume | PersistentVolumeClaimVolume
                           | ProjectedVolume | DownwardAPIVolume | OtherVolumeSource)

SOURCE_FIELD: dict[type, str] = {
    EmptyDir: "emptyDir", ConfigMapVolume: "configMap", SecretVolume: "secret",
    PersistentVolumeClaimVolume: "persistentVolumeClaim", ProjectedVolume: "projected",
    DownwardAPIVolume: "downwardAPI",
}


@attrs.frozen
class Volume:
    """A named pod volume with exactly one source."""

    name: str
    source: VolumeSource

    def __attrs_post_init__(self) -> None:
        found = check.dns_label("name", self.name, what="volume name")
        if not isinstance(self.source, (*SOURCE_FIELD, OtherVolumeSource)):
            found.append(Problem("", f"volume source {self.source!r:.60} is not a volume source",
                                 "use EmptyDir(), ConfigMapVolume(...), SecretVolume(...), ..."))
        check.raise_if(found)

    @property
    def source_field(self) -> str:
        """The Kubernetes field of the source (``emptyDir``, ``hostPath``, ...)."""
        if isinstance(self.source, OtherVolumeSource):
            return self.source.kind
        return SOURCE_FIELD[type(self.source)]

