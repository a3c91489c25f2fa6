"""Hypothesis strategies for kancat values, for property tests in your own suite.

Every strategy draws values that satisfy *all* of kancat's rules (so building them
never raises) and whose manifests pass the strict Kubernetes 1.32 schemas: names
are DNS labels, selectors match their pod labels, mounts name declared volumes,
probes name declared ports, requests never exceed limits. Optional fields and the
carried (unmodelled) fields of the ``extra`` maps are drawn too, always with
fields Kubernetes knows (``strategy``, ``dnsPolicy``, ``lifecycle``, the
``creationTimestamp: null`` and ``status: {}`` that ``kubectl create --dry-run -o yaml``
writes, ...), so the round trip of carried data is exercised.

Generated objects are kept small (a few containers, ports, volumes) so that
hundreds of examples run in seconds.

>>> from hypothesis import given, settings
>>> from kancat import to_manifests
>>> @settings(max_examples=5)
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
kancat.errors.InvalidArgument: quantities(kind='gpu'): kind must be one of 'cpu', 'memory', 'storage'; pass e.g. kind='cpu'

``import kancat`` never imports Hypothesis; this module does, and needs it
installed (``pip install 'kancat[testing]'``).
"""

import base64
import functools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from fractions import Fraction
from typing import Any, TypeVar

import kancat.testing._hypothesis  # noqa: F401  (first: names the extra if missing)

# isort: split
import attrs
import hypothesis.strategies as st
from hypothesis.strategies import DrawFn, SearchStrategy

from kancat.algebra.functor import ContainerMetadata, SlotMap, mirror_images, set_env
from kancat.algebra.lattice import MeshPolicy, MTLSMode, PodSecurityLevel, ResourceTotals
from kancat.algebra.monoidal import ControlPlane, Mesh, MeshService
from kancat.errors import InvalidArgument, InvalidValue
from kancat.patterns.sidecars import STATUS_ANNOTATION, SidecarSpec
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
    "mesh_services",
    "meshes",
    "mount_preserving_slot_maps",
    "namespaces",
    "network_policies",
    "opaque_objects",
    "persistent_volume_claim_templates",
    "pod_disruption_budgets",
    "pod_security_contexts",
    "pod_templates",
    "policies",
    "port_names",
    "probes",
    "quantities",
    "resource_totals",
    "resources",
    "security_contexts",
    "services",
    "sidecar_specs",
    "slot_maps",
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
                   f"{argument} must be one of {shown}; pass e.g. {argument}={allowed[0]!r}")
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


# --- how this module draws ---------------------------------------------------------------
#
# Creating strategy objects while drawing is what makes Hypothesis slow (each new one is
# validated), so the building blocks below are module constants or cached per option,
# and composites draw through plain ``_draw_*`` helpers that create none.

_BOOLS = st.booleans()
_PORT_NUMBERS = st.integers(1, 65535)
_PROTOCOLS = st.sampled_from(("TCP", "TCP", "UDP", "SCTP"))


def _maybe(draw: DrawFn, strategy: SearchStrategy[_T]) -> _T | None:
    """``None`` or a drawn value (shrinks towards ``None``)."""
    return draw(strategy) if draw(_BOOLS) else None


def _pick(draw: DrawFn, options: Sequence[_T]) -> _T:
    return options[draw(st.integers(0, len(options) - 1))]


def _extras(draw: DrawFn, options: Mapping[str, SearchStrategy[Any]]) -> dict[str, Any]:
    """Some of the carried fields in ``options`` (each present or not)."""
    return {key: draw(strategy) for key, strategy in options.items() if draw(_BOOLS)}


# --- names, labels, images, quantities ---------------------------------------------------

@functools.cache
def _dns_label_strategy(max_size: int, start_with_letter: bool) -> SearchStrategy[str]:
    first = st.sampled_from(_LOWER if start_with_letter else _LOWER_ALNUM)
    middle = st.text(_LOWER_ALNUM + "-", max_size=max(max_size - 2, 0))
    last = st.sampled_from(_LOWER_ALNUM)

    @st.composite
    def label(draw: DrawFn) -> str:
        text = draw(first)
        if max_size == 1:
            return text
        inner = draw(middle)
        return text + inner + draw(last) if inner or draw(_BOOLS) else text

    return label()


def dns_labels(*, max_size: int = 63, start_with_letter: bool = False) -> SearchStrategy[str]:
    """RFC 1123 labels (container, volume, namespace names): ``[a-z0-9]([-a-z0-9]*[a-z0-9])?``,
    at most ``max_size`` characters. ``start_with_letter=True`` gives RFC 1035 labels
    (Service names).

    >>> from hypothesis import find
    >>> len(find(dns_labels(max_size=5), lambda name: len(name) > 3))
    4
    """
    call = "dns_labels"
    return _dns_label_strategy(_size(call, "max_size", max_size, 1, 63),
                               _flag(call, "start_with_letter", start_with_letter))


@functools.cache
def _subdomain_strategy(max_labels: int) -> SearchStrategy[str]:
    return st.lists(_dns_label_strategy(20, False), min_size=1, max_size=max_labels).map(
        ".".join)


def dns_subdomains(*, max_labels: int = 3) -> SearchStrategy[str]:
    """RFC 1123 subdomains (most object names): one to ``max_labels`` DNS labels joined
    by dots.

    >>> from hypothesis import find
    >>> find(dns_subdomains(), lambda name: "." in name).count(".")
    1
    """
    return _subdomain_strategy(_size("dns_subdomains", "max_labels", max_labels, 1, 4))


_FIRST_ALNUM = st.sampled_from(_ALNUM)
_NAME_MIDDLE = st.text(_NAME_INNER, max_size=8)
_LABEL_PREFIXES = st.sampled_from(("app.kubernetes.io", "kancat.internal", "team")) | \
    _subdomain_strategy(2)


@st.composite
def _qualified_name(draw: DrawFn) -> str:
    first = draw(_FIRST_ALNUM)
    middle = draw(_NAME_MIDDLE)
    return first + middle + draw(_FIRST_ALNUM) if middle else first


_QUALIFIED_NAMES = _qualified_name()


@st.composite
def _label_key(draw: DrawFn) -> str:
    name = draw(_QUALIFIED_NAMES)
    prefix = _maybe(draw, _LABEL_PREFIXES)
    return f"{prefix}/{name}" if prefix else name


_LABEL_KEYS = _label_key()
_LABEL_VALUES = st.just("") | _QUALIFIED_NAMES


@functools.cache
def _label_map_strategy(min_size: int, max_size: int) -> SearchStrategy[dict[str, str]]:
    return st.dictionaries(_LABEL_KEYS, _LABEL_VALUES, min_size=min_size, max_size=max_size)


def label_maps(*, min_size: int = 0, max_size: int = 3) -> SearchStrategy[dict[str, str]]:
    """Label maps: qualified-name keys (optionally ``prefix/``), values of at most 63
    alphanumerics, ``-``, ``_`` and ``.`` (or empty).

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=5)
    ... @given(label_maps(min_size=1))
    ... def test(labels):
    ...     assert 1 <= len(labels) <= 3
    >>> test()
    """
    call = "label_maps"
    low = _size(call, "min_size", min_size, 0, 8)
    high = _size(call, "max_size", max_size, 0, 8)
    if high < low:
        raise _bad(call, "max_size", max_size,
                   f"max_size must be at least min_size={low}; pass e.g. max_size={low}")
    return _label_map_strategy(low, high)


@functools.cache
def _annotation_strategy(max_size: int) -> SearchStrategy[dict[str, str]]:
    return st.dictionaries(_LABEL_KEYS, st.text(max_size=20), max_size=max_size)


def annotation_maps(*, max_size: int = 2) -> SearchStrategy[dict[str, str]]:
    """Annotation maps: qualified-name keys, values any text (multi-line, unicode, empty).

    >>> from hypothesis import find
    >>> notes = find(annotation_maps(), lambda notes: any("\\n" in v for v in notes.values()))
    >>> list(notes.values())
    ['\\n']
    """
    return _annotation_strategy(_size("annotation_maps", "max_size", max_size, 0, 8))


_REGISTRIES = st.sampled_from((
    "registry.internal", "registry.internal:5000", "mirror.local", "localhost",
    "localhost:5000", "10.0.0.5:5000", "Registry.Corp.Internal")) | _subdomain_strategy(2).map(
    lambda host: host + ".internal")
_PATH_PARTS = st.lists(st.text(_LOWER_ALNUM, min_size=1, max_size=6), min_size=1, max_size=3)
_PATH_SEPARATORS = st.sampled_from((".", "_", "__", "-", "--"))
_PATH_SEPARATORS_NO_DOT = st.sampled_from(("_", "__", "-", "--"))
_TAGS = st.sampled_from(("latest", "1.4.2", "v2", "1.27-alpine")) | st.text(
    _ALNUM + "_.-", min_size=1, max_size=10).map(lambda tag: "v" + tag)
_DIGESTS = st.text("0123456789abcdef", min_size=64, max_size=64).map(
    lambda hexits: "sha256:" + hexits)


def _draw_path_component(draw: DrawFn, dots: bool) -> str:
    parts = draw(_PATH_PARTS)
    separators = _PATH_SEPARATORS if dots else _PATH_SEPARATORS_NO_DOT
    return parts[0] + "".join(draw(separators) + part for part in parts[1:])


@st.composite
def _image_ref(draw: DrawFn) -> ImageRef:
    registry = _maybe(draw, _REGISTRIES)
    depth = draw(st.integers(1, 3))
    # Without a registry, a dot in the first of several components would read as a host.
    components = [_draw_path_component(draw, registry is not None or depth == 1 or index > 0)
                  for index in range(depth)]
    if registry is None and depth > 1 and components[0] == "localhost":
        components[0] = "lib" + components[0]
    text = "/".join(components)
    if registry is not None:
        text = f"{registry}/{text}"
    tag = _maybe(draw, _TAGS)
    if tag is not None:
        text += ":" + tag
    digest = _maybe(draw, _DIGESTS) if draw(_BOOLS) else None
    if digest is not None:
        text += "@" + digest
    return ImageRef.of(text)


