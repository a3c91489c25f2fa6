"""The founding design's whole stack (``kancat.examples.production.stack``): every object
valid for every Kubernetes version it is emitted for, its pods restricted, nothing found
across its objects, and checkov passing it (with the documented skips)."""

import shutil
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
import yaml

from kancat.cli import main
from kancat.examples.production import (
    CHECKOV_SKIPS,
    api,
    falco_rules,
    frontend,
    meshed_as_admitted,
    stack,
    store_db,
)
from kancat.interpret.consistency import check_objects
from kancat.interpret.emit import HasVersionedObjects, objects_of, to_manifests, to_yaml
from kancat.patterns.istio_injection import istio_sidecar
from kancat.patterns.runtime_security import to_falco_yaml
from kancat.patterns.security import pod_security_problems
from kancat.values import ConfigMap, KubeObject, PodTemplate
from kancat.values.autoscaling import HorizontalPodAutoscaler
from kancat.values.kinds import DEFAULT_VERSION, KubernetesVersion
from tests.test_runtime_security import falco_errors, psp_errors
from tests.validators import validate_manifest

VERSIONS = ["1.20", "1.24", "1.25", "1.32"]
"""Versions the stack is emitted for besides the default one."""

FIRST_STRICT_SCHEMAS = "1.25"  # kubernetes-validate has no strict schemas before it


def _validate(manifest: dict[str, Any], version: str) -> None:
    """The real validators; before 1.25, the 1.25 schemas where the kind exists there,
    the PodSecurityPolicy's own schemas, and the v1 schema for a ``policy/v1beta1``
    PodDisruptionBudget (whose spec, in 1.20 to 1.24, is the v1 one's)."""
    minor = int(version.split(".")[1])
    if minor >= 25:
        validate_manifest(manifest, version)
    elif manifest["kind"] == "PodSecurityPolicy":
        assert psp_errors(manifest, (1, minor)) == []
    elif manifest["apiVersion"] == "policy/v1beta1":
        assert manifest["kind"] == "PodDisruptionBudget"
        validate_manifest({**manifest, "apiVersion": "policy/v1"}, FIRST_STRICT_SCHEMAS)
    else:
        validate_manifest(manifest, FIRST_STRICT_SCHEMAS)


def _pods(objects: Iterable[KubeObject]) -> dict[str, PodTemplate]:
    return {f"{o.kind}/{o.name}": o.template for o in objects
            if isinstance(getattr(o, "template", None), PodTemplate)}


def _names(objects: Iterable[KubeObject]) -> list[str]:
    return [f"{o.kind}/{o.name}" for o in objects]


# --- what the stack holds ----------------------------------------------------------------------

def test_the_stack_holds_the_founding_designs_parts_in_apply_order() -> None:
    assert _names(stack.objects()) == [
        "Namespace/store", "IstioOperator/production-mesh", "ConfigMap/fluent-bit-config",
        "ConfigMap/envoy-config", "ConfigMap/db-config", "PeerAuthentication/default",
        "Sidecar/default", "ServiceEntry/egress", "NetworkPolicy/default-deny",
        "Service/api", "DestinationRule/api", "Deployment/api",
        "Service/db", "DestinationRule/db", "StatefulSet/db",
        "Service/frontend", "DestinationRule/frontend", "Deployment/frontend",
        "PodDisruptionBudget/db", "VirtualService/frontend",
        "VerticalPodAutoscaler/frontend", "HorizontalPodAutoscaler/api"]


