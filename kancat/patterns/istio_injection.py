"""Istio sidecar injection, as Istio's injector does it, as a lawful transformation.

:func:`istio_sidecar` returns a :class:`~kancat.algebra.natural.Transformation` that gives
a pod template what Istio's injection template (``istio-discovery/files/
injection-template.yaml``) and its post-processing (``pkg/kube/inject``) give it:

* the ``istio-proxy`` container (image ``proxyv2``; ``proxy sidecar`` arguments; port
  15090 ``http-envoy-prom``; the downward-API, ``ISTIO_META_*``, ``CA_ADDR``,
  ``TRUST_DOMAIN`` ... environment; readiness and startup probes on ``:15021/healthz/
  ready``; UID/GID 1337, read-only root, every capability dropped; requests 100m/128Mi,
  limits 2/1Gi; its nine volume mounts) — a regular container placed last, or with
  ``native=True`` (Kubernetes ≥ 1.29, Istio's default on 1.33+ clusters) an init
  container with ``restartPolicy: Always``, placed after ``istio-init`` and before the
  pod's own init containers, with the ``preStop`` drain hook;
* the init container ``istio-init`` (``istio-iptables`` with arguments built from the
  ``traffic.sidecar.istio.io/*`` annotations, NET_ADMIN and NET_RAW, running as root,
  placed last among the pod's own init containers) or, with ``cni=True``, the
  unprivileged ``istio-validation`` (placed first) plus the annotations the CNI plugin
  reads;
* the volumes ``workload-socket``, ``credential-socket``, ``workload-certs``,
  ``istio-envoy`` (memory), ``istio-data``, ``istio-podinfo`` (downward API),
  ``istio-token`` (projected token, audience ``istio-ca``), ``istiod-ca-cert`` and
  ``istio-ca-crl``, after the pod's own;
* the labels ``security.istio.io/tlsMode`` and ``service.istio.io/canonical-name|
  revision``; the annotations ``istio.io/rev``, ``kubectl.kubernetes.io/default-
  container`` and ``default-logs-container`` (unless set), the Prometheus scrape
  annotations (``:15020/stats/prometheus``; a pod's own scrape settings move to the
  proxy's ``ISTIO_PROMETHEUS_ANNOTATIONS``) and ``sidecar.istio.io/status`` (Istio's JSON);
* app probes (HTTP, TCP, gRPC) and HTTP/TCP lifecycle hooks rewritten to
  ``:15020/app-health/<container>/livez|readyz|startupz`` (``/app-lifecycle/...``) with
  the originals in the proxy's ``ISTIO_KUBE_APP_PROBERS`` (as in Istio, an
  ``includeInboundPorts`` list keeps the probes on other ports out of it).

Pods Istio leaves alone come back unchanged: ``hostNetwork`` pods, pods labelled (or,
without the label, annotated) ``sidecar.istio.io/inject: "false"``, and pods of the
namespaces in :data:`IGNORED_NAMESPACES`. Per-pod annotations override the defaults as in
Istio (:data:`OVERRIDE_ANNOTATIONS`); a malformed one is a problem at its path.

>>> from kancat.values import Container, Deployment
>>> web = Deployment.of("web", containers=[
...     Container.of("app", image="shop/web:1.4.2", ports={"http": 8080})])
>>> injected = istio_sidecar()(web).template
>>> [c.name for c in injected.init_containers], [c.name for c in injected.containers]
(['istio-init'], ['app', 'istio-proxy'])
>>> print(injected.annotations["sidecar.istio.io/status"])
{"initContainers":["istio-init"],"containers":["istio-proxy"],"volumes":["workload-socket","credential-socket","workload-certs","istio-envoy","istio-data","istio-podinfo","istio-token","istiod-ca-cert","istio-ca-crl"],"imagePullSecrets":null,"revision":"default"}
>>> proxy = injected.containers[1]
>>> [(e.name, e.value) for e in proxy.env if e.name.startswith("ISTIO_META_")][:2]
[('ISTIO_META_POD_PORTS', '[\\n    {"name":"http","containerPort":8080,"protocol":"TCP"}\\n]'), ('ISTIO_META_APP_CONTAINERS', 'app')]
>>> native = istio_sidecar(native=True, cni=True)(web).template
>>> [(c.name, c.restart_policy) for c in native.init_containers]
[('istio-validation', None), ('istio-proxy', 'Always')]

The workload's identity (``ISTIO_META_WORKLOAD_NAME``, ``ISTIO_META_OWNER``, the
canonical name when no label gives one, the system-namespace rule) comes from the
object the pod template belongs to: applied to an object (or a list, or a mesh), the
transformation binds each injection step to the object whose pod it injects. A bare pod
template has no owner, and Istio then writes neither variable.

Laws (``property_tests/test_istio_injection_laws.py``):

* **Idempotence**, ``t(t(x)) == t(x)``: like Istio, re-injection first strips what the
  status annotation lists; kancat also restores what injection rewrote (the app probes
  and lifecycle hooks from ``ISTIO_KUBE_APP_PROBERS``, the pod's own Prometheus
  annotations from ``ISTIO_PROMETHEUS_ANNOTATIONS``), so the second injection reads the
  pod the first one read.
* **Naturality**, pair form ``t.fmap(f)(fmap(f, w)) == fmap(f, t(w))``: a step maps
  what it injects (the proxy and its init container) by ``f`` too. The injection reads
  the app containers' names (structure), ports (``ISTIO_META_POD_PORTS``, probe ports by
  name) and probes and lifecycle hooks (the ``settings`` slot), and nothing else of them.
  So the class is the slot maps whose ``ports`` component is the identity and whose
  ``settings`` component keeps probes and ``extra`` (lifecycle) as they are — whatever
  their image, env and volume components: mirroring every image, setting an env var,
  making mounts read-only. A map that reorders or renames ports is outside the class
  (``ISTIO_META_POD_PORTS`` lists ports in order).
* **Monoidal**: it acts workload by workload, so it commutes with ⊗ and leaves the
  unit alone (:meth:`Mesh.transform <kancat.algebra.monoidal.Mesh.transform>`).

The pod's ``proxy.istio.io/config`` is read as Istio reads it over an empty mesh
default: it is written to ``PROXY_CONFIG`` (its keys in the order given, where Istio
orders them as its protobuf declares them), ``holdApplicationUntilProxyStarts`` puts
the proxy first with a ``postStart`` wait, and ``proxyMetadata`` becomes env of the
proxy and its init container.

Not reproduced: customisations of a pod's own ``istio-proxy`` container (refused with a
problem), ``sidecar.istio.io/userVolume*``, ``bootstrapOverride`` and ``enableCoreDump``.
Istio's ``kube-inject`` writes a CronJob's labels on its job template; kancat writes them
on the pod template, where the webhook writes them. Ports are listed with their protocol
(kancat always declares it, as the API server does before the webhook sees a pod).
"""

import ipaddress
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any, Final

import attrs

