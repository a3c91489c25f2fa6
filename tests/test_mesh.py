"""The mesh by example: the production web + db services, emission that passes the strict
schemas, conflict messages, validation of a service's parts, and the public surface."""

import ast
import pickle
from pathlib import Path

import attrs
import pytest
import yaml
from returns.result import Failure, Success

import kancat.algebra.monoidal as monoidal
from kancat.algebra.functor import SlotMap, fmap, map_image, mirror_images
from kancat.algebra.monoidal import ControlPlane, Mesh, MeshService
from kancat.algebra.policy import MeshPolicy, MTLSMode
from kancat.core.diff import ABSENT, differences
from kancat.errors import FieldConflict, InvalidArgument, InvalidValue, MeshConflict
from kancat.examples.production import db, db_service, web, web_service
from kancat.interpret.emit import HasObjects, to_manifests, to_yaml
from kancat.values import (
    Container,
    CronJob,
    DaemonSet,
    Deployment,
    FrozenMap,
    Job,
    Pod,
    ReplicaSet,
    Service,
)
from tests.validators import validate_manifest

WEB = MeshService.of(web, port=80)
DB = MeshService("db", [db], db_service)
SHOP = Mesh.of(WEB, DB)


def _deployment(name: str = "web", *, replicas: int | None = None, tag: str = "1.4.2",
                namespace: str | None = "shop", labels: dict[str, str] | None = None
                ) -> Deployment:
    return Deployment.of(name, namespace=namespace, replicas=replicas, labels=labels,
                         containers=[Container.of("app", image=f"shop/web:{tag}",
                                                  ports={"http": 8080})])


# --- the production example as a mesh ---------------------------------------------------

def test_the_production_services_form_a_mesh() -> None:
    assert WEB.service == web_service  # MeshService.of exposes the workload as Service.expose
    assert SHOP.names == ("shop/db", "shop/web")
    assert SHOP.service("web") is WEB is SHOP.service("shop/web")
    assert [f"{o.kind}/{o.name}" for o in SHOP.objects()] == [
        "Service/db", "StatefulSet/db", "Service/web", "Deployment/web"]
    assert isinstance(SHOP, HasObjects)


def test_every_manifest_of_the_mesh_passes_the_strict_schema() -> None:
    documents = list(yaml.safe_load_all(to_yaml(SHOP)))
    assert [d["kind"] for d in documents] == ["Service", "StatefulSet", "Service", "Deployment"]
    for document in documents:
        validate_manifest(document)
    assert documents == to_manifests(SHOP.objects())


def test_the_empty_mesh_emits_nothing() -> None:
    assert to_manifests(Mesh.unit()) == []
    assert to_yaml(Mesh.of(MeshService.passthrough())) == to_yaml(Mesh.unit())


def test_a_statefulset_governed_by_the_service_gets_a_headless_one() -> None:
    service = MeshService.of(db, port=5432)
    assert service.service is not None and service.service.is_headless
    assert service.service.ports[0].target_port == "postgres"
    assert not MeshService.of(db, port=5432, headless=False).service.is_headless  # type: ignore[union-attr]
    for manifest in to_manifests(Mesh.of(service)):
        validate_manifest(manifest)


def test_fmap_mirrors_every_image_of_every_service_sidecars_and_init_containers_too() -> None:
    mirrored = SHOP.fmap(mirror_images("mirror.internal"))
    images = [str(c.image) for s in mirrored.services.values() for w in s.workloads
              for c in w.template.all_containers]
    assert images and all(i.startswith("mirror.internal/") for i in images), images
    assert fmap(mirror_images("mirror.internal"), SHOP) == mirrored  # Functorial
    assert SHOP.fmap(image=mirror_images("mirror.internal").image) == mirrored
    assert SHOP.fmap(SlotMap.identity()) is SHOP
    assert mirrored.service("web").service == SHOP.service("web").service
    with pytest.raises(InvalidArgument, match="SlotMap"):
        SHOP.fmap("mirror.internal")  # type: ignore[arg-type]


# --- ⊗ ------------------------------------------------------------------------------------

