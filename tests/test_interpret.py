"""Emit and load: round trips of real manifests, versions, directory form, bad YAML."""

from pathlib import Path

import attrs
import pytest
import yaml
from returns.result import Failure, Success

from kancat.errors import InvalidArgument, InvalidValue
from kancat.examples import production
from kancat.interpret.emit import render, to_json, to_manifests, to_yaml, write_directory
from kancat.interpret.load import load_documents, load_manifest, load_yaml
from kancat.values import (
    Container,
    Deployment,
    OpaqueObject,
    PodDisruptionBudget,
    PodTemplate,
    Service,
)
from tests.manifests import deployment_yaml
from tests.validators import validate_manifest

DATA = Path(__file__).parent / "data"


def _objects(text: str) -> tuple[object, ...]:
    result = load_yaml(text)
    assert isinstance(result, Success), result
    return result.unwrap()


def test_kubectl_output_round_trips_exactly() -> None:
    text = (DATA / "kubectl-get.yaml").read_text()
    objects = _objects(text)
    assert [type(o).__name__ for o in objects] == [
        "Deployment", "Service", "Secret", "PodDisruptionBudget", "NetworkPolicy",
        "StatefulSet", "Namespace", "ConfigMap"]
    assert list(yaml.safe_load_all(to_yaml(objects))) == list(yaml.safe_load_all(text))
    assert _objects(to_yaml(objects)) == objects


def test_unmodelled_fields_ride_along_in_extra() -> None:
    deployment = _objects((DATA / "kubectl-get.yaml").read_text())[0]
    assert isinstance(deployment, Deployment)
    assert deployment.spec_extra["strategy"]["type"] == "RollingUpdate"
    assert deployment.extra["status"]["readyReplicas"] == 4
    app = deployment.template.containers[0]
    assert app.extra["lifecycle"]["preStop"]["exec"]["command"] == ("sleep", "5")
    assert deployment.template.init_containers[0].is_native_sidecar


def test_production_example_is_valid_for_the_strict_schemas() -> None:
    for manifest in to_manifests(production):
        validate_manifest(manifest)


def test_kubectl_objects_re_emitted_pass_the_strict_schemas() -> None:
    for manifest in to_manifests(_objects((DATA / "kubectl-get.yaml").read_text())):
        validate_manifest(manifest)


def test_emission_is_byte_identical_for_equal_values() -> None:
    again = _objects(to_yaml(production))
    assert again == tuple(production)
    assert to_yaml(again) == to_yaml(production)
    assert to_json(again) == to_json(production)


def test_json_of_several_objects_is_a_list_that_loads_back() -> None:
    text = to_json(production)
    assert text.startswith('{\n  "apiVersion": "v1",\n  "kind": "List"')
    assert _objects(text) == tuple(production)


def test_yaml_1_1_booleans_and_octals_stay_strings() -> None:
    text = to_yaml(production[1].__class__.of("flags", {"a": "on", "b": "0755", "c": "no",
                                                        "d": "1e3", "e": "~"}))
    assert yaml.safe_load(text)["data"] == {"a": "on", "b": "0755", "c": "no", "d": "1e3",
                                            "e": "~"}


def test_numbers_and_missing_protocols_load_as_kubernetes_defaults_them() -> None:
    text = deployment_yaml("""
        containers:
        - name: app
          image: web:1
          ports: [{containerPort: 8080}]
          resources: {requests: {cpu: 1, memory: 1.5}}
    """)
    (deployment,) = _objects(text)
    manifest = to_manifests(deployment)[0]
    container = manifest["spec"]["template"]["spec"]["containers"][0]
    assert container["ports"] == [{"containerPort": 8080, "protocol": "TCP"}]
    assert container["resources"] == {"requests": {"cpu": "1", "memory": "1.5"}}


def test_pdb_api_version_follows_the_target_kubernetes_version() -> None:
    pdb = PodDisruptionBudget.of("web", selector={"app": "web"}, min_available=1)
    assert to_manifests(pdb)[0]["apiVersion"] == "policy/v1"
    assert to_manifests(pdb, kubernetes_version="1.20")[0]["apiVersion"] == "policy/v1beta1"
    validate_manifest(to_manifests(pdb, kubernetes_version="1.25")[0], "1.25")


def _with_native_sidecar() -> Deployment:
    sidecar = Container.of("proxy", image="envoyproxy/envoy:v1.31.2", restart_policy="Always")
    return Deployment.of("web", containers=[Container.of("app", image="web:1")],
                         init_containers=[sidecar])


