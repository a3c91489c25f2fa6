"""The three sidecars of the founding design, injected into the production example."""

import ast
import json
from pathlib import Path
from typing import Any

import attrs
import pytest
import yaml

from kancat.algebra import natural
from kancat.algebra.functor import fmap, mirror_images
from kancat.algebra.natural import Transformation
from kancat.errors import InvalidArgument, InvalidValue
from kancat.examples.production import db, production, web, web_service
from kancat.interpret.emit import to_manifests
from kancat.patterns import sidecars
from kancat.patterns.sidecars import (
    STATUS_ANNOTATION,
    SidecarSpec,
    envoy,
    envoy_config,
    fluent_bit,
    fluent_bit_config,
    inject,
    node_exporter,
)
from kancat.values import (
    Container,
    Deployment,
    EmptyDir,
    PersistentVolumeClaimVolume,
    PodTemplate,
    Volume,
)
from tests.validators import validate_manifest

PREFIX = "types.example"  # a stand-in for the protobuf type-URL prefix Envoy needs


def _all_three(native: bool = False) -> Transformation:
    return inject(fluent_bit(native=native), envoy(service_cluster="web", native=native),
                  node_exporter(native=native))


def _pod_spec(manifest: dict[str, Any]) -> dict[str, Any]:
    spec: dict[str, Any] = manifest["spec"]["template"]["spec"]
    return spec


