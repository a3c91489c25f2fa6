"""Immutable, hashable JSON: how kancat carries fields it does not model.

Kubernetes objects hold many fields kancat has no opinion on (``strategy``,
``dnsPolicy``, ``lifecycle``, ...). They travel inside values as *frozen JSON*:
mappings become :class:`FrozenMap` (keys kept sorted, so equal maps iterate and
emit identically) and lists become tuples. :func:`thaw` turns them back into plain
``dict``/``list`` for emission.

>>> m = freeze({"b": [1, {"c": 2}], "a": None})
>>> m
FrozenMap({'a': None, 'b': (1, FrozenMap({'c': 2}))})
>>> thaw(m)
{'a': None, 'b': [1, {'c': 2}]}
>>> hash(m) == hash(freeze({"a": None, "b": [1, {"c": 2}]}))
True
"""

from collections.abc import ItemsView, Iterator, KeysView, Mapping, ValuesView
from typing import Any, TypeAlias, TypeGuard, TypeVar, final

__all__ = ["EMPTY", "FrozenJSON", "FrozenMap", "freeze", "is_mapping", "thaw"]

_V_co = TypeVar("_V_co", covariant=True)

FrozenJSON: TypeAlias = Any
"""A JSON value made immutable: ``None``, bool, int, float, str, tuple, FrozenMap."""


@final
class FrozenMap(Mapping[str, _V_co]):
    """An immutable mapping with sorted keys; equal maps hash, iterate and emit alike."""

    __slots__ = ("_hash", "_items")

    _items: dict[str, _V_co]
    _hash: int | None

    def __init__(self, items: Mapping[str, _V_co] | None = None) -> None:
        data = dict(items) if items else {}
        self._items = {key: data[key] for key in sorted(data)} if len(data) > 1 else data
        self._hash = None

    def __getitem__(self, key: str) -> _V_co:
        return self._items[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    # Forwarded to the dict: the Mapping mixins would go through __getitem__ one key at
    # a time, and these run on every emission.
    def __bool__(self) -> bool:
        return bool(self._items)

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def get(self, key: str, default: Any = None) -> Any:
        return self._items.get(key, default)

    def keys(self) -> KeysView[str]:
        return self._items.keys()

    def values(self) -> ValuesView[_V_co]:
        return self._items.values()

    def items(self) -> ItemsView[str, _V_co]:
        return self._items.items()

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(frozenset(self._items.items()))
        return self._hash

    def __eq__(self, other: object) -> bool:
        if isinstance(other, FrozenMap):
            return self._items == other._items
        if isinstance(other, Mapping):
            return self._items == dict(other)
        return NotImplemented

    def __repr__(self) -> str:
        return f"FrozenMap({self._items!r})"

    def __reduce__(self) -> tuple[type["FrozenMap[Any]"], tuple[dict[str, _V_co]]]:
        return (FrozenMap, (self._items,))

    def as_dict(self) -> dict[str, _V_co]:
        """A plain copy (values stay as they are: use :func:`thaw` for deep)."""
        return dict(self._items)

    def set(self, key: str, value: Any) -> "FrozenMap[Any]":
        """A new map with ``key`` bound to ``value``.

        >>> FrozenMap({"a": 1}).set("b", 2)
        FrozenMap({'a': 1, 'b': 2})
        """
        data: dict[str, Any] = dict(self._items)
        data[key] = value
        return FrozenMap(data)

    def remove(self, key: str) -> "FrozenMap[_V_co]":
        """A new map without ``key`` (the same map when it is absent)."""
        if key not in self._items:
            return self
        return FrozenMap({k: v for k, v in self._items.items() if k != key})


EMPTY: FrozenMap[Any] = FrozenMap()


def is_mapping(value: object) -> TypeGuard[Mapping[Any, Any]]:
    """``isinstance(value, Mapping)``, decided without the ABC machinery for a dict or
    a FrozenMap (every value built asks it several times)."""
    return value.__class__ is dict or value.__class__ is FrozenMap or isinstance(value, Mapping)


def freeze(value: Any) -> FrozenJSON:
    """Deep-freeze plain JSON data (dicts, lists, scalars)."""
    if is_mapping(value):
        if not value:
            return EMPTY
        return FrozenMap({str(k): freeze(v) for k, v in value.items()})
    if isinstance(value, (list, tuple)):
        return tuple(freeze(v) for v in value)
    return value


def thaw(value: FrozenJSON) -> Any:
    """Turn frozen JSON back into plain ``dict``/``list`` data."""
    if isinstance(value, FrozenMap):
        return {k: thaw(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [thaw(v) for v in value]
    return value
