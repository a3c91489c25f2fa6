"""A pod's ``spec.affinity``: node affinity (which nodes it may or prefers to run on)
and pod (anti-)affinity (near which pods, or away from which, per topology domain).

Every term is typed, so its problems are found where they are written, by Kubernetes
field path (the loader reports them under the whole path, e.g.
``spec.template.spec.affinity.podAntiAffinity...[0].weight`` in a Deployment):

>>> instance_types = NodeSelectorRequirement("node.kubernetes.io/instance-type", "In",
...                                          ["m5.xlarge", "m5.2xlarge"])
>>> affinity = Affinity(node_affinity=NodeAffinity(required=NodeSelector.of(instance_types)))
>>> affinity.node_affinity.required.terms[0].match_expressions[0].values
('m5.xlarge', 'm5.2xlarge')
>>> WeightedPodAffinityTerm.of(0, PodAffinityTerm.of("kubernetes.io/hostname", {"app": "web"}))
Traceback (most recent call last):
...
kancat.errors.InvalidValue: 1 problem:
  weight: weight must be >= 1, got 0 (use 1 or more)

A pod (anti-)affinity term without a ``labelSelector`` selects no pod at all (Kubernetes
reads a missing selector as "nothing"), and a node selector term without requirements
selects no node: both are problems, not silence. Whether a term selects the pod's *own*
pods is a rule of :class:`~kancat.values.pod.PodTemplate`, which knows the pod's labels.
"""

from collections.abc import Iterable, Mapping
from functools import partial
from typing import Any, ClassVar, Literal, TypeAlias

import attrs

from kancat.core import rules
from kancat.core.collect import to_frozen, to_str_map, to_str_tuple, to_tuple
from kancat.core.fields import carried, path_of, wire
from kancat.core.frozen import EMPTY, FrozenMap
from kancat.core.value import Value, rule
from kancat.errors import Problem
from kancat.values.meta import LabelSelector, set_operator_problems

__all__ = [
    "Affinity",
    "NodeAffinity",
    "NodeSelector",
    "NodeSelectorOperator",
    "NodeSelectorRequirement",
    "NodeSelectorTerm",
    "PodAffinity",
    "PodAffinityTerm",
    "PodAntiAffinity",
    "PreferredSchedulingTerm",
    "WeightedPodAffinityTerm",
]

NodeSelectorOperator: TypeAlias = Literal["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"]
"""How a node selector requirement compares a node's label (``Gt``/``Lt``: as integers)."""

_WEIGHT = partial(rules.integer, minimum=1, maximum=100, what="weight")
_REQUIRED = "requiredDuringSchedulingIgnoredDuringExecution"
_PREFERRED = "preferredDuringSchedulingIgnoredDuringExecution"


def _label_key(path: str, value: object) -> list[Problem]:
    return rules.qualified_name(path, value, what="label")


def _namespaces(path: str, value: object) -> list[Problem]:
    found: list[Problem] = []
    for index, name in enumerate(value if isinstance(value, tuple) else ()):
        found += rules.dns_label(f"{path}[{index}]", name, what="namespace")
    return found


