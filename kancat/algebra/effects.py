"""What a mesh's policy and control plane mean: the objects they add, the checks they make.

A :class:`~kancat.algebra.monoidal.Mesh` holds services, a control plane and policies
(:class:`~kancat.algebra.policy.MeshPolicy`). This module turns the last two into
effect. :func:`policy_problems` lists every workload that breaks the policy it runs
under; :func:`derived_objects` lists the Kubernetes and Istio objects that make the
policy hold on a cluster. ``Mesh.objects()`` is both: it raises
:class:`~kancat.errors.InvalidValue` naming each violation (so ``to_yaml`` of such a
mesh emits nothing), else returns the derived objects followed by the services'.

**Scopes.** Istio and Pod Security admission act per namespace, so the policy that
governs a namespace's resources is the *namespace policy*: the mesh-wide policy joined
(``⊔``) with the policies of every service in that namespace. A workload is checked
against its *service policy*: the mesh-wide policy joined with its own service's —
except for Pod Security, which admission enforces on the whole namespace, so every pod
is checked at its namespace's level.

**What each field means** (requirements are asked of every workload; grants are
allowlists once given — an empty or unset grant constrains nothing, as the bottom
policy asks nothing):

======================== ==============================================================
``mtls``                 ``STRICT``/``PERMISSIVE``/``DISABLE`` above Istio's default: a
                         PeerAuthentication ``default`` per namespace whose level is
                         stricter than the mesh-wide one; with a control plane, the
                         mesh-wide one in ``istio-system`` (``ControlPlane.default_mtls``
                         ⊔ the mesh policy's ``mtls``) when it is not Istio's default
                         PERMISSIVE. Where the level is STRICT, a DestinationRule per
                         Kubernetes Service with TLS mode ``ISTIO_MUTUAL``.
``pod_security``         above ``privileged``: the namespace's Pod Security admission
                         labels (``enforce``, ``audit``, ``warn`` and their versions,
                         ``latest``) and every pod checked at that level
                         (:func:`~kancat.values.pod_security.pod_security_problems`).
``capabilities``         a grant: once given, a container may add only these.
``read_only_root_filesystem`` every container has ``readOnlyRootFilesystem: true``.
``max_replicas``         a grant: once given, no workload asks for more replicas (an
                         unset ``replicas`` is 1).
``required_sidecars``    every pod has a container (or init container) of each name.
``egress_hosts``         a grant: once given (and not ``*``), per namespace an Istio
                         ``Sidecar`` ``default`` (egress only to those hosts, the mesh's
                         own services and ``istio-system``; ``REGISTRY_ONLY``), the
                         ServiceEntries registering the external hosts (ports 443 TLS
                         and 80 HTTP), and a default-deny NetworkPolicy with the allows
                         the mesh needs: DNS (kube-dns), istiod (15012), the mesh's own
                         namespaces, and the external hosts' ports outside the cluster.
======================== ==============================================================

The control plane labels every namespace of the mesh for sidecar injection:
``istio.io/rev: <revision>``, or ``istio-injection: enabled`` for the default revision.
Namespace labels need a namespace: a mesh whose policy or control plane sets them and
that holds a service in no namespace is refused (the labels could not be set).

**Laws** (checked in ``property_tests/test_mesh_effects.py``, each beside a broken
instance that fails it). Policy effects commute with ``⊗`` through the join:
:func:`namespace_policy` is a homomorphism of join-semilattices,
``namespace_policy(a ⊗ b, n) == namespace_policy(a, n) ⊔ namespace_policy(b, n)`` for
every namespace ``n`` wherever ``a ⊗ b`` is defined, and the bottom for the unit; every
derived object is a function of the namespace policies, the services and the control
plane, so ``objects(a ⊗ b)`` is what the joined policies ask of the united services.
The derived objects are computed from the mesh value, whose normal form makes
``objects(a ⊗ I) == objects(a)`` and ``objects(a ⊗ b) == objects(b ⊗ a)`` hold by
construction; and no two objects of a mesh share a kind, namespace and name (one would
overwrite the other on the cluster).

>>> from kancat.algebra.monoidal import ControlPlane, Mesh, MeshService
>>> from kancat.algebra.policy import MeshPolicy
>>> from kancat.values import Container, Deployment
>>> web = MeshService.of(Deployment.of("web", namespace="shop", containers=[
...     Container.of("app", image="shop/web:1.4.2", ports={"http": 8080})]), port=80)
>>> mesh = Mesh.of(web, control_plane=ControlPlane.of(revision="1-24"),
...                policy=MeshPolicy.of(mtls="STRICT"))
>>> [f"{o.kind}/{o.name}" for o in mesh.objects()]
['Namespace/shop', 'PeerAuthentication/default', 'Service/web', 'DestinationRule/web', 'Deployment/web']
>>> dict(mesh.objects()[0].metadata.labels)
{'istio.io/rev': '1-24'}
>>> capped = Mesh.of(web, policy=MeshPolicy.of(max_replicas=0))
>>> print(policy_problems(capped)[0])
spec.replicas: the mesh policy allows at most 0 replicas, Deployment/shop/web asks for 1 (lower replicas, or raise max_replicas in the policy)
"""

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Final, TypeAlias, cast