def test_native_sidecars_need_kubernetes_1_29() -> None:
    web = _with_native_sidecar()
    validate_manifest(to_manifests(web, kubernetes_version="1.29")[0], "1.29")
    result = render(web, kubernetes_version="1.28")
    assert isinstance(result, Failure)
    (problem,) = result.failure().problems
    assert problem.object == "Deployment/web"
    assert problem.path == "spec.template.spec.initContainers[0].restartPolicy"
    assert "1.29" in problem.message


def test_unknown_kubernetes_version_is_a_misuse() -> None:
    with pytest.raises(InvalidArgument, match=r"1\.19"):
        to_manifests(production, kubernetes_version="1.19")
    with pytest.raises(InvalidArgument, match=r"MAJOR\.MINOR"):
        to_manifests(production, kubernetes_version="latest")


def test_directory_form_writes_one_file_per_object_and_a_kustomization(tmp_path: Path) -> None:
    written = write_directory(production, tmp_path).unwrap()
    names = sorted(p.name for p in written)
    assert "kustomization.yaml" in names
    assert "shop.deployment-web.yaml" in names
    kustomization = yaml.safe_load((tmp_path / "kustomization.yaml").read_text())
    assert sorted(kustomization["resources"]) == sorted(n for n in names
                                                        if n != "kustomization.yaml")
    loaded = [o for n in kustomization["resources"]
              for o in _objects((tmp_path / n).read_text())]
    assert loaded == list(production)


def test_directory_form_writes_nothing_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "out"
    result = write_directory([production[0], _with_native_sidecar()], target,
                             kubernetes_version="1.28")
    assert isinstance(result, Failure)
    assert not target.exists()


def test_malformed_yaml_is_a_problem_with_its_document() -> None:
    result = load_yaml("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\nkey: [unclosed\n")
    assert isinstance(result, Failure)
    (problem,) = result.failure().problems
    assert problem.document == 2
    assert "malformed YAML" in problem.message


def test_every_document_is_checked_and_located() -> None:
    text = """
apiVersion: v1
kind: Service
metadata: {name: Web}
spec: {ports: [{port: 70000}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicaz: 3
  replicas: two
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: app, image: web}
      - {name: app, image: "Not An Image"}
"""
    problems = load_yaml(text).failure().problems
    found = {(p.document, p.object, p.path) for p in problems}
    assert found == {
        (1, "Service/Web", "metadata.name"),
        (1, "Service/Web", "spec.ports[0].port"),
        (2, "Deployment/web", "spec.replicaz"),
        (2, "Deployment/web", "spec.replicas"),
        (2, "Deployment/web", "spec.template.spec.containers[1].image"),
        (2, "Deployment/web", "spec.template.spec.containers[1].name"),
    }
    assert all(p.hint for p in problems)


def test_lists_expand_and_unknown_kinds_pass_through() -> None:
    crd = {"apiVersion": "networking.istio.io/v1alpha3", "kind": "EnvoyFilter",
           "metadata": {"name": "web"}, "spec": {"configPatches": []}}
    result = load_documents([{"apiVersion": "v1", "kind": "List", "items": [crd]}, None])
    (opaque,) = result.unwrap()
    assert isinstance(opaque, OpaqueObject)
    assert (opaque.kind, opaque.name) == ("EnvoyFilter", "web")
    assert to_manifests(opaque) == [crd]


def test_shape_errors_are_problems_not_exceptions() -> None:
    for document in ([], "text", {"apiVersion": "apps/v1", "kind": "Deployment"},
                     {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": [],
                      "spec": {"template": {"spec": {"containers": {"a": 1}}}}}):
        result = load_manifest(document)
        assert isinstance(result, Failure)
        assert isinstance(result.failure(), InvalidValue)


def test_a_template_alone_does_not_emit() -> None:
    pod = PodTemplate.of([Container.of("app", image="web:1")])
    with pytest.raises(InvalidArgument, match="PodTemplate"):
        to_manifests(pod)  # type: ignore[arg-type]


def test_expose_targets_the_first_named_port() -> None:
    web = Deployment.of("web", containers=[Container.of("app", image="web:1",
                                                        ports={"http": 8080})])
    assert Service.expose(web, port=80).ports[0].target_port == "http"


def test_a_key_given_twice_is_a_problem() -> None:
    result = load_yaml("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n"
                       "data:\n  x: '1'\n  x: '2'\n")
    (problem,) = result.failure().problems
    assert "duplicate key 'x'" in problem.message
    assert "line 6" in problem.message


