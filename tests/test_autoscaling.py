"""Autoscaling: HorizontalPodAutoscaler (autoscaling/v2, v2beta2 before 1.23) and
VerticalPodAutoscaler (the autoscaling.k8s.io/v1 CRD) — bad input refused by field
path, every manifest valid for the real schemas, the founding design's VPA, and the
check that an HPA and a VPA do not fight over one workload."""

from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from returns.result import Success

from kancat.codec.encode import to_manifest
from kancat.core import schema
from kancat.errors import InvalidValue
from kancat.interpret.consistency import check_objects
from kancat.interpret.load import load_manifest, load_yaml
from kancat.testing.strategies import horizontal_pod_autoscalers, vertical_pod_autoscalers
from kancat.values import Container, DaemonSet, Deployment, StatefulSet
from kancat.values.autoscaling import (
    ContainerPolicy,
    HorizontalPodAutoscaler,
    Metric,
    MetricTarget,
    ScaleTargetRef,
    UpdatePolicy,
    VerticalPodAutoscaler,
)
from kancat.values.kinds import kind_of
from tests.validators import validate_manifest


def web(namespace: str | None = "shop") -> Deployment:
    return Deployment.of("web", namespace=namespace, replicas=2, containers=[
        Container.of("app", image="web:1.0", requests={"cpu": "250m", "memory": "256Mi"})])


def problems(error: pytest.ExceptionInfo[InvalidValue]) -> list[tuple[str, str]]:
    return [(p.path, p.message) for p in error.value.problems]


# --- HorizontalPodAutoscaler ---------------------------------------------------------------------

def test_an_hpa_takes_its_target_name_and_namespace_from_the_workload() -> None:
    hpa = HorizontalPodAutoscaler.of(web(), min_replicas=2, max_replicas=5, cpu_utilization=60)
    manifest = to_manifest(hpa)
    assert manifest == {
        "apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": "web", "namespace": "shop"},
        "spec": {"scaleTargetRef": {"kind": "Deployment", "name": "web",
                                    "apiVersion": "apps/v1"},
                 "minReplicas": 2, "maxReplicas": 5,
                 "metrics": [{"type": "Resource", "resource": {
                     "name": "cpu", "target": {"type": "Utilization",
                                               "averageUtilization": 60}}}]}}
    validate_manifest(manifest, "1.32")
    assert load_manifest(manifest) == Success(hpa)


@pytest.mark.parametrize(("version", "api_version", "schema_version"), [
    ((1, 22), "autoscaling/v2beta2", "1.25"),  # 1.25 is the newest that still serves v2beta2
    ((1, 25), "autoscaling/v2", "1.25"),
    ((1, 37), "autoscaling/v2", "1.32"),
])
def test_both_group_versions_are_valid_for_their_schemas(
        version: tuple[int, int], api_version: str, schema_version: str) -> None:
    hpa = HorizontalPodAutoscaler.of(
        web(), min_replicas=1, max_replicas=10, cpu_utilization=70, memory_utilization=80,
        metrics=[Metric("Pods", pods={"metric": {"name": "requests"}, "target": {
            "type": "AverageValue", "averageValue": "100"}})],
        behavior={"scaleDown": {"stabilizationWindowSeconds": 300}})
    manifest = to_manifest(hpa, version)
    assert manifest["apiVersion"] == api_version
    validate_manifest(manifest, schema_version)
    assert load_manifest(manifest) == Success(hpa)


def test_kubernetes_1_20_gets_v2beta2() -> None:
    assert kind_of(HorizontalPodAutoscaler).api_version((1, 20)) == "autoscaling/v2beta2"


def test_bad_hpa_input_is_refused_with_every_path() -> None:
    with pytest.raises(InvalidValue) as error:
        HorizontalPodAutoscaler.of(web(), min_replicas=0, max_replicas=0, cpu_utilization=0,
                                   name="Web_HPA")
    paths = [p.path for p in error.value.problems]
    assert set(paths) == {"spec.minReplicas", "spec.maxReplicas", "metadata.name",
                          "spec.metrics[0].resource.target.averageUtilization"}, paths


def test_min_above_max_is_a_problem() -> None:
    with pytest.raises(InvalidValue) as error:
        HorizontalPodAutoscaler.of(web(), min_replicas=6, max_replicas=5)
    assert problems(error) == [("spec.minReplicas", "minReplicas 6 is above maxReplicas 5")]


def test_a_daemonset_cannot_be_scaled_horizontally() -> None:
    agents = DaemonSet.of("agent", containers=[Container.of("a", image="agent:1")])
    with pytest.raises(InvalidValue) as error:
        HorizontalPodAutoscaler.of(agents, max_replicas=3)
    assert [p.path for p in error.value.problems] == ["spec.scaleTargetRef.kind"]


def test_a_metric_target_has_exactly_the_field_of_its_type() -> None:
    assert MetricTarget(type="AverageValue", average_value="500m").average_value is not None
    with pytest.raises(InvalidValue) as error:
        MetricTarget(type="Value", average_utilization=50)
    assert problems(error) == [
        ("averageUtilization", "a Value target has no averageUtilization"),
        ("value", "a Value target needs value")]


