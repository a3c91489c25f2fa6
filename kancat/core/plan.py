"""What kancat derives from a value class's declarations, once per class: its plan.

A :class:`Plan` resolves each field's declaration (:mod:`kancat.core.fields`) against
its annotation — its :class:`~kancat.core.fields.Shape`, whether it may be ``None``,
how it is left out — collects the class's rules across fields (methods marked
``@rule``), and arranges the fields by the mapping of the manifest they sit in
(:class:`Level`). The validation, the encoder and the decoder all read the plan.

>>> from kancat.values import Deployment
>>> plan = plan_of(Deployment)
>>> [f.path for f in plan.fields]
['metadata', 'spec.replicas', 'spec.selector', 'spec.template', 'spec', '']
>>> sorted(plan.root.levels["spec"].fields)
['replicas', 'selector', 'template']
"""

from collections.abc import Callable
from typing import Any

import attrs

from kancat.core.fields import WIRE, Omit, Shape, Wire, hints, shape_of
from kancat.errors import InvalidArgument, Problem

__all__ = ["FieldPlan", "Level", "Plan", "plan_of"]


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
    """Everything kancat derives from a value class's declarations, once: its fields
    resolved, its rules across fields, and the mappings of its manifest (``root``)."""

    cls: type
    fields: tuple[FieldPlan, ...]
    rules: tuple[Callable[[Any], list[Problem]], ...]
    root: Level
    by_name: dict[str, FieldPlan] = attrs.field(eq=False, repr=False)
    required: tuple[str, ...] = attrs.field(eq=False, repr=False)
    """The fields without a default."""


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
    if not (isinstance(cls, type) and getattr(cls, "__kancat_value__", False) is True
            and attrs.has(cls)):
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
    return Plan(cls, tuple(fields), tuple(rules), _levels(cls, fields),
                {f.name: f for f in fields}, tuple(f.name for f in fields if f.required))


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