_IMAGE_REFS = _image_ref()


def image_refs() -> SearchStrategy[ImageRef]:
    """Container image references: optional registry (host, IP or ``localhost``, with an
    optional port), one to three path components, optional tag and ``sha256`` digest.

    >>> from hypothesis import find
    >>> find(image_refs(), lambda ref: ref.digest is not None).digest[:7]
    'sha256:'
    """
    return _IMAGE_REFS


_QUANTITY_KINDS = ("cpu", "memory", "storage")


@st.composite
def _cpu(draw: DrawFn) -> Quantity:
    millis = draw(st.integers(1, 8000))
    style = draw(st.integers(0, 2))
    if style == 1 and millis % 1000 == 0:
        return Quantity.of(str(millis // 1000))
    if style == 2 and millis % 100 == 0:
        return Quantity.of(str(millis / 1000).removesuffix(".0"))
    return Quantity.of(f"{millis}m")


_MEMORY_SUFFIXES = ("Mi", "Gi", "Ki", "M", "G", "k", "", "e6")


@st.composite
def _memory(draw: DrawFn) -> Quantity:
    amount = draw(st.integers(1, 4096))
    suffix = _pick(draw, _MEMORY_SUFFIXES)
    if suffix in ("Gi", "G"):
        amount = amount % 64 + 1
    elif suffix == "":
        amount *= 2**20
    return Quantity.of(f"{amount}{suffix}")


@st.composite
def _storage(draw: DrawFn) -> Quantity:
    return Quantity.of(f"{draw(st.integers(1, 500))}{_pick(draw, ('Gi', 'Mi', 'Ti', 'G'))}")


_QUANTITIES: dict[str, SearchStrategy[Quantity]] = {
    "cpu": _cpu(), "memory": _memory(), "storage": _storage()}


def quantities(*, kind: str = "memory") -> SearchStrategy[Quantity]:
    """Positive resource quantities as people write them: ``kind="cpu"`` gives
    ``250m``, ``0.5``, ``2``; ``"memory"`` gives ``128Mi``, ``1Gi``, ``500M``, ``64e6``;
    ``"storage"`` gives ``10Gi``.

    >>> from hypothesis import find
    >>> find(quantities(kind="cpu"), lambda q: q.amount >= 1).amount
    Fraction(1, 1)
    """
    return _QUANTITIES[_choice("quantities", "kind", kind, _QUANTITY_KINDS)]


# --- container parts ---------------------------------------------------------------------

_PORT_NAME_HEAD = st.sampled_from(_LOWER)
_PORT_NAME_REST = st.text(_LOWER_ALNUM, max_size=6)
_PORT_NAME_TAIL = st.text(_LOWER_ALNUM, min_size=1, max_size=6)


@st.composite
def _port_name(draw: DrawFn) -> str:
    head = draw(_PORT_NAME_HEAD) + draw(_PORT_NAME_REST)
    tail = _maybe(draw, _PORT_NAME_TAIL)
    return f"{head}-{tail}" if tail else head


_PORT_NAMES = _port_name()


def port_names() -> SearchStrategy[str]:
    """IANA service names (named ports): at most 15 of ``[-a-z0-9]``, with a letter,
    no leading, trailing or double ``-``.

    >>> from hypothesis import find
    >>> len(find(port_names(), lambda name: "-" in name))
    3
    """
    return _PORT_NAMES


def _draw_container_port(draw: DrawFn, number: int, name: str | None) -> ContainerPort:
    protocol = draw(_PROTOCOLS)
    if draw(st.integers(0, 5)) == 0:  # now and then a host port, with its carried hostIP
        return ContainerPort(number, name, protocol, number, {"hostIP": "127.0.0.1"})
    return ContainerPort(number, name, protocol)


@st.composite
def _container_port(draw: DrawFn) -> ContainerPort:
    return _draw_container_port(draw, draw(_PORT_NUMBERS), _maybe(draw, _PORT_NAMES))


_CONTAINER_PORTS = _container_port()


def container_ports() -> SearchStrategy[ContainerPort]:
    """One container port: number, optional IANA name, protocol, sometimes a host port
    (with the carried ``hostIP`` field).

    >>> from hypothesis import find
    >>> find(container_ports(), lambda port: port.host_port is not None).extra["hostIP"]
    '127.0.0.1'
    """
    return _CONTAINER_PORTS


_ENV_NAMES = st.builds(lambda first, rest: first + rest, st.sampled_from(_LOWER.upper() + "_"),
                       st.text(_LOWER.upper() + _DIGITS + "_", max_size=10))
_ENV_NAME_LISTS = st.lists(_ENV_NAMES, max_size=2, unique=True)
_FIELD_PATHS = ("metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName",
                "spec.serviceAccountName", "status.hostIP", "status.podIP", "status.podIPs")
_KEYS = ("password", "token", "config.yaml", "LOG_LEVEL")
_RESOURCE_FIELDS = ("limits.cpu", "limits.memory", "requests.cpu", "requests.memory")
_SHORT_TEXT = st.text(max_size=12)
_OPTIONAL_BOOLS = st.none() | _BOOLS
_OBJECT_NAMES = _subdomain_strategy(2)


def _draw_env_source(draw: DrawFn) -> EnvSource:
    kind = draw(st.integers(0, 3))
    if kind == 0:
        return SecretKeyRef(draw(_OBJECT_NAMES), _pick(draw, _KEYS), draw(_OPTIONAL_BOOLS))
    if kind == 1:
        return ConfigMapKeyRef(draw(_OBJECT_NAMES), _pick(draw, _KEYS), draw(_OPTIONAL_BOOLS))
    if kind == 2:
        path = (f"metadata.labels['{draw(_LABEL_KEYS)}']" if draw(_BOOLS)
                else _pick(draw, _FIELD_PATHS))
        return FieldRef(path, "v1" if draw(_BOOLS) else None)
    resource = _pick(draw, _RESOURCE_FIELDS)
    body: dict[str, Any] = {"resource": resource}
    if draw(_BOOLS):
        body["divisor"] = "1m" if resource.endswith("cpu") else "1Mi"
    return OtherEnvSource({"resourceFieldRef": body})


def _draw_env_var(draw: DrawFn, name: str) -> EnvVar:
    if draw(_BOOLS):
        return EnvVar(name, _maybe(draw, _SHORT_TEXT))
    return EnvVar(name, value_from=_draw_env_source(draw))


@st.composite
def _env_var(draw: DrawFn) -> EnvVar:
    return _draw_env_var(draw, draw(_ENV_NAMES))


_ENV_VARS = _env_var()


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


_PROBE_KINDS = ("readiness", "liveness", "startup")
_SECONDS = st.integers(1, 60)
_COMMANDS = st.lists(st.text(max_size=8), min_size=1, max_size=3)
_HEADERS = st.lists(st.builds(
    lambda name, value: freeze({"name": name, "value": value}),
    st.sampled_from(("X-Probe", "Accept", "X-Forwarded-Proto")), st.text(max_size=8)),
    max_size=2)
_HTTP_PATHS = ("/", "/healthz", "/ready?full=1")


def _draw_probe_port(draw: DrawFn, names: Sequence[str]) -> int | str:
    if len(names) > 0 and draw(_BOOLS):
        return _pick(draw, names)
    return draw(_PORT_NUMBERS)


def _draw_handler(draw: DrawFn, names: Sequence[str]) -> ProbeHandler:
    kind = draw(st.integers(0, 3))
    if kind == 0:
        return ExecAction(draw(_COMMANDS))
    if kind == 1:
        return HTTPGetAction(_draw_probe_port(draw, names),
                             _pick(draw, _HTTP_PATHS) if draw(_BOOLS) else None,
                             _pick(draw, ("HTTP", "HTTPS")) if draw(_BOOLS) else None,
                             "127.0.0.1" if draw(_BOOLS) else None, draw(_HEADERS))
    if kind == 2:
        return TCPSocketAction(_draw_probe_port(draw, names),
                               "127.0.0.1" if draw(_BOOLS) else None)
    return GRPCAction(draw(_PORT_NUMBERS), _pick(draw, ("", "health")) if draw(_BOOLS) else None)


def _draw_probe(draw: DrawFn, names: Sequence[str], kind: str) -> Probe:
    handler = _draw_handler(draw, names)
    # Kubernetes: liveness and startup probes need successThreshold 1, and only they
    # may set terminationGracePeriodSeconds.
    success = _maybe(draw, st.integers(1, 5) if kind == "readiness" else st.just(1))
    grace = None if kind == "readiness" else _maybe(draw, _SECONDS)
    return Probe(handler, _maybe(draw, st.integers(0, 60)), _maybe(draw, _SECONDS),
                 _maybe(draw, _SECONDS), success, _maybe(draw, _SECONDS), grace)


@st.composite
def _probes(draw: DrawFn, names: tuple[str, ...], kind: str) -> Probe:
    return _draw_probe(draw, names, kind)


def _is_port_name(name: str) -> bool:
    return (0 < len(name) <= 15 and all(c in _LOWER_ALNUM + "-" for c in name)
            and "--" not in name and not name.startswith("-") and not name.endswith("-")
            and any(c in _LOWER for c in name))


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
    names = _names(call, "port_names", port_names, rule=_is_port_name,
                   what="IANA service names such as 'http'")
    return _probes(names, _choice(call, "kind", kind, _PROBE_KINDS))


_RESOURCE_SHAPES = ("none", "request", "limit", "both")


def _draw_resources(draw: DrawFn) -> Resources:
    requests: dict[str, Quantity] = {}
    limits: dict[str, Quantity] = {}
    for resource, kind in (("cpu", "cpu"), ("memory", "memory"),
                           ("ephemeral-storage", "memory")):
        shape = _pick(draw, _RESOURCE_SHAPES if resource != "ephemeral-storage"
                      else ("none", "none", "request"))
        amount = _QUANTITIES[kind]
        if shape == "request":
            requests[resource] = draw(amount)
        elif shape == "limit":
            limits[resource] = draw(amount)
        elif shape == "both":
            low, high = sorted((draw(amount), draw(amount)))
            requests[resource], limits[resource] = low, high
    return Resources(requests, limits)


@st.composite
def _resources(draw: DrawFn) -> Resources:
    return _draw_resources(draw)


_RESOURCES = _resources()


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


_SECCOMP_PROFILES = (SeccompProfile("RuntimeDefault"), SeccompProfile("Unconfined"),
                     SeccompProfile("Localhost", "profiles/audit.json"))
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
    user = _maybe(draw, _IDS)
    return 1000 if non_root and user == 0 else user


def _draw_security_context(draw: DrawFn) -> SecurityContext:
    non_root = draw(_OPTIONAL_BOOLS)
    privileged = draw(_OPTIONAL_BOOLS)
    escalation = draw(_OPTIONAL_BOOLS)
    if privileged and escalation is False:  # a privileged container always escalates
        escalation = True
    return SecurityContext(
        _draw_user(draw, non_root), _maybe(draw, _IDS), non_root, draw(_OPTIONAL_BOOLS),
        escalation, privileged, _maybe(draw, _CAPABILITIES),
        _pick(draw, _SECCOMP_PROFILES) if draw(_BOOLS) else None,
        _extras(draw, _SECURITY_EXTRA))


@st.composite
def _security_context(draw: DrawFn) -> SecurityContext:
    return _draw_security_context(draw)


_SECURITY_CONTEXTS = _security_context()


def security_contexts() -> SearchStrategy[SecurityContext]:
    """A container ``securityContext`` (consistent: ``runAsNonRoot`` never with user 0,
    ``privileged`` never with ``allowPrivilegeEscalation: false``), with carried
    ``procMount``, ``appArmorProfile`` or ``seLinuxOptions``.

    >>> from hypothesis import find
    >>> find(security_contexts(), lambda c: c.privileged).allow_privilege_escalation
    """
    return _SECURITY_CONTEXTS


_POD_SECURITY_EXTRA = {
    "fsGroupChangePolicy": st.sampled_from(("OnRootMismatch", "Always")),
    "sysctls": st.just([{"name": "net.core.somaxconn", "value": "1024"}]),
}
_GROUPS = st.lists(_IDS, max_size=2)


@st.composite
def _pod_security_context(draw: DrawFn) -> PodSecurityContext:
    non_root = draw(_OPTIONAL_BOOLS)
    return PodSecurityContext(
        _draw_user(draw, non_root), _maybe(draw, _IDS), non_root, _maybe(draw, _IDS),
        draw(_GROUPS), _pick(draw, _SECCOMP_PROFILES) if draw(_BOOLS) else None,
        _extras(draw, _POD_SECURITY_EXTRA))


_POD_SECURITY_CONTEXTS = _pod_security_context()


def pod_security_contexts() -> SearchStrategy[PodSecurityContext]:
    """A pod ``securityContext`` with user, group, fsGroup, supplemental groups, seccomp
    and carried ``fsGroupChangePolicy`` or ``sysctls``.

    >>> from hypothesis import find
    >>> find(pod_security_contexts(), lambda c: c.run_as_non_root).run_as_user
    """
    return _POD_SECURITY_CONTEXTS


_MOUNT_PATHS = st.lists(st.text(_LOWER_ALNUM + "-_.", min_size=1, max_size=8).filter(
    lambda part: part not in (".", "..")), min_size=1, max_size=3).map(
    lambda parts: "/" + "/".join(parts))
_RELATIVE_PATHS = st.lists(st.sampled_from(("conf", "app.yaml", "data", "keys", "tls.crt")),
                           min_size=1, max_size=2).map("/".join)
_MOUNT_EXTRA = {"mountPropagation": st.sampled_from(("None", "HostToContainer"))}


def _draw_mount(draw: DrawFn, volume: str, path: str) -> VolumeMount:
    return VolumeMount(volume, path, draw(_OPTIONAL_BOOLS), _maybe(draw, _RELATIVE_PATHS),
                       _extras(draw, _MOUNT_EXTRA))


def _draw_mounts(draw: DrawFn, names: Sequence[str]) -> tuple[VolumeMount, ...]:
    if not names:
        return ()
    count = draw(st.integers(0, min(3, len(names) + 1)))
    paths = draw(st.lists(_MOUNT_PATHS, min_size=count, max_size=count, unique=True))
    return tuple(_draw_mount(draw, _pick(draw, names), path) for path in paths)


@st.composite
def _volume_mounts(draw: DrawFn, names: tuple[str, ...]) -> VolumeMount:
    return _draw_mount(draw, _pick(draw, names), draw(_MOUNT_PATHS))


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
    names = _names("volume_mounts", "volume_names", volume_names)
    if not names:
        raise _bad("volume_mounts", "volume_names", volume_names,
                   "volume_names must name at least one volume; pass e.g. "
                   "volume_names=['data']")
    return _volume_mounts(names)


# --- containers --------------------------------------------------------------------------

_CONTAINER_EXTRA = {
    "terminationMessagePolicy": st.sampled_from(("File", "FallbackToLogsOnError")),
    "terminationMessagePath": st.just("/dev/termination-log"),
    "stdin": _BOOLS,
    "tty": _BOOLS,
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
_PULL_POLICIES = ("Always", "IfNotPresent", "Never")
_WORKING_DIRS = ("/", "/app", "/srv/data")
_CONTAINER_ROLES = ("app", "init", "sidecar")


def _draw_container(draw: DrawFn, name: str, volume_names: Sequence[str],
                    role: str) -> Container:
    """``role``: "app", "init" (runs to completion: no probes) or "sidecar"."""
    count = draw(st.integers(0, 2))
    numbers = draw(_PORT_NUMBER_LISTS[count])
    names = draw(_PORT_NAME_LISTS[count])
    # Most ports are named (so probes and Services can name them), some are not.
    ports = tuple(_draw_container_port(draw, number, name if draw(st.integers(0, 3)) else None)
                  for number, name in zip(numbers, names, strict=True))
    declared = tuple(p.name for p in ports if p.name)
    env = tuple(_draw_env_var(draw, key) for key in draw(_ENV_NAME_LISTS))
    probes: dict[str, Probe | None] = {"readiness": None, "liveness": None, "startup": None}
    if role != "init":
        for kind in probes:
            probes[kind] = _draw_probe(draw, declared, kind) if draw(_BOOLS) else None
    return Container(
        name, draw(_IMAGE_REFS), draw(_ARGS), draw(_ARGS), env, ports,
        _draw_mounts(draw, volume_names), _draw_resources(draw),
        probes["liveness"], probes["readiness"], probes["startup"],
        _draw_security_context(draw) if draw(_BOOLS) else None,
        _pick(draw, _PULL_POLICIES) if draw(_BOOLS) else None,
        _pick(draw, _WORKING_DIRS) if draw(_BOOLS) else None,
        "Always" if role == "sidecar" else None,
        _extras(draw, _CONTAINER_EXTRA if role == "init" else _RUNNING_CONTAINER_EXTRA))


_CONTAINER_NAMES = _dns_label_strategy(20, False)


@st.composite
def _containers(draw: DrawFn, volume_names: tuple[str, ...], role: str) -> Container:
    return _draw_container(draw, draw(_CONTAINER_NAMES), volume_names, role)


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
    names = _names(call, "volume_names", volume_names)
    sidecar = _flag(call, "native_sidecar", native_sidecar)
    one_shot = _flag(call, "init", init)
    if sidecar and one_shot:
        raise _bad(call, "init", init, "a native sidecar keeps running: pass "
                                       "native_sidecar=True or init=True, not both")
    return _containers(names, "sidecar" if sidecar else "init" if one_shot else "app")


# --- volumes -----------------------------------------------------------------------------

_MODES = (0o400, 0o440, 0o644, 0o755, 0o777)
_OPTIONAL_MODES = st.none() | st.sampled_from(_MODES)
_KEY_TO_PATHS = st.lists(st.builds(KeyToPath, st.sampled_from(("app.yaml", "tls.crt", "key")),
                                   _RELATIVE_PATHS, _OPTIONAL_MODES),
                         max_size=2, unique_by=lambda item: item.path)
_DOWNWARD_FILES = st.lists(st.builds(
    DownwardAPIFile, _RELATIVE_PATHS,
    st.sampled_from(("metadata.name", "metadata.namespace", "metadata.labels",
                     "metadata.annotations", "metadata.labels['app']")).map(FieldRef),
    st.none(), _OPTIONAL_MODES), max_size=2, unique_by=lambda item: item.path)
_AUDIENCES = ("vault", "istio-ca")


def _draw_downward_files(draw: DrawFn, containers: Sequence[str]) -> list[DownwardAPIFile]:
    """Pod fields, and (naming one of ``containers``) a container's resource limit."""
    files = draw(_DOWNWARD_FILES)
    if len(containers) > 0 and draw(_BOOLS):
        files.append(DownwardAPIFile("limits/cpu", resource_field_ref={
            "containerName": _pick(draw, containers), "resource": "limits.cpu",
            "divisor": "1m"}))
    return files


def _draw_projection(draw: DrawFn, containers: Sequence[str]) -> VolumeProjection:
    kind = draw(st.integers(0, 4))
    if kind == 0:
        return ServiceAccountTokenProjection(
            "token", _pick(draw, _AUDIENCES) if draw(_BOOLS) else None,
            _maybe(draw, st.integers(600, 86400)))
    if kind == 1:
        return ConfigMapProjection(draw(_OBJECT_NAMES), draw(_KEY_TO_PATHS),
                                   draw(_OPTIONAL_BOOLS))
    if kind == 2:
        return SecretProjection(draw(_OBJECT_NAMES), draw(_KEY_TO_PATHS), draw(_OPTIONAL_BOOLS))
    if kind == 3:
        return DownwardAPIProjection(_draw_downward_files(draw, containers))
    return OtherProjection({"clusterTrustBundle": {"signerName": "kancat.internal/signer",
                                                   "path": "bundle.pem"}})


_OTHER_SOURCES: tuple[dict[str, Any], ...] = (
    {"hostPath": {"path": "/var/log", "type": "Directory"}},
    {"hostPath": {"path": "/run/containerd/containerd.sock"}},
    {"nfs": {"server": "nfs.internal", "path": "/exports", "readOnly": True}},
    {"csi": {"driver": "secrets.csi.internal", "readOnly": True,
             "volumeAttributes": {"secretProviderClass": "vault"}}},
)


def _draw_volume_source(draw: DrawFn, containers: Sequence[str] = ()) -> VolumeSource:
    """A volume source; ``containers`` are the pod's, which downward-API files may name."""
    kind = draw(st.integers(0, 6))
    if kind == 0:
        return EmptyDir(_pick(draw, ("", "Memory")) if draw(_BOOLS) else None,
                        _maybe(draw, _QUANTITIES["memory"]))
    if kind == 1:
        return ConfigMapVolume(draw(_OBJECT_NAMES), draw(_KEY_TO_PATHS), draw(_OPTIONAL_MODES),
                               draw(_OPTIONAL_BOOLS))
    if kind == 2:
        return SecretVolume(draw(_OBJECT_NAMES), draw(_KEY_TO_PATHS), draw(_OPTIONAL_MODES),
                            draw(_OPTIONAL_BOOLS))
    if kind == 3:
        return PersistentVolumeClaimVolume(draw(_OBJECT_NAMES), draw(_OPTIONAL_BOOLS))
    if kind == 4:
        sources = [_draw_projection(draw, containers) for _ in range(draw(st.integers(0, 3)))]
        return ProjectedVolume(sources, draw(_OPTIONAL_MODES))
    if kind == 5:
        return DownwardAPIVolume(_draw_downward_files(draw, containers), draw(_OPTIONAL_MODES))
    return OtherVolumeSource(_pick(draw, _OTHER_SOURCES))


@st.composite
def _volumes(draw: DrawFn, name: str | None) -> Volume:
    return Volume(name if name is not None else draw(_CONTAINER_NAMES),
                  _draw_volume_source(draw))


def volumes(*, name: str | None = None) -> SearchStrategy[Volume]:
    """Pod volumes of every modelled source (emptyDir, configMap, secret,
    persistentVolumeClaim, projected, downwardAPI) and carried ones (hostPath, nfs, csi).
    ``name``: the volume's name (drawn when ``None``).

    >>> from hypothesis import find
    >>> find(volumes(name="cache"), lambda v: v.source_field == "emptyDir").name
    'cache'
    """
    if name is not None:
        _names("volumes", "name", [name])
    return _volumes(name)


# --- selectors and pods ------------------------------------------------------------------

_REQUIREMENT_OPERATORS = ("In", "Exists", "NotIn")


def _draw_requirement(draw: DrawFn, labels: Mapping[str, str]) -> LabelSelectorRequirement:
    """A selector requirement that ``labels`` satisfies."""
    if len(labels) > 0 and draw(_BOOLS):
        key = _pick(draw, sorted(labels))
        operator = _pick(draw, _REQUIREMENT_OPERATORS)
        if operator == "In":
            return LabelSelectorRequirement(key, "In", (labels[key], "other"))
        if operator == "NotIn":
            return LabelSelectorRequirement(key, "NotIn", (labels[key] + "x",))
        return LabelSelectorRequirement(key, "Exists")
    key = draw(_LABEL_KEYS)
    return LabelSelectorRequirement(key, "Exists" if key in labels else "DoesNotExist")


def _draw_selector_for(draw: DrawFn, labels: Mapping[str, str]) -> LabelSelector:
    """A non-empty selector matching ``labels`` (which must not be empty)."""
    keys = sorted(labels)
    mask = draw(st.integers(1, 2 ** len(keys) - 1))
    chosen = {k: labels[k] for i, k in enumerate(keys) if mask >> i & 1}
    expressions = [_draw_requirement(draw, labels) for _ in range(draw(st.integers(0, 2)))]
    return LabelSelector(chosen, expressions)


_SELECTOR_LABELS = _label_map_strategy(0, 2)


@st.composite
def _label_selectors(draw: DrawFn, allow_empty: bool) -> LabelSelector:
    labels = draw(_SELECTOR_LABELS if allow_empty else _label_map_strategy(1, 2))
    if not labels:
        return LabelSelector({}, [_draw_requirement(draw, {})
                                  for _ in range(draw(st.integers(0, 1)))])
    return _draw_selector_for(draw, labels)


_SELECTORS = _label_selectors(True)


def label_selectors(*, allow_empty: bool = True) -> SearchStrategy[LabelSelector]:
    """Label selectors: ``matchLabels`` and ``matchExpressions`` (In, NotIn, Exists,
    DoesNotExist). ``allow_empty=False`` always gives at least one ``matchLabels`` entry.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=5)
    ... @given(label_selectors(allow_empty=False))
    ... def test(selector):
    ...     assert selector.match_labels
    >>> test()
    """
    return _label_selectors(_flag("label_selectors", "allow_empty", allow_empty))


_TOLERATIONS = st.lists(st.sampled_from((
    Toleration(operator="Exists"),
    Toleration("dedicated", "Equal", "web", "NoSchedule"),
    Toleration("node.kubernetes.io/not-ready", "Exists", None, "NoExecute", 300),
    Toleration("gpu", None, "true", "PreferNoSchedule"),
)), max_size=2, unique=True)
_AFFINITIES: tuple[dict[str, Any], ...] = (
    {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
        "nodeSelectorTerms": [{"matchExpressions": [
            {"key": "kubernetes.io/arch", "operator": "In", "values": ["amd64", "arm64"]}]}]}}},
    {"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
        {"weight": 100, "podAffinityTerm": {"topologyKey": "kubernetes.io/hostname",
                                            "labelSelector": {"matchLabels": {"app": "web"}}}}]}},
)
_POD_EXTRA = {
    "dnsPolicy": st.sampled_from(("ClusterFirst", "Default", "ClusterFirstWithHostNet")),
    "restartPolicy": st.just("Always"),
    "priorityClassName": st.sampled_from(("high", "system-cluster-critical")),
    "enableServiceLinks": _BOOLS,
    "schedulerName": st.just("default-scheduler"),
    "imagePullSecrets": st.just([{"name": "registry-credentials"}]),
    "shareProcessNamespace": _BOOLS,
}
_SPREAD_EXTRA = {
    "nodeAffinityPolicy": st.sampled_from(("Honor", "Ignore")),
    "nodeTaintsPolicy": st.sampled_from(("Honor", "Ignore")),
}
_TOPOLOGY_KEYS = ("kubernetes.io/hostname", "topology.kubernetes.io/zone")
_SMALL_LABELS = _label_map_strategy(0, 1)
_ONE_ANNOTATION = _annotation_strategy(1)
_INIT_ROLE_LISTS = st.lists(st.sampled_from(("init", "sidecar")), max_size=2)
_UNIQUE_NAMES = {count: st.lists(_dns_label_strategy(12, False), min_size=count,
                                 max_size=count, unique=True) for count in range(8)}


