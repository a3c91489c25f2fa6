"""Values → Kubernetes manifests: plain dicts in canonical key order.

Canonical order: the fields kancat models in the order ``kubectl`` prints them,
then any carried (unmodelled) fields sorted by key. Equal values give equal dicts,
so the YAML and JSON written from them are byte-identical.

This is the hot path of emission: plain functions, one per type, no reflection.

>>> from kancat.values import Container, Deployment
>>> web = Deployment.of("web", containers=[Container.of("app", image="web:1.0")])
>>> to_manifest(web)["spec"]["template"]["spec"]["containers"]
[{'name': 'app', 'image': 'web:1.0'}]
"""

from collections.abc import Callable, Mapping
from typing import Any

from kancat.errors import InvalidArgument, InvalidValue, Problem
from kancat.values import (
    ConfigMap,
    ConfigMapKeyRef,
    ConfigMapProjection,
    ConfigMapVolume,
    Container,
    ContainerPort,
    Deployment,
    DownwardAPIFile,
    DownwardAPIProjection,
    DownwardAPIVolume,
    EmptyDir,
    EnvVar,
    ExecAction,
    FieldRef,
    GRPCAction,
    HTTPGetAction,
    KeyToPath,
    KubeObject,
    LabelSelector,
    Namespace,
    NetworkPolicy,
    NetworkPolicyPeer,
    NetworkPolicyPort,
    NetworkPolicyRule,
    ObjectMeta,
    OpaqueObject,
    OtherEnvSource,
    OtherProjection,
    OtherVolumeSource,
    PersistentVolumeClaimTemplate,
    PersistentVolumeClaimVolume,
    PodDisruptionBudget,
    PodSecurityContext,
    PodTemplate,
    Probe,
    ProjectedVolume,
    Resources,
    SeccompProfile,
    SecretKeyRef,
    SecretProjection,
    SecretVolume,
    SecurityContext,
    Service,
    ServiceAccountTokenProjection,
    StatefulSet,
    TCPSocketAction,
    Toleration,
    TopologySpreadConstraint,
    Volume,
)
from kancat.values._check import portable_env_var_name
from kancat.values._frozen import FrozenMap, thaw

__all__ = ["DEFAULT_VERSION", "KubernetesVersion", "parse_version", "to_manifest"]

KubernetesVersion = tuple[int, int]
DEFAULT_VERSION: KubernetesVersion = (1, 32)
OLDEST_VERSION: KubernetesVersion = (1, 20)
NEWEST_VERSION: KubernetesVersion = (1, 37)


def parse_version(text: str | KubernetesVersion) -> KubernetesVersion:
    """``"1.32"`` → ``(1, 32)``; kancat emits for Kubernetes 1.20 to 1.37.

    >>> parse_version("v1.29.3")
    (1, 29)
    """
    if isinstance(text, tuple):
        version = text
    else:
        parts = text.removeprefix("v").split(".")
        try:
            version = (int(parts[0]), int(parts[1]))
        except (ValueError, IndexError):
            raise InvalidArgument(f"kubernetes_version {text!r} is not MAJOR.MINOR; "
                                  "write e.g. '1.32'") from None
    if not OLDEST_VERSION <= version <= NEWEST_VERSION:
        raise InvalidArgument(f"kubernetes_version {text!r} is outside 1.20–1.37, the "
                              "versions kancat knows how to emit for")
    return version


def _merge(out: dict[str, Any], extra: FrozenMap[Any]) -> dict[str, Any]:
    """Append carried fields after the modelled ones (never overriding them)."""
    for key, value in extra.items():
        if key not in out:
            out[key] = thaw(value)
    return out


def _meta(meta: ObjectMeta) -> dict[str, Any]:
    out: dict[str, Any] = {"name": meta.name}
    if meta.namespace is not None:
        out["namespace"] = meta.namespace
    if meta.labels:
        out["labels"] = meta.labels.as_dict()
    if meta.annotations:
        out["annotations"] = meta.annotations.as_dict()
    if meta.extra:
        _merge(out, meta.extra)
    return out


def _selector(selector: LabelSelector) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if selector.match_labels:
        out["matchLabels"] = selector.match_labels.as_dict()
    if selector.match_expressions:
        out["matchExpressions"] = [
            {"key": e.key, "operator": e.operator, "values": list(e.values)} if e.values
            else {"key": e.key, "operator": e.operator}
            for e in selector.match_expressions]
    return out


