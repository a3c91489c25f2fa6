"""The Pod Security Standards: which controls a pod template breaks at a level, and the
namespace labels that make Pod Security Admission enforce a level.

The standard (https://kubernetes.io/docs/concepts/security/pod-security-standards/) has
three cumulative levels: ``privileged`` (no restriction), ``baseline`` (no known
privilege escalation) and ``restricted`` (current hardening practice).
:func:`pod_security_problems` checks a :class:`~kancat.values.PodTemplate` against every
control of a level, as the ``latest`` version of Pod Security Admission does, and reports
each violation as a :class:`~kancat.errors.Problem` at its Kubernetes field path inside
the pod template, the message naming the level and the control, the hint the fix:

>>> from kancat.values import Container, PodSecurityContext, PodTemplate, SecurityContext
>>> app = Container.of("app", image="shop/web:1.4.2",
...                    security_context=SecurityContext(privileged=True))
>>> pod = PodTemplate(containers=[app], host_network=True)
>>> for problem in pod_security_problems(pod, "baseline"):
...     print(problem)
spec.hostNetwork: baseline: hostNetwork must be false (remove hostNetwork: it gives the pod the node's network namespace)
spec.containers[0].securityContext.privileged: baseline: privileged must be false (remove privileged: a privileged container has every capability and the node's devices)
>>> pod_security_problems(pod, "privileged")
[]

The controls, and where each looks (``*`` is every container, init container and
ephemeral container, as the standard counts them):

* **baseline** — Windows ``hostProcess`` (pod and ``*``); host namespaces
  (``hostNetwork``, ``hostPID``, ``hostIPC``); ``privileged`` (``*``); capabilities
  added beyond the baseline set (:data:`BASELINE_CAPABILITIES`); ``hostPath`` volumes;
  ``hostPort`` (``*``; 0 is allowed); a ``host`` in probes and lifecycle hooks
  (``httpGet``, ``tcpSocket``; from Kubernetes 1.34); AppArmor ``Unconfined`` (the
  ``appArmorProfile`` field of the pod and ``*``, and the
  ``container.apparmor.security.beta.kubernetes.io/*`` annotations); SELinux options
  (``type`` outside :data:`SELINUX_TYPES`, any ``user`` or ``role``; pod and ``*``);
  ``procMount`` other than ``Default`` (``*``); seccomp ``Unconfined`` (pod and ``*``);
  sysctls outside :data:`SAFE_SYSCTLS`.
* **restricted** — everything of baseline, and: volume types outside
  :data:`RESTRICTED_VOLUME_TYPES`; ``allowPrivilegeEscalation: false`` (``*``);
  ``runAsNonRoot: true`` on the pod or on every container that does not inherit it;
  no ``runAsUser: 0`` (pod and ``*``); a seccomp profile ``RuntimeDefault`` or
  ``Localhost`` on the pod or on every container that does not inherit it;
  ``capabilities.drop`` holding ``ALL`` and ``add`` at most ``NET_BIND_SERVICE`` (``*``).
  As in Pod Security Admission, privilege escalation, seccomp and capabilities are not
  asked of a Windows pod (``spec.os.name: windows``), where those fields do not exist.

A container inherits the pod's ``runAsNonRoot`` and seccomp profile: the pod-level
setting satisfies every container that sets none of its own, and one problem at the
pod's field names every container left without. Each violation is reported once: at
``restricted``, a seccomp ``Unconfined`` or a capability outside the baseline set is the
baseline problem, not a second one.

Where kancat carries a field rather than modelling it, it is read from the carried
data: ``hostPID``, ``hostIPC``, ``os`` and the ephemeral containers from the pod's
``spec_extra``; ``sysctls``, ``seLinuxOptions``, ``appArmorProfile`` and
``windowsOptions`` from the ``extra`` of the security contexts; ``procMount`` likewise;
``lifecycle`` from a container's ``extra``.

The controls are those of the newest policy version (``latest``); a namespace pinned to
an older one (``pod_security_labels(version=...)``) may enforce fewer — probe hosts from
1.34, more safe sysctls over the releases. One relaxation of Pod Security Admission is
not applied, so that a pod is never judged looser than the strictest reading: pods in a
user namespace (``hostUsers: false``) are not excused ``runAsNonRoot``, ``runAsUser``
and ``procMount``, as newer clusters excuse them. The seccomp annotations of Kubernetes
before 1.19 are not read (only policy versions before 1.19 read them).

:func:`pod_security_labels` gives the namespace labels of Pod Security Admission:

>>> pod_security_labels("restricted", audit="baseline")
{'pod-security.kubernetes.io/enforce': 'restricted',
 'pod-security.kubernetes.io/enforce-version': 'latest',
 'pod-security.kubernetes.io/audit': 'baseline',
 'pod-security.kubernetes.io/audit-version': 'latest',
 'pod-security.kubernetes.io/warn': 'restricted',
 'pod-security.kubernetes.io/warn-version': 'latest'}
"""

