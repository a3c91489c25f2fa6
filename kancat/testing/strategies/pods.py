"""Pods (:mod:`kancat.values.pod`, and the selectors of :mod:`kancat.values.meta`): label
selectors, tolerations, topology spread constraints (selecting the pod's own labels),
pod security contexts and pod templates (with the affinities of :mod:`.scheduling`)."""

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import hypothesis.strategies as st
from hypothesis.strategies import DrawFn, SearchStrategy

from kancat.errors import InvalidArgument, InvalidValue
from kancat.testing.strategies._draw import (
    BOOLS,
    OPTIONAL_BOOLS,
    bad,
    choices,
    draws,
    extras,
    field_choices,
    flag,
    maybe,
    maybe_pick,
    names,
    pick,
)
from kancat.testing.strategies.containers import (
    _IDS,
    _SECCOMP_PROFILES,
    _draw_container,
    _draw_user,
)
from kancat.testing.strategies.names import (
    _LABEL_KEYS,
    _LABEL_VALUES,
    _OBJECT_NAMES,
    _ONE_ANNOTATION,
    _SMALL_LABELS,
    _UNIQUE_NAMES,
    _label_map_strategy,
)
from kancat.testing.strategies.scheduling import _draw_affinity
from kancat.testing.strategies.volumes import _draw_volume_source
from kancat.values import (
    LabelSelector,
    LabelSelectorRequirement,
    PodSecurityContext,
    PodTemplate,
    Toleration,
    TopologySpreadConstraint,
    Volume,
)
from kancat.values.meta import SelectorOperator
from kancat.values.pod import RestartPolicy, TaintEffect, WhenUnsatisfiable

__all__ = ["label_selectors", "pod_security_contexts", "pod_templates"]


# --- selectors -------------------------------------------------------------------------------

_OPERATORS = choices(SelectorOperator)


def _draw_requirement(draw: DrawFn, labels: Mapping[str, str]) -> LabelSelectorRequirement:
    """A selector requirement that ``labels`` satisfies, with any operator."""
    operator = pick(draw, _OPERATORS)
    present = sorted(labels)
    if operator != "DoesNotExist" and present and (operator != "NotIn" or draw(BOOLS)):
        key = pick(draw, present)
        if operator == "In":
            return LabelSelectorRequirement(key, operator, (labels[key], "other"))
        if operator == "NotIn":
            return LabelSelectorRequirement(key, operator, (labels[key] + "x",))
        return LabelSelectorRequirement(key, "Exists")
    key = draw(_LABEL_KEYS)
    if key in labels:
        return LabelSelectorRequirement(key, "Exists")
    if operator == "NotIn":  # an absent key is in no set of values
        return LabelSelectorRequirement(key, operator, (draw(_LABEL_VALUES),))
    return LabelSelectorRequirement(key, "DoesNotExist")


def _draw_selector_for(draw: DrawFn, labels: Mapping[str, str]) -> LabelSelector:
    """A non-empty selector matching ``labels`` (which must not be empty)."""
    keys = sorted(labels)
    mask = draw(st.integers(1, 2 ** len(keys) - 1))
    chosen = {k: labels[k] for i, k in enumerate(keys) if mask >> i & 1}
    expressions = [_draw_requirement(draw, labels) for _ in range(draw(st.integers(0, 2)))]
    return LabelSelector(match_labels=chosen, match_expressions=expressions)


_SELECTOR_LABELS = _label_map_strategy(0, 2)
_NON_EMPTY_SELECTOR_LABELS = _label_map_strategy(1, 2)


@st.composite
def _label_selectors(draw: DrawFn, allow_empty: bool) -> LabelSelector:
    labels = draw(_SELECTOR_LABELS if allow_empty else _NON_EMPTY_SELECTOR_LABELS)
    if not labels:
        return LabelSelector(match_expressions=[_draw_requirement(draw, {})
                                                for _ in range(draw(st.integers(0, 1)))])
    return _draw_selector_for(draw, labels)


_SELECTORS = _label_selectors(True)


@draws(LabelSelector)
def label_selectors(*, allow_empty: bool = True) -> SearchStrategy[LabelSelector]:
    """Label selectors: ``matchLabels`` and ``matchExpressions`` (In, NotIn, Exists,
    DoesNotExist). ``allow_empty=False`` always gives at least one ``matchLabels`` entry.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=5)
    ... @given(label_selectors(allow_empty=False))
    ... def test(selector):
    ...     assert selector.match_labels
    >>> test()
    """
    return _label_selectors(flag("label_selectors", "allow_empty", allow_empty))


