"""Autoscalers (:mod:`kancat.values.autoscaling`): HorizontalPodAutoscalers with
``minReplicas`` at most ``maxReplicas`` and resource, pods and external metrics; and
VerticalPodAutoscalers whose container policies (one per container name) keep
``minAllowed`` at most ``maxAllowed``. Every manifest they give passes the strict
``autoscaling/v2`` schema or the VPA CRD's."""

from typing import TypeVar

import hypothesis.strategies as st
from hypothesis.strategies import DrawFn, SearchStrategy

from kancat.testing.strategies._draw import choices, draws, extras, maybe, maybe_pick
from kancat.testing.strategies.names import _OBJECT_NAMES, _SHORT_NAMES, _draw_meta
from kancat.values.autoscaling import (
    SCALABLE_KINDS,
    VPA_RESOURCES,
    ContainerPolicy,
    ContainerScalingMode,
    ControlledValues,
    HorizontalPodAutoscaler,
    Metric,
    MetricTarget,
    ResourceMetric,
    ScaleTargetRef,
    UpdateMode,
    UpdatePolicy,
    VerticalPodAutoscaler,
    VpaTargetRef,
)
from kancat.values.quantity import Quantity

__all__ = ["horizontal_pod_autoscalers", "vertical_pod_autoscalers"]

_Ref = TypeVar("_Ref", bound=ScaleTargetRef)

_API_VERSIONS = {"Deployment": "apps/v1", "StatefulSet": "apps/v1", "ReplicaSet": "apps/v1"}
_REPLICAS = st.integers(1, 50)
_UTILIZATION = st.integers(1, 150)
_CPU = st.sampled_from(("50m", "100m", "250m", "500m", "1", "2", "4"))
_MEMORY = st.sampled_from(("64Mi", "128Mi", "256Mi", "512Mi", "1Gi", "2Gi", "8Gi"))
_AMOUNTS = {"cpu": _CPU, "memory": _MEMORY}
_TARGET_METRIC = st.fixed_dictionaries(
    {"type": st.just("AverageValue"), "averageValue": st.sampled_from(("1", "10", "100m"))})
_OTHER_METRICS = (
    st.builds(lambda name, target: Metric("Pods", pods={
        "metric": {"name": name}, "target": target}), _SHORT_NAMES, _TARGET_METRIC),
    st.builds(lambda name, target: Metric("External", external={
        "metric": {"name": name}, "target": target}), _SHORT_NAMES, _TARGET_METRIC),
    st.builds(lambda container, resource, utilization: Metric(
        "ContainerResource", container_resource={
            "name": resource, "container": container,
            "target": {"type": "Utilization", "averageUtilization": utilization}}),
        _SHORT_NAMES, st.sampled_from(VPA_RESOURCES), _UTILIZATION),
)
_BEHAVIOR = st.fixed_dictionaries({}, optional={
    "scaleDown": st.fixed_dictionaries({"stabilizationWindowSeconds": st.integers(0, 3600)}),
    "scaleUp": st.fixed_dictionaries({"policies": st.just(
        [{"type": "Percent", "value": 100, "periodSeconds": 15}])}),
})


def _draw_target(draw: DrawFn, cls: type[_Ref]) -> _Ref:
    kind = draw(st.sampled_from(SCALABLE_KINDS))
    return cls(kind, draw(_OBJECT_NAMES),
               api_version=_API_VERSIONS[kind] if draw(st.booleans()) else None)


def _draw_resource_metric(draw: DrawFn, resource: str) -> Metric:
    if draw(st.booleans()):
        target = MetricTarget(type="Utilization", average_utilization=draw(_UTILIZATION))
    else:
        target = MetricTarget(type="AverageValue",
                              average_value=Quantity.of(draw(_AMOUNTS[resource])))
    return Metric("Resource", resource=ResourceMetric(resource, target))


