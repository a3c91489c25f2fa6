"""Emit values as Kubernetes YAML, JSON, or a kustomize directory.

YAML goes through PyYAML's libyaml ``CSafeDumper`` when available (YAML 1.1 rules,
so strings such as ``on`` or ``0755`` are quoted and stay strings for the API
server). Multi-line strings are written as ``|`` blocks. Equal values give
byte-identical output.

>>> from kancat.values import ConfigMap
>>> print(to_yaml(ConfigMap.of("flags", {"enabled": "on", "mode": "0755"})), end="")
apiVersion: v1
kind: ConfigMap
metadata:
  name: flags
data:
  enabled: 'on'
  mode: '0755'
"""

import json
import operator
import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias, runtime_checkable

import yaml

from kancat.codec.encode import check_emittable, to_manifest

if TYPE_CHECKING:  # returns loads only where a Result is made: to_yaml does not need it
    from returns.result import Result
from kancat.errors import InvalidArgument, InvalidValue, Problem
from kancat.values import KubeObject, KubeObjectBase, OpaqueObject
from kancat.values.kinds import DEFAULT_VERSION, KubernetesVersion, parse_version

__all__ = [
    "Emittable",
    "HasObjects",
    "HasVersionedObjects",
    "objects_of",
    "render",
    "to_json",
    "to_manifests",
    "to_yaml",
    "write_directory",
]

try:
    _BaseDumper: Any = yaml.CSafeDumper
except AttributeError:  # PyYAML built without libyaml: same output, slower
    _BaseDumper = yaml.SafeDumper


_STR, _INT, _BOOL, _NULL = (f"tag:yaml.org,2002:{t}" for t in ("str", "int", "bool", "null"))
_MAP, _SEQ = "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"
_RESOLVED: dict[str, str] = {}


class _Dumper(_BaseDumper):  # type: ignore[misc]  # PyYAML's dumpers are untyped
    """The libyaml dumper, writing multi-line strings as literal blocks.

    Manifests are plain JSON-like trees (dict, list, str, int, bool, None, float), so
    the representer takes a direct path for those types and never looks for shared
    objects (a manifest has no aliases). The libyaml serializer calls back into Python
    for every node (its tag's resolution, and the path resolvers around it); those
    callbacks are the cheapest that give the same answers: the YAML 1.1 tag of each
    scalar resolved once per distinct text, the default tag for collections, and no
    path resolvers (kancat registers none) — so the callbacks for them are C builtins
    that do nothing. The output is byte-for-byte what PyYAML's SafeRepresenter gives
    (``property_tests/test_yaml_emitter.py`` compares them).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.resolve = _resolve
        self.descend_resolver = operator.is_  # (parent, index) -> ignored: no path resolvers
        self.ascend_resolver = tuple  # () -> ignored

    def ignore_aliases(self, data: Any) -> bool:
        return True

    def represent_data(self, data: Any) -> Any:
        kind = type(data)
        if kind is dict:
            represent = self.represent_data
            return _MAPPING(_MAP, [(_SCALAR(_STR, key) if type(key) is str and "\n" not in key
                                    else represent(key), represent(value))
                                   for key, value in data.items()], flow_style=False)
        if kind is str:
            return _SCALAR(_STR, data, style="|" if "\n" in data else None)
        if kind is list:
            represent = self.represent_data
            return _SEQUENCE(_SEQ, [represent(item) for item in data], flow_style=False)
        if kind is int:
            return _SCALAR(_INT, str(data))
        if kind is bool:
            return _SCALAR(_BOOL, "true" if data else "false")
        if data is None:
            return _SCALAR(_NULL, "null")
        return super().represent_data(data)


_SCALAR, _MAPPING, _SEQUENCE = yaml.ScalarNode, yaml.MappingNode, yaml.SequenceNode
_RESOLVER = yaml.resolver.Resolver()


def _resolve(kind: Any, value: Any, implicit: Any) -> Any:
    """The tag the serializer compares a node's with, to leave it implicit."""
    if kind is not _SCALAR:
        return _MAP if kind is _MAPPING else _SEQ
    if not implicit[0]:  # asked for a quoted scalar: PyYAML's answer is always str
        return _STR
    tag = _RESOLVED.get(value)
    if tag is None:
        tag = _RESOLVER.resolve(kind, value, implicit)  # type: ignore[no-untyped-call]
        if len(_RESOLVED) < 65536:  # the tag of a plain scalar depends only on its text
            _RESOLVED[value] = tag
    return tag


