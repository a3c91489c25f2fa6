"""Containers and their parts (:mod:`kancat.values.container`): ports, environment,
probes, resources, security contexts, mounts and containers."""

from collections.abc import Iterable, Sequence
from typing import Any

import hypothesis.strategies as st
from hypothesis.strategies import DrawFn, SearchStrategy

from kancat.core.frozen import freeze
from kancat.testing.strategies._draw import (
    BOOLS,
    DIGITS,
    LOWER_ALNUM,
    OPTIONAL_BOOLS,
    UPPER,
    bad,
    choice,
    choices,
    draws,
    extras,
    favouring,
    flag,
    maybe,
    maybe_pick,
    names,
    pick,
)
from kancat.testing.strategies.names import (
    _LABEL_KEYS,
    _OBJECT_NAMES,
    _PORT_NAMES,
    _SHORT_NAMES,
    _is_port_name,
)
from kancat.testing.strategies.scalars import _IMAGE_REFS, _QUANTITIES
from kancat.values import (
    Capabilities,
    ConfigMapKeyRef,
    Container,
    ContainerPort,
    EnvSource,
    EnvVar,
    ExecAction,
    FieldRef,
    GRPCAction,
    HTTPGetAction,
    OtherEnvSource,
    Probe,
    ProbeHandler,
    Quantity,
    Resources,
    SeccompProfile,
    SecretKeyRef,
    SecurityContext,
    TCPSocketAction,
    VolumeMount,
)
from kancat.values.container import (
    ENV_FIELD_PATHS,
    HTTPScheme,
    Protocol,
    PullPolicy,
    SeccompProfileType,
)

__all__ = [
    "container_ports",
    "containers",
    "env_vars",
    "probes",
    "resources",
    "security_contexts",
    "volume_mounts",
]

_PORT_NUMBERS = st.integers(1, 65535)
_PROTOCOLS = st.sampled_from(favouring(choices(Protocol), "TCP"))
_PULL_POLICIES = choices(PullPolicy)
_SHORT_TEXT = st.text(max_size=12)


# --- ports and environment -----------------------------------------------------------------

def _draw_container_port(draw: DrawFn, number: int, name: str | None) -> ContainerPort:
    protocol = draw(_PROTOCOLS)
    if draw(st.integers(0, 5)) == 0:  # now and then a host port, with its carried hostIP
        return ContainerPort(container_port=number, name=name, protocol=protocol,
                             host_port=number, extra={"hostIP": "127.0.0.1"})
    return ContainerPort(container_port=number, name=name, protocol=protocol)


@st.composite
def _container_port(draw: DrawFn) -> ContainerPort:
    return _draw_container_port(draw, draw(_PORT_NUMBERS), maybe(draw, _PORT_NAMES))


_CONTAINER_PORTS = _container_port()


@draws(ContainerPort)
def container_ports() -> SearchStrategy[ContainerPort]:
    """One container port: number, optional IANA name, protocol, sometimes a host port
    (with the carried ``hostIP`` field).

    >>> from hypothesis import find
    >>> find(container_ports(), lambda port: port.host_port is not None).extra["hostIP"]
    '127.0.0.1'
    """
    return _CONTAINER_PORTS


_ENV_NAMES = st.builds(lambda first, rest: first + rest, st.sampled_from(UPPER + "_"),
                       st.text(UPPER + DIGITS + "_", max_size=10))
_ENV_NAME_LISTS = st.lists(_ENV_NAMES, max_size=2, unique=True)
_KEYS = ("password", "token", "config.yaml", "LOG_LEVEL")
_RESOURCE_FIELDS = ("limits.cpu", "limits.memory", "requests.cpu", "requests.memory")


