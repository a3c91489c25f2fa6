"""Image scanning: images_of, unpinned, the Trivy workflow, and ``kancat images``."""

import importlib.resources
import json
import re
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from returns.result import Failure

from kancat.cli import main
from kancat.errors import InvalidValue
from kancat.interpret.consistency import check_objects
from kancat.interpret.emit import to_manifests
from kancat.interpret.scanning import (
    TrivyWorkflow,
    images_of,
    trivy_workflow,
    unpinned,
)
from kancat.patterns.istio_injection import istio_sidecar
from kancat.values import (
    Container,
    CronJob,
    DaemonSet,
    Deployment,
    Job,
    OpaqueObject,
    Pod,
    ReplicaSet,
    Service,
    StatefulSet,
)
from kancat.values.kinds import KINDS
from tests.validators import validate_manifest

DIGEST = "sha256:" + "ab" * 32


def _containers(kind: str) -> dict[str, Any]:
    """An app container, an init container and a native sidecar, named after the kind."""
    tag = kind.lower()
    return {"containers": [Container.of("app", image=f"registry.example.com/{tag}:1.0")],
            "init_containers": [
                Container.of("migrate", image=f"registry.example.com/{tag}-init:1.0"),
                Container.of("proxy", image="envoyproxy/envoy:v1.31.2",
                             restart_policy="Always")]}


POD_KINDS: dict[str, Callable[[], Any]] = {
    "Pod": lambda: Pod.of("p", **_containers("Pod")),
    "Deployment": lambda: Deployment.of("d", **_containers("Deployment")),
    "StatefulSet": lambda: StatefulSet.of("s", service_name="s", **_containers("StatefulSet")),
    "DaemonSet": lambda: DaemonSet.of("ds", **_containers("DaemonSet")),
    "ReplicaSet": lambda: ReplicaSet.of("rs", **_containers("ReplicaSet")),
    "Job": lambda: Job.of("j", **_containers("Job")),
    "CronJob": lambda: CronJob.of("cj", schedule="0 3 * * *", **_containers("CronJob")),
}


def test_every_pod_kind_of_the_table_is_covered_here() -> None:
    assert sorted(POD_KINDS) == sorted(k.name for k in KINDS if k.pods is not None)


@pytest.mark.parametrize("kind", sorted(POD_KINDS))
def test_images_of_every_pod_kind_with_init_containers_and_sidecars(kind: str) -> None:
    value = POD_KINDS[kind]()
    for manifest in to_manifests(value):
        validate_manifest(manifest)
    found = {str(image): image.uses for image in images_of(value)}
    tag = kind.lower()
    assert sorted(found) == ["envoyproxy/envoy:v1.31.2", f"registry.example.com/{tag}-init:1.0",
                             f"registry.example.com/{tag}:1.0"]
    (proxy,) = found["envoyproxy/envoy:v1.31.2"]
    assert (proxy.object, proxy.container) == (f"{kind}/{value.name}", "proxy")
    (app,) = found[f"registry.example.com/{tag}:1.0"]
    # the path is where the image is in the manifest
    manifest = to_manifests(value)[0]
    node: Any = manifest
    for part in re.findall(r"[^.\[\]]+", app.path):
        node = node[int(part)] if part.isdigit() else node[part]
    assert node == f"registry.example.com/{tag}:1.0"


def test_injected_istio_sidecars_are_found() -> None:
    web = Deployment.of("web", namespace="shop", containers=[
        Container.of("app", image="registry.example.com/shop/web:1.4.2")])
    meshed = istio_sidecar(cni=True, tag="1.24.2")(web)
    for manifest in to_manifests(meshed):
        validate_manifest(manifest)
    found = {str(image): sorted(use.container for use in image.uses)
             for image in images_of(meshed)}
    assert found == {"istio/proxyv2:1.24.2": ["istio-proxy", "istio-validation"],
                     "registry.example.com/shop/web:1.4.2": ["app"]}


def test_images_are_deduplicated_and_sorted_with_every_use() -> None:
    shared = "registry.example.com/shop/base:2.0"
    values = [Deployment.of("b", namespace="two", containers=[Container.of("x", image=shared)]),
              Deployment.of("a", namespace="one", containers=[
                  Container.of("x", image=shared), Container.of("y", image="alpine:3.20")]),
              Service.of("a", namespace="one", selector={"app": "a"}, ports={"http": 80})]
    images = images_of(values)
    assert [str(i) for i in images] == ["alpine:3.20", shared]
    assert [str(use) for use in images[1].uses] == ["Deployment/one/a container x",
                                                    "Deployment/two/b container x"]
    assert images_of(list(reversed(values))) == images
    assert images_of(Service.of("a", selector={"app": "a"}, ports={"http": 80})) == ()


