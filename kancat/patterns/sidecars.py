"""Sidecar injection: a natural transformation that gives pods sidecars.

A :class:`SidecarSpec` says what a sidecar brings: the containers to add, the pod volumes
they share, pod annotations, the mounts the *app* containers need (the log directory a
forwarder reads), and whether the containers go in as native sidecars. :func:`inject`
turns specs into a :class:`~kancat.algebra.natural.Transformation`; :func:`fluent_bit`,
:func:`envoy` and :func:`node_exporter` build the three sidecars of the founding design, and
:func:`fluent_bit_config` and :func:`envoy_config` the ConfigMaps they read.

>>> from kancat.values import Container, Deployment
>>> web = Deployment.of("web", containers=[
...     Container.of("app", image="shop/web:1.4.2", ports={"http": 8080})])
>>> add = inject(fluent_bit(), envoy(service_cluster="web"))
>>> add.name
'inject(log-forwarder) then inject(envoy-proxy)'
>>> pod = add(web).template
>>> [c.name for c in pod.containers]
['app', 'envoy-proxy', 'log-forwarder']
>>> [(m.name, m.mount_path) for m in pod.containers[0].volume_mounts]
[('logs', '/var/log/app')]
>>> [v.name for v in pod.volumes]
['envoy-config', 'fluent-bit-config', 'logs']
>>> add(add(web)) == add(web)                                  # idempotent
True
>>> inject(envoy(service_cluster="web"), fluent_bit())(web) == add(web)   # they commute
True
>>> native = inject(node_exporter(native=True))(web).template
>>> [(c.name, c.restart_policy) for c in native.init_containers]
[('node-exporter', 'Always')]

How injection works, and why:

* **Upsert by name** (idempotence, ``inject(s)(inject(s)(p)) == inject(s)(p)``). A
  container of the pod with a sidecar's name is replaced by the sidecar (in either list:
  a sidecar changing mode moves); a pod volume with a sidecar volume's name is kept when
  the two are equal, and is a conflict otherwise (:class:`~kancat.errors.InvalidValue`
  naming the volume): replacing it silently would change what the pod's other
  containers see.
* **A canonical order** (injections with different container names commute). What has
  been injected is recorded in the pod annotation :data:`STATUS_ANNOTATION` — like
  Istio's sidecar status annotation, JSON with sorted lists of the injected
  ``containers``, ``initContainers``, ``volumes`` and app ``mounts`` (their paths).
  The pod's own containers keep their order and are followed by the injected ones sorted
  by name; injected native sidecars come first among the init containers, sorted by
  name (so they are up before the pod's own init containers run); the pod's own volumes
  keep their order and are followed by the injected ones sorted by name. Annotations are
  merged, the spec's winning. Two injections commute when their container names are
  disjoint, they agree on the annotation keys and mount paths both set, and their
  volumes of one name are equal (else both orders raise).
* **App mounts.** Every *app* container — a container of the pod's ``containers`` that
  is not an injected sidecar — gets the spec's ``app_mounts``, upserted by mount path:
  its own mounts at other paths keep their order, followed by the injected mounts sorted
  by path. Init containers are left alone.

Naturality. Injection reads no container slot, with one exception: the app mounts are
upserted into the ``volumes`` slot of the app containers. So for a slot map ``f`` let
``f`` act on a spec by mapping its containers and its app mounts (:meth:`SidecarSpec.fmap`).
Then the laws below hold for every slot map whose ``volumes`` component ``h`` commutes
with that upsert — exactly: ``h(U_s(ms)) == U_{f(s)}(h(ms))`` for every container's
mounts ``ms``, where ``U_s`` upserts the app mounts of ``s`` and orders the mounts at
injected paths as above; sufficiently: ``h`` maps each mount on its own and keeps its
path (``h(ms) == tuple(g(m) for m in ms)`` with ``g(m).mount_path == m.mount_path``:
the identity, making every mount read-only, ...) — whatever its image, env, ports and
metadata components (selective ones included, such as retagging only the app's image)::

    inject(fmap(f, s))(fmap(f, p)) == fmap(f, inject(s)(p))     the pair form
    inject(s)(fmap(f, p)) == fmap(f, inject(s)(p))             when fmap(f, s) == s

The pair form with ``f = mirror_images(...)`` is the equivariance "mirror, then inject
the mirrored sidecars" = "inject, then mirror every image, the sidecars' included".
Maps outside the class break the square: reversing every container's mounts moves the
injected mount to the front on one side and not on the other.

>>> from kancat.algebra.functor import fmap, mirror_images
>>> mirror = mirror_images("mirror.internal")
>>> spec = fluent_bit()
>>> inject(fmap(mirror, spec))(fmap(mirror, web)) == fmap(mirror, inject(spec)(web))
True
"""

