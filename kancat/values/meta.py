"""Object metadata, label selectors, and :class:`KubeObjectBase`, the base of every
top-level object kancat models.

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
from typing import TYPE_CHECKING, Any, ClassVar, Literal, TypeAlias

import attrs

from kancat.core import rules
from kancat.core.collect import Collect, to_frozen, to_str_map, to_str_tuple, to_tuple
from kancat.core.fields import carried, path_of, wire
from kancat.core.frozen import EMPTY, FrozenMap
from kancat.core.value import Value, part, rule
from kancat.errors import Problem

__all__ = [
    "ENVOY_APP_PORT",
    "PROVIDED",
    "SIDECAR_STATUS",
    "KubeObjectBase",
    "LabelSelector",
    "LabelSelectorRequirement",
    "NameRule",
    "ObjectMeta",
    "SelectorOperator",
]

# --- kancat's own annotations ----------------------------------------------------------------

PROVIDED = "kancat/provided"
"""An object (or its pod template) lists what other tooling provides for it, so checks
across objects do not miss it: ``Kind/name`` (its own namespace) or
``Kind/namespace/name``, separated by commas."""

SIDECAR_STATUS = "kancat/sidecars"
"""The pod annotation recording what sidecar injection added (JSON, sorted lists)."""

ENVOY_APP_PORT = "kancat/envoy-app-port"
"""On an Envoy configuration ConfigMap: the app port the proxy routes to."""

NameRule = Callable[..., list[Problem]]
"""One of the name rules of :mod:`kancat.core.rules` (label, subdomain, ...)."""


@attrs.frozen
class ObjectMeta(Value):
    """``metadata``: name, namespace, labels, annotations; other fields ride in ``extra``.

    The name rule depends on the kind (a Service name is a DNS-1035 label, a
    Deployment name a DNS-1123 subdomain): the owning value checks it, this class
    checks the general subdomain rule.
    """

    k8s_definition: ClassVar[str] = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"

    name: str = attrs.field(metadata=wire("name", check=rules.dns_subdomain))
    namespace: str | None = attrs.field(default=None, metadata=wire(
        "namespace", check=lambda path, value: rules.dns_label(path, value, what="namespace")))
    labels: FrozenMap[str] = attrs.field(default=EMPTY, converter=to_str_map,
                                         metadata=wire("labels", check=rules.labels))
    annotations: FrozenMap[str] = attrs.field(default=EMPTY, converter=to_str_map,
                                              metadata=wire("annotations",
                                                            check=rules.annotations))
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, metadata=carried())

    @rule
    def _fixed_name(self) -> list[Problem]:
        if self.name is None and "generateName" in self.extra:
            return [Problem(path_of(attrs.fields(ObjectMeta).name),
                            "generateName is not supported",
                            "give the object a fixed metadata.name (declarative apply "
                            "needs it)")]
        return []

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


SelectorOperator: TypeAlias = Literal["In", "NotIn", "Exists", "DoesNotExist"]


def set_operator_problems(where: str, operator: str, values: tuple[str, ...]) -> list[Problem]:
    """The values a set operator of a selector requirement takes (label and node
    selectors alike): ``In``/``NotIn`` at least one, ``Exists``/``DoesNotExist`` none.

    >>> [str(p) for p in set_operator_problems("values", "Exists", ("a",))]
    ['values: operator Exists takes no values (remove the values)']
    """
    if operator in ("In", "NotIn") and not values:
        return [Problem(where, f"operator {operator} needs values", "list at least one value")]
    if operator in ("Exists", "DoesNotExist") and values:
        return [Problem(where, f"operator {operator} takes no values", "remove the values")]
    return []


@attrs.frozen
class LabelSelectorRequirement(Value):
    """``{key, operator, values}``: ``In``/``NotIn`` need values, ``Exists`` none."""

    k8s_definition: ClassVar[str] = \
        "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement"

    key: str = attrs.field(metadata=wire("key", check=lambda path, value: rules.qualified_name(
        path, value, what="label")))
    operator: SelectorOperator = attrs.field(metadata=wire("operator"))
    values: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple,
                                          metadata=wire("values"))

    @rule
    def _values(self) -> list[Problem]:
        return set_operator_problems(path_of(attrs.fields(LabelSelectorRequirement).values),
                                     self.operator, self.values)

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
class LabelSelector(Value):
    """``matchLabels`` and ``matchExpressions``; an empty selector matches everything.

    >>> LabelSelector.of({"app": "web"}).matches({"app": "web", "tier": "front"})
    True
    """

    k8s_definition: ClassVar[str] = "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector"

    match_labels: FrozenMap[str] = attrs.field(default=EMPTY, converter=to_str_map,
                                               metadata=wire("matchLabels", check=rules.labels))
    match_expressions: tuple[LabelSelectorRequirement, ...] = attrs.field(
        default=(), converter=to_tuple, metadata=wire("matchExpressions"))

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


def object_meta(collect: Collect, cls: type, name: str, namespace: str | None,
                labels: Mapping[str, str] | None,
                annotations: Mapping[str, str] | None = None) -> ObjectMeta:
    """The ObjectMeta of an ``of`` constructor of ``cls`` (a class with a ``metadata``
    field): its problems kept in ``collect`` under ``metadata``, so the constructor
    reports them with its own.

    >>> from kancat.values import ConfigMap
    >>> collect = Collect()
    >>> object_meta(collect, ConfigMap, "Bad_Name", "shop", {"app": "web"}).name
    'Bad_Name'
    >>> [p.path for p in collect.problems]
    ['metadata.name']
    """
    return part(collect, path_of(attrs.fields(cls).metadata), ObjectMeta, name=name,
                namespace=namespace, labels=labels, annotations=annotations)


class KubeObjectBase(Value):
    """The base of the top-level objects kancat models: they have ``metadata``, and
    their kind and group/version come from the kinds table
    (:data:`kancat.values.kinds.KINDS`), not from the class."""

    __slots__ = ()
    wire_reserved: ClassVar[tuple[str, ...]] = ("apiVersion", "kind")

    if TYPE_CHECKING:
        # For typing only, read-only: most kinds hold their metadata in a field, a Pod
        # makes it from its own fields.
        @property
        def metadata(self) -> ObjectMeta:
            """The object's metadata: name, namespace, labels, annotations."""

    @property
    def name(self) -> str:
        return self.metadata.name

    @property
    def namespace(self) -> str | None:
        return self.metadata.namespace

    @property
    def kind(self) -> str:
        """The Kubernetes kind, e.g. ``Deployment``."""
        from kancat.values.kinds import kind_of

        return kind_of(type(self)).name

    @property
    def api_version(self) -> str:
        """The group/version emitted for the default Kubernetes version."""
        from kancat.values.kinds import DEFAULT_VERSION, kind_of

        return kind_of(type(self)).api_version(DEFAULT_VERSION)
