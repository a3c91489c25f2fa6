"""The algebra (:mod:`kancat.algebra`) and the patterns (:mod:`kancat.patterns`): slot
maps, mount-preserving slot maps, policies, resource totals, mesh services, meshes and
sidecar specs."""

import functools
import re
from collections.abc import Callable, Iterable, Sequence
from fractions import Fraction
from typing import Any, TypeVar

import attrs
import hypothesis.strategies as st
from hypothesis.strategies import DrawFn, SearchStrategy

from kancat.algebra.functor import ContainerSettings, SlotMap, mirror_images, set_env
from kancat.algebra.monoidal import ControlPlane, Mesh, MeshService
from kancat.algebra.policy import MeshPolicy, MTLSMode, PodSecurityLevel
from kancat.algebra.totals import ResourceTotals
from kancat.patterns.sidecars import STATUS_ANNOTATION, SidecarSpec
from kancat.testing.strategies._draw import (
    BOOLS,
    OPTIONAL_BOOLS,
    bad,
    choices,
    draws,
    flag,
    maybe,
    pick,
    size,
)
from kancat.testing.strategies._draw import names as checked_names
from kancat.testing.strategies.containers import (
    _ENV_NAME_LISTS,
    _ENV_NAMES,
    _PORT_NAME_LISTS,
    _PORT_NUMBER_LISTS,
    _PORT_NUMBERS,
    _SHORT_TEXT,
)
from kancat.testing.strategies.names import _ONE_ANNOTATION
from kancat.testing.strategies.scalars import _DIGESTS
from kancat.testing.strategies.workloads import _REPLICAS
from kancat.values import (
    ConfigMapVolume,
    Container,
    ContainerPort,
    Deployment,
    EmptyDir,
    EnvVar,
    ImageRef,
    Probe,
    Resources,
    SecurityContext,
    StatefulSet,
    TCPSocketAction,
    Volume,
    VolumeMount,
    VolumeSource,
)
from kancat.values.container import PullPolicy

__all__ = [
    "mesh_services",
    "meshes",
    "mount_preserving_slot_maps",
    "policies",
    "resource_totals",
    "sidecar_specs",
    "slot_maps",
]

_T = TypeVar("_T")


# --- slot maps: the arrows of the ContainerF functor --------------------------------------

def _reversed(items: tuple[_T, ...]) -> tuple[_T, ...]:
    return items[::-1]


def _read_only(mounts: tuple[VolumeMount, ...]) -> tuple[VolumeMount, ...]:
    return tuple(attrs.evolve(m, read_only=True) for m in mounts)


def _without_env(name: str) -> Callable[[tuple[EnvVar, ...]], tuple[EnvVar, ...]]:
    return lambda env: tuple(e for e in env if e.name != name)


def _with_tag(tag: str) -> Callable[[ImageRef], ImageRef]:
    return lambda image: image.with_tag(tag)


def _with_settings(**changes: Any) -> Callable[[ContainerSettings], ContainerSettings]:
    return lambda settings: attrs.evolve(settings, **changes)


_IDENTITY = SlotMap.identity()
_IMAGE_MAPS: SearchStrategy[Callable[[ImageRef], ImageRef]] = st.one_of(
    st.just(_IDENTITY.image),
    st.sampled_from(("mirror.internal", "registry.example.com:5000", "localhost")).map(
        lambda registry: mirror_images(registry).image),
    st.sampled_from(("1.0", "2.3.4", "stable")).map(_with_tag),
    _DIGESTS.map(lambda digest: (lambda image: image.with_digest(digest))),
)
_ENV_MAPS: SearchStrategy[Callable[[tuple[EnvVar, ...]], tuple[EnvVar, ...]]] = st.one_of(
    st.just(_IDENTITY.env),
    st.builds(lambda name, value: set_env(name, value).env, _ENV_NAMES, _SHORT_TEXT),
    _ENV_NAMES.map(_without_env),
    st.just(_reversed),
)
_VOLUME_MAPS: SearchStrategy[Callable[[tuple[VolumeMount, ...]], tuple[VolumeMount, ...]]] = (
    st.sampled_from((_IDENTITY.volumes, _read_only, _reversed)))