import ipaddress
import json
import re
from collections.abc import Iterable, Mapping

import attrs

from kancat.algebra.functor import SlotMap
from kancat.algebra.natural import Transformation
from kancat.core import rules as check
from kancat.core.collect import Collect, check_types, to_str_map, to_tuple
from kancat.core.frozen import EMPTY, FrozenMap
from kancat.errors import InvalidArgument, InvalidValue, Problem
from kancat.values import (
    ConfigMap,
    ConfigMapVolume,
    Container,
    ContainerPort,
    EmptyDir,
    EnvVar,
    FieldRef,
    ImageRef,
    PodTemplate,
    Quantity,
    Resources,
    Volume,
    VolumeMount,
)
from kancat.values.meta import ENVOY_APP_PORT, SIDECAR_STATUS

__all__ = [
    "DEFAULT_IMAGES",
    "STATUS_ANNOTATION",
    "Injection",
    "SidecarSpec",
    "envoy",
    "envoy_config",
    "fluent_bit",
    "fluent_bit_config",
    "inject",
    "inject_pod",
    "node_exporter",
]

STATUS_ANNOTATION = SIDECAR_STATUS
"""The pod annotation recording what was injected (JSON, sorted lists)."""

DEFAULT_IMAGES: Mapping[str, str] = FrozenMap({
    "fluent-bit": "fluent/fluent-bit:3.2.4",
    "envoy": "envoyproxy/envoy:v1.31.2",
    "node-exporter": "prom/node-exporter:v1.8.2",
})
"""The pinned default image of each sidecar (never ``:latest``)."""

_Amounts = Mapping[str, "Quantity | str | int | float"]


# --- the spec ------------------------------------------------------------------------------

