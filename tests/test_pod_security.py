"""The Pod Security Standards checker (``kancat.values.pod_security``) and the
``restricted()`` hardening (``kancat.patterns.security``): each control with a pod that
breaks it and the exact path, the namespace labels, and what hardening sets, keeps and
refuses — with the hardened objects' manifests checked by the real validators."""

from typing import Any

import attrs
import pytest

from kancat.algebra.functor import (
    SlotMap,
    fmap,
    mirror_images,
    pin_digests,
    set_env,
    set_resources,
)
from kancat.algebra.policy import PodSecurityLevel
from kancat.errors import InvalidArgument, InvalidValue, Problem
from kancat.examples.production import db, production, web
from kancat.interpret.emit import to_manifests
from kancat.patterns import security
from kancat.patterns.security import (
    DEFAULT_RUN_AS_USER,
    harden_containers,
    pod_security_labels,
    pod_security_problems,
    restricted,
)
from kancat.patterns.sidecars import envoy, fluent_bit, inject, node_exporter
from kancat.values import (
    Capabilities,
    Container,
    ContainerPort,
    Deployment,
    EmptyDir,
    HTTPGetAction,
    Namespace,
    OtherVolumeSource,
    PodSecurityContext,
    PodTemplate,
    Probe,
    SeccompProfile,
    SecurityContext,
    StatefulSet,
    TCPSocketAction,
    Volume,
)
from kancat.values import pod_security as standard
from kancat.values.pod_security import pod_security_violations
from tests.validators import validate_manifest

RUNTIME_DEFAULT = SeccompProfile("RuntimeDefault")
LOCKED = SecurityContext(allow_privilege_escalation=False, capabilities=Capabilities(drop=["ALL"]))
POD_LOCKED = PodSecurityContext(run_as_non_root=True, seccomp_profile=RUNTIME_DEFAULT)


def container(name: str = "app", **security: Any) -> Container:
    """A container passing restricted, with ``security`` changed in its context."""
    return Container.of(name, image="shop/web:1.4.2",
                        security_context=attrs.evolve(LOCKED, **security))


def pod(*containers: Container, **fields: Any) -> PodTemplate:
    """A pod passing restricted (given containers that do), with ``fields`` changed."""
    fields.setdefault("security_context", POD_LOCKED)
    return PodTemplate(containers=containers or (container(),), **fields)


def paths(problems: list[Problem]) -> list[str]:
    return [problem.path for problem in problems]


def test_the_locked_pod_passes_every_level() -> None:
    for level in ("privileged", "baseline", "restricted"):
        assert pod_security_problems(pod(container("a"), container("b")), level) == []


# --- baseline, control by control --------------------------------------------------------

def _with_extra(context: SecurityContext, **extra: Any) -> SecurityContext:
    return attrs.evolve(context, extra={**context.extra, **extra})


