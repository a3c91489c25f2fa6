"""How a field appears in a Kubernetes manifest, declared once, beside the field.

Every field of a kancat value carries a :class:`Wire` in its attrs metadata: its
Kubernetes field path (``"spec.replicas"``: one value field may sit deeper in the
manifest than its class), when it is left out, the rule it must satisfy and, for
fields Kubernetes added late, the version that introduced them. The order of the
declarations is the order of the keys in the manifest. Everything else — how the
value is encoded, decoded and type-checked — follows from the field's annotation
(its :class:`Shape`), so adding a field is one line::

    replicas: int | None = attrs.field(default=None, metadata=wire(
        "spec.replicas", check=partial(rules.integer, minimum=0)))

Carried fields (:func:`carried`) hold what kancat does not model at one level of the
manifest (``extra`` at the top, ``spec_extra`` under ``spec``...), as frozen JSON
that is emitted after the modelled keys and checked against the field names
Kubernetes knows.

>>> w = wire("spec.replicas")
>>> w[WIRE].path, w[WIRE].key
(('spec', 'replicas'), 'replicas')
"""

import functools
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any, Final, Literal, TypeAlias, Union, get_args, get_origin

import attrs

from kancat.core.frozen import FrozenMap
from kancat.errors import InvalidArgument, Problem, join_path

__all__ = [
    "WIRE",
    "Check",
    "KubernetesVersion",
    "Omit",
    "Shape",
    "Wire",
    "carried",
    "path_of",
    "shape_of",
    "wire",
]

WIRE: Final = "kancat.wire"
"""The attrs metadata key under which a field's :class:`Wire` is stored."""

KubernetesVersion: TypeAlias = tuple[int, int]
"""``(major, minor)``, e.g. ``(1, 32)``."""

Check: TypeAlias = Callable[[str, Any], list[Problem]]
"""A field rule: ``check(path, value)`` returns the problems of ``value`` at ``path``."""

Omit: TypeAlias = Literal["none", "empty", "never"]
"""When a field is left out of the manifest: when it is ``None``; when it is ``None``,
empty or encodes to ``{}``; never."""


@attrs.frozen
class Wire:
    """A field's place and rules in the manifest (see the module documentation).

    * ``path``: the Kubernetes field path below the value's own mapping; ``()`` for a
      carried map of the value's own level, or for a one-of whose variant keys sit
      in the value's own mapping (a volume's ``emptyDir:`` beside its ``name:``);
    * ``omit``: see :data:`Omit`; ``None`` derives it from the default (``None``
      default: ``"none"``; an empty or other default: ``"empty"``; no default:
      ``"never"``);
    * ``check``: the field's own rule, which also reports a value of the wrong type
      (without one, the type is checked from the annotation);
    * ``what``: how messages name the field (default: the last path element);
    * ``since``: the first Kubernetes version that has the field; emitting it for an
      older version is a problem (``since_what`` names the feature in that message,
      ``since_hint`` says what to do instead);
    * ``before``: rules that hold only when emitting for a version older than the
      one given (the stricter environment variable names before 1.32);
    * ``sensitive``: never shown in ``repr`` or in problems (Secret data).
    """

    path: tuple[str, ...]
    omit: Omit | None = None
    check: Check | None = None
    carried: bool = False
    what: str | None = None
    since: KubernetesVersion | None = None
    before: tuple[tuple[KubernetesVersion, Check], ...] = ()
    sensitive: bool = False
    since_what: str | None = None
    since_hint: str | None = None
    dotted: str = attrs.field(init=False, eq=False, repr=False)
    """The path as Kubernetes writes it: ``spec.replicas``."""

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "dotted", ".".join(self.path))

    @property
    def key(self) -> str:
        """The last element of the path (``""`` for an inline one-of or own-level map)."""
        return self.path[-1] if self.path else ""


def _path(text: str) -> tuple[str, ...]:
    if not isinstance(text, str):
        raise InvalidArgument(f"wire path must be a string, got {text!r}")
    return tuple(text.split(".")) if text else ()


def wire(path: str, *, check: Check | None = None, omit: Omit | None = None,
         what: str | None = None, since: KubernetesVersion | None = None,
         since_what: str | None = None, since_hint: str | None = None,
         before: tuple[tuple[KubernetesVersion, Check], ...] = (),
         sensitive: bool = False) -> dict[str, Wire]:
    """attrs metadata declaring a field's :class:`Wire`: ``attrs.field(metadata=wire(...))``.

    ``path`` ``""`` marks a one-of whose variant keys sit in the value's own mapping.
    """
    return {WIRE: Wire(_path(path), omit, check, False, what, since, before, sensitive,
                       since_what, since_hint)}


def carried(path: str = "") -> dict[str, Wire]:
    """attrs metadata declaring a carried map: the fields kancat does not model at
    ``path`` (``""``: the value's own mapping), emitted after the modelled ones."""
    return {WIRE: Wire(_path(path), "empty", None, True)}


def wire_of(field: "attrs.Attribute[Any]") -> Wire:
    found = field.metadata.get(WIRE)
    if not isinstance(found, Wire):
        raise InvalidArgument(f"field {field.name!r} declares no wire form: give it "
                              "metadata=wire(...) or metadata=carried(...)")
    return found