@attrs.frozen
class SidecarSpec:
    """What a sidecar brings to a pod.

    * ``containers``: the sidecar containers, with ``restart_policy="Always"`` exactly when
      ``native`` (then they go in as init containers; Kubernetes ≥ 1.29);
    * ``volumes``: the pod volumes they need (shared with the app, or their config);
    * ``annotations``: pod annotations to add or override;
    * ``app_mounts``: mounts of those volumes every app container gets (by mount path).

    :meth:`of` sets the restart policies from ``native`` for you.
    """

    containers: tuple[Container, ...] = attrs.field(converter=to_tuple)
    volumes: tuple[Volume, ...] = attrs.field(default=(), converter=to_tuple)
    annotations: FrozenMap[str] = attrs.field(default=EMPTY, converter=to_str_map)
    app_mounts: tuple[VolumeMount, ...] = attrs.field(default=(), converter=to_tuple)
    native: bool = False

    def __attrs_post_init__(self) -> None:
        check_types("containers", self.containers, Container)
        check_types("volumes", self.volumes, Volume)
        check_types("app_mounts", self.app_mounts, VolumeMount)
        check.raise_if(self._problems())

    def _problems(self) -> list[Problem]:
        found: list[Problem] = []
        if not isinstance(self.native, bool):
            found.append(Problem("native", f"native must be True or False, got "
                                           f"{self.native!r}", "pass native=True or False"))
        if not self.containers:
            found.append(Problem("containers", "a sidecar spec needs at least one container",
                                 "give the sidecar container(s)"))
        found += check.unique("containers", self.containers, lambda c: c.name, field="name",
                              what="container name")
        wanted = "Always" if self.native else None
        for index, container in enumerate(self.containers):
            if container.restart_policy != wanted:
                found.append(Problem(
                    f"containers[{index}].restartPolicy",
                    f"restartPolicy {container.restart_policy!r} does not match "
                    f"native={self.native}",
                    "build the spec with SidecarSpec.of(...), which sets it from native"))
        found += check.unique("volumes", self.volumes, lambda v: v.name, field="name",
                              what="volume name")
        found += check.annotations("annotations", self.annotations)
        if STATUS_ANNOTATION in self.annotations:
            found.append(Problem(f"annotations[{STATUS_ANNOTATION!r}]",
                                 "this annotation is written by injection",
                                 "use another annotation key"))
        found += check.unique("app_mounts", self.app_mounts, lambda m: m.mount_path,
                              field="mountPath", what="mountPath")
        declared = {v.name for v in self.volumes}
        for index, mount in enumerate(self.app_mounts):
            if mount.name not in declared:
                found.append(Problem(f"app_mounts[{index}].name",
                                     f"volume {mount.name!r} is not a volume of the sidecar",
                                     "add it to volumes (declared: "
                                     + (", ".join(sorted(declared)) or "none") + ")"))
        return found

    @classmethod
    def of(cls, containers: Iterable[Container], *, volumes: Iterable[Volume] = (),
           annotations: Mapping[str, str] | None = None,
           app_mounts: Iterable[VolumeMount] = (), native: bool = False) -> "SidecarSpec":
        """A spec whose containers get ``restartPolicy: Always`` when ``native``."""
        policy = "Always" if native is True else None
        given = to_tuple(containers)
        check_types("containers", given, Container)
        return cls(tuple(c if c.restart_policy == policy else attrs.evolve(
            c, restart_policy=policy) for c in given), tuple(volumes),
            to_str_map(annotations), tuple(app_mounts), native)

    @property
    def names(self) -> tuple[str, ...]:
        """The sidecar container names."""
        return tuple(c.name for c in self.containers)

    def with_native(self, native: bool) -> "SidecarSpec":
        """The same sidecar as native sidecars (init containers) or as regular containers."""
        return SidecarSpec.of(self.containers, volumes=self.volumes,
                              annotations=self.annotations, app_mounts=self.app_mounts,
                              native=native)

    def fmap(self, f: SlotMap) -> "SidecarSpec":
        """``f`` on every container slot the spec holds: its containers, and (through
        ``f.volumes``) the mounts it gives the app containers."""
        if f.is_identity:
            return self
        return attrs.evolve(self, containers=tuple(f.on_container(c) for c in self.containers),
                            app_mounts=tuple(f.volumes(self.app_mounts)))


# --- injection -----------------------------------------------------------------------------

@attrs.frozen
class Injection:
    """The step of a :class:`~kancat.algebra.natural.Transformation` that injects ``spec``."""

    spec: SidecarSpec

    @property
    def name(self) -> str:
        return f"inject({','.join(self.spec.names)})"

    def on_pod(self, pod: PodTemplate) -> PodTemplate:
        return inject_pod(pod, self.spec)

    def fmap(self, f: SlotMap) -> "Injection":
        spec = self.spec.fmap(f)
        return self if spec is self.spec else Injection(spec)


def inject(*specs: SidecarSpec) -> Transformation:
    """The transformation injecting ``specs`` in turn (the identity for none).

    Natural for the slot maps described in the module documentation; idempotent;
    injections of different container names commute.
    """
    for index, spec in enumerate(specs):
        if not isinstance(spec, SidecarSpec):
            raise InvalidArgument(f"inject: specs[{index}] is a {type(spec).__name__}, not a "
                                  "SidecarSpec; build one with fluent_bit(), envoy(), "
                                  "node_exporter() "
                                  "or SidecarSpec.of(...)")
    return Transformation(tuple(Injection(spec) for spec in specs))


