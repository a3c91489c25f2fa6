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
from functools import partial
from typing import Any, ClassVar, Literal, TypeAlias, cast

import attrs

from kancat.core import rules
from kancat.core.collect import Collect, to_frozen, to_frozen_tuple, to_str_tuple, to_tuple
from kancat.core.fields import carried, path_of, wire
from kancat.core.frozen import EMPTY, FrozenMap, is_mapping
from kancat.core.value import Value, finish, part, rule
from kancat.errors import InvalidValue, Problem
from kancat.values.image import ImageRef, to_image
from kancat.values.quantity import Quantity

__all__ = [
    "Capabilities",
    "CommonSecurityContext",
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
    "Protocol",
    "PullPolicy",
    "Resources",
    "SeccompProfile",
    "SeccompProfileType",
    "SecretKeyRef",
    "SecurityContext",
    "TCPSocketAction",
    "VolumeMount",
]

Protocol: TypeAlias = Literal["TCP", "UDP", "SCTP"]
PullPolicy: TypeAlias = Literal["Always", "IfNotPresent", "Never"]
SeccompProfileType: TypeAlias = Literal["RuntimeDefault", "Localhost", "Unconfined"]
HTTPScheme: TypeAlias = Literal["HTTP", "HTTPS"]


@attrs.frozen
class ContainerPort(Value):
    """A port the container listens on; ``protocol`` is always emitted (default TCP)."""

    k8s_definition: ClassVar[str] = "io.k8s.api.core.v1.ContainerPort"

    container_port: int = attrs.field(metadata=wire(
        "containerPort", check=partial(rules.port_number, what="containerPort")))
    name: str | None = attrs.field(default=None, metadata=wire("name", check=rules.port_name))
    protocol: Protocol = attrs.field(default="TCP", metadata=wire("protocol"))
    host_port: int | None = attrs.field(default=None, metadata=wire(
        "hostPort", check=partial(rules.port_number, what="hostPort")))
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, kw_only=True,
                                        metadata=carried())


# --- environment -------------------------------------------------------------------------

@attrs.frozen
class _KeySelector(Value):
    """One key of a named ConfigMap or Secret; the subclass says which."""

    name: str = attrs.field(metadata=wire("name", check=rules.dns_subdomain))
    key: str = attrs.field(metadata=wire("key", check=rules.config_key))
    optional: bool | None = attrs.field(default=None, metadata=wire("optional"))


@attrs.frozen
class SecretKeyRef(_KeySelector):
    """``valueFrom.secretKeyRef``: one key of a Secret; the pod does not start while
    it is missing, unless ``optional``.

    >>> EnvVar("PGPASSWORD", value_from=SecretKeyRef("pg-auth", "password")).value_from.key
    'password'
    """

    k8s_definition: ClassVar[str] = "io.k8s.api.core.v1.SecretKeySelector"
    wire_key: ClassVar[str] = "secretKeyRef"


@attrs.frozen
class ConfigMapKeyRef(_KeySelector):
    """``valueFrom.configMapKeyRef``: one key of a ConfigMap (``optional=True``: the
    variable is left unset while the ConfigMap or key is missing).

    >>> ConfigMapKeyRef("web-config", "log-level", optional=True).optional
    True
    """

    k8s_definition: ClassVar[str] = "io.k8s.api.core.v1.ConfigMapKeySelector"
    wire_key: ClassVar[str] = "configMapKeyRef"


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


def field_path_problems(path: str, value: object, allowed: tuple[str, ...]) -> list[Problem]:
    """``fieldPath`` rules: env vars and volume files allow different pod fields."""
    if isinstance(value, str) and (value in allowed or _one_key(value)):
        return []
    return [Problem(path, f"fieldPath {value!r} is not supported here",
                    "use one of " + ", ".join(allowed)
                    + ", metadata.labels['<key>'] or metadata.annotations['<key>']")]


@attrs.frozen
class FieldRef(Value):
    """``fieldRef``: a field of the pod (downward API).

    Which fields are allowed depends on the use: :class:`EnvVar` and
    ``DownwardAPIFile`` check that.
    """

    k8s_definition: ClassVar[str] = "io.k8s.api.core.v1.ObjectFieldSelector"
    wire_key: ClassVar[str] = "fieldRef"

    api_version: str | None = attrs.field(default=None, kw_only=True,
                                          metadata=wire("apiVersion"))
    field_path: str = attrs.field(metadata=wire("fieldPath", check=partial(
        field_path_problems, allowed=ENV_FIELD_PATHS + VOLUME_FIELD_PATHS)))


