"""The checks every value runs on itself, compiled per class; holes for broken parts.

* :func:`type_problems` — a field's value against the type its annotation names;
* :func:`json_problems` — carried data and free-form JSON against the field names
  Kubernetes knows, and against the fields the class models itself;
* :func:`validator` — the whole validation of a class (field checks, then its rules),
  compiled once into plain Python;
* :data:`HOLE` — what stands for a part whose shape was wrong while the loader still
  checks the value around it.
"""

import functools
from collections.abc import Callable, Mapping
from typing import Any, Final, cast

from kancat.core import schema
from kancat.core.fields import Shape
from kancat.core.frozen import FrozenMap
from kancat.core.plan import FieldPlan, Level, Plan, plan_of
from kancat.errors import InvalidValue, Problem, join_path

__all__ = ["BROKEN", "HOLE", "json_problems", "other_problems", "type_problems", "validator"]


class _Touched(AttributeError):
    """A rule used a hole: it cannot run on this broken value. (An AttributeError, so
    that ``hasattr`` and ``getattr`` with a default treat a hole as empty.)"""


class _Hole:
    """A part whose shape was wrong: any use of it stops the rule that uses it."""

    __slots__ = ()

    def _touch(self, *args: Any) -> Any:
        raise _Touched

    __getattr__ = __iter__ = __len__ = __bool__ = __contains__ = __getitem__ = _touch
    __eq__ = __ne__ = __lt__ = __le__ = __gt__ = __ge__ = __hash__ = __call__ = _touch

    def __repr__(self) -> str:
        return "<broken part>"


HOLE: Final[Any] = _Hole()
"""Stands for a part of a provisional value whose shape was wrong."""

# What a guarded rule may raise on a broken part: it is skipped, not reported.
_BROKEN: Final = (_Touched, TypeError, AttributeError, KeyError, ValueError, IndexError)

BROKEN: Final = _BROKEN
"""What a guarded rule may raise on a broken part (it is then skipped)."""


def _show(value: object, sensitive: bool) -> str:
    if sensitive:
        return f"a {type(value).__name__}"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


_SCALAR_WORDS: Final[dict[tuple[type, ...], tuple[str, str]]] = {
    (str,): ("a string", "quote it"),
    (int,): ("an integer", "write a whole number without quotes"),
    (bool,): ("true or false", "write true or false without quotes"),
    (int, str): ("a number or a name", "write a number, or a name such as 'http'"),
    (str, int): ("a number or a name", "write a number, or a name such as 'http'"),
}


def _scalar_ok(value: object, kinds: tuple[type, ...]) -> bool:
    if isinstance(value, bool):
        return bool in kinds
    return isinstance(value, kinds)


def type_problems(shape: Shape, value: Any, path: str, what: str,
                   sensitive: bool = False) -> list[Problem]:
    """Problems of ``value`` against ``shape`` alone (its type, its Literal choices)."""
    kind = shape.kind
    if kind == "scalar":
        if shape.choices is not None:
            if value in shape.choices and _scalar_ok(value, shape.types):
                return []
            return [Problem(path, f"{what} {_show(value, sensitive)} is not allowed",
                            "use one of " + ", ".join(str(c) for c in shape.choices))]
        if _scalar_ok(value, shape.types):
            return []
        word, hint = _SCALAR_WORDS.get(shape.types, (
            " or ".join(t.__name__ for t in shape.types), "give a value of that type"))
        return [Problem(path, f"{what} must be {word}, got {_show(value, sensitive)}", hint)]
    if kind == "value" or kind == "oneof":
        if isinstance(value, shape.types):
            return []
        names = [t.__name__ for t in shape.types]
        listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
        article = "an" if listed[0] in "AEIOU" else "a"
        return [Problem(path, f"{what} must be {article} {listed}, got {type(value).__name__} "
                              f"{_show(value, sensitive)}",
                        f"build it with {names[0]}(...)" if len(names) == 1 else
                        "build one of them")]
    if kind == "text":
        (cls,) = shape.types
        if isinstance(value, cls):
            return []
        if isinstance(value, str):
            try:
                cast(Any, cls).of(value)
            except InvalidValue as error:
                return [p.under(path) for p in error.problems]
        return [Problem(path, f"{what} must be a string, got {_show(value, sensitive)}",
                        "quote it")]
    if kind == "list":
        if not isinstance(value, tuple):
            return [Problem(path, f"{what} must be a list, got {_show(value, sensitive)}",
                            "write a list ('- item' lines)")]
        assert shape.item is not None
        found: list[Problem] = []
        for index, item in enumerate(value):
            found += type_problems(shape.item, item, f"{path}[{index}]", what, sensitive)
        return found
    if kind == "map":
        if not isinstance(value, FrozenMap):
            return [Problem(path, f"{what} must be a mapping, got {_show(value, sensitive)}",
                            "write key: value pairs")]
        assert shape.item is not None
        found = []
        for key, item in value.items():
            found += type_problems(shape.item, item, f"{path}[{key!r}]", what, sensitive)
        return found
    if shape.types and not isinstance(value, shape.types):  # json: a JSON object
        return [Problem(path, f"{what} must be a mapping, got {_show(value, sensitive)}",
                        "write key: value pairs")]
    return []