@attrs.frozen
class _Status:
    containers: frozenset[str] = frozenset()
    init_containers: frozenset[str] = frozenset()
    volumes: frozenset[str] = frozenset()
    mounts: frozenset[str] = frozenset()

    _KEYS = ("containers", "initContainers", "volumes", "mounts")

    @classmethod
    def read(cls, pod: PodTemplate) -> "_Status":
        text = pod.annotations.get(STATUS_ANNOTATION)
        if text is None:
            return cls()
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        if not (isinstance(data, dict) and set(data) == set(cls._KEYS) and all(
                isinstance(v, list) and all(isinstance(i, str) for i in v)
                for v in data.values())):
            raise InvalidValue([Problem(
                f"metadata.annotations[{STATUS_ANNOTATION!r}]",
                f"the injection record {text!r:.80} is not what kancat writes",
                "remove the annotation (kancat writes it when it injects sidecars)")])
        return cls(*(frozenset(data[key]) for key in cls._KEYS))

    def text(self) -> str:
        return json.dumps({"containers": sorted(self.containers),
                           "initContainers": sorted(self.init_containers),
                           "mounts": sorted(self.mounts), "volumes": sorted(self.volumes)},
                          separators=(",", ":"))


def inject_pod(pod: PodTemplate, spec: SidecarSpec) -> PodTemplate:
    """The component of ``inject(spec)`` at one pod template (see the module notes).

    Raises :class:`~kancat.errors.InvalidValue` (paths relative to the pod template) for
    a volume conflict or when the result is not a valid pod.
    """
    status = _Status.read(pod)
    names = frozenset(spec.names)
    regular = status.containers - names | (frozenset() if spec.native else names)
    native = status.init_containers - names | (names if spec.native else frozenset())
    injected = regular | native
    by_name = {c.name: c for c in pod.all_containers}
    by_name.update((c.name, c) for c in spec.containers)

    paths = status.mounts | {m.mount_path for m in spec.app_mounts}
    new_mounts = {m.mount_path: m for m in spec.app_mounts}
    app = tuple(_with_app_mounts(c, paths, new_mounts) for c in pod.containers
                if c.name not in injected)
    containers = app + tuple(by_name[n] for n in sorted(regular) if n in by_name)
    init = tuple(by_name[n] for n in sorted(native) if n in by_name) + tuple(
        c for c in pod.init_containers if c.name not in injected)

    volumes = {v.name: v for v in pod.volumes}
    problems = []
    for index, volume in enumerate(pod.volumes):
        wanted = next((v for v in spec.volumes if v.name == volume.name), None)
        if wanted is not None and wanted != volume:
            problems.append(Problem(
                f"spec.volumes[{index}]",
                f"volume {volume.name!r} is already declared with another source "
                f"({volume.source_field}: {volume.source!r:.60}); sidecar "
                f"{', '.join(spec.names)} declares it as {wanted.source_field}: "
                f"{wanted.source!r:.60}",
                "give the sidecar's volume another name, or declare both alike"))
    check.raise_if(problems)
    volumes.update((v.name, v) for v in spec.volumes)
    shared = status.volumes | {v.name for v in spec.volumes}
    pod_volumes = tuple(v for v in pod.volumes if v.name not in shared) + tuple(
        volumes[n] for n in sorted(shared) if n in volumes)

    record = _Status(frozenset(n for n in regular if n in by_name),
                     frozenset(n for n in native if n in by_name),
                     frozenset(n for n in shared if n in volumes), paths)
    annotations = {**pod.annotations, **spec.annotations, STATUS_ANNOTATION: record.text()}
    return attrs.evolve(pod, containers=containers, init_containers=init, volumes=pod_volumes,
                        annotations=annotations)