import attrs

from kancat.algebra.policy import MeshPolicy, MTLSMode, PodSecurityLevel
from kancat.core.fields import path_of
from kancat.errors import Problem
from kancat.values import (
    Capabilities,
    Container,
    IPBlock,
    KubeObjectBase,
    LabelSelector,
    LabelSelectorRequirement,
    Namespace,
    NetworkPolicy,
    NetworkPolicyEgressRule,
    NetworkPolicyIngressRule,
    NetworkPolicyPeer,
    NetworkPolicyPort,
    PodTemplate,
    SecurityContext,
)
from kancat.values.kinds import pod_of, pod_path
from kancat.values.pod_security import pod_security_labels, pod_security_problems
from kancat.values.service import service_dns_name

if TYPE_CHECKING:
    from kancat.algebra.monoidal import Mesh, MeshService
    from kancat.values.istio import Resolution

__all__ = [
    "ROOT_NAMESPACE",
    "Scope",
    "derived_objects",
    "namespace_policy",
    "policy_problems",
    "scopes",
    "service_objects",
]

ROOT_NAMESPACE: Final = "istio-system"
"""Istio's root namespace: mesh-wide PeerAuthentication lives here, and istiod."""

_INJECTION_LABEL: Final = "istio-injection"
_REVISION_LABEL: Final = "istio.io/rev"

DerivedObject: TypeAlias = KubeObjectBase


@attrs.frozen
class Scope:
    """One namespace of a mesh (``None``: services in no namespace), its services in
    name order, and its namespace policy (the mesh-wide policy joined with theirs)."""

    namespace: str | None
    services: tuple["MeshService", ...]
    policy: MeshPolicy


def namespace_policy(mesh: "Mesh", namespace: str | None) -> MeshPolicy:
    """The policy governing ``namespace`` in ``mesh``: the mesh-wide policy joined with
    the policies of the mesh's services there (the mesh-wide policy alone for a
    namespace the mesh has no service in).

    It is a homomorphism of join-semilattices from meshes under ``⊗`` to policies per
    namespace, joined pointwise: wherever ``a ⊗ b`` is defined, for every namespace
    ``n``, ``namespace_policy(a ⊗ b, n) == namespace_policy(a, n) | namespace_policy(b, n)``,
    and ``namespace_policy(Mesh.unit(), n)`` is the bottom. Every derived object of a
    namespace is a function of it (and of the services and the control plane), which
    is how policy effects commute with ``⊗``.

    >>> from kancat.algebra.monoidal import Mesh
    >>> namespace_policy(Mesh(policy=MeshPolicy.of(mtls="STRICT")), "shop")
    MeshPolicy.of(mtls='STRICT')
    """
    return MeshPolicy.join_all([mesh.policy, *(s.policy for s in mesh.services.values()
                                               if s.namespace == namespace)])


def scopes(mesh: "Mesh") -> tuple[Scope, ...]:
    """The mesh's namespaces, ``None`` (no namespace) first, then by name."""
    grouped: dict[str | None, list[MeshService]] = {}
    for service in mesh.services.values():
        grouped.setdefault(service.namespace, []).append(service)
    return tuple(Scope(namespace, tuple(services), namespace_policy(mesh, namespace))
                 for namespace, services in sorted(grouped.items(),
                                                   key=lambda item: item[0] or ""))