def test_the_distributed_app_spreads_over_zones_and_hosts_on_its_node_types() -> None:
    assert frontend.replicas == 10
    pod = frontend.template
    assert [c.topology_key for c in pod.topology_spread_constraints] == [
        "topology.kubernetes.io/zone"]
    manifest = to_manifests(frontend)[0]["spec"]["template"]["spec"]["affinity"]
    anti = manifest["podAntiAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"]
    assert anti[0]["podAffinityTerm"]["topologyKey"] == "kubernetes.io/hostname"
    terms = manifest["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
    assert terms["nodeSelectorTerms"][0]["matchExpressions"][0]["values"] == [
        "m5.xlarge", "m5.2xlarge"]


def test_the_microservice_has_its_three_sidecars() -> None:
    assert [c.name for c in api.template.all_containers] == [
        "app", "envoy-proxy", "log-forwarder", "node-exporter"]


def test_the_mesh_is_strict_and_the_apps_traffic_policy_keeps_mutual_tls() -> None:
    manifests = {f"{m['kind']}/{m['metadata']['name']}": m for m in to_manifests(stack)}
    assert manifests["PeerAuthentication/default"]["spec"]["mtls"]["mode"] == "STRICT"
    policy = manifests["DestinationRule/frontend"]["spec"]["trafficPolicy"]
    assert policy["tls"] == {"mode": "ISTIO_MUTUAL"}
    assert policy["outlierDetection"]["consecutive5xxErrors"] == 5
    assert policy["connectionPool"]["tcp"]["maxConnections"] == 100
    assert manifests["VirtualService/frontend"]["spec"]["http"][0]["retries"]["attempts"] == 3
    labels = manifests["Namespace/store"]["metadata"]["labels"]
    assert labels["istio.io/rev"] == "1-24"
    assert labels["pod-security.kubernetes.io/enforce"] == "restricted"


# --- valid for every version, with what each version needs ---------------------------------

@pytest.mark.parametrize("version", VERSIONS)
def test_every_object_is_valid_for_each_version(version: str) -> None:
    manifests = to_manifests(stack, kubernetes_version=version)
    for manifest in manifests:
        _validate(manifest, version)
    kinds = [m["kind"] for m in manifests]
    assert ("PodSecurityPolicy" in kinds) == (int(version.split(".")[1]) < 25)


def test_every_object_is_valid_for_the_default_version() -> None:
    for manifest in to_manifests(stack):
        validate_manifest(manifest)
    assert to_yaml(stack) == to_yaml(stack, kubernetes_version=DEFAULT_VERSION)


def test_old_versions_get_their_own_api_versions() -> None:
    versions = {m["kind"]: m["apiVersion"] for m in to_manifests(stack, kubernetes_version="1.20")}
    assert versions["PodDisruptionBudget"] == "policy/v1beta1"
    assert versions["PodSecurityPolicy"] == "policy/v1beta1"
    assert versions["HorizontalPodAutoscaler"] == "autoscaling/v2beta2"
    newest = {m["kind"]: m["apiVersion"] for m in to_manifests(stack, kubernetes_version="1.32")}
    assert newest["PodDisruptionBudget"] == "policy/v1"
    assert newest["HorizontalPodAutoscaler"] == "autoscaling/v2"


@pytest.mark.parametrize("version", [DEFAULT_VERSION, *VERSIONS])
def test_nothing_is_found_across_the_objects(version: str | KubernetesVersion) -> None:
    assert check_objects(objects_of(stack, kubernetes_version=version), strict=True) == []


def test_a_hpa_fighting_the_vpa_is_found() -> None:
    fighting = HorizontalPodAutoscaler.of(frontend, min_replicas=10, max_replicas=20,
                                          cpu_utilization=60)
    findings = check_objects([*stack.objects(), fighting], strict=True)
    assert [f.severity for f in findings] == ["error"]


# --- Pod Security ------------------------------------------------------------------------------

def test_every_pod_is_restricted() -> None:
    pods = _pods(stack.objects())
    assert sorted(pods) == ["Deployment/api", "Deployment/frontend", "StatefulSet/db"]
    for pod in pods.values():
        assert pod_security_problems(pod, "restricted") == []


@pytest.mark.parametrize("workload", [frontend, api, store_db], ids=lambda w: w.name)
def test_pods_stay_restricted_as_istio_admits_them_with_cni(workload: Any) -> None:
    admitted = meshed_as_admitted(workload)
    assert "istio-proxy" in [c.name for c in admitted.template.all_containers]
    assert pod_security_problems(admitted.template, "restricted") == []


def test_without_cni_istio_init_breaks_restricted() -> None:
    """The known exception, and why the cluster's Istio must run with its CNI plugin."""
    injected = istio_sidecar()(frontend)
    paths = [p.path for p in pod_security_problems(injected.template, "restricted")]
    assert paths and all(p.startswith("spec.initContainers[0]") for p in paths)


# --- version-dependent objects are a general hook ----------------------------------------------

class _Flags:
    """Something whose objects depend on the version (not an example special case)."""

    def objects_for(self, kubernetes_version: KubernetesVersion) -> list[KubeObject]:
        return [ConfigMap.of("flags", {"new": str(kubernetes_version >= (1, 25)).lower()})]


def test_objects_for_is_asked_for_the_version_emitted() -> None:
    flags = _Flags()
    assert isinstance(flags, HasVersionedObjects)
    old = to_manifests([flags], kubernetes_version="1.24")
    assert old[0]["data"] == {"new": "false"}
    assert to_manifests(flags, kubernetes_version="1.30")[0]["data"] == {"new": "true"}
    assert objects_of(flags)[0].data["new"] == "true"  # the default version


def test_the_cli_emits_the_stack_for_the_version_asked(
        capsys: pytest.CaptureFixture[str]) -> None:
    for version, has_psp in [("1.20", True), ("1.32", False)]:
        assert main(["emit", "kancat.examples:stack", "--strict",
                     "--kubernetes-version", version]) == 0
        out, err = capsys.readouterr()
        kinds = [d["kind"] for d in yaml.safe_load_all(out)]
        assert ("PodSecurityPolicy" in kinds) == has_psp
        assert err == ""


def test_the_falco_rules_are_valid() -> None:
    assert falco_errors(to_falco_yaml(falco_rules)) == []


# --- checkov -------------------------------------------------------------------------------

CHECKOV = shutil.which("checkov", path=str(Path(sys.executable).parent)) or shutil.which(
    "checkov")


def _checkov(path: Path, skips: Iterable[str]) -> subprocess.CompletedProcess[str]:
    command = [str(CHECKOV), "-f", str(path), "--framework", "kubernetes", "--compact",
               "--quiet", "--skip-download"]
    skipped = list(skips)
    if skipped:
        command += ["--skip-check", ",".join(skipped)]
    return subprocess.run(command, capture_output=True, text=True, timeout=300,
                          env={"BC_SKIP_MAPPING": "TRUE", "PATH": str(Path(sys.executable).parent),
                               "HOME": str(path.parent)}, check=False)


@pytest.mark.skipif(CHECKOV is None, reason="checkov is not installed (pip install checkov)")
@pytest.mark.parametrize("version", ["1.20", "1.32"])
def test_checkov_passes_the_stack_with_only_the_documented_skips(tmp_path: Path,
                                                                 version: str) -> None:
    emitted = tmp_path / "stack.yaml"
    emitted.write_text(to_yaml(stack, kubernetes_version=version), encoding="utf-8")
    passed = _checkov(emitted, CHECKOV_SKIPS)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "FAILED" not in passed.stdout
    # The skips are each needed: without them checkov fails exactly those checks.
    failed = _checkov(emitted, [])
    assert failed.returncode == 1
    failing = {line.split(":")[1].strip() for line in failed.stdout.splitlines()
               if line.startswith("Check: ")}
    assert failing == set(CHECKOV_SKIPS)


def test_the_default_target_emits_for_an_old_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["emit", "--strict", "--kubernetes-version", "1.20"]) == 0
    out, err = capsys.readouterr()
    manifests = list(yaml.safe_load_all(out))
    budgets = [m for m in manifests if m["kind"] == "PodDisruptionBudget"]
    assert [m["apiVersion"] for m in budgets] == ["policy/v1beta1"]
    for manifest in manifests:
        _validate(manifest, "1.20")
    assert err == ""
