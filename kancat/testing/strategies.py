"""Hypothesis strategies for kancat values, for property tests in your own suite.

Every strategy draws values that satisfy *all* of kancat's rules (so building them
never raises) and whose manifests pass the strict Kubernetes 1.32 schemas: names
are DNS labels, selectors match their pod labels, mounts name declared volumes,
probes name declared ports, requests never exceed limits. Optional fields and the
carried (unmodelled) fields of the ``extra`` maps are drawn too, always with
fields Kubernetes knows, so the round trip of carried data is exercised.

Generated objects are kept small (a few containers, ports, volumes) so that
hundreds of examples run in seconds.

>>> from hypothesis import given, settings
>>> from kancat import to_manifests
>>> @settings(max_examples=10)
... @given(deployments())
... def test_selector_matches_pods(web):
...     assert web.selector.matches(web.template.labels)
...     assert to_manifests(web)[0]["kind"] == "Deployment"
>>> test_selector_matches_pods()

Options are keyword-only; a wrong option raises
:class:`~kancat.errors.InvalidArgument` naming it:

>>> quantities(kind="gpu")
Traceback (most recent call last):
...
kancat.errors.InvalidArgument: quantities(kind='gpu'): kind must be one of 'cpu', 'memory', 'storage'; pass e.g. kind='memory'

``import kancat`` never imports Hypothesis; this module does, and needs it
installed (``pip install 'kancat[testing]'``).
"""

import base64
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

try:
    import hypothesis.strategies as st
    from hypothesis.strategies import DrawFn, SearchStrategy
except ImportError as error:  # pragma: no cover - exercised only without Hypothesis
    raise ImportError("kancat.testing needs Hypothesis: pip install 'kancat[testing]'") from error

from kancat.errors import InvalidArgument
from kancat.values import (
    Capabilities,
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
    EnvSource,
    EnvVar,
    ExecAction,
    FieldRef,
    GRPCAction,
    HTTPGetAction,
    ImageRef,
    IPBlock,
    KeyToPath,
    KubeObject,
    LabelSelector,
    LabelSelectorRequirement,
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
    ProbeHandler,
    ProjectedVolume,
    Quantity,
    Resources,
    SeccompProfile,
    SecretKeyRef,
    SecretProjection,
    SecretVolume,
    SecurityContext,
    Service,
    ServiceAccountTokenProjection,
    ServicePort,
    StatefulSet,
    TCPSocketAction,
    Toleration,
    TopologySpreadConstraint,
    Volume,
    VolumeMount,
    VolumeProjection,
    VolumeSource,
)
from kancat.values._frozen import freeze

__all__ = [
    "annotation_maps",
    "configmaps",
    "container_ports",
    "containers",
    "deployments",
    "dns_labels",
    "dns_subdomains",
    "env_vars",
    "image_refs",
    "kube_objects",
    "label_maps",
    "label_selectors",
    "namespaces",
    "network_policies",
    "opaque_objects",
    "persistent_volume_claim_templates",
    "pod_disruption_budgets",
    "pod_security_contexts",
    "pod_templates",
    "port_names",
    "probes",
    "quantities",
    "resources",
    "security_contexts",
    "services",
    "statefulsets",
    "volume_mounts",
    "volumes",
]

_T = TypeVar("_T")

_DIGITS = "0123456789"
_LOWER = "abcdefghijklmnopqrstuvwxyz"
_LOWER_ALNUM = _LOWER + _DIGITS
_ALNUM = _LOWER_ALNUM + _LOWER.upper()
_NAME_INNER = _ALNUM + "-_."
_DNS_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?\Z")


# --- argument checks ---------------------------------------------------------------------

def _bad(call: str, argument: str, value: object, fix: str) -> InvalidArgument:
    return InvalidArgument(f"{call}({argument}={value!r}): {fix}")


def _choice(call: str, argument: str, value: object, allowed: Sequence[str]) -> str:
    if not isinstance(value, str) or value not in allowed:
        shown = ", ".join(repr(a) for a in allowed)
        raise _bad(call, argument, value,
                   f"{argument} must be one of {shown}; pass e.g. {argument}={allowed[-1]!r}")
    return value