BASELINE_CASES = [
    pytest.param(pod(security_context=attrs.evolve(POD_LOCKED, extra={
        "windowsOptions": {"hostProcess": True}})),
        ["spec.securityContext.windowsOptions.hostProcess"], "hostProcess", id="hostProcess-pod"),
    pytest.param(pod(container("a"), container("b", extra={"windowsOptions": {
        "hostProcess": True}})),
        ["spec.containers[1].securityContext.windowsOptions.hostProcess"], "hostProcess",
        id="hostProcess-container"),
    pytest.param(pod(host_network=True), ["spec.hostNetwork"], "hostNetwork", id="hostNetwork"),
    pytest.param(pod(spec_extra={"hostPID": True, "hostIPC": False}), ["spec.hostPID"],
                 "hostPID", id="hostPID"),
    pytest.param(pod(spec_extra={"hostIPC": True}), ["spec.hostIPC"], "hostIPC", id="hostIPC"),
    pytest.param(pod(container("a"), container("b", privileged=True,
                                                allow_privilege_escalation=None)),
                 ["spec.containers[1].securityContext.privileged"], "privileged",
                 id="privileged"),
    pytest.param(pod(container(capabilities=Capabilities(add=["NET_BIND_SERVICE", "SYS_ADMIN"],
                                                         drop=["ALL"]))),
                 ["spec.containers[0].securityContext.capabilities.add[1]"], "SYS_ADMIN",
                 id="capabilities"),
    pytest.param(pod(volumes=[Volume("a", EmptyDir()), Volume("b", EmptyDir()), Volume(
        "logs", OtherVolumeSource({"hostPath": {"path": "/var/log"}}))]),
        ["spec.volumes[2].hostPath"], "hostPath", id="hostPath"),
    pytest.param(pod(Container.of("app", image="shop/web:1.4.2", security_context=LOCKED,
                                  ports=[ContainerPort(8080, "http"),
                                         ContainerPort(9100, "metrics", host_port=9100)])),
                 ["spec.containers[0].ports[1].hostPort"], "hostPort 9100", id="hostPort"),
    pytest.param(pod(Container.of("app", image="shop/web:1.4.2", security_context=LOCKED,
                                  readiness_probe=Probe(HTTPGetAction(8080, host="10.0.0.1")),
                                  liveness_probe=Probe(TCPSocketAction(8080)))),
                 ["spec.containers[0].readinessProbe.httpGet.host"], "readinessProbe",
                 id="probe-host"),
    pytest.param(pod(attrs.evolve(container(), extra={"lifecycle": {"preStop": {
        "tcpSocket": {"port": 8080, "host": "node.internal"}}}})),
        ["spec.containers[0].lifecycle.preStop.tcpSocket.host"], "lifecycle.preStop",
        id="lifecycle-host"),
    pytest.param(pod(container(extra={"appArmorProfile": {"type": "Unconfined"}})),
                 ["spec.containers[0].securityContext.appArmorProfile.type"], "AppArmor",
                 id="appArmor-field"),
    pytest.param(pod(annotations={"container.apparmor.security.beta.kubernetes.io/app":
                                  "unconfined"}),
                 ["metadata.annotations['container.apparmor.security.beta.kubernetes.io/app']"],
                 "AppArmor", id="appArmor-annotation"),
    pytest.param(pod(security_context=attrs.evolve(POD_LOCKED, extra={"seLinuxOptions": {
        "type": "spc_t", "user": "system_u", "role": "system_r", "level": "s0:c1,c2"}})),
        ["spec.securityContext.seLinuxOptions.type", "spec.securityContext.seLinuxOptions.user",
         "spec.securityContext.seLinuxOptions.role"], "SELinux", id="seLinux"),
    pytest.param(pod(container(extra={"procMount": "Unmasked"})),
                 ["spec.containers[0].securityContext.procMount"], "procMount", id="procMount"),
    pytest.param(pod(security_context=attrs.evolve(
        POD_LOCKED, seccomp_profile=SeccompProfile("Unconfined"))),
        ["spec.securityContext.seccompProfile.type"], "seccomp", id="seccomp-pod"),
    pytest.param(pod(container(seccomp_profile=SeccompProfile("Unconfined"))),
                 ["spec.containers[0].securityContext.seccompProfile.type"], "seccomp",
                 id="seccomp-container"),
    pytest.param(pod(security_context=attrs.evolve(POD_LOCKED, extra={"sysctls": [
        {"name": "kernel.shm_rmid_forced", "value": "1"},
        {"name": "net.core.somaxconn", "value": "1024"}]})),
        ["spec.securityContext.sysctls[1].name"], "net.core.somaxconn", id="sysctls"),
]


@pytest.mark.parametrize(("target", "expected", "named"), BASELINE_CASES)
def test_each_baseline_control(target: PodTemplate, expected: list[str], named: str) -> None:
    found = pod_security_problems(target, "baseline")
    assert paths(found) == expected
    assert all(p.message.startswith("baseline: ") and p.hint for p in found)
    assert named in found[0].message
    # Restricted is cumulative, and reports each violation once (a privileged container
    # also allows privilege escalation: restricted's own problem, at its own field).
    stricter = paths(pod_security_problems(target, "restricted"))
    assert stricter[:len(expected)] == expected and len(set(stricter)) == len(stricter)
    assert stricter[len(expected):] == (
        ["spec.containers[1].securityContext.allowPrivilegeEscalation"]
        if named == "privileged" else [])
    assert pod_security_problems(target, "privileged") == []