def _with_app_mounts(container: Container, paths: frozenset[str],
                     new: Mapping[str, VolumeMount]) -> Container:
    """The container's own mounts (at other paths) in order, then the injected ones
    sorted by path: the new ones, and those earlier injections put at recorded paths."""
    if not paths:
        return container
    current = {m.mount_path: m for m in container.volume_mounts}
    own = tuple(m for m in container.volume_mounts if m.mount_path not in paths)
    injected = tuple(mount for mount in (new.get(p, current.get(p)) for p in sorted(paths))
                     if mount is not None)
    mounts = own + injected
    return container if mounts == container.volume_mounts else attrs.evolve(
        container, volume_mounts=mounts)


# --- the three sidecars of the founding design ---------------------------------------------

_ABSOLUTE_PATH = re.compile(r"/[^:]*\Z")
_CLUSTER_NAME = re.compile(r"[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?\Z")

_FLUENT_BIT_REQUESTS: Mapping[str, str] = FrozenMap({"cpu": "50m", "memory": "64Mi"})
_FLUENT_BIT_LIMITS: Mapping[str, str] = FrozenMap({"memory": "128Mi"})
_ENVOY_REQUESTS: Mapping[str, str] = FrozenMap({"cpu": "100m", "memory": "128Mi"})
_ENVOY_LIMITS: Mapping[str, str] = FrozenMap({"memory": "256Mi"})
_NODE_EXPORTER_REQUESTS: Mapping[str, str] = FrozenMap({"cpu": "10m", "memory": "30Mi"})
_NODE_EXPORTER_LIMITS: Mapping[str, str] = FrozenMap({"memory": "64Mi"})


class _Parameters(Collect):
    """Checks a constructor's parameters, each problem at the parameter's name."""

    __slots__ = ()

    def image(self, field: str, image: object) -> ImageRef | None:
        if not isinstance(image, (str, ImageRef)):
            self.problem(field, f"image must be a string, got {image!r:.60}",
                         "give a pinned image such as fluent/fluent-bit:3.2.4")
            return None
        # An unpinned image is valid Kubernetes: like any other image, the checks across
        # objects warn about it (kancat check / emit; an error with --strict).
        return self.take(field, lambda: ImageRef.of(image))

    def label(self, field: str, value: object, what: str) -> None:
        self.add(check.dns_label(field, value, what=what))

    def port(self, field: str, value: object) -> None:
        self.add(check.port_number(field, value, what=field))

    def flag(self, field: str, value: object) -> None:
        if not isinstance(value, bool):
            self.problem(field, f"{field} must be True or False, got {value!r:.60}",
                         f"pass {field}=True or {field}=False")

    def path(self, field: str, value: object) -> None:
        if not isinstance(value, str) or not _ABSOLUTE_PATH.match(value):
            self.problem(field, f"{field} {value!r:.60} is not an absolute path",
                         "give a path such as /var/log/app, without ':'")

    def resources(self, requests: _Amounts | None, limits: _Amounts | None) -> Resources | None:
        return self.take("", lambda: Resources.of(requests=requests, limits=limits))

    def annotations(self, annotations: Mapping[str, str] | None) -> FrozenMap[str]:
        if annotations is None:
            return EMPTY
        if not isinstance(annotations, Mapping):
            self.problem("annotations", f"annotations must be a mapping, got "
                                        f"{annotations!r:.60}", "pass e.g. {'team': 'shop'}")
            return EMPTY
        self.add(check.annotations("annotations", annotations))
        return to_str_map(annotations) if self.ok else EMPTY