from kancat.algebra.functor import SlotMap
from kancat.algebra.natural import Transformation
from kancat.core import rules as check
from kancat.core.collect import Collect
from kancat.core.frozen import thaw
from kancat.errors import InvalidValue, Problem
from kancat.values import (
    Capabilities,
    ConfigMapVolume,
    Container,
    ContainerPort,
    DownwardAPIFile,
    DownwardAPIVolume,
    EmptyDir,
    EnvVar,
    FieldRef,
    GRPCAction,
    HTTPGetAction,
    ImageRef,
    KubeObjectBase,
    OtherEnvSource,
    PodTemplate,
    Probe,
    ProjectedVolume,
    Resources,
    SecurityContext,
    ServiceAccountTokenProjection,
    TCPSocketAction,
    Volume,
    VolumeMount,
)
from kancat.values.kinds import kind_of

__all__ = [
    "DEFAULT_HUB",
    "DEFAULT_TAG",
    "IGNORED_NAMESPACES",
    "OVERRIDE_ANNOTATIONS",
    "STATUS_ANNOTATION",
    "IstioOptions",
    "IstioSidecar",
    "Workload",
    "inject_istio_pod",
    "istio_sidecar",
]

DEFAULT_HUB: Final = "istio"
"""Where ``proxyv2`` comes from by default (Docker Hub's ``istio/``)."""

DEFAULT_TAG: Final = "1.28.1"
"""The pinned Istio release whose proxy is injected by default."""

STATUS_ANNOTATION: Final = "sidecar.istio.io/status"
"""The pod annotation recording what was injected, as Istio writes it."""

IGNORED_NAMESPACES: Final = frozenset({"kube-system", "kube-public", "kube-node-lease",
                                       "local-path-storage"})
"""Namespaces Istio never injects into."""

PROXY_NAME: Final = "istio-proxy"
INIT_NAME: Final = "istio-init"
VALIDATION_NAME: Final = "istio-validation"

_INJECT = "sidecar.istio.io/inject"
_NATIVE = "sidecar.istio.io/nativeSidecar"
_PROXY_IMAGE = "sidecar.istio.io/proxyImage"
_IMAGE_TYPE = "sidecar.istio.io/proxyImageType"
_STATUS_PORT = "status.sidecar.istio.io/port"
_INTERCEPTION = "sidecar.istio.io/interceptionMode"
_REWRITE = "sidecar.istio.io/rewriteAppHTTPProbers"
_CAP_BIND = "sidecar.istio.io/capNetBindService"
_PROXY_CONFIG = "proxy.istio.io/config"
_MERGE_METRICS = "prometheus.istio.io/merge-metrics"
_INCLUDE_IPS = "traffic.sidecar.istio.io/includeOutboundIPRanges"
_EXCLUDE_IPS = "traffic.sidecar.istio.io/excludeOutboundIPRanges"
_INCLUDE_INBOUND = "traffic.sidecar.istio.io/includeInboundPorts"
_EXCLUDE_INBOUND = "traffic.sidecar.istio.io/excludeInboundPorts"
_INCLUDE_OUTBOUND = "traffic.sidecar.istio.io/includeOutboundPorts"
_EXCLUDE_OUTBOUND = "traffic.sidecar.istio.io/excludeOutboundPorts"
_KUBEVIRT = "traffic.sidecar.istio.io/kubevirtInterfaces"
_EXCLUDE_INTERFACES = "traffic.sidecar.istio.io/excludeInterfaces"
_RESOURCE_ANNOTATIONS = ("sidecar.istio.io/proxyCPU", "sidecar.istio.io/proxyMemory",
                         "sidecar.istio.io/proxyCPULimit", "sidecar.istio.io/proxyMemoryLimit")
_READINESS = "readiness.status.sidecar.istio.io/"
_LOG_LEVELS = (("sidecar.istio.io/logLevel", "--proxyLogLevel", "warning"),
               ("sidecar.istio.io/componentLogLevel", "--proxyComponentLogLevel",
                "misc:error"),
               ("sidecar.istio.io/agentLogLevel", "--log_output_level", "default:info"))
_PROMETHEUS = ("prometheus.io/scrape", "prometheus.io/path", "prometheus.io/port")

OVERRIDE_ANNOTATIONS: Final = (
    _INJECT, _NATIVE, _PROXY_IMAGE, _IMAGE_TYPE, _STATUS_PORT, _INTERCEPTION, _REWRITE,
    _CAP_BIND, _PROXY_CONFIG, _MERGE_METRICS, _INCLUDE_IPS, _EXCLUDE_IPS, _INCLUDE_INBOUND,
    _EXCLUDE_INBOUND, _INCLUDE_OUTBOUND, _EXCLUDE_OUTBOUND, _KUBEVIRT, _EXCLUDE_INTERFACES,
    *_RESOURCE_ANNOTATIONS, *(_READINESS + k for k in (
        "initialDelaySeconds", "periodSeconds", "failureThreshold")),
    *(key for key, _, _ in _LOG_LEVELS))
"""The pod annotations that change what is injected, as in Istio."""

_APP_PROBERS = "ISTIO_KUBE_APP_PROBERS"
_PROMETHEUS_ENV = "ISTIO_PROMETHEUS_ANNOTATIONS"
_MESH_STATUS_PORT = 15020  # the mesh's status port: Prometheus merge always uses it
_PROBE_PATHS = (("readiness_probe", "readyz"), ("liveness_probe", "livez"),
                ("startup_probe", "startupz"))
_HOOK_PATHS = (("preStop", "prestopz"), ("postStart", "poststartz"))
_IMAGE_TYPES = ("distroless", "debug")


# --- options -----------------------------------------------------------------------------------

@attrs.frozen
class IstioOptions:
    """The mesh-wide settings of an injection (Istio's ``values.global`` and mesh config).

    ``revision`` is the control-plane revision (``""``: the default one);
    ``cluster_id`` and ``network`` are written as Istio's webhook writes URL parameters
    (moved after ``TRUST_DOMAIN``); ``mesh_id`` defaults to the trust domain.
    Build with :func:`istio_sidecar`, which checks every option.

    >>> options = istio_sidecar(revision="canary").steps[0].options
    >>> (options.revision, options.hub, options.tag == DEFAULT_TAG)
    ('canary', 'istio', True)
    """

    hub: str = DEFAULT_HUB
    tag: str = DEFAULT_TAG
    revision: str = ""
    native: bool = False
    cni: bool = False
    cluster_id: str | None = None
    network: str | None = None
    mesh_id: str | None = None
    trust_domain: str = "cluster.local"
    cluster_domain: str = "cluster.local"
    istio_namespace: str = "istio-system"