# --- checks ----------------------------------------------------------------------------------

def policy_problems(mesh: "Mesh") -> list[Problem]:
    """Every way a workload of ``mesh`` breaks the policy it runs under (see the module
    notes), each with the workload (``Kind/namespace/name``) and its field path; and
    the namespace labels the mesh cannot set (services in no namespace)."""
    found: list[Problem] = []
    for scope in scopes(mesh):
        if scope.namespace is None and _labels_for(mesh, scope.policy):
            names = ", ".join(s.name for s in scope.services)
            found.append(Problem(
                "metadata.namespace",
                f"the mesh sets namespace labels ({', '.join(_labels_for(mesh, scope.policy))}) "
                f"but services {names} are in no namespace",
                "give every service of the mesh a namespace", object=f"services {names}"))
        for service in scope.services:
            own = mesh.policy.join(service.policy)
            for workload in service.workloads:
                found += _workload_problems(workload, own, scope.policy.pod_security)
    return found


def _object_name(workload: KubeObjectBase) -> str:
    namespace = workload.metadata.namespace
    return f"{workload.kind}/{namespace}/{workload.name}" if namespace else \
        f"{workload.kind}/{workload.name}"


def _workload_problems(workload: KubeObjectBase, policy: MeshPolicy,
                       level: PodSecurityLevel) -> list[Problem]:
    where = _object_name(workload)
    found: list[Problem] = []
    counted = "replicas" in attrs.fields_dict(cast(Any, type(workload)))
    replicas = getattr(workload, "replicas", None)  # a DaemonSet has none: one per node
    asked = 1 if replicas is None else replicas
    if counted and policy.max_replicas is not None and asked > policy.max_replicas:
        found.append(Problem(
            path_of(attrs.fields(cast(Any, type(workload))).replicas),
            f"the mesh policy allows at most {policy.max_replicas} replicas, {where} asks "
            f"for {asked}", "lower replicas, or raise max_replicas in the policy",
            object=where))
    pod = pod_of(workload)
    if pod is None:
        return found
    prefix = pod_path(workload)
    pod_found: list[Problem] = []
    if level is not PodSecurityLevel.PRIVILEGED:
        pod_found += _istio_init_conflict(pod, level) or pod_security_problems(pod, level.value)
    pod_found += _container_problems(pod, policy)
    present = {c.name for c in pod.all_containers}
    for name in sorted(policy.required_sidecars - present):
        pod_found.append(Problem(
            path_of(attrs.fields(PodTemplate).containers),
            f"the mesh policy requires a sidecar {name!r}, which the pod lacks",
            f"inject it (e.g. kancat.patterns.sidecars.inject(...)), or drop {name!r} from "
            "required_sidecars"))
    return found + [attrs.evolve(p.under(prefix), object=where) for p in pod_found]


_ISTIO_INIT: Final = "istio-init"


def _istio_init_conflict(pod: PodTemplate, level: PodSecurityLevel) -> list[Problem]:
    """Istio's ``istio-init`` (NET_ADMIN and NET_RAW, as root) against the level: one
    problem saying what composes, in place of its list of violations; then the rest
    of the pod's, if any."""
    index = next((i for i, c in enumerate(pod.init_containers) if c.name == _ISTIO_INIT), None)
    if index is None:
        return []
    at = path_of(attrs.fields(PodTemplate).init_containers, index)
    found = pod_security_problems(pod, level.value)
    own = [p for p in found if p.path.startswith(at + ".") or p.path == at]
    if not own:
        return []
    return [Problem(at, f"{level.value}: Istio's istio-init runs as root with NET_ADMIN and "
                        f"NET_RAW, which Pod Security {level.value!r} forbids",
                    "inject with the Istio CNI plugin instead: istio_sidecar(cni=True) "
                    "(kancat inject --cni)"),
            *(p for p in found if p not in own)]