_PORT_MAPS: SearchStrategy[Callable[[tuple[ContainerPort, ...]], tuple[ContainerPort, ...]]] = (
    st.sampled_from((_IDENTITY.ports, _reversed)))
_SETTINGS_MAPS: SearchStrategy[Callable[[ContainerSettings], ContainerSettings]] = st.one_of(
    st.just(_IDENTITY.settings),
    st.sampled_from(choices(PullPolicy)).map(
        lambda policy: _with_settings(image_pull_policy=policy)),
    st.lists(st.text(max_size=6), max_size=2).map(
        lambda args: _with_settings(args=tuple(args))),
    st.sampled_from(("/", "/srv", "/app")).map(
        lambda directory: _with_settings(working_dir=directory)),
)
_SLOT_MAPS = st.builds(SlotMap, image=_IMAGE_MAPS, env=_ENV_MAPS, volumes=_VOLUME_MAPS,
                       ports=_PORT_MAPS, settings=_SETTINGS_MAPS)


@draws(SlotMap)
def slot_maps() -> SearchStrategy[SlotMap]:
    """Arrows of the ``ContainerF`` functor: one everyday edit (or the identity) per slot
    — mirror the registry, retag or pin a digest, set or drop an env var, make mounts
    read-only, reorder ports, set the pull policy, args or working directory. Every one
    keeps every value valid, so laws can be checked on any drawn value.

    >>> from hypothesis import given, settings
    >>> from kancat.algebra.functor import fmap
    >>> from kancat.testing.strategies import deployments
    >>> @settings(max_examples=5)
    ... @given(slot_maps(), deployments())
    ... def test(f, web):
    ...     assert fmap(f, web).name == web.name
    >>> test()
    """
    return _SLOT_MAPS


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
    (_IDENTITY.volumes, _read_only, _read_write))
_MOUNT_PRESERVING_SLOT_MAPS = st.builds(
    SlotMap, image=_SELECTIVE_IMAGE_MAPS, env=_ENV_MAPS, volumes=_MOUNT_WISE_VOLUME_MAPS,
    ports=_PORT_MAPS, settings=_SETTINGS_MAPS)


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


def _subsets(items: tuple[str, ...]) -> SearchStrategy[frozenset[str]]:
    """A subset in one draw (a bit mask), shrinking towards the empty set."""
    return st.integers(0, 2 ** len(items) - 1).map(
        lambda mask: frozenset(n for i, n in enumerate(items) if mask >> i & 1))


_POLICIES = st.builds(
    MeshPolicy,
    mtls=st.sampled_from(MTLSMode),
    pod_security=st.sampled_from(PodSecurityLevel),
    capabilities=_subsets(_POLICY_CAPABILITIES),
    egress_hosts=_subsets(_EGRESS_HOSTS),
    required_sidecars=_subsets(_REQUIRED_SIDECARS),
    max_replicas=st.integers(-1, 5).map(lambda n: None if n < 0 else n),
    read_only_root_filesystem=st.booleans())


@draws(MeshPolicy)
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


@draws(ResourceTotals)
def resource_totals() -> SearchStrategy[ResourceTotals]:
    """Resource totals (thousandths of a unit of cpu, memory and an extended resource).

    >>> from hypothesis import find
    >>> find(resource_totals(), lambda t: t.requests.get("cpu", 0) > 1).requests["cpu"] > 1
    True
    """
    return _RESOURCE_TOTALS


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
    MeshPolicy.of(max_replicas=8, read_only_root_filesystem=True),
)
# Namespace labels (Pod Security, injection) need a namespace: services in none get
# policies that set no label, and meshes holding such services no control plane.
_MESH_LABEL_FREE_POLICIES = tuple(p for p in _MESH_POLICY_POOL
                                  if p.pod_security is PodSecurityLevel.PRIVILEGED)


def _draw_policy(draw: DrawFn, namespaced: bool) -> MeshPolicy:
    return pick(draw, _MESH_POLICY_POOL if namespaced else _MESH_LABEL_FREE_POLICIES)


_MESH_CONTROL_PLANES = (None, None, None, ControlPlane(), ControlPlane.of(revision="canary"))
_MESH_RETAGS = ("1.0", "2.0")
_MESH_APP_PORTS = (ContainerPort(8080, "http"), ContainerPort(8080),
                   ContainerPort(5432, "postgres"))