def test_what_baseline_allows() -> None:
    allowed = pod(
        container("a", capabilities=Capabilities(drop=["ALL"], add=["NET_BIND_SERVICE"]),
                  extra={"appArmorProfile": {"type": "Localhost", "localhostProfile": "web"},
                         "seLinuxOptions": {"type": "container_t", "level": "s0:c1,c2"},
                         "procMount": "Default"}),
        container("b", seccomp_profile=SeccompProfile("Localhost", "profiles/web.json")),
        host_network=False, spec_extra={"hostPID": False},
        annotations={"container.apparmor.security.beta.kubernetes.io/a": "runtime/default",
                     "container.apparmor.security.beta.kubernetes.io/b": "localhost/web"},
        security_context=attrs.evolve(POD_LOCKED, extra={"sysctls": [
            {"name": "net.ipv4.ip_local_port_range", "value": "1024 65535"},
            {"name": "net.ipv4.tcp_keepalive_time", "value": "600"}]}))
    assert pod_security_problems(allowed, "restricted") == []


def test_baseline_lets_root_and_escalation_through() -> None:
    rooted = PodTemplate.of([Container.of("app", image="shop/web:1.4.2", security_context=(
        SecurityContext(run_as_user=0, allow_privilege_escalation=True,
                        capabilities=Capabilities(add=["CHOWN"]))))])
    assert pod_security_problems(rooted, "baseline") == []
    assert paths(pod_security_problems(rooted, "restricted")) == [
        "spec.containers[0].securityContext.allowPrivilegeEscalation",
        "spec.securityContext.runAsNonRoot",
        "spec.containers[0].securityContext.runAsUser",
        "spec.securityContext.seccompProfile",
        "spec.containers[0].securityContext.capabilities.drop",
        "spec.containers[0].securityContext.capabilities.add[0]",
    ]


# --- restricted, control by control ------------------------------------------------------

RESTRICTED_CASES = [
    pytest.param(pod(volumes=[Volume("share", OtherVolumeSource({"nfs": {
        "server": "nfs.internal", "path": "/exports"}})), Volume("secrets", OtherVolumeSource(
            {"csi": {"driver": "secrets.csi.internal"}}))]),
        ["spec.volumes[0].nfs"], "nfs volumes", id="volume-types"),
    pytest.param(pod(container(allow_privilege_escalation=None)),
                 ["spec.containers[0].securityContext.allowPrivilegeEscalation"],
                 "allowPrivilegeEscalation must be false", id="escalation-unset"),
    pytest.param(PodTemplate(init_containers=[container("init", allow_privilege_escalation=True)],
                             containers=[container()], security_context=POD_LOCKED),
                 ["spec.initContainers[0].securityContext.allowPrivilegeEscalation"],
                 "allowPrivilegeEscalation", id="escalation-init"),
    pytest.param(pod(container("a", run_as_non_root=True), container("b"),
                     security_context=PodSecurityContext(seccomp_profile=RUNTIME_DEFAULT)),
                 ["spec.securityContext.runAsNonRoot"], "container 'b'", id="non-root-inherited"),
    pytest.param(pod(container("a"), container("b", run_as_non_root=False)),
                 ["spec.containers[1].securityContext.runAsNonRoot"], "runAsNonRoot must be true",
                 id="non-root-container-false"),
    pytest.param(pod(container("a", run_as_non_root=True), security_context=attrs.evolve(
        POD_LOCKED, run_as_non_root=False)),
        ["spec.securityContext.runAsNonRoot"], "runAsNonRoot must be true", id="non-root-pod-false"),
    pytest.param(pod(container(run_as_user=0), security_context=PodSecurityContext(
        run_as_user=0, seccomp_profile=RUNTIME_DEFAULT, run_as_non_root=None)),
        ["spec.securityContext.runAsNonRoot", "spec.securityContext.runAsUser",
         "spec.containers[0].securityContext.runAsUser"], "runAsNonRoot", id="run-as-root"),
    pytest.param(pod(container("a", seccomp_profile=RUNTIME_DEFAULT), container("b"),
                     security_context=PodSecurityContext(run_as_non_root=True)),
                 ["spec.securityContext.seccompProfile"], "container 'b'", id="seccomp-inherited"),
    pytest.param(pod(container(capabilities=Capabilities(drop=["NET_RAW"]))),
                 ["spec.containers[0].securityContext.capabilities.drop"], "ALL", id="drop-all"),
    pytest.param(pod(container(capabilities=None)),
                 ["spec.containers[0].securityContext.capabilities.drop"], "ALL",
                 id="no-capabilities"),
    pytest.param(pod(container(capabilities=Capabilities(drop=["ALL"], add=["CHOWN"]))),
                 ["spec.containers[0].securityContext.capabilities.add[0]"], "'CHOWN'",
                 id="add-beyond-net-bind"),
]