@attrs.frozen
class OtherEnvSource(Value):
    """A ``valueFrom`` kancat does not model (e.g. ``resourceFieldRef``), carried as is."""

    k8s_definition: ClassVar[str] = "io.k8s.api.core.v1.EnvVarSource"

    data: FrozenMap[Any] = attrs.field(converter=to_frozen, metadata=carried())


EnvSource: TypeAlias = SecretKeyRef | ConfigMapKeyRef | FieldRef | OtherEnvSource


@attrs.frozen
class EnvVar(Value):
    """An environment variable: a literal ``value`` or a ``value_from`` source.

    Names may be any printable ASCII but ``=`` (Kubernetes 1.32); emitting for an
    older Kubernetes applies the older rule.

    >>> EnvVar("POD_NAME", value_from=FieldRef("metadata.name")).value_from
    FieldRef(api_version=None, field_path='metadata.name')
    """

    k8s_definition: ClassVar[str] = "io.k8s.api.core.v1.EnvVar"

    name: str = attrs.field(metadata=wire("name", check=rules.env_var_name, before=(
        ((1, 32), rules.portable_env_var_name),)))
    value: str | None = attrs.field(default=None, metadata=wire("value"))
    value_from: EnvSource | None = attrs.field(default=None, metadata=wire("valueFrom"))

    @rule
    def _one_source(self) -> list[Problem]:
        found: list[Problem] = []
        fields = attrs.fields(EnvVar)
        if isinstance(self.value_from, FieldRef):
            found += field_path_problems(
                path_of(fields.value_from, "fieldRef", attrs.fields(FieldRef).field_path),
                self.value_from.field_path, ENV_FIELD_PATHS)
        if self.value is not None and self.value_from is not None:
            found.append(Problem(path_of(fields.value_from), "both value and valueFrom are set",
                                 "keep only one of them"))
        return found


# --- mounts --------------------------------------------------------------------------------

def _mount_path(path: str, value: object) -> list[Problem]:
    found = rules.string(path, value, what="mountPath", empty=False)
    if not found and ":" in str(value):
        found.append(Problem(path, f"mountPath {value!r} contains ':'",
                             "use an absolute path without ':'"))
    return found


def relative_path(path: str, value: object, *, what: str = "path") -> list[Problem]:
    """A relative path without ``..`` (a sub-path, a file in a volume)."""
    hint = "use a relative path without '..', such as 'config.yaml'"
    if not isinstance(value, str):
        return [Problem(path, f"{what} must be a string, got {value!r:.60}", "quote it")]
    if not value:
        return [Problem(path, f"{what} must not be empty", hint)]
    if value.startswith("/"):
        return [Problem(path, f"{what} {value!r} is not relative", hint)]
    if ".." in value.split("/"):
        return [Problem(path, f"{what} {value!r} is not relative: it contains '..'", hint)]
    return []


@attrs.frozen
class VolumeMount(Value):
    """Mount the pod volume ``name`` at ``mount_path``."""

    k8s_definition: ClassVar[str] = "io.k8s.api.core.v1.VolumeMount"

    name: str = attrs.field(metadata=wire("name", check=partial(rules.dns_label,
                                                                 what="volume name")))
    mount_path: str = attrs.field(metadata=wire("mountPath", check=_mount_path))
    read_only: bool | None = attrs.field(default=None, metadata=wire("readOnly"))
    sub_path: str | None = attrs.field(default=None, metadata=wire("subPath", check=partial(
        relative_path, what="subPath")))
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, kw_only=True,
                                        metadata=carried())


# --- probes --------------------------------------------------------------------------------

@attrs.frozen
class ExecAction(Value):
    """``exec``: a probe that runs ``command`` in the container; exit 0 is healthy.

    >>> Probe(ExecAction(["pg_isready", "-U", "postgres"])).handler.command[0]
    'pg_isready'
    """

    k8s_definition: ClassVar[str] = "io.k8s.api.core.v1.ExecAction"
    wire_key: ClassVar[str] = "exec"

    command: tuple[str, ...] = attrs.field(converter=to_str_tuple, metadata=wire("command"))

    @rule
    def _has_command(self) -> list[Problem]:
        if self.command:
            return []
        return [Problem(path_of(attrs.fields(ExecAction).command), "exec probe has no command",
                        "give the command to run")]