def _draw_spread(draw: DrawFn, labels: Mapping[str, str]) -> TopologySpreadConstraint:
    selector = _draw_selector_for(draw, labels) if len(labels) > 0 and draw(_BOOLS) else None
    return TopologySpreadConstraint(draw(st.integers(1, 3)), _pick(draw, _TOPOLOGY_KEYS),
                                    _pick(draw, ("DoNotSchedule", "ScheduleAnyway")), selector,
                                    _extras(draw, _SPREAD_EXTRA))


def _draw_pod_template(draw: DrawFn, labels: Mapping[str, str] | None,
                       claim_names: Sequence[str]) -> PodTemplate:
    pod_labels = dict(labels) if labels is not None else draw(_label_map_strategy(0, 2))
    init_roles = draw(_INIT_ROLE_LISTS)
    app_count = draw(st.integers(1, 2))
    volume_count = draw(st.integers(0, 3))
    names = draw(_UNIQUE_NAMES[len(init_roles) + app_count + volume_count])
    split = len(names) - volume_count
    container_names = names[:split]
    volume_names = [n for n in names[split:] if n not in claim_names]
    pod_volumes = [Volume(n, _draw_volume_source(draw, container_names))
                   for n in volume_names]
    mountable = (*volume_names, *claim_names)
    init = [_draw_container(draw, n, mountable, role)
            for n, role in zip(container_names, init_roles, strict=False)]
    app = [_draw_container(draw, n, mountable, "app")
           for n in container_names[len(init_roles):]]
    return PodTemplate(
        app, init, pod_volumes, pod_labels, draw(_ONE_ANNOTATION),
        _maybe(draw, _OBJECT_NAMES), draw(_OPTIONAL_BOOLS),
        draw(_POD_SECURITY_CONTEXTS) if draw(_BOOLS) else None, draw(_SMALL_LABELS),
        _pick(draw, _AFFINITIES) if draw(_BOOLS) else {}, draw(_TOLERATIONS),
        [_draw_spread(draw, pod_labels) for _ in range(draw(st.integers(0, 1)))],
        False if draw(_BOOLS) else None, _maybe(draw, st.integers(0, 120)),
        _extras(draw, _POD_EXTRA), _extras(draw, _TEMPLATE_METADATA_EXTRA))