def _size(call: str, argument: str, value: object, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _bad(call, argument, value,
                   f"{argument} must be a whole number from {low} to {high}; "
                   f"pass e.g. {argument}={high}")
    return value


def _flag(call: str, argument: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise _bad(call, argument, value, f"{argument} must be True or False")
    return value


def _names(call: str, argument: str, value: object, *,
           rule: Callable[[str], bool] = lambda n: bool(_DNS_LABEL.match(n)) and len(n) <= 63,
           what: str = "DNS-1123 labels such as 'data'") -> tuple[str, ...]:
    """A list of names given as an option (never a lone string)."""
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        raise _bad(call, argument, value,
                   f"{argument} must be a list of names, not a {type(value).__name__}; "
                   f"pass e.g. {argument}=['data']")
    names = tuple(value)
    for name in names:
        if not isinstance(name, str) or not rule(name):
            raise _bad(call, argument, value,
                       f"{argument} holds {name!r}, which is not valid; use {what}")
    return names


# --- names, labels, images, quantities ---------------------------------------------------

@st.composite
def _dns_label(draw: DrawFn, max_size: int, start_with_letter: bool) -> str:
    first = draw(st.sampled_from(_LOWER if start_with_letter else _LOWER_ALNUM))
    if max_size == 1:
        return first
    middle = draw(st.text(_LOWER_ALNUM + "-", max_size=min(max_size - 2, 14)))
    last = draw(st.sampled_from(_LOWER_ALNUM)) if middle else draw(
        st.sampled_from(("", *_LOWER_ALNUM)))
    return first + middle + last


def dns_labels(*, max_size: int = 63, start_with_letter: bool = False) -> SearchStrategy[str]:
    """RFC 1123 labels (container, volume, namespace names): ``[a-z0-9]([-a-z0-9]*[a-z0-9])?``.

    ``start_with_letter=True`` gives RFC 1035 labels (Service names).

    >>> from hypothesis import find
    >>> len(find(dns_labels(max_size=5), lambda name: len(name) > 3))
    4
    """
    call = "dns_labels"
    return _dns_label(_size(call, "max_size", max_size, 1, 63),
                      _flag(call, "start_with_letter", start_with_letter))


def dns_subdomains(*, max_labels: int = 3) -> SearchStrategy[str]:
    """RFC 1123 subdomains: one to ``max_labels`` DNS labels joined by dots.

    >>> from hypothesis import find
    >>> "." in find(dns_subdomains(), lambda name: "." in name)
    True
    """
    count = _size("dns_subdomains", "max_labels", max_labels, 1, 4)
    return st.lists(dns_labels(max_size=20), min_size=1, max_size=count).map(".".join)


@st.composite
def _qualified_name(draw: DrawFn) -> str:
    first = draw(st.sampled_from(_ALNUM))
    middle = draw(st.text(_NAME_INNER, max_size=8))
    return first + middle + draw(st.sampled_from(_ALNUM)) if middle else first


@st.composite
def _label_key(draw: DrawFn) -> str:
    name = draw(_qualified_name())
    prefix = draw(st.none() | st.sampled_from(("app.kubernetes.io", "kancat.dev", "team"))
                  | dns_subdomains(max_labels=2))
    return f"{prefix}/{name}" if prefix else name


_LABEL_VALUES = st.just("") | _qualified_name()


def label_maps(*, min_size: int = 0, max_size: int = 3) -> SearchStrategy[dict[str, str]]:
    """Label maps: qualified-name keys (optionally ``prefix/``), values of at most 63
    alphanumerics, ``-``, ``_`` and ``.`` (or empty).

    >>> from hypothesis import find
    >>> len(find(label_maps(min_size=2), lambda labels: True))
    2
    """
    call = "label_maps"
    low = _size(call, "min_size", min_size, 0, 8)
    high = _size(call, "max_size", max_size, 0, 8)
    if high < low:
        raise _bad(call, "max_size", max_size, f"max_size must be at least min_size={low}")
    return st.dictionaries(_label_key(), _LABEL_VALUES, min_size=low, max_size=high)


def annotation_maps(*, max_size: int = 2) -> SearchStrategy[dict[str, str]]:
    """Annotation maps: qualified-name keys, values any text (multi-line, unicode, empty).

    >>> from hypothesis import find
    >>> "\\n" in find(annotation_maps(), lambda notes: any("\\n" in v for v in notes.values())
    ...               )["0"]
    True
    """
    high = _size("annotation_maps", "max_size", max_size, 0, 8)
    return st.dictionaries(_label_key(), st.text(max_size=20), max_size=high)


_PATH_SEPARATORS = (".", "_", "__", "-", "--")


@st.composite
def _path_component(draw: DrawFn, dots: bool) -> str:
    parts = draw(st.lists(st.text(_LOWER_ALNUM, min_size=1, max_size=6), min_size=1,
                          max_size=3))
    text = parts[0]
    for part in parts[1:]:
        separators = _PATH_SEPARATORS if dots else _PATH_SEPARATORS[1:]
        text += draw(st.sampled_from(separators)) + part
    return text


@st.composite
def _image_ref(draw: DrawFn) -> ImageRef:
    registry = draw(st.none() | st.sampled_from(
        ("registry.internal", "registry.internal:5000", "mirror.local", "localhost",
         "localhost:5000", "10.0.0.5:5000", "Registry.Corp.Internal"))
                    | dns_subdomains(max_labels=2).map(lambda host: host + ".internal"))
    depth = draw(st.integers(1, 3))
    # Without a registry, a dot in the first of several components would read as a host.
    path = "/".join(draw(_path_component(dots=registry is not None or depth == 1 or i > 0))
                    for i in range(depth))
    if registry is None and path.split("/")[0] == "localhost" and depth > 1:
        path = "lib" + path
    text = f"{registry}/{path}" if registry else path
    tag = draw(st.none() | st.sampled_from(("latest", "1.4.2", "v2", "1.27-alpine"))
               | st.text(_ALNUM + "_.-", min_size=1, max_size=10).map(lambda t: "v" + t))
    if tag is not None:
        text += ":" + tag
    if draw(st.booleans()) and draw(st.booleans()):
        text += "@sha256:" + draw(st.text("0123456789abcdef", min_size=64, max_size=64))
    return ImageRef.of(text)


def image_refs() -> SearchStrategy[ImageRef]:
    """Container image references: optional registry (with port), one to three path
    components, optional tag and ``sha256`` digest.

    >>> from hypothesis import find
    >>> find(image_refs(), lambda ref: ref.digest is not None).digest[:7]
    'sha256:'
    """
    return _image_ref()


_QUANTITY_KINDS = ("cpu", "memory", "storage")


@st.composite
def _cpu(draw: DrawFn) -> str:
    millis = draw(st.integers(1, 8000))
    style = draw(st.integers(0, 2))
    if style == 1 and millis % 1000 == 0:
        return str(millis // 1000)
    if style == 2 and millis % 100 == 0:
        return str(millis / 1000).removesuffix(".0")
    return f"{millis}m"


@st.composite
def _memory(draw: DrawFn) -> str:
    amount = draw(st.integers(1, 4096))
    suffix = draw(st.sampled_from(("Mi", "Gi", "Ki", "M", "G", "k", "", "e6")))
    if suffix == "Gi" and amount > 64:
        amount = amount % 64 + 1
    if suffix == "G" and amount > 64:
        amount = amount % 64 + 1
    if suffix == "":
        amount *= 2**20
    return f"{amount}{suffix}"


@st.composite
def _storage(draw: DrawFn) -> str:
    amount = draw(st.integers(1, 500))
    return f"{amount}{draw(st.sampled_from(('Gi', 'Mi', 'Ti', 'G')))}"


def quantities(*, kind: str = "memory") -> SearchStrategy[Quantity]:
    """Positive resource quantities as people write them: ``kind="cpu"`` gives
    ``250m``, ``0.5``, ``2``; ``"memory"`` gives ``128Mi``, ``1Gi``, ``500M``;
    ``"storage"`` gives ``10Gi``.

    >>> from hypothesis import find
    >>> find(quantities(kind="cpu"), lambda q: q.amount >= 1).amount
    Fraction(1, 1)
    """
    chosen = _choice("quantities", "kind", kind, _QUANTITY_KINDS)
    text = {"cpu": _cpu(), "memory": _memory(), "storage": _storage()}[chosen]
    return text.map(Quantity.of)


# --- container parts ---------------------------------------------------------------------

@st.composite
def _port_name(draw: DrawFn) -> str:
    head = draw(st.sampled_from(_LOWER)) + draw(st.text(_LOWER_ALNUM, max_size=6))
    tail = draw(st.none() | st.text(_LOWER_ALNUM, min_size=1, max_size=6))
    return f"{head}-{tail}" if tail else head


def port_names() -> SearchStrategy[str]:
    """IANA service names (named ports): at most 15 of ``[-a-z0-9]``, with a letter.

    >>> from hypothesis import find
    >>> find(port_names(), lambda name: "-" in name)
    'a-0'
    """
    return _port_name()


_PORT_NUMBERS = st.integers(1, 65535)
_PROTOCOLS = st.sampled_from(("TCP", "TCP", "UDP", "SCTP"))
_HOST_PORT = st.sampled_from((False,) * 5 + (True,))


def _container_port(number: int, name: str | None, protocol: str,
                    host: bool) -> ContainerPort:
    if host:
        return ContainerPort(number, name, protocol, number, {"hostIP": "127.0.0.1"})
    return ContainerPort(number, name, protocol)


def container_ports() -> SearchStrategy[ContainerPort]:
    """One container port: number, optional IANA name, protocol, sometimes a host port
    (with the carried ``hostIP`` field).

    >>> from hypothesis import find
    >>> find(container_ports(), lambda port: port.host_port is not None).extra["hostIP"]
    '127.0.0.1'
    """
    return st.builds(_container_port, _PORT_NUMBERS, st.none() | port_names(), _PROTOCOLS,
                     _HOST_PORT)


_ENV_NAME = st.builds(lambda a, b: a + b, st.sampled_from(_LOWER.upper() + "_"),
                      st.text(_LOWER.upper() + _DIGITS + "_", max_size=10))
_FIELD_PATHS = ("metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName",
                "spec.serviceAccountName", "status.hostIP", "status.podIP", "status.podIPs")


@st.composite
def _env_source(draw: DrawFn) -> EnvSource:
    kind = draw(st.integers(0, 3))
    optional = draw(st.none() | st.booleans())
    key = draw(st.sampled_from(("password", "token", "config.yaml", "LOG_LEVEL")))
    if kind == 0:
        return SecretKeyRef(draw(dns_subdomains(max_labels=2)), key, optional)
    if kind == 1:
        return ConfigMapKeyRef(draw(dns_subdomains(max_labels=2)), key, optional)
    if kind == 2:
        label = draw(_label_key())
        path = draw(st.sampled_from(_FIELD_PATHS) | st.just(f"metadata.labels['{label}']"))
        return FieldRef(path, draw(st.none() | st.just("v1")))
    resource = draw(st.sampled_from(("limits.cpu", "limits.memory", "requests.cpu",
                                     "requests.memory")))
    body: dict[str, Any] = {"resource": resource}
    if draw(st.booleans()):
        body["divisor"] = "1m" if resource.endswith("cpu") else "1Mi"
    return OtherEnvSource({"resourceFieldRef": body})


@st.composite
def _env_var(draw: DrawFn, name: str) -> EnvVar:
    if draw(st.booleans()):
        return EnvVar(name, draw(st.none() | st.text(max_size=12)))
    return EnvVar(name, value_from=draw(_env_source()))


def env_vars() -> SearchStrategy[EnvVar]:
    """Environment variables: a literal value (any text, or none) or a ``valueFrom``
    source (Secret key, ConfigMap key, pod field, or a carried ``resourceFieldRef``).

    >>> from hypothesis import find
    >>> type(find(env_vars(), lambda var: var.value_from is not None).value_from).__name__
    'SecretKeyRef'
    """
    return _ENV_NAME.flatmap(_env_var)


_PROBE_KINDS = ("readiness", "liveness", "startup")
_SECONDS = st.none() | st.integers(1, 60)


@st.composite
def _probe_handler(draw: DrawFn, names: tuple[str, ...]) -> ProbeHandler:
    port: int | str = draw(_PORT_NUMBERS | st.sampled_from(names)) if names else draw(
        _PORT_NUMBERS)
    kind = draw(st.integers(0, 3))
    if kind == 0:
        return ExecAction(draw(st.lists(st.text(max_size=8), min_size=1, max_size=3)))
    if kind == 1:
        headers = draw(st.lists(st.builds(
            lambda name, value: freeze({"name": name, "value": value}),
            st.sampled_from(("X-Probe", "Accept", "X-Forwarded-Proto")), st.text(max_size=8)),
            max_size=2))
        return HTTPGetAction(port, draw(st.none() | st.sampled_from(("/", "/healthz",
                                                                      "/ready?full=1"))),
                             draw(st.none() | st.sampled_from(("HTTP", "HTTPS"))),
                             draw(st.none() | st.just("127.0.0.1")), headers)
    if kind == 2:
        return TCPSocketAction(port, draw(st.none() | st.just("127.0.0.1")))
    return GRPCAction(draw(_PORT_NUMBERS), draw(st.none() | st.sampled_from(("", "health"))))


@st.composite
def _probe(draw: DrawFn, names: tuple[str, ...], kind: str) -> Probe:
    handler = draw(_probe_handler(names))
    success = draw(st.none() | st.integers(1, 5)) if kind == "readiness" else draw(
        st.none() | st.just(1))
    grace = None if kind == "readiness" else draw(st.none() | st.integers(1, 60))
    return Probe(handler, draw(st.none() | st.integers(0, 60)), draw(_SECONDS), draw(_SECONDS),
                 success, draw(_SECONDS), grace)


def probes(*, port_names: Iterable[str] = (), kind: str = "readiness") -> SearchStrategy[Probe]:
    """Probes with one handler (exec, httpGet, tcpSocket, grpc) and timings.

    ``port_names``: the container's named ports, which httpGet and tcpSocket may
    name. ``kind="liveness"`` or ``"startup"`` keeps ``successThreshold`` at 1 and may
    set ``terminationGracePeriodSeconds``, as Kubernetes requires.

    >>> from hypothesis import find
    >>> find(probes(port_names=["http"]), lambda p: p.port == "http").handler_field
    'httpGet'
    """
    call = "probes"
    names = _names(call, "port_names", port_names,
                   rule=lambda n: 0 < len(n) <= 15 and n == n.lower() and "--" not in n
                   and not n.startswith("-") and not n.endswith("-")
                   and any(c.isalpha() for c in n) and all(c in _LOWER_ALNUM + "-" for c in n),
                   what="IANA service names such as 'http'")
    return _probe(names, _choice(call, "kind", kind, _PROBE_KINDS))


def _ordered(low: Quantity, high: Quantity) -> tuple[Quantity, Quantity]:
    return (low, high) if low.amount <= high.amount else (high, low)


@st.composite
def _resources(draw: DrawFn) -> Resources:
    requests: dict[str, Quantity] = {}
    limits: dict[str, Quantity] = {}
    for resource, kind in (("cpu", "cpu"), ("memory", "memory"),
                           ("ephemeral-storage", "memory")):
        shape = draw(st.sampled_from(("none", "request", "limit", "both") if resource != (
            "ephemeral-storage") else ("none", "none", "none", "request")))
        if shape == "request":
            requests[resource] = draw(quantities(kind=kind))
        elif shape == "limit":
            limits[resource] = draw(quantities(kind=kind))
        elif shape == "both":
            requests[resource], limits[resource] = _ordered(draw(quantities(kind=kind)),
                                                            draw(quantities(kind=kind)))
    return Resources(requests, limits)


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
    return _resources()


_SECCOMP = st.none() | st.sampled_from((
    SeccompProfile("RuntimeDefault"), SeccompProfile("Unconfined"),
    SeccompProfile("Localhost", "profiles/audit.json")))
_USER_IDS = st.none() | st.integers(0, 65535)
_CAPABILITIES = ("NET_BIND_SERVICE", "NET_ADMIN", "SYS_TIME", "CHOWN", "ALL")


@st.composite
def _security_context(draw: DrawFn) -> SecurityContext:
    non_root = draw(st.none() | st.booleans())
    user = draw(_USER_IDS)
    if non_root and user == 0:
        user = 1000
    privileged = draw(st.none() | st.booleans())
    escalation = draw(st.none() | st.booleans())
    if privileged and escalation is False:
        escalation = True
    capabilities = draw(st.none() | st.builds(
        Capabilities, st.lists(st.sampled_from(_CAPABILITIES[:-1]), max_size=2, unique=True),
        st.lists(st.sampled_from(_CAPABILITIES), max_size=2, unique=True)))
    extra = draw(st.fixed_dictionaries({}, optional={
        "procMount": st.just("Default"),
        "appArmorProfile": st.just({"type": "RuntimeDefault"}),
        "seLinuxOptions": st.just({"level": "s0:c123,c456"}),
    }))
    return SecurityContext(user, draw(_USER_IDS), non_root, draw(st.none() | st.booleans()),
                           escalation, privileged, capabilities, draw(_SECCOMP), extra)


def security_contexts() -> SearchStrategy[SecurityContext]:
    """A container ``securityContext`` (consistent: ``runAsNonRoot`` never with user 0,
    ``privileged`` never with ``allowPrivilegeEscalation: false``), with carried
    ``procMount``, ``appArmorProfile`` or ``seLinuxOptions``.

    >>> from hypothesis import find
    >>> find(security_contexts(), lambda c: c.privileged).allow_privilege_escalation
    """
    return _security_context()


@st.composite
def _pod_security_context(draw: DrawFn) -> PodSecurityContext:
    non_root = draw(st.none() | st.booleans())
    user = draw(_USER_IDS)
    if non_root and user == 0:
        user = 1000
    extra = draw(st.fixed_dictionaries({}, optional={
        "fsGroupChangePolicy": st.sampled_from(("OnRootMismatch", "Always")),
        "sysctls": st.just([{"name": "net.core.somaxconn", "value": "1024"}]),
    }))
    return PodSecurityContext(user, draw(_USER_IDS), non_root, draw(_USER_IDS),
                              draw(st.lists(st.integers(0, 65535), max_size=2)),
                              draw(_SECCOMP), extra)


def pod_security_contexts() -> SearchStrategy[PodSecurityContext]:
    """A pod ``securityContext`` with user, group, fsGroup, supplemental groups, seccomp
    and carried ``fsGroupChangePolicy`` or ``sysctls``.

    >>> from hypothesis import find
    >>> find(pod_security_contexts(), lambda c: c.run_as_non_root).run_as_user
    """
    return _pod_security_context()


_MOUNT_PATHS = st.lists(st.text(_LOWER_ALNUM + "-_.", min_size=1, max_size=8).filter(
    lambda part: part not in (".", "..")), min_size=1, max_size=3).map(
    lambda parts: "/" + "/".join(parts))
_RELATIVE = st.lists(st.sampled_from(("conf", "app.yaml", "data", "keys", "tls.crt")),
                     min_size=1, max_size=2).map("/".join)


@st.composite
def _volume_mount(draw: DrawFn, volume: str, path: str) -> VolumeMount:
    extra = draw(st.fixed_dictionaries({}, optional={
        "mountPropagation": st.sampled_from(("None", "HostToContainer"))}))
    return VolumeMount(volume, path, draw(st.none() | st.booleans()),
                       draw(st.none() | _RELATIVE), extra)


@st.composite
def _volume_mounts(draw: DrawFn, names: tuple[str, ...]) -> tuple[VolumeMount, ...]:
    if not names:
        return ()
    count = draw(st.integers(0, min(3, len(names) + 1)))
    paths = draw(st.lists(_MOUNT_PATHS, min_size=count, max_size=count, unique=True))
    return tuple(draw(_volume_mount(draw(st.sampled_from(names)), path)) for path in paths)


def volume_mounts(*, volume_names: Iterable[str] = ("data",)) -> SearchStrategy[VolumeMount]:
    """One mount of a volume named in ``volume_names``, at an absolute path, sometimes
    read-only, with a ``subPath`` or a carried ``mountPropagation``.

    >>> from hypothesis import find
    >>> find(volume_mounts(volume_names=["logs"]), lambda m: True).name
    'logs'
    """
    names = _names("volume_mounts", "volume_names", volume_names)
    if not names:
        raise _bad("volume_mounts", "volume_names", volume_names,
                   "volume_names must name at least one volume")
    return st.tuples(st.sampled_from(names), _MOUNT_PATHS).flatmap(
        lambda pair: _volume_mount(*pair))


# --- containers --------------------------------------------------------------------------

_CONTAINER_EXTRA = {
    "terminationMessagePolicy": st.sampled_from(("File", "FallbackToLogsOnError")),
    "terminationMessagePath": st.just("/dev/termination-log"),
    "stdin": st.booleans(),
    "tty": st.booleans(),
    "envFrom": st.just([{"configMapRef": {"name": "app-config"}},
                        {"prefix": "DB_", "secretRef": {"name": "db", "optional": True}}]),
}
_LIFECYCLE = {"lifecycle": st.just({"preStop": {"exec": {"command": ["sleep", "5"]}}})}


@st.composite
def _container(draw: DrawFn, name: str, volume_names: tuple[str, ...], role: str) -> Container:
    """``role``: "app", "init" (runs to completion: no probes) or "sidecar"."""
    count = draw(st.integers(0, 2))
    numbers = draw(st.lists(_PORT_NUMBERS, min_size=count, max_size=count, unique=True))
    names = draw(st.lists(port_names(), min_size=count, max_size=count, unique=True))
    # Most ports are named (so probes and Services can name them), some are not.
    ports = tuple(_container_port(number, name if draw(st.integers(0, 3)) else None,
                                  draw(_PROTOCOLS), draw(_HOST_PORT))
                  for number, name in zip(numbers, names, strict=True))
    declared = tuple(p.name for p in ports if p.name)
    env = draw(st.lists(_ENV_NAME, max_size=2, unique=True).flatmap(
        lambda keys: st.tuples(*(_env_var(k) for k in keys))))
    probe_set: dict[str, Probe | None] = {"readiness": None, "liveness": None, "startup": None}
    if role != "init":
        for kind in probe_set:
            probe_set[kind] = draw(st.none() | _probe(declared, kind))
    extra_fields = dict(_CONTAINER_EXTRA)
    if role != "init":
        extra_fields.update(_LIFECYCLE)
    extra = draw(st.fixed_dictionaries({}, optional=extra_fields))
    return Container(
        name, draw(image_refs()),
        draw(st.lists(st.text(max_size=8), max_size=2)),
        draw(st.lists(st.text(max_size=8), max_size=2)),
        env, ports, draw(_volume_mounts(volume_names)), draw(resources()),
        probe_set["liveness"], probe_set["readiness"], probe_set["startup"],
        draw(st.none() | security_contexts()),
        draw(st.none() | st.sampled_from(("Always", "IfNotPresent", "Never"))),
        draw(st.none() | st.sampled_from(("/", "/app", "/srv/data"))),
        "Always" if role == "sidecar" else None, extra)


def containers(*, volume_names: Iterable[str] = (), native_sidecar: bool = False,
               init: bool = False) -> SearchStrategy[Container]:
    """Containers with a few ports, env vars, mounts of ``volume_names``, resources,
    probes naming their own ports, a security context and carried fields
    (``terminationMessagePolicy``, ``envFrom``, ``lifecycle``, ...).

    ``native_sidecar=True`` gives an init container that keeps running
    (``restartPolicy: Always``); ``init=True`` one that runs to completion (no
    probes, no ``lifecycle``).

    >>> from hypothesis import find
    >>> find(containers(native_sidecar=True), lambda c: True).is_native_sidecar
    True
    """
    call = "containers"
    names = _names(call, "volume_names", volume_names)
    sidecar = _flag(call, "native_sidecar", native_sidecar)
    one_shot = _flag(call, "init", init)
    if sidecar and one_shot:
        raise _bad(call, "init", init, "a native sidecar keeps running: pass native_sidecar=True"
                                       " or init=True, not both")
    role = "sidecar" if sidecar else "init" if one_shot else "app"
    return dns_labels(max_size=20).flatmap(lambda name: _container(name, names, role))


# --- volumes -----------------------------------------------------------------------------

_MODES = st.none() | st.sampled_from((0o400, 0o440, 0o644, 0o755, 0o777))
_KEY_TO_PATHS = st.lists(st.builds(KeyToPath, st.sampled_from(("app.yaml", "tls.crt", "key")),
                                   _RELATIVE, _MODES),
                         max_size=2, unique_by=lambda item: item.path)
_DOWNWARD_FILES = st.lists(st.builds(
    DownwardAPIFile, _RELATIVE,
    st.sampled_from(("metadata.name", "metadata.namespace", "metadata.labels",
                     "metadata.annotations", "metadata.labels['app']")).map(FieldRef),
    st.none(), _MODES), max_size=2, unique_by=lambda item: item.path)


@st.composite
def _projection(draw: DrawFn) -> VolumeProjection:
    kind = draw(st.integers(0, 4))
    optional = draw(st.none() | st.booleans())
    if kind == 0:
        return ServiceAccountTokenProjection(
            "token", draw(st.none() | st.sampled_from(("vault", "istio-ca"))),
            draw(st.none() | st.integers(600, 86400)))
    if kind == 1:
        return ConfigMapProjection(draw(dns_subdomains(max_labels=2)), draw(_KEY_TO_PATHS),
                                   optional)
    if kind == 2:
        return SecretProjection(draw(dns_subdomains(max_labels=2)), draw(_KEY_TO_PATHS),
                                optional)
    if kind == 3:
        return DownwardAPIProjection(draw(_DOWNWARD_FILES))
    return OtherProjection({"clusterTrustBundle": {"signerName": "kancat.dev/signer",
                                                   "path": "bundle.pem"}})


_OTHER_SOURCES: tuple[dict[str, Any], ...] = (
    {"hostPath": {"path": "/var/log", "type": "Directory"}},
    {"hostPath": {"path": "/run/containerd/containerd.sock"}},
    {"nfs": {"server": "nfs.internal", "path": "/exports", "readOnly": True}},
    {"csi": {"driver": "secrets-store.csi.k8s.io", "readOnly": True,
             "volumeAttributes": {"secretProviderClass": "vault"}}},
)


@st.composite
def _volume_source(draw: DrawFn) -> VolumeSource:
    kind = draw(st.integers(0, 6))
    if kind == 0:
        return EmptyDir(draw(st.none() | st.sampled_from(("", "Memory"))),
                        draw(st.none() | quantities(kind="memory")))
    if kind == 1:
        return ConfigMapVolume(draw(dns_subdomains(max_labels=2)), draw(_KEY_TO_PATHS),
                               draw(_MODES), draw(st.none() | st.booleans()))
    if kind == 2:
        return SecretVolume(draw(dns_subdomains(max_labels=2)), draw(_KEY_TO_PATHS),
                            draw(_MODES), draw(st.none() | st.booleans()))
    if kind == 3:
        return PersistentVolumeClaimVolume(draw(dns_subdomains(max_labels=2)),
                                           draw(st.none() | st.booleans()))
    if kind == 4:
        sources = draw(st.lists(_projection(), max_size=3))
        return ProjectedVolume(sources, draw(_MODES))
    if kind == 5:
        return DownwardAPIVolume(draw(_DOWNWARD_FILES), draw(_MODES))
    return OtherVolumeSource(draw(st.sampled_from(_OTHER_SOURCES)))


def volumes(*, name: str | None = None) -> SearchStrategy[Volume]:
    """Pod volumes of every modelled source (emptyDir, configMap, secret,
    persistentVolumeClaim, projected, downwardAPI) and carried ones (hostPath, nfs, csi).

    >>> from hypothesis import find
    >>> find(volumes(name="cache"), lambda v: v.source_field == "emptyDir").name
    'cache'
    """
    if name is not None:
        _names("volumes", "name", [name])
        return _volume_source().map(lambda source: Volume(name, source))
    return st.builds(Volume, dns_labels(max_size=20), _volume_source())


# --- pods --------------------------------------------------------------------------------

@st.composite
def _requirement_for(draw: DrawFn, labels: Mapping[str, str]) -> LabelSelectorRequirement:
    """A selector requirement that ``labels`` satisfies."""
    if draw(st.booleans()) and labels:
        key = draw(st.sampled_from(sorted(labels)))
        operator = draw(st.sampled_from(("In", "Exists", "NotIn")))
        if operator == "In":
            return LabelSelectorRequirement(key, "In", (labels[key], "other"))
        if operator == "NotIn":
            return LabelSelectorRequirement(key, "NotIn", (labels[key] + "x",))
        return LabelSelectorRequirement(key, "Exists")
    key = draw(_label_key())
    if key in labels:
        return LabelSelectorRequirement(key, "Exists")
    return LabelSelectorRequirement(key, "DoesNotExist")


@st.composite
def _selector_for(draw: DrawFn, labels: Mapping[str, str]) -> LabelSelector:
    """A non-empty selector matching ``labels`` (which must not be empty)."""
    keys = draw(st.lists(st.sampled_from(sorted(labels)), min_size=1, unique=True))
    expressions = draw(st.lists(_requirement_for(labels), max_size=2))
    return LabelSelector({k: labels[k] for k in keys}, expressions)


@st.composite
def _label_selector(draw: DrawFn, allow_empty: bool) -> LabelSelector:
    labels = draw(label_maps(min_size=0 if allow_empty else 1, max_size=2))
    if not labels:
        return LabelSelector({}, draw(st.lists(_requirement_for({}), max_size=1)))
    return draw(_selector_for(labels))


def label_selectors(*, allow_empty: bool = True) -> SearchStrategy[LabelSelector]:
    """Label selectors: ``matchLabels`` and ``matchExpressions`` (In, NotIn, Exists,
    DoesNotExist). ``allow_empty=False`` always gives at least one ``matchLabels`` entry.

    >>> from hypothesis import find
    >>> find(label_selectors(allow_empty=False), lambda s: True).is_empty
    False
    """
    return _label_selector(_flag("label_selectors", "allow_empty", allow_empty))


_TOLERATIONS = st.sampled_from((
    Toleration(operator="Exists"),
    Toleration("dedicated", "Equal", "web", "NoSchedule"),
    Toleration("node.kubernetes.io/not-ready", "Exists", None, "NoExecute", 300),
    Toleration("gpu", None, "true", "PreferNoSchedule"),
))
_AFFINITY: SearchStrategy[dict[str, Any]] = st.sampled_from((
    {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
        "nodeSelectorTerms": [{"matchExpressions": [
            {"key": "kubernetes.io/arch", "operator": "In", "values": ["amd64", "arm64"]}]}]}}},
    {"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
        {"weight": 100, "podAffinityTerm": {"topologyKey": "kubernetes.io/hostname",
                                            "labelSelector": {"matchLabels": {"app": "web"}}}}]}},
))
_POD_EXTRA = {
    "dnsPolicy": st.sampled_from(("ClusterFirst", "Default", "ClusterFirstWithHostNet")),
    "restartPolicy": st.just("Always"),
    "priorityClassName": st.sampled_from(("high", "system-cluster-critical")),
    "enableServiceLinks": st.booleans(),
    "schedulerName": st.just("default-scheduler"),
    "imagePullSecrets": st.just([{"name": "registry-credentials"}]),
    "shareProcessNamespace": st.booleans(),
}


