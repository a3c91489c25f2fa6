"""Collecting problems, and the converters of value fields.

Converters turn friendly inputs into the frozen forms values hold (a list into a
tuple, a dict into a :class:`~kancat.core.frozen.FrozenMap`). They never raise: what
they cannot convert is kept as given, and the value's checks report it with its
field path, beside every other problem of the same value.

>>> to_tuple(["a", "b"]), to_tuple("ab")
(('a', 'b'), 'ab')
"""

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from kancat.core.frozen import EMPTY, FrozenMap, freeze, is_mapping
from kancat.errors import InvalidArgument, InvalidValue, Problem

if TYPE_CHECKING:
    from returns.result import Result

__all__ = ["Collect", "as_result", "check_types", "to_frozen", "to_frozen_tuple", "to_str_map", "to_str_tuple",
           "to_tuple"]

_T = TypeVar("_T")


def to_tuple(items: Iterable[Any]) -> tuple[Any, ...]:
    """Converter: any iterable but a lone string or mapping to a tuple (else kept)."""
    if items.__class__ is tuple:
        return items
    if items.__class__ is list:
        return tuple(items)
    if isinstance(items, tuple):
        return items
    if isinstance(items, (list, set, frozenset)) or (
            isinstance(items, Iterable) and not isinstance(items, (str, bytes, Mapping))):
        return tuple(items)
    return cast(tuple[Any, ...], items)


def to_str_tuple(items: Iterable[str]) -> tuple[str, ...]:
    return to_tuple(items)


def to_frozen_tuple(items: Iterable[Any]) -> tuple[Any, ...]:
    """Converter: a list of JSON items, each deep-frozen."""
    converted = to_tuple(items)
    return tuple(freeze(item) for item in converted) if isinstance(converted, tuple) \
        else converted


def to_frozen(data: Mapping[str, Any] | None) -> FrozenMap[Any]:
    """Converter: a mapping to a deep-frozen :class:`FrozenMap` (``None``: empty)."""
    if data is None or data is EMPTY:
        return EMPTY
    if type(data) is FrozenMap:
        return data if data._items else EMPTY
    if not is_mapping(data):
        return cast(FrozenMap[Any], data)
    result: FrozenMap[Any] = freeze(data)
    return result


def to_str_map(data: Mapping[str, str] | None) -> FrozenMap[str]:
    """Converter: a str→str mapping (labels, selectors, ConfigMap data)."""
    return to_frozen(data)


def check_types(path: str, items: tuple[object, ...], kind: type | tuple[type, ...]) -> None:
    """Misuse guard for the algebra's containers: every element is of ``kind`` (values
    report wrong types as problems; this is for arguments mypy checks statically)."""
    for index, item in enumerate(items):
        if not isinstance(item, kind):
            name = kind.__name__ if isinstance(kind, type) else " or ".join(
                k.__name__ for k in kind)
            raise InvalidArgument(f"{path}[{index}] must be a {name}, got "
                                  f"{type(item).__name__} {item!r:.60}")


class Collect:
    """Gathers problems from several constructions so all of them are reported.

    >>> c = Collect()
    >>> c.take("spec", lambda: 3)
    3
    >>> c.ok
    True
    """

    __slots__ = ("problems",)

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def take(self, path: str, build: Callable[[], _T]) -> _T | None:
        """Run ``build``; on :class:`InvalidValue` keep its problems under ``path``."""
        try:
            return build()
        except InvalidValue as error:
            self.problems.extend(p.under(path) for p in error.problems)
            return None

    def problem(self, path: str, message: str, hint: str) -> None:
        self.problems.append(Problem(path, message, hint))

    def add(self, problems: Iterable[Problem], path: str = "") -> None:
        self.problems.extend(p.under(path) if path else p for p in problems)

    @property
    def ok(self) -> bool:
        return not self.problems

    def raise_if_any(self) -> None:
        if self.problems:
            raise InvalidValue(self.problems)


def as_result(build: Callable[[], _T]) -> "Result[_T, InvalidValue]":
    """Run a raising constructor and return its outcome as a ``Result``."""
    from returns.result import Failure, Success  # not at import: `import kancat` stays light

    try:
        return Success(build())
    except InvalidValue as error:
        return Failure(error)