@attrs.frozen
class Workload:
    """Who owns the pod: Istio's ``DeploymentMeta`` and ``TypeMeta``.

    >>> from kancat.values import Container, StatefulSet
    >>> db = StatefulSet.of("db", namespace="shop", service_name="db",
    ...                     containers=[Container.of("pg", image="postgres:16.4")])
    >>> Workload.of(db).owner
    'kubernetes://apis/apps/v1/namespaces/shop/statefulsets/db'
    """

    name: str
    namespace: str | None
    api_version: str
    kind: str

    @classmethod
    def of(cls, value: KubeObjectBase) -> "Workload":
        """The identity of a kancat object (its group/version the newest it is served as)."""
        row = kind_of(type(value))
        return cls(value.name, value.namespace, row.versions[-1][1], row.name)

    @property
    def owner(self) -> str:
        """``ISTIO_META_OWNER``: ``kubernetes://apis/<apiVersion>/namespaces/<ns>/<kinds>/<name>``."""
        return (f"kubernetes://apis/{self.api_version}/namespaces/{self.namespace or 'default'}"
                f"/{self.kind.lower()}s/{self.name}")


# --- the step and the transformation ------------------------------------------------------------

@attrs.frozen
class IstioSidecar:
    """The step that injects Istio's sidecar, bound to the pod's ``workload`` (if known);
    ``maps`` is what :meth:`fmap` has applied to it: it maps the injected containers.

    >>> from kancat.algebra.functor import mirror_images
    >>> step = istio_sidecar().steps[0].fmap(mirror_images("mirror.internal"))
    >>> from kancat.values import Container, PodTemplate
    >>> pod = step.on_pod(PodTemplate.of([Container.of("app", image="web:1.0")]))
    >>> str(pod.containers[-1].image)
    'mirror.internal/istio/proxyv2:1.28.1'
    """

    options: IstioOptions
    workload: Workload | None = None
    maps: SlotMap = attrs.field(factory=SlotMap.identity)

    @property
    def name(self) -> str:
        flags = [f for f, on in (("native", self.options.native), ("cni", self.options.cni))
                 if on]
        revision = [f"revision={self.options.revision}"] if self.options.revision else []
        given = ", ".join(flags + revision)
        return f"istio-sidecar({given})" if given else "istio-sidecar"

    def on_pod(self, pod: PodTemplate) -> PodTemplate:
        return inject_istio_pod(pod, self.options, workload=self.workload, maps=self.maps)

    def fmap(self, f: SlotMap) -> "IstioSidecar":
        return self if f.is_identity else attrs.evolve(self, maps=self.maps.then(f))

    def bound_to(self, value: KubeObjectBase) -> "IstioSidecar":
        return attrs.evolve(self, workload=Workload.of(value))


def istio_sidecar(*, hub: str = DEFAULT_HUB, tag: str = DEFAULT_TAG, revision: str = "",
                  native: bool = False, cni: bool = False, cluster_id: str | None = None,
                  network: str | None = None, mesh_id: str | None = None,
                  trust_domain: str = "cluster.local", cluster_domain: str = "cluster.local",
                  istio_namespace: str = "istio-system") -> Transformation:
    """The transformation injecting Istio's sidecar (see the module documentation).

    ``native=True`` injects the proxy as a native sidecar (Kubernetes ≥ 1.29; Istio's
    default on 1.33+ nodes); ``cni=True`` leaves the traffic redirection to the Istio CNI
    plugin and injects the unprivileged ``istio-validation`` instead of ``istio-init``
    (which needs NET_ADMIN and NET_RAW as root, and so breaks Pod Security "restricted").

    >>> istio_sidecar(revision="canary", native=True).name
    'istio-sidecar(native, revision=canary)'
    >>> istio_sidecar(hub="Not A Hub", revision="Canary!")
    Traceback (most recent call last):
    ...
    kancat.errors.InvalidValue: 2 problems:
      hub: 'Not A Hub/proxyv2:1.28.1' is not a valid image reference (...)
      revision: revision 'Canary!' is not a DNS-1123 label (...)
    """
    given = Collect()
    for field, value in (("native", native), ("cni", cni)):
        if not isinstance(value, bool):
            given.problem(field, f"{field} must be True or False, got {value!r:.60}",
                          f"pass {field}=True or {field}=False")
    for field, text in (("hub", hub), ("tag", tag), ("trust_domain", trust_domain),
                        ("cluster_domain", cluster_domain)):
        if not isinstance(text, str) or not text:
            given.problem(field, f"{field} must be a non-empty string, got {text!r:.60}",
                          f"give the {field.replace('_', ' ')}")
    if given.ok:
        given.take("hub", lambda: ImageRef.of(f"{hub}/proxyv2:{tag}"))
    if revision:
        given.add(check.dns_label("revision", revision, what="revision"))
    given.add(check.dns_label("istio_namespace", istio_namespace, what="namespace"))
    for field, optional in (("cluster_id", cluster_id), ("network", network),
                            ("mesh_id", mesh_id)):
        if optional is not None and (not isinstance(optional, str) or not optional):
            given.problem(field, f"{field} must be a non-empty string or None, got "
                                 f"{optional!r:.60}", f"give the {field} or leave it out")
    given.raise_if_any()
    options = IstioOptions(hub, tag, revision, native, cni, cluster_id, network, mesh_id,
                           trust_domain, cluster_domain, istio_namespace)
    return Transformation((IstioSidecar(options),))


# --- the component at one pod ------------------------------------------------------------------

class _Annotations(Collect):
    """The pod's annotations read as Istio reads them; a malformed one is a problem at
    its path (relative to the pod template)."""

    __slots__ = ("given",)

    def __init__(self, given: Mapping[str, str]) -> None:
        super().__init__()
        self.given = given

    def path(self, key: str) -> str:
        return f"metadata.annotations[{key!r}]"

    def text(self, key: str, default: str) -> str:
        return self.given.get(key, default)

    def number(self, key: str, default: int, *, minimum: int = 0,
               maximum: int = 2**31 - 1) -> int:
        """A whole number as Go's ``strconv.Atoi`` reads one, within the bounds."""
        text = self.given.get(key)
        if text is None:
            return default
        value = int(text) if _DIGITS.fullmatch(text) else -1
        if not minimum <= value <= maximum:
            self.problem(self.path(key), f"{text!r:.40} is not a whole number from {minimum} "
                         f"to {maximum}", "give e.g. \"15020\"" if key == _STATUS_PORT
                         else "give a whole number")
            return default
        return value

    def check_traffic(self) -> None:
        """Istio's validation of the traffic annotations: CIDR lists and port lists."""
        for key in (_INCLUDE_IPS, _EXCLUDE_IPS):
            text = self.given.get(key)
            if text is None or (text == "*" and key == _INCLUDE_IPS):
                continue
            for item in (i.strip() for i in text.split(",")):
                if item and not _is_cidr(item):
                    self.problem(self.path(key), f"{item!r:.40} is not a CIDR range",
                                 "give ranges such as 10.0.0.0/8,172.16.0.0/12"
                                 + (", or *" if key == _INCLUDE_IPS else ""))
        for key in (_INCLUDE_INBOUND, _EXCLUDE_INBOUND, _INCLUDE_OUTBOUND, _EXCLUDE_OUTBOUND):
            text = self.given.get(key)
            if text is None or (text == "*" and key == _INCLUDE_INBOUND):
                continue
            for item in self.ports(key):
                if not _DIGITS.fullmatch(item) or not 1 <= int(item) <= 65535:
                    self.problem(self.path(key), f"{item!r:.40} is not a port",
                                 "give port numbers from 1 to 65535, separated by commas")

    def flag(self, key: str) -> bool | None:
        """Go's ``strconv.ParseBool``: ``None`` when absent or not a boolean."""
        text = self.given.get(key)
        if text in ("1", "t", "T", "TRUE", "true", "True"):
            return True
        if text in ("0", "f", "F", "FALSE", "false", "False"):
            return False
        return None

    def ports(self, key: str) -> list[str]:
        return [p.strip() for p in self.given.get(key, "").split(",") if p.strip()]