import enum
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from types import MappingProxyType
from typing import Any, Final, Literal, TypeAlias

from kancat.core.frozen import is_mapping
from kancat.errors import InvalidArgument, InvalidValue, Problem
from kancat.values.container import Container, HTTPGetAction, TCPSocketAction
from kancat.values.pod import PodSecurityContext, PodTemplate

__all__ = [
    "BASELINE_CAPABILITIES",
    "CONTROLS",
    "LEVELS",
    "RESTRICTED_VOLUME_TYPES",
    "SAFE_SYSCTLS",
    "SELINUX_TYPES",
    "PodSecurityLevelName",
    "level_name",
    "pod_security_labels",
    "pod_security_problems",
    "pod_security_violations",
]

PodSecurityLevelName: TypeAlias = Literal["privileged", "baseline", "restricted"]
LEVELS: Final[tuple[PodSecurityLevelName, ...]] = ("privileged", "baseline", "restricted")
"""The levels of the standard, weakest first."""

BASELINE_CAPABILITIES: Final = frozenset({
    "AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD",
    "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"})
"""The capabilities baseline lets a container add (the container runtimes' defaults)."""

SELINUX_TYPES: Final = frozenset({"", "container_t", "container_init_t", "container_kvm_t",
                                  "container_engine_t"})
"""The SELinux types baseline allows (``container_engine_t`` from Kubernetes 1.31)."""

SAFE_SYSCTLS: Final = frozenset({
    "kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range", "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes", "net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"})
"""The sysctls baseline allows: namespaced, and isolated from other pods on the node."""

RESTRICTED_VOLUME_TYPES: Final = frozenset({
    "configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim",
    "projected", "secret"})
"""The volume sources restricted allows (other storage goes through a claim)."""

_SECCOMP_ALLOWED: Final = ("RuntimeDefault", "Localhost")
_APPARMOR_ALLOWED: Final = ("RuntimeDefault", "Localhost")
_APPARMOR_ANNOTATION: Final = "container.apparmor.security.beta.kubernetes.io/"
_HOST_NAMESPACES: Final = (("hostNetwork", "network"), ("hostPID", "process"),
                           ("hostIPC", "IPC"))
_PROBES: Final = (("liveness_probe", "livenessProbe"), ("readiness_probe", "readinessProbe"),
                  ("startup_probe", "startupProbe"))
_HOOKS: Final = ("postStart", "preStop")
_HANDLERS: Final = ("httpGet", "tcpSocket")
_VERSION = re.compile(r"latest\Z|v1\.(0|[1-9][0-9]{0,2})\Z")

# --- reading a pod as the controls see it ------------------------------------------------
#
# The controls are written against the Kubernetes fields they restrict, so each container
# is read into those fields first — from its modelled value, or, for an ephemeral
# container (carried, not modelled), from its carried JSON — and one set of checks serves
# both.

_View: TypeAlias = Mapping[str, Any]


def _get(data: object, *keys: str) -> Any:
    """``data[k1][k2]...``, or ``None`` where a key is missing or a level is no mapping."""
    for key in keys:
        if not is_mapping(data):
            return None
        data = data.get(key)
    return data


def _items(data: object) -> tuple[Any, ...]:
    """The items of a JSON list (frozen lists are tuples), or none for anything else."""
    return tuple(data) if isinstance(data, list | tuple) else ()