def _port(port: ContainerPort) -> dict[str, Any]:
    out: dict[str, Any] = {"containerPort": port.container_port}
    if port.name is not None:
        out["name"] = port.name
    out["protocol"] = port.protocol
    if port.host_port is not None:
        out["hostPort"] = port.host_port
    if port.extra:
        _merge(out, port.extra)
    return out


def _key_ref(ref: SecretKeyRef | ConfigMapKeyRef) -> dict[str, Any]:
    out: dict[str, Any] = {"name": ref.name, "key": ref.key}
    if ref.optional is not None:
        out["optional"] = ref.optional
    return out


def _field_ref(ref: FieldRef) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if ref.api_version is not None:
        out["apiVersion"] = ref.api_version
    out["fieldPath"] = ref.field_path
    return out


def _env(var: EnvVar) -> dict[str, Any]:
    source = var.value_from
    if source is None:
        return {"name": var.name, "value": var.value} if var.value is not None else {
            "name": var.name}
    if isinstance(source, SecretKeyRef):
        value_from: dict[str, Any] = {"secretKeyRef": _key_ref(source)}
    elif isinstance(source, ConfigMapKeyRef):
        value_from = {"configMapKeyRef": _key_ref(source)}
    elif isinstance(source, FieldRef):
        value_from = {"fieldRef": _field_ref(source)}
    elif isinstance(source, OtherEnvSource):
        value_from = thaw(source.data)
    else:
        raise InvalidArgument(f"unknown env source {source!r:.60}")
    return {"name": var.name, "valueFrom": value_from}


def _probe(probe: Probe) -> dict[str, Any]:
    handler = probe.handler
    if isinstance(handler, HTTPGetAction):
        action: dict[str, Any] = {}
        if handler.path is not None:
            action["path"] = handler.path
        action["port"] = handler.port
        if handler.host is not None:
            action["host"] = handler.host
        if handler.scheme is not None:
            action["scheme"] = handler.scheme
        if handler.http_headers:
            action["httpHeaders"] = [thaw(h) for h in handler.http_headers]
        out: dict[str, Any] = {"httpGet": action}
    elif isinstance(handler, ExecAction):
        out = {"exec": {"command": list(handler.command)}}
    elif isinstance(handler, TCPSocketAction):
        socket: dict[str, Any] = {"port": handler.port}
        if handler.host is not None:
            socket["host"] = handler.host
        out = {"tcpSocket": socket}
    else:
        assert isinstance(handler, GRPCAction)
        grpc: dict[str, Any] = {"port": handler.port}
        if handler.service is not None:
            grpc["service"] = handler.service
        out = {"grpc": grpc}
    for key, value in (("initialDelaySeconds", probe.initial_delay_seconds),
                       ("periodSeconds", probe.period_seconds),
                       ("timeoutSeconds", probe.timeout_seconds),
                       ("successThreshold", probe.success_threshold),
                       ("failureThreshold", probe.failure_threshold),
                       ("terminationGracePeriodSeconds", probe.termination_grace_period_seconds)):
        if value is not None:
            out[key] = value
    return out


def _resources(resources: Resources) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if resources.limits:
        out["limits"] = {k: q.text for k, q in resources.limits.items()}
    if resources.requests:
        out["requests"] = {k: q.text for k, q in resources.requests.items()}
    if resources.extra:
        _merge(out, resources.extra)
    return out


def _seccomp(profile: SeccompProfile) -> dict[str, Any]:
    out: dict[str, Any] = {"type": profile.type}
    if profile.localhost_profile is not None:
        out["localhostProfile"] = profile.localhost_profile
    return out


def _security(context: SecurityContext) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if context.allow_privilege_escalation is not None:
        out["allowPrivilegeEscalation"] = context.allow_privilege_escalation
    if context.capabilities is not None:
        caps: dict[str, Any] = {}
        if context.capabilities.add:
            caps["add"] = list(context.capabilities.add)
        if context.capabilities.drop:
            caps["drop"] = list(context.capabilities.drop)
        out["capabilities"] = caps
    for key, value in (("privileged", context.privileged),
                       ("readOnlyRootFilesystem", context.read_only_root_filesystem),
                       ("runAsGroup", context.run_as_group),
                       ("runAsNonRoot", context.run_as_non_root),
                       ("runAsUser", context.run_as_user)):
        if value is not None:
            out[key] = value
    if context.seccomp_profile is not None:
        out["seccompProfile"] = _seccomp(context.seccomp_profile)
    if context.extra:
        _merge(out, context.extra)
    return out


