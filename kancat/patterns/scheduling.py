"""Scheduling: the founding design's spread over zones and hosts, replicas kept on
separate hosts, node types required and taints tolerated — each a lawful
:class:`~kancat.algebra.natural.Transformation` on pods, composable with the others,
with sidecar injection and with :func:`~kancat.patterns.security.restricted`.

>>> from kancat.values import Container, Deployment
>>> app = Deployment.of("distributed-app", replicas=10, containers=[
...     Container.of("app", image="shop/app:2.1.0", ports={"http": 8080})])
>>> schedule = (spread_zones().then(spread_hosts()).then(prefer_separate_hosts())
...             .then(require_node_types(["compute-optimized", "memory-optimized"],
...                                      key="node-type")))
>>> placed = schedule(app)
>>> [(c.topology_key, c.when_unsatisfiable) for c in placed.template.topology_spread_constraints]
[('topology.kubernetes.io/zone', 'DoNotSchedule'), ('kubernetes.io/hostname', 'ScheduleAnyway')]
>>> dict(placed.template.topology_spread_constraints[0].label_selector.match_labels)
{'app': 'distributed-app'}
>>> separate = placed.template.affinity.pod_anti_affinity.preferred[0]
>>> separate.weight, separate.term.topology_key
(100, 'kubernetes.io/hostname')
>>> placed.template.affinity.node_affinity.required.terms[0].match_expressions[0].values
('compute-optimized', 'memory-optimized')
>>> schedule(placed) == placed                                        # idempotent
True

Whose pods
----------

Every selector these transformations write selects the workload's *own* pods: applied
to a workload (a Deployment, StatefulSet, ReplicaSet or DaemonSet) it is the workload's
``spec.selector`` — the pods Kubernetes counts as the workload's, across rollouts (a
``version`` label on the template does not split the spread), and unchanged by what
injection adds to the pod's labels; applied to a bare pod template, or to a kind without
a selector (a Pod, a Job), it is the pod's labels. A pod with no labels cannot be told
from other pods, so spreading or separating it is refused:

>>> from kancat.values import PodTemplate
>>> spread_zones()(PodTemplate.of([Container.of("app", image="shop/app:2.1.0")]))
Traceback (most recent call last):
...
kancat.errors.InvalidValue: 1 problem:
  metadata.labels: the pod has no labels, so no selector can tell its pods from others (label the pod, e.g. app: web)

A spread constraint or anti-affinity term that does not select the pod's own pods is a
problem of the pod template itself (see :func:`kancat.values.pod.is_own_pods_term`),
however it was written.

What each one owns
------------------

Each transformation edits one slot of the pod and keeps everything else, including what
the pod already has there:

* :func:`spread_zones` / :func:`spread_hosts`: the topology spread constraint on its
  topology key (one already there is updated, its ``minDomains`` kept where the policy
  allows it — with ``DoNotSchedule`` — and its carried policies kept; constraints on
  other keys stay);
* :func:`prefer_separate_hosts`: the preferred pod anti-affinity term on the hostname
  selecting the pod's own pods (other terms stay);
* :func:`require_node_types`: the requirement on ``key`` in every required node selector
  term (terms are ORed, so each must require it; other requirements stay);
* :func:`tolerate`: the given tolerations, added where missing.

Laws
----

* **Idempotent**: ``t(t(x)) == t(x)`` for each, and for any composite of them.
* **Natural for every slot map**: they read only the pod's labels (or the workload's
  selector) and its scheduling fields, never a container, and carry no containers, so
  ``t(fmap(f, x)) == fmap(f, t(x))`` for every :func:`~kancat.algebra.functor.fmap`
  map (images, env, mounts, ports, settings).
* **They commute** with sidecar injection (:func:`kancat.patterns.sidecars.inject`)
  and with :func:`~kancat.patterns.security.restricted`: each owns slots the others do
  not touch and reads none they write (injection adds containers and annotations; the
  workload's selector does not change). With each other they commute up to the order
  of the lists they add to (constraints, terms, requirements, tolerations — sets to
  Kubernetes), except two that own the same slot (two spreads on one key, two node
  type requirements on one label): there the later one's parameters win.

>>> from kancat.patterns.security import restricted
>>> from kancat.patterns.sidecars import fluent_bit, inject
>>> first = inject(fluent_bit()).then(restricted()).then(schedule)
>>> schedule.then(inject(fluent_bit())).then(restricted())(app) == first(app)
True
"""