def fluent_bit(*, image: str = DEFAULT_IMAGES["fluent-bit"], name: str = "log-forwarder",
               elasticsearch_host: str = "elasticsearch.logging.svc.cluster.local",
               elasticsearch_port: int = 9200, config_map: str = "fluent-bit-config",
               log_volume: str = "logs", log_path: str = "/var/log/app",
               requests: _Amounts | None = _FLUENT_BIT_REQUESTS,
               limits: _Amounts | None = _FLUENT_BIT_LIMITS,
               annotations: Mapping[str, str] | None = None,
               native: bool = False) -> SidecarSpec:
    """A fluent-bit log forwarder shipping the app's log directory to Elasticsearch.

    The app containers write to ``log_path``, an emptyDir ``log_volume`` the forwarder
    mounts read-only at the same path; fluent-bit reads its configuration from the
    ConfigMap ``config_map`` mounted at ``/fluent-bit/etc/`` (see :func:`fluent_bit_config`),
    and the Elasticsearch address from ``FLUENT_ELASTICSEARCH_HOST`` and ``_PORT``.

    >>> spec = fluent_bit(elasticsearch_host="es.logging")
    >>> forwarder = spec.containers[0]
    >>> str(forwarder.image), [(e.name, e.value) for e in forwarder.env]
    ('fluent/fluent-bit:3.2.4', [('FLUENT_ELASTICSEARCH_HOST', 'es.logging'), ('FLUENT_ELASTICSEARCH_PORT', '9200')])
    >>> fluent_bit(image="Fluent/Fluent-Bit", log_path="logs")
    Traceback (most recent call last):
    ...
    kancat.errors.InvalidValue: 2 problems:
      image: 'Fluent/Fluent-Bit' is not a valid image reference (...)
      log_path: log_path 'logs' is not an absolute path (give a path such as /var/log/app, without ':')
    """
    given = _Parameters()
    ref = given.image("image", image)
    given.label("name", name, "container name")
    if not isinstance(elasticsearch_host, str) or not (
            check.dns_subdomain("elasticsearch_host", elasticsearch_host) == []
            or _is_ip(elasticsearch_host)):
        given.problem("elasticsearch_host",
                      f"elasticsearch_host {elasticsearch_host!r:.60} is not a host name or IP "
                      "address", "give e.g. elasticsearch.logging.svc.cluster.local")
    given.port("elasticsearch_port", elasticsearch_port)
    given.label("config_map", config_map, "ConfigMap (and volume) name")
    given.label("log_volume", log_volume, "volume name")
    given.path("log_path", log_path)
    resources = given.resources(requests, limits)
    notes = given.annotations(annotations)
    given.flag("native", native)
    if given.ok and config_map == log_volume:
        given.problem("config_map", f"config_map {config_map!r} is also the log volume's name",
                      "give the ConfigMap and the log volume different names")
    given.raise_if_any()
    assert ref is not None and resources is not None
    return SidecarSpec.of([Container(
        name, ref, env=(EnvVar("FLUENT_ELASTICSEARCH_HOST", elasticsearch_host),
                        EnvVar("FLUENT_ELASTICSEARCH_PORT", str(elasticsearch_port))),
        volume_mounts=(VolumeMount(log_volume, log_path, read_only=True),
                       VolumeMount(config_map, "/fluent-bit/etc/", read_only=True)),
        resources=resources)],
        volumes=[Volume(log_volume, EmptyDir()), Volume(config_map, ConfigMapVolume(config_map))],
        annotations=notes, app_mounts=[VolumeMount(log_volume, log_path)], native=native)