@attrs.frozen
class NodeSelectorRequirement(Value):
    """``{key, operator, values}`` on a node's labels (or, in ``matchFields``, its
    fields): ``In``/``NotIn`` need values, ``Exists``/``DoesNotExist`` take none, and
    ``Gt``/``Lt`` take exactly one integer.

    >>> NodeSelectorRequirement("cpu-count", "Gt", ["8"]).matches({"cpu-count": "16"})
    True
    >>> NodeSelectorRequirement.create("cpu-count", "Gt", ["eight"])
    <Failure: 1 problem:
      values[0]: operator Gt compares integers, got 'eight' (write a whole number such as '8')>
    """

    k8s_definition: ClassVar[str] = "io.k8s.api.core.v1.NodeSelectorRequirement"

    key: str = attrs.field(metadata=wire("key", check=_label_key))
    operator: NodeSelectorOperator = attrs.field(metadata=wire("operator"))
    values: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple,
                                          metadata=wire("values"))

    @rule
    def _values(self) -> list[Problem]:
        where = path_of(attrs.fields(NodeSelectorRequirement).values)
        if self.operator in ("Gt", "Lt"):
            if len(self.values) != 1:
                return [Problem(where, f"operator {self.operator} takes exactly one value, "
                                       f"got {len(self.values)}", "give one whole number")]
            if not _is_integer(self.values[0]):
                return [Problem(f"{where}[0]", f"operator {self.operator} compares integers, "
                                              f"got {self.values[0]!r}",
                                "write a whole number such as '8'")]
            return []
        return set_operator_problems(where, self.operator, self.values)

    def matches(self, labels: Mapping[str, str]) -> bool:
        """Whether a node with ``labels`` satisfies the requirement."""
        present = self.key in labels
        if self.operator == "In":
            return present and labels[self.key] in self.values
        if self.operator == "NotIn":
            return not present or labels[self.key] not in self.values
        if self.operator == "Exists":
            return present
        if self.operator == "DoesNotExist":
            return not present
        if not present or not _is_integer(labels[self.key]):
            return False
        node, bound = int(labels[self.key]), int(self.values[0])
        return node > bound if self.operator == "Gt" else node < bound


def _is_integer(text: str) -> bool:
    return text.lstrip("-").isdigit()


@attrs.frozen
class NodeSelectorTerm(Value):
    """Requirements a node must all meet: on its labels (``matchExpressions``) and its
    fields (``matchFields``, where Kubernetes supports only ``metadata.name``, ``In`` or
    ``NotIn`` one name). A term with neither selects no node.

    >>> NodeSelectorTerm.create()
    <Failure: 1 problem:
      matchExpressions: a node selector term without requirements selects no node (add a matchExpressions entry (e.g. kubernetes.io/arch In [amd64]))>
    """

    k8s_definition: ClassVar[str] = "io.k8s.api.core.v1.NodeSelectorTerm"

    match_expressions: tuple[NodeSelectorRequirement, ...] = attrs.field(
        default=(), converter=to_tuple, metadata=wire("matchExpressions"))
    match_fields: tuple[NodeSelectorRequirement, ...] = attrs.field(
        default=(), converter=to_tuple, metadata=wire("matchFields"))

    @rule
    def _requirements(self) -> list[Problem]:
        at, of = attrs.fields(NodeSelectorTerm), attrs.fields(NodeSelectorRequirement)
        found: list[Problem] = []
        if not self.match_expressions and not self.match_fields:
            found.append(Problem(path_of(at.match_expressions),
                                 "a node selector term without requirements selects no node",
                                 "add a matchExpressions entry (e.g. kubernetes.io/arch In "
                                 "[amd64])"))
        for index, field in enumerate(self.match_fields):
            if field.key != "metadata.name":
                found.append(Problem(path_of(at.match_fields, index, of.key),
                                     f"matchFields supports only metadata.name, got "
                                     f"{field.key!r}", "select node labels in matchExpressions"))
            if field.operator not in ("In", "NotIn") or len(field.values) != 1:
                found.append(Problem(path_of(at.match_fields, index, of.values),
                                     "matchFields on metadata.name takes operator In or NotIn "
                                     "and exactly one node name",
                                     "write one node name with In or NotIn"))
        return found

    @classmethod
    def of(cls, *expressions: NodeSelectorRequirement) -> "NodeSelectorTerm":
        """A term of label requirements, all of which a node must meet."""
        return cls(match_expressions=expressions)


@attrs.frozen
class NodeSelector(Value):
    """``requiredDuringSchedulingIgnoredDuringExecution`` of a node affinity: the node
    must satisfy at least one of the ``terms`` (which are ORed; the requirements inside
    a term are ANDed).

    >>> NodeSelector(terms=())
    Traceback (most recent call last):
    ...
    kancat.errors.InvalidValue: 1 problem:
      nodeSelectorTerms: a required node affinity needs at least one term (add a NodeSelectorTerm, or drop the required node affinity)
    """

    k8s_definition: ClassVar[str] = "io.k8s.api.core.v1.NodeSelector"

    terms: tuple[NodeSelectorTerm, ...] = attrs.field(converter=to_tuple,
                                                      metadata=wire("nodeSelectorTerms"))

    @rule
    def _some(self) -> list[Problem]:
        if not self.terms:
            return [Problem(path_of(attrs.fields(NodeSelector).terms),
                            "a required node affinity needs at least one term",
                            "add a NodeSelectorTerm, or drop the required node affinity")]
        return []

    @classmethod
    def of(cls, *expressions: NodeSelectorRequirement) -> "NodeSelector":
        """A selector of one term: a node must meet every requirement of ``expressions``."""
        return cls((NodeSelectorTerm(match_expressions=expressions),))


