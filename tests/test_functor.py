"""Everyday edits as fmaps over the production example."""

import pytest

from kancat.algebra.functor import (
    SlotMap,
    add_volume_mount,
    compose_all,
    fmap,
    mirror_images,
    pin_digests,
    set_env,
    set_resources,
)
from kancat.errors import InvalidArgument, InvalidValue
from kancat.examples import production
from kancat.interpret.emit import to_manifests
from kancat.values import Container, Deployment, StatefulSet
from tests.validators import validate_manifest

DIGEST = "sha256:" + "0123456789abcdef" * 4

WEB = production[3]  # the web Deployment, its logging sidecar injected


def _containers(objects: list[object]) -> list[Container]:
    return [c for o in objects if isinstance(o, (Deployment, StatefulSet))
            for c in o.template.all_containers]


def test_mirroring_reaches_every_container_and_stays_valid() -> None:
    mirrored = fmap(mirror_images("mirror.internal:5000"), production)
    images = [str(c.image) for c in _containers(mirrored)]
    assert images == [
        "mirror.internal:5000/shop/web:1.4.2", "mirror.internal:5000/fluent/fluent-bit:3.2.4",
        "mirror.internal:5000/shop/db-init:1.0.0", "mirror.internal:5000/library/postgres:16.4"]
    for manifest in to_manifests(mirrored):
        validate_manifest(manifest)


def test_pinning_digests_by_tag_or_by_name() -> None:
    pinned = fmap(pin_digests({"registry.example.com/shop/web:1.4.2": DIGEST,
                               "postgres": DIGEST}), production)
    digests = {c.name: c.image.digest for c in _containers(pinned)}
    assert digests == {"app": DIGEST, "log-forwarder": None, "init-database": None,
                       "database": DIGEST}


def test_a_pin_that_matches_no_image_is_a_problem_naming_the_images() -> None:
    with pytest.raises(InvalidValue) as info:
        fmap(pin_digests({"registry.example.com/shop/web:1.4.3": DIGEST, "postgres": DIGEST}),
             production)
    (problem,) = info.value.problems
    assert problem.path == "digests['registry.example.com/shop/web:1.4.3']"
    assert "registry.example.com/shop/web:1.4.2" in problem.message
    # Over a mesh, the pins are checked against the whole mesh, not one workload at a time.
    from kancat.algebra.monoidal import Mesh, MeshService
    from kancat.examples.production import db, db_service, web, web_service

    mesh = Mesh.of(MeshService.of(web, port=80), MeshService("db", [db], db_service))
    pinned = mesh.fmap(pin_digests({"registry.example.com/shop/web:1.4.2": DIGEST,
                                    "postgres": DIGEST}))
    assert pinned.service("db").workloads[0].template.containers[0].image.digest == DIGEST
    _ = web_service


def test_bad_edit_arguments_name_the_field() -> None:
    with pytest.raises(InvalidValue, match="registry"):
        mirror_images("not a host")
    with pytest.raises(InvalidValue) as info:
        pin_digests({"web:1": "sha256:short"})
    assert info.value.problems[0].path == "digests['web:1']"


def test_set_env_upserts_in_place() -> None:
    web = fmap(set_env("LOG_DIR", "/logs").then(set_env("NEW", "1")), WEB)
    app = web.template.containers[0]
    assert [(e.name, e.value) for e in app.env] == [("LOG_DIR", "/logs"), ("NEW", "1")]


def test_add_volume_mount_needs_the_volume_declared() -> None:
    web = fmap(add_volume_mount("logs", "/extra"), WEB)
    assert all(any(m.mount_path == "/extra" for m in c.volume_mounts)
               for c in web.template.containers)
    with pytest.raises(InvalidValue, match="not declared"):
        fmap(add_volume_mount("cache", "/cache"), WEB)


def test_set_resources_keeps_requests_below_limits() -> None:
    bounded = fmap(set_resources(limits={"cpu": "2"}), WEB)
    assert str(bounded.template.containers[0].resources.limits["cpu"]) == "2"
    with pytest.raises(InvalidValue, match="above the limit"):
        fmap(set_resources(limits={"memory": "1Mi"}), WEB)


def test_objects_without_containers_are_unchanged() -> None:
    edit = mirror_images("mirror.internal")
    assert fmap(edit, production[0]) is production[0]
    assert fmap(edit, production[4]) is production[4]


def test_compose_all_and_identity() -> None:
    assert compose_all([]).is_identity
    assert fmap(SlotMap.identity(), production) == production
    assert compose_all([mirror_images("m.internal"), set_env("A", "1")])(WEB) == fmap(
        mirror_images("m.internal").then(set_env("A", "1")), WEB)


def test_fmap_refuses_what_it_cannot_map() -> None:
    with pytest.raises(InvalidArgument, match="int"):
        fmap(SlotMap.identity(), 3)