def json_problems(plan: Plan, field: FieldPlan, value: Any) -> list[Problem]:
    if not value:
        return []
    try:
        return list(_cached_json_problems(plan.cls, field.name, value))
    except TypeError:  # not hashable: a FrozenMap built by hand around a list
        return list(_cached_json_problems.__wrapped__(plan.cls, field.name, value))


@functools.lru_cache(maxsize=4096)
def _cached_json_problems(cls: type, name: str, value: Any) -> tuple[Problem, ...]:
    plan = plan_of(cls)
    field = plan.by_name[name]
    definition = getattr(cls, "k8s_definition", None)
    found: list[Problem] = []
    skip: list[str] = []
    if field.wire.carried:
        if not isinstance(value, FrozenMap):
            return (Problem(field.path or field.name, f"{field.what} must be a mapping of "
                            f"fields, got {_show(value, False)}", "write key: value pairs"),)
        level = _level_at(plan.root, field.wire.path)
        skip = _collisions(cls, field, level, value, field.path, found)
    found += schema.problems_in(value, schema.node_at(definition, field.wire.path), field.path,
                                skip=skip)
    return tuple(found)


def _level_at(root: Level, path: tuple[str, ...]) -> Level:
    level = root
    for key in path:
        level = level.levels[key]
    return level


def _collisions(cls: type, field: FieldPlan, level: Level, data: Mapping[str, Any], path: str,
                found: list[Problem]) -> list[str]:
    """Keys of carried ``data`` that a field of ``cls`` models (or that are reserved):
    each a problem, since the value would then say one thing twice."""
    reserved: tuple[str, ...] = getattr(cls, "wire_reserved", ()) if not level.path else ()
    clashing: list[str] = []
    for key, item in data.items():
        where = join_path(path, key)
        if key in reserved:
            found.append(Problem(where, f"{key} is set by kancat",
                                 f"remove {key} from {field.name}"))
        elif key in level.fields or any(key in f.shape.keys for f in level.oneofs):
            owner = level.fields.get(key) or next(f for f in level.oneofs if key in f.shape.keys)
            found.append(Problem(where, f"{key} is a modelled field",
                                 f"set it with {owner.name}, not in {field.name}"))
        elif key in level.levels:
            sub = level.levels[key]
            if sub.carried is not None:
                found.append(Problem(where, f"{key} has its own carried fields",
                                     f"carry them in {sub.carried.name}"))
            elif isinstance(item, Mapping):
                _collisions(cls, field, sub, item, where, found)
                continue
            else:
                continue
        else:
            continue
        clashing.append(key)
    return clashing


def other_problems(level: Level, field: FieldPlan, value: Any) -> list[Problem]:
    """An inline one-of's unmodelled variant holds exactly one key that nothing else
    of the value models."""
    if type(value) is not field.shape.other:
        return []
    data = getattr(value, plan_of(type(value)).fields[0].name)
    keys = list(data) if isinstance(data, Mapping) else []
    found: list[Problem] = []
    if len(keys) != 1:
        found.append(Problem(field.path, f"a {field.what} is exactly one of "
                                         f"{', '.join(field.shape.keys)}, ..., found "
                                         f"{len(keys)} ({', '.join(map(str, keys))})",
                             "give exactly one"))
    for key in keys:
        if level.owns(key):
            found.append(Problem(key, f"{key} is modelled", f"give it as {field.name}"))
    return found


# --- the validation of a class, compiled ------------------------------------------------------

Validator = Callable[[Any, bool], list[Problem]]
VALIDATORS: dict[type, Validator] = {}
"""The compiled validations, by class (filled by :func:`validator`)."""