def _draw_env_source(draw: DrawFn) -> EnvSource:
    kind = draw(st.integers(0, 3))
    if kind == 0:
        return SecretKeyRef(name=draw(_OBJECT_NAMES), key=pick(draw, _KEYS),
                            optional=draw(OPTIONAL_BOOLS))
    if kind == 1:
        return ConfigMapKeyRef(name=draw(_OBJECT_NAMES), key=pick(draw, _KEYS),
                               optional=draw(OPTIONAL_BOOLS))
    if kind == 2:
        path = (f"metadata.labels['{draw(_LABEL_KEYS)}']" if draw(BOOLS)
                else pick(draw, ENV_FIELD_PATHS))
        return FieldRef(path, api_version="v1" if draw(BOOLS) else None)
    resource = pick(draw, _RESOURCE_FIELDS)
    body: dict[str, Any] = {"resource": resource}
    if draw(BOOLS):
        body["divisor"] = "1m" if resource.endswith("cpu") else "1Mi"
    return OtherEnvSource({"resourceFieldRef": body})


def _draw_env_var(draw: DrawFn, name: str) -> EnvVar:
    if draw(BOOLS):
        return EnvVar(name, value=maybe(draw, _SHORT_TEXT))
    return EnvVar(name, value_from=_draw_env_source(draw))


@st.composite
def _env_var(draw: DrawFn) -> EnvVar:
    return _draw_env_var(draw, draw(_ENV_NAMES))


_ENV_VARS = _env_var()


@draws(EnvVar)
def env_vars() -> SearchStrategy[EnvVar]:
    """Environment variables: a literal value (any text, or none) or a ``valueFrom``
    source (Secret key, ConfigMap key, pod field, or a carried ``resourceFieldRef``).

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=5)
    ... @given(env_vars())
    ... def test(var):
    ...     assert var.value is None or var.value_from is None
    >>> test()
    """
    return _ENV_VARS


# --- probes --------------------------------------------------------------------------------

_PROBE_KINDS = ("readiness", "liveness", "startup")
_SECONDS = st.integers(1, 60)
_COMMANDS = st.lists(st.text(max_size=8), min_size=1, max_size=3)
_HEADERS = st.lists(st.builds(
    lambda name, value: freeze({"name": name, "value": value}),
    st.sampled_from(("X-Probe", "Accept", "X-Forwarded-Proto")), st.text(max_size=8)),
    max_size=2)
_HTTP_PATHS = ("/", "/healthz", "/ready?full=1")
_SCHEMES = choices(HTTPScheme)


def _draw_probe_port(draw: DrawFn, port_names: Sequence[str]) -> int | str:
    if len(port_names) > 0 and draw(BOOLS):
        return pick(draw, port_names)
    return draw(_PORT_NUMBERS)


def _draw_handler(draw: DrawFn, port_names: Sequence[str]) -> ProbeHandler:
    kind = draw(st.integers(0, 3))
    if kind == 0:
        return ExecAction(draw(_COMMANDS))
    if kind == 1:
        return HTTPGetAction(_draw_probe_port(draw, port_names),
                             path=maybe_pick(draw, _HTTP_PATHS),
                             host="127.0.0.1" if draw(BOOLS) else None,
                             scheme=maybe_pick(draw, _SCHEMES), http_headers=draw(_HEADERS))
    if kind == 2:
        return TCPSocketAction(_draw_probe_port(draw, port_names),
                               host="127.0.0.1" if draw(BOOLS) else None)
    return GRPCAction(draw(_PORT_NUMBERS), service=maybe_pick(draw, ("", "health")))


def _draw_probe(draw: DrawFn, port_names: Sequence[str], kind: str) -> Probe:
    handler = _draw_handler(draw, port_names)
    # Kubernetes: liveness and startup probes need successThreshold 1, and only they
    # may set terminationGracePeriodSeconds.
    success = maybe(draw, st.integers(1, 5) if kind == "readiness" else st.just(1))
    grace = None if kind == "readiness" else maybe(draw, _SECONDS)
    return Probe(handler, initial_delay_seconds=maybe(draw, st.integers(0, 60)),
                 period_seconds=maybe(draw, _SECONDS), timeout_seconds=maybe(draw, _SECONDS),
                 success_threshold=success, failure_threshold=maybe(draw, _SECONDS),
                 termination_grace_period_seconds=grace)