from collections.abc import Iterable
from typing import Final

import attrs

from kancat.algebra.natural import Transformation
from kancat.errors import InvalidValue, Problem
from kancat.values import (
    Affinity,
    KubeObjectBase,
    LabelSelector,
    NodeAffinity,
    NodeSelector,
    NodeSelectorRequirement,
    NodeSelectorTerm,
    PodAffinityTerm,
    PodAntiAffinity,
    PodTemplate,
    Toleration,
    TopologySpreadConstraint,
    WeightedPodAffinityTerm,
    is_own_pods_term,
)
from kancat.values.pod import WhenUnsatisfiable

__all__ = [
    "HOSTNAME",
    "INSTANCE_TYPE",
    "ZONE",
    "NodeTypes",
    "SeparateHosts",
    "Spread",
    "Tolerate",
    "prefer_separate_hosts",
    "require_node_types",
    "spread_hosts",
    "spread_zones",
    "tolerate",
]

ZONE: Final = "topology.kubernetes.io/zone"
"""The well-known node label of a node's zone."""
HOSTNAME: Final = "kubernetes.io/hostname"
"""The well-known node label of a node's host name (one domain per node)."""
INSTANCE_TYPE: Final = "node.kubernetes.io/instance-type"
"""The well-known node label of a node's instance type (set by the cloud provider)."""


def _selector_of(owner: KubeObjectBase) -> LabelSelector | None:
    """The workload's selector (the pods Kubernetes counts as its own), if it has one."""
    selector = getattr(owner, "selector", None)
    if isinstance(selector, LabelSelector) and not selector.is_empty:
        return selector
    return None


def _own_pods(pod: PodTemplate, bound: LabelSelector | None) -> LabelSelector:
    """The selector of the pod's own pods: its workload's, else its labels."""
    if bound is not None:
        return bound
    if not pod.labels:
        raise InvalidValue([Problem(
            "metadata.labels", "the pod has no labels, so no selector can tell its pods "
                               "from others", "label the pod, e.g. app: web")])
    return LabelSelector(match_labels=pod.labels)


def _whole_number(name: str, value: object, low: int, high: int | None = None) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < low or (
            high is not None and value > high):
        bounds = f"from {low} to {high}" if high is not None else f"of {low} or more"
        raise InvalidValue([Problem(name, f"{name} must be a whole number {bounds}, got "
                                          f"{value!r:.60}", f"pass e.g. {name}={low}")])


@attrs.frozen
class Spread:
    """The step of :func:`spread_zones` and :func:`spread_hosts`: the pod's own pods
    spread over ``topology_key`` domains (``selector``: the workload's, once bound)."""

    topology_key: str
    when_unsatisfiable: WhenUnsatisfiable
    max_skew: int = 1
    selector: LabelSelector | None = None

    @property
    def name(self) -> str:
        return f"spread({self.topology_key}, {self.when_unsatisfiable}, max_skew={self.max_skew})"

    def bound_to(self, owner: KubeObjectBase) -> "Spread":
        """The step for the pods of ``owner``: selecting them by its selector."""
        return attrs.evolve(self, selector=_selector_of(owner))

    def on_pod(self, pod: PodTemplate) -> PodTemplate:
        selector = _own_pods(pod, self.selector)
        constraints = list(pod.topology_spread_constraints)
        for index, constraint in enumerate(constraints):
            if constraint.topology_key == self.topology_key:
                # minDomains is allowed only with DoNotSchedule
                kept = constraint.min_domains if self.when_unsatisfiable == "DoNotSchedule" \
                    else None
                constraints[index] = attrs.evolve(
                    constraint, max_skew=self.max_skew,
                    when_unsatisfiable=self.when_unsatisfiable, label_selector=selector,
                    min_domains=kept)
                break
        else:
            constraints.append(TopologySpreadConstraint(
                self.max_skew, self.topology_key, self.when_unsatisfiable, selector))
        return attrs.evolve(pod, topology_spread_constraints=constraints)


