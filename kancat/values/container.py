"""Containers and their parts: ports, environment, mounts, probes, resources, security.

>>> app = Container.of("app", image="registry.example.com/shop/web:1.4.2",
...                    ports={"http": 8080}, env={"LOG_LEVEL": "info"},
...                    requests={"cpu": "100m", "memory": "128Mi"})
>>> app.ports[0]
ContainerPort(container_port=8080, name='http', protocol='TCP', host_port=None, extra=FrozenMap({}))
>>> Container.of("Bad_Name!", image="web", ports={"http": 70000})
Traceback (most recent call last):
...
kancat.errors.InvalidValue: 2 problems:
  name: container name 'Bad_Name!' is not a DNS-1123 label (...)
  ports[0].containerPort: containerPort 70000 is out of range (use a number from 1 to 65535)
"""

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypeAlias

import attrs

from kancat.errors import InvalidValue, Problem
from kancat.values import _check as check
from kancat.values._base import (
    Collect,
    as_result,
    check_types,
    to_frozen,
    to_str_tuple,
    to_tuple,
)
from kancat.values._frozen import EMPTY, FrozenMap
from kancat.values.image import ImageRef
from kancat.values.quantity import Quantity

if TYPE_CHECKING:
    from returns.result import Result

__all__ = [
    "Capabilities",
    "ConfigMapKeyRef",
    "Container",
    "ContainerPort",
    "EnvSource",
    "EnvVar",
    "ExecAction",
    "FieldRef",
    "GRPCAction",
    "HTTPGetAction",
    "OtherEnvSource",
    "Probe",
    "ProbeHandler",
    "Resources",
    "SeccompProfile",
    "SecretKeyRef",
    "SecurityContext",
    "TCPSocketAction",
    "VolumeMount",
]


@attrs.frozen
class ContainerPort:
    """A port the container listens on; ``protocol`` is always emitted (default TCP)."""

    container_port: int
    name: str | None = None
    protocol: str = "TCP"
    host_port: int | None = None
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen)

    def __attrs_post_init__(self) -> None:
        found = check.port_number("containerPort", self.container_port, what="containerPort")
        if self.name is not None:
            found += check.port_name("name", self.name)
        found += check.protocol("protocol", self.protocol)
        if self.host_port is not None:
            found += check.port_number("hostPort", self.host_port, what="hostPort")
        check.raise_if(found)


# --- environment -------------------------------------------------------------------------

@attrs.frozen
class SecretKeyRef:
    """``valueFrom.secretKeyRef``: one key of a Secret."""

    name: str
    key: str
    optional: bool | None = None

    def __attrs_post_init__(self) -> None:
        found = check.dns_subdomain("name", self.name, what="Secret name")
        found += check.config_key("key", self.key)
        found += check.boolean("optional", self.optional)
        check.raise_if(found)


@attrs.frozen
class ConfigMapKeyRef:
    """``valueFrom.configMapKeyRef``: one key of a ConfigMap."""

    name: str
    key: str
    optional: bool | None = None

    def __attrs_post_init__(self) -> None:
        found = check.dns_subdomain("name", self.name, what="ConfigMap name")
        found += check.config_key("key", self.key)
        found += check.boolean("optional", self.optional)
        check.raise_if(found)


ENV_FIELD_PATHS = ("metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName",
                   "spec.serviceAccountName", "status.hostIP", "status.hostIPs", "status.podIP",
                   "status.podIPs")
"""Pod fields an environment variable may take (besides one label or annotation)."""

VOLUME_FIELD_PATHS = ("metadata.name", "metadata.namespace", "metadata.uid", "metadata.labels",
                      "metadata.annotations")
"""Pod fields a downward-API volume file may hold (besides one label or annotation)."""


def _one_key(path: str) -> bool:
    return path.startswith(("metadata.labels['", "metadata.annotations['")) and path.endswith(
        "']")


def field_path_problems(path: object, allowed: tuple[str, ...]) -> list[Problem]:
    """``fieldPath`` rules: env vars and volume files allow different pod fields."""
    if isinstance(path, str) and (path in allowed or _one_key(path)):
        return []
    return [Problem("fieldPath", f"fieldPath {path!r} is not supported here",
                    "use one of " + ", ".join(allowed)
                    + ", metadata.labels['<key>'] or metadata.annotations['<key>']")]


@attrs.frozen
class FieldRef:
    """``fieldRef``: a field of the pod (downward API).

    Which fields are allowed depends on the use: :class:`EnvVar` and
    ``DownwardAPIFile`` check that.
    """

    field_path: str
    api_version: str | None = None

    def __attrs_post_init__(self) -> None:
        found = field_path_problems(self.field_path, ENV_FIELD_PATHS + VOLUME_FIELD_PATHS)
        found += check.optional_string("apiVersion", self.api_version, what="apiVersion")
        check.raise_if(found)


