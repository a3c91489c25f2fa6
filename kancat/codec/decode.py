"""Manifests → values, in one walk, through the values' own checks.

The walk follows the fields' declarations (:mod:`kancat.core.fields`): each key of a
mapping is a field, a nested level, the variant key of a one-of, or left over.
Leftovers go to the carried map of their level (or of the nearest level above that
has one, nested under their keys); where nothing carries them, they are unknown
fields, named with the closest known one. Scalars are handed to the constructors
as they are, so every rule — types, ranges, names, rules across fields — lives in
one place, the value's declarations.

When a part is broken, the value around it is still checked (with the part as a
provisional value, :func:`kancat.core.value.assemble`): a bad port does not hide a
selector that matches no pod. A value's own problems come first, then its parts'.

>>> from kancat.values import Deployment
>>> value, problems = decode_object({
...     "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
...     "spec": {"replicas": -1, "selector": {"matchLabels": {"app": "web"}},
...              "template": {"metadata": {"labels": {"app": "api"}},
...                           "spec": {"containers": [{"name": "app", "image": "web",
...                                                    "ports": [{"containerPort": 0}]}]}}}})
>>> for problem in problems:
...     print(problem)
spec.replicas: replicas must be >= 0, got -1 (use 0 or more)
spec.selector: selector does not match the template labels {'app': 'api'} (make spec.template.metadata.labels carry every label the selector requires)
spec.template.spec.containers[0].ports[0].containerPort: containerPort 0 is out of range (use a number from 1 to 65535)
"""

import difflib
from collections.abc import Mapping
from typing import Any, Final

from kancat.core import schema
from kancat.core.fields import Shape
from kancat.core.frozen import freeze
from kancat.core.value import HOLE, FieldPlan, Level, assemble, plan_of
from kancat.errors import Problem, join_path
from kancat.values.kinds import BUILT_IN_GROUP_VERSIONS, kind_called, kind_named, kinds_in
from kancat.values.objects import OpaqueObject

__all__ = ["decode_object", "decode_value"]

_MAPPINGS: Final = (dict, Mapping)
_AS_GIVEN: Final = frozenset({"scalar", "text", "json", "map"})
"""Shapes whose raw value goes to the constructor as it is (its converters and checks
take it from there)."""


def decode_object(document: Any) -> tuple[Any, list[Problem]]:
    """A top-level object from its manifest: the value (or ``None``) and every problem.

    Kinds of the kinds table load into their classes; other kinds into an
    :class:`~kancat.values.objects.OpaqueObject`; a kind the built-in group/version
    does not serve (a misspelling, a removed version) is a problem.
    """
    if not isinstance(document, _MAPPINGS):
        return None, [Problem("", f"a Kubernetes object must be a mapping, got "
                                  f"{type(document).__name__}",
                              "give apiVersion, kind, metadata and the kind's fields")]
    api_version, kind = document.get("apiVersion"), document.get("kind")
    row = (kind_named(api_version, kind)
           if isinstance(api_version, str) and isinstance(kind, str) else None)
    if row is None or row.value is None:
        found = [] if row is not None else _unknown_kind(api_version, kind)
        if found:
            return None, found
        value, problems = assemble(OpaqueObject, {"document": freeze(document)})
        return (None if problems else value), problems
    value, problems = decode_value(row.value, document, "", top=True)
    return (None if problems else value), problems