@st.composite
def _pod_templates(draw: DrawFn, labels: tuple[tuple[str, str], ...] | None,
                   claim_names: tuple[str, ...]) -> PodTemplate:
    return _draw_pod_template(draw, None if labels is None else dict(labels), claim_names)


def pod_templates(*, labels: Mapping[str, str] | None = None,
                  claim_names: Iterable[str] = ()) -> SearchStrategy[PodTemplate]:
    """Pod templates: one or two app containers, up to two init containers (some of
    them native sidecars), up to three volumes; container names unique across init and
    app containers, mounts naming only declared volumes (or ``claim_names``, the
    StatefulSet claim templates), probes naming only declared ports, and carried pod
    fields (``dnsPolicy``, ``priorityClassName``, ``imagePullSecrets``, ...).

    ``labels``: the pod labels to use (drawn when ``None``).

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=5)
    ... @given(pod_templates(labels={"app": "web"}, claim_names=["data"]))
    ... def test(pod):
    ...     assert dict(pod.labels) == {"app": "web"}
    ...     names = [c.name for c in pod.all_containers]
    ...     assert len(set(names)) == len(names)
    ...     assert pod.mount_problems(claim_names=["data"]) == []
    >>> test()
    """
    call = "pod_templates"
    fixed: tuple[tuple[str, str], ...] | None = None
    if labels is not None:
        if not isinstance(labels, Mapping):
            raise _bad(call, "labels", labels,
                       "labels must be a mapping such as {'app': 'web'}, or None")
        try:
            LabelSelector(labels)
        except (InvalidValue, InvalidArgument) as error:
            raise _bad(call, "labels", labels,
                       f"labels must be valid Kubernetes labels ({error})") from None
        fixed = tuple(sorted(labels.items()))
    return _pod_templates(fixed, _names(call, "claim_names", claim_names))


