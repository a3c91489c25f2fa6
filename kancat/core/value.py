"""The base of kancat's values: one validation, run by every way a value is built.

A value class is an attrs frozen class deriving from :class:`Value` whose fields
declare their wire form (:mod:`kancat.core.fields`). Building it — by its constructor,
``attrs.evolve``, ``X.of(...)``, or the loader — runs the same checks, in order:

1. each field: ``None`` where a value is required; else the field's own rule, or
   (without one) the type its annotation names; carried data and free-form JSON
   against the field names Kubernetes knows;
2. the class's rules across fields: its methods marked :func:`rule`.

Every problem is collected, so one :class:`~kancat.errors.InvalidValue` lists them all.

The loader builds values through these same checks even when a part is broken: a
broken part is kept as a *provisional* value (its fields as given), or as a
:data:`HOLE` when not even its shape was right, so that the rules of the value
around it still run — a bad port does not hide the selector that matches no pod.
Rules then run *guarded*: one that touches a hole, or trips over a part of the
wrong type, is skipped (the part's own problems are reported already).

>>> import attrs
>>> from functools import partial
>>> from kancat.core import rules
>>> @attrs.frozen
... class Port(Value):
...     number: int = attrs.field(metadata=wire("port", check=rules.port_number))
...     name: str | None = attrs.field(default=None, kw_only=True, metadata=wire("name"))
...
...     @rule
...     def _named_when_privileged(self) -> list[Problem]:
...         if self.number < 1024 and self.name is None:
...             return [Problem("name", "a privileged port needs a name", "name it")]
...         return []
>>> Port.create(70000, name=5)
<Failure: 2 problems:
  port: port 70000 is out of range (use a number from 1 to 65535)
  name: name must be a string, got 5 (quote it)>
>>> Port.create(80)
<Failure: 1 problem:
  name: a privileged port needs a name (name it)>
"""

import functools
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Final, Self, TypeVar, cast

import attrs

from kancat.core import schema
from kancat.core.collect import Collect, as_result
from kancat.core.frozen import FrozenMap
from kancat.core.fields import WIRE, Omit, Shape, Wire, hints, shape_of, wire  # noqa: F401
from kancat.errors import InvalidArgument, InvalidValue, Problem, join_path

if TYPE_CHECKING:
    from returns.result import Result

__all__ = [
    "HOLE",
    "assemble",
    "finish",
    "part",
    "FieldPlan",
    "Level",
    "Plan",
    "Value",
    "plan_of",
    "provisional",
    "rule",
    "validate",
]

_F = TypeVar("_F", bound=Callable[..., list[Problem]])
_V = TypeVar("_V")


def rule(method: _F) -> _F:
    """Mark a method ``(self) -> list[Problem]`` as a rule across the value's fields."""
    method.__kancat_rule__ = True  # type: ignore[attr-defined]
    return method


class Value:
    """The base of every value kancat emits or loads (see the module documentation).

    Class attributes a value may set:

    * ``k8s_definition``: the Kubernetes OpenAPI definition it stands for (its carried
      data is checked against that definition's field names);
    * ``wire_key``: as a variant of a one-of, the key it is written under
      (``emptyDir`` for an emptyDir volume source);
    * ``wire_reserved``: keys of its own mapping that no field may carry
      (``apiVersion`` and ``kind`` of a top-level object).
    """

    __slots__ = ()
    __kancat_value__: ClassVar[bool] = True
    k8s_definition: ClassVar[str | None] = None
    wire_key: ClassVar[str | None] = None
    wire_reserved: ClassVar[tuple[str, ...]] = ()

    def __attrs_post_init__(self) -> None:
        problems = validate(self)
        if problems:
            raise InvalidValue(problems)

    @classmethod
    def of(cls, *args: Any, **kwargs: Any) -> Self:
        """Build the value from friendly inputs; raise
        :class:`~kancat.errors.InvalidValue` listing every problem. (Classes with
        conveniences override it; by default it is the constructor itself.)"""
        return cls(*args, **kwargs)

    @classmethod
    def create(cls, *args: Any, **kwargs: Any) -> "Result[Self, InvalidValue]":
        """:meth:`of`, returning ``Success(value)`` or ``Failure(InvalidValue)``."""
        return as_result(lambda: cls.of(*args, **kwargs))


# --- holes -----------------------------------------------------------------------------------

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


# --- plans -------------------------------------------------------------------------------------

