"""The ``ContainerF`` functor: map a container's slots, one function per slot.

A container has five slots — ``image``, ``env``, ``volumes`` (its volume mounts),
``ports`` and ``settings`` (everything else it carries: resources, security
context, probes, command, ...). Its *structure* is what no slot holds: the
container's name and whether it is a native sidecar. A :class:`SlotMap` holds one
function per slot (the identity where none is given), and :func:`fmap` applies it
to a container, or to every container of a pod, workload, list of objects or
mesh — init containers and sidecars included — leaving the structure unchanged.

Laws (checked in ``property_tests/test_functor_laws.py``, for maps whose results
are valid values)::

    fmap(SlotMap.identity(), x) == x                          identity
    fmap(f.then(g), x) == fmap(g, fmap(f, x))                  composition
    fmap(map_image(h), x) == fmap(SlotMap(image=h), x)         single-slot agreement
    fmap(map_env(e), fmap(map_image(h), x))
        == fmap(map_image(h), fmap(map_env(e), x))             single-slot maps commute

Reference: Mac Lane, *Categories for the Working Mathematician*, I.3 (functors);
``ContainerF`` is the polynomial functor of the founding design, with the slot
functions as its arrows.

>>> from kancat.values import Container, Deployment
>>> web = Deployment.of("web", containers=[
...     Container.of("app", image="shop/web:1.4.2", env={"LOG_LEVEL": "info"}),
...     Container.of("log-forwarder", image="fluent/fluent-bit:3.2.4")])
>>> mirrored = fmap(mirror_images("mirror.internal"), web)
>>> [str(c.image) for c in mirrored.template.containers]
['mirror.internal/shop/web:1.4.2', 'mirror.internal/fluent/fluent-bit:3.2.4']
>>> edited = fmap(mirror_images("mirror.internal").then(set_env("LOG_LEVEL", "debug")), web)
>>> edited.template.containers[0].env[0].value
'debug'
"""

import contextlib
import contextvars
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, Protocol, TypeAlias, TypeVar, runtime_checkable

import attrs

from kancat.core.frozen import FrozenMap
from kancat.errors import InvalidArgument, InvalidValue, Problem
from kancat.values import (
    Container,
    ContainerPort,
    EnvSource,
    EnvVar,
    ImageRef,
    KubeObjectBase,
    OpaqueObject,
    PodTemplate,
    Probe,
    Quantity,
    Resources,
    SecurityContext,
    VolumeMount,
)
from kancat.values.container import PullPolicy
from kancat.values.kinds import pod_of, with_pod

__all__ = [
    "Audit",
    "ContainerSettings",
    "Functorial",
    "SlotMap",
    "add_volume_mount",
    "applying",
    "compose_all",
    "fmap",
    "map_env",
    "map_image",
    "map_ports",
    "map_settings",
    "map_volumes",
    "mirror_images",
    "note",
    "pin_digests",
    "set_env",
    "set_resources",
]

_A = TypeVar("_A")
_T = TypeVar("_T")


def _identity(value: _A) -> _A:
    return value


@attrs.frozen
class ContainerSettings:
    """The ``settings`` slot: what a container carries besides its image, env, mounts
    and ports, and besides its structure (name, native-sidecar restart policy)."""

    resources: Resources
    security_context: SecurityContext | None
    liveness_probe: Probe | None
    readiness_probe: Probe | None
    startup_probe: Probe | None
    command: tuple[str, ...]
    args: tuple[str, ...]
    working_dir: str | None
    image_pull_policy: PullPolicy | None
    extra: FrozenMap[Any]

    @classmethod
    def of_container(cls, container: Container) -> "ContainerSettings":
        return cls(**{name: getattr(container, name) for name in _SETTINGS})


_SETTINGS: tuple[str, ...] = tuple(f.name for f in attrs.fields(ContainerSettings))


ImageMap: TypeAlias = Callable[[ImageRef], ImageRef]
EnvMap: TypeAlias = Callable[[tuple[EnvVar, ...]], tuple[EnvVar, ...]]
VolumesMap: TypeAlias = Callable[[tuple[VolumeMount, ...]], tuple[VolumeMount, ...]]
PortsMap: TypeAlias = Callable[[tuple[ContainerPort, ...]], tuple[ContainerPort, ...]]
SettingsMap: TypeAlias = Callable[[ContainerSettings], ContainerSettings]