# --- top-level objects -------------------------------------------------------------------

_NAMESPACES = st.sampled_from(("default", "shop", "kube-system")) | _dns_label_strategy(12, False)
# What ``kubectl create --dry-run=client -o yaml`` writes, and a finalizer.
_METADATA_EXTRA = {"creationTimestamp": st.none(),
                   "finalizers": st.just(["kancat.internal/cleanup"])}
_TEMPLATE_METADATA_EXTRA = {"creationTimestamp": st.none()}
_OBJECT_LABELS = _label_map_strategy(0, 2)
_POD_LABELS = _label_map_strategy(1, 2)


def _draw_meta(draw: DrawFn, name: str, labels: Mapping[str, str] | None = None,
               namespaced: bool = True) -> ObjectMeta:
    return ObjectMeta(name, _maybe(draw, _NAMESPACES) if namespaced else None,
                      labels if labels is not None else draw(_OBJECT_LABELS),
                      draw(_ONE_ANNOTATION), _extras(draw, _METADATA_EXTRA))


_DEPLOYMENT_EXTRA = {
    "minReadySeconds": st.integers(0, 30),
    "revisionHistoryLimit": st.integers(0, 10),
    "progressDeadlineSeconds": st.integers(60, 600),
    "paused": _BOOLS,
    "strategy": st.sampled_from((
        {"type": "Recreate"},
        {"type": "RollingUpdate"},
        {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 0}},
        {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": "10%"}},
    )),
}
_WORKLOAD_NAMES = _dns_label_strategy(20, False) | _subdomain_strategy(2)
# Top-level carried fields: the (empty) status ``kubectl create --dry-run -o yaml`` writes.
_EMPTY_STATUS: dict[str, SearchStrategy[Any]] = {"status": st.just({})}
_REPLICAS = st.integers(0, 5)


@st.composite
def _deployment(draw: DrawFn) -> Deployment:
    name = draw(_WORKLOAD_NAMES)
    labels = draw(_POD_LABELS)
    meta = _draw_meta(draw, name, labels if draw(_BOOLS) else None)
    return Deployment(meta, _draw_pod_template(draw, labels, ()),
                      _draw_selector_for(draw, labels), _maybe(draw, _REPLICAS),
                      _extras(draw, _DEPLOYMENT_EXTRA), _extras(draw, _EMPTY_STATUS))


_DEPLOYMENTS = _deployment()


def deployments() -> SearchStrategy[Deployment]:
    """Deployments: a selector matching the template's labels, replicas, and carried
    spec fields (``strategy``, ``minReadySeconds``, ``revisionHistoryLimit``, ...).

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=5)
    ... @given(deployments())
    ... def test(web):
    ...     assert web.selector.matches(web.template.labels)
    >>> test()
    """
    return _DEPLOYMENTS


_ACCESS_MODES = st.lists(st.sampled_from(("ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany",
                                          "ReadWriteOncePod")), min_size=1, max_size=2,
                         unique=True)
_CLAIM_METADATA_EXTRA = {"annotations": _annotation_strategy(1)}
_CLAIM_SPEC_EXTRA = {"volumeMode": st.sampled_from(("Filesystem", "Block"))}
_CLAIM_EXTRA = {"apiVersion": st.just("v1"), "kind": st.just("PersistentVolumeClaim")}
_STORAGE_CLASSES = ("standard", "fast-ssd", "gp3")


def _draw_claim(draw: DrawFn, name: str) -> PersistentVolumeClaimTemplate:
    return PersistentVolumeClaimTemplate(
        name, draw(_QUANTITIES["storage"]), draw(_ACCESS_MODES),
        _pick(draw, _STORAGE_CLASSES) if draw(_BOOLS) else None, draw(_SMALL_LABELS),
        _extras(draw, _CLAIM_SPEC_EXTRA), _extras(draw, _CLAIM_METADATA_EXTRA),
        _CLAIM_EXTRA_VALUE if draw(_BOOLS) else {})


_CLAIM_EXTRA_VALUE = {"apiVersion": "v1", "kind": "PersistentVolumeClaim"}


@st.composite
def _claims(draw: DrawFn, name: str | None) -> PersistentVolumeClaimTemplate:
    return _draw_claim(draw, name if name is not None else draw(_CONTAINER_NAMES))


def persistent_volume_claim_templates(*, name: str | None = None
                                      ) -> SearchStrategy[PersistentVolumeClaimTemplate]:
    """StatefulSet ``volumeClaimTemplates`` entries: storage size, access modes, storage
    class, and carried ``volumeMode``, annotations, ``apiVersion``/``kind``.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=5)
    ... @given(persistent_volume_claim_templates(name="data"))
    ... def test(claim):
    ...     assert claim.name == "data" and claim.storage.amount > 0
    >>> test()
    """
    if name is not None:
        _names("persistent_volume_claim_templates", "name", [name])
    return _claims(name)


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
_STATEFULSET_STATUS = {"status": st.just({"replicas": 0})}
_CLAIM_NAME_LISTS = st.lists(_dns_label_strategy(12, False), max_size=2, unique=True)
_SERVICE_NAMES = _dns_label_strategy(20, True)


@st.composite
def _statefulset(draw: DrawFn) -> StatefulSet:
    name = draw(_CONTAINER_NAMES)
    labels = draw(_POD_LABELS)
    claim_names = tuple(draw(_CLAIM_NAME_LISTS))
    claims = [_draw_claim(draw, n) for n in claim_names]
    meta = _draw_meta(draw, name, labels if draw(_BOOLS) else None)
    # serviceName is required by the Kubernetes 1.32 schema.
    return StatefulSet(meta, _draw_pod_template(draw, labels, claim_names),
                       _draw_selector_for(draw, labels), draw(_SERVICE_NAMES),
                       _maybe(draw, _REPLICAS), claims, _extras(draw, _STATEFULSET_EXTRA),
                       _extras(draw, _STATEFULSET_STATUS))


_STATEFULSETS = _statefulset()


def statefulsets() -> SearchStrategy[StatefulSet]:
    """StatefulSets with up to two volume claim templates (which mounts may name), a
    governing service name, and carried spec fields (``podManagementPolicy``,
    ``updateStrategy``, ``ordinals``, ...).

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=5)
    ... @given(statefulsets())
    ... def test(db):
    ...     claims = [c.name for c in db.volume_claim_templates]
    ...     assert db.template.mount_problems(claim_names=claims) == []
    >>> test()
    """
    return _STATEFULSETS


_SERVICE_TYPES = (None, "ClusterIP", "NodePort", "LoadBalancer", "ExternalName")
_SERVICE_PORT_NAMES = {count: st.lists(_dns_label_strategy(12, False), min_size=count,
                                       max_size=count, unique=True) for count in range(4)}
_SERVICE_PORT_NUMBERS = {count: st.lists(_PORT_NUMBERS, min_size=count, max_size=count,
                                         unique=True) for count in range(4)}
_NODE_PORTS = {count: st.lists(st.integers(30000, 32767), min_size=count, max_size=count,
                               unique=True) for count in range(4)}
_TARGET_PORTS = st.none() | _PORT_NUMBERS | _PORT_NAMES
_APP_PROTOCOLS = ("http", "kubernetes.io/h2c", "grpc")
_SERVICE_EXTRA = {
    "sessionAffinity": st.sampled_from(("None", "ClientIP")),
    "publishNotReadyAddresses": _BOOLS,
}
_CLUSTER_SERVICE_EXTRA = {
    **_SERVICE_EXTRA,
    "internalTrafficPolicy": st.sampled_from(("Cluster", "Local")),
    "ipFamilyPolicy": st.just("SingleStack"),
}
_NODE_SERVICE_EXTRA = {
    **_CLUSTER_SERVICE_EXTRA,
    "externalTrafficPolicy": st.sampled_from(("Cluster", "Local")),
}
_EXTERNAL_NAMES = ("db.internal", "api.corp.internal")
_SERVICE_STATUS: dict[str, SearchStrategy[Any]] = {"status": st.just({"loadBalancer": {}})}


@st.composite
def _service(draw: DrawFn) -> Service:
    name = draw(_SERVICE_NAMES)
    kind = _pick(draw, _SERVICE_TYPES)
    cluster_ip = None
    if kind in (None, "ClusterIP"):
        cluster_ip = _pick(draw, (None, None, "None", "10.96.0.10"))
    low = 0 if cluster_ip == "None" or kind == "ExternalName" else 1
    count = draw(st.integers(low, 3))
    node_ports = kind in ("NodePort", "LoadBalancer")
    ports = [ServicePort(number, draw(_TARGET_PORTS),
                         port_name if count > 1 or draw(_BOOLS) else None, draw(_PROTOCOLS),
                         node_port if node_ports and draw(_BOOLS) else None,
                         _pick(draw, _APP_PROTOCOLS) if draw(_BOOLS) else None)
             for number, port_name, node_port in zip(
                 draw(_SERVICE_PORT_NUMBERS[count]), draw(_SERVICE_PORT_NAMES[count]),
                 draw(_NODE_PORTS[count]), strict=True)]
    if kind == "ExternalName":
        spec_extra = {"externalName": _pick(draw, _EXTERNAL_NAMES),
                      **_extras(draw, _SERVICE_EXTRA)}
    else:
        spec_extra = _extras(draw, _NODE_SERVICE_EXTRA if node_ports
                             else _CLUSTER_SERVICE_EXTRA)
    return Service(_draw_meta(draw, name), ports, draw(_OBJECT_LABELS), kind, cluster_ip,
                   spec_extra, _extras(draw, _SERVICE_STATUS))