@pytest.mark.parametrize(("target", "expected", "named"), RESTRICTED_CASES)
def test_each_restricted_control(target: PodTemplate, expected: list[str], named: str) -> None:
    found = pod_security_problems(target, "restricted")
    assert paths(found) == expected
    assert named in found[0].message
    assert all(p.message.startswith("restricted: ") and p.hint for p in found)
    assert pod_security_problems(target, "baseline") == []


def test_containers_inherit_the_pods_settings() -> None:
    bare = SecurityContext(allow_privilege_escalation=False,
                           capabilities=Capabilities(drop=["ALL"]))
    inheriting = PodTemplate(containers=[Container.of("app", image="shop/web:1.4.2",
                                                      security_context=bare)],
                             security_context=POD_LOCKED)
    assert pod_security_problems(inheriting, "restricted") == []
    each_its_own = PodTemplate(containers=[Container.of(
        "app", image="shop/web:1.4.2", security_context=attrs.evolve(
            bare, run_as_non_root=True, seccomp_profile=SeccompProfile("Localhost", "p.json")))])
    assert pod_security_problems(each_its_own, "restricted") == []


def test_a_message_and_hint_in_full() -> None:
    [problem] = pod_security_problems(pod(container(allow_privilege_escalation=None)),
                                      "restricted")
    assert str(problem) == ("spec.containers[0].securityContext.allowPrivilegeEscalation: "
                            "restricted: allowPrivilegeEscalation must be false (set "
                            "securityContext.allowPrivilegeEscalation: false)")


def test_ephemeral_containers_count_too() -> None:
    debug = {"name": "debug", "image": "busybox:1.36", "securityContext": {
        "privileged": True, "capabilities": {"add": ["SYS_PTRACE"]}}, "ports": [
        {"containerPort": 80, "hostPort": 80}]}
    target = pod(spec_extra={"ephemeralContainers": [debug]})
    assert paths(pod_security_problems(target, "baseline")) == [
        "spec.ephemeralContainers[0].securityContext.privileged",
        "spec.ephemeralContainers[0].securityContext.capabilities.add[0]",
        "spec.ephemeralContainers[0].ports[0].hostPort",
    ]
    assert paths(pod_security_problems(target, "restricted"))[3:] == [
        "spec.ephemeralContainers[0].securityContext.allowPrivilegeEscalation",
        "spec.ephemeralContainers[0].securityContext.capabilities.drop",
    ]


def test_a_windows_pod_is_not_asked_for_linux_fields() -> None:
    windows = PodTemplate.of([Container.of("app", image="shop/web:1.4.2")],
                             security_context=PodSecurityContext(run_as_non_root=True))
    windows = attrs.evolve(windows, spec_extra={"os": {"name": "windows"}})
    assert pod_security_problems(windows, "restricted") == []
    linux = attrs.evolve(windows, spec_extra={"os": {"name": "linux"}})
    assert len(pod_security_problems(linux, "restricted")) == 3