@st.composite
def _spread(draw: DrawFn, labels: Mapping[str, str]) -> TopologySpreadConstraint:
    extra = draw(st.fixed_dictionaries({}, optional={
        "nodeAffinityPolicy": st.sampled_from(("Honor", "Ignore")),
        "nodeTaintsPolicy": st.sampled_from(("Honor", "Ignore"))}))
    selector = draw(st.none() | _selector_for(labels)) if labels else None
    return TopologySpreadConstraint(
        draw(st.integers(1, 3)),
        draw(st.sampled_from(("kubernetes.io/hostname", "topology.kubernetes.io/zone"))),
        draw(st.sampled_from(("DoNotSchedule", "ScheduleAnyway"))), selector, extra)


@st.composite
def _pod_template(draw: DrawFn, labels: Mapping[str, str] | None,
                  claim_names: tuple[str, ...]) -> PodTemplate:
    pod_labels = dict(labels) if labels is not None else draw(label_maps(max_size=2))
    volume_count = draw(st.integers(0, 3))
    volume_names = draw(st.lists(dns_labels(max_size=12).filter(
        lambda n: n not in claim_names), min_size=volume_count, max_size=volume_count,
        unique=True))
    pod_volumes = tuple(draw(volumes(name=n)) for n in volume_names)
    mountable = tuple(volume_names) + claim_names
    roles = ["app"] * draw(st.integers(1, 2))
    init_roles = draw(st.lists(st.sampled_from(("init", "sidecar")), max_size=2))
    names = draw(st.lists(dns_labels(max_size=12), min_size=len(roles) + len(init_roles),
                          max_size=len(roles) + len(init_roles), unique=True))
    init = tuple(draw(_container(n, mountable, r)) for n, r in zip(names, init_roles,
                                                                   strict=False))
    app = tuple(draw(_container(n, mountable, "app"))
                for n in names[len(init_roles):])
    return PodTemplate(
        app, init, pod_volumes, pod_labels, draw(annotation_maps(max_size=1)),
        draw(st.none() | dns_subdomains(max_labels=2)), draw(st.none() | st.booleans()),
        draw(st.none() | pod_security_contexts()), draw(label_maps(max_size=1)),
        draw(st.just({}) | _AFFINITY), draw(st.lists(_TOLERATIONS, max_size=2, unique=True)),
        draw(st.lists(_spread(pod_labels), max_size=1)),
        draw(st.none() | st.just(False)),
        draw(st.none() | st.integers(0, 120)),
        draw(st.fixed_dictionaries({}, optional=_POD_EXTRA)))


