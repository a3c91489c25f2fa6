"""Values → manifests, compiled per class from the fields' declarations.

For each value class, the declarations (:mod:`kancat.core.fields`) are turned once
into a list of steps — read the field, leave it out or encode it, put it at its path —
so emitting does no reflection. Keys come out in declaration order; each carried map
follows the modelled keys of its level, its own keys sorted. Equal values give equal
dicts, so the YAML and JSON written from them are byte-identical.

Why not cattrs: cattrs generates per-class code as this module does, but kancat's wire
form nests fields deeper than their class (``Deployment.replicas`` at
``spec.replicas``), merges carried maps into the modelled ones, writes one-ofs inline
by the key of their variant, keeps declaration order and omits by rule; a cattrs
converter giving the same dicts needs a wrapper around the generated function for 6 of
the 7 classes of a container. ``benchmarks/codec.py`` builds that converter and
measures both: kancat's encoders are about 2.5 times as fast (a first version of this
module, made of closures, was 0.8 times as fast, and was replaced by generated code).

>>> from kancat.values import Container, Deployment
>>> web = Deployment.of("web", containers=[Container.of("app", image="web:1.0")])
>>> encode(web)["spec"]["template"]["spec"]["containers"]
[{'name': 'app', 'image': 'web:1.0'}]
>>> to_manifest(web)["apiVersion"]
'apps/v1'
"""

from collections.abc import Callable, Mapping
from typing import Any, Final

from kancat.core.fields import KubernetesVersion, Shape
from kancat.core.frozen import FrozenMap, thaw
from kancat.core.value import FieldPlan, plan_of
from kancat.errors import InvalidArgument, InvalidValue, Problem, join_path
from kancat.values.kinds import DEFAULT_VERSION, Kind, kind_of
from kancat.values.objects import OpaqueObject

__all__ = ["encode", "encode_class", "gate_problems", "removed_kind_problem", "source_of",
           "to_manifest"]

_Encoder = Callable[[Any], Any]
_ENCODERS: dict[type, _Encoder] = {}


def encode(value: Any) -> dict[str, Any]:
    """The manifest mapping of a value (without ``apiVersion`` and ``kind``)."""
    encoder = _ENCODERS.get(type(value)) or encode_class(type(value))
    result: dict[str, Any] = encoder(value)
    return result


def to_manifest(value: Any, kubernetes_version: KubernetesVersion = DEFAULT_VERSION
                ) -> dict[str, Any]:
    """One top-level value as a Kubernetes manifest dict for ``kubernetes_version``.

    Raises :class:`~kancat.errors.InvalidValue` when the value cannot be expressed
    for that version (e.g. native sidecars before 1.29).
    """
    if isinstance(value, OpaqueObject):
        document: dict[str, Any] = thaw(value.document)
        head: dict[str, Any] = {key: document.pop(key) for key in ("apiVersion", "kind",
                                                                   "metadata")
                                if key in document}
        return {**head, **document}
    row = kind_of(type(value))
    if not row.served(kubernetes_version):
        raise InvalidValue([removed_kind_problem(row, value, kubernetes_version)])
    problems = gate_problems(value, kubernetes_version)
    if problems:
        raise InvalidValue(problems)
    out = {"apiVersion": row.api_version(kubernetes_version), "kind": row.name}
    out.update(encode(value))
    return out


# --- compiling ---------------------------------------------------------------------------------
#
# Each class's encoder is generated as plain Python from its plan, a few lines per field
# (read it with ``source_of(cls)``):
#
#     def encode(value):
#         out = {}
#         v = value.replicas
#         if v is not None:
#             level = out.get("spec")
#             if level is None:
#                 level = out["spec"] = {}
#             level["replicas"] = v
#         ...
#         v = value.spec_extra
#         if v:
#             MERGE(AT(out, ("spec",)), v)
#         return out

_SOURCES: dict[type, str] = {}


def source_of(cls: type) -> str:
    """The generated source of ``cls``'s encoder (for reading and debugging).

    >>> from kancat.values import ContainerPort
    >>> print(source_of(ContainerPort).splitlines()[3])
        out['containerPort'] = v
    """
    if cls not in _SOURCES:
        encode_class(cls)
    return _SOURCES[cls]


def encode_class(cls: type) -> _Encoder:
    """The compiled encoder of a value class (compiled on first use)."""
    encoder = _ENCODERS.get(cls)
    if encoder is None:
        encoder = _ENCODERS[cls] = _compile_class(cls)
    return encoder