_MESH_NAMESPACES = (None, "shop")
_MESH_SIDECAR_ROLES = ("none", "container", "native")
_MESH_IMAGES = tuple(ImageRef.of(f"{repository}:{tag}") for repository in (
    "shop/web", "shop/api", "postgres", "fluent/fluent-bit", "registry.internal:5000/team/app")
    for tag in ("1.0", "1.4.2", "16.4"))


# Every drawn workload keeps every policy of the pool, and so any join of them: a drawn
# mesh emits (its objects() refuses a workload that breaks its policy).
_READ_ONLY = SecurityContext(read_only_root_filesystem=True)


def _draw_mesh_workload(draw: DrawFn, name: str, stateful: bool) -> Deployment | StatefulSet:
    """A light workload: an app container (image, one port, a little env) and sometimes
    a log-forwarding sidecar, as a container or a native sidecar (which fmap must reach
    too). Light, so that laws over triples of meshes run fast."""
    app = Container(
        "app", pick(draw, _MESH_IMAGES), ports=(pick(draw, _MESH_APP_PORTS),),
        env=tuple(EnvVar(key, draw(_SHORT_TEXT)) for key in draw(_ENV_NAME_LISTS)),
        security_context=_READ_ONLY)
    role = pick(draw, _MESH_SIDECAR_ROLES)
    sidecar = Container("log-forwarder", pick(draw, _MESH_IMAGES),
                        restart_policy="Always" if role == "native" else None,
                        security_context=_READ_ONLY)
    containers = (app, sidecar) if role == "container" else (app,)
    init = (sidecar,) if role == "native" else ()
    namespace = pick(draw, _MESH_NAMESPACES)
    replicas = maybe(draw, _REPLICAS)
    if stateful:
        return StatefulSet.of(name, service_name=name, containers=containers,
                              init_containers=init, namespace=namespace, replicas=replicas)
    return Deployment.of(name, containers=containers, init_containers=init,
                         namespace=namespace, replicas=replicas)


@st.composite
def _base_mesh_service(draw: DrawFn, name: str) -> MeshService:
    shape = draw(st.integers(0, 3))
    workload = _draw_mesh_workload(draw, name, stateful=shape == 3)
    policy = _draw_policy(draw, workload.metadata.namespace is not None)
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
    assert isinstance(first, (Deployment, StatefulSet))  # as _draw_mesh_workload draws
    if choice <= 5:
        return base
    if choice <= 8:
        return attrs.evolve(base, policy=_draw_policy(draw, base.namespace is not None))
    choice -= 5
    if choice == 4 or (choice == 6 and base.service is None):
        changed = attrs.evolve(first, replicas=(first.replicas or 0) + 1)
    elif choice == 5:
        pod = first.template
        app = pod.containers[0]
        app = attrs.evolve(app, image=app.image.with_tag(pick(draw, _MESH_RETAGS)))
        changed = attrs.evolve(first, template=attrs.evolve(
            pod, containers=(app, *pod.containers[1:])))
    else:
        assert base.service is not None
        port = base.service.ports[0]
        moved = attrs.evolve(port, port=port.port % 65535 + 1)
        return attrs.evolve(base, service=attrs.evolve(base.service, ports=(moved,)))
    return attrs.evolve(base, workloads=(changed, *base.workloads[1:]))


@st.composite
def _mesh_services(draw: DrawFn, service_names: tuple[str, ...]) -> MeshService:
    base = draw(_shared_mesh_service(pick(draw, service_names)))
    return _draw_mesh_variant(draw, base)


def _mesh_names(call: str, given: object) -> tuple[str, ...]:
    chosen = checked_names(call, "names", given, rule=lambda n: bool(
        re.fullmatch(r"[a-z]([-a-z0-9]*[a-z0-9])?", n)) and len(n) <= 40,
        what="DNS-1035 labels (at most 40 characters) such as 'web'")
    if not chosen:
        raise bad(call, "names", given, "names must hold at least one name; pass e.g. "
                  "names=['web', 'db']")
    return tuple(sorted(set(chosen)))


@functools.cache
def _mesh_service_strategy(service_names: tuple[str, ...]) -> SearchStrategy[MeshService]:
    return _mesh_services(service_names)