def envoy(*, service_cluster: str, image: str = DEFAULT_IMAGES["envoy"],
          name: str = "envoy-proxy", admin_port: int = 9901, proxy_port: int = 10000,
          config_map: str = "envoy-config",
          requests: _Amounts | None = _ENVOY_REQUESTS, limits: _Amounts | None = _ENVOY_LIMITS,
          annotations: Mapping[str, str] | None = None,
          native: bool = False) -> SidecarSpec:
    """An Envoy proxy: admin on ``admin_port`` (``admin``), traffic on ``proxy_port``
    (``proxy``), its ``envoy.yaml`` from the ConfigMap ``config_map`` at ``/etc/envoy``
    (see :func:`envoy_config`), run as
    ``envoy -c /etc/envoy/envoy.yaml --service-cluster <service_cluster>
    --service-node $(POD_NAME)`` with ``POD_NAME`` from the downward API.

    ``service_cluster`` is a parameter: a sidecar never derives it from the app (reading
    the app would make injection unnatural).

    >>> proxy = envoy(service_cluster="web").containers[0]
    >>> " ".join(proxy.command)
    'envoy -c /etc/envoy/envoy.yaml --service-cluster web --service-node $(POD_NAME)'
    >>> [(p.name, p.container_port) for p in proxy.ports]
    [('admin', 9901), ('proxy', 10000)]
    """
    given = _Parameters()
    if not isinstance(service_cluster, str) or not _CLUSTER_NAME.match(service_cluster):
        given.problem("service_cluster", f"service_cluster {service_cluster!r:.60} is not a "
                                         "cluster name",
                      "give letters, digits, '.', '_' or '-', e.g. the app's name 'web'")
    ref = given.image("image", image)
    given.label("name", name, "container name")
    given.port("admin_port", admin_port)
    given.port("proxy_port", proxy_port)
    if given.ok and admin_port == proxy_port:
        given.problem("proxy_port", f"proxy_port {proxy_port} is also the admin port",
                      "give the admin and proxy listeners different ports")
    given.label("config_map", config_map, "ConfigMap (and volume) name")
    resources = given.resources(requests, limits)
    notes = given.annotations(annotations)
    given.flag("native", native)
    given.raise_if_any()
    assert ref is not None and resources is not None
    return SidecarSpec.of([Container(
        name, ref,
        command=("envoy", "-c", "/etc/envoy/envoy.yaml", "--service-cluster", service_cluster,
                 "--service-node", "$(POD_NAME)"),
        env=(EnvVar("POD_NAME", value_from=FieldRef("metadata.name")),),
        ports=(ContainerPort(admin_port, "admin"), ContainerPort(proxy_port, "proxy")),
        volume_mounts=(VolumeMount(config_map, "/etc/envoy", read_only=True),),
        resources=resources)],
        volumes=[Volume(config_map, ConfigMapVolume(config_map))], annotations=notes,
        native=native)


def node_exporter(*, image: str = DEFAULT_IMAGES["node-exporter"],
                  name: str = "node-exporter", port: int = 9100,
                  requests: _Amounts | None = _NODE_EXPORTER_REQUESTS,
                  limits: _Amounts | None = _NODE_EXPORTER_LIMITS,
                  annotations: Mapping[str, str] | None = None,
                  native: bool = False) -> SidecarSpec:
    """A Prometheus node exporter serving ``/metrics`` on ``port`` (named ``metrics``),
    requesting 30Mi of memory and 10m of CPU.

    >>> exporter = node_exporter().containers[0]
    >>> exporter.ports[0].name, exporter.ports[0].container_port
    ('metrics', 9100)
    >>> {k: str(v) for k, v in exporter.resources.requests.items()}
    {'cpu': '10m', 'memory': '30Mi'}
    """
    given = _Parameters()
    ref = given.image("image", image)
    given.label("name", name, "container name")
    given.port("port", port)
    resources = given.resources(requests, limits)
    notes = given.annotations(annotations)
    given.flag("native", native)
    given.raise_if_any()
    assert ref is not None and resources is not None
    return SidecarSpec.of(
        [Container(name, ref, ports=(ContainerPort(port, "metrics"),), resources=resources)],
        annotations=notes, native=native)


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


# --- the ConfigMaps the sidecars read ------------------------------------------------------