_SERVICES = _service()


def services() -> SearchStrategy[Service]:
    """Services of every type (ClusterIP, headless, NodePort, LoadBalancer, ExternalName)
    with up to three ports (named when several), node ports only where allowed, and
    carried fields (``sessionAffinity``, ``externalName``, traffic policies, ...).

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10)
    ... @given(services())
    ... def test(svc):
    ...     assert len(svc.ports) < 2 or all(p.name for p in svc.ports)
    >>> test()
    """
    return _SERVICES


_CONFIG_KEYS = st.builds(lambda first, rest: first + rest, st.sampled_from(_ALNUM + "_-"),
                         st.text(_ALNUM + "-_.", max_size=10))
_CONFIG_DATA = st.dictionaries(_CONFIG_KEYS, st.text(max_size=30), max_size=3)
_BINARY_DATA = st.dictionaries(_CONFIG_KEYS, st.binary(max_size=12).map(
    lambda data: base64.b64encode(data).decode()), max_size=2)


@st.composite
def _configmap(draw: DrawFn) -> ConfigMap:
    data = draw(_CONFIG_DATA)
    binary = {k: v for k, v in draw(_BINARY_DATA).items() if k not in data}
    return ConfigMap(_draw_meta(draw, draw(_OBJECT_NAMES)), data, binary,
                     draw(_OPTIONAL_BOOLS))


_CONFIGMAPS = _configmap()


def configmaps() -> SearchStrategy[ConfigMap]:
    """ConfigMaps with text ``data`` (any text, multi-line included), base64
    ``binaryData`` under other keys, and sometimes ``immutable``.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10)
    ... @given(configmaps())
    ... def test(config):
    ...     assert not set(config.data) & set(config.binary_data)
    >>> test()
    """
    return _CONFIGMAPS


_NAMESPACE_STATUS = {"status": st.just({"phase": "Active"})}


@st.composite
def _namespace(draw: DrawFn) -> Namespace:
    meta = _draw_meta(draw, draw(_CONTAINER_NAMES), namespaced=False)
    return Namespace(meta, {"finalizers": ["kubernetes"]} if draw(_BOOLS) else {},
                     _extras(draw, _NAMESPACE_STATUS))


_NAMESPACE_OBJECTS = _namespace()


def namespaces() -> SearchStrategy[Namespace]:
    """Namespaces with labels, annotations and sometimes ``spec.finalizers``.

    >>> from hypothesis import find
    >>> find(namespaces(), lambda n: n.spec).spec["finalizers"]
    ('kubernetes',)
    """
    return _NAMESPACE_OBJECTS


_INT_OR_PERCENT = st.integers(0, 10) | st.integers(0, 100).map(lambda n: f"{n}%")
_PDB_STATUS = {"status": st.just({"currentHealthy": 0, "desiredHealthy": 0,
                                  "disruptionsAllowed": 0, "expectedPods": 0})}
_PDB_EXTRA = {"unhealthyPodEvictionPolicy": st.sampled_from(("IfHealthyBudget",
                                                             "AlwaysAllow"))}


@st.composite
def _pdb(draw: DrawFn) -> PodDisruptionBudget:
    budget = draw(_INT_OR_PERCENT)
    low, high = (budget, None) if draw(_BOOLS) else (None, budget)
    return PodDisruptionBudget(_draw_meta(draw, draw(_OBJECT_NAMES)), draw(_SELECTORS), low,
                               high, _extras(draw, _PDB_EXTRA), _extras(draw, _PDB_STATUS))


_PDBS = _pdb()


def pod_disruption_budgets() -> SearchStrategy[PodDisruptionBudget]:
    """PodDisruptionBudgets: a selector and exactly one of ``minAvailable`` and
    ``maxUnavailable`` (a number or a percentage), sometimes with a carried
    ``unhealthyPodEvictionPolicy``.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10)
    ... @given(pod_disruption_budgets())
    ... def test(budget):
    ...     assert (budget.min_available is None) != (budget.max_unavailable is None)
    >>> test()
    """
    return _PDBS


_OCTETS = st.integers(0, 255)
_EXCEPT_OCTETS = st.lists(_OCTETS, max_size=2, unique=True)


def _draw_peer(draw: DrawFn) -> NetworkPolicyPeer:
    kind = draw(st.integers(0, 2))
    if kind == 0:
        second = draw(_OCTETS)
        return NetworkPolicyPeer(ip_block=IPBlock(
            f"10.{second}.0.0/16", [f"10.{second}.{third}.0/24"
                                    for third in draw(_EXCEPT_OCTETS)]))
    if kind == 1:
        return NetworkPolicyPeer(draw(_SELECTORS), _maybe(draw, _SELECTORS))
    return NetworkPolicyPeer(None, draw(_SELECTORS))


def _draw_policy_port(draw: DrawFn) -> NetworkPolicyPort:
    protocol = _maybe(draw, _PROTOCOLS)
    if draw(_BOOLS):
        return NetworkPolicyPort(protocol, _maybe(draw, _PORT_NAMES))
    first = draw(_PORT_NUMBERS)
    return NetworkPolicyPort(protocol, first,
                             _maybe(draw, st.integers(first, min(first + 100, 65535))))


def _draw_rule(draw: DrawFn) -> NetworkPolicyRule:
    return NetworkPolicyRule([_draw_peer(draw) for _ in range(draw(st.integers(0, 2)))],
                             [_draw_policy_port(draw) for _ in range(draw(st.integers(0, 2)))])


_POLICY_TYPES = st.lists(st.sampled_from(("Ingress", "Egress")), max_size=2, unique=True)


@st.composite
def _network_policy(draw: DrawFn) -> NetworkPolicy:
    ingress = [_draw_rule(draw) for _ in range(draw(st.integers(0, 2)))]
    egress = [_draw_rule(draw) for _ in range(draw(st.integers(0, 2)))]
    types = draw(_POLICY_TYPES)
    if types and egress and "Egress" not in types:
        types.append("Egress")
    if types and ingress and "Ingress" not in types:
        types.insert(0, "Ingress")
    return NetworkPolicy(_draw_meta(draw, draw(_OBJECT_NAMES)), draw(_SELECTORS), types,
                         ingress, egress)


_NETWORK_POLICIES = _network_policy()


def network_policies() -> SearchStrategy[NetworkPolicy]:
    """NetworkPolicies: a pod selector, policy types consistent with the rules, and
    ingress/egress rules with ipBlock or selector peers and port ranges.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10)
    ... @given(network_policies())
    ... def test(policy):
    ...     assert not (policy.egress and policy.policy_types) or "Egress" in policy.policy_types
    >>> test()
    """
    return _NETWORK_POLICIES


_SECRET_TYPES = ("Opaque", "kubernetes.io/basic-auth")
_STRING_DATA = st.dictionaries(_CONFIG_KEYS, st.text(max_size=12), max_size=2)


@st.composite
def _opaque(draw: DrawFn) -> OpaqueObject:
    meta: dict[str, Any] = {"name": draw(_OBJECT_NAMES)}
    labels = draw(_OBJECT_LABELS)
    if labels:
        meta["labels"] = labels
    if draw(_BOOLS):
        document: dict[str, Any] = {"apiVersion": "v1", "kind": "ServiceAccount",
                                    "metadata": meta}
        if draw(_BOOLS):
            document["automountServiceAccountToken"] = draw(_BOOLS)
    else:
        document = {"apiVersion": "v1", "kind": "Secret", "metadata": meta,
                    "type": _pick(draw, _SECRET_TYPES), "stringData": draw(_STRING_DATA)}
    return OpaqueObject(document)


_OPAQUE_OBJECTS = _opaque()


def opaque_objects() -> SearchStrategy[OpaqueObject]:
    """Objects of kinds kancat carries without modelling them (ServiceAccount, Secret).

    >>> from hypothesis import find
    >>> find(opaque_objects(), lambda obj: obj.kind == "Secret").api_version
    'v1'
    """
    return _OPAQUE_OBJECTS


_KUBE_OBJECTS: SearchStrategy[KubeObject] = st.one_of(
    _DEPLOYMENTS, _STATEFULSETS, _SERVICES, _CONFIGMAPS, _NAMESPACE_OBJECTS, _PDBS,
    _NETWORK_POLICIES, _OPAQUE_OBJECTS)


def kube_objects() -> SearchStrategy[KubeObject]:
    """Any top-level object kancat emits: every modelled kind, and carried ones.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=5)
    ... @given(kube_objects())
    ... def test(obj):
    ...     assert obj.name
    >>> test()
    """
    return _KUBE_OBJECTS


# --- slot maps: the arrows of the ContainerF functor --------------------------------------

def _reversed(items: tuple[_T, ...]) -> tuple[_T, ...]:
    return items[::-1]


def _read_only(mounts: tuple[VolumeMount, ...]) -> tuple[VolumeMount, ...]:
    return tuple(attrs.evolve(m, read_only=True) for m in mounts)


def _without_env(name: str) -> Callable[[tuple[EnvVar, ...]], tuple[EnvVar, ...]]:
    return lambda env: tuple(e for e in env if e.name != name)


def _with_tag(tag: str) -> Callable[[ImageRef], ImageRef]:
    return lambda image: image.with_tag(tag)


def _with_metadata(**changes: Any) -> Callable[[ContainerMetadata], ContainerMetadata]:
    return lambda meta: attrs.evolve(meta, **changes)


_IMAGE_MAPS: SearchStrategy[Callable[[ImageRef], ImageRef]] = st.one_of(
    st.just(SlotMap.identity().image),
    st.sampled_from(("mirror.internal", "registry.example.com:5000", "localhost")).map(
        lambda registry: mirror_images(registry).image),
    st.sampled_from(("1.0", "2.3.4", "stable")).map(_with_tag),
    _DIGESTS.map(lambda digest: (lambda image: image.with_digest(digest))),
)
_ENV_MAPS: SearchStrategy[Callable[[tuple[EnvVar, ...]], tuple[EnvVar, ...]]] = st.one_of(
    st.just(SlotMap.identity().env),
    st.builds(lambda name, value: set_env(name, value).env, _ENV_NAMES, _SHORT_TEXT),
    _ENV_NAMES.map(_without_env),
    st.just(_reversed),
)
_VOLUME_MAPS: SearchStrategy[Callable[[tuple[VolumeMount, ...]], tuple[VolumeMount, ...]]] = (
    st.sampled_from((SlotMap.identity().volumes, _read_only, _reversed)))