def test_equal_services_combine_to_one_and_policies_join() -> None:
    strict = attrs.evolve(WEB, policy=MeshPolicy.of(mtls="STRICT"))
    egress = attrs.evolve(WEB, policy=MeshPolicy.of(egress_hosts=["api.payments.internal"]))
    combined = Mesh.of(strict).tensor(Mesh.of(egress)).unwrap()
    assert combined.names == ("shop/web",)
    assert combined.service("web").policy == MeshPolicy.of(
        mtls="STRICT", egress_hosts=["api.payments.internal"])
    assert SHOP.tensor(SHOP) == Success(SHOP)


def test_mesh_policies_join_and_control_planes_combine() -> None:
    plane = ControlPlane.of(revision="1-24", default_mtls="STRICT")
    left = Mesh.of(WEB, control_plane=plane, policy=MeshPolicy.of(mtls="PERMISSIVE"))
    right = Mesh.of(DB, policy=MeshPolicy.of(capabilities=["NET_BIND_SERVICE"]))
    both = (left @ right).unwrap()
    assert both.control_plane == plane
    assert both.policy == MeshPolicy.of(mtls="PERMISSIVE", capabilities=["NET_BIND_SERVICE"])
    assert (left @ Mesh(control_plane=plane)).unwrap() == left


def test_a_conflict_names_the_service_and_every_differing_field() -> None:
    scaled = MeshService.of(_deployment(replicas=5, tag="1.5.0"), port=80)
    ours = Mesh.of(MeshService.of(_deployment(replicas=3), port=80))
    result = ours.tensor(Mesh.of(scaled))
    assert isinstance(result, Failure)
    conflict = result.failure()
    assert conflict.service == "shop/web"
    assert conflict.fields == (
        FieldConflict("workloads[web].replicas", 3, 5),
        FieldConflict("workloads[web].template.containers[app].image.tag", "1.4.2", "1.5.0"))
    assert str(conflict) == (
        "service 'shop/web' is defined differently on the two sides of ⊗:\n"
        "  workloads[web].replicas: 3 vs 5\n"
        "  workloads[web].template.containers[app].image.tag: '1.4.2' vs '1.5.0'\n"
        "(make the two definitions equal, rename one of the services, "
        "or leave it out of one side)")
    assert Mesh.of(scaled).tensor(ours) == Failure(conflict.swapped())


def test_the_smallest_conflicting_name_is_reported_and_the_control_plane_first() -> None:
    left = Mesh.of(MeshService.of(_deployment("api"), port=80),
                   MeshService.of(_deployment("web"), port=80))
    right = Mesh.of(MeshService.of(_deployment("api", replicas=2), port=80),
                    MeshService.of(_deployment("web", replicas=2), port=80))
    assert left.tensor(right).failure().service == "shop/api"
    canary = attrs.evolve(right, control_plane=ControlPlane.of(revision="canary"))
    conflict = attrs.evolve(left, control_plane=ControlPlane()).tensor(canary).failure()
    assert conflict.service is None
    assert conflict.fields == (FieldConflict("revision", None, "canary"),)
    assert str(conflict) == (
        "the two meshes have different control planes:\n"
        "  revision: None vs 'canary'\n"
        "(use one control plane: give both meshes the same one, or None to one side)")


def test_a_missing_workload_shows_as_absent() -> None:
    canary = _deployment("web-canary", labels={"app": "web"})
    one = MeshService.of(_deployment(labels={"app": "web"}), port=80)
    two = MeshService.of(_deployment(labels={"app": "web"}), canary, port=80)
    (field,) = one.differences(two)
    assert (field.field, field.left, field.right) == ("workloads[web-canary]", ABSENT, canary)
    assert "workloads[web-canary]: <absent> vs Deployment(" in str(field)


def test_a_long_conflict_lists_the_first_fields_and_counts_the_rest() -> None:
    fields = [FieldConflict(f"f{i}", i, i + 1) for i in range(10)]
    text = str(MeshConflict("web", fields))
    assert "  f7: 7 vs 8\n  ... and 2 more fields\n" in text and "f8:" not in text


def test_the_operator_propagates_failures() -> None:
    clash = Mesh.of(MeshService.of(_deployment(replicas=9), port=80))
    ours = Mesh.of(MeshService.of(_deployment(), port=80))
    failed = ours @ clash
    assert isinstance(failed, Failure)
    assert failed @ SHOP == failed
    assert SHOP @ failed == failed
    assert (ours @ Mesh.unit() @ Mesh.unit()) == Success(ours)
    with pytest.raises(InvalidArgument, match=r"Mesh\.of"):
        ours.tensor(WEB)  # type: ignore[arg-type]


