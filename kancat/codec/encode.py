"""Values → manifests, compiled per class from the fields' declarations.

For each value class, the declarations (:mod:`kancat.core.fields`) are turned once
into a list of steps — read the field, leave it out or encode it, put it at its path —
so emitting does no reflection. Keys come out in declaration order; each carried map
follows the modelled keys of its level, its own keys sorted. Equal values give equal
dicts, so the YAML and JSON written from them are byte-identical.

Why not cattrs: kancat's wire form nests fields deeper than their class
(``Deployment.replicas`` at ``spec.replicas``), merges carried maps into the modelled
ones, writes one-ofs by the key of their variant, and omits by rule; cattrs would
need a hand-written hook for most classes, while these steps come from the same
declarations the loader and the validation read. The benchmark in
``benchmarks/codec.py`` measures the two side by side.

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
from kancat.values.kinds import DEFAULT_VERSION, kind_of
from kancat.values.objects import OpaqueObject

__all__ = ["encode", "gate_problems", "to_manifest"]

_Encoder = Callable[[Any], Any]
_ENCODERS: dict[type, _Encoder] = {}


def encode(value: Any) -> dict[str, Any]:
    """The manifest mapping of a value (without ``apiVersion`` and ``kind``)."""
    cls = type(value)
    encoder = _ENCODERS.get(cls)
    if encoder is None:
        encoder = _ENCODERS[cls] = _compile_class(cls)
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
    problems = gate_problems(value, kubernetes_version)
    if problems:
        raise InvalidValue(problems)
    out = {"apiVersion": row.api_version(kubernetes_version), "kind": row.name}
    out.update(encode(value))
    return out


# --- compiling ---------------------------------------------------------------------------------

def _identity(value: Any) -> Any:
    return value


def _compile_shape(shape: Shape) -> _Encoder:
    kind = shape.kind
    if kind == "scalar":
        return _identity
    if kind == "text":
        return str
    if kind == "json":
        return thaw
    if kind == "value":
        return encode
    if kind == "oneof":
        return _wrapped_oneof
    assert shape.item is not None
    item = _compile_shape(shape.item)
    if kind == "list":
        if item is _identity:
            return list
        return lambda items: [item(x) for x in items]
    if item is _identity:
        return FrozenMap.as_dict
    return lambda table: {key: item(x) for key, x in table.items()}


def _wrapped_oneof(value: Any) -> Any:
    """A one-of under its own key: ``{variant key: variant}``, or the unmodelled one's data."""
    key = type(value).wire_key
    if key is None:
        return thaw(_other_data(value))
    return {key: encode(value)}


def _other_data(value: Any) -> FrozenMap[Any]:
    data: FrozenMap[Any] = getattr(value, plan_of(type(value)).fields[0].name)
    return data


def _omitted(field: FieldPlan) -> Callable[[Any], bool]:
    if field.omit == "never":
        return lambda value: False
    if field.omit == "none":
        return lambda value: value is None
    return lambda value: value is None or (isinstance(value, (tuple, FrozenMap)) and not value)


_SENTINEL: Final = object()


def _compile_class(cls: type) -> _Encoder:
    plan = plan_of(cls)
    steps: list[Callable[[Any, dict[str, Any]], None]] = []
    carried: list[tuple[str, tuple[str, ...]]] = []
    for field in plan.fields:
        if field.wire.carried:
            carried.append((field.name, field.wire.path))
        elif not field.wire.path:
            steps.append(_inline_step(field))
        else:
            steps.append(_step(field))

    def encode_value(value: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for step in steps:
            step(value, out)
        for name, path in carried:
            data = getattr(value, name)
            if data:
                _merge(_at(out, path), data)
        return out

    return encode_value


def _step(field: FieldPlan) -> Callable[[Any, dict[str, Any]], None]:
    name, path, omitted = field.name, field.wire.path, _omitted(field)
    key, parents = path[-1], path[:-1]
    encoder = _compile_shape(field.shape)
    drop_empty = field.omit == "empty" and field.shape.kind in ("value", "oneof")

    def step(value: Any, out: dict[str, Any]) -> None:
        item = getattr(value, name)
        if omitted(item):
            return
        encoded = encoder(item)
        if drop_empty and not encoded:
            return
        target = out
        for part in parents:
            target = target.setdefault(part, {})
        target[key] = encoded

    return step


def _inline_step(field: FieldPlan) -> Callable[[Any, dict[str, Any]], None]:
    """A one-of whose variant key sits in the value's own mapping."""
    name = field.name

    def step(value: Any, out: dict[str, Any]) -> None:
        item = getattr(value, name)
        if item is None:
            return
        key = type(item).wire_key
        if key is None:
            _merge(out, _other_data(item))
        else:
            out[key] = encode(item)

    return step


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