def test_a_custom_resource_carried_whole_is_searched_for_containers() -> None:
    rollout = OpaqueObject({
        "apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout",
        "metadata": {"name": "web", "namespace": "shop"},
        "spec": {"template": {"spec": {
            "initContainers": [{"name": "init", "image": "busybox:1.37"}],
            "containers": [{"name": "app", "image": "registry.example.com/web:2.1"}]}}}})
    images = images_of(rollout)
    assert [(str(i), [(u.object, u.container, u.path) for u in i.uses]) for i in images] == [
        ("busybox:1.37", [("Rollout/shop/web", "init",
                           "spec.template.spec.initContainers[0].image")]),
        ("registry.example.com/web:2.1", [("Rollout/shop/web", "app",
                                           "spec.template.spec.containers[0].image")])]


def test_a_bad_image_in_a_carried_object_is_a_problem_with_its_path() -> None:
    rollout = OpaqueObject({
        "apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout", "metadata": {"name": "web"},
        "spec": {"template": {"spec": {"containers": [{"name": "app", "image": "Web App"}]}}}})
    with pytest.raises(InvalidValue) as raised:
        images_of(rollout)
    (problem,) = raised.value.problems
    assert (problem.object, problem.path) == ("Rollout/web", "spec.template.spec.containers[0].image")


def test_unpinned_is_the_rule_kancat_check_warns_with() -> None:
    references = ["nginx", "nginx:latest", "nginx:1.27.3", f"nginx@{DIGEST}",
                  f"nginx:latest@{DIGEST}", "redis:7.4"]
    pod = Pod.of("p", containers=[Container.of(f"c{i}", image=ref)
                                  for i, ref in enumerate(references)])
    images = images_of(pod)
    loose = {str(i): i.unpinned_reason() for i in unpinned(images)}
    assert loose == {"nginx": "it has no tag", "nginx:latest": "its tag is latest"}
    warned = {f.problem.message.split("'")[1] for f in check_objects([pod])
              if "is not pinned" in f.problem.message}
    assert warned == set(loose)
    strict = {str(i) for i in unpinned(images, require_digest=True)}
    assert strict == {"nginx", "nginx:latest", "nginx:1.27.3", "redis:7.4"}


# --- the workflow ---------------------------------------------------------------------------

def _workflow_schema() -> Any:
    text = importlib.resources.files("check_jsonschema.builtin_schemas.vendor").joinpath(
        "github-workflows.json").read_text(encoding="utf-8")
    return json.loads(text)


def _shop() -> list[Any]:
    return [Deployment.of("web", namespace="shop", containers=[
                Container.of("app", image="registry.example.com/shop/web:1.4.2"),
                Container.of("log", image="fluent/fluent-bit:3.2.4")]),
            StatefulSet.of("db", namespace="shop", service_name="db", containers=[
                Container.of("postgres", image=f"postgres:16.4@{DIGEST}")])]


def test_the_workflow_is_a_valid_github_workflow() -> None:
    text = trivy_workflow(_shop()).to_yaml()
    document = yaml.safe_load(text)
    jsonschema.Draft7Validator(_workflow_schema()).validate(document)
    assert "on" in document  # quoted in the YAML, so YAML 1.1 readers do not see True