@attrs.frozen
class PreferredSchedulingTerm(Value):
    """A node preference: nodes meeting ``preference`` score ``weight`` (1-100) more."""

    k8s_definition: ClassVar[str] = "io.k8s.api.core.v1.PreferredSchedulingTerm"

    weight: int = attrs.field(metadata=wire("weight", check=_WEIGHT))
    preference: NodeSelectorTerm = attrs.field(metadata=wire("preference"))


@attrs.frozen
class NodeAffinity(Value):
    """Where the pod may run (``required``) and where it prefers to (``preferred``).

    >>> gpu = NodeSelectorRequirement("gpu", "Exists")
    >>> NodeAffinity(preferred=[PreferredSchedulingTerm(50, NodeSelectorTerm.of(gpu))]
    ...              ).preferred[0].weight
    50
    """

    k8s_definition: ClassVar[str] = "io.k8s.api.core.v1.NodeAffinity"

    required: NodeSelector | None = attrs.field(default=None, metadata=wire(_REQUIRED))
    preferred: tuple[PreferredSchedulingTerm, ...] = attrs.field(
        default=(), converter=to_tuple, metadata=wire(_PREFERRED))


def _selector(selector: "LabelSelector | Mapping[str, str] | None") -> LabelSelector | None:
    if selector is None or isinstance(selector, LabelSelector):
        return selector
    if isinstance(selector, Mapping):
        return LabelSelector(match_labels=to_str_map(selector))
    return selector  # the field's type check names what it is


@attrs.frozen
class PodAffinityTerm(Value):
    """Pods matching ``label_selector`` (in the pod's namespace, or in ``namespaces`` /
    those ``namespace_selector`` selects) define the ``topology_key`` domains the term
    is about: the same domain for affinity, another one for anti-affinity. Kubernetes'
    ``matchLabelKeys`` and ``mismatchLabelKeys`` ride in ``extra``.

    >>> term = PodAffinityTerm.of("kubernetes.io/hostname", {"app": "web"})
    >>> term.label_selector.matches({"app": "web"})
    True
    >>> PodAffinityTerm.create("kubernetes.io/hostname", None, ["Shop"])
    <Failure: 2 problems:
      namespaces[0]: namespace 'Shop' is not a DNS-1123 label (use lowercase letters, digits and '-', starting and ending with a letter or digit (e.g. 'my-name'))
      labelSelector: a pod affinity term without labelSelector selects no pod (select the pods it is about, e.g. labelSelector: {matchLabels: {app: web}})>
    """

    k8s_definition: ClassVar[str] = "io.k8s.api.core.v1.PodAffinityTerm"

    label_selector: LabelSelector | None = attrs.field(default=None, converter=_selector,
                                                       metadata=wire("labelSelector"))
    namespaces: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple,
                                              metadata=wire("namespaces", check=_namespaces))
    topology_key: str = attrs.field(kw_only=True, metadata=wire(
        "topologyKey", check=lambda path, value: rules.qualified_name(path, value,
                                                                      what="topology")))
    namespace_selector: LabelSelector | None = attrs.field(
        default=None, kw_only=True, metadata=wire(
            "namespaceSelector", since=(1, 22), since_what="namespaceSelector (on by default) "
                                                           "needs",
            since_hint="list the namespaces in namespaces"))
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, kw_only=True,
                                        metadata=carried())

    @rule
    def _selects_pods(self) -> list[Problem]:
        if self.label_selector is None:
            return [Problem(path_of(attrs.fields(PodAffinityTerm).label_selector),
                            "a pod affinity term without labelSelector selects no pod",
                            "select the pods it is about, e.g. labelSelector: "
                            "{matchLabels: {app: web}}")]
        return []

    @classmethod
    def of(cls, topology_key: str,
           selector: "LabelSelector | Mapping[str, str] | None",
           namespaces: Iterable[str] = (), *,
           namespace_selector: LabelSelector | None = None) -> "PodAffinityTerm":
        """A term about the pods ``selector`` selects (a selector, or the labels they
        all carry) per ``topology_key`` domain."""
        return cls(_selector(selector), to_str_tuple(namespaces), topology_key=topology_key,
                   namespace_selector=namespace_selector)