@pytest.mark.parametrize("level", [PodSecurityLevel.RESTRICTED, "restricted"])
def test_levels_by_name_or_enum_member(level: object) -> None:
    target = PodTemplate.of([Container.of("app", image="shop/web:1.4.2")])
    assert len(pod_security_problems(target, level)) == 4
    assert pod_security_problems(target, PodSecurityLevel.PRIVILEGED) == []


@pytest.mark.parametrize("level", ["Restricted", "strict", None, 3])
def test_a_wrong_level_is_a_misuse(level: object) -> None:
    with pytest.raises(InvalidArgument, match="'privileged', 'baseline' or 'restricted'"):
        pod_security_problems(pod(), level)


def test_a_workload_is_not_a_pod_template() -> None:
    with pytest.raises(InvalidArgument, match="template"):
        pod_security_problems(web, "restricted")  # type: ignore[arg-type]


def test_violations_name_their_controls() -> None:
    names = {name for level in ("baseline", "restricted")
             for name, _ in standard.CONTROLS[level]}
    assert len(names) == 19  # 12 baseline, 7 restricted
    target = pod(container(privileged=True, allow_privilege_escalation=None))
    assert [c for c, _ in pod_security_violations(target, "restricted")] == [
        "privileged", "allowPrivilegeEscalation"]


# --- the namespace labels ----------------------------------------------------------------

def test_labels_default_audit_and_warn_to_the_enforced_level() -> None:
    assert pod_security_labels(PodSecurityLevel.BASELINE) == {
        "pod-security.kubernetes.io/enforce": "baseline",
        "pod-security.kubernetes.io/enforce-version": "latest",
        "pod-security.kubernetes.io/audit": "baseline",
        "pod-security.kubernetes.io/audit-version": "latest",
        "pod-security.kubernetes.io/warn": "baseline",
        "pod-security.kubernetes.io/warn-version": "latest",
    }


def test_labels_make_a_valid_namespace() -> None:
    labels = pod_security_labels("baseline", version="v1.32", audit="restricted",
                                 warn=PodSecurityLevel.RESTRICTED)
    assert labels["pod-security.kubernetes.io/warn"] == "restricted"
    assert labels["pod-security.kubernetes.io/enforce-version"] == "v1.32"
    for manifest in to_manifests(Namespace.of("shop", labels=labels)):
        validate_manifest(manifest)


def test_bad_labels_name_every_parameter() -> None:
    with pytest.raises(InvalidValue) as raised:
        pod_security_labels("restricted", version="1.32", audit="Baseline", warn=7)
    assert paths(list(raised.value.problems)) == ["audit", "warn", "version"]


# --- restricted(): what it sets and keeps ------------------------------------------------

def test_restricted_hardens_every_container_and_the_pod() -> None:
    target = Deployment.of("web", containers=[Container.of("app", image="shop/web:1.4.2")],
                           init_containers=[
                               Container.of("migrate", image="shop/web:1.4.2"),
                               Container.of("proxy", image="envoyproxy/envoy:v1.31.2",
                                            restart_policy="Always")])
    hardened = restricted()(target)
    template = hardened.template
    assert pod_security_problems(template, "restricted") == []
    for each in template.all_containers:
        assert each.security_context == SecurityContext(
            allow_privilege_escalation=False, capabilities=Capabilities(drop=["ALL"]),
            read_only_root_filesystem=True)
    assert template.security_context == PodSecurityContext(
        run_as_non_root=True, run_as_user=DEFAULT_RUN_AS_USER, seccomp_profile=RUNTIME_DEFAULT)
    assert template.automount_service_account_token is False
    assert attrs.evolve(hardened, template=target.template) == target
    for manifest in to_manifests(hardened):
        validate_manifest(manifest)