# --- scheduling ------------------------------------------------------------------------------

_TAINT_KEYS = ("dedicated", "gpu", "node.kubernetes.io/not-ready")
_TOLERATION_OPERATORS = field_choices(Toleration, "operator")
_TAINT_EFFECTS = choices(TaintEffect)
_SPREAD_POLICIES = choices(WhenUnsatisfiable)


def _draw_toleration(draw: DrawFn) -> Toleration:
    """A consistent toleration: no key only with ``Exists``, a value only with ``Equal``
    (or no operator), ``tolerationSeconds`` only for ``NoExecute``."""
    key = maybe_pick(draw, _TAINT_KEYS)
    operator: Any = "Exists" if key is None else maybe_pick(draw, _TOLERATION_OPERATORS)
    value = None if operator == "Exists" else maybe_pick(draw, ("web", "true"))
    effect = maybe_pick(draw, _TAINT_EFFECTS)
    seconds = maybe(draw, st.integers(0, 600)) if effect == "NoExecute" else None
    return Toleration(key=key, operator=operator, value=value, effect=effect,
                      toleration_seconds=seconds)


_SPREAD_EXTRA = {
    "nodeAffinityPolicy": st.sampled_from(("Honor", "Ignore")),
    "nodeTaintsPolicy": st.sampled_from(("Honor", "Ignore")),
}
_TOPOLOGY_KEYS = ("kubernetes.io/hostname", "topology.kubernetes.io/zone")


def _draw_spread(draw: DrawFn, labels: Mapping[str, str]) -> TopologySpreadConstraint:
    """A spread constraint of a pod labelled ``labels``: its selector selects the pod
    (a pod template refuses one that does not; the empty selector when it has no
    labels)."""
    selector = _draw_selector_for(draw, labels) if labels else LabelSelector()
    policy = pick(draw, _SPREAD_POLICIES)
    min_domains = maybe(draw, st.integers(1, 3)) if policy == "DoNotSchedule" else None
    return TopologySpreadConstraint(draw(st.integers(1, 3)), pick(draw, _TOPOLOGY_KEYS),
                                    policy, selector, min_domains=min_domains,
                                    extra=extras(draw, _SPREAD_EXTRA))


# --- pod security context --------------------------------------------------------------------

_POD_SECURITY_EXTRA = {
    "fsGroupChangePolicy": st.sampled_from(("OnRootMismatch", "Always")),
    "sysctls": st.just([{"name": "net.core.somaxconn", "value": "1024"}]),
}
_GROUPS = st.lists(_IDS, max_size=2)


@st.composite
def _pod_security_context(draw: DrawFn) -> PodSecurityContext:
    non_root = draw(OPTIONAL_BOOLS)
    return PodSecurityContext(
        run_as_user=_draw_user(draw, non_root), run_as_group=maybe(draw, _IDS),
        run_as_non_root=non_root, fs_group=maybe(draw, _IDS),
        supplemental_groups=draw(_GROUPS), seccomp_profile=maybe_pick(draw, _SECCOMP_PROFILES),
        extra=extras(draw, _POD_SECURITY_EXTRA))


_POD_SECURITY_CONTEXTS = _pod_security_context()


@draws(PodSecurityContext)
def pod_security_contexts() -> SearchStrategy[PodSecurityContext]:
    """A pod ``securityContext`` with user, group, fsGroup, supplemental groups, seccomp
    and carried ``fsGroupChangePolicy`` or ``sysctls``.

    >>> from hypothesis import find
    >>> find(pod_security_contexts(), lambda c: c.run_as_non_root).run_as_user
    """
    return _POD_SECURITY_CONTEXTS


# --- pod templates ---------------------------------------------------------------------------

_POD_EXTRA = {
    "dnsPolicy": st.sampled_from(("ClusterFirst", "Default", "ClusterFirstWithHostNet")),
    "priorityClassName": st.sampled_from(("high", "system-cluster-critical")),
    "enableServiceLinks": BOOLS,
    "schedulerName": st.just("default-scheduler"),
    "imagePullSecrets": st.just([{"name": "registry-credentials"}]),
    "shareProcessNamespace": BOOLS,
}
_TEMPLATE_METADATA_EXTRA = {"creationTimestamp": st.none()}
_INIT_ROLE_LISTS = st.lists(st.sampled_from(("init", "sidecar")), max_size=2)
_POD_LABELS = _label_map_strategy(0, 2)
_CONTROLLER_RESTART_POLICIES: tuple[RestartPolicy | None, ...] = (None, "Always")
"""The restart policies of a controller's pods: left out (Kubernetes' default), or
``Always`` written out."""