def pod_templates(*, labels: Mapping[str, str] | None = None,
                  claim_names: Iterable[str] = ()) -> SearchStrategy[PodTemplate]:
    """Pod templates: one or two app containers, up to two init containers (some of
    them native sidecars), up to three volumes; container names unique across init and
    app containers, mounts naming only declared volumes (or ``claim_names``, the
    StatefulSet claim templates), probes naming only declared ports.

    ``labels``: the pod labels to use (drawn when ``None``).

    >>> from hypothesis import find
    >>> pod = find(pod_templates(labels={"app": "web"}),
    ...            lambda p: any(c.is_native_sidecar for c in p.init_containers))
    >>> dict(pod.labels)
    {'app': 'web'}
    """
    call = "pod_templates"
    if labels is not None and not isinstance(labels, Mapping):
        raise _bad(call, "labels", labels, "labels must be a mapping such as {'app': 'web'}")
    if labels is not None:
        try:
            LabelSelector(labels)
        except Exception as error:
            raise _bad(call, "labels", labels, f"labels must be valid labels: {error}") from None
    return _pod_template(None if labels is None else dict(labels),
                         _names(call, "claim_names", claim_names))


# --- top-level objects -------------------------------------------------------------------

_NAMESPACES = st.none() | st.sampled_from(("default", "shop", "kube-system")) | dns_labels(
    max_size=12)