def _compile_class(cls: type) -> _Encoder:
    plan = plan_of(cls)
    namespace: dict[str, Any] = {"MERGE": _merge, "AT": _at, "THAW": thaw, "ENCODE": encode,
                                 "ONEOF": _wrapped_oneof, "OTHER": _other_data}
    lines = ["def encode(value):", "    out = {}"]
    carried: list[FieldPlan] = []
    for index, field in enumerate(plan.fields):
        if field.wire.carried:
            carried.append(field)
        elif not field.wire.path:
            lines += [f"    v = value.{field.name}", "    if v is not None:",
                      "        key = v.__class__.wire_key",
                      "        if key is None:", "            MERGE(out, OTHER(v))",
                      "        else:", "            out[key] = ENCODE(v)"]
        else:
            lines += [f"    v = value.{field.name}"]
            lines += ["    " + line for line in _field_lines(field, index, namespace)]
    for field in carried:
        target = f"AT(out, {field.wire.path!r})" if field.wire.path else "out"
        lines += [f"    v = value.{field.name}", "    if v:", f"        MERGE({target}, v)"]
    lines.append("    return out")
    source = "\n".join(lines)
    _SOURCES[cls] = source
    exec(compile(source, f"<kancat encoder of {cls.__qualname__}>", "exec"), namespace)
    compiled: _Encoder = namespace["encode"]
    return compiled


def _field_lines(field: FieldPlan, index: int, namespace: dict[str, Any]) -> list[str]:
    """Encode ``v`` and put it at the field's path, unless the field is left out."""
    expression = _expression(field.shape, "v", f"E{index}", namespace)
    *parents, key = field.wire.path
    put = ["target = out"] if parents else []
    for part in parents:
        put += [f"level = target.get({part!r})", "if level is None:",
                f"    level = target[{part!r}] = {{}}", "target = level"]
    if not parents:
        put, key_target = [], "out"
    else:
        key_target = "target"
    if field.omit == "empty" and field.shape.kind in ("value", "oneof"):
        body = [f"e = {expression}", "if e:", *["    " + p for p in put],
                f"    {key_target}[{key!r}] = e"]
    else:
        body = [*put, f"{key_target}[{key!r}] = {expression}"]
    if field.omit == "never":
        return body
    test = "v is not None" if field.omit == "none" or field.shape.kind not in (
        "list", "map", "json") else "v"
    return [f"if {test}:", *["    " + line for line in body]]


def _expression(shape: Shape, name: str, label: str, namespace: dict[str, Any]) -> str:
    """A Python expression encoding the value held by ``name``."""
    kind = shape.kind
    if kind == "scalar":
        return name
    if kind == "text":
        return f"str({name})"
    if kind == "json":
        return f"THAW({name})"
    if kind == "value":
        namespace[label] = encode_class(shape.types[0])
        return f"{label}({name})"
    if kind == "oneof":
        return f"ONEOF({name})"
    assert shape.item is not None
    item = _expression(shape.item, "x", f"{label}_", namespace)
    if kind == "list":
        return f"list({name})" if item == "x" else f"[{item} for x in {name}]"
    if item == "x":
        return f"{name}.as_dict()"
    return f"{{k: {item} for k, x in {name}.items()}}"


def _wrapped_oneof(value: Any) -> Any:
    """A one-of under its own key: ``{variant key: variant}``, or the unmodelled one's data."""
    key = type(value).wire_key
    if key is None:
        return thaw(_other_data(value))
    return {key: encode(value)}


def _other_data(value: Any) -> FrozenMap[Any]:
    data: FrozenMap[Any] = getattr(value, plan_of(type(value)).fields[0].name)
    return data


_SENTINEL: Final = object()


def _at(out: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any]:
    target = out
    for part in path:
        target = target.setdefault(part, {})
    return target


def _merge(out: dict[str, Any], data: Mapping[str, Any]) -> None:
    """Carried fields after the modelled ones, merged into a level the modelled fields
    also fill (a carried key never replaces a modelled one: the value refuses that)."""
    for key, item in data.items():
        present = out.get(key, _SENTINEL)
        if present is _SENTINEL:
            out[key] = thaw(item)
        elif isinstance(present, dict) and isinstance(item, Mapping):
            _merge(present, item)


# --- versions -----------------------------------------------------------------------------------