def _then(first: Callable[[_A], _A], second: Callable[[_A], _A]) -> Callable[[_A], _A]:
    if first is _identity:
        return second
    if second is _identity:
        return first
    return lambda value: second(first(value))


@attrs.frozen(eq=False)
class Audit:
    """A check a slot map makes once a whole value has been mapped: ``check`` gets what
    the map's functions noted while mapping (:func:`note`, ``None`` when they never
    ran) and returns the problems. :func:`pin_digests` uses one to say which pins
    matched no image."""

    check: Callable[[Any], list[Problem]]


_NOTES: contextvars.ContextVar[dict[Audit, Any] | None] = contextvars.ContextVar(
    "kancat_slot_map_notes", default=None)


def note(audit: Audit, default: Callable[[], _A]) -> _A | None:
    """The notes of ``audit`` in the mapping under way (made by ``default()`` the first
    time), or ``None`` outside :func:`applying` (a slot function called on its own)."""
    notes = _NOTES.get()
    if notes is None:
        return None
    found: _A = notes.setdefault(audit, default()) if audit not in notes else notes[audit]
    return found


@contextlib.contextmanager
def applying(f: "SlotMap") -> Iterator[None]:
    """The scope of one application of ``f`` to a whole value: when the outermost one
    ends, ``f``'s audits run and their problems are raised together
    (:class:`~kancat.errors.InvalidValue`). :func:`fmap` opens one; so do the
    ``fmap`` methods of kancat's own values (a mesh), so that an audit sees the whole
    mesh, not one workload at a time."""
    if not f.audits or _NOTES.get() is not None:
        yield
        return
    notes: dict[Audit, Any] = {}
    token = _NOTES.set(notes)
    try:
        yield
    finally:
        _NOTES.reset(token)
    problems = [problem for audit in f.audits for problem in audit.check(notes.get(audit))]
    if problems:
        raise InvalidValue(problems)


@attrs.frozen
class SlotMap:
    """One function per container slot; a slot left out is mapped by the identity.

    A slot map is itself a function on anything :func:`fmap` accepts:
    ``SlotMap(image=...)(deployment)`` is ``fmap(SlotMap(image=...), deployment)``.
    ``audits`` are checks on the whole mapping (see :class:`Audit`); they take no part
    in the action on containers, so the functor laws hold with or without them.
    """

    image: ImageMap = _identity
    env: EnvMap = _identity
    volumes: VolumesMap = _identity
    ports: PortsMap = _identity
    settings: SettingsMap = _identity
    audits: tuple[Audit, ...] = ()

    @classmethod
    def identity(cls) -> "SlotMap":
        """The identity arrow: every slot mapped to itself."""
        return _IDENTITY

    def then(self, other: "SlotMap") -> "SlotMap":
        """Composition, first ``self`` then ``other`` (``other ∘ self``), slot by slot.

        Associative, with :meth:`identity` as unit on both sides.
        """
        return SlotMap(_then(self.image, other.image), _then(self.env, other.env),
                       _then(self.volumes, other.volumes), _then(self.ports, other.ports),
                       _then(self.settings, other.settings), self.audits + other.audits)

    @property
    def is_identity(self) -> bool:
        return self is _IDENTITY or all(
            f is _identity for f in (self.image, self.env, self.volumes, self.ports,
                                     self.settings))

    def __call__(self, target: _T) -> _T:
        return fmap(self, target)

    def on_container(self, container: Container) -> Container:
        """``ContainerF`` on arrows: the container with each slot mapped."""
        if self.is_identity:
            return container
        changes: dict[str, Any] = {}
        if self.image is not _identity:
            changes["image"] = self.image(container.image)
        if self.env is not _identity:
            changes["env"] = tuple(self.env(container.env))
        if self.volumes is not _identity:
            changes["volume_mounts"] = tuple(self.volumes(container.volume_mounts))
        if self.ports is not _identity:
            changes["ports"] = tuple(self.ports(container.ports))
        if self.settings is not _identity:
            settings = self.settings(ContainerSettings.of_container(container))
            changes.update((name, getattr(settings, name)) for name in _SETTINGS)
        return attrs.evolve(container, **changes)


_IDENTITY = SlotMap()


@runtime_checkable
class Functorial(Protocol):
    """A value of kancat's own (a mesh, a sidecar spec, ...) that maps its containers."""

    def fmap(self, f: SlotMap) -> Any: ...