def test_a_metric_has_the_source_of_its_type_only() -> None:
    with pytest.raises(InvalidValue) as error:
        Metric("External", resource=Metric.cpu(50).resource)
    assert problems(error) == [("external", "a External metric needs external"),
                               ("resource", "a External metric has no resource")]
    with pytest.raises(InvalidValue) as error:
        Metric.of_resource("gpus", utilization=50)
    assert [p.path for p in error.value.problems] == ["resource.name"]


def test_one_metric_per_resource() -> None:
    with pytest.raises(InvalidValue) as error:
        HorizontalPodAutoscaler.of(web(), max_replicas=3, cpu_utilization=50,
                                   metrics=[Metric.cpu(60)])
    assert [p.path for p in error.value.problems] == ["spec.metrics[1].resource.name"]


def test_a_loaded_hpa_with_a_misspelt_field_is_refused_with_its_path() -> None:
    result = load_yaml("""
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 5
  metrics:
  - type: Resource
    resource: {name: cpu, target: {type: Utilization, averageUtilisation: 80}}
""")
    missing, misspelt = result.failure().problems
    assert missing.path == "spec.metrics[0].resource.target.averageUtilization"
    assert misspelt.path == "spec.metrics[0].resource.target.averageUtilisation"
    assert misspelt.hint == "did you mean 'averageUtilization'?"


def test_without_metrics_an_hpa_scales_on_cpu() -> None:
    assert HorizontalPodAutoscaler.of(web(), max_replicas=3).scaled_resources == {"cpu"}


# --- VerticalPodAutoscaler -----------------------------------------------------------------------

FOUNDING_VPA = """
apiVersion: autoscaling.k8s.io/v1
kind: VerticalPodAutoscaler
metadata:
  name: app-vpa
spec:
  targetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: myapp
  updatePolicy:
    updateMode: "Auto"
  resourcePolicy:
    containerPolicies:
    - containerName: app
      minAllowed:
        cpu: 100m
        memory: 128Mi
      maxAllowed:
        cpu: 2000m
        memory: 2Gi
      controlledResources: ["cpu", "memory"]
      controlledValues: RequestsAndLimits
"""


def founding_vpa() -> VerticalPodAutoscaler:
    myapp = Deployment.of("myapp", containers=[Container.of("app", image="myapp:1.0")])
    return VerticalPodAutoscaler.of(myapp, name="app-vpa", update_mode="Auto", containers=[
        ContainerPolicy.of("app", min_allowed={"cpu": "100m", "memory": "128Mi"},
                           max_allowed={"cpu": "2000m", "memory": "2Gi"},
                           controlled_resources=["cpu", "memory"],
                           controlled_values="RequestsAndLimits")])


def test_the_founding_designs_vpa_is_reproduced() -> None:
    manifest = to_manifest(founding_vpa())
    assert manifest == yaml.safe_load(FOUNDING_VPA)
    validate_manifest(manifest)
    assert load_yaml(FOUNDING_VPA).unwrap() == (founding_vpa(),)


def test_the_vpa_is_the_same_for_every_kubernetes_version() -> None:
    for version in ((1, 20), (1, 37)):
        assert to_manifest(founding_vpa(), version)["apiVersion"] == "autoscaling.k8s.io/v1"


def test_bad_vpa_input_is_refused_with_every_path() -> None:
    with pytest.raises(InvalidValue) as error:
        VerticalPodAutoscaler.of(web(), update_mode="Sometimes", containers=[  # type: ignore[arg-type]
            ContainerPolicy.of("app"), ContainerPolicy.of("sidecar")])
    assert sorted(p.path for p in error.value.problems) == [
        "spec.resourcePolicy.containerPolicies[1].containerName",
        "spec.updatePolicy.updateMode"]
    with pytest.raises(InvalidValue) as error:
        ContainerPolicy.of("app", min_allowed={"cpu": "2", "gpu": "1"},
                           max_allowed={"cpu": "1"}, controlled_resources=["cpu", "gpu"],
                           controlled_values="Limits")  # type: ignore[arg-type]
    assert sorted(p.path for p in error.value.problems) == [
        "controlledResources[1]", "controlledValues", "minAllowed['cpu']",
        "minAllowed['gpu']"]


def test_each_container_has_one_policy() -> None:
    with pytest.raises(InvalidValue) as error:
        VerticalPodAutoscaler.of(ScaleTargetRef("Deployment", "web"), containers=[
            ContainerPolicy.of("*"), ContainerPolicy.of("*", mode="Off")])
    assert [p.path for p in error.value.problems] == [
        "spec.resourcePolicy.containerPolicies[1].containerName"]