def validator(cls: type) -> Validator:
    """The validation of a value class: ``validator(cls)(value, guarded)`` returns every
    problem of ``value`` (see :func:`kancat.core.value.validate`). It is compiled once
    per class into plain Python — a few lines per field, the common case (a value of
    the declared type) decided by one comparison — since every value built runs it."""
    found = VALIDATORS.get(cls)
    if found is None:
        found = VALIDATORS[cls] = _compile(plan_of(cls))
    return found


def _compile(plan: Plan) -> Validator:
    namespace: dict[str, Any] = {"HOLE": HOLE, "BROKEN": _BROKEN, "Problem": Problem,
                                 "FrozenMap": FrozenMap, "RULES": plan.rules}
    lines = ["def validate(value, guarded):", "    found = []"]
    for index, field in enumerate(plan.fields):
        lines += [f"    v = value.{field.name}", "    if v is not HOLE:"]
        if field.optional:
            lines.append("      if v is not None:")
        else:
            namespace[f"REQUIRED_{index}"] = Problem(
                field.path or field.name, f"{field.what} is required",
                f"give {field.path or field.name}")
            lines += ["      if v is None:", f"        found.append(REQUIRED_{index})",
                      "      else:"]
        lines += [f"        {line}" for line in _field_lines(plan, field, index, namespace)]
    lines += ["    if guarded or found:",
              "        for rule in RULES:",
              "            try:",
              "                found += rule(value)",
              "            except BROKEN:",
              "                pass",
              "    else:"]
    lines += [f"        found += RULES[{index}](value)" for index in range(len(plan.rules))]
    lines += ["        pass", "    return found"]
    exec(compile("\n".join(lines), f"<kancat validation of {plan.cls.__qualname__}>",
                 "exec"), namespace)
    compiled: Validator = namespace["validate"]
    return compiled


def _field_lines(plan: Plan, field: FieldPlan, index: int,
                 namespace: dict[str, Any]) -> list[str]:
    """The lines checking one field's value ``v`` (not None, not a hole)."""
    if field.wire.check is not None:
        namespace[f"CHECK_{index}"] = field.wire.check
        return [f"found += CHECK_{index}({field.path!r}, v)"]

    def slow(v: Any) -> list[Problem]:
        return type_problems(field.shape, v, field.path, field.what, field.wire.sensitive)

    namespace[f"TYPE_{index}"] = slow
    shape = field.shape
    fast = _fast_test(shape, f"TYPES_{index}", namespace)
    lines = [f"if {fast}:" if fast else "if True:", f"    found += TYPE_{index}(v)"]
    if shape.kind == "json" or field.wire.carried:
        namespace[f"JSON_{index}"] = functools.partial(json_problems, plan, field)
        lines += ["elif v:", f"    found += JSON_{index}(v)"]
    elif shape.kind == "oneof" and not field.wire.path and shape.other is not None:
        namespace[f"OTHER_{index}"] = functools.partial(other_problems, plan.root, field)
        namespace[f"OTHER_CLASS_{index}"] = shape.other
        lines += [f"elif v.__class__ is OTHER_CLASS_{index}:", f"    found += OTHER_{index}(v)"]
    return lines


def _fast_test(shape: Shape, name: str, namespace: dict[str, Any], v: str = "v") -> str:
    """A Python expression true when ``v`` may not have ``shape`` (then the full check,
    :func:`type_problems`, says why); ``""`` when only the full check can tell."""
    namespace[name] = shape.types
    if shape.kind == "scalar":
        if shape.choices is not None:
            namespace[f"{name}_CHOICES"] = frozenset(shape.choices)
            return f"{v}.__class__ not in {name} or {v} not in {name}_CHOICES"
        return f"{v}.__class__ not in {name}"
    if shape.kind in ("value", "oneof", "text"):
        return f"not isinstance({v}, {name})"
    if shape.kind in ("list", "map") and shape.item is not None:
        container, items = (("tuple", v) if shape.kind == "list" else
                            ("FrozenMap", f"{v}.values()"))
        x = f"{v}x"
        item = _fast_test(shape.item, f"{name}_ITEM", namespace, x)
        # an empty container (the common case) needs no look at its items
        inner = f" or {v} and any({item} for {x} in {items})" if item else ""
        return f"{v}.__class__ is not {container}{inner}"
    if shape.kind == "json" and shape.types:
        return f"{v}.__class__ is not FrozenMap"
    return ""