def _present(pairs: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    return {key: value for key, value in pairs if value is not None}


def _container_view(container: Container) -> dict[str, Any]:
    """The fields of a modelled container that the controls read, by Kubernetes name."""
    view: dict[str, Any] = {"name": container.name}
    context = container.security_context
    if context is not None:
        security = dict(context.extra)
        security.update(_present((
            ("privileged", context.privileged),
            ("allowPrivilegeEscalation", context.allow_privilege_escalation),
            ("runAsNonRoot", context.run_as_non_root), ("runAsUser", context.run_as_user))))
        if context.capabilities is not None:
            security["capabilities"] = {"add": context.capabilities.add,
                                        "drop": context.capabilities.drop}
        if context.seccomp_profile is not None:
            security["seccompProfile"] = {"type": context.seccomp_profile.type}
        view["securityContext"] = security
    view["ports"] = [_present((("hostPort", port.host_port),)) for port in container.ports]
    for attribute, key in _PROBES:
        probe = getattr(container, attribute)
        if probe is not None and isinstance(probe.handler, (HTTPGetAction, TCPSocketAction)):
            view[key] = {probe.handler_field: _present((("host", probe.handler.host),))}
    if "lifecycle" in container.extra:
        view["lifecycle"] = container.extra["lifecycle"]
    return view


def _pod_context_view(context: PodSecurityContext | None) -> dict[str, Any]:
    if context is None:
        return {}
    view = dict(context.extra)
    view.update(_present((("runAsNonRoot", context.run_as_non_root),
                          ("runAsUser", context.run_as_user))))
    if context.seccomp_profile is not None:
        view["seccompProfile"] = {"type": context.seccomp_profile.type}
    return view


class _Pod:
    """A pod template as the controls read it: its spec fields and its containers, each
    with the field path it has in the template."""

    __slots__ = ("annotations", "containers", "context", "spec", "volumes", "windows")

    def __init__(self, pod: PodTemplate) -> None:
        extra = pod.spec_extra
        self.spec: dict[str, Any] = {"hostNetwork": pod.host_network,
                                     "hostPID": extra.get("hostPID"),
                                     "hostIPC": extra.get("hostIPC")}
        self.context = _pod_context_view(pod.security_context)
        self.annotations: Mapping[str, str] = pod.annotations
        self.volumes = tuple(volume.source_field for volume in pod.volumes)
        self.windows = _get(extra, "os", "name") == "windows"
        containers: list[tuple[str, _View]] = []
        for key, group in (("initContainers", pod.init_containers),
                           ("containers", pod.containers)):
            containers += [(f"spec.{key}[{index}]", _container_view(container))
                           for index, container in enumerate(group)]
        containers += [(f"spec.ephemeralContainers[{index}]", container) for index, container
                       in enumerate(_items(extra.get("ephemeralContainers")))
                       if is_mapping(container)]
        self.containers: tuple[tuple[str, _View], ...] = tuple(containers)

    def contexts(self) -> Iterator[tuple[str, _View]]:
        """The security contexts, each with its path: the pod's, then every container's."""
        yield "spec.securityContext", self.context
        for path, container in self.containers:
            context = _get(container, "securityContext")
            yield f"{path}.securityContext", context if is_mapping(context) else {}


# --- the controls -----------------------------------------------------------------------------

_Control: TypeAlias = Callable[[_Pod], Iterator[Problem]]


def _linux_only(control: _Control) -> _Control:
    """``control`` asked of Linux pods only: a Windows pod (``spec.os.name: windows``)
    has none of the fields it restricts, and the standard does not ask it."""

    def checked(pod: _Pod) -> Iterator[Problem]:
        return iter(()) if pod.windows else control(pod)

    return checked


def _names(containers: Sequence[str]) -> str:
    noun = "container" if len(containers) == 1 else "containers"
    return f"{noun} " + ", ".join(repr(name) for name in containers)


def _host_process(pod: _Pod) -> Iterator[Problem]:
    for path, context in pod.contexts():
        if _get(context, "windowsOptions", "hostProcess") is True:
            yield Problem(f"{path}.windowsOptions.hostProcess",
                          "baseline: windowsOptions.hostProcess must not be true",
                          "remove hostProcess: a HostProcess container has privileged access "
                          "to the Windows node")


def _host_namespaces(pod: _Pod) -> Iterator[Problem]:
    for key, namespace in _HOST_NAMESPACES:
        if pod.spec[key] is True:
            yield Problem(f"spec.{key}", f"baseline: {key} must be false",
                          f"remove {key}: it gives the pod the node's {namespace} namespace")


def _privileged(pod: _Pod) -> Iterator[Problem]:
    for path, container in pod.containers:
        if _get(container, "securityContext", "privileged") is True:
            yield Problem(f"{path}.securityContext.privileged",
                          "baseline: privileged must be false",
                          "remove privileged: a privileged container has every capability "
                          "and the node's devices")


def _added(container: _View) -> Iterator[tuple[int, Any]]:
    return enumerate(_items(_get(container, "securityContext", "capabilities", "add")))


def _capabilities_baseline(pod: _Pod) -> Iterator[Problem]:
    allowed = ", ".join(sorted(BASELINE_CAPABILITIES))
    for path, container in pod.containers:
        for index, capability in _added(container):
            if capability not in BASELINE_CAPABILITIES:
                yield Problem(f"{path}.securityContext.capabilities.add[{index}]",
                              f"baseline: capability {capability!r} may not be added",
                              f"remove it; baseline lets a container add only {allowed}")


def _host_path_volumes(pod: _Pod) -> Iterator[Problem]:
    for index, source in enumerate(pod.volumes):
        if source == "hostPath":
            yield Problem(f"spec.volumes[{index}].hostPath",
                          "baseline: hostPath volumes are not allowed",
                          "use an emptyDir, a ConfigMap, a Secret or a PersistentVolumeClaim "
                          "instead of the node's files")


def _host_ports(pod: _Pod) -> Iterator[Problem]:
    for path, container in pod.containers:
        for index, port in enumerate(_items(container.get("ports"))):
            number = _get(port, "hostPort")
            if number not in (None, 0):
                yield Problem(f"{path}.ports[{index}].hostPort",
                              f"baseline: hostPort {number} is not allowed",
                              "remove hostPort and reach the pod through a Service")


def _host_probes(pod: _Pod) -> Iterator[Problem]:
    for path, container in pod.containers:
        places = [(key, container.get(key)) for _, key in _PROBES]
        places += [(f"lifecycle.{hook}", _get(container, "lifecycle", hook)) for hook in _HOOKS]
        for where, handler in places:
            for kind in _HANDLERS:
                host = _get(handler, kind, "host")
                if host not in (None, ""):
                    yield Problem(f"{path}.{where}.{kind}.host",
                                  f"baseline: {where}.{kind} may not name a host ({host!r})",
                                  "remove host: the kubelet then connects to the pod's own IP")


def _profile_types(pod: _Pod, key: str, what: str, allowed: tuple[str, ...],
                   hint: str) -> Iterator[Problem]:
    """The problems of each security context's ``key`` (``seccompProfile``,
    ``appArmorProfile``) whose ``type`` is set to none of the ``allowed``."""
    for path, context in pod.contexts():
        kind = _get(context, key, "type")
        if kind is not None and kind not in allowed:
            yield Problem(f"{path}.{key}.type",
                          f"baseline: {what} profile {kind!r} is not allowed", hint)


def _app_armor(pod: _Pod) -> Iterator[Problem]:
    yield from _profile_types(pod, "appArmorProfile", "AppArmor", _APPARMOR_ALLOWED,
                              "use type RuntimeDefault or Localhost, or leave it out")
    for key, value in pod.annotations.items():
        if key.startswith(_APPARMOR_ANNOTATION) and not (
                value in ("", "runtime/default") or value.startswith("localhost/")):
            yield Problem(f"metadata.annotations[{key!r}]",
                          f"baseline: AppArmor profile {value!r} is not allowed",
                          "use runtime/default or localhost/<profile>, or remove the "
                          "annotation")


def _se_linux(pod: _Pod) -> Iterator[Problem]:
    allowed = ", ".join(sorted(SELINUX_TYPES - {""}))
    for path, context in pod.contexts():
        options = _get(context, "seLinuxOptions")
        kind = _get(options, "type")
        if kind is not None and kind not in SELINUX_TYPES:
            yield Problem(f"{path}.seLinuxOptions.type",
                          f"baseline: SELinux type {kind!r} is not allowed",
                          f"use {allowed}, or leave the type out")
        for field in ("user", "role"):
            if _get(options, field) not in (None, ""):
                yield Problem(f"{path}.seLinuxOptions.{field}",
                              f"baseline: seLinuxOptions.{field} may not be set",
                              f"remove seLinuxOptions.{field}")


def _proc_mount(pod: _Pod) -> Iterator[Problem]:
    for path, container in pod.containers:
        mount = _get(container, "securityContext", "procMount")
        if mount not in (None, "Default"):
            yield Problem(f"{path}.securityContext.procMount",
                          f"baseline: procMount must be Default, got {mount!r}",
                          "remove procMount: the default /proc masks hide the node's "
                          "kernel interfaces")


def _seccomp_baseline(pod: _Pod) -> Iterator[Problem]:
    return _profile_types(pod, "seccompProfile", "seccomp", _SECCOMP_ALLOWED,
                          "use type RuntimeDefault or Localhost")


def _sysctls(pod: _Pod) -> Iterator[Problem]:
    for index, sysctl in enumerate(_items(pod.context.get("sysctls"))):
        name = _get(sysctl, "name")
        if name not in SAFE_SYSCTLS:
            yield Problem(f"spec.securityContext.sysctls[{index}].name",
                          f"baseline: sysctl {name!r} is not a safe sysctl",
                          "remove it: only namespaced sysctls isolated from other pods are "
                          "allowed, such as net.ipv4.ip_local_port_range")


def _volume_types(pod: _Pod) -> Iterator[Problem]:
    allowed = ", ".join(sorted(RESTRICTED_VOLUME_TYPES))
    for index, source in enumerate(pod.volumes):
        if source not in RESTRICTED_VOLUME_TYPES and source != "hostPath":  # hostPath: baseline
            yield Problem(f"spec.volumes[{index}].{source}",
                          f"restricted: {source} volumes are not allowed",
                          f"use one of {allowed}; a PersistentVolumeClaim reaches the same "
                          "storage")


@_linux_only
def _privilege_escalation(pod: _Pod) -> Iterator[Problem]:
    for path, container in pod.containers:
        if _get(container, "securityContext", "allowPrivilegeEscalation") is not False:
            yield Problem(f"{path}.securityContext.allowPrivilegeEscalation",
                          "restricted: allowPrivilegeEscalation must be false",
                          "set securityContext.allowPrivilegeEscalation: false")


def _inherited(pod: _Pod, key: str, good: Callable[[object], bool], message: str,
               hint: str) -> Iterator[Problem]:
    """One problem at the pod's ``key`` naming the containers that set no ``key`` of
    their own and do not inherit a good one (a container inherits the pod's setting)."""
    if good(pod.context.get(key)):
        return
    left = [str(container.get("name")) for _, container in pod.containers
            if _get(container, "securityContext", key) is None]
    if left and pod.context.get(key) is None:  # a bad pod-level value is its own problem
        yield Problem(f"spec.securityContext.{key}", f"restricted: {message} for "
                      f"{_names(left)}", hint)


def _run_as_non_root(pod: _Pod) -> Iterator[Problem]:
    hint = ("set runAsNonRoot: true in the pod's securityContext (containers inherit it) "
            "or in each container's")
    for path, context in pod.contexts():
        if context.get("runAsNonRoot") is False:
            yield Problem(f"{path}.runAsNonRoot", "restricted: runAsNonRoot must be true",
                          "set runAsNonRoot: true")
    yield from _inherited(pod, "runAsNonRoot", lambda value: value is True,
                          "runAsNonRoot is not set", hint)


def _run_as_user(pod: _Pod) -> Iterator[Problem]:
    for path, context in pod.contexts():
        user = context.get("runAsUser")
        if user == 0 and not isinstance(user, bool):
            yield Problem(f"{path}.runAsUser", "restricted: runAsUser must not be 0 (root)",
                          "use a non-zero user ID such as 10001, or leave runAsUser out")


@_linux_only
def _seccomp_restricted(pod: _Pod) -> Iterator[Problem]:
    yield from _inherited(
        pod, "seccompProfile", lambda value: _get(value, "type") in _SECCOMP_ALLOWED,
        "no seccomp profile is set",
        "set securityContext.seccompProfile.type: RuntimeDefault on the pod (containers "
        "inherit it) or on each container")


@_linux_only
def _drop_all(pod: _Pod) -> Iterator[Problem]:
    for path, container in pod.containers:
        if "ALL" not in _items(_get(container, "securityContext", "capabilities", "drop")):
            yield Problem(f"{path}.securityContext.capabilities.drop",
                          "restricted: capabilities.drop must include ALL",
                          "set securityContext.capabilities.drop: [ALL] (and add back only "
                          "NET_BIND_SERVICE, if the container binds a port below 1024)")


@_linux_only
def _capabilities_restricted(pod: _Pod) -> Iterator[Problem]:
    for path, container in pod.containers:
        for index, capability in _added(container):
            # A capability outside the baseline set is the baseline problem already.
            if capability != "NET_BIND_SERVICE" and capability in BASELINE_CAPABILITIES:
                yield Problem(f"{path}.securityContext.capabilities.add[{index}]",
                              f"restricted: capability {capability!r} may not be added",
                              "remove it; restricted lets a container add only "
                              "NET_BIND_SERVICE")


_BASELINE: Final[tuple[tuple[str, _Control], ...]] = (
    ("hostProcess", _host_process),
    ("hostNamespaces", _host_namespaces),
    ("privileged", _privileged),
    ("capabilities_baseline", _capabilities_baseline),
    ("hostPathVolumes", _host_path_volumes),
    ("hostPorts", _host_ports),
    ("hostProbesAndHostLifecycle", _host_probes),
    ("appArmorProfile", _app_armor),
    ("seLinuxOptions", _se_linux),
    ("procMount", _proc_mount),
    ("seccompProfile_baseline", _seccomp_baseline),
    ("sysctls", _sysctls),
)
_RESTRICTED: Final[tuple[tuple[str, _Control], ...]] = (
    ("restrictedVolumes", _volume_types),
    ("allowPrivilegeEscalation", _privilege_escalation),
    ("runAsNonRoot", _run_as_non_root),
    ("runAsUser", _run_as_user),
    ("seccompProfile_restricted", _seccomp_restricted),
    ("dropCapabilities", _drop_all),
    ("capabilities_restricted", _capabilities_restricted),
)
CONTROLS: Final[Mapping[PodSecurityLevelName, tuple[tuple[str, _Control], ...]]] = (
    MappingProxyType({"privileged": (), "baseline": _BASELINE,
                      "restricted": _BASELINE + _RESTRICTED}))
"""The controls of each level, named after the checks of Pod Security Admission (the
restricted capabilities control as two: ``dropCapabilities``, ``capabilities_restricted``
for what is added), in the order of the standard (baseline's first)."""


def level_name(level: object) -> PodSecurityLevelName:
    """The level's name, from a string or an enum member whose ``value`` is one
    (such as ``kancat.algebra.policy.PodSecurityLevel.RESTRICTED``).

    >>> level_name("baseline")
    'baseline'
    >>> level_name("Restricted")
    Traceback (most recent call last):
    ...
    kancat.errors.InvalidArgument: a Pod Security level is 'privileged', 'baseline' or 'restricted' (or a PodSecurityLevel), got 'Restricted'
    """
    value = level.value if isinstance(level, enum.Enum) else level
    for name in LEVELS:
        if value == name and isinstance(value, str):
            return name
    raise InvalidArgument("a Pod Security level is 'privileged', 'baseline' or 'restricted' "
                          f"(or a PodSecurityLevel), got {level!r:.60}")


def pod_security_violations(pod: PodTemplate, level: object) -> list[tuple[str, Problem]]:
    """Every violation of ``level``, each with the name of its control (as
    :data:`CONTROLS` names it): what :func:`pod_security_problems` reports, for code
    that treats controls differently (``restricted()`` fixes some, refuses others).

    >>> from kancat.values import Container, PodTemplate
    >>> pod = PodTemplate.of([Container.of("app", image="shop/web:1.4.2")])
    >>> [control for control, _ in pod_security_violations(pod, "restricted")]
    ['allowPrivilegeEscalation', 'runAsNonRoot', 'seccompProfile_restricted', 'dropCapabilities']
    """
    if not isinstance(pod, PodTemplate):
        raise InvalidArgument(f"pod_security_problems: expected a PodTemplate, got "
                              f"{type(pod).__name__}; give a workload's .template")
    controls = CONTROLS[level_name(level)]
    if not controls:
        return []
    view = _Pod(pod)
    return [(name, problem) for name, control in controls for problem in control(view)]


def pod_security_problems(pod: PodTemplate, level: object) -> list[Problem]:
    """Every violation of the Pod Security Standards ``level`` (``"privileged"``,
    ``"baseline"`` or ``"restricted"``, or an enum member whose ``value`` is one, such
    as ``PodSecurityLevel.RESTRICTED``) in ``pod``; empty when the pod passes.

    Paths are inside the pod template (``spec.containers[0].securityContext...``); a
    workload's problems are those of its ``template`` (prefix them with
    ``spec.template``). See the module documentation for the controls. A level that is
    none of these raises :class:`~kancat.errors.InvalidArgument`.

    >>> from kancat.values import Container, PodSecurityContext, PodTemplate, SecurityContext
    >>> from kancat.values import Capabilities
    >>> app = Container.of("app", image="shop/web:1.4.2", security_context=SecurityContext(
    ...     allow_privilege_escalation=False, capabilities=Capabilities(drop=["ALL"])))
    >>> pod = PodTemplate.of([app])
    >>> for problem in pod_security_problems(pod, "restricted"):
    ...     print(problem)
    spec.securityContext.runAsNonRoot: restricted: runAsNonRoot is not set for container 'app' (set runAsNonRoot: true in the pod's securityContext (containers inherit it) or in each container's)
    spec.securityContext.seccompProfile: restricted: no seccomp profile is set for container 'app' (set securityContext.seccompProfile.type: RuntimeDefault on the pod (containers inherit it) or on each container)
    >>> from kancat.values import SeccompProfile
    >>> hardened = PodTemplate.of([app], security_context=PodSecurityContext(
    ...     run_as_non_root=True, seccomp_profile=SeccompProfile("RuntimeDefault")))
    >>> pod_security_problems(hardened, "restricted")
    []
    """
    return [problem for _, problem in pod_security_violations(pod, level)]


# --- the namespace labels ---------------------------------------------------------------------

_LABEL_PREFIX = "pod-security.kubernetes.io/"


def pod_security_labels(level: object, *, version: str = "latest", audit: object = None,
                        warn: object = None) -> dict[str, str]:
    """The namespace labels by which Pod Security Admission enforces ``level`` (pods
    breaking it are refused), audits ``audit`` (violations are recorded in the audit log)
    and warns of ``warn`` (clients are warned): ``pod-security.kubernetes.io/enforce``,
    ``/audit`` and ``/warn``, each with its ``-version`` label, ``version`` (``latest``
    or ``v1.N``: the controls of that Kubernetes release). ``audit`` and ``warn`` default
    to ``level``; each level is a name or an enum member such as ``PodSecurityLevel``.

    Put them on a :class:`~kancat.values.Namespace`'s labels. Raises
    :class:`~kancat.errors.InvalidValue` naming every parameter that is not a level (or,
    for ``version``, not a version).

    >>> labels = pod_security_labels("baseline", version="v1.32", warn="restricted")
    >>> labels["pod-security.kubernetes.io/enforce"], labels["pod-security.kubernetes.io/warn"]
    ('baseline', 'restricted')
    >>> labels["pod-security.kubernetes.io/audit-version"]
    'v1.32'
    >>> pod_security_labels("strict", version="1.32")
    Traceback (most recent call last):
    ...
    kancat.errors.InvalidValue: 2 problems:
      level: 'strict' is not a Pod Security level (use 'privileged', 'baseline' or 'restricted')
      version: '1.32' is not a Pod Security version (use 'latest' or a Kubernetes minor version such as 'v1.32')
    """
    problems: list[Problem] = []
    chosen: dict[str, str] = {}
    for parameter, given in (("level", level), ("audit", audit), ("warn", warn)):
        if given is None and parameter != "level":
            continue  # audit and warn default to the enforced level
        try:
            chosen[parameter] = level_name(given)
        except InvalidArgument:
            problems.append(Problem(parameter, f"{given!r:.60} is not a Pod Security level",
                                    "use 'privileged', 'baseline' or 'restricted'"))
    if not isinstance(version, str) or not _VERSION.match(version):
        problems.append(Problem("version", f"{version!r:.60} is not a Pod Security version",
                                "use 'latest' or a Kubernetes minor version such as 'v1.32'"))
    if problems:
        raise InvalidValue(problems)
    labels: dict[str, str] = {}
    for mode, parameter in (("enforce", "level"), ("audit", "audit"), ("warn", "warn")):
        labels[f"{_LABEL_PREFIX}{mode}"] = chosen.get(parameter, chosen["level"])
        labels[f"{_LABEL_PREFIX}{mode}-version"] = version
    return labels