def test_of_raises_the_conflict_create_returns_it() -> None:
    other = MeshService.of(_deployment(replicas=4), port=80)
    mine = MeshService.of(_deployment(), port=80)
    with pytest.raises(MeshConflict) as raised:
        Mesh.of(mine, other)
    assert raised.value.service == "shop/web"
    assert Mesh.create(mine, other) == Failure(raised.value)
    assert Mesh.create(mine, Mesh.of(DB)) == Success(Mesh.of(mine, DB))
    with pytest.raises(InvalidArgument, match=r"MeshService\.of"):
        Mesh.of(web_service)  # type: ignore[arg-type]


def test_fmap_can_make_conflicting_definitions_equal() -> None:
    """Bifunctoriality is an equation where ``a ⊗ b`` is defined: a map that retags both
    versions to one tag turns a conflict into a mesh."""
    old = Mesh.of(MeshService.of(_deployment(tag="1.0"), port=80))
    new = Mesh.of(MeshService.of(_deployment(tag="2.0"), port=80))
    pin = map_image(lambda image: image.with_tag("2.0"))
    assert isinstance(old.tensor(new), Failure)
    assert old.fmap(pin).tensor(new.fmap(pin)) == Success(new)


def test_two_services_in_front_of_one_deployment_emit_it_once() -> None:
    admin = MeshService("web-admin", [web], Service.of("web-admin", selector={"app": "web"},
                                                       ports={"http": 9090}, namespace="shop"))
    kinds = [f"{o.kind}/{o.name}" for o in Mesh.of(WEB, admin).objects()]
    assert kinds == ["Service/web", "Deployment/web", "Service/web-admin"]


# --- validation -------------------------------------------------------------------------

def _paths(error: InvalidValue) -> list[str]:
    return [p.path for p in error.problems]


def test_a_service_checks_that_its_parts_agree() -> None:
    other_namespace = _deployment("web-canary", namespace="dev", labels={"app": "web"})
    unselected = _deployment("api", labels={"app": "api"})
    wrong_name = Service.of("frontend", selector={"app": "web"}, ports={"http": 80},
                            namespace="shop")
    with pytest.raises(InvalidValue) as raised:
        MeshService("web", [_deployment(), other_namespace, unselected, _deployment()],
                    wrong_name)
    assert _paths(raised.value) == [
        "workloads[3].metadata.name", "workloads[1].metadata.namespace",
        "service.metadata.name", "service.spec.selector"]
    assert "does not select the pods of workloads[2] (Deployment/api" in str(raised.value)


def test_a_service_targets_only_declared_port_names() -> None:
    metrics = Service.of("web", selector={"app": "web"}, ports={"metrics": 9090},
                         namespace="shop")
    with pytest.raises(InvalidValue) as raised:
        MeshService("web", [_deployment()], metrics)
    assert _paths(raised.value) == ["service.spec.ports[0].targetPort"]
    assert "port name 'metrics' is declared by no container" in str(raised.value)


def test_a_service_without_a_selector_routes_nowhere() -> None:
    external = Service.of("web", selector={}, ports={"http": 80}, namespace="shop")
    with pytest.raises(InvalidValue, match="no selector"):
        MeshService("web", [_deployment()], external)
    assert MeshService("web", [], external).workloads == ()  # a Service alone is fine


def test_bad_names_and_types() -> None:
    with pytest.raises(InvalidValue) as raised:
        MeshService("1web")
    assert _paths(raised.value) == ["name"]
    with pytest.raises(InvalidValue) as raised:
        MeshService.of(_deployment(), port=70000)
    assert _paths(raised.value) == ["service.spec.ports[0].port"]
    with pytest.raises(InvalidArgument, match="workloads"):
        MeshService("web", [web_service])  # type: ignore[list-item]
    with pytest.raises(InvalidArgument, match="policy"):
        MeshService("web", policy="STRICT")  # type: ignore[arg-type]
    with pytest.raises(InvalidValue) as raised:
        ControlPlane.of(revision="Canary", default_mtls="strict")
    assert _paths(raised.value) == ["defaultMtls", "revision"]


