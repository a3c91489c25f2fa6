"""Where two values differ, field by field: for conflicts and for failing laws.

>>> from kancat.values import ObjectMeta
>>> for d in differences(ObjectMeta.of("web", labels={"app": "web"}),
...                      ObjectMeta.of("web", namespace="shop")):
...     print(d)
namespace: None vs 'shop'
labels['app']: 'web' vs <absent>

Fields declared ``sensitive`` (a Secret's data) show as ``<hidden>``, never their values.
"""

from collections.abc import Mapping
from typing import Any, Final

import attrs

from kancat.core.fields import WIRE
from kancat.errors import FieldConflict, join_path

__all__ = ["ABSENT", "HIDDEN", "differences"]


class _Absent:
    """The side of a :class:`~kancat.errors.FieldConflict` where an entry is missing."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<absent>"

    def __reduce__(self) -> str:
        return "ABSENT"


ABSENT: Final = _Absent()
"""Stands for a missing entry (a workload, container, label, ...) in a field conflict."""


class _Hidden:
    __slots__ = ()

    def __repr__(self) -> str:
        return "<hidden>"

    def __reduce__(self) -> str:
        return "HIDDEN"


HIDDEN: Final = _Hidden()
"""Stands for both sides of a difference in a sensitive field."""


def _named(items: tuple[Any, ...]) -> dict[str, Any] | None:
    """``items`` by their ``name``, when every item has a distinct string name."""
    by_name: dict[str, Any] = {}
    for item in items:
        name = getattr(item, "name", None)
        if not isinstance(name, str) or name in by_name:
            return None
        by_name[name] = item
    return by_name


def differences(left: object, right: object, path: str = "") -> list[FieldConflict]:
    """The fields in which ``left`` and ``right`` differ, as deep as both have structure:
    attrs values field by field, mappings key by key, sequences of named items
    (containers, workloads) name by name, other sequences index by index. A field
    present on one side only has :data:`ABSENT` on the other.
    """
    if left is right or left == right:
        return []
    found: list[FieldConflict] = []
    kind = type(left)
    if kind is type(right):
        if attrs.has(kind):
            for field in attrs.fields(kind):
                if not field.eq:
                    continue
                where = join_path(path, field.name)
                declared = field.metadata.get(WIRE)
                a, b = getattr(left, field.name), getattr(right, field.name)
                if getattr(declared, "sensitive", False):
                    if a != b:
                        found.append(FieldConflict(where, HIDDEN, HIDDEN))
                    continue
                found += differences(a, b, where)
        elif isinstance(left, Mapping) and isinstance(right, Mapping):
            found = _keyed_differences(path, left, right, "{!r}")
        elif isinstance(left, tuple) and isinstance(right, tuple):
            named = _named(left), _named(right)
            if named[0] is not None and named[1] is not None:
                found = _keyed_differences(path, named[0], named[1], "{}")
            elif len(left) == len(right):
                for index, (a, b) in enumerate(zip(left, right, strict=True)):
                    found += differences(a, b, f"{path}[{index}]")
    # No deeper difference found (other types, other lengths, only the order differs):
    # the whole value is the difference.
    return found or [FieldConflict(path or "(value)", left, right)]


def _keyed_differences(path: str, left: Mapping[str, Any], right: Mapping[str, Any],
                       key_format: str) -> list[FieldConflict]:
    found: list[FieldConflict] = []
    for key in sorted({*left, *right}):
        where = f"{path}[{key_format.format(key)}]"
        found += differences(left.get(key, ABSENT), right.get(key, ABSENT), where)
    return found