_DIGITS = re.compile(r"[0-9]+")


def _is_cidr(text: str) -> bool:
    """Go's ``net.ParseCIDR``: an address and a prefix length."""
    if "/" not in text:
        return False
    try:
        ipaddress.ip_network(text, strict=False)
    except ValueError:
        return False
    return True


def inject_istio_pod(pod: PodTemplate, options: IstioOptions, *,
                     workload: Workload | None = None,
                     maps: SlotMap | None = None) -> PodTemplate:
    """The component of the injection at one pod template (see the module notes).

    Raises :class:`~kancat.errors.InvalidValue` (paths relative to the pod template) for
    a malformed override annotation, a pod declaring its own ``istio-proxy``, a volume
    of an injected name declared differently, or an invalid result.

    >>> from kancat.values import Container, PodTemplate
    >>> pod = PodTemplate.of([Container.of("app", image="web:1.0")],
    ...                      annotations={"sidecar.istio.io/proxyCPU": "many"})
    >>> inject_istio_pod(pod, IstioOptions())
    Traceback (most recent call last):
    ...
    kancat.errors.InvalidValue: 1 problem:
      metadata.annotations['sidecar.istio.io/proxyCPU']: ...
    """
    if _skipped(pod, workload):
        return pod
    pod = _stripped(pod)
    notes = _Annotations(pod.annotations)
    chosen = pod.annotations.get(_NATIVE)
    native = True if chosen == "true" else False if chosen == "false" else options.native
    for field, group in (("containers", pod.containers),
                         ("initContainers", pod.init_containers)):
        for index, container in enumerate(group):
            if container.name in (PROXY_NAME, INIT_NAME, VALIDATION_NAME):
                raise InvalidValue([Problem(
                    f"spec.{field}[{index}].name",
                    f"the pod declares its own {container.name!r} container, and kancat "
                    "does not merge customisations into Istio's",
                    "remove it (kancat injects it), or rename it")])
    config = _proxy_config(notes)
    # The annotation wins over the proxy configuration's interceptionMode.
    interception = notes.text(_INTERCEPTION, str(config.get("interceptionMode", "REDIRECT")))
    if interception not in ("REDIRECT", "TPROXY", "NONE"):
        where = _INTERCEPTION if _INTERCEPTION in notes.given else _PROXY_CONFIG
        notes.problem(notes.path(where), f"interception mode {interception!r:.40} is "
                      "not REDIRECT, TPROXY or NONE", "use one of them")
    status_port = notes.number(_STATUS_PORT, _MESH_STATUS_PORT, minimum=1, maximum=65535)
    notes.check_traffic()
    image = _proxy_image(notes, options)
    resources = _resources(notes)
    app_containers = tuple(c.name for c in pod.containers)
    app_pod, probers = _rewritten(pod, notes, status_port)
    proxy = _proxy(pod, notes, options, workload, native=native, image=image,
                   resources=resources, interception=interception, status_port=status_port,
                   config=config)
    notes.raise_if_any()
    init = None if interception == "NONE" else _init(notes, options, image, resources,
                                                      interception, status_port, config)
    annotations = dict(app_pod.annotations)
    prometheus_env = _prometheus(annotations)
    extra_env = tuple(EnvVar(name, value) for name, value in (
        (_PROMETHEUS_ENV, prometheus_env), (_APP_PROBERS, probers)) if value is not None)
    proxy = attrs.evolve(proxy, env=proxy.env + extra_env)
    mapping = maps if maps is not None else SlotMap.identity()
    proxy = mapping.on_container(proxy)
    init = None if init is None else mapping.on_container(init)

    injected_init = [init.name] if init is not None else []
    if native:
        injected_init.append(PROXY_NAME)
        init_containers = (*(() if init is None else (init,)), proxy,
                           *app_pod.init_containers)
        containers = app_pod.containers
    else:
        own = app_pod.init_containers
        init_containers = (*own, init) if init is not None and not options.cni else (
            (init, *own) if init is not None else own)
        # The proxy goes last, so that kubectl exec and logs default to the app; first
        # when the app must wait for it (holdApplicationUntilProxyStarts).
        containers = (proxy, *app_pod.containers) if _holds(config) else (
            *app_pod.containers, proxy)
    volumes = _volumes(app_pod.volumes)
    annotations.update(_metadata_annotations(annotations, app_containers, options, notes,
                                             status_port, interception))
    status = {"initContainers": injected_init or None,
              "containers": None if native else [PROXY_NAME],
              "volumes": [v.name for v in _VOLUMES],
              "imagePullSecrets": None,
              "revision": options.revision or "default"}
    annotations[STATUS_ANNOTATION] = json.dumps(status, separators=(",", ":"))
    labels = {**app_pod.labels, **_labels(app_pod.labels, workload)}
    network = app_pod.labels.get("topology.istio.io/network", options.network)
    if network:
        labels["topology.istio.io/network"] = network
    return attrs.evolve(app_pod, labels=labels, annotations=annotations,
                        init_containers=init_containers, containers=containers,
                        volumes=volumes)


def _skipped(pod: PodTemplate, workload: Workload | None) -> bool:
    """Istio's ``injectRequired`` with the policy ``enabled`` (as ``istioctl kube-inject``):
    hostNetwork, system namespaces, and an explicit ``false`` (the label wins)."""
    if pod.host_network:
        return True
    if workload is not None and workload.namespace in IGNORED_NAMESPACES:
        return True
    selector = pod.labels.get(_INJECT, pod.annotations.get(_INJECT, ""))
    return bool(selector == "false")


# --- stripping a previous injection --------------------------------------------------------------

_INJECTED_PROMETHEUS: Final = {"prometheus.io/scrape": "true",
                               "prometheus.io/path": "/stats/prometheus",
                               "prometheus.io/port": str(_MESH_STATUS_PORT)}


