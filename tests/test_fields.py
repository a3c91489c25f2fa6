"""Unknown Kubernetes fields: ``kancat.core.schema`` and its generated table."""

import ast
import copy
import json
from pathlib import Path
from typing import Any

import pytest

from kancat.core import schema as _fields
from kancat.core.schema import definition_of, known_fields, unknown_fields
from kancat.errors import Problem
from tests.scripts import assert_table_is_up_to_date, load_script

ROOT = Path(__file__).resolve().parents[1]
TABLE = ROOT / "kancat" / "_schemas" / "k8s-fields-1.32.json"
REMOVE = "Kubernetes does not know this field; remove it"


def deployment() -> dict[str, Any]:
    """A correct, fairly complete Deployment (fields kancat models and fields it does not)."""
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {
            "name": "web",
            "namespace": "shop",
            "labels": {"app": "web", "app.kubernetes.io/part-of": "shop"},
            "annotations": {"note": "anything goes here"},
        },
        "spec": {
            "replicas": 3,
            "revisionHistoryLimit": 5,
            "selector": {"matchLabels": {"app": "web"}},
            "strategy": {
                "type": "RollingUpdate",
                "rollingUpdate": {"maxSurge": 1, "maxUnavailable": "25%"},
            },
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {
                    "serviceAccountName": "web",
                    "securityContext": {"runAsNonRoot": True, "fsGroup": 1000},
                    "containers": [
                        {
                            "name": "app",
                            "image": "shop/web:1.4.2",
                            "ports": [{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
                            "env": [
                                {"name": "A", "value": "1"},
                                {
                                    "name": "B",
                                    "valueFrom": {"secretKeyRef": {"name": "s", "key": "k"}},
                                },
                            ],
                            "resources": {
                                "requests": {"cpu": "100m", "memory": "128Mi"},
                                "limits": {"memory": "256Mi"},
                            },
                            "readinessProbe": {"httpGet": {"path": "/healthz", "port": "http"}},
                            "lifecycle": {"preStop": {"exec": {"command": ["sleep", "5"]}}},
                            "volumeMounts": [{"name": "data", "mountPath": "/data"}],
                        },
                        {
                            "name": "sidecar",
                            "image": "shop/side:1",
                            "ports": [{"containerPort": 9090}],
                        },
                    ],
                    "volumes": [
                        {"name": "data", "emptyDir": {}},
                        {
                            "name": "cfg",
                            "configMap": {"name": "c", "items": [{"key": "a", "path": "a"}]},
                        },
                    ],
                    "affinity": {
                        "podAntiAffinity": {
                            "preferredDuringSchedulingIgnoredDuringExecution": [
                                {
                                    "weight": 100,
                                    "podAffinityTerm": {
                                        "topologyKey": "kubernetes.io/hostname",
                                        "labelSelector": {"matchLabels": {"app": "web"}},
                                    },
                                }
                            ]
                        }
                    },
                    "tolerations": [{"key": "k", "operator": "Exists", "effect": "NoSchedule"}],
                },
            },
        },
        "status": {"replicas": 3, "readyReplicas": 3, "conditions": [{"type": "Available"}]},
    }


def rename(mapping: dict[str, Any], old: str, new: str) -> None:
    mapping[new] = mapping.pop(old)


def pod_spec(doc: dict[str, Any]) -> dict[str, Any]:
    spec: dict[str, Any] = doc["spec"]["template"]["spec"]
    return spec


# --- correct documents --------------------------------------------------------------


def test_correct_deployment_has_no_problem() -> None:
    assert unknown_fields(deployment()) == []


def test_free_form_maps_are_not_checked() -> None:
    doc = deployment()
    doc["metadata"]["labels"]["replicaz"] = "x"  # a label, not a field
    doc["metadata"]["annotations"]["whatever/thing"] = "x"
    pod_spec(doc)["containers"][0]["resources"]["requests"]["nvidia.com/gpu"] = "1"
    pod_spec(doc)["nodeSelector"] = {"disktype": "ssd"}
    assert unknown_fields(doc) == []


@pytest.mark.parametrize(
    "document",
    [
        {"apiVersion": "example.com/v1", "kind": "Widget", "spek": {"replicaz": 1}},
        {"apiVersion": "apps/v2", "kind": "Deployment", "spek": {}},
        {"apiVersion": "autoscaling/v1", "kind": "HorizontalPodAutoscaler", "spek": {}},
        {"kind": "Deployment", "spek": {}},
        {"apiVersion": "apps/v1", "spek": {}},
        {"apiVersion": ["apps/v1"], "kind": "Deployment", "spek": {}},
        {},
    ],
)
def test_unknown_kinds_pass_through(document: dict[str, Any]) -> None:
    assert unknown_fields(document) == []


# --- typos ----------------------------------------------------------------------------


def test_typo_at_top_level() -> None:
    doc = deployment()
    rename(doc, "spec", "spek")
    assert unknown_fields(doc) == [Problem("spek", "unknown field 'spek'", "did you mean 'spec'?")]