def _container(container: Container) -> dict[str, Any]:
    out: dict[str, Any] = {"name": container.name, "image": str(container.image)}
    if container.command:
        out["command"] = list(container.command)
    if container.args:
        out["args"] = list(container.args)
    if container.working_dir is not None:
        out["workingDir"] = container.working_dir
    if container.ports:
        out["ports"] = [_port(p) for p in container.ports]
    if container.env:
        out["env"] = [_env(e) for e in container.env]
    if not container.resources.is_empty:
        out["resources"] = _resources(container.resources)
    if container.volume_mounts:
        mounts = []
        for mount in container.volume_mounts:
            entry: dict[str, Any] = {"name": mount.name, "mountPath": mount.mount_path}
            if mount.read_only is not None:
                entry["readOnly"] = mount.read_only
            if mount.sub_path is not None:
                entry["subPath"] = mount.sub_path
            if mount.extra:
                _merge(entry, mount.extra)
            mounts.append(entry)
        out["volumeMounts"] = mounts
    if container.liveness_probe is not None:
        out["livenessProbe"] = _probe(container.liveness_probe)
    if container.readiness_probe is not None:
        out["readinessProbe"] = _probe(container.readiness_probe)
    if container.startup_probe is not None:
        out["startupProbe"] = _probe(container.startup_probe)
    if container.image_pull_policy is not None:
        out["imagePullPolicy"] = container.image_pull_policy
    if container.security_context is not None:
        out["securityContext"] = _security(container.security_context)
    if container.restart_policy is not None:
        out["restartPolicy"] = container.restart_policy
    if container.extra:
        _merge(out, container.extra)
    return out


def _key_to_path(items: tuple[KeyToPath, ...]) -> list[dict[str, Any]]:
    return [{"key": i.key, "path": i.path} if i.mode is None
            else {"key": i.key, "path": i.path, "mode": i.mode} for i in items]


def _downward_files(items: tuple[DownwardAPIFile, ...]) -> list[dict[str, Any]]:
    out = []
    for item in items:
        entry: dict[str, Any] = {"path": item.path}
        if item.field_ref is not None:
            entry["fieldRef"] = _field_ref(item.field_ref)
        if item.resource_field_ref is not None:
            entry["resourceFieldRef"] = thaw(item.resource_field_ref)
        if item.mode is not None:
            entry["mode"] = item.mode
        out.append(entry)
    return out


def _optional_fields(out: dict[str, Any], **fields: Any) -> dict[str, Any]:
    for key, value in fields.items():
        if value is not None:
            out[key] = value
    return out


def _projection(source: Any) -> dict[str, Any]:
    if isinstance(source, ServiceAccountTokenProjection):
        token: dict[str, Any] = {}
        _optional_fields(token, audience=source.audience,
                         expirationSeconds=source.expiration_seconds)
        token["path"] = source.path
        return {"serviceAccountToken": token}
    if isinstance(source, (ConfigMapProjection, SecretProjection)):
        body: dict[str, Any] = {"name": source.name}
        if source.items:
            body["items"] = _key_to_path(source.items)
        _optional_fields(body, optional=source.optional)
        return {"configMap" if isinstance(source, ConfigMapProjection) else "secret": body}
    if isinstance(source, DownwardAPIProjection):
        return {"downwardAPI": {"items": _downward_files(source.items)}}
    assert isinstance(source, OtherProjection)
    result: dict[str, Any] = thaw(source.data)
    return result