def _stripped(pod: PodTemplate) -> PodTemplate:
    """The pod as it was before a previous injection (Istio's ``stripPod``, plus the
    probes, hooks and Prometheus annotations it rewrote, restored from the old proxy)."""
    text = pod.annotations.get(STATUS_ANNOTATION)
    if text is None:
        return pod
    try:
        status = json.loads(text)
    except ValueError:
        status = None
    if not isinstance(status, dict) or not all(
            status.get(key) is None or (isinstance(status.get(key), list) and all(
                isinstance(item, str) for item in status[key]))
            for key in ("initContainers", "containers", "volumes")):
        raise InvalidValue([Problem(
            f"metadata.annotations[{STATUS_ANNOTATION!r}]",
            f"the injection record {text!r:.80} is not what Istio writes",
            "remove the annotation (it is written when the sidecar is injected)")])
    names = set(status.get("containers") or ())
    init_names = set(status.get("initContainers") or ())
    volume_names = set(status.get("volumes") or ())
    old_proxy = next((c for c in (*pod.containers, *pod.init_containers)
                      if c.name == PROXY_NAME and (c.name in names or c.name in init_names)),
                     None)
    old_env = {e.name: e.value for e in old_proxy.env} if old_proxy is not None else {}
    probers = _json_object(old_env.get(_APP_PROBERS))
    containers = tuple(_restored(c, probers) for c in pod.containers if c.name not in names)
    init = tuple(_restored(c, probers) for c in pod.init_containers if c.name not in init_names)
    annotations = {k: v for k, v in pod.annotations.items() if k != STATUS_ANNOTATION}
    if all(annotations.get(k) == v for k, v in _INJECTED_PROMETHEUS.items()):
        # What the injection wrote goes; the pod's own settings, which it moved into
        # the proxy, come back.
        for key in _PROMETHEUS:
            del annotations[key]
        scrape = _json_object(old_env.get(_PROMETHEUS_ENV))
        annotations.update((f"prometheus.io/{k}", v) for k, v in scrape.items()
                           if k in ("scrape", "path", "port") and isinstance(v, str) and v)
    return attrs.evolve(pod, containers=containers, init_containers=init,
                        volumes=tuple(v for v in pod.volumes if v.name not in volume_names),
                        annotations=annotations)


def _json_object(text: str | None) -> dict[str, Any]:
    if not text:
        return {}
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _restored(container: Container, probers: Mapping[str, Any]) -> Container:
    """The container's probes and hooks as they were before injection rewrote them."""
    if not probers:
        return container
    changes: dict[str, Any] = {}
    for attribute, suffix in _PROBE_PATHS:
        probe = getattr(container, attribute)
        url = f"/app-health/{container.name}/{suffix}"
        if probe is not None and isinstance(probe.handler, HTTPGetAction) and \
                probe.handler.path == url and isinstance(probers.get(url), dict):
            handler = _handler(probers[url])
            if handler is not None:
                changes[attribute] = attrs.evolve(probe, handler=handler)
    lifecycle = container.extra.get("lifecycle")
    if isinstance(lifecycle, Mapping):
        hooks = thaw(lifecycle)
        for hook, suffix in _HOOK_PATHS:
            url = f"/app-lifecycle/{container.name}/{suffix}"
            current = hooks.get(hook)
            original = probers.get(url)
            if isinstance(current, dict) and isinstance(current.get("httpGet"), dict) and \
                    current["httpGet"].get("path") == url and isinstance(original, dict):
                rest = {k: v for k, v in current.items() if k != "httpGet"}
                hooks[hook] = {**rest, **{k: v for k, v in original.items()
                                          if k in ("httpGet", "tcpSocket")}}
        if hooks != thaw(lifecycle):
            changes["extra"] = {**container.extra, "lifecycle": hooks}
    return attrs.evolve(container, **changes) if changes else container


def _handler(data: Mapping[str, Any]) -> HTTPGetAction | TCPSocketAction | GRPCAction | None:
    if isinstance(data.get("httpGet"), dict):
        get = data["httpGet"]
        return HTTPGetAction(get.get("port"), path=get.get("path"), host=get.get("host"),
                             scheme=get.get("scheme"), http_headers=get.get("httpHeaders", ()))
    if isinstance(data.get("tcpSocket"), dict):
        return TCPSocketAction(data["tcpSocket"].get("port"), data["tcpSocket"].get("host"))
    if isinstance(data.get("grpc"), dict):
        return GRPCAction(data["grpc"].get("port"), data["grpc"].get("service"))
    return None


# --- probe rewriting -----------------------------------------------------------------------------

def _go_json(data: Any) -> str:
    """JSON as Go's ``encoding/json`` writes it: compact, with ``<``, ``>`` and ``&``
    escaped (map keys are sorted by the caller's ``sort_keys``)."""
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    for plain, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                           ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(plain, escaped)
    return text


def _recorded_ports(notes: _Annotations) -> set[int] | None:
    """Istio's ``getIncludedPorts``: the ports whose probes go into
    ``ISTIO_KUBE_APP_PROBERS`` (``None``: all). Only an ``includeInboundPorts`` list
    narrows them: Istio's exclusion removes ports from an empty set, so it changes
    nothing."""
    include = notes.text(_INCLUDE_INBOUND, "")
    if include and include != "*":
        return {int(p) for p in notes.ports(_INCLUDE_INBOUND) if p.isdigit()}
    return None


def _port_number(port: int | str, container: Container) -> int | None:
    if isinstance(port, int):
        return port
    return next((p.container_port for p in container.ports if p.name == port), None)


def _rewritten(pod: PodTemplate, notes: _Annotations,
               status_port: int) -> tuple[PodTemplate, str | None]:
    """Istio's ``applyRewrite``: the app probes and HTTP/TCP lifecycle hooks sent to the
    agent's status port, and ``ISTIO_KUBE_APP_PROBERS`` (``None`` when there is none).

    As in Istio, every HTTP, TCP and gRPC probe is rewritten, but with an
    ``includeInboundPorts`` list only the probes on its ports are recorded (the agent
    answers the others with "not found": list the probe ports, or turn rewriting off).
    Rewriting is off with ``sidecar.istio.io/rewriteAppHTTPProbers: "false"``, and with
    status port 0 (where Istio would send the kubelet to port 0)."""
    if notes.flag(_REWRITE) is False or status_port == 0:
        return pod, None
    recorded = _recorded_ports(notes)
    probers: dict[str, Any] = {}

    def record(url: str, port: int, prober: dict[str, Any]) -> None:
        if recorded is None or port in recorded:
            probers[url] = prober

    def rewrite(container: Container) -> Container:
        changes: dict[str, Any] = {}
        for attribute, suffix in _PROBE_PATHS:
            probe: Probe | None = getattr(container, attribute)
            if probe is None or not isinstance(probe.handler, (HTTPGetAction, TCPSocketAction,
                                                                GRPCAction)):
                continue
            port = _port_number(probe.handler.port, container)
            if port is None:
                continue
            url = f"/app-health/{container.name}/{suffix}"
            prober = _prober(probe.handler, port)
            if probe.timeout_seconds:
                prober["timeoutSeconds"] = probe.timeout_seconds
            record(url, port, prober)
            changes[attribute] = attrs.evolve(probe, handler=_to_agent(probe.handler, url,
                                                                       status_port))
        lifecycle = container.extra.get("lifecycle")
        if isinstance(lifecycle, Mapping):
            hooks = thaw(lifecycle)
            for hook, suffix in _HOOK_PATHS:
                handler = hooks.get(hook)
                if not isinstance(handler, dict):
                    continue
                kind = next((k for k in ("httpGet", "tcpSocket") if isinstance(
                    handler.get(k), dict)), None)
                if kind is None:
                    continue
                raw = handler[kind].get("port")
                port = _port_number(raw, container) if isinstance(raw, (int, str)) else None
                if port is None:
                    continue
                url = f"/app-lifecycle/{container.name}/{suffix}"
                record(url, port, {kind: _go_action(kind, handler[kind], port)})
                rest = {k: v for k, v in handler.items() if k not in ("httpGet", "tcpSocket")}
                if kind == "httpGet":
                    agent = {**handler[kind], "path": url, "port": status_port}
                    if agent.get("scheme") == "HTTPS":
                        agent["scheme"] = "HTTP"
                else:
                    agent = {"path": url, "port": status_port}
                hooks[hook] = {**rest, "httpGet": agent}
            if hooks != thaw(lifecycle):
                changes["extra"] = {**container.extra, "lifecycle": hooks}
        return attrs.evolve(container, **changes) if changes else container

    init = tuple(rewrite(c) for c in pod.init_containers)
    containers = tuple(rewrite(c) for c in pod.containers)
    text = _go_json(dict(sorted(probers.items()))) if probers else None
    return attrs.evolve(pod, init_containers=init, containers=containers), text