def _unknown_kind(api_version: object, kind: object) -> list[Problem]:
    """A kind that a built-in group/version does not serve: a misspelling, or a version
    Kubernetes removed. Group/versions Kubernetes does not know are custom resources."""
    if not isinstance(api_version, str) or not isinstance(kind, str):
        return []  # OpaqueObject's own checks name the missing apiVersion or kind
    row = kind_called(kind)
    if row is not None and not row.built_in and row.group == api_version.rpartition("/")[0] \
            and api_version not in row.api_versions:  # a version its CRD does not serve
        others = ", ".join(row.api_versions[1:])
        return [Problem("apiVersion", f"the {row.crd} CRD does not serve {kind} as "
                                      f"{api_version}",
                        f"use apiVersion: {row.versions[-1][1]}"
                        + (f" (also served: {others})" if others else ""))]
    served = schema.served_kinds(api_version)
    known = set(served or ()) | set(kinds_in(api_version))
    if served is None and api_version not in BUILT_IN_GROUP_VERSIONS and not \
            schema.is_built_in_group(api_version.rpartition("/")[0]):
        return []
    if kind in known:
        return []
    current = schema.current_api_version(kind) or (row.api_versions[-1] if row else None)
    if current is not None:
        return [Problem("apiVersion", f"Kubernetes does not serve {kind} as {api_version}",
                        f"use apiVersion: {current}")]
    everything = schema.all_served_kinds()
    close = difflib.get_close_matches(kind, sorted(known) or list(everything), n=1) or \
        difflib.get_close_matches(kind, list(everything), n=1)
    if close:
        where = everything.get(close[0], api_version)
        hint = f"did you mean {close[0]!r}?" if where == api_version or close[0] in known \
            else f"did you mean {close[0]!r} (apiVersion: {where})?"
    else:
        hint = f"{api_version} serves " + (", ".join(sorted(known)) or "no kinds any more")
    return [Problem("kind", f"{api_version} has no kind {kind!r}", hint)]


def decode_value(cls: type, data: Mapping[str, Any], path: str, *,
                 top: bool = False) -> tuple[Any, list[Problem]]:
    """A value of ``cls`` from its mapping ``data`` at ``path``: the value (provisional
    when broken) and every problem, the value's own first."""
    plan = plan_of(cls)
    walk = _Walk(cls, path)
    walk.level(plan.root, data, path, (), top)
    values = walk.values
    for name in plan.required:
        if name not in values:
            values[name] = None
    for name, carried in walk.carried.items():
        values[name] = freeze(carried)
    value: Any
    value, own = assemble(cls, values, broken=bool(walk.parts))
    return value, [p.under(path) for p in own] + walk.parts