def test_typo_in_spec() -> None:
    doc = deployment()
    rename(doc["spec"], "replicas", "replicaz")
    [problem] = unknown_fields(doc)
    assert problem == Problem(
        "spec.replicaz", "unknown field 'replicaz'", "did you mean 'replicas'?"
    )
    assert str(problem) == "spec.replicaz: unknown field 'replicaz' (did you mean 'replicas'?)"


def test_typo_deep_inside_an_unmodelled_subtree() -> None:
    doc = deployment()
    rename(pod_spec(doc)["containers"][0]["lifecycle"]["preStop"]["exec"], "command", "commandz")
    assert unknown_fields(doc) == [
        Problem(
            "spec.template.spec.containers[0].lifecycle.preStop.exec.commandz",
            "unknown field 'commandz'",
            "did you mean 'command'?",
        )
    ]


def test_typo_in_rolling_update() -> None:
    doc = deployment()
    rename(doc["spec"]["strategy"]["rollingUpdate"], "maxSurge", "maxSurgee")
    assert unknown_fields(doc) == [
        Problem(
            "spec.strategy.rollingUpdate.maxSurgee",
            "unknown field 'maxSurgee'",
            "did you mean 'maxSurge'?",
        )
    ]


def test_typo_in_metadata() -> None:
    doc = deployment()
    rename(doc["metadata"], "labels", "labelz")
    assert unknown_fields(doc) == [
        Problem("metadata.labelz", "unknown field 'labelz'", "did you mean 'labels'?")
    ]


def test_typo_in_pod_template_metadata() -> None:
    doc = deployment()
    rename(doc["spec"]["template"]["metadata"], "labels", "label")
    [problem] = unknown_fields(doc)
    assert problem.path == "spec.template.metadata.label"
    assert problem.hint == "did you mean 'labels'?"


def test_list_indices_in_the_path() -> None:
    doc = deployment()
    rename(pod_spec(doc)["containers"][1]["ports"][0], "containerPort", "containerPortt")
    [problem] = unknown_fields(doc)
    assert problem.path == "spec.template.spec.containers[1].ports[0].containerPortt"
    assert problem.hint == "did you mean 'containerPort'?"


def test_typo_in_status() -> None:
    doc = deployment()
    rename(doc["status"], "readyReplicas", "readyReplicaz")
    [problem] = unknown_fields(doc)
    assert problem.path == "status.readyReplicaz"
    assert problem.hint == "did you mean 'readyReplicas'?"


def test_no_close_match_says_remove() -> None:
    doc = deployment()
    pod_spec(doc)["containers"][0]["xyzzy"] = True
    assert unknown_fields(doc) == [
        Problem("spec.template.spec.containers[0].xyzzy", "unknown field 'xyzzy'", REMOVE)
    ]


def test_every_problem_is_reported_in_document_order() -> None:
    doc = deployment()
    rename(doc["metadata"], "name", "nmae")
    rename(doc["spec"], "replicas", "replicaz")
    pod_spec(doc)["containers"][1]["imagePullPolicyy"] = "Always"
    paths = [p.path for p in unknown_fields(doc)]
    assert paths == [
        "metadata.nmae",
        "spec.template.spec.containers[1].imagePullPolicyy",
        "spec.replicaz",
    ]


def test_non_string_key_is_an_unknown_field() -> None:
    doc = deployment()
    doc["spec"][1] = "x"
    assert unknown_fields(doc) == [Problem("spec.1", "unknown field '1'", REMOVE)]


def test_other_kinds() -> None:
    cron = {
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": {"name": "nightly"},
        "spec": {
            "schedule": "0 3 * * *",
            "jobTemplate": {
                "spec": {
                    "backoffLimit": 2,
                    "template": {
                        "spec": {
                            "restartPolicy": "Never",
                            "containers": [{"name": "run", "imagee": "busybox"}],
                        }
                    },
                }
            },
        },
    }
    service = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "web"},
        "spec": {"selector": {"app": "web"}, "ports": [{"port": 80, "targetPorts": 8080}]},
    }
    hpa = {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": "web"},
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
            "maxReplicas": 5,
            "metrics": [
                {
                    "type": "Resource",
                    "resource": {
                        "name": "cpu",
                        "target": {"type": "Utilization", "averageUtilisation": 80},
                    },
                }
            ],
        },
    }
    role = {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "Role",
        "metadata": {"name": "r"},
        "rules": [{"apiGroups": [""], "resource": ["pods"], "verbs": ["get"]}],
    }
    assert [(p.path, p.hint) for p in unknown_fields(cron)] == [
        (
            "spec.jobTemplate.spec.template.spec.containers[0].imagee",
            "did you mean 'image'?",
        )
    ]
    assert [(p.path, p.hint) for p in unknown_fields(service)] == [
        ("spec.ports[0].targetPorts", "did you mean 'targetPort'?")
    ]
    assert [(p.path, p.hint) for p in unknown_fields(hpa)] == [
        (
            "spec.metrics[0].resource.target.averageUtilisation",
            "did you mean 'averageUtilization'?",
        )
    ]
    assert [(p.path, p.hint) for p in unknown_fields(role)] == [
        ("rules[0].resource", "did you mean 'resources'?")
    ]


