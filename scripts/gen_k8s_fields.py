"""Generate ``kancat/_schemas/k8s-fields-1.32.json``: the field names Kubernetes knows.

The source is the strict JSON schema of Kubernetes 1.32 shipped by the
``kubernetes-validate`` package (a development dependency). The kinds described are
those of kancat's kinds table (:data:`kancat.values.kinds.KINDS`, at their 1.32
group/version); only the definitions reachable from them are kept, and for each
definition only its property names and, per property, the shape of its value:

* ``0``                 a leaf (scalar, IntOrString, Quantity, Time, a free-form
                        object such as RawExtension, a map or list of scalars ...)
* ``"<def>"``           an object of definition ``<def>``
* ``["<def>"]``         a list of objects of definition ``<def>``
* ``{"*": "<def>"}``    a map (``additionalProperties``) of objects of ``<def>``

Definitions without properties (IntOrString, Quantity, RawExtension, FieldsV1 ...)
are leaves and are not listed under ``defs``.

``served`` lists, for every group/version the API server knows, the kinds it serves
(lists and the meta kinds ``DeleteOptions`` and ``WatchEvent`` left out; a group/version
that serves none of its former kinds any more, such as ``extensions/v1beta1``, has an
empty list): how the loader tells a misspelt or removed kind from a custom resource.

Run from the project root::

    .venv/bin/python scripts/gen_k8s_fields.py

Importing this module has no side effect; :func:`build` returns the document and
:func:`render` its text, so a test can check the committed file is up to date.
"""

import importlib.metadata
import importlib.resources
import json
import sys
from pathlib import Path
from typing import Any

__all__ = ["OUTPUT", "SCHEMA_DIR", "build", "described", "main", "render", "write"]

SCHEMA_DIR = "v1.32.0-local-strict"
OUTPUT = Path(__file__).resolve().parents[1] / "kancat" / "_schemas" / "k8s-fields-1.32.json"

_VERSION = (1, 32)


def described() -> tuple[tuple[str, str], ...]:
    """(apiVersion, kind) of every built-in kind of the kinds table, as Kubernetes 1.32
    serves it (custom resources are described by ``scripts/gen_istio_fields.py``)."""
    from kancat.values.kinds import KINDS

    # a kind removed before 1.32 (PodSecurityPolicy) is not in its schema: its value
    # class checks its own carried fields
    return tuple((row.api_version(_VERSION), row.name) for row in KINDS
                 if row.built_in and row.served(_VERSION))


_META_KINDS = frozenset({"DeleteOptions", "WatchEvent"})

_PACKAGE = "kubernetes-validate"
_REF_MARK = "#/$defs/"


def _schema_dir() -> Any:
    return importlib.resources.files("kubernetes_validate") / "kubernetes-json-schema" / SCHEMA_DIR


def _read_json(resource: Any) -> Any:
    return json.loads(resource.read_text(encoding="utf-8"))


def _kind_file(api_version: str, kind: str) -> str:
    """``deployment-apps-v1.json``, ``pod-v1.json``, ``ingress-networking-v1.json``."""
    group, _, version = api_version.rpartition("/")
    parts = [kind.lower()]
    if group:
        parts.append(group.split(".")[0])
    parts.append(version)
    return "-".join(parts) + ".json"


def _ref_name(ref: str) -> str:
    """``/api/_definitions.json#/$defs/X`` or ``#/$defs/X`` -> ``X``."""
    if _REF_MARK not in ref:
        raise ValueError(f"unexpected $ref {ref!r}")
    return ref.split(_REF_MARK, 1)[1]


def _is_object(defs: dict[str, Any], name: str) -> bool:
    """A definition with properties (as opposed to IntOrString, Quantity, RawExtension ...)."""
    return "properties" in defs[name]


def _shape(defs: dict[str, Any], prop: dict[str, Any]) -> tuple[Any, str | None]:
    """The compact shape of one property and the object definition it leads to, if any."""
    if "$ref" in prop:
        target = _ref_name(prop["$ref"])
        return (target, target) if _is_object(defs, target) else (0, None)
    items = prop.get("items")
    if isinstance(items, dict) and "$ref" in items:
        target = _ref_name(items["$ref"])
        return ([target], target) if _is_object(defs, target) else (0, None)
    values = prop.get("additionalProperties")
    if isinstance(values, dict) and "$ref" in values:
        target = _ref_name(values["$ref"])
        return ({"*": target}, target) if _is_object(defs, target) else (0, None)
    return 0, None


