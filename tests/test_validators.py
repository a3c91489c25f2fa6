"""The schema helper itself: it rejects what the API server would, and it is cached."""

import copy
import re
from pathlib import Path
from typing import Any

import pytest

from tests import validators
from tests.validators import (
    SchemasMissingError,
    manifest_errors,
    validate_manifest,
    validator_for,
)


def _deployment() -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "labels": {"app": "web"}},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "app", "image": "web:1.0",
                                         "ports": [{"name": "http", "containerPort": 8080}]}]},
            },
        },
    }


def _service(port: object = 80) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "web"},
        "spec": {"selector": {"app": "web"},
                 "ports": [{"name": "http", "port": port, "targetPort": "http",
                            "protocol": "TCP"}]},
    }


def test_minimal_valid_deployment_passes() -> None:
    assert manifest_errors(_deployment()) == []
    validate_manifest(_deployment())


def test_unknown_field_is_rejected() -> None:
    bad = _deployment()
    bad["spec"]["replicaz"] = 3
    assert manifest_errors(bad) == [
        "spec: Additional properties are not allowed ('replicaz' was unexpected)"]
    with pytest.raises(AssertionError, match=r"(?s)Deployment/web .*replicaz"):
        validate_manifest(bad)


def test_nested_unknown_field_and_wrong_type_are_all_reported() -> None:
    bad = _deployment()
    container = bad["spec"]["template"]["spec"]["containers"][0]
    container["imagePullPolice"] = "Always"
    container["ports"][0]["containerPort"] = "8080"
    errors = manifest_errors(bad)
    assert len(errors) == 2
    assert errors[0].startswith("spec.template.spec.containers[0]: Additional properties")
    assert errors[1] == ("spec.template.spec.containers[0].ports[0].containerPort: "
                         "'8080' is not of type 'integer'")


def test_service_port_range_is_not_in_the_schema() -> None:
    # The OpenAPI schema only says `format: int32`, so 70000 passes the schema
    # (the API server's own validation rejects it; kancat's ServicePort does too).
    assert manifest_errors(_service(70000)) == []
    # What the schema does catch: a port that is not an integer, a missing port.
    assert manifest_errors(_service("80")) == [
        "spec.ports[0].port: '80' is not of type 'integer'"]
    missing = _service()
    del missing["spec"]["ports"][0]["port"]
    assert manifest_errors(missing) == ["spec.ports[0]: 'port' is a required property"]


def test_int32_format_is_checked_as_a_range() -> None:
    bad = _deployment()
    bad["spec"]["replicas"] = 2**31
    assert manifest_errors(bad) == ["spec.replicas: 2147483648 is not a 'int32'"]


def test_validator_is_compiled_once_and_cached() -> None:
    first = validator_for("apps/v1", "Deployment", "1.32")
    assert first is not None
    assert validator_for("apps/v1", "Deployment", "1.32") is first
    # "v1.32.3" selects the same schema set, hence the same compiled validator.
    assert validator_for("apps/v1", "Deployment", "v1.32.3") is first
    assert validator_for("apps/v1", "StatefulSet", "1.32") is not first
    hits = validators._validator.cache_info().hits
    manifest_errors(_deployment())
    assert validators._validator.cache_info().hits == hits + 1


def test_unknown_kind_is_an_error_not_a_pass() -> None:
    errors = manifest_errors({"apiVersion": "example.com/v1", "kind": "Widget",
                              "metadata": {"name": "w"}})
    assert len(errors) == 1
    assert "no schema for kind 'Widget'" in errors[0]
    assert validator_for("example.com/v1", "Widget") is None


def test_missing_api_version_or_kind_is_an_error() -> None:
    assert manifest_errors({"metadata": {"name": "x"}}) == [
        "(root): apiVersion is missing or not a string",
        "(root): kind is missing or not a string"]


def test_unsupported_kubernetes_version_is_refused() -> None:
    with pytest.raises(ValueError, match=r"no strict schemas for Kubernetes 1\.99"):
        manifest_errors(_deployment(), "1.99")


def test_older_kubernetes_version_uses_its_own_schemas() -> None:
    sidecar = _deployment()
    init = {"name": "proxy", "image": "envoy:1", "restartPolicy": "Always"}
    sidecar["spec"]["template"]["spec"]["initContainers"] = [init]
    assert manifest_errors(sidecar, "1.32") == []
    # Container.restartPolicy (native sidecars) does not exist before Kubernetes 1.28.
    errors = manifest_errors(sidecar, "1.27")
    assert len(errors) == 1
    assert errors[0].startswith("spec.template.spec.initContainers[0]: Additional properties")
    assert "'restartPolicy' was unexpected" in errors[0]


# --- CRDs ----------------------------------------------------------------------------------

@pytest.mark.skipif(not validators.TEAM_SCHEMAS.is_dir(),
                    reason=f"the team's schemas are not at {validators.TEAM_SCHEMAS}")
def test_the_copied_schemas_are_the_teams() -> None:
    copies = sorted(validators.COPIED_SCHEMAS.glob("*.json"))
    assert len(copies) >= 10
    for copy_ in copies:
        assert copy_.read_bytes() == (validators.TEAM_SCHEMAS / copy_.name).read_bytes(), copy_


def test_istio_virtual_service() -> None:
    good = {"apiVersion": "networking.istio.io/v1", "kind": "VirtualService",
            "metadata": {"name": "web"},
            "spec": {"hosts": ["web"], "http": [{"route": [{"destination": {"host": "web"}}]}]}}
    assert manifest_errors(good) == []
    bad = copy.deepcopy(good)
    bad["spec"]["htp"] = []
    bad["metadata"]["labels"] = {"version": 2}
    assert manifest_errors(bad) == [
        "spec: Additional properties are not allowed ('htp' was unexpected)",
        "metadata.labels.version: 2 is not of type 'string', 'null'"]


def test_vertical_pod_autoscaler() -> None:
    vpa = {"apiVersion": "autoscaling.k8s.io/v1", "kind": "VerticalPodAutoscaler",
           "metadata": {"name": "web"},
           "spec": {"targetRef": {"apiVersion": "apps/v1", "kind": "Deployment",
                                  "name": "web"}}}
    assert manifest_errors(vpa) == []
    del vpa["spec"]["targetRef"]["name"]
    assert manifest_errors(vpa) == ["spec.targetRef: 'name' is a required property"]


def test_unknown_istio_kind_is_an_error() -> None:
    errors = manifest_errors({"apiVersion": "networking.istio.io/v1", "kind": "Widget",
                              "metadata": {"name": "w"}})
    assert len(errors) == 1
    assert "no schema for kind 'Widget'" in errors[0]


def test_missing_shared_schemas_fail_loudly(monkeypatch: pytest.MonkeyPatch,
                                            tmp_path: Path) -> None:
    missing = tmp_path / "shared" / "schemas"
    monkeypatch.setattr(validators, "SHARED_SCHEMAS", missing)
    validators._validator.cache_clear()
    try:
        with pytest.raises(SchemasMissingError, match=re.escape(str(missing))):
            manifest_errors({"apiVersion": "networking.istio.io/v1", "kind": "Gateway",
                             "metadata": {"name": "gw"}})
        # Built-in kinds do not need the shared directory.
        assert manifest_errors(_deployment()) == []
    finally:
        validators._validator.cache_clear()