@attrs.frozen
class OtherEnvSource:
    """A ``valueFrom`` kancat does not model (e.g. ``resourceFieldRef``), carried as is."""

    data: FrozenMap[Any] = attrs.field(converter=to_frozen)


EnvSource: TypeAlias = SecretKeyRef | ConfigMapKeyRef | FieldRef | OtherEnvSource


@attrs.frozen
class EnvVar:
    """An environment variable: a literal ``value`` or a ``value_from`` source.

    >>> EnvVar("POD_NAME", value_from=FieldRef("metadata.name")).value_from
    FieldRef(field_path='metadata.name', api_version=None)
    """

    name: str
    value: str | None = None
    value_from: EnvSource | None = None

    def __attrs_post_init__(self) -> None:
        found = check.env_var_name("name", self.name)
        if isinstance(self.value_from, FieldRef):
            found += [p.under("valueFrom.fieldRef") for p in field_path_problems(
                self.value_from.field_path, ENV_FIELD_PATHS)]
        if self.value is not None:
            found += check.string("value", self.value)
            if self.value_from is not None:
                found.append(Problem("valueFrom", "both value and valueFrom are set",
                                     "keep only one of them"))
        check.raise_if(found)


# --- mounts --------------------------------------------------------------------------------

@attrs.frozen
class VolumeMount:
    """Mount the pod volume ``name`` at ``mount_path``."""

    name: str
    mount_path: str
    read_only: bool | None = None
    sub_path: str | None = None
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen)

    def __attrs_post_init__(self) -> None:
        found = check.dns_label("name", self.name, what="volume name")
        found += check.string("mountPath", self.mount_path, what="mountPath", empty=False)
        if isinstance(self.mount_path, str) and self.mount_path and ":" in self.mount_path:
            found.append(Problem("mountPath", f"mountPath {self.mount_path!r} contains ':'",
                                 "use an absolute path without ':'"))
        found += check.boolean("readOnly", self.read_only)
        if self.sub_path is not None and (
                not isinstance(self.sub_path, str) or self.sub_path.startswith("/")
                or ".." in self.sub_path.split("/")):
            found.append(Problem("subPath", f"subPath {self.sub_path!r} is not relative",
                                 "use a relative path without '..'"))
        check.raise_if(found)


# --- probes --------------------------------------------------------------------------------

@attrs.frozen
class ExecAction:
    command: tuple[str, ...] = attrs.field(converter=to_str_tuple)

    def __attrs_post_init__(self) -> None:
        if not self.command:
            check.raise_if([Problem("command", "exec probe has no command",
                                    "give the command to run")])


@attrs.frozen
class HTTPGetAction:
    """``httpGet``: ``port`` is a number or the name of a container port."""

    port: int | str
    path: str | None = None
    scheme: str | None = None
    host: str | None = None
    http_headers: tuple[FrozenMap[Any], ...] = attrs.field(default=(), converter=to_tuple)

    def __attrs_post_init__(self) -> None:
        found = check.int_or_port_name("port", self.port)
        found += check.optional_string("host", self.host, what="host")
        for index, header in enumerate(self.http_headers):
            if (not isinstance(header, FrozenMap) or set(header) != {"name", "value"}
                    or not all(isinstance(v, str) for v in header.values())):
                found.append(Problem(f"httpHeaders[{index}]",
                                     f"a header is {{name, value}} strings, got {header!r:.60}",
                                     "write - {name: X-Probe, value: ready}"))
        if self.scheme is not None:
            found += check.one_of("scheme", self.scheme, ("HTTP", "HTTPS"), what="scheme")
        if self.path is not None and not (isinstance(self.path, str)
                                          and self.path.startswith("/")):
            found.append(Problem("path", f"path {self.path!r} is not absolute",
                                 "start the path with '/'"))
        check.raise_if(found)


@attrs.frozen
class TCPSocketAction:
    port: int | str
    host: str | None = None

    def __attrs_post_init__(self) -> None:
        check.raise_if(check.int_or_port_name("port", self.port)
                       + check.optional_string("host", self.host, what="host"))


@attrs.frozen
class GRPCAction:
    """``grpc``: the port must be a number (Kubernetes does not resolve names here)."""

    port: int
    service: str | None = None

    def __attrs_post_init__(self) -> None:
        check.raise_if(check.port_number("port", self.port)
                       + check.optional_string("service", self.service, what="service"))