def _go_action(kind: str, action: Mapping[str, Any], port: int) -> dict[str, Any]:
    """A raw httpGet / tcpSocket in Go's field order, its port resolved to a number."""
    keys = ("path", "port", "host", "scheme", "httpHeaders") if kind == "httpGet" else (
        "port", "host")
    return {k: port if k == "port" else action[k] for k in keys
            if k == "port" or action.get(k)}


def _prober(handler: HTTPGetAction | TCPSocketAction | GRPCAction,
            port: int | None) -> dict[str, Any]:
    """Istio's ``Prober`` JSON for one probe handler (Go's field order, named port resolved)."""
    if isinstance(handler, HTTPGetAction):
        get: dict[str, Any] = {}
        if handler.path:
            get["path"] = handler.path
        get["port"] = port
        if handler.host:
            get["host"] = handler.host
        if handler.scheme:
            get["scheme"] = handler.scheme
        if handler.http_headers:
            get["httpHeaders"] = [{"name": h["name"], "value": h["value"]}
                                  for h in handler.http_headers]
        return {"httpGet": get}
    if isinstance(handler, TCPSocketAction):
        return {"tcpSocket": {"port": port, **({"host": handler.host} if handler.host else {})}}
    # Go's GRPCAction has no omitempty on its service: an unset one is written as null.
    return {"grpc": {"port": handler.port, "service": handler.service}}


def _to_agent(handler: HTTPGetAction | TCPSocketAction | GRPCAction, url: str,
              status_port: int) -> HTTPGetAction:
    """The probe handler the kubelet runs after injection: the agent's app-health URL
    (HTTPS becomes HTTP: the agent speaks HTTPS to the app)."""
    if isinstance(handler, HTTPGetAction):
        return attrs.evolve(handler, port=status_port, path=url,
                            scheme="HTTP" if handler.scheme == "HTTPS" else handler.scheme)
    return HTTPGetAction(status_port, path=url)


_FALSE: Final = ("0", "f", "F", "false", "FALSE", "False")


def _prometheus(annotations: dict[str, str]) -> str | None:
    """Istio's ``applyPrometheusMerge``: scrape the agent's merged metrics unless the pod
    opts out; the pod's own settings go to the proxy (the value of
    ``ISTIO_PROMETHEUS_ANNOTATIONS``, returned)."""
    if annotations.get("prometheus.io/scrape") in _FALSE or \
            annotations.get(_MERGE_METRICS) in _FALSE:
        return None
    if annotations.get("prometheus.io/port") == str(_MESH_STATUS_PORT):
        return None
    own = {key: annotations.get(f"prometheus.io/{key}", "")
           for key in ("scrape", "path", "port")}
    for key in _PROMETHEUS:
        annotations.pop(key, None)
    annotations.update({"prometheus.io/port": str(_MESH_STATUS_PORT),
                        "prometheus.io/path": "/stats/prometheus",
                        "prometheus.io/scrape": "true"})
    return _go_json(own) if any(own.values()) else None


# --- what is injected ----------------------------------------------------------------------------

def _proxy_image(notes: _Annotations, options: IstioOptions) -> ImageRef:
    override = notes.text(_PROXY_IMAGE, "")
    if "/" in override:
        found = notes.take(notes.path(_PROXY_IMAGE), lambda: ImageRef.of(override))
        if found is not None:
            return found
    tag = options.tag
    image_type = notes.given.get(_IMAGE_TYPE)
    if image_type:
        for known in _IMAGE_TYPES:
            if tag.endswith(f"-{known}"):
                tag = tag.removesuffix(f"-{known}")
                break
        if image_type != "default":
            tag = f"{tag}-{image_type}"
    found = notes.take(notes.path(_IMAGE_TYPE), lambda: ImageRef.of(
        f"{options.hub}/proxyv2:{tag}"))
    return found if found is not None else ImageRef.of(f"{DEFAULT_HUB}/proxyv2:{DEFAULT_TAG}")


_DEFAULT_RESOURCES: Final = Resources.of(requests={"cpu": "100m", "memory": "128Mi"},
                                         limits={"cpu": "2", "memory": "1Gi"})


def _resources(notes: _Annotations) -> Resources:
    """Istio's ``resources`` template: the four annotations replace the defaults when
    any is given (a request alone gets no limit)."""
    if not any(key in notes.given for key in _RESOURCE_ANNOTATIONS):
        return _DEFAULT_RESOURCES
    cpu, memory, cpu_limit, memory_limit = (notes.given.get(k) for k in _RESOURCE_ANNOTATIONS)
    requests = {k: v for k, v in (("cpu", cpu), ("memory", memory)) if v is not None}
    limits = {k: v for k, v in (("cpu", cpu_limit), ("memory", memory_limit)) if v is not None}
    try:
        return Resources.of(requests=requests, limits=limits)
    except InvalidValue as error:
        for problem in error.problems:
            side, _, rest = problem.path.partition("[")
            key = rest.strip("'[]")
            index = (0 if key == "cpu" else 1) + (2 if side == "limits" else 0)
            notes.problem(notes.path(_RESOURCE_ANNOTATIONS[index]), problem.message,
                          problem.hint)
        return _DEFAULT_RESOURCES