@attrs.frozen
class FieldPlan:
    """One field, resolved: its wire form, shape and how it is left out."""

    name: str
    wire: Wire
    shape: Shape
    optional: bool
    default: Any
    converter: Callable[[Any], Any] | None
    path: str
    what: str
    omit: Omit

    @property
    def required(self) -> bool:
        return self.default is attrs.NOTHING


@attrs.frozen
class Level:
    """The fields of one mapping of the manifest: by key, nested levels below, the
    one-ofs whose variant keys sit here, and the carried map of this level."""

    path: tuple[str, ...]
    fields: dict[str, FieldPlan]
    levels: dict[str, "Level"]
    oneofs: tuple[FieldPlan, ...]
    carried: FieldPlan | None

    def owns(self, key: str) -> bool:
        """Whether ``key`` is modelled here (a field, a level or a variant key)."""
        return key in self.fields or key in self.levels or any(
            key in f.shape.keys for f in self.oneofs)


@attrs.frozen
class Plan:
    """Everything kancat derives from a value class's declarations, once."""

    cls: type
    fields: tuple[FieldPlan, ...]
    rules: tuple[Callable[[Any], list[Problem]], ...]
    root: Level

    @functools.cached_property
    def by_name(self) -> dict[str, FieldPlan]:
        return {f.name: f for f in self.fields}


_PLANS: dict[type, Plan] = {}


def plan_of(cls: type) -> Plan:
    """The plan of a value class (built on first use, then kept)."""
    plan = _PLANS.get(cls)
    if plan is None:
        plan = _PLANS[cls] = _build_plan(cls)
    return plan


def _omit(field: "attrs.Attribute[Any]", declared: Omit | None) -> Omit:
    if declared is not None:
        return declared
    if field.default is attrs.NOTHING:
        return "never"
    return "none" if field.default is None else "empty"


def _build_plan(cls: type) -> Plan:
    if not (isinstance(cls, type) and issubclass(cls, Value) and attrs.has(cls)):
        raise InvalidArgument(f"{cls!r} is not a kancat value class")
    annotations = hints(cls)
    fields: list[FieldPlan] = []
    for field in attrs.fields(cls):
        declared = field.metadata.get(WIRE)
        if not isinstance(declared, Wire):
            raise InvalidArgument(f"{cls.__name__}.{field.name} declares no wire form: give "
                                  "it metadata=wire(...) or metadata=carried(...)")
        shape, optional = shape_of(annotations[field.name])
        what = declared.what or declared.key or field.name.replace("_", " ")
        fields.append(FieldPlan(field.name, declared, shape, optional, field.default,
                                field.converter if callable(field.converter) else None,
                                declared.dotted, what, _omit(field, declared.omit)))
    rules: list[Callable[[Any], list[Problem]]] = []
    for klass in reversed(cls.__mro__):
        for attribute in vars(klass).values():
            if getattr(attribute, "__kancat_rule__", False) and attribute not in rules:
                rules.append(attribute)
    return Plan(cls, tuple(fields), tuple(rules), _levels(cls, fields))


def _levels(cls: type, fields: list[FieldPlan]) -> Level:
    """The mappings of the manifest and what each holds, in declaration order."""
    tree: dict[tuple[str, ...], dict[str, Any]] = {
        (): {"fields": {}, "levels": {}, "oneofs": [], "carried": None}}

    def level(path: tuple[str, ...]) -> dict[str, Any]:
        if path not in tree:
            parent = level(path[:-1])
            tree[path] = {"fields": {}, "levels": {}, "oneofs": [], "carried": None}
            parent["levels"][path[-1]] = path
        return tree[path]

    for field in fields:
        path = field.wire.path
        if field.wire.carried:
            here = level(path)
            if here["carried"] is not None:
                raise InvalidArgument(f"{cls.__name__}: two carried maps at "
                                      f"{field.wire.dotted or 'the top'}")
            here["carried"] = field
        elif not path:
            if field.shape.kind != "oneof":
                raise InvalidArgument(f"{cls.__name__}.{field.name}: only a one-of or a "
                                      "carried map may have an empty wire path")
            level(()).setdefault("oneofs", []).append(field)
        else:
            level(path[:-1])["fields"][path[-1]] = field

    def build(path: tuple[str, ...]) -> Level:
        node = tree[path]
        return Level(path, dict(node["fields"]),
                     {key: build(sub) for key, sub in node["levels"].items()},
                     tuple(node["oneofs"]), node["carried"])

    return build(())


# --- validation --------------------------------------------------------------------------------

