"""Plumbing shared by the value classes: converters and problem collection."""

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from kancat.errors import InvalidArgument, InvalidValue, Problem
from kancat.values._frozen import EMPTY, FrozenMap, freeze

if TYPE_CHECKING:
    from returns.result import Result

_T = TypeVar("_T")


def to_tuple(items: Iterable[Any]) -> tuple[Any, ...]:
    """Converter: any iterable (but not a lone string or mapping) to a tuple."""
    if isinstance(items, tuple):
        return items
    if isinstance(items, (str, bytes, Mapping)):
        raise InvalidArgument(f"expected a list, got {type(items).__name__} {items!r:.60}")
    return tuple(items)


def to_str_tuple(items: Iterable[str]) -> tuple[str, ...]:
    return to_tuple(items)


def to_frozen(data: Mapping[str, Any] | None) -> FrozenMap[Any]:
    """Converter: a mapping to a deep-frozen :class:`FrozenMap`."""
    if data is None or data is EMPTY:
        return EMPTY
    if type(data) is FrozenMap:
        return data if data else EMPTY
    if not isinstance(data, Mapping):
        raise InvalidArgument(f"expected a mapping, got {type(data).__name__} {data!r:.60}")
    result: FrozenMap[Any] = freeze(data)
    return result


def to_str_map(data: Mapping[str, str] | None) -> FrozenMap[str]:
    """Converter: a str→str mapping (labels, selectors, ConfigMap data)."""
    return to_frozen(data)


def check_types(path: str, items: tuple[object, ...], kind: type | tuple[type, ...]) -> None:
    """Misuse guard: every element is of ``kind`` (mypy checks this statically)."""
    for index, item in enumerate(items):
        if not isinstance(item, kind):
            name = kind.__name__ if isinstance(kind, type) else " or ".join(
                k.__name__ for k in kind)
            raise InvalidArgument(f"{path}[{index}] must be a {name}, got "
                                  f"{type(item).__name__} {item!r:.60}")


class Collect:
    """Gathers problems from several constructions so all of them are reported.

    >>> c = Collect()
    >>> c.take("spec", lambda: int("x") if False else 3)
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
