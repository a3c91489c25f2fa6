"""Validate emitted manifests against real schemas, for tests.

* Built-in kinds: the *strict* OpenAPI-derived JSON Schemas shipped in the
  ``kubernetes-validate`` package (``kubernetes-json-schema/v<ver>.0-local-strict/``,
  unknown fields rejected), with ``_definitions.json`` as a referencing resource.
* CRD kinds (Istio ``*.istio.io``, VPA ``autoscaling.k8s.io``): the strict JSON
  Schemas in ``../shared/schemas/`` (beside the repository root), or their copies in
  ``tests/data/crd-schemas/`` for a clone on its own, whose
  ``metadata`` is also checked against the built-in ``ObjectMeta`` schema.
* Any other kind: an error saying there is no schema (never a silent pass).

One compiled validator per (Kubernetes version, apiVersion, kind) is built and
cached: ``kubernetes_validate.validate`` re-reads a 1.3 MB definitions file on
every call, which is far too slow for property tests.

Beyond the schemas, ``format: int32`` / ``int64`` are checked as ranges (the API
server rejects an out-of-range int32 when it decodes the object).

>>> manifest_errors({"apiVersion": "v1", "kind": "ConfigMap",
...                  "metadata": {"name": "cfg"}, "data": {"a": "b"}})
[]
>>> manifest_errors({"apiVersion": "v1", "kind": "ConfigMap",
...                  "metadata": {"name": "cfg"}, "dta": {}})
["(root): Additional properties are not allowed ('dta' was unexpected)"]
"""

import functools
import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

__all__ = [
    "COPIED_SCHEMAS",
    "SHARED_SCHEMAS",
    "TEAM_SCHEMAS",
    "SchemasMissingError",
    "manifest_errors",
    "validate_manifest",
    "validator_for",
]

REPO_ROOT = Path(__file__).resolve().parents[1]
TEAM_SCHEMAS = REPO_ROOT.parent / "shared" / "schemas"
"""The team's CRD schema set: ``../shared/schemas`` from the repository root."""
COPIED_SCHEMAS = REPO_ROOT / "tests" / "data" / "crd-schemas"
"""The copies of the schemas of the kinds kancat emits, for a clone on its own."""
SHARED_SCHEMAS = TEAM_SCHEMAS if TEAM_SCHEMAS.is_dir() else COPIED_SCHEMAS
"""The CRD schemas read: the team's set when present, else the copies."""

_BUILTIN_ROOT = Path(kubernetes_validate.__file__).resolve().parent / "kubernetes-json-schema"
_STRICT_DIR = re.compile(r"v(\d+)\.(\d+)\.0-local-strict\Z")
_VERSION = re.compile(r"v?(\d+)\.(\d+)(?:\.\d+)?\Z")
_OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"
_MAX_MESSAGE = 300


class SchemasMissingError(FileNotFoundError):
    """The shared CRD schema directory is not there."""


def _is_crd_group(group: str) -> bool:
    return group.endswith(".istio.io") or group == "autoscaling.k8s.io"


# --- format checks -------------------------------------------------------------------------

_FORMATS = jsonschema.FormatChecker(formats=())


def _int32(value: object) -> bool:
    return not isinstance(value, int) or isinstance(value, bool) or -(2**31) <= value < 2**31


def _int64(value: object) -> bool:
    return not isinstance(value, int) or isinstance(value, bool) or -(2**63) <= value < 2**63


_FORMATS.checks("int32")(_int32)
_FORMATS.checks("int64")(_int64)


# --- schema lookup -------------------------------------------------------------------------

@functools.cache
def _available_versions() -> tuple[tuple[int, int], ...]:
    found = []
    for entry in _BUILTIN_ROOT.iterdir():
        match = _STRICT_DIR.match(entry.name)
        if match and entry.is_dir():
            found.append((int(match.group(1)), int(match.group(2))))
    return tuple(sorted(found))


def _schema_version(kubernetes_version: str) -> tuple[int, int]:
    """The newest strict schema set not newer than ``kubernetes_version`` (like
    kubernetes-validate, but comparing versions as numbers, not strings)."""
    match = _VERSION.match(kubernetes_version)
    if not match:
        raise ValueError(f"Kubernetes version {kubernetes_version!r} is not like '1.32'")
    wanted = (int(match.group(1)), int(match.group(2)))
    available = _available_versions()
    usable = [v for v in available if v <= wanted]
    if not available or not usable or wanted > available[-1]:
        shown = ", ".join(f"{a}.{b}" for a, b in available) or "none"
        raise ValueError(f"kubernetes-validate has no strict schemas for Kubernetes "
                         f"{kubernetes_version} (available: {shown})")
    return usable[-1]


def _strict_dir(version: tuple[int, int]) -> Path:
    return _BUILTIN_ROOT / f"v{version[0]}.{version[1]}.0-local-strict"


@functools.cache
def _builtin_registry(version: tuple[int, int]) -> Registry:
    """``_definitions.json`` of one version as a resource (read once per version)."""
    definitions = json.loads((_strict_dir(version) / "_definitions.json").read_text())
    resource: Resource[Any] = Resource.from_contents(definitions)
    registry: Registry = resource @ Registry()
    return registry


def _builtin_file(version: tuple[int, int], api_version: str, kind: str) -> Path:
    """Same naming as kubernetes_validate.utils.validate: ``apps/v1`` → ``apps-v1``,
    ``rbac.authorization.k8s.io/v1`` → ``rbac-v1``, ``v1`` → ``v1``."""
    suffix = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
    return _strict_dir(version) / f"{kind.lower()}-{suffix}.json"