@st.composite
def _meta(draw: DrawFn, name: str, labels: Mapping[str, str] | None = None,
          namespaced: bool = True) -> ObjectMeta:
    extra = draw(st.fixed_dictionaries({}, optional={
        "finalizers": st.just(["kancat.dev/cleanup"])}))
    return ObjectMeta(name, draw(_NAMESPACES) if namespaced else None,
                      labels if labels is not None else draw(label_maps(max_size=2)),
                      draw(annotation_maps(max_size=1)), extra)


_DEPLOYMENT_EXTRA = {
    "minReadySeconds": st.integers(0, 30),
    "revisionHistoryLimit": st.integers(0, 10),
    "progressDeadlineSeconds": st.integers(60, 600),
    "paused": st.booleans(),
    "strategy": st.sampled_from((
        {"type": "Recreate"},
        {"type": "RollingUpdate"},
        {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 0}},
        {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": "10%"}},
    )),
}


@st.composite
def _deployment(draw: DrawFn) -> Deployment:
    name = draw(dns_labels(max_size=20) | dns_subdomains(max_labels=2))
    labels = draw(label_maps(min_size=1, max_size=2))
    return Deployment(draw(_meta(name, labels if draw(st.booleans()) else None)),
                      draw(_pod_template(labels, ())), draw(_selector_for(labels)),
                      draw(st.none() | st.integers(0, 5)),
                      draw(st.fixed_dictionaries({}, optional=_DEPLOYMENT_EXTRA)))


