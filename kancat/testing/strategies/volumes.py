"""Pod volumes (:mod:`kancat.values.volume`): every modelled source, and carried ones."""

from collections.abc import Sequence
from typing import Any

import hypothesis.strategies as st
from hypothesis.strategies import DrawFn, SearchStrategy

from kancat.testing.strategies._draw import (
    BOOLS,
    OPTIONAL_BOOLS,
    draws,
    field_choices,
    maybe,
    maybe_pick,
    names,
    pick,
)
from kancat.testing.strategies.containers import _RELATIVE_PATHS
from kancat.testing.strategies.names import _OBJECT_NAMES, _SHORT_NAMES
from kancat.testing.strategies.scalars import _QUANTITIES
from kancat.values import (
    ConfigMapProjection,
    ConfigMapVolume,
    DownwardAPIFile,
    DownwardAPIProjection,
    DownwardAPIVolume,
    EmptyDir,
    FieldRef,
    KeyToPath,
    OtherProjection,
    OtherVolumeSource,
    PersistentVolumeClaimVolume,
    ProjectedVolume,
    SecretProjection,
    SecretVolume,
    ServiceAccountTokenProjection,
    Volume,
    VolumeProjection,
    VolumeSource,
)
from kancat.values.container import VOLUME_FIELD_PATHS

__all__ = ["volumes"]

_MODES = (0o400, 0o440, 0o644, 0o755, 0o777)
_OPTIONAL_MODES = st.none() | st.sampled_from(_MODES)
_KEY_TO_PATHS = st.lists(st.builds(KeyToPath, st.sampled_from(("app.yaml", "tls.crt", "key")),
                                   _RELATIVE_PATHS, _OPTIONAL_MODES),
                         max_size=2, unique_by=lambda item: item.path)
_FILE_FIELDS = (*VOLUME_FIELD_PATHS, "metadata.labels['app']")
_DOWNWARD_FILES = st.lists(st.builds(
    DownwardAPIFile, _RELATIVE_PATHS, st.sampled_from(_FILE_FIELDS).map(FieldRef),
    st.none(), _OPTIONAL_MODES), max_size=2, unique_by=lambda item: item.path)
_AUDIENCES = ("vault", "istio-ca")
_MEDIA = field_choices(EmptyDir, "medium")


def _draw_downward_files(draw: DrawFn, containers: Sequence[str]) -> list[DownwardAPIFile]:
    """Pod fields, and (naming one of ``containers``) a container's resource limit."""
    files = draw(_DOWNWARD_FILES)
    if len(containers) > 0 and draw(BOOLS):
        files.append(DownwardAPIFile("limits/cpu", resource_field_ref={
            "containerName": pick(draw, containers), "resource": "limits.cpu",
            "divisor": "1m"}))
    return files


def _draw_projection(draw: DrawFn, containers: Sequence[str]) -> VolumeProjection:
    kind = draw(st.integers(0, 4))
    if kind == 0:
        return ServiceAccountTokenProjection(
            "token", audience=maybe_pick(draw, _AUDIENCES),
            expiration_seconds=maybe(draw, st.integers(600, 86400)))
    if kind == 1:
        return ConfigMapProjection(draw(_OBJECT_NAMES), items=draw(_KEY_TO_PATHS),
                                   optional=draw(OPTIONAL_BOOLS))
    if kind == 2:
        return SecretProjection(draw(_OBJECT_NAMES), items=draw(_KEY_TO_PATHS),
                                optional=draw(OPTIONAL_BOOLS))
    if kind == 3:
        return DownwardAPIProjection(items=_draw_downward_files(draw, containers))
    return OtherProjection({"clusterTrustBundle": {"signerName": "kancat.internal/signer",
                                                   "path": "bundle.pem"}})


_OTHER_SOURCES: tuple[dict[str, Any], ...] = (
    {"hostPath": {"path": "/var/log", "type": "Directory"}},
    {"hostPath": {"path": "/run/containerd/containerd.sock"}},
    {"nfs": {"server": "nfs.internal", "path": "/exports", "readOnly": True}},
    {"csi": {"driver": "secrets.csi.internal", "readOnly": True,
             "volumeAttributes": {"secretProviderClass": "vault"}}},
)


def _draw_volume_source(draw: DrawFn, containers: Sequence[str] = ()) -> VolumeSource:
    """A volume source; ``containers`` are the pod's, which downward-API files may name."""
    kind = draw(st.integers(0, 6))
    if kind == 0:
        return EmptyDir(medium=maybe_pick(draw, _MEDIA),
                        size_limit=maybe(draw, _QUANTITIES["memory"]))
    if kind == 1:
        return ConfigMapVolume(draw(_OBJECT_NAMES), items=draw(_KEY_TO_PATHS),
                               default_mode=draw(_OPTIONAL_MODES),
                               optional=draw(OPTIONAL_BOOLS))
    if kind == 2:
        return SecretVolume(draw(_OBJECT_NAMES), items=draw(_KEY_TO_PATHS),
                            default_mode=draw(_OPTIONAL_MODES), optional=draw(OPTIONAL_BOOLS))
    if kind == 3:
        return PersistentVolumeClaimVolume(draw(_OBJECT_NAMES), read_only=draw(OPTIONAL_BOOLS))
    if kind == 4:
        sources = [_draw_projection(draw, containers) for _ in range(draw(st.integers(0, 3)))]
        return ProjectedVolume(sources=sources, default_mode=draw(_OPTIONAL_MODES))
    if kind == 5:
        return DownwardAPIVolume(items=_draw_downward_files(draw, containers),
                                 default_mode=draw(_OPTIONAL_MODES))
    return OtherVolumeSource(pick(draw, _OTHER_SOURCES))


@st.composite
def _volumes(draw: DrawFn, name: str | None) -> Volume:
    return Volume(name if name is not None else draw(_SHORT_NAMES), _draw_volume_source(draw))


@draws(Volume)
def volumes(*, name: str | None = None) -> SearchStrategy[Volume]:
    """Pod volumes of every modelled source (emptyDir, configMap, secret,
    persistentVolumeClaim, projected, downwardAPI) and carried ones (hostPath, nfs, csi).
    ``name``: the volume's name (drawn when ``None``).

    >>> from hypothesis import find
    >>> find(volumes(name="cache"), lambda v: v.source_field == "emptyDir").name
    'cache'
    """
    if name is not None:
        names("volumes", "name", [name])
    return _volumes(name)