def _container_problems(pod: PodTemplate, policy: MeshPolicy) -> list[Problem]:
    at, of = attrs.fields(PodTemplate), attrs.fields(Container)
    context, capabilities = attrs.fields(SecurityContext), attrs.fields(Capabilities)
    found: list[Problem] = []
    for field, containers in ((at.init_containers, pod.init_containers),
                              (at.containers, pod.containers)):
        for index, container in enumerate(containers):
            security = container.security_context
            if policy.read_only_root_filesystem and not (
                    security is not None and security.read_only_root_filesystem):
                found.append(Problem(
                    path_of(field, index, of.security_context,
                            context.read_only_root_filesystem),
                    f"the mesh policy requires a read-only root filesystem; container "
                    f"{container.name!r} does not set readOnlyRootFilesystem: true",
                    "set it (mount an emptyDir where the container writes)"))
            added = (security.capabilities.add if security is not None
                     and security.capabilities is not None else ())
            if not policy.capabilities:
                continue
            for number, capability in enumerate(added):
                if capability not in policy.capabilities:
                    found.append(Problem(
                        path_of(field, index, of.security_context, context.capabilities,
                                capabilities.add, number),
                        f"container {container.name!r} adds capability {capability!r}, "
                        "which the mesh policy does not grant (it grants "
                        f"{', '.join(sorted(policy.capabilities))})",
                        f"drop it, or grant it: MeshPolicy.of(capabilities=[{capability!r}])"))
    return found


# --- derived objects -------------------------------------------------------------------------

def _labels_for(mesh: "Mesh", policy: MeshPolicy) -> dict[str, str]:
    """The labels a namespace of the mesh gets: injection, then Pod Security."""
    labels: dict[str, str] = {}
    if mesh.control_plane is not None:
        if mesh.control_plane.revision is not None:
            labels[_REVISION_LABEL] = mesh.control_plane.revision
        else:
            labels[_INJECTION_LABEL] = "enabled"
    if policy.pod_security is not PodSecurityLevel.PRIVILEGED:
        labels.update(pod_security_labels(policy.pod_security.value))
    return labels


def _mesh_wide_mtls(mesh: "Mesh") -> MTLSMode:
    """The mTLS mode in force where no namespace says otherwise."""
    if mesh.control_plane is None:
        return MTLSMode.PERMISSIVE  # Istio's default, which the mesh does not change
    return mesh.control_plane.default_mtls.join(mesh.policy.mtls)


def derived_objects(mesh: "Mesh") -> tuple[DerivedObject, ...]:
    """The objects that make the mesh's policy and control plane hold (see the module
    notes): namespaces with their labels, then the mesh-wide PeerAuthentication, then
    per namespace its PeerAuthentication, Sidecar, ServiceEntries and NetworkPolicy.
    The DestinationRules of STRICT namespaces come with their Services: see
    :func:`service_objects`."""
    from kancat.values.istio import PeerAuthentication

    found: list[DerivedObject] = []
    all_scopes = scopes(mesh)
    for scope in all_scopes:
        labels = _labels_for(mesh, scope.policy)
        if labels and scope.namespace is not None:
            found.append(Namespace.of(scope.namespace, labels=labels))
    mesh_wide = _mesh_wide_mtls(mesh)
    if mesh.control_plane is not None and mesh_wide is not MTLSMode.PERMISSIVE:
        found.append(PeerAuthentication.of("default", namespace=ROOT_NAMESPACE,
                                           mode=mesh_wide.value))
    namespaces = [s.namespace for s in all_scopes if s.namespace is not None]
    for scope in all_scopes:
        mode = scope.policy.mtls
        if mode.join(mesh_wide) is not mesh_wide:  # stricter than what is in force
            found.append(PeerAuthentication.of("default", namespace=scope.namespace,
                                               mode=mode.value))
        found += _egress_objects(mesh, scope, namespaces)
    return tuple(found)


def _namespace_mode(mesh: "Mesh", scope: Scope) -> MTLSMode:
    return scope.policy.mtls.join(_mesh_wide_mtls(mesh))


def _host(service: "MeshService") -> str:
    namespace = service.namespace
    return service_dns_name(service.name, namespace) if namespace else service.name


