"""Scheduling (:mod:`kancat.values.affinity`): node affinity, pod affinity and pod
anti-affinity, drawn valid and fit for the pod they go on — the pod anti-affinity terms
meant for its own replicas (:func:`~kancat.values.pod.is_own_pods_term`) select its own
labels, and those about other pods select them with ``matchExpressions``; and the
scheduling transformations of :mod:`kancat.patterns.scheduling`, composed."""

from collections.abc import Mapping

import hypothesis.strategies as st
from hypothesis.strategies import DrawFn, SearchStrategy

from kancat.algebra.natural import Transformation
from kancat.errors import InvalidArgument, InvalidValue
from kancat.patterns import scheduling
from kancat.testing.strategies._draw import BOOLS, bad, draws, pick
from kancat.testing.strategies.names import _label_map_strategy
from kancat.values import (
    Affinity,
    LabelSelector,
    LabelSelectorRequirement,
    NodeAffinity,
    NodeSelector,
    NodeSelectorRequirement,
    NodeSelectorTerm,
    PodAffinity,
    PodAffinityTerm,
    PodAntiAffinity,
    PreferredSchedulingTerm,
    Toleration,
    WeightedPodAffinityTerm,
)

__all__ = ["affinities", "scheduling_transformations"]

_NODE_LABELS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("kubernetes.io/arch", ("amd64", "arm64")),
    ("node.kubernetes.io/instance-type", ("m5.xlarge", "m5.2xlarge", "c6i.4xlarge")),
    ("topology.kubernetes.io/zone", ("eu-west-1a", "eu-west-1b")),
    ("example.com/dedicated", ("web", "batch")),
)
_COUNTED_LABEL = "example.com/cpu-count"
_TOPOLOGY_KEYS = ("kubernetes.io/hostname", "topology.kubernetes.io/zone")
_WEIGHTS = st.integers(1, 100)
_OTHER_APPS = ("batch", "cache", "db")


def _draw_node_requirement(draw: DrawFn) -> NodeSelectorRequirement:
    kind = draw(st.integers(0, 3))
    if kind == 3:  # a numeric comparison
        return NodeSelectorRequirement(_COUNTED_LABEL, pick(draw, ("Gt", "Lt")),
                                       (str(draw(st.integers(1, 64))),))
    key, values = pick(draw, _NODE_LABELS)
    if kind == 2:
        return NodeSelectorRequirement(key, pick(draw, ("Exists", "DoesNotExist")))
    chosen = draw(st.lists(st.sampled_from(values), min_size=1, max_size=2, unique=True))
    return NodeSelectorRequirement(key, pick(draw, ("In", "NotIn")), tuple(chosen))


def _draw_node_term(draw: DrawFn) -> NodeSelectorTerm:
    expressions = [_draw_node_requirement(draw) for _ in range(draw(st.integers(1, 2)))]
    fields = ([NodeSelectorRequirement("metadata.name", pick(draw, ("In", "NotIn")),
                                       ("node-1",))] if draw(BOOLS) and draw(BOOLS) else [])
    return NodeSelectorTerm(match_expressions=expressions, match_fields=fields)


def _draw_node_affinity(draw: DrawFn) -> NodeAffinity:
    required = (NodeSelector([_draw_node_term(draw) for _ in range(draw(st.integers(1, 2)))])
                if draw(BOOLS) else None)
    preferred = [PreferredSchedulingTerm(draw(_WEIGHTS), _draw_node_term(draw))
                 for _ in range(draw(st.integers(0 if required else 1, 1)))]
    return NodeAffinity(required=required, preferred=preferred)


def _draw_other_pods_term(draw: DrawFn) -> PodAffinityTerm:
    """A term about another app's pods: selected by ``matchExpressions``, maybe in
    other namespaces."""
    selector = LabelSelector(match_expressions=[
        LabelSelectorRequirement("app", "In", (pick(draw, _OTHER_APPS),))])
    namespaces = ("shared",) if draw(BOOLS) else ()
    teams = (LabelSelector(match_labels={"team": pick(draw, ("data", "platform"))})
             if draw(BOOLS) and draw(BOOLS) else None)
    return PodAffinityTerm(selector, namespaces, topology_key=pick(draw, _TOPOLOGY_KEYS),
                           namespace_selector=teams)


def _draw_own_pods_term(draw: DrawFn, labels: Mapping[str, str]) -> PodAffinityTerm:
    """A term about the pod's own replicas: some of its labels in ``matchLabels`` (all
    of the pod's selector when it has no labels: the empty selector matches it)."""
    keys = sorted(labels)
    mask = draw(st.integers(1, 2 ** len(keys) - 1)) if keys else 0
    chosen = {key: labels[key] for index, key in enumerate(keys) if mask >> index & 1}
    return PodAffinityTerm(LabelSelector(match_labels=chosen),
                           topology_key=pick(draw, _TOPOLOGY_KEYS))


def _draw_pod_terms(draw: DrawFn, labels: Mapping[str, str], *, anti: bool
                    ) -> tuple[list[PodAffinityTerm], list[WeightedPodAffinityTerm]]:
    def term() -> PodAffinityTerm:
        if anti and draw(BOOLS):
            return _draw_own_pods_term(draw, labels)
        return _draw_other_pods_term(draw)

    required = [term() for _ in range(draw(st.integers(0, 1)))]
    preferred = [WeightedPodAffinityTerm(draw(_WEIGHTS), term())
                 for _ in range(draw(st.integers(0 if required else 1, 1)))]
    return required, preferred