def _absolute(path: str, value: object) -> list[Problem]:
    if isinstance(value, str) and value.startswith("/"):
        return []
    return [Problem(path, f"path {value!r} is not absolute", "start the path with '/'")]


@attrs.frozen
class HTTPGetAction(Value):
    """``httpGet``: ``port`` is a number or the name of a container port."""

    k8s_definition: ClassVar[str] = "io.k8s.api.core.v1.HTTPGetAction"
    wire_key: ClassVar[str] = "httpGet"

    path: str | None = attrs.field(default=None, kw_only=True,
                                   metadata=wire("path", check=_absolute))
    port: int | str = attrs.field(metadata=wire("port", check=rules.int_or_port_name))
    host: str | None = attrs.field(default=None, kw_only=True, metadata=wire("host"))
    scheme: HTTPScheme | None = attrs.field(default=None, kw_only=True, metadata=wire("scheme"))
    http_headers: tuple[FrozenMap[Any], ...] = attrs.field(
        default=(), converter=to_frozen_tuple, kw_only=True, metadata=wire("httpHeaders"))

    @rule
    def _headers(self) -> list[Problem]:
        found: list[Problem] = []
        for index, header in enumerate(self.http_headers):
            if set(header) != {"name", "value"} or not all(
                    isinstance(v, str) for v in header.values()):
                found.append(Problem(path_of(attrs.fields(HTTPGetAction).http_headers, index),
                                     f"a header is {{name, value}} strings, got {header!r:.60}",
                                     "write - {name: X-Probe, value: ready}"))
        return found


@attrs.frozen
class TCPSocketAction(Value):
    """``tcpSocket``: healthy when a TCP connection to ``port`` (a number or the name
    of a container port) opens.

    >>> Probe(TCPSocketAction("postgres")).handler.port
    'postgres'
    """

    k8s_definition: ClassVar[str] = "io.k8s.api.core.v1.TCPSocketAction"
    wire_key: ClassVar[str] = "tcpSocket"

    port: int | str = attrs.field(metadata=wire("port", check=rules.int_or_port_name))
    host: str | None = attrs.field(default=None, metadata=wire("host"))


@attrs.frozen
class GRPCAction(Value):
    """``grpc``: the port must be a number (Kubernetes does not resolve names here)."""

    k8s_definition: ClassVar[str] = "io.k8s.api.core.v1.GRPCAction"
    wire_key: ClassVar[str] = "grpc"

    port: int = attrs.field(metadata=wire("port", check=rules.port_number))
    service: str | None = attrs.field(default=None, metadata=wire("service"))


ProbeHandler: TypeAlias = ExecAction | HTTPGetAction | TCPSocketAction | GRPCAction


def _seconds(minimum: int, name: str) -> dict[str, Any]:
    return wire(name, check=partial(rules.integer, minimum=minimum, what=name))


@attrs.frozen
class Probe(Value):
    """A liveness, readiness or startup probe: one handler plus timings (seconds).

    >>> Probe(HTTPGetAction(port="http", path="/healthz"), period_seconds=10).handler.port
    'http'
    """

    k8s_definition: ClassVar[str] = "io.k8s.api.core.v1.Probe"

    handler: ProbeHandler = attrs.field(metadata=wire("", what="handler"))
    initial_delay_seconds: int | None = attrs.field(
        default=None, metadata=_seconds(0, "initialDelaySeconds"))
    period_seconds: int | None = attrs.field(default=None, metadata=_seconds(1, "periodSeconds"))
    timeout_seconds: int | None = attrs.field(default=None,
                                              metadata=_seconds(1, "timeoutSeconds"))
    success_threshold: int | None = attrs.field(default=None,
                                                metadata=_seconds(1, "successThreshold"))
    failure_threshold: int | None = attrs.field(default=None,
                                                metadata=_seconds(1, "failureThreshold"))
    termination_grace_period_seconds: int | None = attrs.field(
        default=None, metadata=_seconds(1, "terminationGracePeriodSeconds"))

    @property
    def handler_field(self) -> str:
        """The Kubernetes field of the handler: ``exec``, ``httpGet``, ``tcpSocket``, ``grpc``."""
        return str(type(self.handler).wire_key)

    @property
    def port(self) -> int | str | None:
        return None if isinstance(self.handler, ExecAction) else self.handler.port