def service_objects(mesh: "Mesh", scope: Scope, service: "MeshService"
                    ) -> tuple[DerivedObject, ...]:
    """The objects one service adds: a DestinationRule with ISTIO_MUTUAL where its
    namespace's mTLS mode is STRICT (and it has a Kubernetes Service)."""
    from kancat.values.istio import DestinationRule, TrafficPolicy

    if service.service is None or _namespace_mode(mesh, scope) is not MTLSMode.STRICT:
        return ()
    return (DestinationRule.of(service.name, namespace=service.namespace, host=_host(service),
                               traffic_policy=TrafficPolicy.of(tls="ISTIO_MUTUAL")),)


def _egress_objects(mesh: "Mesh", scope: Scope, namespaces: Sequence[str]
                    ) -> list[DerivedObject]:
    from kancat.values.istio import ServiceEntry, Sidecar

    hosts = sorted(scope.policy.egress_hosts)
    if not hosts or "*" in hosts:
        return []
    own = [f"{s.namespace or '.'}/{_host(s)}" for s in mesh.services.values()
           if s.service is not None]
    sidecar = Sidecar.of("default", namespace=scope.namespace,
                         egress_hosts=[f"{ROOT_NAMESPACE}/*", *own,
                                       *(f"*/{h}" for h in hosts)],
                         outbound_traffic_policy="REGISTRY_ONLY")
    found: list[DerivedObject] = [sidecar]
    exact = [h for h in hosts if not h.startswith("*")]
    wildcard = [h for h in hosts if h.startswith("*")]
    groups: tuple[tuple[str, list[str], Resolution], ...] = (
        ("egress", exact, "DNS"), ("egress-wildcard", wildcard, "NONE"))
    for name, group, resolution in groups:
        if group:
            found.append(ServiceEntry.of(name, namespace=scope.namespace, hosts=group,
                                         ports={"https": 443, "http": 80},
                                         location="MESH_EXTERNAL", resolution=resolution,
                                         export_to=["."]))
    found.append(_default_deny(scope.namespace, namespaces))
    return found


def _namespace_peer(names: Iterable[str]) -> NetworkPolicyPeer:
    return NetworkPolicyPeer(namespace_selector=LabelSelector(match_expressions=[
        LabelSelectorRequirement("kubernetes.io/metadata.name", "In", sorted(names))]))


def _default_deny(namespace: str | None, namespaces: Sequence[str]) -> NetworkPolicy:
    """Deny all traffic of the namespace's pods but what the mesh needs: its own
    namespace's pods, the mesh's namespaces and ``istio-system`` (the gateways)."""
    mesh_peers = [NetworkPolicyPeer(pod_selector=LabelSelector()),
                  _namespace_peer([*namespaces, ROOT_NAMESPACE])]
    dns = NetworkPolicyEgressRule(
        peers=[NetworkPolicyPeer(
            namespace_selector=LabelSelector(match_labels={
                "kubernetes.io/metadata.name": "kube-system"}),
            pod_selector=LabelSelector(match_labels={"k8s-app": "kube-dns"}))],
        ports=[NetworkPolicyPort(protocol="UDP", port=53),
               NetworkPolicyPort(protocol="TCP", port=53)])
    istiod = NetworkPolicyEgressRule(
        peers=[NetworkPolicyPeer(
            namespace_selector=LabelSelector(match_labels={
                "kubernetes.io/metadata.name": ROOT_NAMESPACE}),
            pod_selector=LabelSelector(match_labels={"app": "istiod"}))],
        ports=[NetworkPolicyPort(protocol="TCP", port=15012)])
    egress = [dns, istiod, NetworkPolicyEgressRule(peers=mesh_peers)]
    egress.append(NetworkPolicyEgressRule(
        peers=[NetworkPolicyPeer(ip_block=IPBlock(
            "0.0.0.0/0", except_=["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]))],
        ports=[NetworkPolicyPort(protocol="TCP", port=443),
               NetworkPolicyPort(protocol="TCP", port=80)]))
    return NetworkPolicy.of(
        "default-deny", namespace=namespace, policy_types=["Ingress", "Egress"],
        ingress=[NetworkPolicyIngressRule(peers=mesh_peers)],
        egress=egress)
