"""Pod security (:mod:`kancat.values.pod_security`, :mod:`kancat.patterns.security`): pod
templates and workloads that :func:`~kancat.patterns.security.restricted` accepts.

:func:`~kancat.testing.strategies.pod_templates` draws pods with privileged containers,
host ports, hostPath and NFS volumes, unsafe sysctls, seccomp ``Unconfined``, probe hosts
and added capabilities — what ``restricted()`` refuses. Laws about hardening need the
pods it accepts, and many of them: these strategies draw as the others do, then take
away exactly what would be refused (a host port, a privileged flag, an added capability
other than ``NET_BIND_SERVICE``, a volume type the restricted level does not allow
becomes an emptyDir, ...). What ``restricted()`` sets — privilege escalation, root
users, missing seccomp profiles and dropped capabilities — is left as drawn, so
hardening has work to do.
"""

from typing import Any, TypeVar

import attrs
import hypothesis.strategies as st
from hypothesis.strategies import SearchStrategy

from kancat.testing.strategies.pods import pod_templates
from kancat.testing.strategies.workloads import deployments, statefulsets
from kancat.values import (
    Container,
    ContainerPort,
    Deployment,
    EmptyDir,
    HTTPGetAction,
    PodSecurityContext,
    PodTemplate,
    Probe,
    SecurityContext,
    StatefulSet,
    TCPSocketAction,
    Volume,
)
from kancat.values.kinds import pod_of, with_pod
from kancat.values.pod_security import (
    RESTRICTED_VOLUME_TYPES,
    SAFE_SYSCTLS,
    SELINUX_TYPES,
)

__all__ = ["hardenable_pod_templates", "hardenable_workloads"]

_C = TypeVar("_C", SecurityContext, PodSecurityContext)
_W = TypeVar("_W", Deployment, StatefulSet)
_ALLOWED_SECCOMP = ("RuntimeDefault", "Localhost")


def _allowed_extra(extra: Any) -> dict[str, Any]:
    """A security context's carried fields without what baseline forbids."""
    kept = dict(extra)
    if kept.get("procMount", "Default") != "Default":
        del kept["procMount"]
    if kept.get("appArmorProfile", {}).get("type", "RuntimeDefault") not in _ALLOWED_SECCOMP:
        del kept["appArmorProfile"]
    options = kept.get("seLinuxOptions", {})
    if options.get("type", "") not in SELINUX_TYPES or options.get("user") or options.get(
            "role"):
        del kept["seLinuxOptions"]
    if kept.get("windowsOptions", {}).get("hostProcess"):
        del kept["windowsOptions"]
    sysctls = [s for s in kept.get("sysctls", ()) if s.get("name") in SAFE_SYSCTLS]
    if sysctls:
        kept["sysctls"] = sysctls
    else:
        kept.pop("sysctls", None)
    return kept


def _allowed_context(context: _C) -> _C:
    changes: dict[str, Any] = {"extra": _allowed_extra(context.extra)}
    profile = context.seccomp_profile
    if profile is not None and profile.type not in _ALLOWED_SECCOMP:
        changes["seccomp_profile"] = None
    if isinstance(context, SecurityContext):
        if context.privileged:
            changes["privileged"] = None
        if context.capabilities is not None:
            changes["capabilities"] = attrs.evolve(context.capabilities, add=tuple(
                c for c in context.capabilities.add if c == "NET_BIND_SERVICE"))
    return attrs.evolve(context, **changes)


def _without_host_port(port: ContainerPort) -> ContainerPort:
    if port.host_port is None:
        return port
    extra = {k: v for k, v in port.extra.items() if k != "hostIP"}
    return attrs.evolve(port, host_port=None, extra=extra)


def _without_host(probe: Probe | None) -> Probe | None:
    if probe is None or not isinstance(probe.handler, (HTTPGetAction, TCPSocketAction)):
        return probe
    return attrs.evolve(probe, handler=attrs.evolve(probe.handler, host=None))