_PORT_MAPS: SearchStrategy[Callable[[tuple[ContainerPort, ...]], tuple[ContainerPort, ...]]] = (
    st.sampled_from((SlotMap.identity().ports, _reversed)))
_METADATA_MAPS: SearchStrategy[Callable[[ContainerMetadata], ContainerMetadata]] = st.one_of(
    st.just(SlotMap.identity().metadata),
    st.sampled_from(("Always", "IfNotPresent", "Never")).map(
        lambda policy: _with_metadata(image_pull_policy=policy)),
    st.lists(st.text(max_size=6), max_size=2).map(
        lambda args: _with_metadata(args=tuple(args))),
    st.sampled_from(("/", "/srv", "/app")).map(
        lambda directory: _with_metadata(working_dir=directory)),
)
_SLOT_MAPS = st.builds(SlotMap, _IMAGE_MAPS, _ENV_MAPS, _VOLUME_MAPS, _PORT_MAPS,
                       _METADATA_MAPS)


def slot_maps() -> SearchStrategy[SlotMap]:
    """Arrows of the ``ContainerF`` functor: one everyday edit (or the identity) per slot
    — mirror the registry, retag or pin a digest, set or drop an env var, make mounts
    read-only, reorder ports, set the pull policy, args or working directory. Every one
    keeps every value valid, so laws can be checked on any drawn value.

    >>> from hypothesis import given, settings
    >>> from kancat.algebra.functor import fmap
    >>> @settings(max_examples=5)
    ... @given(slot_maps(), deployments())
    ... def test(f, web):
    ...     assert fmap(f, web).name == web.name
    >>> test()
    """
    return _SLOT_MAPS


# --- meshes: services combined by ⊗ -----------------------------------------------------------
#
# Laws about ⊗ say something only when meshes overlap: the same name with an equal service
# (combines to one), with a different one (a conflict), with another policy (joins). So
# services draw their names from a small pool, and within one test case every service of
# a name starts from one shared base definition (``st.shared``), then sometimes varies it.

_MESH_NAMES = ("api", "db", "web")
_MESH_POLICY_POOL = (
    MeshPolicy(),
    MeshPolicy.of(mtls="STRICT"),
    MeshPolicy.of(mtls="PERMISSIVE", egress_hosts=["*.payments.internal"]),
    MeshPolicy.of(pod_security="baseline", capabilities=["NET_BIND_SERVICE"]),
    MeshPolicy.of(max_replicas=5, read_only_root_filesystem=True),
)
_MESH_CONTROL_PLANES = (None, None, None, ControlPlane(), ControlPlane.of(revision="canary"))
_MESH_RETAGS = ("1.0", "2.0")


_MESH_APP_PORTS = (ContainerPort(8080, "http"), ContainerPort(8080), ContainerPort(5432, "postgres"))
_MESH_NAMESPACES = (None, "shop")
_MESH_SIDECAR_ROLES = ("none", "container", "native")
_MESH_IMAGES = tuple(ImageRef.of(f"{repository}:{tag}") for repository in (
    "shop/web", "shop/api", "postgres", "fluent/fluent-bit", "registry.internal:5000/team/app")
    for tag in ("1.0", "1.4.2", "16.4"))


def _draw_mesh_workload(draw: DrawFn, name: str, stateful: bool) -> Deployment | StatefulSet:
    """A light workload: an app container (image, one port, a little env) and sometimes
    a log-forwarding sidecar, as a container or a native sidecar (which fmap must reach
    too). Light, so that laws over triples of meshes run fast."""
    app = Container(
        "app", _pick(draw, _MESH_IMAGES), ports=(_pick(draw, _MESH_APP_PORTS),),
        env=tuple(EnvVar(key, draw(_SHORT_TEXT)) for key in draw(_ENV_NAME_LISTS)))
    role = _pick(draw, _MESH_SIDECAR_ROLES)
    sidecar = Container("log-forwarder", _pick(draw, _MESH_IMAGES),
                        restart_policy="Always" if role == "native" else None)
    containers = (app, sidecar) if role == "container" else (app,)
    init = (sidecar,) if role == "native" else ()
    namespace = _pick(draw, _MESH_NAMESPACES)
    replicas = _maybe(draw, _REPLICAS)
    if stateful:
        return StatefulSet.of(name, service_name=name, containers=containers,
                              init_containers=init, namespace=namespace, replicas=replicas)
    return Deployment.of(name, containers=containers, init_containers=init,
                         namespace=namespace, replicas=replicas)


@st.composite
def _base_mesh_service(draw: DrawFn, name: str) -> MeshService:
    shape = draw(st.integers(0, 3))
    policy = _pick(draw, _MESH_POLICY_POOL)
    workload = _draw_mesh_workload(draw, name, stateful=shape == 3)
    if shape == 2:  # a worker: no Kubernetes Service
        return MeshService(name, (workload,), None, policy)
    more: tuple[Deployment, ...] = ()
    if shape == 1 and isinstance(workload, Deployment):  # a canary beside the Deployment
        more = (attrs.evolve(workload, metadata=attrs.evolve(workload.metadata,
                                                            name=f"{name}-canary")),)
    return attrs.evolve(MeshService.of(workload, *more, port=draw(_PORT_NUMBERS)),
                        policy=policy)


@functools.cache
def _shared_mesh_service(name: str) -> SearchStrategy[MeshService]:
    return st.shared(_base_mesh_service(name), key=f"kancat.mesh_services.{name}")


def _draw_mesh_variant(draw: DrawFn, base: MeshService) -> MeshService:
    """``base`` itself (most often), or a variant: another policy (which joins), or one
    changed field — replicas, an image tag, the Service port (a conflict)."""
    choice = draw(st.integers(0, 11))
    first = base.workloads[0]
    if choice <= 5:
        return base
    if choice <= 8:
        return attrs.evolve(base, policy=_pick(draw, _MESH_POLICY_POOL))
    choice -= 5
    if choice == 4 or (choice == 6 and base.service is None):
        changed = attrs.evolve(first, replicas=(first.replicas or 0) + 1)
    elif choice == 5:
        pod = first.template
        app = pod.containers[0]
        app = attrs.evolve(app, image=app.image.with_tag(_pick(draw, _MESH_RETAGS)))
        changed = attrs.evolve(first, template=attrs.evolve(
            pod, containers=(app, *pod.containers[1:])))
    else:
        assert base.service is not None
        port = base.service.ports[0]
        moved = attrs.evolve(port, port=port.port % 65535 + 1)
        return attrs.evolve(base, service=attrs.evolve(base.service, ports=(moved,)))
    return attrs.evolve(base, workloads=(changed, *base.workloads[1:]))


@st.composite
def _mesh_services(draw: DrawFn, names: tuple[str, ...]) -> MeshService:
    base = draw(_shared_mesh_service(_pick(draw, names)))
    return _draw_mesh_variant(draw, base)


def _mesh_names(call: str, names: object) -> tuple[str, ...]:
    chosen = _names(call, "names", names, rule=lambda n: bool(
        re.fullmatch(r"[a-z]([-a-z0-9]*[a-z0-9])?", n)) and len(n) <= 40,
        what="DNS-1035 labels (at most 40 characters) such as 'web'")
    if not chosen:
        raise _bad(call, "names", names, "names must hold at least one name; pass e.g. "
                   "names=['web', 'db']")
    return tuple(sorted(set(chosen)))


@functools.cache
def _mesh_service_strategy(names: tuple[str, ...]) -> SearchStrategy[MeshService]:
    return _mesh_services(names)


def mesh_services(*, names: Iterable[str] = _MESH_NAMES) -> SearchStrategy[MeshService]:
    """Mesh services named from the small pool ``names``: a Deployment behind a
    Service (sometimes with a canary Deployment beside it), a StatefulSet behind its
    headless Service, or a worker without a Service; with a policy from a small pool.

    Within one test case, services of one name share a base definition (through
    ``hypothesis.strategies.shared``) and most draws return it unchanged, so that
    meshes drawn together overlap: equal duplicates, policy-only variants (which
    join) and conflicting variants (replicas, an image tag, the Service port) all
    occur often.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10)
    ... @given(mesh_services(names=["web"]), mesh_services(names=["web"]))
    ... def test(one, other):
    ...     assert one.name == other.name == "web"
    ...     assert one.is_passthrough is False
    >>> test()
    """
    return _mesh_service_strategy(_mesh_names("mesh_services", names))


@st.composite
def _meshes(draw: DrawFn, names: tuple[str, ...], max_services: int) -> Mesh:
    count = draw(st.integers(0, min(max_services, len(names))))
    chosen = draw(st.permutations(names))[:count]
    services = [_draw_mesh_variant(draw, draw(_shared_mesh_service(name))) for name in chosen]
    if draw(_BOOLS):  # it normalises away
        services.append(MeshService.passthrough())
    return Mesh.of(*services, control_plane=_pick(draw, _MESH_CONTROL_PLANES),
                   policy=_pick(draw, _MESH_POLICY_POOL))


@functools.cache
def _mesh_strategy(names: tuple[str, ...], max_services: int) -> SearchStrategy[Mesh]:
    return _meshes(names, max_services)


def meshes(*, names: Iterable[str] = _MESH_NAMES, max_services: int = 3
           ) -> SearchStrategy[Mesh]:
    """Meshes of up to ``max_services`` services (as :func:`mesh_services` draws them,
    names from ``names``), sometimes a control plane (from a pool of two, so that
    control planes conflict too) and a mesh-wide policy. Meshes drawn in one test
    case overlap as :func:`mesh_services` describes, so ``a ⊗ b`` both succeeds and
    fails often.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10)
    ... @given(meshes(max_services=2))
    ... def test(mesh):
    ...     assert len(mesh.services) <= 2
    ...     assert mesh.tensor(mesh).unwrap() == mesh
    >>> test()
    """
    call = "meshes"
    return _mesh_strategy(_mesh_names(call, names), _size(call, "max_services", max_services,
                                                          0, 8))