# --- wrong shapes are the loader's business -------------------------------------------


def test_wrong_shapes_are_skipped_silently() -> None:
    doc = deployment()
    doc["metadata"] = "web"  # a string where an object is expected
    doc["spec"]["strategy"] = ["RollingUpdate"]  # a list where an object is expected
    doc["spec"]["selector"] = None
    spec = pod_spec(doc)
    spec["volumes"] = {"name": "data"}  # an object where a list is expected
    spec["tolerations"] = "all"  # a string is not a list of tolerations
    spec["containers"] = [None, "app", 3, ["x"], {"name": "ok", "namez": 1}]
    doc["status"] = 7
    assert unknown_fields(doc) == [
        Problem(
            "spec.template.spec.containers[4].namez",
            "unknown field 'namez'",
            "did you mean 'name'?",
        )
    ]


def test_tuples_and_read_only_mappings_are_walked() -> None:
    from types import MappingProxyType

    doc = deployment()
    spec = pod_spec(doc)
    spec["containers"] = tuple(MappingProxyType(c) for c in spec["containers"])
    spec["containers"][0]["ports"][0]["hostPortt"] = 1
    [problem] = unknown_fields(MappingProxyType(doc))
    assert problem.path == "spec.template.spec.containers[0].ports[0].hostPortt"


def test_maps_of_objects_use_bracketed_keys() -> None:
    # No described kind has a map of objects today; check the path style on a small table.
    table = _fields._Table(
        {
            "kinds": {"v1 Thing": "Thing"},
            "served": {"v1": ["Thing"]},
            "defs": {
                "Thing": {"apiVersion": 0, "kind": 0, "spec": "Spec"},
                "Spec": {"items": {"*": "Item"}, "names": 0},
                "Item": {"size": 0},
            },
        }
    )
    out: list[Problem] = []
    document = {"spec": {"items": {"app": {"sise": 1}, "db": {"size": 2}, "x": "not an object"}}}
    _fields._walk(document, table.nodes["Thing"], "", out)
    assert out == [
        Problem("spec.items['app'].sise", "unknown field 'sise'", "did you mean 'size'?")
    ]


# --- helpers --------------------------------------------------------------------------


def test_definition_of() -> None:
    assert definition_of("apps/v1", "Deployment") == "io.k8s.api.apps.v1.Deployment"
    assert definition_of("v1", "Pod") == "io.k8s.api.core.v1.Pod"
    assert definition_of("batch/v1", "CronJob") == "io.k8s.api.batch.v1.CronJob"
    assert definition_of("example.com/v1", "Widget") is None
    assert definition_of("v1", "Deployment") is None


def test_every_requested_kind_is_described() -> None:
    module = load_script("gen_k8s_fields")
    for api_version, kind in module.described():
        assert definition_of(api_version, kind) is not None, (api_version, kind)


def test_known_fields() -> None:
    assert known_fields("io.k8s.api.apps.v1.DeploymentStrategy") == {"type", "rollingUpdate"}
    assert "lifecycle" in known_fields("io.k8s.api.core.v1.Container")
    assert known_fields("io.k8s.api.apps.v1.Deployment") == {
        "apiVersion",
        "kind",
        "metadata",
        "spec",
        "status",
    }
    with pytest.raises(KeyError):
        known_fields("io.k8s.apimachinery.pkg.util.intstr.IntOrString")  # a leaf


def test_runtime_module_imports_only_the_standard_library_and_kancat() -> None:
    source = Path(_fields.__file__).read_text(encoding="utf-8")
    imported: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert not imported & {"yaml", "jsonschema", "kubernetes_validate", "kubernetes"}


# --- the generated table is up to date ------------------------------------------------


def test_generated_table_is_up_to_date() -> None:
    pytest.importorskip("kubernetes_validate")
    assert_table_is_up_to_date(load_script("gen_k8s_fields"), TABLE)


def test_table_is_compact_and_self_describing() -> None:
    raw = json.loads(TABLE.read_text(encoding="utf-8"))
    assert next(iter(raw)) == "source"
    assert raw["source"].startswith("derived by scripts/gen_k8s_fields.py")
    assert '"description":"' not in TABLE.read_text(encoding="utf-8")  # no prose
    # every definition a field points at is itself described
    for fields in raw["defs"].values():
        for shape in fields.values():
            target = (
                shape
                if isinstance(shape, str)
                else shape[0]
                if isinstance(shape, list)
                else shape["*"]
                if isinstance(shape, dict)
                else None
            )
            assert shape == 0 or target in raw["defs"]


def test_walk_does_not_change_the_document() -> None:
    doc = deployment()
    rename(doc["spec"], "replicas", "replicaz")
    before = copy.deepcopy(doc)
    unknown_fields(doc)
    assert doc == before