def _top_definition(defs: dict[str, Any], api_version: str, kind: str) -> str:
    """The ``$defs`` name of a top-level kind, found by its group-version-kind."""
    group, _, version = api_version.rpartition("/")
    gvk = {"group": group, "version": version, "kind": kind}
    found = [
        name
        for name, schema in defs.items()
        if gvk in schema.get("x-kubernetes-group-version-kind", [])
    ]
    if len(found) != 1:
        raise ValueError(f"{api_version} {kind}: expected one definition, found {found}")
    return found[0]


def build() -> dict[str, Any]:
    """The document written to :data:`OUTPUT` (plain JSON data, deterministic)."""
    directory = _schema_dir()
    defs: dict[str, Any] = _read_json(directory / "_definitions.json")["$defs"]
    kinds: dict[str, str] = {}
    pending: list[str] = []
    for api_version, kind in described():
        top = _top_definition(defs, api_version, kind)
        kind_schema = _read_json(directory / _kind_file(api_version, kind))
        if set(kind_schema["properties"]) != set(defs[top]["properties"]):
            raise ValueError(f"{api_version} {kind}: kind file and {top} disagree")
        kinds[f"{api_version} {kind}"] = top
        pending.append(top)
    out: dict[str, dict[str, Any]] = {}
    while pending:
        name = pending.pop()
        if name in out:
            continue
        fields: dict[str, Any] = {}
        for prop_name, prop in sorted(defs[name]["properties"].items()):
            shape, target = _shape(defs, prop)
            fields[prop_name] = shape
            if target is not None and target not in out:
                pending.append(target)
        out[name] = fields
    version = importlib.metadata.version(_PACKAGE)
    return {
        "source": (
            "derived by scripts/gen_k8s_fields.py from the Kubernetes 1.32 OpenAPI schema "
            f"as shipped in the {_PACKAGE} package {version} (Apache-2.0)"
        ),
        "format": (
            "defs: definition -> {field: 0 leaf | 'def' object | ['def'] list of objects"
            " | {'*': 'def'} map of objects}; kinds: 'apiVersion kind' -> definition;"
            " served: apiVersion -> the kinds it serves"
        ),
        "kinds": dict(sorted(kinds.items())),
        "served": _served(defs),
        "defs": dict(sorted(out.items())),
    }


def _served(defs: dict[str, Any]) -> dict[str, list[str]]:
    served: dict[str, set[str]] = {}
    for schema in defs.values():
        for gvk in schema.get("x-kubernetes-group-version-kind", []):
            api_version = f"{gvk['group']}/{gvk['version']}" if gvk["group"] else gvk["version"]
            kinds = served.setdefault(api_version, set())
            if gvk["kind"] not in _META_KINDS and not gvk["kind"].endswith("List"):
                kinds.add(gvk["kind"])
    return {api_version: sorted(kinds) for api_version, kinds in sorted(served.items())}


def _compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def render(document: dict[str, Any]) -> str:
    """The file text: compact, but one kind and one definition per line (readable diffs)."""

    def block(table: dict[str, Any]) -> str:
        rows = [f"{_compact(key)}:{_compact(value)}" for key, value in table.items()]
        return "{\n" + ",\n".join(rows) + "\n}"

    head = [
        f"{_compact(key)}:{_compact(value)}"
        for key, value in document.items()
        if key not in ("kinds", "served", "defs")
    ]
    body = [f'"{key}":{block(document[key])}' for key in ("kinds", "served", "defs")]
    return "{\n" + ",\n".join([*head, *body]) + "\n}\n"


def write(output: Path, text: str) -> int:
    """Write a rendered table to ``output`` (its folder made if need be) and say so; the
    exit status. The Istio script writes its table with it too."""
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    print(f"wrote {output} ({len(text.encode())} bytes)")
    return 0


def main() -> int:
    return write(OUTPUT, render(build()))


if __name__ == "__main__":
    sys.exit(main())