@attrs.frozen
class WeightedPodAffinityTerm(Value):
    """A preferred pod (anti-)affinity term: nodes satisfying it score ``weight``
    (1-100) more."""

    k8s_definition: ClassVar[str] = "io.k8s.api.core.v1.WeightedPodAffinityTerm"

    weight: int = attrs.field(metadata=wire("weight", check=_WEIGHT))
    term: PodAffinityTerm = attrs.field(metadata=wire("podAffinityTerm"))


@attrs.frozen
class PodAffinity(Value):
    """Run in the same topology domain as the pods the terms select (a cache beside
    its users): ``required`` terms all hold, ``preferred`` ones add their weight."""

    k8s_definition: ClassVar[str] = "io.k8s.api.core.v1.PodAffinity"

    required: tuple[PodAffinityTerm, ...] = attrs.field(default=(), converter=to_tuple,
                                                        metadata=wire(_REQUIRED))
    preferred: tuple[WeightedPodAffinityTerm, ...] = attrs.field(
        default=(), converter=to_tuple, metadata=wire(_PREFERRED))


@attrs.frozen
class PodAntiAffinity(Value):
    """Run in another topology domain than the pods the terms select (replicas on
    separate hosts): ``required`` terms all hold, ``preferred`` ones add their weight."""

    k8s_definition: ClassVar[str] = "io.k8s.api.core.v1.PodAntiAffinity"

    required: tuple[PodAffinityTerm, ...] = attrs.field(default=(), converter=to_tuple,
                                                        metadata=wire(_REQUIRED))
    preferred: tuple[WeightedPodAffinityTerm, ...] = attrs.field(
        default=(), converter=to_tuple, metadata=wire(_PREFERRED))


@attrs.frozen
class Affinity(Value):
    """``spec.affinity`` of a pod: node affinity, pod affinity and pod anti-affinity.

    >>> Affinity.of(node_affinity=NodeAffinity(required=NodeSelector.of(
    ...     NodeSelectorRequirement("kubernetes.io/arch", "In", ["arm64"])))).pod_affinity
    """

    k8s_definition: ClassVar[str] = "io.k8s.api.core.v1.Affinity"

    node_affinity: NodeAffinity | None = attrs.field(default=None, kw_only=True,
                                                     metadata=wire("nodeAffinity"))
    pod_affinity: PodAffinity | None = attrs.field(default=None, kw_only=True,
                                                   metadata=wire("podAffinity"))
    pod_anti_affinity: PodAntiAffinity | None = attrs.field(default=None, kw_only=True,
                                                            metadata=wire("podAntiAffinity"))

    @property
    def pod_terms(self) -> tuple[tuple[str, PodAffinityTerm], ...]:
        """Every pod (anti-)affinity term with its path under ``spec.affinity``.

        >>> term = PodAffinityTerm.of("kubernetes.io/hostname", {"app": "web"})
        >>> Affinity(pod_anti_affinity=PodAntiAffinity(
        ...     preferred=[WeightedPodAffinityTerm(100, term)])).pod_terms[0][0]
        'podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm'
        """
        at = attrs.fields(Affinity)
        found: list[tuple[str, PodAffinityTerm]] = []
        for field, part in ((at.pod_affinity, self.pod_affinity),
                            (at.pod_anti_affinity, self.pod_anti_affinity)):
            if part is None:
                continue
            of = attrs.fields(type(part))
            for index, term in enumerate(part.required):
                found.append((path_of(field, of.required, index), term))
            for index, weighted in enumerate(part.preferred):
                found.append((path_of(field, of.preferred, index,
                                      attrs.fields(WeightedPodAffinityTerm).term), weighted.term))
        return tuple(found)
