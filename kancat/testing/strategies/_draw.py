"""Private helpers of :mod:`kancat.testing.strategies`: argument checks, drawing helpers,
the choices of the value layer's ``Literal`` aliases, and the registry of strategies.

How the package draws
---------------------

Creating strategy objects while drawing is what makes Hypothesis slow (each new one is
validated), so the building blocks are module constants or cached per option
(``functools.cache``), and composites draw through plain ``_draw_*`` helpers that
create none. Every fixed choice (a protocol, a pull policy, a Service type...) is drawn
from the ``Literal`` alias the value class declares (:func:`choices`), never from a
copied list of strings, so the strategies follow the value layer when it changes.

Each public strategy that draws one value class is marked ``@draws(Class)``: that one
registry is what ``st.from_type`` (:mod:`kancat.testing._entrypoint`) and
``kube_objects()`` read.
"""

import inspect
import re
import types
import typing
from collections.abc import Callable, Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import Any, Literal, TypeVar, Union, get_args, get_origin

import kancat.testing._hypothesis  # noqa: F401  (first: names the extra if missing)

# isort: split
import hypothesis.strategies as st
from hypothesis.strategies import DrawFn, SearchStrategy

from kancat.errors import InvalidArgument

__all__: list[str] = []

_T = TypeVar("_T")
_F = TypeVar("_F", bound=Callable[..., SearchStrategy[Any]])

DIGITS = "0123456789"
LOWER = "abcdefghijklmnopqrstuvwxyz"
UPPER = LOWER.upper()
LOWER_ALNUM = LOWER + DIGITS
ALNUM = LOWER_ALNUM + UPPER
_DNS_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?\Z")


# --- argument checks ---------------------------------------------------------------------

def bad(call: str, argument: str, value: object, fix: str) -> InvalidArgument:
    return InvalidArgument(f"{call}({argument}={value!r}): {fix}")


def choice(call: str, argument: str, value: object, allowed: Sequence[str]) -> str:
    if not isinstance(value, str) or value not in allowed:
        shown = ", ".join(repr(a) for a in allowed)
        raise bad(call, argument, value,
                  f"{argument} must be one of {shown}; pass e.g. {argument}={allowed[0]!r}")
    return value


def size(call: str, argument: str, value: object, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise bad(call, argument, value,
                  f"{argument} must be a whole number from {low} to {high}; "
                  f"pass e.g. {argument}={high}")
    return value


def flag(call: str, argument: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise bad(call, argument, value, f"{argument} must be True or False")
    return value


def is_dns_label(name: str) -> bool:
    return bool(_DNS_LABEL.match(name)) and len(name) <= 63


def names(call: str, argument: str, value: object, *,
          rule: Callable[[str], bool] = is_dns_label,
          what: str = "DNS-1123 labels such as 'data'") -> tuple[str, ...]:
    """A list of names given as an option (never a lone string)."""
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        raise bad(call, argument, value,
                  f"{argument} must be a list of names, not a {type(value).__name__}; "
                  f"pass e.g. {argument}=['data']")
    given = tuple(value)
    for name in given:
        if not isinstance(name, str) or not rule(name):
            raise bad(call, argument, value,
                      f"{argument} holds {name!r}, which is not valid; use {what}")
    return given


# --- the choices of the value layer's Literal aliases ------------------------------------

def choices(annotation: Any) -> tuple[Any, ...]:
    """The values a ``Literal`` alias allows, in its order; a union of them (such as
    ``Protocol | None``) gives those of its members, ``None`` left out.

    >>> from kancat.values.container import Protocol
    >>> choices(Protocol)
    ('TCP', 'UDP', 'SCTP')
    >>> choices(Protocol | None)
    ('TCP', 'UDP', 'SCTP')
    """
    origin = get_origin(annotation)
    if origin is Literal:
        return get_args(annotation)
    if origin in (Union, types.UnionType):
        found: dict[Any, None] = {}
        for member in get_args(annotation):
            if member is not type(None):
                found.update(dict.fromkeys(choices(member)))
        return tuple(found)
    raise InvalidArgument(f"{annotation!r} is not a Literal alias")


def field_choices(cls: type, field: str) -> tuple[Any, ...]:
    """The choices of a field whose annotation is a ``Literal`` (``EmptyDir.medium``)."""
    return choices(typing.get_type_hints(cls)[field])


def favouring(options: tuple[_T, ...], favourite: _T) -> tuple[_T, ...]:
    """``options`` with ``favourite`` first and twice (drawn more often, shrunk to)."""
    if favourite not in options:
        raise InvalidArgument(f"{favourite!r} is not one of {options!r}")
    return (favourite, *options)


# --- drawing helpers ---------------------------------------------------------------------

BOOLS = st.booleans()
OPTIONAL_BOOLS = st.none() | BOOLS


def maybe(draw: DrawFn, strategy: SearchStrategy[_T]) -> _T | None:
    """``None`` or a drawn value (shrinks towards ``None``)."""
    return draw(strategy) if draw(BOOLS) else None


def pick(draw: DrawFn, options: Sequence[_T]) -> _T:
    return options[draw(st.integers(0, len(options) - 1))]


def maybe_pick(draw: DrawFn, options: Sequence[_T]) -> _T | None:
    """``None`` or one of ``options``."""
    return pick(draw, options) if draw(BOOLS) else None


def extras(draw: DrawFn, options: Mapping[str, SearchStrategy[Any]]) -> dict[str, Any]:
    """Some of the carried fields in ``options`` (each present or not)."""
    return {key: draw(strategy) for key, strategy in options.items() if draw(BOOLS)}


# --- the registry: value class -> the public strategy drawing it -------------------------

_REGISTRY: dict[type, Callable[[], SearchStrategy[Any]]] = {}


def draws(cls: type) -> Callable[[_F], _F]:
    """Mark a public strategy function as *the* strategy for values of ``cls``:
    ``st.from_type(cls)`` and ``kube_objects()`` use it, called without options."""
    def record(function: _F) -> _F:
        if cls in _REGISTRY:
            raise InvalidArgument(f"{cls.__name__} is drawn by {_REGISTRY[cls].__name__} "
                                  f"already; {function.__name__} cannot draw it too")
        for parameter in inspect.signature(function).parameters.values():
            if parameter.default is inspect.Parameter.empty:
                raise InvalidArgument(f"{function.__name__} needs {parameter.name}: a "
                                      "registered strategy takes options with defaults only")
        _REGISTRY[cls] = function
        return function

    return record


def registry() -> Mapping[type, Callable[[], SearchStrategy[Any]]]:
    """Every registered class and its strategy function (complete once the package
    :mod:`kancat.testing.strategies` is imported)."""
    return MappingProxyType(_REGISTRY)


def strategy_for(cls: type) -> SearchStrategy[Any] | None:
    """The registered strategy for ``cls`` with its default options, or ``None``."""
    function = _REGISTRY.get(cls)
    return None if function is None else function()