def _excluded_inbound(status_port: int, excluded: str) -> str:
    """Istio's ``excludeInboundPort``: the excluded ports with the status port added."""
    port = str(status_port)
    if port == "0":
        return excluded
    ports = []
    for given in excluded.split(","):
        if given == port:
            return excluded
        if given.strip():
            ports.append(given.strip())
    return ",".join([*ports, port])


def _init(notes: _Annotations, options: IstioOptions, image: ImageRef, resources: Resources,
          interception: str, status_port: int, config: Mapping[str, Any]) -> Container:
    """``istio-init`` (or, with CNI, ``istio-validation``): ``istio-iptables``."""
    excluded = _excluded_inbound(status_port, notes.text(_EXCLUDE_INBOUND, ""))
    args = ["istio-iptables", "-p", "15001", "-z", "15006", "-u", "1337", "-m", interception,
            "-i", notes.text(_INCLUDE_IPS, "*"), "-x", notes.text(_EXCLUDE_IPS, ""),
            "-b", notes.text(_INCLUDE_INBOUND, "*"),
            "-d", f"15090,15021,{excluded}" if excluded else "15090,15021"]
    for key, flag in ((_INCLUDE_OUTBOUND, "-q"), (_EXCLUDE_OUTBOUND, "-o"), (_KUBEVIRT, "-k"),
                      (_EXCLUDE_INTERFACES, "-c")):
        if key in notes.given:
            args += [flag, notes.given[key]]
    args.append(f"--log_output_level={notes.text(_LOG_LEVELS[2][0], _LOG_LEVELS[2][2])}")
    if options.cni:
        args += ["--run-validation", "--skip-rule-apply"]
        security = SecurityContext(allow_privilege_escalation=False, privileged=False,
                                   capabilities=Capabilities(drop=["ALL"]),
                                   read_only_root_filesystem=True, run_as_group=1337,
                                   run_as_non_root=True, run_as_user=1337)
    else:
        security = SecurityContext(allow_privilege_escalation=False, privileged=False,
                                   capabilities=Capabilities(add=["NET_ADMIN", "NET_RAW"],
                                                             drop=["ALL"]),
                                   read_only_root_filesystem=False, run_as_group=0,
                                   run_as_non_root=False, run_as_user=0)
    return Container(VALIDATION_NAME if options.cni else INIT_NAME, image, args=args,
                     env=_metadata_env(config), resources=resources,
                     security_context=security)


def _proxy_config(notes: _Annotations) -> Mapping[str, Any]:
    """The pod's ``proxy.istio.io/config`` (YAML or JSON): the proxy configuration Istio
    merges over the mesh default (empty here), written to ``PROXY_CONFIG``."""
    text = notes.given.get(_PROXY_CONFIG)
    if text is None:
        return {}
    import yaml  # only for pods that carry the annotation

    try:
        config = yaml.safe_load(text)
    except yaml.YAMLError:
        config = None
    metadata = config.get("proxyMetadata", {}) if isinstance(config, dict) else None
    if not isinstance(config, dict) or not all(isinstance(k, str) for k in config) or \
            not isinstance(metadata, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()) or \
            not isinstance(config.get("holdApplicationUntilProxyStarts", False), bool):
        notes.problem(notes.path(_PROXY_CONFIG), f"{text!r:.60} is not a proxy configuration",
                      "give a mapping of ProxyConfig fields, e.g. "
                      "'holdApplicationUntilProxyStarts: true'")
        return {}
    return config


def _holds(config: Mapping[str, Any]) -> bool:
    return config.get("holdApplicationUntilProxyStarts") is True


def _metadata_env(config: Mapping[str, Any]) -> list[EnvVar]:
    """``proxyMetadata`` of the proxy configuration, as env (Go templates range over a
    map in key order)."""
    metadata = config.get("proxyMetadata") or {}
    return [EnvVar(key, str(metadata[key])) for key in sorted(metadata)]


def _field(path: str) -> FieldRef:
    return FieldRef(path)


def _resource_env(name: str, resource: str) -> EnvVar:
    return EnvVar(name, value_from=OtherEnvSource(
        {"resourceFieldRef": {"resource": resource, "divisor": "1"}}))


def _pod_ports(pod: PodTemplate) -> str:
    """``ISTIO_META_POD_PORTS``: every app container port as Go writes a ContainerPort."""
    lines: list[str] = []
    for container in pod.containers:
        for port in container.ports:
            data: dict[str, Any] = {}
            if port.name:
                data["name"] = port.name
            if port.host_port:
                data["hostPort"] = port.host_port
            data["containerPort"] = port.container_port
            if port.protocol:
                data["protocol"] = port.protocol
            if port.extra.get("hostIP"):
                data["hostIP"] = port.extra["hostIP"]
            lines.append(("    " if not lines else "    ,") + _go_json(data))
    return "\n".join(["[", *lines, "]"])