def deployments() -> SearchStrategy[Deployment]:
    """Deployments: a selector matching the template's labels, replicas, and carried
    spec fields (``strategy``, ``minReadySeconds``, ``revisionHistoryLimit``, ...).

    >>> from hypothesis import find
    >>> "strategy" in find(deployments(), lambda d: "strategy" in d.spec_extra).spec_extra
    True
    """
    return _deployment()


@st.composite
def _claim(draw: DrawFn, name: str) -> PersistentVolumeClaimTemplate:
    modes = draw(st.lists(st.sampled_from(("ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany",
                                           "ReadWriteOncePod")), min_size=1, max_size=2,
                          unique=True))
    metadata_extra = draw(st.fixed_dictionaries({}, optional={
        "annotations": annotation_maps(max_size=1)}))
    return PersistentVolumeClaimTemplate(
        name, draw(quantities(kind="storage")), modes,
        draw(st.none() | st.sampled_from(("standard", "fast-ssd", "gp3"))),
        draw(label_maps(max_size=1)),
        draw(st.fixed_dictionaries({}, optional={
            "volumeMode": st.sampled_from(("Filesystem", "Block"))})),
        metadata_extra,
        draw(st.just({}) | st.just({"apiVersion": "v1", "kind": "PersistentVolumeClaim"})))