@st.composite
def _probes(draw: DrawFn, port_names: tuple[str, ...], kind: str) -> Probe:
    return _draw_probe(draw, port_names, kind)


@draws(Probe)
def probes(*, port_names: Iterable[str] = (), kind: str = "readiness") -> SearchStrategy[Probe]:
    """Probes with one handler (exec, httpGet, tcpSocket, grpc) and timings.

    ``port_names``: the container's named ports, which httpGet and tcpSocket may
    name. ``kind="liveness"`` or ``"startup"`` keeps ``successThreshold`` at 1 and may
    set ``terminationGracePeriodSeconds``, as Kubernetes requires.

    >>> from hypothesis import find
    >>> find(probes(port_names=["http"]), lambda p: isinstance(p.port, str)).port
    'http'
    """
    call = "probes"
    given = names(call, "port_names", port_names, rule=_is_port_name,
                  what="IANA service names such as 'http'")
    return _probes(given, choice(call, "kind", kind, _PROBE_KINDS))


# --- resources and security ----------------------------------------------------------------

_RESOURCE_SHAPES = ("none", "request", "limit", "both")


def _draw_resources(draw: DrawFn) -> Resources:
    requests: dict[str, Quantity] = {}
    limits: dict[str, Quantity] = {}
    for resource, kind in (("cpu", "cpu"), ("memory", "memory"),
                           ("ephemeral-storage", "memory")):
        shape = pick(draw, _RESOURCE_SHAPES if resource != "ephemeral-storage"
                     else ("none", "none", "request"))
        amount = _QUANTITIES[kind]
        if shape == "request":
            requests[resource] = draw(amount)
        elif shape == "limit":
            limits[resource] = draw(amount)
        elif shape == "both":
            low, high = sorted((draw(amount), draw(amount)))
            requests[resource], limits[resource] = low, high
    return Resources(limits=limits, requests=requests)


@st.composite
def _resources(draw: DrawFn) -> Resources:
    return _draw_resources(draw)


_RESOURCES = _resources()


@draws(Resources)
def resources() -> SearchStrategy[Resources]:
    """``resources``: cpu, memory (and sometimes ephemeral-storage) requests and limits,
    each request at most its limit.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=20)
    ... @given(resources())
    ... def test(r):
    ...     assert all(q <= r.limits[k] for k, q in r.requests.items() if k in r.limits)
    >>> test()
    """
    return _RESOURCES


_SECCOMP_PROFILES = tuple(
    SeccompProfile(kind, "profiles/audit.json" if kind == "Localhost" else None)
    for kind in choices(SeccompProfileType))
_IDS = st.integers(0, 65535)
_CAPABILITY_NAMES = ("NET_BIND_SERVICE", "NET_ADMIN", "SYS_TIME", "CHOWN")
_CAPABILITIES = st.builds(
    Capabilities, st.lists(st.sampled_from(_CAPABILITY_NAMES), max_size=2, unique=True),
    st.lists(st.sampled_from((*_CAPABILITY_NAMES, "ALL")), max_size=2, unique=True))
_SECURITY_EXTRA = {
    "procMount": st.just("Default"),
    "appArmorProfile": st.just({"type": "RuntimeDefault"}),
    "seLinuxOptions": st.just({"level": "s0:c123,c456"}),
}


def _draw_user(draw: DrawFn, non_root: bool | None) -> int | None:
    user = maybe(draw, _IDS)
    return 1000 if non_root and user == 0 else user


