"""Object metadata and label selectors.

>>> meta = ObjectMeta.of("web", namespace="shop", labels={"app": "web"})
>>> meta.labels["app"]
'web'
>>> ObjectMeta.of("Bad_Name!")
Traceback (most recent call last):
...
kancat.errors.InvalidValue: 1 problem:
  name: name 'Bad_Name!' is not a DNS-1123 subdomain (use lowercase letters, digits, '-' and '.', starting and ending with a letter or digit (e.g. 'web.example'))
"""

from collections.abc import Callable, Mapping
from typing import Any

import attrs

from kancat.errors import Problem
from kancat.values import _check as check
from kancat.values._base import to_frozen, to_str_map, to_str_tuple, to_tuple
from kancat.values._frozen import EMPTY, FrozenMap

__all__ = ["LabelSelector", "LabelSelectorRequirement", "NameRule", "ObjectMeta"]

NameRule = Callable[..., list[Problem]]
"""One of the name rules of :mod:`kancat.values._check` (label, subdomain, ...)."""


@attrs.frozen
class ObjectMeta:
    """``metadata``: name, namespace, labels, annotations; other fields ride in ``extra``.

    The name rule depends on the kind (a Service name is a DNS-1035 label, a
    Deployment name a DNS-1123 subdomain): the owning value checks it, this class
    checks the general subdomain rule.
    """

    name: str
    namespace: str | None = None
    labels: FrozenMap[str] = attrs.field(default=EMPTY, converter=to_str_map)
    annotations: FrozenMap[str] = attrs.field(default=EMPTY, converter=to_str_map)
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen)

    def __attrs_post_init__(self) -> None:
        check.raise_if(self.problems(check.dns_subdomain))

    def problems(self, name_rule: NameRule) -> list[Problem]:
        found = name_rule("name", self.name)
        if self.namespace is not None:
            found += check.dns_label("namespace", self.namespace, what="namespace")
        found += check.labels("labels", self.labels)
        found += check.annotations("annotations", self.annotations)
        return found

    @classmethod
    def of(cls, name: str, *, namespace: str | None = None,
           labels: Mapping[str, str] | None = None,
           annotations: Mapping[str, str] | None = None) -> "ObjectMeta":
        return cls(name, namespace, to_str_map(labels), to_str_map(annotations))

    def with_labels(self, labels: Mapping[str, str]) -> "ObjectMeta":
        """Add or override labels."""
        return attrs.evolve(self, labels={**self.labels, **labels})

    def with_annotations(self, annotations: Mapping[str, str]) -> "ObjectMeta":
        """Add or override annotations."""
        return attrs.evolve(self, annotations={**self.annotations, **annotations})


SELECTOR_OPERATORS = ("In", "NotIn", "Exists", "DoesNotExist")


@attrs.frozen
class LabelSelectorRequirement:
    """``{key, operator, values}``: ``In``/``NotIn`` need values, ``Exists`` none."""

    key: str
    operator: str
    values: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple)

    def __attrs_post_init__(self) -> None:
        found = check.qualified_name("key", self.key, what="label")
        found += check.one_of("operator", self.operator, SELECTOR_OPERATORS, what="operator")
        if self.operator in ("In", "NotIn") and not self.values:
            found.append(Problem("values", f"operator {self.operator} needs values",
                                 "list at least one value"))
        if self.operator in ("Exists", "DoesNotExist") and self.values:
            found.append(Problem("values", f"operator {self.operator} takes no values",
                                 "remove the values"))
        check.raise_if(found)

    def matches(self, labels: Mapping[str, str]) -> bool:
        present = self.key in labels
        if self.operator == "In":
            return present and labels[self.key] in self.values
        if self.operator == "NotIn":
            return not present or labels[self.key] not in self.values
        if self.operator == "Exists":
            return present
        return not present


@attrs.frozen
class LabelSelector:
    """``matchLabels`` and ``matchExpressions``; an empty selector matches everything.

    >>> LabelSelector.of({"app": "web"}).matches({"app": "web", "tier": "front"})
    True
    """

    match_labels: FrozenMap[str] = attrs.field(default=EMPTY, converter=to_str_map)
    match_expressions: tuple[LabelSelectorRequirement, ...] = attrs.field(
        default=(), converter=to_tuple)

    def __attrs_post_init__(self) -> None:
        check.raise_if(check.labels("matchLabels", self.match_labels))

    @classmethod
    def of(cls, match_labels: Mapping[str, str] | None = None,
           *expressions: LabelSelectorRequirement) -> "LabelSelector":
        return cls(to_str_map(match_labels), expressions)

    def matches(self, labels: Mapping[str, str]) -> bool:
        """Whether an object with ``labels`` is selected."""
        return all(labels.get(k) == v for k, v in self.match_labels.items()) and all(
            e.matches(labels) for e in self.match_expressions)

    @property
    def is_empty(self) -> bool:
        return not self.match_labels and not self.match_expressions