@draws(MeshService)
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
def _meshes(draw: DrawFn, service_names: tuple[str, ...], max_services: int) -> Mesh:
    count = draw(st.integers(0, min(max_services, len(service_names))))
    chosen = draw(st.permutations(service_names))[:count]
    services = [_draw_mesh_variant(draw, draw(_shared_mesh_service(name))) for name in chosen]
    if draw(BOOLS):  # it normalises away
        services.append(MeshService.passthrough())
    # a control plane labels the services' namespaces: only for services in one
    namespaced = all(s.namespace is not None for s in services if not s.is_passthrough)
    plane = pick(draw, _MESH_CONTROL_PLANES) if namespaced else None
    return Mesh.of(*services, control_plane=plane, policy=_draw_policy(draw, namespaced))


@functools.cache
def _mesh_strategy(service_names: tuple[str, ...], max_services: int) -> SearchStrategy[Mesh]:
    return _meshes(service_names, max_services)


@draws(Mesh)
def meshes(*, names: Iterable[str] = _MESH_NAMES, max_services: int = 3
           ) -> SearchStrategy[Mesh]:
    """Meshes of up to ``max_services`` services (as :func:`mesh_services` draws them,
    names from ``names``), sometimes a control plane (from a pool of two, so that
    control planes conflict too; only where every service is in a namespace, which
    the control plane labels) and a mesh-wide policy. Every workload keeps the policy
    it runs under, so ``objects()`` of a drawn mesh succeeds. Meshes drawn in one test
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
    return _mesh_strategy(_mesh_names(call, names), size(call, "max_services", max_services,
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
    Resources(requests={"cpu": "10m", "memory": "30Mi"}),
    Resources(requests={"cpu": "50m", "memory": "64Mi"}, limits={"memory": "128Mi"}),
)


def _draw_sidecar(draw: DrawFn, name: str, volume_names: Sequence[str],
                  native: bool) -> Container:
    """A sidecar container: lighter to draw than ``containers()`` (many are drawn per
    example), with what slot maps act on — env, ports, mounts, a probe, resources."""
    count = draw(st.integers(0, 2))
    ports = tuple(ContainerPort(number, port_name) for number, port_name in zip(
        draw(_PORT_NUMBER_LISTS[count]), draw(_PORT_NAME_LISTS[count]), strict=True))
    env = tuple(EnvVar(key, draw(_SHORT_TEXT)) for key in draw(_ENV_NAME_LISTS))
    mounts = tuple(VolumeMount(volume, f"/sidecar/{volume}", draw(OPTIONAL_BOOLS))
                   for volume in volume_names if draw(BOOLS))
    probed = len(ports) > 0 and draw(BOOLS)
    probe = Probe(TCPSocketAction(ports[0].name or ports[0].container_port),
                  period_seconds=10) if probed else None
    return Container(name, pick(draw, _SIDECAR_IMAGES), ports=ports, env=env,
                     resources=pick(draw, _SIDECAR_RESOURCES), volume_mounts=mounts,
                     readiness_probe=probe,
                     restart_policy="Always" if native else None)


@st.composite
def _sidecar_spec(draw: DrawFn, native: bool | None) -> SidecarSpec:
    is_native = draw(BOOLS) if native is None else native
    volume_names = draw(_SIDECAR_VOLUME_LISTS)
    containers = [_draw_sidecar(draw, name, volume_names, is_native)
                  for name in draw(_SIDECAR_NAME_LISTS)]
    notes = {k: v for k, v in draw(_ONE_ANNOTATION).items() if k != STATUS_ANNOTATION}
    return SidecarSpec(
        containers=containers,
        volumes=[Volume(n, _SIDECAR_VOLUMES[n][0]) for n in volume_names],
        annotations=notes,
        app_mounts=[VolumeMount(n, _SIDECAR_VOLUMES[n][1]) for n in volume_names
                    if draw(BOOLS)],
        native=is_native)


@functools.cache
def _sidecar_spec_strategy(native: bool | None) -> SearchStrategy[SidecarSpec]:
    return _sidecar_spec(native)


@draws(SidecarSpec)
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
        flag("sidecar_specs", "native", native)
    return _sidecar_spec_strategy(native)