def test_the_mesh_constructor_keeps_its_normal_form() -> None:
    with pytest.raises(InvalidValue) as raised:
        Mesh({"frontend": WEB})
    assert _paths(raised.value) == ["services['frontend']"]
    assert Mesh({"passthrough": MeshService.passthrough()}) == Mesh.unit()
    assert Mesh({"shop/web": WEB}).services == FrozenMap({"shop/web": WEB})
    with pytest.raises(InvalidArgument, match=r"Mesh\.of"):
        Mesh([WEB])  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match="control_plane"):
        Mesh(control_plane="istio")  # type: ignore[arg-type]


def test_the_passthrough_is_any_service_that_stands_for_nothing() -> None:
    assert MeshService.passthrough().is_passthrough
    assert MeshService.passthrough("noop").is_passthrough
    assert not MeshService("noop", policy=MeshPolicy.of(mtls="STRICT")).is_passthrough
    assert Mesh.of(WEB, MeshService.passthrough()) == Mesh.of(WEB)


def test_looking_up_a_missing_service_names_the_services_there_are() -> None:
    with pytest.raises(KeyError,
                       match="no service 'api' in the mesh \\(it has: shop/db, shop/web\\)"):
        SHOP.service("api")


# --- the error values and the public surface --------------------------------------------

def test_a_conflict_pickles_and_compares_by_value() -> None:
    conflict = MeshConflict("web", [FieldConflict("workloads[web]", ABSENT, 3)])
    copy = pickle.loads(pickle.dumps(conflict))
    assert copy == conflict and hash(copy) == hash(conflict)
    assert copy.fields[0].left is ABSENT
    assert isinstance(conflict, ValueError)
    assert conflict.swapped().swapped() == conflict


def test_differences_go_as_deep_as_both_sides_have_structure() -> None:
    assert differences(1, 1) == []
    assert differences((1, 2), (2, 1)) == [FieldConflict("[0]", 1, 2), FieldConflict("[1]", 2, 1)]
    assert differences((1,), (1, 2)) == [FieldConflict("(value)", (1,), (1, 2))]
    assert ControlPlane().differences(ControlPlane(default_mtls=MTLSMode.STRICT)) == (
        FieldConflict("default_mtls", MTLSMode.PERMISSIVE, MTLSMode.STRICT),)


def test_all_lists_exactly_the_public_names() -> None:
    tree = ast.parse(Path(monoidal.__file__).read_text(encoding="utf-8"))
    imported = {alias.asname or alias.name.split(".")[0] for node in ast.walk(tree)
                if isinstance(node, (ast.Import, ast.ImportFrom)) for alias in node.names}
    # Names that are not identifiers (pytest's assertion rewriting adds '@py_builtins')
    # are not part of the module's surface.
    public = {name for name in vars(monoidal)
              if not name.startswith("_") and name.isidentifier()} - imported
    assert set(monoidal.__all__) == public
    assert monoidal.__all__ == sorted(monoidal.__all__)