def fluent_bit_config(*, name: str = "fluent-bit-config", namespace: str | None = None,
                      log_path: str = "/var/log/app") -> ConfigMap:
    """A fluent-bit configuration tailing ``<log_path>/*.log`` to Elasticsearch at
    ``${FLUENT_ELASTICSEARCH_HOST}:${FLUENT_ELASTICSEARCH_PORT}`` (the env of
    :func:`fluent_bit`), as the ConfigMap ``name``.

    >>> print(fluent_bit_config().data["fluent-bit.conf"].split("[INPUT]")[1].split("[")[0])
    <BLANKLINE>
        Name              tail
        Path              /var/log/app/*.log
        Tag               app.*
        Refresh_Interval  5
        Skip_Long_Lines   On
    <BLANKLINE>
    <BLANKLINE>
    """
    given = _Parameters()
    given.path("log_path", log_path)
    given.raise_if_any()
    config = f"""\
[SERVICE]
    Flush        5
    Log_Level    info

[INPUT]
    Name              tail
    Path              {log_path.rstrip("/")}/*.log
    Tag               app.*
    Refresh_Interval  5
    Skip_Long_Lines   On

[OUTPUT]
    Name                es
    Match               app.*
    Host                ${{FLUENT_ELASTICSEARCH_HOST}}
    Port                ${{FLUENT_ELASTICSEARCH_PORT}}
    Logstash_Format     On
    Suppress_Type_Name  On
    Replace_Dots        On
    Retry_Limit         False
"""
    return ConfigMap.of(name, {"fluent-bit.conf": config}, namespace=namespace)


_HCM = "envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager"
_ROUTER = "envoy.extensions.filters.http.router.v3.Router"


def envoy_config(*, type_url_prefix: str = "type.googleapis.com", app_port: int = 8080, name: str = "envoy-config",
                 namespace: str | None = None, admin_port: int = 9901,
                 proxy_port: int = 10000) -> ConfigMap:
    """A minimal ``envoy.yaml`` as the ConfigMap ``name``: the admin interface on
    ``admin_port`` and an HTTP listener on ``proxy_port`` routing every request to the app
    at ``127.0.0.1:<app_port>``.

    ``type_url_prefix``: the protobuf type-URL prefix of Envoy's ``typed_config``
    (``"@type": <prefix>/envoy.extensions...``): protobuf's standard type-URL prefix by
    default, the only one Envoy's JSON parser accepts (an identifier, not a host that is
    ever contacted).

    >>> config = envoy_config(app_port=8080)
    >>> "port_value: 10000" in config.data["envoy.yaml"]
    True
    """
    given = _Parameters()
    if not isinstance(type_url_prefix, str) or not re.fullmatch(r"[A-Za-z0-9.-]+",
                                                                type_url_prefix):
        given.problem("type_url_prefix", f"type_url_prefix {type_url_prefix!r:.60} is not a "
                                         "type-URL prefix",
                      "give the host part of Envoy's '@type' URLs, without '/'")
    for field, value in (("app_port", app_port), ("admin_port", admin_port),
                         ("proxy_port", proxy_port)):
        given.port(field, value)
    if given.ok and admin_port == proxy_port:
        given.problem("proxy_port", f"proxy_port {proxy_port} is also the admin port",
                      "give the admin and proxy listeners different ports")
    given.raise_if_any()
    config = f"""\
admin:
  address:
    socket_address: {{address: 0.0.0.0, port_value: {admin_port}}}
static_resources:
  listeners:
  - name: ingress
    address:
      socket_address: {{address: 0.0.0.0, port_value: {proxy_port}}}
    filter_chains:
    - filters:
      - name: envoy.filters.network.http_connection_manager
        typed_config:
          "@type": {type_url_prefix}/{_HCM}
          stat_prefix: ingress_http
          route_config:
            name: local_route
            virtual_hosts:
            - name: app
              domains: ["*"]
              routes:
              - match: {{prefix: "/"}}
                route: {{cluster: app}}
          http_filters:
          - name: envoy.filters.http.router
            typed_config:
              "@type": {type_url_prefix}/{_ROUTER}
  clusters:
  - name: app
    type: STATIC
    connect_timeout: 1s
    load_assignment:
      cluster_name: app
      endpoints:
      - lb_endpoints:
        - endpoint:
            address:
              socket_address: {{address: 127.0.0.1, port_value: {app_port}}}
"""
    return ConfigMap.of(name, {"envoy.yaml": config}, namespace=namespace,
                        annotations={ENVOY_APP_PORT: str(app_port)})