@st.composite
def _hpa(draw: DrawFn) -> HorizontalPodAutoscaler:
    maximum = draw(_REPLICAS)
    resources = draw(st.lists(st.sampled_from(VPA_RESOURCES), unique=True, max_size=2))
    metrics = [_draw_resource_metric(draw, r) for r in resources]
    metrics += draw(st.lists(st.one_of(_OTHER_METRICS), max_size=1))
    return HorizontalPodAutoscaler(
        metadata=_draw_meta(draw, draw(_OBJECT_NAMES)),
        scale_target_ref=_draw_target(draw, ScaleTargetRef),
        min_replicas=maybe(draw, st.integers(1, maximum)), max_replicas=maximum,
        metrics=metrics, behavior=draw(_BEHAVIOR),
        extra=extras(draw, {"status": st.just({"currentReplicas": 1, "desiredReplicas": 1})}))


_HPAS = _hpa()


@draws(HorizontalPodAutoscaler)
def horizontal_pod_autoscalers() -> SearchStrategy[HorizontalPodAutoscaler]:
    """HorizontalPodAutoscalers of a Deployment, StatefulSet or ReplicaSet: a replica
    range, resource metrics (utilization or an average value, one per resource),
    sometimes a pods, external or container-resource metric and a ``behavior``.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10)
    ... @given(horizontal_pod_autoscalers())
    ... def test(hpa):
    ...     assert hpa.min_replicas is None or hpa.min_replicas <= hpa.max_replicas
    >>> test()
    """
    return _HPAS


@st.composite
def _container_policy(draw: DrawFn, name: str) -> ContainerPolicy:
    low: dict[str, str] = {}
    high: dict[str, str] = {}
    for resource in draw(st.lists(st.sampled_from(VPA_RESOURCES), unique=True)):
        first, second = (Quantity.of(draw(_AMOUNTS[resource])) for _ in range(2))
        smaller, larger = sorted((first, second))
        if draw(st.booleans()):
            low[resource] = str(smaller)
        if draw(st.booleans()):
            high[resource] = str(larger)
    return ContainerPolicy(
        container_name=name, mode=maybe_pick(draw, choices(ContainerScalingMode)),
        min_allowed=low, max_allowed=high,
        controlled_resources=draw(st.lists(st.sampled_from(VPA_RESOURCES), unique=True)),
        controlled_values=maybe_pick(draw, choices(ControlledValues)),
        extra=extras(draw, {"oomBumpUpRatio": st.just("1.5")}))


@st.composite
def _vpa(draw: DrawFn) -> VerticalPodAutoscaler:
    names = draw(st.lists(_SHORT_NAMES | st.just("*"), unique=True, max_size=3))
    mode = maybe_pick(draw, choices(UpdateMode))
    policy = None if mode is None and draw(st.booleans()) else UpdatePolicy(
        update_mode=mode, min_replicas=maybe(draw, st.integers(1, 5)))
    return VerticalPodAutoscaler(
        metadata=_draw_meta(draw, draw(_OBJECT_NAMES)),
        target_ref=_draw_target(draw, VpaTargetRef),
        update_policy=policy,
        container_policies=[draw(_container_policy(name)) for name in names],
        spec_extra=extras(draw, {"recommenders": st.just([{"name": "default"}])}))


_VPAS = _vpa()


@draws(VerticalPodAutoscaler)
def vertical_pod_autoscalers() -> SearchStrategy[VerticalPodAutoscaler]:
    """VerticalPodAutoscalers of a Deployment, StatefulSet or ReplicaSet: any update
    mode (or none), policies for distinct containers (``"*"`` among them) with
    ``minAllowed`` at most ``maxAllowed``, controlled resources and values, modes.

    >>> from hypothesis import find
    >>> find(vertical_pod_autoscalers(), lambda v: v.update_mode == "Off"
    ...      ).controlled_resources
    frozenset()
    """
    return _VPAS