def path_of(field: "attrs.Attribute[Any]", *more: "str | int | attrs.Attribute[Any]") -> str:
    """The Kubernetes path of a field, for messages of rules across fields: write
    ``path_of(attrs.fields(Deployment).selector)`` rather than the name again.

    ``more`` goes on below it: numbers as list indices, strings and fields of the
    nested value as keys.

    >>> import attrs
    >>> @attrs.frozen
    ... class Item:
    ...     name: str = attrs.field(metadata=wire("metadata.name"))
    >>> @attrs.frozen
    ... class Spec:
    ...     items: tuple[Item, ...] = attrs.field(metadata=wire("spec.items"))
    >>> path_of(attrs.fields(Spec).items, 2, attrs.fields(Item).name)
    'spec.items[2].metadata.name'
    """
    declared = field.metadata.get(WIRE)
    path = declared.dotted if isinstance(declared, Wire) else wire_of(field).dotted
    if not more:
        return path
    for part in more:
        if isinstance(part, int):
            path = f"{path}[{part}]"
        else:
            path = join_path(path, part if isinstance(part, str) else wire_of(part).dotted)
    return path


# --- shapes: what a field holds, read from its annotation ------------------------------------

ShapeKind: TypeAlias = Literal["scalar", "text", "value", "oneof", "list", "map", "json"]


@attrs.frozen
class Shape:
    """What a field holds, derived from its annotation:

    * ``scalar``: ``str``, ``int``, ``bool`` or a union of them, or a ``Literal``
      (``choices``);
    * ``text``: a value written as a string on the wire (``ImageRef``, ``Quantity``:
      classes with ``wire_text = True``);
    * ``value``: a nested kancat value (``types[0]``);
    * ``oneof``: one of several values, told apart by their ``wire_key`` (the
      variant with no ``wire_key`` carries what none of the others model);
    * ``list`` / ``map``: a tuple / a :class:`FrozenMap` of ``item``;
    * ``json``: frozen JSON (``Any``; ``FrozenMap[Any]``, a JSON object, has
      ``types`` ``(FrozenMap,)``).
    """

    kind: ShapeKind
    types: tuple[type, ...] = ()
    choices: tuple[object, ...] | None = None
    item: "Shape | None" = None

    @property
    def other(self) -> type | None:
        """The variant of a one-of that carries unmodelled keys, if any."""
        for variant in self.types:
            if getattr(variant, "wire_key", None) is None:
                return variant
        return None

    def variant(self, key: str) -> type | None:
        for variant in self.types:
            if getattr(variant, "wire_key", None) == key:
                return variant
        return None

    @property
    def keys(self) -> tuple[str, ...]:
        """The wire keys of a one-of's modelled variants."""
        return tuple(k for k in (getattr(v, "wire_key", None) for v in self.types) if k)


_JSON: Final = Shape("json")
_JSON_OBJECT: Final = Shape("json", (FrozenMap,))
_SCALARS: Final = (str, int, bool, float)


def _is_value(kind: object) -> bool:
    """A kancat value class (a subclass of :class:`kancat.core.value.Value`)."""
    return isinstance(kind, type) and getattr(kind, "__kancat_value__", False) is True


def shape_of(annotation: Any) -> tuple[Shape, bool]:
    """The shape of an annotation and whether it admits ``None``.

    >>> shape_of(int | None)
    (Shape(kind='scalar', types=(<class 'int'>,), choices=None, item=None), True)
    >>> shape_of(tuple[str, ...])[0].item.types
    (<class 'str'>,)
    """
    if annotation is Any:
        return _JSON, False
    origin = get_origin(annotation)
    if origin in (types.UnionType, Union):
        members = [a for a in get_args(annotation) if a is not type(None)]
        optional = len(members) < len(get_args(annotation))
        if len(members) == 1:
            shape, inner_optional = shape_of(members[0])
            return shape, optional or inner_optional
        if all(isinstance(m, type) and issubclass(m, _SCALARS) for m in members):
            return Shape("scalar", tuple(members)), optional
        if all(_is_value(m) for m in members):
            return Shape("oneof", tuple(members)), optional
        raise InvalidArgument(f"cannot derive a wire shape from {annotation!r}: a union is "
                              "of scalars or of kancat values")
    if origin is Literal:
        choices = get_args(annotation)
        return Shape("scalar", tuple(dict.fromkeys(type(c) for c in choices)), choices), False
    if origin is tuple:
        arguments = get_args(annotation)
        if len(arguments) != 2 or arguments[1] is not Ellipsis:
            raise InvalidArgument(f"cannot derive a wire shape from {annotation!r}: use "
                                  "tuple[X, ...]")
        return Shape("list", item=shape_of(arguments[0])[0]), False
    if origin is FrozenMap:
        (item,) = get_args(annotation) or (Any,)
        if item is Any:
            return _JSON_OBJECT, False
        return Shape("map", item=shape_of(item)[0]), False
    if annotation is FrozenMap:
        return _JSON_OBJECT, False
    if isinstance(annotation, type):
        if issubclass(annotation, _SCALARS):
            return Shape("scalar", (annotation,)), False
        if getattr(annotation, "wire_text", False) is True:
            return Shape("text", (annotation,)), False
        if _is_value(annotation):
            return Shape("value", (annotation,)), False
    raise InvalidArgument(f"cannot derive a wire shape from {annotation!r}")


@functools.cache
def hints(cls: type) -> Mapping[str, Any]:
    """The resolved annotations of an attrs class (cached: read once per class)."""
    return typing.get_type_hints(cls)