def _crd_file(group: str, version: str, kind: str) -> Path:
    if not SHARED_SCHEMAS.is_dir():
        raise SchemasMissingError(
            f"the CRD schema directory {SHARED_SCHEMAS} is missing: validating "
            f"{group}/{version} {kind} needs the shared schemas at ../shared/schemas "
            f"beside the repository root {REPO_ROOT}")
    return SHARED_SCHEMAS / f"{group}_{version}_{kind}.json"


def _compile(schema: Mapping[str, Any], registry: Registry) -> Draft202012Validator:
    Draft202012Validator.check_schema(schema)
    resource: Resource[Any] = Resource.from_contents(schema,
                                                     default_specification=DRAFT202012)
    return Draft202012Validator(schema, registry=resource @ registry,
                                format_checker=_FORMATS)


@functools.cache
def _object_meta_validator(version: tuple[int, int]) -> Draft202012Validator:
    """The built-in ObjectMeta schema, to check a custom resource's ``metadata``."""
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema",
              "$ref": f"https://kubernetes.io/api/_definitions.json#/$defs/{_OBJECT_META}"}
    return Draft202012Validator(schema, registry=_builtin_registry(version),
                                format_checker=_FORMATS)


@functools.cache
def _validator(version: tuple[int, int], api_version: str,
               kind: str) -> Draft202012Validator | None:
    group, slash, group_version = api_version.rpartition("/")
    if slash and _is_crd_group(group):
        path = _crd_file(group, group_version, kind)
        if not path.is_file():
            return None
        return _compile(json.loads(path.read_text()), Registry())
    path = _builtin_file(version, api_version, kind)
    if not path.is_file():
        return None
    return _compile(json.loads(path.read_text()), _builtin_registry(version))


def validator_for(api_version: str, kind: str,
                  kubernetes_version: str = "1.32") -> Draft202012Validator | None:
    """The compiled, cached validator for one kind (``None`` when there is no schema).

    >>> validator_for("apps/v1", "Deployment") is validator_for("apps/v1", "Deployment")
    True
    """
    return _validator(_schema_version(kubernetes_version), api_version, kind)


# --- validation ----------------------------------------------------------------------------

def _path(parts: Iterable[object]) -> str:
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "(root)"


def _message(error: jsonschema.ValidationError) -> str:
    text = str(error.message)
    if len(text) > _MAX_MESSAGE:
        text = text[:_MAX_MESSAGE - 3] + "..."
    if error.context:
        best = jsonschema.exceptions.best_match(error.context)
        if best is not None:
            text += f" (e.g. {_path(best.absolute_path)}: {best.message[:_MAX_MESSAGE]})"
    return text


def _errors(validator: Draft202012Validator, instance: object,
            prefix: tuple[object, ...] = ()) -> list[str]:
    found = sorted(validator.iter_errors(instance),
                   key=lambda e: (_path(e.absolute_path), e.message))
    return [f"{_path((*prefix, *e.absolute_path))}: {_message(e)}" for e in found]


def manifest_errors(manifest: Mapping[str, Any], kubernetes_version: str = "1.32") -> list[str]:
    """Every schema violation of one manifest, as ``"path: message"`` strings.

    An empty list means valid. A kind without a schema is an error, not a pass.
    Raises :class:`SchemasMissingError` when a CRD kind needs ``../shared/schemas``
    and it is missing, and ``ValueError`` for a Kubernetes version that
    kubernetes-validate does not cover.
    """
    if not isinstance(manifest, Mapping):
        return [f"(root): a manifest must be a mapping, got {type(manifest).__name__}"]
    api_version, kind = manifest.get("apiVersion"), manifest.get("kind")
    missing = [f"(root): {field} is missing or not a string"
               for field, value in (("apiVersion", api_version), ("kind", kind))
               if not isinstance(value, str) or not value]
    if missing:
        return missing
    assert isinstance(api_version, str) and isinstance(kind, str)
    version = _schema_version(kubernetes_version)
    validator = _validator(version, api_version, kind)
    if validator is None:
        where = ("the CRD schemas in " + str(SHARED_SCHEMAS)
                 if _is_crd_group(api_version.rpartition("/")[0])
                 else f"kubernetes-validate {version[0]}.{version[1]} (strict)")
        return [f"(root): no schema for kind {kind!r} of apiVersion {api_version!r} "
                f"in {where}"]
    found = _errors(validator, manifest)
    group = api_version.rpartition("/")[0]
    if _is_crd_group(group) and isinstance(manifest.get("metadata"), Mapping):
        found += _errors(_object_meta_validator(version), manifest["metadata"], ("metadata",))
    return found


def validate_manifest(manifest: Mapping[str, Any], kubernetes_version: str = "1.32") -> None:
    """Raise ``AssertionError`` listing every error, naming the manifest's kind and name."""
    errors = manifest_errors(manifest, kubernetes_version)
    if errors:
        kind = manifest.get("kind", "?") if isinstance(manifest, Mapping) else "?"
        metadata = manifest.get("metadata") if isinstance(manifest, Mapping) else None
        name = metadata.get("name", "?") if isinstance(metadata, Mapping) else "?"
        raise AssertionError(
            f"{kind}/{name} is not valid for Kubernetes {kubernetes_version} "
            f"({len(errors)} error{'s' if len(errors) != 1 else ''}):\n  "
            + "\n  ".join(errors))
