"""A mesh's policy and control plane take effect: the objects they add, what they refuse."""

from typing import Any

import pytest
from returns.result import Failure

from kancat import Container, Deployment, to_manifests, to_yaml
from kancat.algebra.effects import namespace_policy, policy_problems
from kancat.algebra.monoidal import ControlPlane, Mesh, MeshService
from kancat.algebra.policy import MeshPolicy
from kancat.errors import InvalidValue
from kancat.interpret.emit import render
from kancat.patterns.security import restricted
from kancat.patterns.sidecars import fluent_bit, inject
from kancat.values import Capabilities, SecurityContext
from tests.validators import validate_manifest


def _web(namespace: str | None = "shop", name: str = "web", **container: Any) -> Deployment:
    return Deployment.of(name, namespace=namespace, containers=[
        Container.of("app", image="shop/web:1.4.2", ports={"http": 8080}, **container)])


HARDENED = restricted()(_web())
STRICT_RESTRICTED = MeshPolicy.of(mtls="STRICT", pod_security="restricted",
                                  egress_hosts=["api.stripe.com", "*.googleapis.com"])


def _kinds(mesh: Mesh) -> list[str]:
    return [f"{o.kind}/{o.metadata.namespace}/{o.name}" for o in mesh.objects()]


def _spec(mesh: Mesh, kind: str, namespace: str | None = "shop") -> dict[str, Any]:
    found = [m for m in to_manifests(mesh)
             if m["kind"] == kind and m["metadata"].get("namespace") == namespace]
    assert len(found) == 1, found
    manifest: dict[str, Any] = found[0]
    return manifest


def test_a_strict_restricted_mesh_with_egress_hosts_emits_what_makes_it_hold() -> None:
    mesh = Mesh.of(MeshService.of(HARDENED, port=80), policy=STRICT_RESTRICTED)
    assert _kinds(mesh) == [
        "Namespace/None/shop", "PeerAuthentication/shop/default", "Sidecar/shop/default",
        "ServiceEntry/shop/egress", "ServiceEntry/shop/egress-wildcard",
        "NetworkPolicy/shop/default-deny", "Service/shop/web", "DestinationRule/shop/web",
        "Deployment/shop/web"]
    for manifest in to_manifests(mesh):
        validate_manifest(manifest)
    labels = _spec(mesh, "Namespace", None)["metadata"]["labels"]
    assert labels["pod-security.kubernetes.io/enforce"] == "restricted"
    assert labels["pod-security.kubernetes.io/warn"] == "restricted"
    assert _spec(mesh, "PeerAuthentication")["spec"] == {"mtls": {"mode": "STRICT"}}
    assert _spec(mesh, "DestinationRule")["spec"] == {
        "host": "web.shop.svc.cluster.local", "trafficPolicy": {"tls": {"mode": "ISTIO_MUTUAL"}}}
    sidecar = _spec(mesh, "Sidecar")["spec"]
    assert sidecar["outboundTrafficPolicy"] == {"mode": "REGISTRY_ONLY"}
    assert sidecar["egress"][0]["hosts"] == [
        "istio-system/*", "shop/web.shop.svc.cluster.local", "*/*.googleapis.com",
        "*/api.stripe.com"]
    deny = _spec(mesh, "NetworkPolicy")["spec"]
    assert deny["policyTypes"] == ["Ingress", "Egress"]
    dns, istiod = deny["egress"][:2]
    assert {p["port"] for p in dns["ports"]} == {53}
    assert istiod["ports"] == [{"protocol": "TCP", "port": 15012}]


def test_the_same_mesh_with_one_non_compliant_pod_is_refused_with_its_paths() -> None:
    admin = _web(name="admin", security_context=SecurityContext(
        capabilities=Capabilities(add=["NET_ADMIN"])))
    mesh = Mesh.of(MeshService.of(HARDENED, port=80), MeshService.of(admin, port=80),
                   policy=STRICT_RESTRICTED)
    result = render(mesh)
    assert isinstance(result, Failure)
    problems = result.failure().problems
    assert {p.object for p in problems} == {"Deployment/shop/admin"}
    paths = [p.path for p in problems]
    assert "spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation" in paths
    assert "spec.template.spec.containers[0].securityContext.capabilities.add[0]" in paths
    assert "spec.template.spec.securityContext.runAsNonRoot" in paths
    with pytest.raises(InvalidValue):
        to_yaml(mesh)


def test_without_a_policy_or_control_plane_nothing_is_added() -> None:
    mesh = Mesh.of(MeshService.of(_web(), port=80))
    assert _kinds(mesh) == ["Service/shop/web", "Deployment/shop/web"]


@pytest.mark.parametrize(("plane", "labels"), [
    (ControlPlane.of(revision="1-24"), {"istio.io/rev": "1-24"}),
    (ControlPlane.of(), {"istio-injection": "enabled"}),
])
def test_the_control_plane_labels_the_namespaces_for_injection(
        plane: ControlPlane, labels: dict[str, str]) -> None:
    mesh = Mesh.of(MeshService.of(_web(), port=80), control_plane=plane)
    assert _spec(mesh, "Namespace", None)["metadata"]["labels"] == labels
    assert "PeerAuthentication" not in {o.kind for o in mesh.objects()}  # Istio's default