@runtime_checkable
class HasObjects(Protocol):
    """Anything that stands for several Kubernetes objects (e.g. a mesh)."""

    def objects(self) -> Iterable[KubeObject]: ...


@runtime_checkable
class HasVersionedObjects(Protocol):
    """Anything whose objects depend on the Kubernetes version they are emitted for
    (e.g. a PodSecurityPolicy only before 1.25). :func:`objects_of` and everything that
    emits call ``objects_for(version)`` when a value has it, and ``objects()`` otherwise.

    >>> from kancat.values import ConfigMap
    >>> class Flags:
    ...     def objects_for(self, kubernetes_version):
    ...         return [ConfigMap.of("flags", {"new": str(kubernetes_version >= (1, 25))})]
    >>> [o.data["new"] for o in objects_of(Flags(), kubernetes_version="1.24")]
    ['False']
    """

    def objects_for(self, kubernetes_version: KubernetesVersion) -> Iterable[Any]: ...


Emittable: TypeAlias = KubeObject | HasObjects | HasVersionedObjects | Iterable[Any]

def objects_of(target: Emittable, *,
               kubernetes_version: str | KubernetesVersion = DEFAULT_VERSION
               ) -> list[KubeObject]:
    """Flatten a value, a list of values, or something with ``objects_for(version)``
    (asked for ``kubernetes_version``) or ``objects()``."""
    if isinstance(target, (KubeObjectBase, OpaqueObject)):
        check_emittable(target)
        return [target]
    version = parse_version(kubernetes_version)
    if isinstance(target, HasVersionedObjects):
        return objects_of(list(target.objects_for(version)), kubernetes_version=version)
    if isinstance(target, HasObjects):
        return objects_of(list(target.objects()), kubernetes_version=version)
    if isinstance(target, (str, bytes)) or not isinstance(target, Iterable):
        raise InvalidArgument(f"cannot emit {type(target).__name__}: give a kancat value, a "
                              "list of them, or an object with objects()")
    found: list[KubeObject] = []
    for item in target:
        found.extend(objects_of(item, kubernetes_version=version))
    return found


def to_manifests(target: Emittable, *,
                 kubernetes_version: str | KubernetesVersion = DEFAULT_VERSION
                 ) -> list[dict[str, Any]]:
    """Manifest dicts for every object; raises :class:`InvalidValue` naming each object
    that cannot be expressed for ``kubernetes_version``."""
    version = parse_version(kubernetes_version)
    manifests: list[dict[str, Any]] = []
    problems: list[Problem] = []
    for index, value in enumerate(objects_of(target, kubernetes_version=version)):
        try:
            manifests.append(to_manifest(value, version))
        except InvalidValue as error:
            where = f"{value.kind}/{value.name}"
            problems.extend(Problem(p.path, p.message, p.hint, index + 1, where)
                            for p in error.problems)
    if problems:
        raise InvalidValue(problems)
    return manifests


def dump_yaml(manifests: Sequence[dict[str, Any]]) -> str:
    """Multi-document YAML of ready manifests (the libyaml emitter)."""
    text: str = yaml.dump_all(manifests, Dumper=_Dumper, sort_keys=False,
                              default_flow_style=False, allow_unicode=True, width=120)
    return text


def to_yaml(target: Emittable, *,
            kubernetes_version: str | KubernetesVersion = DEFAULT_VERSION) -> str:
    """Multi-document YAML for ``target``."""
    return dump_yaml(to_manifests(target, kubernetes_version=kubernetes_version))


def to_json(target: Emittable, *,
            kubernetes_version: str | KubernetesVersion = DEFAULT_VERSION) -> str:
    """JSON: one object as itself, several as a ``v1`` ``List`` (which kubectl accepts)."""
    manifests = to_manifests(target, kubernetes_version=kubernetes_version)
    document: Any = (manifests[0] if len(manifests) == 1
                     else {"apiVersion": "v1", "kind": "List", "items": manifests})
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def render(target: Emittable, *, format: str = "yaml",
           kubernetes_version: str | KubernetesVersion = DEFAULT_VERSION
           ) -> "Result[str, InvalidValue]":
    """:func:`to_yaml` or :func:`to_json` as a ``Result``: nothing half-rendered on failure."""
    from returns.result import Failure, Success

    if format not in ("yaml", "json"):
        raise InvalidArgument(f"format {format!r} is not supported; use 'yaml' or 'json'")
    try:
        emit = to_yaml if format == "yaml" else to_json
        return Success(emit(target, kubernetes_version=kubernetes_version))
    except InvalidValue as error:
        return Failure(error)