def persistent_volume_claim_templates(*, name: str | None = None
                                      ) -> SearchStrategy[PersistentVolumeClaimTemplate]:
    """StatefulSet ``volumeClaimTemplates`` entries: storage size, access modes, storage
    class, and carried ``volumeMode``, annotations, ``apiVersion``/``kind``.

    >>> from hypothesis import find
    >>> find(persistent_volume_claim_templates(name="data"), lambda c: True).access_modes
    ('ReadWriteOnce',)
    """
    if name is not None:
        _names("persistent_volume_claim_templates", "name", [name])
        return _claim(name)
    return dns_labels(max_size=12).flatmap(_claim)


_STATEFULSET_EXTRA = {
    "podManagementPolicy": st.sampled_from(("OrderedReady", "Parallel")),
    "updateStrategy": st.sampled_from(({"type": "OnDelete"}, {"type": "RollingUpdate"},
                                       {"type": "RollingUpdate",
                                        "rollingUpdate": {"partition": 1}})),
    "minReadySeconds": st.integers(0, 30),
    "revisionHistoryLimit": st.integers(0, 10),
    "persistentVolumeClaimRetentionPolicy": st.just({"whenDeleted": "Retain",
                                                     "whenScaled": "Delete"}),
    "ordinals": st.builds(lambda start: {"start": start}, st.integers(0, 5)),
}


@st.composite
def _statefulset(draw: DrawFn) -> StatefulSet:
    name = draw(dns_labels(max_size=20))
    labels = draw(label_maps(min_size=1, max_size=2))
    claim_names = tuple(draw(st.lists(dns_labels(max_size=12), max_size=2, unique=True)))
    claims = tuple(draw(_claim(n)) for n in claim_names)
    return StatefulSet(draw(_meta(name, labels if draw(st.booleans()) else None)),
                       draw(_pod_template(labels, claim_names)), draw(_selector_for(labels)),
                       draw(st.none() | dns_labels(max_size=20, start_with_letter=True)),
                       draw(st.none() | st.integers(0, 5)), claims,
                       draw(st.fixed_dictionaries({}, optional=_STATEFULSET_EXTRA)))


def statefulsets() -> SearchStrategy[StatefulSet]:
    """StatefulSets with up to two volume claim templates (which mounts may name), a
    governing service name, and carried spec fields (``podManagementPolicy``,
    ``updateStrategy``, ``ordinals``, ...).

    >>> from hypothesis import find
    >>> s = find(statefulsets(), lambda s: len(s.volume_claim_templates) == 2)
    >>> len({c.name for c in s.volume_claim_templates})
    2
    """
    return _statefulset()


_SERVICE_TYPES = (None, "ClusterIP", "NodePort", "LoadBalancer", "ExternalName")


@st.composite
def _service(draw: DrawFn) -> Service:
    name = draw(dns_labels(max_size=20, start_with_letter=True))
    kind = draw(st.sampled_from(_SERVICE_TYPES))
    cluster_ip = None
    if kind in (None, "ClusterIP"):
        cluster_ip = draw(st.sampled_from((None, None, "None", "10.96.0.10")))
    headless = cluster_ip == "None"
    low = 0 if headless or kind == "ExternalName" else 1
    count = draw(st.integers(low, 3))
    numbers = draw(st.lists(_PORT_NUMBERS, min_size=count, max_size=count, unique=True))
    names = draw(st.lists(dns_labels(max_size=12), min_size=count, max_size=count,
                          unique=True))
    node_ports = draw(st.lists(st.integers(30000, 32767), min_size=count, max_size=count,
                               unique=True))
    ports = []
    for number, port_name, node_port in zip(numbers, names, node_ports, strict=True):
        ports.append(ServicePort(
            number, draw(st.none() | _PORT_NUMBERS | port_names()),
            port_name if count > 1 or draw(st.booleans()) else None, draw(_PROTOCOLS),
            node_port if kind in ("NodePort", "LoadBalancer") and draw(st.booleans()) else None,
            draw(st.none() | st.sampled_from(("http", "kubernetes.io/h2c", "grpc")))))
    extra: dict[str, SearchStrategy[Any]] = {
        "sessionAffinity": st.sampled_from(("None", "ClientIP")),
        "publishNotReadyAddresses": st.booleans(),
    }
    if kind == "ExternalName":
        required = {"externalName": st.sampled_from(("db.internal", "api.corp.internal"))}
    else:
        required = {}
        extra["internalTrafficPolicy"] = st.sampled_from(("Cluster", "Local"))
        extra["ipFamilyPolicy"] = st.just("SingleStack")
    if kind in ("NodePort", "LoadBalancer"):
        extra["externalTrafficPolicy"] = st.sampled_from(("Cluster", "Local"))
    spec_extra = draw(st.fixed_dictionaries(required, optional=extra))
    return Service(draw(_meta(name)), ports, draw(label_maps(max_size=2)), kind, cluster_ip,
                   spec_extra)


def services() -> SearchStrategy[Service]:
    """Services of every type (ClusterIP, headless, NodePort, LoadBalancer, ExternalName)
    with up to three ports (named when several), node ports only where allowed, and
    carried fields (``sessionAffinity``, ``externalName``, traffic policies, ...).

    >>> from hypothesis import find
    >>> find(services(), lambda s: s.is_headless).cluster_ip
    'None'
    """
    return _service()