def _draw_affinity(draw: DrawFn, labels: Mapping[str, str]) -> Affinity:
    """An affinity for a pod labelled ``labels``: any of node affinity, pod affinity
    (about other apps' pods) and pod anti-affinity (about its own replicas, or other
    apps')."""
    node = _draw_node_affinity(draw) if draw(BOOLS) else None
    pod = anti = None
    if draw(BOOLS):
        required, preferred = _draw_pod_terms(draw, labels, anti=False)
        pod = PodAffinity(required=required, preferred=preferred)
    if draw(BOOLS) or (node is None and pod is None):
        required, preferred = _draw_pod_terms(draw, labels, anti=True)
        anti = PodAntiAffinity(required=required, preferred=preferred)
    return Affinity(node_affinity=node, pod_affinity=pod, pod_anti_affinity=anti)


@st.composite
def _affinities(draw: DrawFn, labels: tuple[tuple[str, str], ...] | None) -> Affinity:
    return _draw_affinity(draw, dict(labels) if labels is not None
                          else draw(_label_map_strategy(1, 2)))


def _own_labels(call: str, labels: object) -> tuple[tuple[str, str], ...] | None:
    """``labels`` as an option (a valid label map, or ``None``), as a hashable tuple."""
    if labels is None:
        return None
    if not isinstance(labels, Mapping):
        raise bad(call, "labels", labels,
                  "labels must be a mapping such as {'app': 'web'}, or None")
    try:
        LabelSelector(match_labels=labels)
    except (InvalidValue, InvalidArgument) as error:
        raise bad(call, "labels", labels,
                  f"labels must be valid Kubernetes labels ({error})") from None
    return tuple(sorted(labels.items()))


@draws(Affinity)
def affinities(*, labels: Mapping[str, str] | None = None) -> SearchStrategy[Affinity]:
    """Affinities for a pod labelled ``labels`` (drawn when ``None``): node affinity
    (required terms of ``In``/``NotIn``/``Exists``/``Gt`` requirements, ``matchFields``
    on ``metadata.name``, weighted preferences), pod affinity about other apps' pods and
    pod anti-affinity about the pod's own replicas or other apps' pods — every term one
    a :class:`~kancat.values.PodTemplate` with those labels accepts.

    >>> from hypothesis import given, settings
    >>> from kancat.values import Container, PodTemplate
    >>> @settings(max_examples=10)
    ... @given(affinities(labels={"app": "web"}))
    ... def test(affinity):
    ...     PodTemplate.of([Container.of("app", image="web:1")], labels={"app": "web"},
    ...                    affinity=affinity)
    >>> test()
    """
    return _affinities(_own_labels("affinities", labels))


_TOLERATIONS = (Toleration("dedicated", "Equal", "web", "NoSchedule"),
                Toleration("spot", "Exists", effect="NoSchedule"),
                Toleration(operator="Exists", effect="NoExecute", toleration_seconds=60))
_NODE_TYPES = ("m5.xlarge", "m5.2xlarge", "c6i.4xlarge")


@st.composite
def _scheduling_transformations(draw: DrawFn) -> Transformation:
    steps: list[Transformation] = []
    if draw(BOOLS):
        steps.append(scheduling.spread_zones(draw(st.integers(1, 3))))
    if draw(BOOLS):
        steps.append(scheduling.spread_hosts(draw(st.integers(1, 3))))
    if draw(BOOLS):
        steps.append(scheduling.prefer_separate_hosts(draw(_WEIGHTS)))
    if draw(BOOLS):
        steps.append(scheduling.require_node_types(
            draw(st.lists(st.sampled_from(_NODE_TYPES), min_size=1, max_size=2, unique=True)),
            key=pick(draw, (scheduling.INSTANCE_TYPE, "node-type"))))
    if draw(BOOLS):
        steps.append(scheduling.tolerate(*draw(st.lists(
            st.sampled_from(_TOLERATIONS), min_size=1, max_size=2, unique=True))))
    order = draw(st.permutations(steps))
    composite = Transformation.identity()
    for step in order:
        composite = composite.then(step)
    return composite


_SCHEDULING_TRANSFORMATIONS = _scheduling_transformations()


def scheduling_transformations() -> SearchStrategy[Transformation]:
    """Composites, in any order, of some of :func:`~kancat.patterns.scheduling.spread_zones`,
    :func:`~kancat.patterns.scheduling.spread_hosts`,
    :func:`~kancat.patterns.scheduling.prefer_separate_hosts`,
    :func:`~kancat.patterns.scheduling.require_node_types` and
    :func:`~kancat.patterns.scheduling.tolerate`, with drawn parameters (the identity
    when none is drawn).

    >>> from hypothesis import given, settings
    >>> from kancat.testing.strategies import deployments
    >>> @settings(max_examples=10)
    ... @given(scheduling_transformations(), deployments())
    ... def test_idempotent(t, web):
    ...     assert t(t(web)) == t(web)
    >>> test_idempotent()
    """
    return _SCHEDULING_TRANSFORMATIONS