def _draw_security_context(draw: DrawFn) -> SecurityContext:
    non_root = draw(OPTIONAL_BOOLS)
    privileged = draw(OPTIONAL_BOOLS)
    escalation = draw(OPTIONAL_BOOLS)
    if privileged and escalation is False:  # a privileged container always escalates
        escalation = True
    return SecurityContext(
        run_as_user=_draw_user(draw, non_root), run_as_group=maybe(draw, _IDS),
        run_as_non_root=non_root, read_only_root_filesystem=draw(OPTIONAL_BOOLS),
        allow_privilege_escalation=escalation, privileged=privileged,
        capabilities=maybe(draw, _CAPABILITIES),
        seccomp_profile=maybe_pick(draw, _SECCOMP_PROFILES),
        extra=extras(draw, _SECURITY_EXTRA))


@st.composite
def _security_context(draw: DrawFn) -> SecurityContext:
    return _draw_security_context(draw)


_SECURITY_CONTEXTS = _security_context()


@draws(SecurityContext)
def security_contexts() -> SearchStrategy[SecurityContext]:
    """A container ``securityContext`` (consistent: ``runAsNonRoot`` never with user 0,
    ``privileged`` never with ``allowPrivilegeEscalation: false``), with carried
    ``procMount``, ``appArmorProfile`` or ``seLinuxOptions``.

    >>> from hypothesis import find
    >>> find(security_contexts(), lambda c: c.privileged).allow_privilege_escalation
    """
    return _SECURITY_CONTEXTS


# --- mounts --------------------------------------------------------------------------------

_MOUNT_PATHS = st.lists(st.text(LOWER_ALNUM + "-_.", min_size=1, max_size=8).filter(
    lambda part: part not in (".", "..")), min_size=1, max_size=3).map(
    lambda parts: "/" + "/".join(parts))
_RELATIVE_PATHS = st.lists(st.sampled_from(("conf", "app.yaml", "data", "keys", "tls.crt")),
                           min_size=1, max_size=2).map("/".join)
_MOUNT_EXTRA = {"mountPropagation": st.sampled_from(("None", "HostToContainer"))}


def _draw_mount(draw: DrawFn, volume: str, path: str) -> VolumeMount:
    return VolumeMount(volume, path, read_only=draw(OPTIONAL_BOOLS),
                       sub_path=maybe(draw, _RELATIVE_PATHS),
                       extra=extras(draw, _MOUNT_EXTRA))


def _draw_mounts(draw: DrawFn, volume_names: Sequence[str]) -> tuple[VolumeMount, ...]:
    if not volume_names:
        return ()
    count = draw(st.integers(0, min(3, len(volume_names) + 1)))
    paths = draw(st.lists(_MOUNT_PATHS, min_size=count, max_size=count, unique=True))
    return tuple(_draw_mount(draw, pick(draw, volume_names), path) for path in paths)


@st.composite
def _volume_mounts(draw: DrawFn, volume_names: tuple[str, ...]) -> VolumeMount:
    return _draw_mount(draw, pick(draw, volume_names), draw(_MOUNT_PATHS))


@draws(VolumeMount)
def volume_mounts(*, volume_names: Iterable[str] = ("data",)) -> SearchStrategy[VolumeMount]:
    """One mount of a volume named in ``volume_names``, at an absolute path, sometimes
    read-only, with a ``subPath`` or a carried ``mountPropagation``.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=5)
    ... @given(volume_mounts(volume_names=["logs"]))
    ... def test(mount):
    ...     assert mount.name == "logs" and mount.mount_path.startswith("/")
    >>> test()
    """
    given = names("volume_mounts", "volume_names", volume_names)
    if not given:
        raise bad("volume_mounts", "volume_names", volume_names,
                  "volume_names must name at least one volume; pass e.g. "
                  "volume_names=['data']")
    return _volume_mounts(given)


# --- containers ----------------------------------------------------------------------------