class _Walk:
    """The state of decoding one value: field values so far, carried leftovers by
    field, and the problems of its parts."""

    __slots__ = ("carried", "cls", "parts", "path", "values")

    def __init__(self, cls: type, path: str) -> None:
        self.cls = cls
        self.path = path
        self.values: dict[str, Any] = {}
        self.carried: dict[str, dict[str, Any]] = {}
        self.parts: list[Problem] = []

    def level(self, level: Level, data: Mapping[str, Any], path: str,
              carry: tuple[str, ...] | tuple[()], top: bool = False) -> None:
        """Read one mapping. ``carry`` is where leftovers go when this level has no
        carried map: ``(field name, key, key, ...)`` of the nearest one above."""
        if level.carried is not None:
            carry = (level.carried.name,)
        leftovers: dict[str, Any] = {}
        variants: dict[str, list[str]] = {}
        for key, raw in data.items():
            field = level.fields.get(key)
            if field is not None:  # most keys: a scalar field, its value as given
                if raw is not None:
                    self.values[field.name] = raw if field.shape.kind in _AS_GIVEN else \
                        self.field(field.shape, raw, join_path(path, key))
                continue
            where = join_path(path, key) if isinstance(key, str) else path
            sub = level.levels.get(key)
            if sub is not None:
                if raw is None:
                    continue
                if isinstance(raw, _MAPPINGS):
                    self.level(sub, raw, where, (*carry, key) if carry else ())
                else:
                    self.parts.append(Problem(where, f"{key} must be a mapping, got "
                                                     f"{type(raw).__name__}",
                                              "write key: value pairs"))
                continue
            oneof = next((f for f in level.oneofs if key in f.shape.keys), None)
            if oneof is not None:
                variants.setdefault(oneof.name, []).append(key)
                if raw is not None and isinstance(raw, _MAPPINGS):
                    variant = oneof.shape.variant(key)
                    assert variant is not None
                    self.values[oneof.name] = self.value(variant, raw, where)
                else:
                    self.parts.append(Problem(where, f"{key} must be a mapping, got "
                                                     f"{type(raw).__name__}",
                                              "write key: value pairs"))
                    self.values[oneof.name] = HOLE
                continue
            if top and not level.path and key in ("apiVersion", "kind"):
                continue
            leftovers[key] = raw
        for field in level.oneofs:
            leftovers = self.inline(field, variants.get(field.name, []), leftovers, data, path)
        if not leftovers:
            return
        if carry:
            target = self.carried.setdefault(carry[0], {})
            for key in carry[1:]:
                target = target.setdefault(key, {})
            target.update(leftovers)
            return
        node = schema.node_at(getattr(self.cls, "k8s_definition", None), level.path)
        for key in leftovers:
            if node is not None and key in node:
                self.parts.append(Problem(join_path(path, key),
                                          f"kancat does not carry {key} here",
                                          "remove it (this is a gap in kancat: please report "
                                          "it)"))
            else:
                self.parts.append(schema.unknown_field(key, node or {}, path))

    def inline(self, field: FieldPlan, keys: list[str], leftovers: dict[str, Any],
               data: Mapping[str, Any], path: str) -> dict[str, Any]:
        """Settle an inline one-of: exactly one variant key, or (when the one-of has an
        unmodelled variant) exactly one key that nothing else of the level models."""
        other = field.shape.other
        extra = list(leftovers) if other is not None and not keys else []
        found = keys + extra
        if len(found) == 1 and extra:
            self.values[field.name] = self.value(other, leftovers, path)  # type: ignore[arg-type]
            return {}
        if len(found) == 1 or (not found and not field.required):
            return leftovers
        self.values[field.name] = HOLE
        self.parts.append(Problem(path, f"a {field.what} is exactly one of "
                                        f"{', '.join(field.shape.keys)}, ..., found "
                                        f"{len(found)}" + (f" ({', '.join(found)})" if found
                                                           else ""),
                                  "give exactly one"))
        return {} if extra else leftovers

    def value(self, cls: type, raw: Mapping[str, Any], path: str) -> Any:
        value, problems = decode_value(cls, raw, path)
        self.parts += problems
        return value

    def field(self, shape: Shape, raw: Any, path: str) -> Any:
        """A field's value from ``raw``: nested values decoded, everything else as given
        (the value's converters and checks take it from there)."""
        kind = shape.kind
        if kind == "value":
            if isinstance(raw, _MAPPINGS):
                return self.value(shape.types[0], raw, path)
            return self.shape_problem(path, raw, "a mapping", "write key: value pairs")
        if kind == "oneof":
            return self.wrapped(shape, raw, path)
        if kind == "list" and shape.item is not None and shape.item.kind in ("value", "oneof"):
            if not isinstance(raw, list):
                return self.shape_problem(path, raw, "a list", "write a list ('- item' lines)")
            return tuple(self.field(shape.item, item, f"{path}[{index}]")
                         for index, item in enumerate(raw))
        return raw

    def wrapped(self, shape: Shape, raw: Any, path: str) -> Any:
        """A one-of under its own key: a mapping of exactly one key."""
        if not isinstance(raw, _MAPPINGS):
            return self.shape_problem(path, raw, "a mapping", "write key: value pairs")
        keys = list(raw)
        if len(keys) == 1:
            variant = shape.variant(keys[0])
            if variant is not None:
                inner = raw[keys[0]]
                if isinstance(inner, _MAPPINGS):
                    return self.value(variant, inner, join_path(path, keys[0]))
                return self.shape_problem(join_path(path, keys[0]), inner, "a mapping",
                                          "write key: value pairs")
            if shape.other is not None:
                return self.value(shape.other, raw, path)
        self.parts.append(Problem(path, f"give exactly one of {', '.join(shape.keys)}, ..., "
                                        f"found {len(keys)}", "keep one of them"))
        return HOLE

    def shape_problem(self, path: str, raw: Any, what: str, hint: str) -> Any:
        shown = path.rsplit(".", 1)[-1] or "the value"
        self.parts.append(Problem(path, f"{shown} must be {what}, got {type(raw).__name__}",
                                  hint))
        return HOLE