# --- resources -----------------------------------------------------------------------------

def _quantities(data: Mapping[str, "Quantity | str | int | float"] | None) -> FrozenMap[Quantity]:
    """Converter: quantities by resource name (text that is no quantity is kept, and
    reported by the check)."""
    if not data:
        return EMPTY
    if isinstance(data, FrozenMap) and all(type(v) is Quantity for v in data.values()):
        return data
    if not is_mapping(data):
        return cast(FrozenMap[Quantity], data)  # not a mapping: reported by the check
    converted: dict[str, Any] = {}
    for key, value in data.items():
        try:
            converted[key] = Quantity.of(value)
        except InvalidValue:
            converted[key] = value
    return FrozenMap(converted)


def _quantity(path: str, amount: object) -> list[Problem]:
    if not isinstance(amount, Quantity):
        try:
            Quantity.of(amount)  # type: ignore[arg-type]  # a wrong type is reported
        except InvalidValue as error:
            return [p.under(path) for p in error.problems]
    elif amount.is_negative:
        return [Problem(path, f"{amount} is negative", "use a quantity of 0 or more")]
    return []


_quantity_table = partial(rules.entries, key=rules.resource_name, item=_quantity,
                          what="a table of quantities", hint="write e.g. cpu: 100m")


@attrs.frozen
class Resources(Value):
    """``resources``: requests and limits by resource name; requests never exceed limits.

    >>> Resources.of(requests={"cpu": "2"}, limits={"cpu": "500m"})
    Traceback (most recent call last):
    ...
    kancat.errors.InvalidValue: 1 problem:
      requests['cpu']: request 2 is above the limit 500m (raise the limit or lower the request)
    """

    k8s_definition: ClassVar[str] = "io.k8s.api.core.v1.ResourceRequirements"

    limits: FrozenMap[Quantity] = attrs.field(default=EMPTY, converter=_quantities,
                                              kw_only=True,
                                              metadata=wire("limits", check=_quantity_table))
    requests: FrozenMap[Quantity] = attrs.field(default=EMPTY, converter=_quantities,
                                                kw_only=True,
                                                metadata=wire("requests", check=_quantity_table))
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, kw_only=True,
                                        metadata=carried())

    @rule
    def _requests_within_limits(self) -> list[Problem]:
        found: list[Problem] = []
        for key, request in self.requests.items():
            limit = self.limits.get(key)
            overcommittable = key in rules.STANDARD_CONTAINER_RESOURCES
            if limit is not None and request.amount > limit.amount:
                found.append(Problem(_request_path(key), f"request {request} is above the "
                                     f"limit {limit}", "raise the limit or lower the request"))
            elif not overcommittable and (limit is None or request.amount != limit.amount):
                found.append(Problem(_request_path(key), f"{key} cannot be overcommitted: its "
                                     "request must equal its limit",
                                     f"set limits[{key!r}] to {request}"))
        return found

    @property
    def is_empty(self) -> bool:
        return not self.requests and not self.limits and not self.extra


NO_RESOURCES = Resources()


def _request_path(key: str) -> str:
    return path_of(attrs.fields(Resources).requests) + f"[{key!r}]"


# --- security ------------------------------------------------------------------------------

@attrs.frozen
class Capabilities(Value):
    """Linux capabilities to ``add`` and ``drop`` (names without ``CAP_``); the
    restricted Pod Security profile wants ``drop=["ALL"]`` and adds at most
    ``NET_BIND_SERVICE``.

    >>> Capabilities(drop=["ALL"]).drop
    ('ALL',)
    """

    k8s_definition: ClassVar[str] = "io.k8s.api.core.v1.Capabilities"

    add: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple, metadata=wire("add"))
    drop: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple,
                                        metadata=wire("drop"))


@attrs.frozen
class SeccompProfile(Value):
    """``type`` RuntimeDefault, Localhost (with ``localhost_profile``) or Unconfined."""

    k8s_definition: ClassVar[str] = "io.k8s.api.core.v1.SeccompProfile"

    type: SeccompProfileType = attrs.field(metadata=wire("type", what="seccomp profile type"))
    localhost_profile: str | None = attrs.field(default=None, metadata=wire("localhostProfile"))

    @rule
    def _localhost(self) -> list[Problem]:
        if (self.type == "Localhost") == (self.localhost_profile is not None):
            return []
        return [Problem(path_of(attrs.fields(SeccompProfile).localhost_profile),
                        "localhostProfile goes with type Localhost, and only with it",
                        "set both or neither")]