_CONFIG_KEYS = st.builds(lambda a, b: a + b, st.sampled_from(_ALNUM + "_-"),
                         st.text(_ALNUM + "-_.", max_size=10))


@st.composite
def _configmap(draw: DrawFn) -> ConfigMap:
    data = draw(st.dictionaries(_CONFIG_KEYS, st.text(max_size=30), max_size=3))
    binary = draw(st.dictionaries(_CONFIG_KEYS.filter(lambda k: k not in data),
                                  st.binary(max_size=12).map(
                                      lambda b: base64.b64encode(b).decode()),
                                  max_size=2))
    return ConfigMap(draw(_meta(draw(dns_subdomains(max_labels=2)))), data, binary,
                     draw(st.none() | st.booleans()))


def configmaps() -> SearchStrategy[ConfigMap]:
    """ConfigMaps with text ``data`` (any text, multi-line included), base64
    ``binaryData`` under other keys, and sometimes ``immutable``.

    >>> from hypothesis import find
    >>> find(configmaps(), lambda c: c.binary_data and c.data).immutable
    """
    return _configmap()


@st.composite
def _namespace(draw: DrawFn) -> Namespace:
    spec = draw(st.just({}) | st.just({"finalizers": ["kubernetes"]}))
    return Namespace(draw(_meta(draw(dns_labels(max_size=20)), namespaced=False)), spec)


def namespaces() -> SearchStrategy[Namespace]:
    """Namespaces with labels, annotations and sometimes ``spec.finalizers``.

    >>> from hypothesis import find
    >>> find(namespaces(), lambda n: True).metadata.namespace
    """
    return _namespace()


_INT_OR_PERCENT = st.integers(0, 10) | st.integers(0, 100).map(lambda n: f"{n}%")


@st.composite
def _pdb(draw: DrawFn) -> PodDisruptionBudget:
    low, high = (draw(_INT_OR_PERCENT), None) if draw(st.booleans()) else (
        None, draw(_INT_OR_PERCENT))
    return PodDisruptionBudget(
        draw(_meta(draw(dns_subdomains(max_labels=2)))), draw(label_selectors()), low, high,
        draw(st.fixed_dictionaries({}, optional={"unhealthyPodEvictionPolicy": st.sampled_from(
            ("IfHealthyBudget", "AlwaysAllow"))})))


def pod_disruption_budgets() -> SearchStrategy[PodDisruptionBudget]:
    """PodDisruptionBudgets: a selector and exactly one of ``minAvailable`` and
    ``maxUnavailable`` (a number or a percentage), sometimes with a carried
    ``unhealthyPodEvictionPolicy``.

    >>> from hypothesis import find
    >>> find(pod_disruption_budgets(), lambda p: isinstance(p.max_unavailable, str)
    ...      ).max_unavailable
    '0%'
    """
    return _pdb()


@st.composite
def _ip_block(draw: DrawFn) -> IPBlock:
    second = draw(st.integers(0, 255))
    excepts = draw(st.lists(st.integers(0, 255), max_size=2, unique=True))
    return IPBlock(f"10.{second}.0.0/16", [f"10.{second}.{third}.0/24" for third in excepts])


@st.composite
def _peer(draw: DrawFn) -> NetworkPolicyPeer:
    kind = draw(st.integers(0, 2))
    if kind == 0:
        return NetworkPolicyPeer(ip_block=draw(_ip_block()))
    pods = draw(label_selectors())
    namespaces = draw(st.none() | label_selectors()) if kind == 1 else draw(label_selectors())
    return NetworkPolicyPeer(pods if kind == 1 else None if namespaces else pods, namespaces)


@st.composite
def _policy_port(draw: DrawFn) -> NetworkPolicyPort:
    protocol = draw(st.none() | _PROTOCOLS)
    if draw(st.booleans()):
        return NetworkPolicyPort(protocol, draw(st.none() | port_names()))
    first = draw(_PORT_NUMBERS)
    end = draw(st.none() | st.integers(first, min(first + 100, 65535)))
    return NetworkPolicyPort(protocol, first, end)


_RULES = st.builds(NetworkPolicyRule, st.lists(_peer(), max_size=2),
                   st.lists(_policy_port(), max_size=2))


@st.composite
def _network_policy(draw: DrawFn) -> NetworkPolicy:
    ingress = draw(st.lists(_RULES, max_size=2))
    egress = draw(st.lists(_RULES, max_size=2))
    types = draw(st.lists(st.sampled_from(("Ingress", "Egress")), max_size=2, unique=True))
    if types and egress and "Egress" not in types:
        types.append("Egress")
    if types and ingress and "Ingress" not in types:
        types.insert(0, "Ingress")
    return NetworkPolicy(draw(_meta(draw(dns_subdomains(max_labels=2)))),
                         draw(label_selectors()), types, ingress, egress)


def network_policies() -> SearchStrategy[NetworkPolicy]:
    """NetworkPolicies: a pod selector, policy types consistent with the rules, and
    ingress/egress rules with ipBlock or selector peers and port ranges.

    >>> from hypothesis import find
    >>> find(network_policies(), lambda p: p.egress and p.policy_types).policy_types
    ('Egress',)
    """
    return _network_policy()


@st.composite
def _opaque(draw: DrawFn) -> OpaqueObject:
    meta: dict[str, Any] = {"name": draw(dns_subdomains(max_labels=2))}
    labels = draw(label_maps(max_size=2))
    if labels:
        meta["labels"] = labels
    if draw(st.booleans()):
        document: dict[str, Any] = {"apiVersion": "v1", "kind": "ServiceAccount",
                                    "metadata": meta}
        if draw(st.booleans()):
            document["automountServiceAccountToken"] = draw(st.booleans())
    else:
        document = {"apiVersion": "v1", "kind": "Secret", "metadata": meta,
                    "type": draw(st.sampled_from(("Opaque", "kubernetes.io/basic-auth"))),
                    "stringData": draw(st.dictionaries(_CONFIG_KEYS, st.text(max_size=12),
                                                       max_size=2))}
    return OpaqueObject(document)


def opaque_objects() -> SearchStrategy[OpaqueObject]:
    """Objects of kinds kancat carries without modelling (ServiceAccount, Secret).

    >>> from hypothesis import find
    >>> find(opaque_objects(), lambda o: o.kind == "Secret").api_version
    'v1'
    """
    return _opaque()


def kube_objects() -> SearchStrategy[KubeObject]:
    """Any top-level object kancat emits: every modelled kind, and carried ones.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10)
    ... @given(kube_objects())
    ... def test(obj):
    ...     assert obj.name
    >>> test()
    """
    return st.one_of(deployments(), statefulsets(), services(), configmaps(), namespaces(),
                     pod_disruption_budgets(), network_policies(), opaque_objects())