_CONTAINER_EXTRA = {
    "terminationMessagePolicy": st.sampled_from(("File", "FallbackToLogsOnError")),
    "terminationMessagePath": st.just("/dev/termination-log"),
    "stdin": BOOLS,
    "tty": BOOLS,
    "envFrom": st.just([{"configMapRef": {"name": "app-config"}},
                        {"prefix": "DB_", "secretRef": {"name": "db", "optional": True}}]),
}
# Init containers that run to completion may not have lifecycle hooks.
_RUNNING_CONTAINER_EXTRA = {
    **_CONTAINER_EXTRA,
    "lifecycle": st.just({"preStop": {"exec": {"command": ["sleep", "5"]}}}),
}
_ARGS = st.lists(st.text(max_size=8), max_size=2)
_PORT_NAME_LISTS = {count: st.lists(_PORT_NAMES, min_size=count, max_size=count, unique=True)
                    for count in range(3)}
_PORT_NUMBER_LISTS = {count: st.lists(_PORT_NUMBERS, min_size=count, max_size=count,
                                      unique=True) for count in range(3)}
_WORKING_DIRS = ("/", "/app", "/srv/data")


def _draw_container(draw: DrawFn, name: str, volume_names: Sequence[str],
                    role: str) -> Container:
    """``role``: "app", "init" (runs to completion: no probes) or "sidecar"."""
    count = draw(st.integers(0, 2))
    numbers = draw(_PORT_NUMBER_LISTS[count])
    port_names = draw(_PORT_NAME_LISTS[count])
    # Most ports are named (so probes and Services can name them), some are not.
    ports = tuple(_draw_container_port(draw, number, port if draw(st.integers(0, 3)) else None)
                  for number, port in zip(numbers, port_names, strict=True))
    declared = tuple(p.name for p in ports if p.name)
    env = tuple(_draw_env_var(draw, key) for key in draw(_ENV_NAME_LISTS))
    probes: dict[str, Probe | None] = {"readiness": None, "liveness": None, "startup": None}
    if role != "init":
        for kind in probes:
            probes[kind] = _draw_probe(draw, declared, kind) if draw(BOOLS) else None
    return Container(
        name, draw(_IMAGE_REFS), command=draw(_ARGS), args=draw(_ARGS),
        working_dir=maybe_pick(draw, _WORKING_DIRS), ports=ports, env=env,
        resources=_draw_resources(draw), volume_mounts=_draw_mounts(draw, volume_names),
        liveness_probe=probes["liveness"], readiness_probe=probes["readiness"],
        startup_probe=probes["startup"], image_pull_policy=maybe_pick(draw, _PULL_POLICIES),
        security_context=_draw_security_context(draw) if draw(BOOLS) else None,
        restart_policy="Always" if role == "sidecar" else None,
        extra=extras(draw, _CONTAINER_EXTRA if role == "init" else _RUNNING_CONTAINER_EXTRA))


@st.composite
def _containers(draw: DrawFn, volume_names: tuple[str, ...], role: str) -> Container:
    return _draw_container(draw, draw(_SHORT_NAMES), volume_names, role)


@draws(Container)
def containers(*, volume_names: Iterable[str] = (), native_sidecar: bool = False,
               init: bool = False) -> SearchStrategy[Container]:
    """Containers with a few ports, env vars, mounts of ``volume_names``, resources,
    probes naming their own ports, a security context and carried fields
    (``terminationMessagePolicy``, ``envFrom``, ``lifecycle``, ...).

    ``native_sidecar=True`` gives an init container that keeps running
    (``restartPolicy: Always``); ``init=True`` one that runs to completion (no
    probes, no ``lifecycle``).

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=5)
    ... @given(containers(volume_names=["data"], native_sidecar=True))
    ... def test(sidecar):
    ...     assert sidecar.restart_policy == "Always"
    ...     assert all(mount.name == "data" for mount in sidecar.volume_mounts)
    >>> test()
    """
    call = "containers"
    given = names(call, "volume_names", volume_names)
    sidecar = flag(call, "native_sidecar", native_sidecar)
    one_shot = flag(call, "init", init)
    if sidecar and one_shot:
        raise bad(call, "init", init, "a native sidecar keeps running: pass "
                                      "native_sidecar=True or init=True, not both")
    return _containers(given, "sidecar" if sidecar else "init" if one_shot else "app")