def test_restricted_keeps_what_already_passes() -> None:
    kept = Container.of("app", image="shop/web:1.4.2", security_context=SecurityContext(
        capabilities=Capabilities(add=["NET_BIND_SERVICE"], drop=["NET_RAW"]), run_as_user=999,
        seccomp_profile=SeccompProfile("Localhost", "profiles/web.json"),
        read_only_root_filesystem=False))
    target = PodTemplate.of([kept], security_context=PodSecurityContext(
        run_as_user=1000, fs_group=2000, seccomp_profile=SeccompProfile("Localhost", "p.json")))
    context = restricted()(target).containers[0].security_context
    assert context is not None and context.capabilities is not None
    assert context.capabilities == Capabilities(add=["NET_BIND_SERVICE"], drop=["NET_RAW", "ALL"])
    assert context.run_as_user == 999
    assert context.seccomp_profile == SeccompProfile("Localhost", "profiles/web.json")
    assert context.read_only_root_filesystem is True
    pod_context = restricted()(target).security_context
    assert pod_context == PodSecurityContext(run_as_non_root=True, run_as_user=1000,
                                             fs_group=2000,
                                             seccomp_profile=SeccompProfile("Localhost", "p.json"))


def test_restricted_replaces_root_and_run_as_root() -> None:
    rooted = Container.of("app", image="shop/web:1.4.2", security_context=SecurityContext(
        run_as_user=0, run_as_non_root=False, allow_privilege_escalation=True))
    target = PodTemplate.of([rooted], security_context=PodSecurityContext(
        run_as_user=0, run_as_non_root=False))
    hardened = restricted(run_as_user=20000)(target)
    context = hardened.containers[0].security_context
    assert context is not None
    assert (context.run_as_user, context.run_as_non_root, context.allow_privilege_escalation) == (
        20000, True, False)
    assert hardened.security_context is not None
    assert hardened.security_context.run_as_user == 20000
    assert pod_security_problems(hardened, "restricted") == []


def test_restricted_options() -> None:
    target = PodTemplate.of([Container.of("app", image="shop/web:1.4.2")],
                            automount_service_account_token=True)
    kept = restricted(run_as_user=None, automount_service_account_token=None,
                      read_only_root_filesystem=False)(target)
    assert kept.automount_service_account_token is True
    assert kept.security_context is not None and kept.security_context.run_as_user is None
    assert kept.containers[0].security_context is not None
    assert kept.containers[0].security_context.read_only_root_filesystem is None
    assert restricted(automount_service_account_token=True)(
        attrs.evolve(target, automount_service_account_token=False)
    ).automount_service_account_token is True
    assert pod_security_problems(kept, "restricted") == []


def test_restricted_checks_its_parameters() -> None:
    with pytest.raises(InvalidValue) as raised:
        restricted(run_as_user=True, automount_service_account_token="no",  # type: ignore[arg-type]
                   read_only_root_filesystem=None)  # type: ignore[arg-type]
    assert paths(list(raised.value.problems)) == [
        "run_as_user", "automount_service_account_token", "read_only_root_filesystem"]
    with pytest.raises(InvalidValue, match="run_as_user"):
        harden_containers(run_as_user=2**31)


def test_restricted_is_one_named_step() -> None:
    t = restricted()
    assert t.name == "restricted"
    assert t == restricted()
    assert restricted(run_as_user=1) != t
    assert inject(fluent_bit()).then(t).name == "inject(log-forwarder) then restricted"


# --- restricted(): what it refuses -------------------------------------------------------