def removed_kind_problem(row: Kind, value: Any, version: KubernetesVersion) -> Problem:
    """The problem of emitting ``value``, of a kind Kubernetes ``version`` no longer
    serves (its row's ``until``), naming the object and what replaced the kind.

    >>> from kancat.patterns.runtime_security import restricted_psp
    >>> psp = restricted_psp()
    >>> print(removed_kind_problem(kind_of(type(psp)), psp, (1, 25)).message)
    PodSecurityPolicy 'restricted-psp' cannot be emitted for Kubernetes 1.25: it was removed in Kubernetes 1.25
    """
    assert row.until is not None
    removed = f"{row.until[0]}.{row.until[1]}"
    name = getattr(getattr(value, "metadata", None), "name", None)
    return Problem("kind", f"{row.name} {name!r} cannot be emitted for Kubernetes "
                           f"{version[0]}.{version[1]}: it was removed in Kubernetes {removed}",
                   row.removed_hint or f"target Kubernetes older than {removed}",
                   object=f"{row.name}/{name}")


def gate_problems(value: Any, version: KubernetesVersion) -> list[Problem]:
    """What ``value`` sets that Kubernetes ``version`` does not have (a field newer than
    it) or does not allow (a rule of older versions), by field path."""
    if version >= _newest_gate(type(value)):
        return []
    found: list[Problem] = []
    _gates(value, version, "", found)
    return found


def _gates(value: Any, version: KubernetesVersion, path: str, found: list[Problem]) -> None:
    cls = type(value)
    if version >= _newest_gate(cls):
        return
    for field in plan_of(cls).fields:
        item = getattr(value, field.name)
        if item is None or (isinstance(item, (tuple, FrozenMap)) and not item):
            continue
        where = join_path(path, field.path)
        since = field.wire.since
        if since is not None and version < since:
            wanted = f"{since[0]}.{since[1]}"
            what = field.wire.since_what or f"{field.what} needs"
            found.append(Problem(where, f"{what} Kubernetes {wanted} or newer, not "
                                        f"{version[0]}.{version[1]}",
                                 f"target Kubernetes {wanted}+ or "
                                 + (field.wire.since_hint or f"leave {field.what} out")))
        for before, check in field.wire.before:
            if version < before:
                found += check(where, item)
        _nested_gates(field.shape, item, version, where, found)


def _nested_gates(shape: Shape, item: Any, version: KubernetesVersion, path: str,
                  found: list[Problem]) -> None:
    if shape.kind in ("value", "oneof"):
        key = type(item).wire_key if shape.kind == "oneof" else None
        _gates(item, version, join_path(path, key) if key else path, found)
    elif shape.kind == "list" and shape.item is not None:
        for index, element in enumerate(item):
            _nested_gates(shape.item, element, version, f"{path}[{index}]", found)
    elif shape.kind == "map" and shape.item is not None:
        for key, element in item.items():
            _nested_gates(shape.item, element, version, f"{path}[{key!r}]", found)


_NEWEST_GATE: dict[type, KubernetesVersion] = {}
_NO_GATE: Final[KubernetesVersion] = (0, 0)


def _newest_gate(cls: type) -> KubernetesVersion:
    """The newest Kubernetes version a rule of ``cls`` or of its parts depends on."""
    found = _NEWEST_GATE.get(cls)
    if found is None:
        _NEWEST_GATE[cls] = _NO_GATE  # a class nested in itself adds nothing new
        newest = _NO_GATE
        for field in plan_of(cls).fields:
            if field.wire.since is not None:
                newest = max(newest, field.wire.since)
            for before, _ in field.wire.before:
                newest = max(newest, before)
            for nested in _classes_in(field.shape):
                newest = max(newest, _newest_gate(nested))
        found = _NEWEST_GATE[cls] = newest
    return found


def _classes_in(shape: Shape) -> tuple[type, ...]:
    if shape.kind in ("value", "oneof"):
        return shape.types
    if shape.item is not None:
        return _classes_in(shape.item)
    return ()


def check_emittable(value: Any) -> None:
    """Raise :class:`~kancat.errors.InvalidArgument` unless kancat can emit ``value``."""
    if not isinstance(value, OpaqueObject):
        try:
            kind_of(type(value))
        except InvalidArgument:
            raise InvalidArgument(f"cannot emit {type(value).__name__}: expected a top-level "
                                  "kancat object (a kind of kancat.values.kinds.KINDS, or an "
                                  "OpaqueObject)") from None