def test_a_workflow_missing_its_jobs_fails_the_schema() -> None:
    document = trivy_workflow(_shop()).document()
    del document["jobs"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft7Validator(_workflow_schema()).validate(document)


def test_the_workflow_scans_each_image_with_trivy_and_uploads_sarif() -> None:
    document = trivy_workflow(_shop()).document()
    assert document["permissions"] == {"actions": "read", "contents": "read",
                                       "security-events": "write"}
    (job,) = document["jobs"].values()
    include = job["strategy"]["matrix"]["include"]
    assert [entry["image"] for entry in include] == [str(i) for i in images_of(_shop())]
    assert len({entry["sarif"] for entry in include}) == len(include) == 3
    assert len({entry["category"] for entry in include}) == 3
    assert job["strategy"]["fail-fast"] is False
    checkout, scan, upload = job["steps"]
    assert checkout["uses"].startswith("actions/checkout@")
    assert scan["uses"].startswith("aquasecurity/trivy-action@")
    assert scan["with"] == {"image-ref": "${{ matrix.image }}", "format": "sarif",
                            "output": "${{ matrix.sarif }}", "severity": "CRITICAL,HIGH",
                            "exit-code": "1"}
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@")
    assert upload["if"] == "always()"
    assert upload["with"]["sarif_file"] == "${{ matrix.sarif }}"


def test_every_action_is_pinned_by_version() -> None:
    for document in (trivy_workflow(_shop()).document(),
                     trivy_workflow(_shop(), trivy_action_version="a" * 40,
                                    upload_sarif_version="v3").document()):
        uses = [step["uses"] for job in document["jobs"].values() for step in job["steps"]]
        assert len(uses) == 3
        for action in uses:
            assert re.fullmatch(r"[\w./-]+@(v?\d+(\.\d+)*|[0-9a-f]{40})", action), action


def test_the_workflow_is_deterministic() -> None:
    first = trivy_workflow(_shop()).to_yaml()
    assert trivy_workflow(list(reversed(_shop()))).to_yaml() == first
    assert trivy_workflow([*_shop(), *_shop()[:1]]).to_yaml() == first
    assert TrivyWorkflow.of([str(i) for i in images_of(_shop())]).to_yaml() == first
    assert trivy_workflow(_shop(), severities=("HIGH", "CRITICAL")).to_yaml() == first


def test_bad_workflow_settings_are_every_one_reported() -> None:
    result = TrivyWorkflow.create(["nginx:1.27.3", "nginx:1.27.3", "Bad Image"],
                                  name=" ", trivy_action_version="master",
                                  upload_sarif_version="main", checkout_version="HEAD",
                                  severities=["HIGH", "URGENT"], branches=[""])
    assert isinstance(result, Failure)
    paths = [p.path for p in result.failure().problems]
    assert paths == ["images[2]", "images", "name", "trivy_action_version",
                     "upload_sarif_version", "checkout_version", "severities", "branches"]
    assert isinstance(TrivyWorkflow.create([]), Failure)
    (problem,) = TrivyWorkflow.create(5).failure().problems
    assert (problem.path, problem.message) == ("images", "images must be a list of image "
                                                         "references, got 5")
    assert isinstance(TrivyWorkflow.create(["nginx:1.27.3"], severities=()), Failure)
    with pytest.raises(InvalidValue, match="no images to scan"):
        trivy_workflow(Service.of("a", selector={"app": "a"}, ports={"http": 80}))


# --- kancat images --------------------------------------------------------------------------

@pytest.fixture
def loose_target(tmp_path: Path) -> str:
    path = tmp_path / "loose.py"
    path.write_text(textwrap.dedent("""
        from kancat import Container, Deployment

        web = Deployment.of("web", containers=[Container.of("app", image="nginx"),
                                               Container.of("log", image="busybox:1.37")])
        empty = []
        """), encoding="utf-8")
    return str(path)


def _production_images() -> list[str]:
    from kancat.examples import production

    return [str(image) for image in images_of(production)]


def test_images_of_the_built_in_example(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["images"]) == 0
    out, err = capsys.readouterr()
    listed = out.splitlines()
    assert listed == _production_images()
    assert listed and listed == sorted(set(listed))
    assert {"fluent/fluent-bit:3.2.4", "registry.example.com/shop/web:1.4.2"} <= set(listed)
    assert err == ""  # the example pins every image by version


def test_unpinned_images_are_warned_about_and_strict_refuses(
        loose_target: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["images", f"{loose_target}:web"]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines() == ["busybox:1.37", "nginx"]
    assert err.splitlines() == ["warning: image 'nginx' is not pinned: it has no tag (used by "
                                "Deployment/web container app; give a version tag, e.g. "
                                "nginx:1.27.3, or a digest)"]
    assert main(["images", "--strict", f"{loose_target}:web"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines()[-1].endswith("has 1 unpinned image")


def test_require_digest_counts_tags_without_digests(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["images", "--strict", "--require-digest"]) == 1
    _, err = capsys.readouterr()
    count = len(_production_images())
    assert err.count("warning: ") == count
    assert f"has {count} unpinned image" in err


def test_images_workflow(capsys: pytest.CaptureFixture[str]) -> None:
    from kancat.examples import production

    assert main(["images", "--workflow"]) == 0
    out, err = capsys.readouterr()
    assert out == trivy_workflow(production).to_yaml()
    assert err == ""
    jsonschema.Draft7Validator(_workflow_schema()).validate(yaml.safe_load(out))


def test_a_target_without_images_has_no_workflow(
        loose_target: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["images", f"{loose_target}:empty"]) == 0
    assert capsys.readouterr().out == ""
    assert main(["images", "--workflow", f"{loose_target}:empty"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [f"kancat: {loose_target}:empty uses no images: there is "
                                "nothing to scan"]


@pytest.mark.parametrize("target", ["no_such_module_anywhere:x", "kancat.examples:missing",
                                    "not a target"])
def test_a_target_that_does_not_import_is_one_line_and_exit_2(
        target: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["images", target]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert len(err.splitlines()) == 1
    assert err.startswith("kancat: ")


def test_a_target_raising_an_invalid_value_exits_1(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "invalid.py"
    path.write_text('from kancat import Container\n'
                    'app = Container.of("Bad_Name", image="web:1.0")\n', encoding="utf-8")
    assert main(["images", f"{path}:app"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert "Bad_Name" in err