REFUSED = [
    pytest.param(PodTemplate(containers=[container()], host_network=True),
                 ["spec.hostNetwork"], id="hostNetwork"),
    pytest.param(PodTemplate.of([container(privileged=True, allow_privilege_escalation=None)]),
                 ["spec.containers[0].securityContext.privileged"], id="privileged"),
    pytest.param(PodTemplate.of([container(capabilities=Capabilities(add=["CHOWN"]))]),
                 ["spec.containers[0].securityContext.capabilities.add[0]"], id="capability"),
    pytest.param(PodTemplate.of([container()], volumes=[Volume("share", OtherVolumeSource(
        {"nfs": {"server": "nfs.internal", "path": "/"}})), Volume("node", OtherVolumeSource(
            {"hostPath": {"path": "/"}}))]),
        ["spec.volumes[1].hostPath", "spec.volumes[0].nfs"], id="volumes"),
    pytest.param(PodTemplate.of([container(seccomp_profile=SeccompProfile("Unconfined"))]),
                 ["spec.containers[0].securityContext.seccompProfile.type"], id="unconfined"),
    pytest.param(attrs.evolve(PodTemplate.of([container()]), spec_extra={
        "ephemeralContainers": [{"name": "debug", "image": "busybox:1.36",
                                 "securityContext": {"runAsNonRoot": False}}]}),
        ["spec.ephemeralContainers[0].securityContext.allowPrivilegeEscalation",
         "spec.ephemeralContainers[0].securityContext.runAsNonRoot",
         "spec.ephemeralContainers[0].securityContext.capabilities.drop"], id="ephemeral"),
    pytest.param(attrs.evolve(PodTemplate.of([container()]), spec_extra={
        "os": {"name": "windows"}}), ["spec.os.name"], id="windows"),
]


@pytest.mark.parametrize(("target", "expected"), REFUSED)
def test_restricted_refuses_what_a_pod_cannot_lose(target: PodTemplate,
                                                   expected: list[str]) -> None:
    with pytest.raises(InvalidValue) as raised:
        restricted()(target)
    assert paths(list(raised.value.problems)) == expected


def test_a_refusal_in_a_workload_names_the_object_and_full_path() -> None:
    agent = Deployment.of("agent", containers=[
        container("a", privileged=True, allow_privilege_escalation=None),
        container("b", capabilities=Capabilities(add=["SYS_TIME"]))])
    with pytest.raises(InvalidValue) as raised:
        restricted()(agent)
    assert [(p.object, p.path) for p in raised.value.problems] == [
        ("Deployment/agent", "spec.template.spec.containers[0].securityContext.privileged"),
        ("Deployment/agent",
         "spec.template.spec.containers[1].securityContext.capabilities.add[0]")]


# --- the built-in example, and sidecars ----------------------------------------------------

def test_the_production_example_hardened_emits_valid_manifests() -> None:
    hardened = restricted()(production)
    assert restricted()(hardened) == hardened
    for item in hardened:
        if isinstance(item, Deployment | StatefulSet):
            assert pod_security_problems(item.template, "restricted") == []
    for manifest in to_manifests(hardened):
        validate_manifest(manifest)
    assert hardened[0] == production[0]  # objects without pods come back as they are


@pytest.mark.parametrize("native", [False, True])
def test_inject_then_restrict_hardens_the_sidecars(native: bool) -> None:
    sidecars = inject(fluent_bit(native=native), envoy(service_cluster="web", native=native),
                      node_exporter(native=native))
    both = sidecars.then(restricted())
    hardened = both(web)
    assert pod_security_problems(hardened.template, "restricted") == []
    assert both(hardened) == hardened
    # In the other order the sidecars come in as their specs have them...
    unhardened = restricted().then(sidecars)(web)
    assert pod_security_problems(unhardened.template, "restricted") != []
    # ...unless the specs are hardened first, with the container part of restricted().
    hard = harden_containers()
    specs = [fmap(hard, s) for s in (fluent_bit(native=native),
                                     envoy(service_cluster="web", native=native),
                                     node_exporter(native=native))]
    assert restricted().then(inject(*specs))(web) == hardened
    for manifest in to_manifests(hardened):
        validate_manifest(manifest)


@pytest.mark.parametrize("edit", [
    set_env("LOG_LEVEL", "debug"), mirror_images("mirror.internal"),
    set_resources(limits={"memory": "1Gi"}),
    pin_digests({"postgres": "sha256:" + "ab" * 32}),
], ids=["set_env", "mirror_images", "set_resources", "pin_digests"])
def test_restricted_commutes_with_everyday_edits(edit: SlotMap) -> None:
    assert restricted()(fmap(edit, db)) == fmap(edit, restricted()(db))


def test_the_module_reexports_the_checker() -> None:
    assert security.pod_security_problems is standard.pod_security_problems
    assert security.pod_security_labels is standard.pod_security_labels