def test_a_vpa_field_the_crd_does_not_know_is_a_problem_with_a_suggestion() -> None:
    assert schema.unknown_fields({
        "apiVersion": "autoscaling.k8s.io/v1", "kind": "VerticalPodAutoscaler",
        "metadata": {"name": "v"}, "spec": {"targetRef": {"kind": "Deployment", "name": "w"},
                                            "updatePolicy": {"updateMod": "Auto"}}}
    )[0].hint == "did you mean 'updateMode'?"
    result = load_yaml(FOUNDING_VPA.replace("controlledValues", "controlledValue"))
    (problem,) = result.failure().problems
    assert problem.path == "spec.resourcePolicy.containerPolicies[0].controlledValue"


def test_what_a_vpa_controls() -> None:
    assert founding_vpa().controlled_resources == {"cpu", "memory"}
    off = VerticalPodAutoscaler.of(ScaleTargetRef("Deployment", "w"), update_mode="Off")
    assert off.controlled_resources == frozenset()
    memory_only = VerticalPodAutoscaler.of(ScaleTargetRef("Deployment", "w"), containers=[
        ContainerPolicy.of("*", controlled_resources=["memory"])])
    assert memory_only.controlled_resources == {"memory"}
    unmanaged = VerticalPodAutoscaler(metadata=off.metadata, target_ref=off.target_ref,
                                      update_policy=UpdatePolicy(min_replicas=2))
    assert unmanaged.update_mode == "Auto"  # the VPA's default


@settings(max_examples=30)
@given(horizontal_pod_autoscalers())
def test_drawn_hpas_are_valid_for_both_group_versions(hpa: HorizontalPodAutoscaler) -> None:
    validate_manifest(to_manifest(hpa), "1.32")
    validate_manifest(to_manifest(hpa, (1, 22)), "1.25")


@settings(max_examples=30)
@given(vertical_pod_autoscalers())
def test_drawn_vpas_are_valid_for_the_crd_schema(vpa: VerticalPodAutoscaler) -> None:
    validate_manifest(to_manifest(vpa))
    assert load_manifest(to_manifest(vpa)) == Success(vpa)


# --- an HPA and a VPA on one workload ------------------------------------------------------------

def _errors(objects: list[Any]) -> list[str]:
    return [str(f) for f in check_objects(objects) if f.severity == "error"]


def test_an_hpa_and_an_auto_vpa_on_the_same_resource_are_an_error_naming_both() -> None:
    hpa = HorizontalPodAutoscaler.of(web(), name="web-hpa", max_replicas=5, cpu_utilization=60)
    vpa = VerticalPodAutoscaler.of(web(), name="web-vpa")
    (finding,) = [f for f in check_objects([web(), hpa, vpa]) if f.severity == "error"]
    assert finding.problem.object == "HorizontalPodAutoscaler/web-hpa"
    assert finding.problem.path == "spec.scaleTargetRef"
    assert "'web-hpa'" in finding.problem.message and "'web-vpa'" in finding.problem.message
    assert "on cpu" in finding.problem.message


@pytest.mark.parametrize("vpa", [
    VerticalPodAutoscaler.of(web(), name="web-vpa", update_mode="Off"),
    VerticalPodAutoscaler.of(web(), name="web-vpa", containers=[
        ContainerPolicy.of("*", controlled_resources=["memory"])]),
    VerticalPodAutoscaler.of(web(), name="web-vpa", containers=[
        ContainerPolicy.of("*", mode="Off")]),
    VerticalPodAutoscaler.of(web(namespace="other"), name="web-vpa"),
    VerticalPodAutoscaler.of(ScaleTargetRef("StatefulSet", "web"), namespace="shop"),
])
def test_no_fight_when_the_vpa_leaves_the_hpas_resource_alone(vpa: VerticalPodAutoscaler
                                                                ) -> None:
    hpa = HorizontalPodAutoscaler.of(web(), name="web-hpa", max_replicas=5, cpu_utilization=60)
    assert _errors([web(), hpa, vpa]) == []


def test_an_hpa_on_a_custom_metric_and_a_vpa_do_not_fight() -> None:
    hpa = HorizontalPodAutoscaler.of(web(), max_replicas=5, metrics=[Metric(
        "External", external={"metric": {"name": "queue"}, "target": {
            "type": "AverageValue", "averageValue": "30"}})])
    assert _errors([web(), hpa, VerticalPodAutoscaler.of(web(), name="web-vpa")]) == []
    memory = HorizontalPodAutoscaler.of(web(), max_replicas=5, memory_utilization=70)
    assert len(_errors([web(), memory, VerticalPodAutoscaler.of(web(), name="v")])) == 1


def test_an_autoscaler_whose_target_is_missing_is_a_warning() -> None:
    db = StatefulSet.of("db", namespace="shop", service_name="db", replicas=1,
                        containers=[Container.of("db", image="postgres:16")])
    findings = check_objects([db, HorizontalPodAutoscaler.of(web(), max_replicas=3),
                              VerticalPodAutoscaler.of(db)])
    assert [(f.severity, f.problem.object, f.problem.path) for f in findings] == [
        ("warning", "HorizontalPodAutoscaler/web", "spec.scaleTargetRef")]