def _acceptable_container(container: Container) -> Container:
    context = container.security_context
    return attrs.evolve(
        container, ports=tuple(_without_host_port(p) for p in container.ports),
        liveness_probe=_without_host(container.liveness_probe),
        readiness_probe=_without_host(container.readiness_probe),
        startup_probe=_without_host(container.startup_probe),
        security_context=None if context is None else _allowed_context(context))


def _acceptable_volume(volume: Volume) -> Volume:
    if volume.source_field in RESTRICTED_VOLUME_TYPES:
        return volume
    return attrs.evolve(volume, source=EmptyDir())


def _acceptable_to_restricted(pod: PodTemplate) -> PodTemplate:
    """``pod`` without what :func:`~kancat.patterns.security.restricted` refuses (see the
    module documentation); what it sets is left alone.

    >>> from kancat.patterns.security import restricted
    >>> from kancat.values import Container, OtherVolumeSource
    >>> pod = PodTemplate.of([Container.of("app", image="shop/agent:2.0")], volumes=[
    ...     Volume("logs", OtherVolumeSource({"hostPath": {"path": "/var/log"}}))])
    >>> _acceptable_to_restricted(pod).volumes[0].source_field
    'emptyDir'
    >>> restricted()(_acceptable_to_restricted(pod)).volumes == _acceptable_to_restricted(pod).volumes
    True
    """
    context = pod.security_context
    spec_extra = {k: v for k, v in pod.spec_extra.items()
                  if k not in ("hostPID", "hostIPC", "ephemeralContainers")}
    annotations = {k: v for k, v in pod.annotations.items()
                   if not k.startswith("container.apparmor.security.beta.kubernetes.io/")}
    return attrs.evolve(
        pod, host_network=None if pod.host_network else pod.host_network,
        security_context=None if context is None else _allowed_context(context),
        init_containers=tuple(_acceptable_container(c) for c in pod.init_containers),
        containers=tuple(_acceptable_container(c) for c in pod.containers),
        volumes=tuple(_acceptable_volume(v) for v in pod.volumes),
        spec_extra=spec_extra, annotations=annotations)


def _acceptable_workload(workload: _W) -> _W:
    pod = pod_of(workload)
    assert pod is not None  # Deployments and StatefulSets have pods
    return with_pod(workload, _acceptable_to_restricted(pod))


_HARDENABLE_PODS = pod_templates().map(_acceptable_to_restricted)
_HARDENABLE_WORKLOADS: SearchStrategy[Deployment | StatefulSet] = st.one_of(
    deployments().map(_acceptable_workload), statefulsets().map(_acceptable_workload))


def hardenable_pod_templates() -> SearchStrategy[PodTemplate]:
    """Pod templates as :func:`~kancat.testing.strategies.pod_templates` draws them, with
    what :func:`~kancat.patterns.security.restricted` refuses taken away: pods it accepts.

    >>> from hypothesis import given, settings
    >>> from kancat.patterns.security import pod_security_problems, restricted
    >>> @settings(max_examples=10)
    ... @given(hardenable_pod_templates())
    ... def test(pod):
    ...     assert pod_security_problems(restricted()(pod), "restricted") == []
    >>> test()
    """
    return _HARDENABLE_PODS


def hardenable_workloads() -> SearchStrategy[Deployment | StatefulSet]:
    """Deployments and StatefulSets whose pods :func:`~kancat.patterns.security.restricted`
    accepts (their templates as :func:`hardenable_pod_templates` makes them).

    >>> from hypothesis import given, settings
    >>> from kancat.patterns.security import restricted
    >>> @settings(max_examples=5)
    ... @given(hardenable_workloads())
    ... def test(workload):
    ...     assert restricted()(workload).name == workload.name
    >>> test()
    """
    return _HARDENABLE_WORKLOADS