_ID = partial(rules.integer, minimum=0, maximum=2**31 - 1)


@attrs.frozen(kw_only=True)
class CommonSecurityContext(Value):
    """The fields a pod's and a container's ``securityContext`` share (where both set
    one, the container's wins): the user and group the processes run as, and their
    seccomp profile."""

    run_as_group: int | None = attrs.field(default=None, metadata=wire(
        "runAsGroup", check=partial(_ID, what="runAsGroup")))
    run_as_non_root: bool | None = attrs.field(default=None, metadata=wire("runAsNonRoot"))
    run_as_user: int | None = attrs.field(default=None, metadata=wire(
        "runAsUser", check=partial(_ID, what="runAsUser")))
    seccomp_profile: SeccompProfile | None = attrs.field(default=None,
                                                         metadata=wire("seccompProfile"))
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, metadata=carried())

    @rule
    def _non_root(self) -> list[Problem]:
        if self.run_as_non_root and self.run_as_user == 0:
            return [Problem(path_of(attrs.fields(type(self)).run_as_user),
                            "runAsNonRoot is true but runAsUser is 0",
                            "use a non-zero runAsUser or drop runAsNonRoot")]
        return []


@attrs.frozen(kw_only=True)
class SecurityContext(CommonSecurityContext):
    """A container's ``securityContext``; unmodelled fields ride in ``extra``."""

    k8s_definition: ClassVar[str] = "io.k8s.api.core.v1.SecurityContext"

    allow_privilege_escalation: bool | None = attrs.field(
        default=None, metadata=wire("allowPrivilegeEscalation"))
    capabilities: Capabilities | None = attrs.field(default=None, metadata=wire("capabilities"))
    privileged: bool | None = attrs.field(default=None, metadata=wire("privileged"))
    read_only_root_filesystem: bool | None = attrs.field(
        default=None, metadata=wire("readOnlyRootFilesystem"))

    @rule
    def _escalation(self) -> list[Problem]:
        if self.privileged and self.allow_privilege_escalation is False:
            return [Problem(path_of(attrs.fields(SecurityContext).allow_privilege_escalation),
                            "a privileged container always allows privilege escalation",
                            "set privileged to false or allowPrivilegeEscalation to true")]
        return []


# --- the container -------------------------------------------------------------------------

_PROBES = ("liveness_probe", "readiness_probe", "startup_probe")