def fmap(f: SlotMap, target: _T) -> _T:
    """Apply ``f`` to every container of ``target``, keeping its structure.

    ``target`` is a container, a pod template, any top-level kancat object (its pods
    found through the kinds table; objects without pods, and carried objects, are
    returned unchanged), a list or tuple of these, or a :class:`Functorial` value.
    Raises :class:`~kancat.errors.InvalidValue` when a mapped value breaks a rule (e.g.
    a probe naming a port the map removed), or when an audit of ``f`` finds a problem
    (a pinned digest that matched no image).
    """
    with applying(f):
        return _fmap(f, target)


def _fmap(f: SlotMap, target: _T) -> _T:
    result: Any
    if isinstance(target, Container):
        result = f.on_container(target)
    elif isinstance(target, KubeObjectBase):  # first: a Pod is also a PodTemplate
        pod = pod_of(target)
        result = target if pod is None else with_pod(target, _on_pod(f, pod))
    elif isinstance(target, PodTemplate):
        result = _on_pod(f, target)
    elif isinstance(target, OpaqueObject):
        result = target
    elif isinstance(target, list):
        result = [_fmap(f, item) for item in target]
    elif isinstance(target, tuple):
        result = tuple(_fmap(f, item) for item in target)
    elif isinstance(target, Functorial):
        result = target.fmap(f)
    else:
        raise InvalidArgument(f"fmap: cannot map {type(target).__name__}; give a container, "
                              "pod template, workload, kancat object, list of them, or a "
                              "value with an fmap method")
    return result  # type: ignore[no-any-return]  # same type as target, by construction


def _on_pod(f: SlotMap, pod: PodTemplate) -> PodTemplate:
    if f.is_identity:
        return pod
    return attrs.evolve(pod, containers=tuple(f.on_container(c) for c in pod.containers),
                        init_containers=tuple(f.on_container(c) for c in pod.init_containers))


# --- single-slot maps ------------------------------------------------------------------------

def map_image(f: ImageMap) -> SlotMap:
    """Map only the image slot."""
    return SlotMap(image=f)


def map_env(f: EnvMap) -> SlotMap:
    """Map only the env slot (the whole list, so variables can be added or removed)."""
    return SlotMap(env=f)


def map_volumes(f: VolumesMap) -> SlotMap:
    """Map only the volumes slot (the container's volume mounts)."""
    return SlotMap(volumes=f)


def map_ports(f: PortsMap) -> SlotMap:
    """Map only the ports slot."""
    return SlotMap(ports=f)


def map_settings(f: SettingsMap) -> SlotMap:
    """Map only the settings slot (resources, security context, probes, command, ...)."""
    return SlotMap(settings=f)


# --- everyday edits --------------------------------------------------------------------------

_REGISTRY = re.compile(
    r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
    r"(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*(?::[0-9]+)?\Z")


def mirror_images(registry: str, *, docker_hub_library: bool = True) -> SlotMap:
    """Pull every image from ``registry`` instead (sidecars included).

    An image without a registry comes from Docker Hub, where a one-part name such as
    ``nginx`` means ``library/nginx``; with ``docker_hub_library`` (the default) the
    mirror is asked for ``library/nginx``, as registry mirrors and pull-through caches
    expect.

    >>> from kancat.values import ImageRef
    >>> str(mirror_images("mirror.internal:5000").image(ImageRef.of("nginx:1.27")))
    'mirror.internal:5000/library/nginx:1.27'
    """
    if not isinstance(registry, str) or not _REGISTRY.match(registry):
        raise InvalidValue([Problem("registry", f"{registry!r} is not a registry host",
                                    "give a host name with an optional port, e.g. "
                                    "mirror.internal:5000")])

    def mirror(image: ImageRef) -> ImageRef:
        repository = image.repository
        if docker_hub_library and image.registry is None and "/" not in repository:
            repository = f"library/{repository}"
        return attrs.evolve(image, registry=registry, repository=repository)

    return map_image(mirror)