def _volume(volume: Volume) -> dict[str, Any]:
    source = volume.source
    body: dict[str, Any]
    if isinstance(source, EmptyDir):
        body = _optional_fields({}, medium=source.medium,
                                sizeLimit=source.size_limit.text if source.size_limit else None)
        return {"name": volume.name, "emptyDir": body}
    if isinstance(source, ConfigMapVolume):
        body = {"name": source.name}
        if source.items:
            body["items"] = _key_to_path(source.items)
        _optional_fields(body, defaultMode=source.default_mode, optional=source.optional)
        return {"name": volume.name, "configMap": body}
    if isinstance(source, SecretVolume):
        body = {"secretName": source.secret_name}
        if source.items:
            body["items"] = _key_to_path(source.items)
        _optional_fields(body, defaultMode=source.default_mode, optional=source.optional)
        return {"name": volume.name, "secret": body}
    if isinstance(source, PersistentVolumeClaimVolume):
        body = _optional_fields({"claimName": source.claim_name}, readOnly=source.read_only)
        return {"name": volume.name, "persistentVolumeClaim": body}
    if isinstance(source, ProjectedVolume):
        body = {"sources": [_projection(s) for s in source.sources]}
        _optional_fields(body, defaultMode=source.default_mode)
        return {"name": volume.name, "projected": body}
    if isinstance(source, DownwardAPIVolume):
        body = {"items": _downward_files(source.items)} if source.items else {}
        _optional_fields(body, defaultMode=source.default_mode)
        return {"name": volume.name, "downwardAPI": body}
    assert isinstance(source, OtherVolumeSource)
    return {"name": volume.name, **thaw(source.data)}


def _pod_security(context: PodSecurityContext) -> dict[str, Any]:
    out: dict[str, Any] = {}
    _optional_fields(out, fsGroup=context.fs_group, runAsGroup=context.run_as_group,
                     runAsNonRoot=context.run_as_non_root, runAsUser=context.run_as_user)
    if context.seccomp_profile is not None:
        out["seccompProfile"] = _seccomp(context.seccomp_profile)
    if context.supplemental_groups:
        out["supplementalGroups"] = list(context.supplemental_groups)
    if context.extra:
        _merge(out, context.extra)
    return out


def _toleration(toleration: Toleration) -> dict[str, Any]:
    return _optional_fields({}, key=toleration.key, operator=toleration.operator,
                            value=toleration.value, effect=toleration.effect,
                            tolerationSeconds=toleration.toleration_seconds)


def _spread(constraint: TopologySpreadConstraint) -> dict[str, Any]:
    out: dict[str, Any] = {"maxSkew": constraint.max_skew,
                           "topologyKey": constraint.topology_key,
                           "whenUnsatisfiable": constraint.when_unsatisfiable}
    if constraint.label_selector is not None:
        out["labelSelector"] = _selector(constraint.label_selector)
    if constraint.extra:
        _merge(out, constraint.extra)
    return out


def _check_portable_env_names(pod: PodTemplate, version: KubernetesVersion) -> None:
    """Before 1.32 environment variable names were C-identifier-like."""
    problems = [
        problem
        for field, group in (("initContainers", pod.init_containers),
                             ("containers", pod.containers))
        for index, container in enumerate(group)
        for number, var in enumerate(container.env)
        for problem in portable_env_var_name(
            f"spec.template.spec.{field}[{index}].env[{number}].name", var.name)
    ]
    if problems:
        raise InvalidValue(problems)


def _template(pod: PodTemplate, version: KubernetesVersion) -> dict[str, Any]:
    metadata: dict[str, Any] = {}
    if pod.labels:
        metadata["labels"] = pod.labels.as_dict()
    if pod.annotations:
        metadata["annotations"] = pod.annotations.as_dict()
    if pod.metadata_extra:
        _merge(metadata, pod.metadata_extra)
    spec: dict[str, Any] = {}
    if pod.service_account_name is not None:
        spec["serviceAccountName"] = pod.service_account_name
    if pod.automount_service_account_token is not None:
        spec["automountServiceAccountToken"] = pod.automount_service_account_token
    if pod.host_network is not None:
        spec["hostNetwork"] = pod.host_network
    if pod.security_context is not None:
        spec["securityContext"] = _pod_security(pod.security_context)
    if version < (1, 32):
        _check_portable_env_names(pod, version)
    if pod.init_containers:
        if version < (1, 29) and any(c.is_native_sidecar for c in pod.init_containers):
            raise InvalidValue([Problem(
                "spec.template.spec.initContainers",
                f"native sidecars (restartPolicy: Always) need Kubernetes 1.29 or newer, "
                f"not {version[0]}.{version[1]}",
                "target Kubernetes 1.29+ or run the sidecar as a regular container")])
        spec["initContainers"] = [_container(c) for c in pod.init_containers]
    spec["containers"] = [_container(c) for c in pod.containers]
    if pod.volumes:
        spec["volumes"] = [_volume(v) for v in pod.volumes]
    if pod.node_selector:
        spec["nodeSelector"] = pod.node_selector.as_dict()
    if pod.affinity:
        spec["affinity"] = thaw(pod.affinity)
    if pod.tolerations:
        spec["tolerations"] = [_toleration(t) for t in pod.tolerations]
    if pod.topology_spread_constraints:
        spec["topologySpreadConstraints"] = [_spread(c) for c in pod.topology_spread_constraints]
    if pod.termination_grace_period_seconds is not None:
        spec["terminationGracePeriodSeconds"] = pod.termination_grace_period_seconds
    if pod.extra:
        _merge(spec, pod.extra)
    return {"metadata": metadata, "spec": spec}