@attrs.frozen
class Container(Value):
    """One container. ``restart_policy="Always"`` marks a native sidecar (init containers
    only; Kubernetes ≥ 1.29).

    Build with :meth:`of` for keyword conveniences, or with the raw constructor from
    parts (``name`` and ``image`` by position, the rest by keyword). Either way an
    invalid container cannot exist.
    """

    k8s_definition: ClassVar[str] = "io.k8s.api.core.v1.Container"

    name: str = attrs.field(metadata=wire("name", check=partial(rules.dns_label,
                                                                 what="container name")))
    image: ImageRef = attrs.field(converter=to_image, metadata=wire("image"))
    command: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple, kw_only=True,
                                           metadata=wire("command"))
    args: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple, kw_only=True,
                                        metadata=wire("args"))
    working_dir: str | None = attrs.field(default=None, kw_only=True,
                                          metadata=wire("workingDir"))
    ports: tuple[ContainerPort, ...] = attrs.field(default=(), converter=to_tuple, kw_only=True,
                                                   metadata=wire("ports"))
    env: tuple[EnvVar, ...] = attrs.field(default=(), converter=to_tuple, kw_only=True,
                                          metadata=wire("env"))
    resources: Resources = attrs.field(default=NO_RESOURCES, kw_only=True,
                                       metadata=wire("resources"))
    volume_mounts: tuple[VolumeMount, ...] = attrs.field(default=(), converter=to_tuple,
                                                         kw_only=True,
                                                         metadata=wire("volumeMounts"))
    liveness_probe: Probe | None = attrs.field(default=None, kw_only=True,
                                               metadata=wire("livenessProbe"))
    readiness_probe: Probe | None = attrs.field(default=None, kw_only=True,
                                                metadata=wire("readinessProbe"))
    startup_probe: Probe | None = attrs.field(default=None, kw_only=True,
                                              metadata=wire("startupProbe"))
    image_pull_policy: PullPolicy | None = attrs.field(default=None, kw_only=True,
                                                       metadata=wire("imagePullPolicy"))
    security_context: SecurityContext | None = attrs.field(default=None, kw_only=True,
                                                           metadata=wire("securityContext"))
    restart_policy: Literal["Always"] | None = attrs.field(
        default=None, kw_only=True,
        metadata=wire("restartPolicy", since=(1, 29),
                      since_what="native sidecars (restartPolicy: Always) need",
                      since_hint="run the sidecar as a regular container"))
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, kw_only=True,
                                        metadata=carried())

    @rule
    def _unique(self) -> list[Problem]:
        def ports() -> str:  # paths are built only for a problem
            return path_of(attrs.fields(Container).ports)

        found = rules.unique(ports, self.ports, lambda p: p.name, field="name",
                             what="port name")
        found += rules.unique(ports, self.ports, lambda p: (p.container_port, p.protocol),
                              field="containerPort", what="port and protocol")
        found += rules.unique(lambda: path_of(attrs.fields(Container).volume_mounts),
                              self.volume_mounts, lambda m: m.mount_path, field="mountPath",
                              what="mountPath")
        return found

    @rule
    def _probes(self) -> list[Problem]:
        names = {p.name for p in self.ports if p.name}
        found: list[Problem] = []
        for attribute in _PROBES:
            probe = getattr(self, attribute)
            if probe is None:
                continue
            field = getattr(attrs.fields(Container), attribute)
            if attribute != "readiness_probe" and probe.success_threshold not in (None, 1):
                found.append(Problem(path_of(field, attrs.fields(Probe).success_threshold),
                                     f"successThreshold of a {path_of(field)} must be 1, got "
                                     f"{probe.success_threshold}",
                                     "remove successThreshold or set it to 1"))
            if attribute == "readiness_probe" and \
                    probe.termination_grace_period_seconds is not None:
                found.append(Problem(path_of(field,
                                             attrs.fields(Probe).termination_grace_period_seconds),
                                     "a readiness probe never kills the container",
                                     "remove terminationGracePeriodSeconds (it is for "
                                     "liveness and startup probes)"))
            port = probe.port
            if isinstance(port, str) and port not in names:
                found.append(Problem(path_of(field, probe.handler_field, "port"),
                                     f"probe port {port!r} is not a port of this container",
                                     "name one of its ports ("
                                     + (", ".join(sorted(names)) or "it declares none")
                                     + ") or give the port number"))
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
        image_pull_policy: PullPolicy | None = None,
        working_dir: str | None = None,
        restart_policy: Literal["Always"] | None = None,
    ) -> "Container":
        """Build a container from friendly inputs; raise with *every* problem found.

        ``ports`` may map names to numbers, ``env`` names to literal values and
        ``volume_mounts`` volume names to paths.
        """
        collect = Collect()
        env_vars = _items(collect, "env", env, EnvVar, "name", "value")
        port_list = _items(collect, "ports", ports, ContainerPort, "name", "container_port")
        mounts = _items(collect, "volumeMounts", volume_mounts, VolumeMount, "name",
                        "mount_path")
        resources = part(collect, "resources", Resources, requests=requests or EMPTY,
                         limits=limits or EMPTY)
        return finish(collect, cls, name=name, image=image, command=command, args=args,
                      working_dir=working_dir, ports=port_list, env=env_vars,
                      resources=resources, volume_mounts=mounts, liveness_probe=liveness_probe,
                      readiness_probe=readiness_probe, startup_probe=startup_probe,
                      image_pull_policy=image_pull_policy, security_context=security_context,
                      restart_policy=restart_policy)

    def with_image(self, image: "str | ImageRef") -> "Container":
        return attrs.evolve(self, image=ImageRef.of(image))


def _items(collect: Collect, path: str, given: Any, cls: type[Value], key: str,
           value: str) -> tuple[Any, ...]:
    """List items from a mapping (each entry ``cls(key=k, value=v)``) or as given."""
    if not is_mapping(given):
        return to_tuple(given)
    return tuple(part(collect, (path, index), cls, **{key: k, value: v})
                 for index, (k, v) in enumerate(given.items()))