ProbeHandler: TypeAlias = ExecAction | HTTPGetAction | TCPSocketAction | GRPCAction

_HANDLER_FIELD = {ExecAction: "exec", HTTPGetAction: "httpGet",
                  TCPSocketAction: "tcpSocket", GRPCAction: "grpc"}


@attrs.frozen
class Probe:
    """A liveness, readiness or startup probe: one handler plus timings (seconds).

    >>> Probe(HTTPGetAction(port="http", path="/healthz"), period_seconds=10).handler.port
    'http'
    """

    handler: ProbeHandler
    initial_delay_seconds: int | None = None
    period_seconds: int | None = None
    timeout_seconds: int | None = None
    success_threshold: int | None = None
    failure_threshold: int | None = None
    termination_grace_period_seconds: int | None = None

    def __attrs_post_init__(self) -> None:
        found: list[Problem] = []
        if not isinstance(self.handler, tuple(_HANDLER_FIELD)):
            found.append(Problem("", "a probe needs exactly one handler",
                                 "give one of exec, httpGet, tcpSocket, grpc"))
        found += check.optional_integer("initialDelaySeconds", self.initial_delay_seconds,
                                        minimum=0, what="initialDelaySeconds")
        for name, value in (("periodSeconds", self.period_seconds),
                            ("timeoutSeconds", self.timeout_seconds),
                            ("successThreshold", self.success_threshold),
                            ("failureThreshold", self.failure_threshold),
                            ("terminationGracePeriodSeconds",
                             self.termination_grace_period_seconds)):
            found += check.optional_integer(name, value, minimum=1, what=name)
        check.raise_if(found)

    @property
    def handler_field(self) -> str:
        """The Kubernetes field of the handler: ``exec``, ``httpGet``, ``tcpSocket``, ``grpc``."""
        return _HANDLER_FIELD[type(self.handler)]

    @property
    def port(self) -> int | str | None:
        return None if isinstance(self.handler, ExecAction) else self.handler.port


# --- resources -----------------------------------------------------------------------------

def _quantities(data: Mapping[str, "Quantity | str | int | float"] | None) -> FrozenMap[Quantity]:
    if not data:
        return EMPTY
    if isinstance(data, FrozenMap) and all(isinstance(v, Quantity) for v in data.values()):
        return data
    result: dict[str, Quantity] = {}
    problems: list[Problem] = []
    for key, value in data.items():
        try:
            result[key] = Quantity.of(value)
        except InvalidValue as error:
            problems.extend(p.under(f"[{key!r}]") for p in error.problems)
    check.raise_if(problems)
    return FrozenMap(result)


@attrs.frozen
class Resources:
    """``resources``: requests and limits by resource name; requests never exceed limits.

    >>> Resources.of(requests={"cpu": "2"}, limits={"cpu": "500m"})
    Traceback (most recent call last):
    ...
    kancat.errors.InvalidValue: 1 problem:
      requests['cpu']: request 2 is above the limit 500m (raise the limit or lower the request)
    """

    requests: FrozenMap[Quantity] = attrs.field(default=EMPTY, converter=_quantities)
    limits: FrozenMap[Quantity] = attrs.field(default=EMPTY, converter=_quantities)
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen)

    def __attrs_post_init__(self) -> None:
        if not self.requests and not self.limits:
            return
        found: list[Problem] = []
        for where, table in (("requests", self.requests), ("limits", self.limits)):
            for key, amount in table.items():
                found += check.resource_name(f"{where}[{key!r}]", key)
                if amount.is_negative:
                    found.append(Problem(f"{where}[{key!r}]", f"{key} {amount} is negative",
                                         "use a quantity of 0 or more"))
        for key, request in self.requests.items():
            limit = self.limits.get(key)
            overcommittable = key in check.STANDARD_CONTAINER_RESOURCES
            if limit is not None and request.amount > limit.amount:
                found.append(Problem(f"requests[{key!r}]",
                                     f"request {request} is above the limit {limit}",
                                     "raise the limit or lower the request"))
            elif not overcommittable and (limit is None or request.amount != limit.amount):
                found.append(Problem(f"requests[{key!r}]",
                                     f"{key} cannot be overcommitted: its request must equal "
                                     "its limit",
                                     f"set limits[{key!r}] to {request}"))
        check.raise_if(found)

    @classmethod
    def of(cls, *, requests: Mapping[str, "Quantity | str | int | float"] | None = None,
           limits: Mapping[str, "Quantity | str | int | float"] | None = None) -> "Resources":
        collect = Collect()
        req = collect.take("requests", lambda: _quantities(requests))
        lim = collect.take("limits", lambda: _quantities(limits))
        collect.raise_if_any()
        assert req is not None and lim is not None
        return cls(req, lim)

    @property
    def is_empty(self) -> bool:
        return not self.requests and not self.limits and not self.extra