def _deployment(value: Deployment, version: KubernetesVersion) -> dict[str, Any]:
    spec: dict[str, Any] = {}
    if value.replicas is not None:
        spec["replicas"] = value.replicas
    spec["selector"] = _selector(value.selector)
    spec["template"] = _template(value.template, version)
    if value.spec_extra:
        _merge(spec, value.spec_extra)
    out = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": _meta(value.metadata),
           "spec": spec}
    return _merge(out, value.extra) if value.extra else out


def _claim(claim: PersistentVolumeClaimTemplate) -> dict[str, Any]:
    metadata: dict[str, Any] = {"name": claim.name}
    if claim.labels:
        metadata["labels"] = claim.labels.as_dict()
    if claim.metadata_extra:
        _merge(metadata, claim.metadata_extra)
    spec: dict[str, Any] = {"accessModes": list(claim.access_modes)}
    if claim.storage_class_name is not None:
        spec["storageClassName"] = claim.storage_class_name
    spec["resources"] = {"requests": {"storage": claim.storage.text}}
    if claim.spec_extra:
        _merge(spec, claim.spec_extra)
    out: dict[str, Any] = {"metadata": metadata, "spec": spec}
    return _merge(out, claim.extra) if claim.extra else out


def _statefulset(value: StatefulSet, version: KubernetesVersion) -> dict[str, Any]:
    spec: dict[str, Any] = {}
    spec["serviceName"] = value.service_name
    if value.replicas is not None:
        spec["replicas"] = value.replicas
    spec["selector"] = _selector(value.selector)
    spec["template"] = _template(value.template, version)
    if value.volume_claim_templates:
        spec["volumeClaimTemplates"] = [_claim(c) for c in value.volume_claim_templates]
    if value.spec_extra:
        _merge(spec, value.spec_extra)
    out = {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": _meta(value.metadata),
           "spec": spec}
    return _merge(out, value.extra) if value.extra else out


def _service(value: Service, version: KubernetesVersion) -> dict[str, Any]:
    spec: dict[str, Any] = {}
    if value.type is not None:
        spec["type"] = value.type
    if value.cluster_ip is not None:
        spec["clusterIP"] = value.cluster_ip
    if value.selector:
        spec["selector"] = value.selector.as_dict()
    if value.ports:
        ports = []
        for port in value.ports:
            entry: dict[str, Any] = {}
            if port.name is not None:
                entry["name"] = port.name
            entry["port"] = port.port
            if port.target_port is not None:
                entry["targetPort"] = port.target_port
            entry["protocol"] = port.protocol
            if port.node_port is not None:
                entry["nodePort"] = port.node_port
            if port.app_protocol is not None:
                entry["appProtocol"] = port.app_protocol
            ports.append(entry)
        spec["ports"] = ports
    if value.spec_extra:
        _merge(spec, value.spec_extra)
    out = {"apiVersion": "v1", "kind": "Service", "metadata": _meta(value.metadata),
           "spec": spec}
    return _merge(out, value.extra) if value.extra else out