def spread_zones(max_skew: int = 1) -> Transformation:
    """Spread the pods over zones, at most ``max_skew`` apart, and keep a pod waiting
    rather than skew them more (``DoNotSchedule``): a zone lost takes at most its share.

    >>> from kancat.values import Container, PodTemplate
    >>> pod = spread_zones(2)(PodTemplate.of([Container.of("app", image="shop/app:2.1.0")],
    ...                                      labels={"app": "shop"}))
    >>> spread = pod.topology_spread_constraints[0]
    >>> spread.max_skew, spread.topology_key, spread.when_unsatisfiable
    (2, 'topology.kubernetes.io/zone', 'DoNotSchedule')
    >>> spread_zones(0)
    Traceback (most recent call last):
    ...
    kancat.errors.InvalidValue: 1 problem:
      max_skew: max_skew must be a whole number of 1 or more, got 0 (pass e.g. max_skew=1)
    """
    _whole_number("max_skew", max_skew, 1)
    return Transformation((Spread(ZONE, "DoNotSchedule", max_skew),))


def spread_hosts(max_skew: int = 1) -> Transformation:
    """Spread the pods over nodes, at most ``max_skew`` apart where the scheduler can
    (``ScheduleAnyway``: a pod still runs when every node already has its share).

    >>> spread_hosts().steps[0].when_unsatisfiable
    'ScheduleAnyway'
    """
    _whole_number("max_skew", max_skew, 1)
    return Transformation((Spread(HOSTNAME, "ScheduleAnyway", max_skew),))


@attrs.frozen
class SeparateHosts:
    """The step of :func:`prefer_separate_hosts`."""

    weight: int = 100
    selector: LabelSelector | None = None

    @property
    def name(self) -> str:
        return f"prefer_separate_hosts(weight={self.weight})"

    def bound_to(self, owner: KubeObjectBase) -> "SeparateHosts":
        """The step for the pods of ``owner``: selecting them by its selector."""
        return attrs.evolve(self, selector=_selector_of(owner))

    def on_pod(self, pod: PodTemplate) -> PodTemplate:
        selector = _own_pods(pod, self.selector)
        wanted = WeightedPodAffinityTerm(self.weight, PodAffinityTerm(
            selector, topology_key=HOSTNAME))
        affinity = pod.affinity or Affinity()
        anti = affinity.pod_anti_affinity or PodAntiAffinity()
        preferred = list(anti.preferred)
        for index, weighted in enumerate(preferred):
            term = weighted.term
            if term.topology_key == HOSTNAME and (term.label_selector == selector or (
                    is_own_pods_term(term, pod.labels) and not term.namespaces)):
                preferred[index] = wanted
                break
        else:
            preferred.append(wanted)
        anti = attrs.evolve(anti, preferred=preferred)
        return attrs.evolve(pod, affinity=attrs.evolve(affinity, pod_anti_affinity=anti))


def prefer_separate_hosts(weight: int = 100) -> Transformation:
    """Prefer nodes running none of the pod's own pods (preferred pod anti-affinity on
    the hostname, of ``weight`` 1-100): replicas on separate hosts where there are hosts
    enough, together where there are not.

    >>> from kancat.values import Container, PodTemplate
    >>> pod = prefer_separate_hosts(50)(PodTemplate.of(
    ...     [Container.of("app", image="shop/app:2.1.0")], labels={"app": "shop"}))
    >>> term = pod.affinity.pod_anti_affinity.preferred[0]
    >>> term.weight, term.term.topology_key, dict(term.term.label_selector.match_labels)
    (50, 'kubernetes.io/hostname', {'app': 'shop'})
    >>> prefer_separate_hosts(101)
    Traceback (most recent call last):
    ...
    kancat.errors.InvalidValue: 1 problem:
      weight: weight must be a whole number from 1 to 100, got 101 (pass e.g. weight=1)
    """
    _whole_number("weight", weight, 1, 100)
    return Transformation((SeparateHosts(weight),))


@attrs.frozen
class NodeTypes:
    """The step of :func:`require_node_types`: ``requirement`` in every required node
    selector term."""

    requirement: NodeSelectorRequirement

    @property
    def name(self) -> str:
        return f"require_node_types({', '.join(self.requirement.values)})"

    def _in(self, term: NodeSelectorTerm) -> NodeSelectorTerm:
        key = self.requirement.key
        expressions: list[NodeSelectorRequirement] = []
        for expression in term.match_expressions:
            if expression.key != key:
                expressions.append(expression)
            elif self.requirement not in expressions:  # the first in its place, once
                expressions.append(self.requirement)
        if self.requirement not in expressions:
            expressions.append(self.requirement)
        return attrs.evolve(term, match_expressions=expressions)

    def on_pod(self, pod: PodTemplate) -> PodTemplate:
        affinity = pod.affinity or Affinity()
        node = affinity.node_affinity or NodeAffinity()
        required = (NodeSelector.of(self.requirement) if node.required is None else
                    NodeSelector(tuple(self._in(term) for term in node.required.terms)))
        node = attrs.evolve(node, required=required)
        return attrs.evolve(pod, affinity=attrs.evolve(affinity, node_affinity=node))