def test_recursive_aliases_and_alias_bombs_are_problems() -> None:
    recursive = load_yaml("a: &a [*a]\n")
    assert "recursive alias" in recursive.failure().problems[0].message
    lines = ["a0: &a0 [" + ",".join(["x"] * 10) + "]"] + [
        f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    bomb = load_yaml("apiVersion: v1\nkind: Thing\nmetadata: {name: t}\n" + "\n".join(lines))
    assert "beyond" in bomb.failure().problems[0].message
    shared = load_yaml("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: &n cfg}\n"
                       "data: {name: *n}\n")
    assert shared.unwrap()[0].data["name"] == "cfg"


def test_relaxed_env_var_names_need_kubernetes_1_32() -> None:
    web = Deployment.of("web", containers=[Container.of("app", image="web:1",
                                                        env={"1ST.PLACE": "gold"})])
    validate_manifest(to_manifests(web)[0])
    (problem,) = render(web, kubernetes_version="1.31").failure().problems
    assert problem.path == "spec.template.spec.containers[0].env[0].name"


def test_json_input_is_read_as_json() -> None:
    import json

    manifest = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"},
                "data": {"control": "\x7f", "astral": "\U00010000"}}
    for text in (json.dumps(manifest), json.dumps(manifest, ensure_ascii=False)):
        (config,) = _objects(text)
        assert to_manifests(config) == [manifest]
    duplicate = load_yaml('{"apiVersion": "v1", "apiVersion": "v1"}')
    assert "duplicate key 'apiVersion'" in duplicate.failure().problems[0].message
    assert "NaN" in load_yaml('{"a": NaN}').failure().problems[0].message


@pytest.mark.parametrize(("text", "path"), [
    ("apiVersion: []\nkind: ConfigMap\nmetadata: {name: a}", "apiVersion"),
    ("apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\nspec: [1]", "spec"),
    ("apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec:\n  ports: [{port: 80}]\n"
     "  sessionAffinityConfig: {clientIP: {timeoutSeconds: .nan}}",
     "spec.sessionAffinityConfig.clientIP.timeoutSeconds"),
    ("apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: {clusterIP: 1, ports: [{port: 80}]}",
     "spec.clusterIP"),
    ("apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db}\nspec:\n"
     "  selector: {matchLabels: {app: db}}\n  template:\n    metadata: {labels: {app: db}}\n"
     "    spec: {containers: [{name: db, image: postgres}]}", "spec.serviceName"),
    ("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: w}\nspec:\n"
     "  selector: {matchLabels: {app: w}}\n  template:\n    metadata: {labels: {app: w}}\n"
     "    spec:\n      automountServiceAccountToken: 'yes'\n"
     "      containers: [{name: a, image: w, workingDir: 7}]",
     "spec.template.spec.automountServiceAccountToken"),
])
def test_wrong_types_anywhere_are_problems(text: str, path: str) -> None:
    result = load_yaml(text)
    assert isinstance(result, Failure), result
    assert path in {p.path for p in result.failure().problems}


def test_a_broken_part_hides_none_of_the_other_problems_of_the_document() -> None:
    result = load_yaml(deployment_yaml("""
        containers:
        - {name: app, image: web, ports: [{containerPort: 70000}],
           volumeMounts: [{name: cache, mountPath: /cache}]}
        - {name: app, image: "Web App"}
        volumes: [{name: data, emptyDir: {}}, {name: data, emptyDir: {}}]
    """, selected="api"))
    assert isinstance(result, Failure)
    assert [p.path for p in result.failure().problems] == [
        "spec.selector",
        "spec.template.spec.containers[0].volumeMounts[0].name",
        "spec.template.spec.containers[1].name",
        "spec.template.spec.volumes[1].name",
        "spec.template.spec.containers[0].ports[0].containerPort",
        "spec.template.spec.containers[1].image",
    ]


def test_carried_fields_kubernetes_does_not_know_are_refused_when_built() -> None:
    with pytest.raises(InvalidValue) as raised:
        OpaqueObject({"apiVersion": "v1", "kind": "ServiceAccount",
                      "metadata": {"name": "web"}, "automountToken": False})
    assert [(p.path, p.hint) for p in raised.value.problems] == [
        ("automountToken", "did you mean 'automountServiceAccountToken'?")]
    with pytest.raises(InvalidValue) as raised:
        Deployment.of("web", containers=[Container.of("app", image="web:1")],
                      strategy={"type": "Recreate", "rollingUpdat": {}})
    assert [p.path for p in raised.value.problems] == ["spec.strategy.rollingUpdat"]
    with pytest.raises(InvalidValue, match="replicas is a modelled field"):
        attrs.evolve(Deployment.of("web", containers=[Container.of("app", image="web:1")]),
                     spec_extra={"replicas": 3})
