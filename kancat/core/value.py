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

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Self, TypeVar

import attrs

from kancat.core.checks import HOLE, VALIDATORS, validator
from kancat.core.collect import Collect, as_result
from kancat.core.fields import wire  # noqa: F401  (the doctest declares a class with it)
from kancat.core.plan import FieldPlan, Level, Plan, plan_of
from kancat.errors import InvalidValue, Problem

if TYPE_CHECKING:
    from returns.result import Result

__all__ = [
    "HOLE",
    "FieldPlan",
    "Level",
    "Plan",
    "Value",
    "assemble",
    "finish",
    "part",
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
        # validate(self), without two calls: every value built runs this line
        check = VALIDATORS.get(self.__class__) or validator(self.__class__)
        problems = check(self, False)
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


# --- validation --------------------------------------------------------------------------------

def validate(value: Any, *, guarded: bool = False) -> list[Problem]:
    """Every problem of ``value``: field by field (``None`` where a value is required;
    the field's own rule, or else its type; carried data against the names Kubernetes
    knows), then its rules across fields.

    ``guarded`` (for provisional values of the loader) skips rules that cannot run on
    broken parts; rules also run guarded when a field already has a problem.
    """
    return validator(type(value))(value, guarded)


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


def part(collect: Collect, path: "str | tuple[str, int]", cls: type[_V], **values: Any) -> _V:
    """Build a part of a larger value: its problems go into ``collect`` under
    ``path`` (``(path, index)`` for an item of a list), and a provisional value stands
    for it when it is invalid."""
    try:
        return cls(**values)  # the common case, without assemble's tuple
    except InvalidValue as error:
        collect.add(error.problems, path if isinstance(path, str) else
                    f"{path[0]}[{path[1]}]")
        stand_in: _V = provisional(cls, values)
        return stand_in


def finish(collect: Collect, cls: type[_V], **values: Any) -> _V:
    """Build the value itself from parts built with :func:`part`: its own problems
    first, then its parts'; raise :class:`~kancat.errors.InvalidValue` with all of them."""
    value, problems = assemble(cls, values, broken=not collect.ok)
    collect.problems[:0] = problems
    collect.raise_if_any()
    return value