def _draw_pod_template(
        draw: DrawFn, labels: Mapping[str, str] | None, claim_names: Sequence[str],
        restart_policies: Sequence[RestartPolicy | None] = _CONTROLLER_RESTART_POLICIES,
) -> PodTemplate:
    """A pod template (see :func:`pod_templates`) whose restart policy is one of
    ``restart_policies`` (the pods of the kind it is drawn for take those)."""
    pod_labels = dict(labels) if labels is not None else draw(_POD_LABELS)
    init_roles = draw(_INIT_ROLE_LISTS)
    app_count = draw(st.integers(1, 2))
    volume_count = draw(st.integers(0, 3))
    drawn = draw(_UNIQUE_NAMES[len(init_roles) + app_count + volume_count])
    split = len(drawn) - volume_count
    container_names = drawn[:split]
    volume_names = [n for n in drawn[split:] if n not in claim_names]
    pod_volumes = [Volume(n, _draw_volume_source(draw, container_names))
                   for n in volume_names]
    mountable = (*volume_names, *claim_names)
    init = [_draw_container(draw, n, mountable, role)
            for n, role in zip(container_names, init_roles, strict=False)]
    app = [_draw_container(draw, n, mountable, "app")
           for n in container_names[len(init_roles):]]
    return PodTemplate(
        labels=pod_labels, annotations=draw(_ONE_ANNOTATION),
        metadata_extra=extras(draw, _TEMPLATE_METADATA_EXTRA),
        service_account_name=maybe(draw, _OBJECT_NAMES),
        automount_service_account_token=draw(OPTIONAL_BOOLS),
        host_network=False if draw(BOOLS) else None,
        security_context=draw(_POD_SECURITY_CONTEXTS) if draw(BOOLS) else None,
        init_containers=init, containers=app, volumes=pod_volumes,
        node_selector=draw(_SMALL_LABELS),
        affinity=_draw_affinity(draw, pod_labels) if draw(BOOLS) else None,
        tolerations=[_draw_toleration(draw) for _ in range(draw(st.integers(0, 2)))],
        topology_spread_constraints=[_draw_spread(draw, pod_labels)
                                     for _ in range(draw(st.integers(0, 1)))],
        restart_policy=pick(draw, restart_policies),
        termination_grace_period_seconds=maybe(draw, st.integers(0, 120)),
        spec_extra=extras(draw, _POD_EXTRA))


@st.composite
def _pod_templates(draw: DrawFn, labels: tuple[tuple[str, str], ...] | None,
                   claim_names: tuple[str, ...]) -> PodTemplate:
    return _draw_pod_template(draw, None if labels is None else dict(labels), claim_names)


@draws(PodTemplate)
def pod_templates(*, labels: Mapping[str, str] | None = None,
                  claim_names: Iterable[str] = ()) -> SearchStrategy[PodTemplate]:
    """Pod templates: one or two app containers, up to two init containers (some of
    them native sidecars), up to three volumes; container names unique across init and
    app containers, mounts naming only declared volumes (or ``claim_names``, the
    StatefulSet claim templates), probes naming only declared ports, tolerations,
    spread constraints selecting the pod, typed affinities (:func:`.affinities`), a
    restart policy fit for every controller (none, or
    ``Always``), and carried pod fields (``dnsPolicy``, ``priorityClassName``,
    ``imagePullSecrets``, ...).

    ``labels``: the pod labels to use (drawn when ``None``).

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=5)
    ... @given(pod_templates(labels={"app": "web"}, claim_names=["data"]))
    ... def test(pod):
    ...     assert dict(pod.labels) == {"app": "web"}
    ...     names = [c.name for c in pod.all_containers]
    ...     assert len(set(names)) == len(names)
    ...     assert pod.mount_problems(claim_names=["data"]) == []
    >>> test()
    """
    call = "pod_templates"
    fixed: tuple[tuple[str, str], ...] | None = None
    if labels is not None:
        if not isinstance(labels, Mapping):
            raise bad(call, "labels", labels,
                      "labels must be a mapping such as {'app': 'web'}, or None")
        try:
            LabelSelector(match_labels=labels)
        except (InvalidValue, InvalidArgument) as error:
            raise bad(call, "labels", labels,
                      f"labels must be valid Kubernetes labels ({error})") from None
        fixed = tuple(sorted(labels.items()))
    return _pod_templates(fixed, names(call, "claim_names", claim_names))