def validate(value: Any, *, guarded: bool = False) -> list[Problem]:
    """Every problem of ``value``: field by field, then its rules across fields.

    ``guarded`` (for provisional values of the loader) skips rules that cannot run on
    broken parts; rules also run guarded when a field already has a problem.
    """
    plan = plan_of(type(value))
    found: list[Problem] = []
    for field in plan.fields:
        item = getattr(value, field.name)
        if item is HOLE:
            continue
        if item is None:
            if not field.optional:
                found.append(Problem(field.path or field.name, f"{field.what} is required",
                                     f"give {field.path or field.name}"))
            continue
        if field.wire.check is not None:
            found += field.wire.check(field.path, item)
        else:
            problems = _type_problems(field.shape, item, field.path, field.what,
                                      field.wire.sensitive)
            if problems:
                found += problems
            elif field.shape.kind == "json" or field.wire.carried:
                found += _json_problems(plan, field, item)
            elif field.shape.kind == "oneof" and not field.wire.path:
                found += _other_problems(plan.root, field, item)
    guarded = guarded or bool(found)
    for check in plan.rules:
        if guarded:
            try:
                found += check(value)
            except _BROKEN:
                continue
        else:
            found += check(value)
    return found


def provisional(cls: type, values: Mapping[str, Any]) -> Any:
    """An instance of ``cls`` holding ``values`` without being checked: the stand-in
    for a broken part while the loader runs the rules of the value around it. It never
    leaves the loader (which fails whenever one was made)."""
    plan = plan_of(cls)
    instance: Any = object.__new__(cls)
    for field in plan.fields:
        if field.name in values:
            item = values[field.name]
            if field.converter is not None and item is not HOLE and item is not None:
                item = field.converter(item)
        elif field.required:
            item = None
        elif isinstance(field.default, attrs.Factory):  # type: ignore[arg-type]
            item = field.default.factory()
        else:
            item = field.default
        object.__setattr__(instance, field.name, item)
    return instance


def assemble(cls: type[_V], values: Mapping[str, Any], *,
             broken: bool = False) -> tuple[_V, list[Problem]]:
    """``cls(**values)`` and no problems; or, when it is invalid (or ``broken``: one
    of its parts already failed), a provisional value and every problem its checks
    can find (guarded). The one way kancat builds a value whose parts may be broken:
    the friendly constructors and the loader both use it."""
    if not broken:
        try:
            return cls(**values), []
        except InvalidValue as error:
            return provisional(cls, values), list(error.problems)
    stand_in = provisional(cls, values)
    return stand_in, validate(stand_in, guarded=True)


def part(collect: Collect, path: str, cls: type[_V], **values: Any) -> _V:
    """Build a part of a larger value: its problems go into ``collect`` under
    ``path``, and a provisional value stands for it when it is invalid."""
    value, problems = assemble(cls, values)
    collect.add(problems, path)
    return value


def finish(collect: Collect, cls: type[_V], **values: Any) -> _V:
    """Build the value itself from parts built with :func:`part`: its own problems
    first, then its parts'; raise :class:`~kancat.errors.InvalidValue` with all of them."""
    value, problems = assemble(cls, values, broken=not collect.ok)
    collect.problems[:0] = problems
    collect.raise_if_any()
    return value


# --- type checks from the annotation --------------------------------------------------------

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


def _type_problems(shape: Shape, value: Any, path: str, what: str,
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
            found += _type_problems(shape.item, item, f"{path}[{index}]", what, sensitive)
        return found
    if kind == "map":
        if not isinstance(value, FrozenMap):
            return [Problem(path, f"{what} must be a mapping, got {_show(value, sensitive)}",
                            "write key: value pairs")]
        assert shape.item is not None
        found = []
        for key, item in value.items():
            found += _type_problems(shape.item, item, f"{path}[{key!r}]", what, sensitive)
        return found
    if shape.types and not isinstance(value, shape.types):  # json: a JSON object
        return [Problem(path, f"{what} must be a mapping, got {_show(value, sensitive)}",
                        "write key: value pairs")]
    return []


# --- carried data and free-form JSON --------------------------------------------------------

def _json_problems(plan: Plan, field: FieldPlan, value: Any) -> list[Problem]:
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
    definition = cast(type[Value], cls).k8s_definition
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
    reserved = cast(type[Value], cls).wire_reserved if not level.path else ()
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


def _other_problems(level: Level, field: FieldPlan, value: Any) -> list[Problem]:
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