def test_default_mtls_strict_is_mesh_wide_and_gives_istio_mutual() -> None:
    mesh = Mesh.of(MeshService.of(_web(), port=80),
                   control_plane=ControlPlane.of(default_mtls="STRICT"))
    assert _spec(mesh, "PeerAuthentication", "istio-system")["spec"]["mtls"] == {
        "mode": "STRICT"}
    assert _spec(mesh, "DestinationRule")["spec"]["trafficPolicy"] == {
        "tls": {"mode": "ISTIO_MUTUAL"}}
    assert [o.kind for o in mesh.objects()].count("PeerAuthentication") == 1


def test_a_service_asking_strict_gets_its_namespace_a_peer_authentication() -> None:
    strict = MeshService.of(_web(), port=80, policy=MeshPolicy.of(mtls="STRICT"))
    blog = MeshService.of(_web("blog", "blog"), port=80)
    mesh = Mesh.of(strict, blog)
    assert _spec(mesh, "PeerAuthentication")["spec"] == {"mtls": {"mode": "STRICT"}}
    assert [f"{o.kind}/{o.metadata.namespace}" for o in mesh.objects()
            if o.kind in ("PeerAuthentication", "DestinationRule")] == [
        "PeerAuthentication/shop", "DestinationRule/shop"]
    assert namespace_policy(mesh, "blog") == MeshPolicy.bottom()


def test_grants_constrain_once_given() -> None:
    admin = _web(security_context=SecurityContext(capabilities=Capabilities(add=["NET_ADMIN"])))
    assert policy_problems(Mesh.of(MeshService.of(admin, port=80))) == []
    granted = Mesh.of(MeshService.of(admin, port=80),
                      policy=MeshPolicy.of(capabilities=["NET_ADMIN"]))
    assert policy_problems(granted) == []
    (problem,) = policy_problems(Mesh.of(MeshService.of(admin, port=80),
                                         policy=MeshPolicy.of(capabilities=["NET_RAW"])))
    assert problem.path == "spec.template.spec.containers[0].securityContext.capabilities.add[0]"
    assert problem.object == "Deployment/shop/web"
    assert "NET_ADMIN" in problem.message


def test_requirements_are_checked_on_every_workload() -> None:
    plain = MeshService.of(_web(), port=80, policy=MeshPolicy.of(
        read_only_root_filesystem=True, max_replicas=0, required_sidecars=["log-forwarder"]))
    found = {(p.path, p.object) for p in policy_problems(Mesh.of(plain))}
    assert found == {
        ("spec.replicas", "Deployment/shop/web"),
        ("spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem",
         "Deployment/shop/web"),
        ("spec.template.spec.containers", "Deployment/shop/web")}
    logged = MeshService.of(inject(fluent_bit())(
        _web(security_context=SecurityContext(read_only_root_filesystem=True))), port=80,
                            policy=MeshPolicy.of(required_sidecars=["log-forwarder"]))
    assert policy_problems(Mesh.of(logged)) == []


def test_namespace_labels_need_a_namespace() -> None:
    mesh = Mesh.of(MeshService.of(_web(None), port=80), control_plane=ControlPlane.of())
    (problem,) = policy_problems(mesh)
    assert problem.path == "metadata.namespace"
    assert "istio-injection" in problem.message
    with pytest.raises(InvalidValue):
        mesh.objects()


def test_the_mesh_policy_holds_for_pods_of_every_namespace() -> None:
    shop = MeshService.of(HARDENED, port=80)
    blog = MeshService.of(_web("blog", "blog"), port=80)
    mesh = Mesh.of(shop, blog, policy=MeshPolicy.of(pod_security="baseline"))
    assert policy_problems(mesh) == []  # a plain pod passes baseline
    strict = Mesh.of(shop, blog, policy=MeshPolicy.of(pod_security="restricted"))
    assert {p.object for p in policy_problems(strict)} == {"Deployment/blog/blog"}


def test_istio_init_under_restricted_is_one_problem_pointing_at_cni() -> None:
    from kancat.patterns.istio_injection import istio_sidecar

    injected = MeshService.of(istio_sidecar()(HARDENED), port=80)
    (problem,) = policy_problems(Mesh.of(injected, policy=MeshPolicy.of(
        pod_security="restricted")))
    assert problem.path == "spec.template.spec.initContainers[0]"
    assert "cni=True" in problem.hint
    cni = MeshService.of(istio_sidecar(cni=True)(HARDENED), port=80)
    assert policy_problems(Mesh.of(cni, policy=MeshPolicy.of(pod_security="restricted"))) == []


def test_a_daemonset_has_no_replicas_to_cap() -> None:
    from kancat.values import DaemonSet

    agent = DaemonSet.of("agent", namespace="shop", containers=[
        Container.of("agent", image="shop/agent:1.0", ports={"http": 9100})])
    capped = Mesh.of(MeshService.of(agent, port=80), policy=MeshPolicy.of(max_replicas=0))
    assert policy_problems(capped) == []