def _proxy(pod: PodTemplate, notes: _Annotations, options: IstioOptions,
           workload: Workload | None, *, native: bool, image: ImageRef, resources: Resources,
           interception: str, status_port: int, config: Mapping[str, Any]) -> Container:
    """The ``istio-proxy`` container (its env up to ``TRUST_DOMAIN``)."""
    args = ["proxy", "sidecar", "--domain", f"$(POD_NAMESPACE).svc.{options.cluster_domain}",
            *(f"{flag}={notes.text(key, default)}" for key, flag, default in _LOG_LEVELS)]
    revision = f"-{options.revision}" if options.revision else ""
    apps = ",".join(c.name for c in pod.containers if c.name != PROXY_NAME)
    env = [EnvVar("PILOT_CERT_PROVIDER", "istiod"),
           EnvVar("CA_ADDR", f"istiod{revision}.{options.istio_namespace}.svc:15012"),
           EnvVar("POD_NAME", value_from=_field("metadata.name")),
           EnvVar("POD_NAMESPACE", value_from=_field("metadata.namespace")),
           EnvVar("INSTANCE_IP", value_from=_field("status.podIP")),
           EnvVar("SERVICE_ACCOUNT", value_from=_field("spec.serviceAccountName")),
           EnvVar("HOST_IP", value_from=_field("status.hostIP")),
           _resource_env("ISTIO_CPU_LIMIT", "limits.cpu"),
           EnvVar("PROXY_CONFIG", _go_json(dict(config)) + "\n"),
           EnvVar("ISTIO_META_POD_PORTS", _pod_ports(pod)),
           EnvVar("ISTIO_META_APP_CONTAINERS", apps),
           _resource_env("GOMEMLIMIT", "limits.memory"),
           _resource_env("GOMAXPROCS", "limits.cpu")]
    cluster = [EnvVar("ISTIO_META_CLUSTER_ID", options.cluster_id or "Kubernetes")]
    network = pod.labels.get("topology.istio.io/network", options.network)
    network_env = [EnvVar("ISTIO_META_NETWORK", network)] if network else []
    env += [] if options.cluster_id is not None else cluster
    env += [EnvVar("ISTIO_META_NODE_NAME", value_from=_field("spec.nodeName")),
            EnvVar("ISTIO_META_INTERCEPTION_MODE", interception)]
    if workload is not None:
        env += [EnvVar("ISTIO_META_WORKLOAD_NAME", workload.name),
                EnvVar("ISTIO_META_OWNER", workload.owner)]
    env += [EnvVar("ISTIO_META_MESH_ID", options.mesh_id or options.trust_domain),
            EnvVar("TRUST_DOMAIN", options.trust_domain), *_metadata_env(config)]
    # Istio moves the cluster and network it was given (not the template's default
    # cluster name) after everything else, sorted by name.
    env += (cluster if options.cluster_id is not None else []) + network_env
    readiness = startup = None
    if status_port != 0:
        ready = HTTPGetAction(15021, path="/healthz/ready")
        readiness = Probe(
            ready, initial_delay_seconds=notes.number(_READINESS + "initialDelaySeconds", 0)
            or None, period_seconds=notes.number(_READINESS + "periodSeconds", 15, minimum=1),
            timeout_seconds=3,
            failure_threshold=notes.number(_READINESS + "failureThreshold", 4, minimum=1))
        startup = Probe(ready, period_seconds=1, timeout_seconds=3, failure_threshold=600)
    privileged_mode = interception == "TPROXY" or notes.text(_CAP_BIND, "") == "true"
    added = (["NET_ADMIN"] if interception == "TPROXY" else []) + (
        ["NET_BIND_SERVICE"] if notes.text(_CAP_BIND, "") == "true" else [])
    security = SecurityContext(allow_privilege_escalation=False,
                               capabilities=Capabilities(add=added, drop=["ALL"]),
                               privileged=False, read_only_root_filesystem=True,
                               run_as_group=1337, run_as_non_root=not privileged_mode,
                               run_as_user=0 if privileged_mode else 1337)
    lifecycle: dict[str, Any] = {}
    if _holds(config):
        lifecycle["postStart"] = {"exec": {"command": ["pilot-agent", "wait"]}}
    if native:
        # preStop starts draining when the pod shuts down; the kubelet stops a native
        # sidecar only once the app containers are gone.
        lifecycle["preStop"] = {"exec": {"command": [
            "pilot-agent", "request", f"--debug-port={status_port}", "POST", "drain"]}}
    extra = {"lifecycle": lifecycle} if lifecycle else {}
    return Container(PROXY_NAME, image, args=args, env=env,
                     ports=[ContainerPort(15090, "http-envoy-prom", "TCP")],
                     resources=resources, volume_mounts=_MOUNTS, security_context=security,
                     readiness_probe=readiness, startup_probe=startup,
                     restart_policy="Always" if native else None, extra=extra)


_MOUNTS: Final = (
    VolumeMount("workload-socket", "/var/run/secrets/workload-spiffe-uds"),
    VolumeMount("credential-socket", "/var/run/secrets/credential-uds"),
    VolumeMount("workload-certs", "/var/run/secrets/workload-spiffe-credentials"),
    VolumeMount("istiod-ca-cert", "/var/run/secrets/istio"),
    VolumeMount("istio-ca-crl", "/var/run/secrets/istio/crl"),
    VolumeMount("istio-data", "/var/lib/istio/data"),
    VolumeMount("istio-envoy", "/etc/istio/proxy"),
    VolumeMount("istio-token", "/var/run/secrets/tokens"),
    VolumeMount("istio-podinfo", "/etc/istio/pod"),
)

_VOLUMES: Final = (
    Volume("workload-socket", EmptyDir()),
    Volume("credential-socket", EmptyDir()),
    Volume("workload-certs", EmptyDir()),
    Volume("istio-envoy", EmptyDir(medium="Memory")),
    Volume("istio-data", EmptyDir()),
    Volume("istio-podinfo", DownwardAPIVolume([
        DownwardAPIFile("labels", FieldRef("metadata.labels")),
        DownwardAPIFile("annotations", FieldRef("metadata.annotations"))])),
    Volume("istio-token", ProjectedVolume([ServiceAccountTokenProjection(
        "istio-token", audience="istio-ca", expiration_seconds=43200)])),
    Volume("istiod-ca-cert", ConfigMapVolume("istio-ca-root-cert")),
    Volume("istio-ca-crl", ConfigMapVolume("istio-ca-crl", optional=True)),
)


def _volumes(own: Iterable[Volume]) -> tuple[Volume, ...]:
    """The pod's volumes, then Istio's (a volume of Istio's name must be Istio's)."""
    own = tuple(own)
    wanted = {v.name: v for v in _VOLUMES}
    problems = [Problem(f"spec.volumes[{index}]",
                        f"volume {volume.name!r} is declared, but Istio injects a volume of "
                        f"that name ({wanted[volume.name].source_field})",
                        "rename the pod's volume")
                for index, volume in enumerate(own)
                if volume.name in wanted and volume != wanted[volume.name]]
    check.raise_if(problems)
    present = {v.name for v in own}
    return own + tuple(v for v in _VOLUMES if v.name not in present)


def _labels(labels: Mapping[str, str], workload: Workload | None) -> dict[str, str]:
    """The template's labels, each the pod's own when it has one."""
    name = labels.get("service.istio.io/canonical-name") or labels.get(
        "app.kubernetes.io/name") or labels.get("app") or (
        workload.name if workload is not None else "")
    revision = labels.get("service.istio.io/canonical-revision") or labels.get(
        "app.kubernetes.io/version") or labels.get("version") or "latest"
    found = {"security.istio.io/tlsMode": labels.get("security.istio.io/tlsMode") or "istio",
             "service.istio.io/canonical-name": name,
             "service.istio.io/canonical-revision": revision}
    return {k: v for k, v in found.items() if v}


def _metadata_annotations(annotations: Mapping[str, str], apps: tuple[str, ...],
                          options: IstioOptions, notes: _Annotations,
                          status_port: int, interception: str) -> dict[str, str]:
    """The template's annotations: revision, default containers, and for CNI the
    redirection settings the plugin reads."""
    found = {"istio.io/rev": options.revision or "default"}
    apps = tuple(a for a in apps if a != PROXY_NAME)
    if apps:
        for key in ("kubectl.kubernetes.io/default-logs-container",
                    "kubectl.kubernetes.io/default-container"):
            if key not in annotations:
                found[key] = apps[0]
    if options.cni:
        found[_INTERCEPTION] = interception
        for key, default in ((_INCLUDE_IPS, "*"), (_EXCLUDE_IPS, ""),
                             (_INCLUDE_INBOUND, "*")):
            if notes.text(key, default):
                found[key] = notes.text(key, default)
        found[_EXCLUDE_INBOUND] = _excluded_inbound(status_port,
                                                    notes.text(_EXCLUDE_INBOUND, ""))
        for key in (_INCLUDE_OUTBOUND, _EXCLUDE_OUTBOUND, _KUBEVIRT, _EXCLUDE_INTERFACES):
            if notes.given.get(key):
                found[key] = notes.given[key]
    return found