# --- sidecar specs, and the slot maps sidecar injection is natural for ---------------------

_SIDECAR_NAMES = ("log-forwarder", "envoy-proxy", "metrics-exporter", "sidecar-a", "sidecar-b")
_SIDECAR_IMAGES = tuple(ImageRef.of(text) for text in (
    "fluent/fluent-bit:3.2.4", "envoyproxy/envoy:v1.31.2", "prom/node-exporter:v1.8.2",
    "busybox:1.36", "otel/opentelemetry-collector:0.111.0"))
# One source and one app mount path per shared volume name: specs that share a volume
# agree on it, so injecting them never conflicts and they commute.
_SIDECAR_VOLUMES: dict[str, tuple[VolumeSource, str]] = {
    "logs": (EmptyDir(), "/var/log/app"),
    "sidecar-cache": (EmptyDir(medium="Memory"), "/var/cache/sidecar"),
    "sidecar-config": (ConfigMapVolume("sidecar-config"), "/etc/sidecar"),
}
_SIDECAR_NAME_LISTS = st.lists(st.sampled_from(_SIDECAR_NAMES), min_size=1, max_size=2,
                               unique=True)
_SIDECAR_VOLUME_LISTS = st.lists(st.sampled_from(sorted(_SIDECAR_VOLUMES)), max_size=2,
                                 unique=True)


_SIDECAR_RESOURCES = (
    Resources(),
    Resources.of(requests={"cpu": "10m", "memory": "30Mi"}),
    Resources.of(requests={"cpu": "50m", "memory": "64Mi"}, limits={"memory": "128Mi"}),
)


def _draw_sidecar(draw: DrawFn, name: str, volume_names: Sequence[str],
                  native: bool) -> Container:
    """A sidecar container: lighter to draw than :func:`containers` (many are drawn per
    example), with what slot maps act on — env, ports, mounts, a probe, resources."""
    count = draw(st.integers(0, 2))
    ports = tuple(ContainerPort(number, port_name) for number, port_name in zip(
        draw(_PORT_NUMBER_LISTS[count]), draw(_PORT_NAME_LISTS[count]), strict=True))
    env = tuple(EnvVar(key, draw(_SHORT_TEXT)) for key in draw(_ENV_NAME_LISTS))
    mounts = tuple(VolumeMount(volume, f"/sidecar/{volume}", draw(_OPTIONAL_BOOLS))
                   for volume in volume_names if draw(_BOOLS))
    probed = len(ports) > 0 and draw(_BOOLS)
    probe = Probe(TCPSocketAction(ports[0].name or ports[0].container_port),
                  period_seconds=10) if probed else None
    return Container(name, _pick(draw, _SIDECAR_IMAGES), env=env, ports=ports,
                     volume_mounts=mounts, resources=_pick(draw, _SIDECAR_RESOURCES),
                     readiness_probe=probe, restart_policy="Always" if native else None)


@st.composite
def _sidecar_spec(draw: DrawFn, native: bool | None) -> SidecarSpec:
    is_native = draw(_BOOLS) if native is None else native
    volume_names = draw(_SIDECAR_VOLUME_LISTS)
    containers = [_draw_sidecar(draw, name, volume_names, is_native)
                  for name in draw(_SIDECAR_NAME_LISTS)]
    notes = {k: v for k, v in draw(_ONE_ANNOTATION).items() if k != STATUS_ANNOTATION}
    return SidecarSpec(containers, [Volume(n, _SIDECAR_VOLUMES[n][0]) for n in volume_names],
                       notes, [VolumeMount(n, _SIDECAR_VOLUMES[n][1]) for n in volume_names
                               if draw(_BOOLS)], is_native)


@functools.cache
def _sidecar_spec_strategy(native: bool | None) -> SearchStrategy[SidecarSpec]:
    return _sidecar_spec(native)


def sidecar_specs(*, native: bool | None = None) -> SearchStrategy[SidecarSpec]:
    """Sidecar specs (:class:`~kancat.patterns.sidecars.SidecarSpec`): one or two
    containers named from a small pool (``log-forwarder``, ``envoy-proxy``, ...) with
    pinned Docker Hub images, ports, env, mounts, a readiness probe and resources; up to
    two shared volumes (``logs``, ``sidecar-cache``, ``sidecar-config`` — always with the
    same source and app mount path, so specs sharing a volume agree on it), some mounted
    into the app containers; sometimes a pod annotation. ``native``: native sidecars or
    not (drawn when ``None``).

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=5)
    ... @given(sidecar_specs(native=True))
    ... def test(spec):
    ...     assert all(c.restart_policy == "Always" for c in spec.containers)
    >>> test()
    """
    if native is not None:
        _flag("sidecar_specs", "native", native)
    return _sidecar_spec_strategy(native)


def _read_write(mounts: tuple[VolumeMount, ...]) -> tuple[VolumeMount, ...]:
    return tuple(attrs.evolve(m, read_only=None) for m in mounts)


def _only_with_registry(edit: Callable[[ImageRef], ImageRef]) -> Callable[[ImageRef], ImageRef]:
    return lambda image: edit(image) if image.registry is not None else image


def _only_docker_hub(edit: Callable[[ImageRef], ImageRef]) -> Callable[[ImageRef], ImageRef]:
    return lambda image: edit(image) if image.registry is None else image


# Image maps that treat images differently: release the images of a private registry
# (retag or pin them), mirror only the public (Docker Hub) images.
_SELECTIVE_IMAGE_MAPS: SearchStrategy[Callable[[ImageRef], ImageRef]] = st.one_of(
    _IMAGE_MAPS,
    st.sampled_from(("2.0.0", "v9")).map(lambda tag: _only_with_registry(_with_tag(tag))),
    _DIGESTS.map(lambda digest: _only_with_registry(
        lambda image: image.with_digest(digest))),
    st.sampled_from(("mirror.internal", "localhost:5000")).map(
        lambda registry: _only_docker_hub(mirror_images(registry).image)),
)
_MOUNT_WISE_VOLUME_MAPS: SearchStrategy[
    Callable[[tuple[VolumeMount, ...]], tuple[VolumeMount, ...]]] = st.sampled_from(
    (SlotMap.identity().volumes, _read_only, _read_write))
_MOUNT_PRESERVING_SLOT_MAPS = st.builds(SlotMap, _SELECTIVE_IMAGE_MAPS, _ENV_MAPS,
                                        _MOUNT_WISE_VOLUME_MAPS, _PORT_MAPS, _METADATA_MAPS)


def mount_preserving_slot_maps() -> SearchStrategy[SlotMap]:
    """Slot maps whose ``volumes`` component maps each mount on its own and keeps its
    path (the identity, all read-only, all read-write): the class for which sidecar
    injection is natural (``kancat.patterns.sidecars``). The other slots are drawn as
    in :func:`slot_maps`, and image maps also include selective ones — retag or pin only
    the images of a private registry, mirror only Docker Hub images — which tell an
    injection that reads the app's image from one that does not.

    >>> from hypothesis import given, settings
    >>> from kancat.values import VolumeMount
    >>> mounts = (VolumeMount("a", "/a"), VolumeMount("b", "/b"))
    >>> @settings(max_examples=20)
    ... @given(mount_preserving_slot_maps())
    ... def test(f):
    ...     assert [m.mount_path for m in f.volumes(mounts)] == ["/a", "/b"]
    >>> test()
    """
    return _MOUNT_PRESERVING_SLOT_MAPS


# --- policies and resource totals: the lattice and the monoid ------------------------------

_POLICY_CAPABILITIES = ("NET_BIND_SERVICE", "NET_ADMIN", "SYS_TIME")
_EGRESS_HOSTS = ("*", "*.example.com", "api.example.com", "*.eu.example.com",
                 "db.eu.example.com", "example.org")
_REQUIRED_SIDECARS = ("istio-proxy", "log-shipper", "vault-agent")
_TOTAL_RESOURCES = ("cpu", "memory", "example.com/gpu")


def _subsets(names: tuple[str, ...]) -> SearchStrategy[frozenset[str]]:
    """A subset in one draw (a bit mask), shrinking towards the empty set."""
    return st.integers(0, 2 ** len(names) - 1).map(
        lambda mask: frozenset(n for i, n in enumerate(names) if mask >> i & 1))


_POLICIES = st.builds(
    MeshPolicy,
    mtls=st.sampled_from(MTLSMode),
    pod_security=st.sampled_from(PodSecurityLevel),
    capabilities=_subsets(_POLICY_CAPABILITIES),
    egress_hosts=_subsets(_EGRESS_HOSTS),
    required_sidecars=_subsets(_REQUIRED_SIDECARS),
    max_replicas=st.integers(-1, 5).map(lambda n: None if n < 0 else n),
    read_only_root_filesystem=st.booleans())


def policies() -> SearchStrategy[MeshPolicy]:
    """Mesh policies over a few names, so that joins overlap and pairs are often
    comparable (what the order and difference laws need to be exercised).

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=5)
    ... @given(policies(), policies())
    ... def test(a, b):
    ...     assert a.leq(a | b)
    >>> test()
    """
    return _POLICIES


_AMOUNT_MAPS = st.tuples(*(st.integers(0, 3000) for _ in _TOTAL_RESOURCES)).map(
    lambda drawn: {r: Fraction(n, 1000) for r, n in zip(_TOTAL_RESOURCES, drawn, strict=True)})
_RESOURCE_TOTALS = st.builds(ResourceTotals, requests=_AMOUNT_MAPS, limits=_AMOUNT_MAPS)


def resource_totals() -> SearchStrategy[ResourceTotals]:
    """Resource totals (thousandths of a unit of cpu, memory and an extended resource).

    >>> from hypothesis import find
    >>> find(resource_totals(), lambda t: t.requests.get("cpu", 0) > 1).requests["cpu"] > 1
    True
    """
    return _RESOURCE_TOTALS