def _configmap(value: ConfigMap, version: KubernetesVersion) -> dict[str, Any]:
    out: dict[str, Any] = {"apiVersion": "v1", "kind": "ConfigMap",
                           "metadata": _meta(value.metadata)}
    if value.data:
        out["data"] = value.data.as_dict()
    if value.binary_data:
        out["binaryData"] = value.binary_data.as_dict()
    if value.immutable is not None:
        out["immutable"] = value.immutable
    return _merge(out, value.extra) if value.extra else out


def _namespace(value: Namespace, version: KubernetesVersion) -> dict[str, Any]:
    out: dict[str, Any] = {"apiVersion": "v1", "kind": "Namespace",
                           "metadata": _meta(value.metadata)}
    if value.spec:
        out["spec"] = thaw(value.spec)
    return _merge(out, value.extra) if value.extra else out


def _pdb(value: PodDisruptionBudget, version: KubernetesVersion) -> dict[str, Any]:
    spec: dict[str, Any] = {}
    _optional_fields(spec, minAvailable=value.min_available,
                     maxUnavailable=value.max_unavailable)
    spec["selector"] = _selector(value.selector)
    if value.spec_extra:
        _merge(spec, value.spec_extra)
    api = "policy/v1" if version >= (1, 21) else "policy/v1beta1"
    out = {"apiVersion": api, "kind": "PodDisruptionBudget", "metadata": _meta(value.metadata),
           "spec": spec}
    return _merge(out, value.extra) if value.extra else out


def _peer(peer: NetworkPolicyPeer) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if peer.ip_block is not None:
        block: dict[str, Any] = {"cidr": peer.ip_block.cidr}
        if peer.ip_block.except_:
            block["except"] = list(peer.ip_block.except_)
        out["ipBlock"] = block
    if peer.namespace_selector is not None:
        out["namespaceSelector"] = _selector(peer.namespace_selector)
    if peer.pod_selector is not None:
        out["podSelector"] = _selector(peer.pod_selector)
    return out


def _policy_port(port: NetworkPolicyPort) -> dict[str, Any]:
    return _optional_fields({}, protocol=port.protocol, port=port.port, endPort=port.end_port)


def _rule(rule: NetworkPolicyRule, peers_key: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if rule.peers:
        out[peers_key] = [_peer(p) for p in rule.peers]
    if rule.ports:
        out["ports"] = [_policy_port(p) for p in rule.ports]
    return out


def _network_policy(value: NetworkPolicy, version: KubernetesVersion) -> dict[str, Any]:
    spec: dict[str, Any] = {"podSelector": _selector(value.pod_selector)}
    if value.policy_types:
        spec["policyTypes"] = list(value.policy_types)
    if value.ingress:
        spec["ingress"] = [_rule(r, "from") for r in value.ingress]
    if value.egress:
        spec["egress"] = [_rule(r, "to") for r in value.egress]
    if value.spec_extra:
        _merge(spec, value.spec_extra)
    out = {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
           "metadata": _meta(value.metadata), "spec": spec}
    return _merge(out, value.extra) if value.extra else out


def _opaque(value: OpaqueObject, version: KubernetesVersion) -> dict[str, Any]:
    document: dict[str, Any] = thaw(value.document)
    head: dict[str, Any] = {key: document.pop(key) for key in ("apiVersion", "kind", "metadata")
                            if key in document}
    return {**head, **document}


_EMITTERS: Mapping[type, Callable[[Any, KubernetesVersion], dict[str, Any]]] = {
    Deployment: _deployment,
    StatefulSet: _statefulset,
    Service: _service,
    ConfigMap: _configmap,
    Namespace: _namespace,
    PodDisruptionBudget: _pdb,
    NetworkPolicy: _network_policy,
    OpaqueObject: _opaque,
}


def to_manifest(value: KubeObject, kubernetes_version: KubernetesVersion = DEFAULT_VERSION
                ) -> dict[str, Any]:
    """One value as a Kubernetes manifest dict for ``kubernetes_version``.

    Raises :class:`~kancat.errors.InvalidValue` when the value cannot be expressed
    for that version (e.g. native sidecars before 1.29).
    """
    emitter = _EMITTERS.get(type(value))
    if emitter is None:
        raise InvalidArgument(f"cannot emit {type(value).__name__}: expected one of "
                              + ", ".join(t.__name__ for t in _EMITTERS))
    return emitter(value, kubernetes_version)