def test_kancat_emit_takes_a_mesh_as_target(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    from kancat.cli import main

    target = tmp_path / "shopmesh.py"
    target.write_text(
        "from kancat.algebra.monoidal import Mesh, MeshService\n"
        "from kancat.examples.production import web\n"
        "mesh = Mesh.of(MeshService.of(web, port=80))\n", encoding="utf-8")
    assert main(["emit", f"{target}:mesh"]) == 0
    kinds = [d["kind"] for d in yaml.safe_load_all(capsys.readouterr().out)]
    assert kinds == ["Service", "Deployment"]


# --- services are keyed by identity, and one object has one definition ----------------------

def test_one_name_in_two_namespaces_is_two_services() -> None:
    shop = MeshService.of(_deployment(namespace="shop"), port=80)
    blog = MeshService.of(_deployment(namespace="blog", replicas=2), port=80)
    both = (Mesh.of(shop) @ Mesh.of(blog)).unwrap()
    assert both.names == ("blog/web", "shop/web")
    assert [f"{o.kind}/{o.namespace}/{o.name}" for o in both.objects()] == [
        "Service/blog/web", "Deployment/blog/web", "Service/shop/web", "Deployment/shop/web"]
    with pytest.raises(KeyError, match="blog/web, shop/web"):
        both.service("web")  # ambiguous: name the namespace


def test_two_services_with_different_versions_of_one_object_conflict() -> None:
    api = MeshService("api", [_deployment("web")])
    public = MeshService("public", [_deployment("web", replicas=5)])
    result = Mesh.of(api) @ Mesh.of(public)
    assert isinstance(result, Failure)
    conflict = result.failure()
    assert conflict.identity == "Deployment/shop/web"
    assert (conflict.service, conflict.other_service) == ("shop/api", "shop/public")
    assert conflict.fields == (FieldConflict("replicas", None, 5),)
    assert str(conflict).splitlines()[0] == (
        "Deployment/shop/web is defined differently by service 'shop/api' and service "
        "'shop/public' on the two sides of ⊗:")
    assert Mesh.of(public) @ Mesh.of(api) == Failure(conflict.swapped())
    with pytest.raises(InvalidValue, match="Deployment/shop/web is defined differently"):
        Mesh({"shop/api": api, "shop/public": public})
    # The same object carried alike by two services is one object.
    twin = MeshService("twin", [_deployment("web")])
    assert len((Mesh.of(api) @ Mesh.of(twin)).unwrap().objects()) == 1


# --- every long-running pod controller can be a mesh service's workload ----------------------

def _agent(tag: str = "2.1") -> DaemonSet:
    return DaemonSet.of("node-agent", namespace="ops", containers=[
        Container.of("agent", image=f"ops/agent:{tag}", ports={"metrics": 9100})])


def _cache(replicas: int = 2) -> ReplicaSet:
    return ReplicaSet.of("cache", namespace="ops", replicas=replicas, containers=[
        Container.of("redis", image="redis:7.4", ports={"redis": 6379})])


def test_daemonsets_and_replicasets_are_exposed_and_form_a_mesh() -> None:
    agent, cache = MeshService.of(_agent(), port=9100), MeshService.of(_cache(), port=6379)
    assert agent.service == Service.expose(_agent(), port=9100)
    assert cache.service is not None and not cache.service.is_headless
    assert (dict(cache.service.selector), cache.service.ports[0].target_port) == (
        {"app": "cache"}, "redis")
    mesh = Mesh.of(agent, cache)
    assert [f"{o.kind}/{o.name}" for o in mesh.objects()] == [
        "Service/cache", "ReplicaSet/cache", "Service/node-agent", "DaemonSet/node-agent"]
    for manifest in to_manifests(mesh):
        validate_manifest(manifest)
    assert (mesh @ Mesh.of(agent)).unwrap() == mesh
    images = [str(c.image) for s in mesh.fmap(mirror_images("mirror.internal")).services.values()
              for w in s.workloads for c in w.template.containers]
    assert images == ["mirror.internal/library/redis:7.4", "mirror.internal/ops/agent:2.1"]


def test_conflicts_name_the_fields_of_daemonsets_and_replicasets() -> None:
    result = Mesh.of(MeshService.of(_agent(), port=9100)) @ Mesh.of(
        MeshService.of(_agent("2.2"), port=9100))
    assert isinstance(result, Failure)
    assert result.failure().fields == (FieldConflict(
        "workloads[node-agent].template.containers[agent].image.tag", "2.1", "2.2"),)
    # one ReplicaSet, two versions, carried by two services: an object clash
    clash = Mesh.of(MeshService("cache", [_cache()])) @ Mesh.of(
        MeshService("redis", [_cache(replicas=3)]))
    assert isinstance(clash, Failure)
    assert clash.failure().identity == "ReplicaSet/ops/cache"
    assert clash.failure().fields == (FieldConflict("replicas", 2, 3),)


def test_jobs_cronjobs_and_bare_pods_run_no_mesh_service() -> None:
    app = Container.of("app", image="shop/web:1.4.2", ports={"http": 8080})
    for value in (Job.of("migrate", containers=[app]),
                  CronJob.of("nightly", schedule="@daily", containers=[app]),
                  Pod.of("debug", containers=[app])):
        with pytest.raises(InvalidArgument, match=r"workloads\[0\] must be a Deployment or "
                                                  "StatefulSet or ReplicaSet or DaemonSet"):
            MeshService("web", [value])  # type: ignore[list-item]