def pin_digests(digests: Mapping[str, str]) -> SlotMap:
    """Pin images to content digests: ``digests`` maps ``name:tag`` (or a bare
    ``name``, for any tag) to ``sha256:...``. Other images are left as they are; a pin
    that matches no image of the value mapped is a problem (a typo, or a stale list),
    raised by :func:`fmap` with the images the value has.

    >>> from kancat.values import Container
    >>> web = Container.of("app", image="shop/web:1.4.2")
    >>> str(fmap(pin_digests({"shop/web:1.4.2": "sha256:" + "ab" * 32}), web).image)[-20:]
    'abababababababababab'
    >>> fmap(pin_digests({"shop/web:1.4.3": "sha256:" + "ab" * 32}), web)
    Traceback (most recent call last):
    ...
    kancat.errors.InvalidValue: 1 problem:
      digests['shop/web:1.4.3']: 'shop/web:1.4.3' matches no image (the images are shop/web:1.4.2) (name an image as name:tag or name, or drop the pin)
    """
    problems: list[Problem] = []
    for key, digest in digests.items():
        try:
            ImageRef.of(f"{key}@{digest}")
        except InvalidValue as error:
            problems.extend(p.under(f"digests[{key!r}]") for p in error.problems)
    if problems:
        raise InvalidValue(problems)
    table = dict(digests)

    def unused(seen: tuple[set[str], set[str]] | None) -> list[Problem]:
        images, used = seen if seen is not None else (set(), set())
        listed = ", ".join(sorted(images)) or "none"
        return [Problem(f"digests[{key!r}]", f"{key!r} matches no image (the images are "
                                             f"{listed})",
                        "name an image as name:tag or name, or drop the pin")
                for key in table if key not in used]

    audit = Audit(unused)

    def pin(image: ImageRef) -> ImageRef:
        tagged = f"{image.name}:{image.tag}" if image.tag is not None else image.name
        key = tagged if tagged in table else image.name if image.name in table else None
        seen: tuple[set[str], set[str]] | None = note(audit, lambda: (set(), set()))
        if seen is not None:
            seen[0].add(str(image))
            if key is not None:
                seen[1].add(key)
        return image if key is None else image.with_digest(table[key])

    return SlotMap(image=pin, audits=(audit,))


def set_env(name: str, value: str | EnvSource) -> SlotMap:
    """Set ``name`` in every container: replaced where it is, appended where it is not.

    >>> from kancat.values import EnvVar
    >>> set_env("A", "2").env((EnvVar("A", "1"), EnvVar("B", "x")))
    (EnvVar(name='A', value='2', value_from=None), EnvVar(name='B', value='x', value_from=None))
    """
    var = EnvVar(name, value) if isinstance(value, str) else EnvVar(name, value_from=value)

    def upsert(env: tuple[EnvVar, ...]) -> tuple[EnvVar, ...]:
        if any(e.name == name for e in env):
            return tuple(var if e.name == name else e for e in env)
        return (*env, var)

    return map_env(upsert)


def add_volume_mount(volume: str, mount_path: str, *, read_only: bool | None = None
                     ) -> SlotMap:
    """Mount the pod volume ``volume`` at ``mount_path`` in every container (replacing
    a mount already at that path). The pod must declare the volume."""
    mount = VolumeMount(volume, mount_path, read_only)

    def upsert(mounts: tuple[VolumeMount, ...]) -> tuple[VolumeMount, ...]:
        kept = tuple(m for m in mounts if m.mount_path != mount_path)
        return (*kept, mount)

    return map_volumes(upsert)


def set_resources(*, requests: Mapping[str, str | int | float | Quantity] | None = None,
                  limits: Mapping[str, str | int | float | Quantity] | None = None) -> SlotMap:
    """Set resource requests and limits (the named resources only; others kept).

    >>> from kancat.values import Container
    >>> bounded = set_resources(limits={"memory": "512Mi"})(
    ...     Container.of("app", image="web:1", requests={"memory": "256Mi"}))
    >>> {k: str(v) for k, v in bounded.resources.limits.items()}
    {'memory': '512Mi'}
    """
    given = Resources.of(requests=requests, limits=limits)

    def bound(settings: ContainerSettings) -> ContainerSettings:
        current = settings.resources
        resources = Resources(requests={**current.requests, **given.requests},
                              limits={**current.limits, **given.limits}, extra=current.extra)
        return attrs.evolve(settings, resources=resources)

    return map_settings(bound)


def compose_all(maps: Iterable[SlotMap]) -> SlotMap:
    """``m1.then(m2)...then(mn)``; the identity for no maps."""
    result = SlotMap.identity()
    for item in maps:
        result = result.then(item)
    return result