def _file_names(manifests: Sequence[dict[str, Any]],
                suffix: str) -> "Result[list[str], InvalidValue]":
    """``[namespace.]kind-name.SUFFIX`` per object; one object given twice (the same
    kind, namespace and name) is a problem naming both, since one file cannot hold two
    objects and kustomize refuses two with one identity."""
    from returns.result import Failure, Success

    names: list[str] = []
    first: dict[str, int] = {}
    problems: list[Problem] = []
    for index, manifest in enumerate(manifests):
        meta = manifest.get("metadata") or {}
        kind, name = str(manifest.get("kind")), str(meta.get("name") or "unnamed")
        base = f"{kind.lower()}-{name}"
        if meta.get("namespace"):
            base = f"{meta['namespace']}.{base}"
        identity = f"{manifest.get('apiVersion')}/{base}"
        if identity in first:
            problems.append(Problem("metadata.name", f"{kind}/{name} is given twice (objects "
                                    f"{first[identity] + 1} and {index + 1})",
                                    "give each object once; rename one of them if both "
                                    "are meant", index + 1, f"{kind}/{name}"))
            continue
        first[identity] = index
        file_name, counter = base + suffix, 2
        while file_name in names:  # kinds that differ only by letter case, or by group
            file_name, counter = f"{base}-{counter}{suffix}", counter + 1
        names.append(file_name)
    return Failure(InvalidValue(problems)) if problems else Success(names)


def write_directory(target: Emittable, directory: str | os.PathLike[str], *,
                    format: str = "yaml",
                    kubernetes_version: str | KubernetesVersion = DEFAULT_VERSION
                    ) -> "Result[list[Path], InvalidValue]":
    """One file per object plus a ``kustomization.yaml`` listing them (for
    ``kubectl kustomize DIR``). Everything is rendered before anything is written, and
    each file is written whole (temporary file, then rename), so a failure leaves no
    half-written output. Writing again into the same directory removes the files the
    previous ``kustomization.yaml`` listed that are no longer emitted (files it did not
    list are left alone)."""
    from returns.result import Failure, Success

    if format not in ("yaml", "json"):
        raise InvalidArgument(f"format {format!r} is not supported; use 'yaml' or 'json'")
    try:
        manifests = to_manifests(target, kubernetes_version=kubernetes_version)
    except InvalidValue as error:
        return Failure(error)
    suffix = ".yaml" if format == "yaml" else ".json"
    named = _file_names(manifests, suffix)
    if isinstance(named, Failure):
        return named
    names = named.unwrap()
    contents = [dump_yaml([m]) if format == "yaml"
                else json.dumps(m, indent=2, ensure_ascii=False) + "\n" for m in manifests]
    kustomization = dump_yaml([{"apiVersion": "kustomize.config.k8s.io/v1beta1",
                                "kind": "Kustomization", "resources": names}])
    root = Path(directory)
    root.mkdir(parents=True, exist_ok=True)
    stale = _listed(root / "kustomization.yaml") - set(names)
    written: list[Path] = []
    for name, text in [*zip(names, contents, strict=True),
                       ("kustomization.yaml", kustomization)]:
        written.append(_write_whole(root / name, text))
    for name in sorted(stale):
        (root / name).unlink(missing_ok=True)
    return Success(written)


def _listed(kustomization: Path) -> set[str]:
    """The plain file names a previous ``kustomization.yaml`` in the directory lists."""
    try:
        document = yaml.safe_load(kustomization.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return set()
    resources = document.get("resources") if isinstance(document, dict) else None
    return {name for name in resources or () if isinstance(name, str) and "/" not in name
            and name.endswith((".yaml", ".json")) and not name.startswith(".")}


def _write_whole(path: Path, text: str) -> Path:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