NO_RESOURCES = Resources()


# --- security ------------------------------------------------------------------------------

@attrs.frozen
class Capabilities:
    add: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple)
    drop: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple)


@attrs.frozen
class SeccompProfile:
    """``type`` RuntimeDefault, Localhost (with ``localhost_profile``) or Unconfined."""

    type: str
    localhost_profile: str | None = None

    def __attrs_post_init__(self) -> None:
        found = check.one_of("type", self.type, ("RuntimeDefault", "Localhost", "Unconfined"),
                             what="seccomp profile type")
        found += check.optional_string("localhostProfile", self.localhost_profile,
                                       what="localhostProfile")
        if (self.type == "Localhost") != (self.localhost_profile is not None):
            found.append(Problem("localhostProfile",
                                 "localhostProfile goes with type Localhost, and only with it",
                                 "set both or neither"))
        check.raise_if(found)


@attrs.frozen
class SecurityContext:
    """A container's ``securityContext``; unmodelled fields ride in ``extra``."""

    run_as_user: int | None = None
    run_as_group: int | None = None
    run_as_non_root: bool | None = None
    read_only_root_filesystem: bool | None = None
    allow_privilege_escalation: bool | None = None
    privileged: bool | None = None
    capabilities: Capabilities | None = None
    seccomp_profile: SeccompProfile | None = None
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen)

    def __attrs_post_init__(self) -> None:
        found = check.optional_integer("runAsUser", self.run_as_user, minimum=0,
                                       maximum=2**31 - 1, what="runAsUser")
        found += check.optional_integer("runAsGroup", self.run_as_group, minimum=0,
                                        maximum=2**31 - 1, what="runAsGroup")
        for name, flag in (("runAsNonRoot", self.run_as_non_root),
                           ("readOnlyRootFilesystem", self.read_only_root_filesystem),
                           ("allowPrivilegeEscalation", self.allow_privilege_escalation),
                           ("privileged", self.privileged)):
            found += check.boolean(name, flag, what=name)
        if self.run_as_non_root and self.run_as_user == 0:
            found.append(Problem("runAsUser", "runAsNonRoot is true but runAsUser is 0",
                                 "use a non-zero runAsUser or drop runAsNonRoot"))
        if self.privileged and self.allow_privilege_escalation is False:
            found.append(Problem("allowPrivilegeEscalation",
                                 "a privileged container always allows privilege escalation",
                                 "set privileged to false or allowPrivilegeEscalation to true"))
        check.raise_if(found)


# --- the container -------------------------------------------------------------------------

PULL_POLICIES = ("Always", "IfNotPresent", "Never")