def require_node_types(types: Iterable[str], *, key: str = INSTANCE_TYPE) -> Transformation:
    """Run the pods only on nodes whose ``key`` label is one of ``types`` (required node
    affinity): the requirement goes into every required node selector term, replacing
    one on the same key, so no alternative term escapes it.

    >>> from kancat.values import Container, PodTemplate
    >>> pod = require_node_types(["m5.xlarge", "m5.2xlarge"])(PodTemplate.of(
    ...     [Container.of("app", image="shop/app:2.1.0")]))
    >>> requirement = pod.affinity.node_affinity.required.terms[0].match_expressions[0]
    >>> requirement.key, requirement.operator, requirement.values
    ('node.kubernetes.io/instance-type', 'In', ('m5.xlarge', 'm5.2xlarge'))
    >>> require_node_types("m5.xlarge")
    Traceback (most recent call last):
    ...
    kancat.errors.InvalidValue: 1 problem:
      types: types must be a list of node types, got 'm5.xlarge' (pass e.g. types=['m5.xlarge'])
    """
    if isinstance(types, (str, bytes)) or not isinstance(types, Iterable):
        raise InvalidValue([Problem("types", f"types must be a list of node types, got "
                                             f"{types!r:.60}",
                                    f"pass e.g. types=[{types!r:.60}]")])
    given = tuple(types)
    found: list[Problem] = []
    for index, node_type in enumerate(given):
        if not isinstance(node_type, str) or not node_type:
            found.append(Problem(f"types[{index}]", f"a node type must be a non-empty string, "
                                                    f"got {node_type!r:.60}",
                                 "give the value of the node label, e.g. 'm5.xlarge'"))
    if not given:
        found.append(Problem("types", "types is empty, so no node would do",
                             "give at least one node type"))
    if found:
        raise InvalidValue(found)
    try:
        requirement = NodeSelectorRequirement(key, "In", tuple(dict.fromkeys(given)))
    except InvalidValue as error:  # named by the parameters they come from
        raise InvalidValue(attrs.evolve(problem, path="key" if problem.path == "key"
                                        else "types") for problem in error.problems) from None
    return Transformation((NodeTypes(requirement),))


@attrs.frozen
class Tolerate:
    """The step of :func:`tolerate`: ``tolerations`` added where missing."""

    tolerations: tuple[Toleration, ...]

    @property
    def name(self) -> str:
        return "tolerate(" + ", ".join(
            f"{t.key or '*'}{'=' + t.value if t.value else ''}:{t.effect or '*'}"
            for t in self.tolerations) + ")"

    def on_pod(self, pod: PodTemplate) -> PodTemplate:
        missing = tuple(t for t in self.tolerations if t not in pod.tolerations)
        if not missing:
            return pod
        return attrs.evolve(pod, tolerations=pod.tolerations + missing)


def tolerate(*tolerations: Toleration) -> Transformation:
    """Let the pods run on nodes with the matching taints (each toleration added where
    the pod lacks it).

    >>> from kancat.values import Container, PodTemplate
    >>> gpu = Toleration("dedicated", "Equal", "gpu", "NoSchedule")
    >>> t = tolerate(gpu)
    >>> t.name
    'tolerate(dedicated=gpu:NoSchedule)'
    >>> t(PodTemplate.of([Container.of("app", image="shop/app:2.1.0")])).tolerations == (gpu,)
    True
    >>> tolerate({"key": "dedicated"})
    Traceback (most recent call last):
    ...
    kancat.errors.InvalidValue: 1 problem:
      tolerations[0]: a toleration must be a Toleration, got dict (build it with Toleration(key, operator, value, effect))
    """
    found = [Problem(f"tolerations[{index}]", f"a toleration must be a Toleration, got "
                                              f"{type(toleration).__name__}",
                     "build it with Toleration(key, operator, value, effect)")
             for index, toleration in enumerate(tolerations)
             if not isinstance(toleration, Toleration)]
    if not tolerations:
        found.append(Problem("tolerations", "no toleration given", "give at least one"))
    if found:
        raise InvalidValue(found)
    return Transformation((Tolerate(tuple(dict.fromkeys(tolerations))),))