def _by_name(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {item["name"]: item for item in items}


# --- valid manifests, both modes ----------------------------------------------------------

@pytest.mark.parametrize(("native", "version"), [(False, "1.32"), (True, "1.29"),
                                                 (True, "1.32")])
def test_the_three_sidecars_in_production_emit_valid_manifests(native: bool,
                                                               version: str) -> None:
    objects = [*_all_three(native)(production), fluent_bit_config(namespace="shop"),
               envoy_config(type_url_prefix=PREFIX, namespace="shop")]
    manifests = to_manifests(objects, kubernetes_version=version)
    for manifest in manifests:
        validate_manifest(manifest, version)
    assert [m["kind"] for m in manifests].count("Deployment") == 1


def test_native_sidecars_need_kubernetes_1_29() -> None:
    with pytest.raises(InvalidValue, match=r"1\.29"):
        to_manifests(_all_three(native=True)(web), kubernetes_version="1.28")


# --- the founding design's shape ------------------------------------------------------------

def test_regular_sidecars_have_the_founding_design_shape() -> None:
    manifest = to_manifests(_all_three()(web))[0]
    spec = _pod_spec(manifest)
    assert [c["name"] for c in spec["containers"]] == [
        "app", "envoy-proxy", "log-forwarder", "node-exporter"]
    assert "initContainers" not in spec
    containers = _by_name(spec["containers"])

    app = containers["app"]
    assert app["volumeMounts"] == [{"name": "logs", "mountPath": "/var/log/app"}]

    forwarder = containers["log-forwarder"]
    assert forwarder["image"] == "fluent/fluent-bit:3.2.4"
    assert forwarder["volumeMounts"] == [
        {"name": "logs", "mountPath": "/var/log/app", "readOnly": True},
        {"name": "fluent-bit-config", "mountPath": "/fluent-bit/etc/", "readOnly": True}]
    assert forwarder["env"][0] == {"name": "FLUENT_ELASTICSEARCH_HOST",
                                   "value": "elasticsearch.logging.svc.cluster.local"}

    envoy = containers["envoy-proxy"]
    assert envoy["image"] == "envoyproxy/envoy:v1.31.2"
    assert envoy["ports"] == [
        {"containerPort": 9901, "name": "admin", "protocol": "TCP"},
        {"containerPort": 10000, "name": "proxy", "protocol": "TCP"}]
    assert envoy["volumeMounts"] == [
        {"name": "envoy-config", "mountPath": "/etc/envoy", "readOnly": True}]
    assert envoy["command"] == ["envoy", "-c", "/etc/envoy/envoy.yaml", "--service-cluster",
                                "web", "--service-node", "$(POD_NAME)"]
    assert envoy["env"] == [{"name": "POD_NAME",
                             "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}]

    exporter = containers["node-exporter"]
    assert exporter["image"] == "prom/node-exporter:v1.8.2"
    assert exporter["ports"] == [{"containerPort": 9100, "name": "metrics", "protocol": "TCP"}]
    assert exporter["resources"]["requests"] == {"cpu": "10m", "memory": "30Mi"}

    assert spec["volumes"] == [
        {"name": "envoy-config", "configMap": {"name": "envoy-config"}},
        {"name": "fluent-bit-config", "configMap": {"name": "fluent-bit-config"}},
        {"name": "logs", "emptyDir": {}}]
    status = json.loads(manifest["spec"]["template"]["metadata"]["annotations"][
        STATUS_ANNOTATION])
    assert status == {"containers": ["envoy-proxy", "log-forwarder", "node-exporter"],
                      "initContainers": [], "mounts": ["/var/log/app"],
                      "volumes": ["envoy-config", "fluent-bit-config", "logs"]}


def test_native_sidecars_are_first_among_init_containers() -> None:
    native = _all_three(native=True)(db)
    pod = native.template
    assert [(c.name, c.restart_policy) for c in pod.init_containers] == [
        ("envoy-proxy", "Always"), ("log-forwarder", "Always"),
        ("node-exporter", "Always"), ("init-database", None)]
    assert [c.name for c in pod.containers] == ["database"]
    assert [(m.name, m.mount_path) for m in pod.containers[0].volume_mounts][-1] == (
        "logs", "/var/log/app")
    assert pod.init_containers[-1] == db.template.init_containers[0]  # init: untouched


def test_switching_mode_moves_the_sidecar() -> None:
    regular = inject(node_exporter())(web)
    native = inject(node_exporter(native=True))(regular)
    assert native == inject(node_exporter(native=True))(web)
    assert [c.name for c in native.template.containers] == ["app", "log-forwarder"]


def test_no_image_is_latest_or_unpinned() -> None:
    for manifest in to_manifests(_all_three()(production)):
        if manifest["kind"] in ("Deployment", "StatefulSet"):
            spec = _pod_spec(manifest)
            for container in spec["containers"] + spec.get("initContainers", []):
                image = container["image"]
                assert ":" in image.rsplit("/", 1)[-1] and not image.endswith(":latest"), image
    assert sorted(sidecars.DEFAULT_IMAGES.values()) == [
        "envoyproxy/envoy:v1.31.2", "fluent/fluent-bit:3.2.4", "prom/node-exporter:v1.8.2"]


# --- the laws, on the example ---------------------------------------------------------------

def test_the_example_is_injected_and_injection_is_idempotent() -> None:
    once = inject(fluent_bit())(web)
    assert once == web  # the example's web Deployment is already injected
    assert once == inject(fluent_bit())(once)
    forwarder = once.template.containers[1]
    assert forwarder == fluent_bit().containers[0]


def test_injections_of_different_names_commute_on_the_example() -> None:
    specs = [fluent_bit(), envoy(service_cluster="web"), node_exporter(native=True)]
    results = {inject(*order)(production) == _all_three_mixed()(production)
               for order in (specs, specs[::-1], [specs[1], specs[2], specs[0]])}
    assert results == {True}


def _all_three_mixed() -> Transformation:
    return inject(fluent_bit(), envoy(service_cluster="web"), node_exporter(native=True))


def test_mirroring_is_equivariant_and_reaches_the_sidecars() -> None:
    mirror = mirror_images("mirror.internal")
    add = _all_three()
    after = fmap(mirror, add(web))
    assert fmap(mirror, add)(fmap(mirror, web)) == after
    assert {c.image.registry for c in after.template.all_containers} == {"mirror.internal"}
    assert str(after.template.containers[1].image) == "mirror.internal/envoyproxy/envoy:v1.31.2"


# --- bad parameters and conflicts ---------------------------------------------------------

@pytest.mark.parametrize(("build", "path"), [
    (lambda: fluent_bit(image="Fluent/Fluent-Bit:3.2.4"), "image"),
    (lambda: node_exporter(image="prom/node-exporter:LATEST!"), "image"),
    (lambda: fluent_bit(name="Log_Forwarder"), "name"),
    (lambda: fluent_bit(elasticsearch_host="not a host"), "elasticsearch_host"),
    (lambda: fluent_bit(elasticsearch_port=0), "elasticsearch_port"),
    (lambda: fluent_bit(log_path="var/log"), "log_path"),
    (lambda: fluent_bit(config_map="logs"), "config_map"),
    (lambda: fluent_bit(requests={"cpu": "lots"}), "requests['cpu']"),
    (lambda: fluent_bit(native="yes"), "native"),  # type: ignore[arg-type]
    (lambda: envoy(service_cluster=""), "service_cluster"),
    (lambda: envoy(service_cluster="web", admin_port=70000), "admin_port"),
    (lambda: envoy(service_cluster="web", proxy_port=9901), "proxy_port"),
    (lambda: node_exporter(port=0), "port"),
    (lambda: node_exporter(annotations={"bad key!": "x"}), "annotations['bad key!']"),
    (lambda: envoy_config(type_url_prefix=PREFIX, app_port=0), "app_port"),
    (lambda: envoy_config(type_url_prefix="a/b"), "type_url_prefix"),
    (lambda: fluent_bit_config(log_path="logs"), "log_path"),
], ids=lambda item: item if isinstance(item, str) else "")
def test_bad_parameters_name_the_field(build: Any, path: str) -> None:
    with pytest.raises(InvalidValue) as info:
        build()
    assert path in [p.path for p in info.value.problems], info.value


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(InvalidValue) as info:
        envoy(service_cluster="", image="Envoyproxy/Envoy", admin_port=0)
    assert [p.path for p in info.value.problems] == ["service_cluster", "image", "admin_port"]


def test_a_volume_of_the_same_name_and_another_source_is_a_conflict() -> None:
    app = Container.of("app", image="shop/api:2.0.1")
    api = Deployment.of("api", containers=[app],
                        volumes=[Volume("logs", PersistentVolumeClaimVolume("api-logs"))])
    with pytest.raises(InvalidValue) as info:
        inject(fluent_bit())(api)
    (problem,) = info.value.problems
    assert problem.path == "spec.template.spec.volumes[0]"
    assert "'logs'" in problem.message and problem.object == "Deployment/api"
    # the same source is no conflict
    fine = attrs.evolve(api, template=attrs.evolve(api.template,
                                                   volumes=[Volume("logs", EmptyDir())]))
    assert [v.name for v in inject(fluent_bit())(fine).template.volumes] == [
        "fluent-bit-config", "logs"]


def test_a_spec_rejects_inconsistent_parts() -> None:
    sidecar = Container.of("helper", image="busybox:1.36")
    with pytest.raises(InvalidValue) as info:
        SidecarSpec((sidecar,), native=True, annotations={STATUS_ANNOTATION: "x"},
                    app_mounts=fluent_bit().app_mounts)
    assert [p.path for p in info.value.problems] == [
        "containers[0].restartPolicy", f"annotations[{STATUS_ANNOTATION!r}]",
        "app_mounts[0].name"]
    assert SidecarSpec.of([sidecar], native=True).containers[0].restart_policy == "Always"
    assert SidecarSpec.of([sidecar]).with_native(True) == SidecarSpec.of([sidecar],
                                                                         native=True)


def test_a_garbled_injection_record_is_reported() -> None:
    pod = PodTemplate.of([Container.of("app", image="shop/web:1.4.2")],
                         annotations={STATUS_ANNOTATION: "not json"})
    with pytest.raises(InvalidValue, match="injection record"):
        inject(node_exporter())(pod)


# --- transformations in general -------------------------------------------------------------

class _Mesh:
    def __init__(self, workloads: list[Deployment]) -> None:
        self.workloads = workloads

    def transform(self, t: Transformation) -> "_Mesh":
        return _Mesh([t(w) for w in self.workloads])


def test_transformations_lift_to_every_pod_holder() -> None:
    add = inject(node_exporter())
    assert add(web_service) is web_service
    assert add(web.template) == add(web).template
    assert add((web, web_service)) == (add(web), web_service)
    assert add(_Mesh([web])).workloads == [add(web)]
    assert Transformation.identity()(production) is production
    with pytest.raises(InvalidArgument, match="lone container"):
        add(web.template.containers[0])
    with pytest.raises(InvalidArgument, match="cannot transform"):
        add("web")
    with pytest.raises(InvalidArgument, match="expected a Transformation"):
        add.then(node_exporter())  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match="not a SidecarSpec"):
        inject(add)  # type: ignore[arg-type]


def test_names_read_as_the_pipeline() -> None:
    grace = Transformation.of(
        lambda pod: attrs.evolve(pod, termination_grace_period_seconds=30), name="grace")
    assert _all_three().then(grace).name == (
        "inject(log-forwarder) then inject(envoy-proxy) then inject(node-exporter) "
        "then grace")
    assert Transformation.identity().name == "identity"
    assert repr(grace) == "<Transformation grace>"


def test_a_step_must_return_a_pod() -> None:
    broken = Transformation.of(lambda pod: None, name="forgetful")  # type: ignore[arg-type,return-value]
    with pytest.raises(InvalidArgument, match="forgetful"):
        broken(web)


# --- the ConfigMaps -----------------------------------------------------------------------

def test_logging_config_tails_the_log_directory_to_elasticsearch() -> None:
    config = fluent_bit_config().data["fluent-bit.conf"]
    assert "Path              /var/log/app/*.log" in config
    assert "Host                ${FLUENT_ELASTICSEARCH_HOST}" in config
    assert "Name                es" in config


def test_proxy_config_listens_and_routes_to_the_app() -> None:
    envoy = yaml.safe_load(envoy_config(type_url_prefix=PREFIX, app_port=8080).data[
        "envoy.yaml"])
    assert envoy["admin"]["address"]["socket_address"]["port_value"] == 9901
    (listener,) = envoy["static_resources"]["listeners"]
    assert listener["address"]["socket_address"]["port_value"] == 10000
    manager = listener["filter_chains"][0]["filters"][0]["typed_config"]
    assert manager["@type"].startswith(PREFIX + "/envoy.extensions.filters.network.")
    assert manager["route_config"]["virtual_hosts"][0]["routes"][0]["route"] == {
        "cluster": "app"}
    (cluster,) = envoy["static_resources"]["clusters"]
    endpoint = cluster["load_assignment"]["endpoints"][0]["lb_endpoints"][0]["endpoint"]
    assert endpoint["address"]["socket_address"] == {"address": "127.0.0.1",
                                                     "port_value": 8080}


# --- public surface -------------------------------------------------------------------------

@pytest.mark.parametrize("module", [sidecars, natural], ids=lambda m: m.__name__)
def test_all_lists_exactly_the_public_names(module: Any) -> None:
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    imported = {alias.asname or alias.name.split(".")[0] for node in ast.walk(tree)
                if isinstance(node, (ast.Import, ast.ImportFrom)) for alias in node.names}
    public = {name for name in vars(module)
              if not name.startswith(("_", "@"))} - imported  # "@": pytest's assert rewriting
    assert set(module.__all__) == public
    assert len(module.__all__) == len(public)  # no duplicates (ruff's RUF022 keeps the order)


def test_an_unpinned_image_is_one_rule_everywhere_a_warning_of_the_checks() -> None:
    from kancat.interpret.consistency import check_objects

    spec = fluent_bit(image="fluent/fluent-bit:latest")  # accepted, as Container.of does
    web = inject(spec)(Deployment.of("web", containers=[
        Container.of("app", image="shop/web")]))
    findings = check_objects([web, fluent_bit_config()])
    assert [(f.severity, f.problem.path) for f in findings] == [
        ("warning", "spec.template.spec.containers[0].image"),
        ("warning", "spec.template.spec.containers[1].image")]
    assert {f.severity for f in check_objects([web, fluent_bit_config()], strict=True)} == {
        "error"}


def test_an_envoy_configuration_routing_to_a_port_the_app_does_not_declare_is_named() -> None:
    from kancat.interpret.consistency import check_objects

    api = Deployment.of("api", containers=[Container.of("app", image="shop/api:2.0.1",
                                                        ports={"http": 9000})])
    proxied = inject(envoy(service_cluster="api"))(api)
    assert check_objects([proxied, envoy_config(app_port=9000)]) == []
    (finding,) = check_objects([proxied, envoy_config(app_port=8080)])
    assert finding.problem.path == "spec.template.spec.volumes[0].configMap.name"
    assert "routes to port 8080, which no container of this pod declares (they declare " \
           "9000, 9901, 10000)" in finding.problem.message