@attrs.frozen
class Container:
    """One container. ``restart_policy="Always"`` marks a native sidecar (init containers only).

    Build with :meth:`of` for keyword conveniences, or with the raw constructor from
    parts. Either way an invalid container cannot exist.
    """

    name: str
    image: ImageRef
    command: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple)
    args: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple)
    env: tuple[EnvVar, ...] = attrs.field(default=(), converter=to_tuple)
    ports: tuple[ContainerPort, ...] = attrs.field(default=(), converter=to_tuple)
    volume_mounts: tuple[VolumeMount, ...] = attrs.field(default=(), converter=to_tuple)
    resources: Resources = NO_RESOURCES
    liveness_probe: Probe | None = None
    readiness_probe: Probe | None = None
    startup_probe: Probe | None = None
    security_context: SecurityContext | None = None
    image_pull_policy: str | None = None
    working_dir: str | None = None
    restart_policy: str | None = None
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen)

    def __attrs_post_init__(self) -> None:
        check.raise_if(self._problems())

    def _problems(self) -> list[Problem]:
        found = check.dns_label("name", self.name, what="container name")
        if not isinstance(self.image, ImageRef):
            found.append(Problem("image", f"image must be an ImageRef, got {self.image!r:.60}",
                                 "use ImageRef.of('registry/path:tag') or Container.of(...)"))
        check_types("env", self.env, EnvVar)
        check_types("ports", self.ports, ContainerPort)
        check_types("volumeMounts", self.volume_mounts, VolumeMount)
        found += check.unique("ports", self.ports, lambda p: p.name, field="name",
                              what="port name")
        found += check.unique("ports", self.ports, lambda p: (p.container_port, p.protocol),
                              field="containerPort", what="port and protocol")
        found += check.unique("volumeMounts", self.volume_mounts, lambda m: m.mount_path,
                              field="mountPath", what="mountPath")
        names = {p.name for p in self.ports if p.name}
        for field, probe in (("livenessProbe", self.liveness_probe),
                             ("readinessProbe", self.readiness_probe),
                             ("startupProbe", self.startup_probe)):
            if probe is None:
                continue
            if field != "readinessProbe" and probe.success_threshold not in (None, 1):
                found.append(Problem(f"{field}.successThreshold",
                                     f"successThreshold of a {field} must be 1, got "
                                     f"{probe.success_threshold}",
                                     "remove successThreshold or set it to 1"))
            if field == "readinessProbe" and probe.termination_grace_period_seconds is not None:
                found.append(Problem(f"{field}.terminationGracePeriodSeconds",
                                     "a readiness probe never kills the container",
                                     "remove terminationGracePeriodSeconds (it is for "
                                     "liveness and startup probes)"))
            port = probe.port
            if isinstance(port, str) and port not in names:
                found.append(Problem(f"{field}.{probe.handler_field}.port",
                                     f"probe port {port!r} is not a port of this container",
                                     "name one of its ports ("
                                     + (", ".join(sorted(names)) or "it declares none")
                                     + ") or give the port number"))
        found += check.optional_string("workingDir", self.working_dir, what="workingDir")
        if self.image_pull_policy is not None:
            found += check.one_of("imagePullPolicy", self.image_pull_policy, PULL_POLICIES,
                                  what="imagePullPolicy")
        if self.restart_policy is not None:
            found += check.one_of("restartPolicy", self.restart_policy, ("Always",),
                                  what="container restartPolicy")
        return found

    @property
    def is_native_sidecar(self) -> bool:
        """An init container that keeps running beside the app (Kubernetes ≥ 1.29)."""
        return self.restart_policy == "Always"

    @classmethod
    def of(
        cls,
        name: str,
        *,
        image: "str | ImageRef",
        command: Iterable[str] = (),
        args: Iterable[str] = (),
        env: "Mapping[str, str] | Iterable[EnvVar]" = (),
        ports: "Mapping[str, int] | Iterable[ContainerPort]" = (),
        volume_mounts: "Mapping[str, str] | Iterable[VolumeMount]" = (),
        requests: "Mapping[str, str | int | float | Quantity] | None" = None,
        limits: "Mapping[str, str | int | float | Quantity] | None" = None,
        liveness_probe: Probe | None = None,
        readiness_probe: Probe | None = None,
        startup_probe: Probe | None = None,
        security_context: SecurityContext | None = None,
        image_pull_policy: str | None = None,
        restart_policy: str | None = None,
    ) -> "Container":
        """Build a container from friendly inputs; raise with *every* problem found.

        ``ports`` may map names to numbers, ``env`` names to literal values and
        ``volume_mounts`` volume names to paths.
        """
        collect = Collect()
        ref = collect.take("image", lambda: ImageRef.of(image))
        env_vars = _items(collect, "env", env, lambda k, v: EnvVar(k, v))
        port_list = _items(collect, "ports", ports, lambda k, v: ContainerPort(v, k))
        mounts = _items(collect, "volumeMounts", volume_mounts, lambda k, v: VolumeMount(k, v))
        resources = collect.take("resources", lambda: Resources.of(requests=requests,
                                                                   limits=limits))
        if not collect.ok or ref is None or resources is None:
            # A part failed: still report the container's own name rule, first.
            collect.problems[:0] = check.dns_label("name", name, what="container name")
            collect.raise_if_any()
        assert ref is not None and resources is not None
        return cls(name, ref, tuple(command), tuple(args), env_vars, port_list, mounts,
                   resources, liveness_probe, readiness_probe, startup_probe,
                   security_context, image_pull_policy, None, restart_policy)

    @classmethod
    def create(cls, name: str, **kwargs: Any) -> "Result[Container, InvalidValue]":
        """:meth:`of`, returning ``Success(container)`` or ``Failure(InvalidValue)``."""
        return as_result(lambda: cls.of(name, **kwargs))

    def with_image(self, image: "str | ImageRef") -> "Container":
        return attrs.evolve(self, image=ImageRef.of(image))


def _items(collect: Collect, path: str, given: Any, make: Any) -> tuple[Any, ...]:
    """Build list items from a mapping (``make(key, value)``) or take them as they are."""
    if not isinstance(given, Mapping):
        return to_tuple(given)
    built = []
    for index, (key, value) in enumerate(given.items()):
        try:
            built.append(make(key, value))
        except InvalidValue as error:
            collect.add(error.problems, f"{path}[{index}]")
    return tuple(built)
