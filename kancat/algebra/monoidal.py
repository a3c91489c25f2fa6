"""Services combine into a mesh: a strict symmetric monoidal structure ``(Mesh, ⊗, I)``.

A :class:`MeshService` is one service of the mesh: its workloads, the Kubernetes
Service in front of them, and the policy it asks for. A :class:`Mesh` is a finite
map *identity → service* (in normal form: keyed by the services' identities,
``namespace/name`` — or the bare name for a service in no namespace — the
passthrough service never stored), an optional :class:`ControlPlane` and a
mesh-wide :class:`~kancat.algebra.policy.MeshPolicy`.

``a ⊗ b`` (:meth:`Mesh.tensor`, also ``a @ b``) is the union of the two meshes:

* services are united by identity (so ``web`` in ``shop`` and ``web`` in ``blog`` are
  two services); an identity on both sides must carry the same service — the same
  workloads and Kubernetes Service — and then its two policies join (``⊔``): equal
  services combine to one, so ``a ⊗ a == a``;
* an identity carrying two different services makes ``⊗`` undefined:
  ``Failure(MeshConflict)`` naming the service and every differing field, both
  values given (left operand first); so do two services that carry different
  versions of one Kubernetes object (the same kind, namespace and name);
* control planes: ``None`` is neutral, equal ones combine, different ones are a
  conflict (``MeshConflict.service is None``);
* the mesh-wide policies join.

The unit ``I`` is the empty mesh (:meth:`Mesh.unit`): the passthrough service
(:meth:`MeshService.passthrough`, a service with no workloads, no Kubernetes
Service and the bottom policy) normalises away, so ``Mesh.of(passthrough) == I``.

Laws, for all meshes ``a, b, c`` and slot maps ``f`` (Mac Lane, *Categories for
the Working Mathematician*, VII.1 monoidal categories, XI.1 symmetric monoidal
categories). ``⊗`` is partial, so the laws hold *through the Result*: where a law
says ``x == y``, either both sides are ``Success`` and equal, or both are
``Failure``::

    (a ⊗ b) ⊗ c == a ⊗ (b ⊗ c)                 associativity   (α = identity)
    I ⊗ a == a == a ⊗ I                         unit            (λ, ρ = identities)
    a ⊗ b == b ⊗ a                              symmetry        (σ = identity)
    fmap(f, a ⊗ b) == fmap(f, a) ⊗ fmap(f, b)   bifunctoriality (when a ⊗ b is defined)
    a ⊗ a == a                                  idempotence of this model
    Mesh.of(passthrough) ⊗ a == a               the passthrough normalises away

Failures are compared more closely where that is true: ``b ⊗ a`` fails with the
conflict of ``a ⊗ b``, sides exchanged (:meth:`MeshConflict.swapped`); a conflict
always names the control plane first, else the smallest conflicting service
name. Across bracketings only failure-ness is compared: ``(a ⊗ b) ⊗ c`` may stop
at a conflict between ``a`` and ``b`` while ``a ⊗ (b ⊗ c)`` stops at one between
``b`` and ``c``. :meth:`Mesh.tensor_all` sees all its operands at once and reports
the same conflict however they are bracketed.

The model is *strict*: associator, unitors and braiding are identities, because a
mesh is a map in normal form and union of maps is associative, unital and
commutative on the nose. The pentagon, the triangle and the hexagons are
equations between identities and hold by construction; ``σ ∘ σ = id`` likewise.
``fmap`` with a slot map whose action makes two different definitions of a
service equal (say, retagging two versions to one tag) can turn a failing
``a ⊗ b`` into a succeeding ``fmap(f, a) ⊗ fmap(f, b)``: bifunctoriality is the
equation where ``a ⊗ b`` is defined, and the failure is kept only for maps that
keep the conflicting definitions different.

Catlab.jl names the same operations ``otimes`` and ``munit`` (theory
``SymmetricMonoidalCategory``, with ``braid`` the identity here).

>>> from kancat.values import Container, Deployment, StatefulSet
>>> web = MeshService.of(Deployment.of("web", namespace="shop", containers=[
...     Container.of("app", image="shop/web:1.4.2", ports={"http": 8080})]), port=80)
>>> db = MeshService.of(StatefulSet.of("db", namespace="shop", service_name="db", containers=[
...     Container.of("postgres", image="postgres:16.4", ports={"postgres": 5432})]), port=5432)
>>> mesh = Mesh.of(web, db)
>>> mesh.names
('shop/db', 'shop/web')
>>> [f"{o.kind}/{o.name}" for o in mesh.objects()]
['Service/db', 'StatefulSet/db', 'Service/web', 'Deployment/web']
>>> mesh.tensor(Mesh.of(web)) == Success(mesh)          # equal services combine to one
True
>>> scaled = MeshService.of(Deployment.of("web", namespace="shop", replicas=5, containers=[
...     Container.of("app", image="shop/web:1.4.2", ports={"http": 8080})]), port=80)
>>> print(mesh.tensor(Mesh.of(scaled)).failure())
service 'shop/web' is defined differently on the two sides of ⊗:
  workloads[web].replicas: None vs 5
(make the two definitions equal, rename one of the services, or leave it out of one side)
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Final, TypeAlias

import attrs
from returns.result import Failure, Result, Success

from kancat.algebra.functor import SlotMap, applying, fmap
from kancat.algebra.natural import Transformation
from kancat.algebra.policy import MeshPolicy, MTLSMode
from kancat.core import rules as check
from kancat.core.collect import Collect, check_types, to_tuple
from kancat.core.diff import differences
from kancat.core.frozen import EMPTY, FrozenMap
from kancat.errors import FieldConflict, InvalidArgument, InvalidValue, MeshConflict, Problem
from kancat.values import (
    DaemonSet,
    Deployment,
    KubeObjectBase,
    PodController,
    ReplicaSet,
    Service,
    StatefulSet,
)
from kancat.values.service import ServiceType

__all__ = [
    "ControlPlane",
    "Mesh",
    "MeshResult",
    "MeshService",
    "Workload",
]

Workload: TypeAlias = PodController
"""The kinds whose pods a mesh service runs: Deployment, StatefulSet, ReplicaSet and
DaemonSet, which keep their pods running for the Service to route to (see
:meth:`Service.expose <kancat.values.Service.expose>`; not a Job, CronJob or bare Pod)."""

_BOTTOM: Final = MeshPolicy.bottom()

MeshResult: TypeAlias = Result["Mesh", MeshConflict]
"""What ``⊗`` returns: the combined mesh, or the conflict that makes it undefined."""


# --- the control plane -----------------------------------------------------------------------

@attrs.frozen
class ControlPlane:
    """The mesh's control plane, kept minimal: the Istio ``revision`` its proxies
    belong to (label ``istio.io/rev``; ``None`` for the default revision) and the
    mesh-wide default mTLS mode (Istio's default is ``PERMISSIVE``).

    >>> ControlPlane.of(revision="1-24", default_mtls="STRICT")
    ControlPlane(revision='1-24', default_mtls=MTLSMode.STRICT)
    >>> ControlPlane.of(revision="Canary!")
    Traceback (most recent call last):
    ...
    kancat.errors.InvalidValue: 1 problem:
      revision: revision 'Canary!' is not a DNS-1123 label (...)
    """

    revision: str | None = None
    default_mtls: MTLSMode = MTLSMode.PERMISSIVE

    def __attrs_post_init__(self) -> None:
        found: list[Problem] = []
        if self.revision is not None:
            found += check.dns_label("revision", self.revision, what="revision")
        if not isinstance(self.default_mtls, MTLSMode):
            found.append(Problem("defaultMtls", "default_mtls must be an MTLSMode, got "
                                 f"{self.default_mtls!r:.60}",
                                 "use MTLSMode.PERMISSIVE, or ControlPlane.of(default_mtls="
                                 "'PERMISSIVE')"))
        check.raise_if(found)

    @classmethod
    def of(cls, *, revision: str | None = None,
           default_mtls: "MTLSMode | str" = MTLSMode.PERMISSIVE) -> "ControlPlane":
        """A control plane from friendly inputs (the mode may be its name)."""
        collect = Collect()
        mode = collect.take("defaultMtls", lambda: MTLSMode.of(default_mtls))
        if revision is not None:
            collect.add(check.dns_label("revision", revision, what="revision"))
        collect.raise_if_any()
        assert mode is not None
        return cls(revision, mode)

    def differences(self, other: "ControlPlane") -> tuple[FieldConflict, ...]:
        """The fields in which two control planes differ (empty when equal)."""
        return tuple(differences(self, other)) if self != other else ()


# --- one service -----------------------------------------------------------------------------

def _slot_map(f: SlotMap | None, changes: Mapping[str, Any]) -> SlotMap:
    """``f`` followed by the slot functions given by keyword."""
    if f is not None and not isinstance(f, SlotMap):
        raise InvalidArgument(f"fmap takes a SlotMap, got {type(f).__name__} {f!r:.60}; "
                              "or give slot functions by keyword, e.g. fmap(image=...)")
    given = {slot: function for slot, function in changes.items() if function is not None}
    keyword_map = SlotMap(**given) if given else SlotMap.identity()
    return keyword_map if f is None else f.then(keyword_map)


def _workloads(items: Iterable[Workload]) -> tuple[Workload, ...]:
    """Converter: the workloads as a tuple (typed, so mypy checks what is passed)."""
    return to_tuple(items)


def _identity_of(workload: Workload) -> str:
    return f"{workload.kind}/{workload.name}"


@attrs.frozen
class MeshService:
    """One service of a mesh: its ``workloads``, the Kubernetes ``service`` in front
    of them (``None`` for a service without one, e.g. a queue worker) and the
    ``policy`` it asks for (the bottom policy, asking nothing, by default).

    The constructor checks that the parts agree: ``name`` is a DNS-1035 label and
    names the Kubernetes Service; every object is in one namespace; the Service
    selects the pods of every workload, and every workload declares the ports it
    targets by name; no two workloads share kind and name. A service with no
    workloads, no Kubernetes Service and the bottom policy is the *passthrough*
    service: it stands for nothing, and meshes drop it.

    >>> from kancat.values import Container, Deployment, Service
    >>> api = Deployment.of("api", containers=[
    ...     Container.of("app", image="shop/api:2.0", ports={"http": 8080})])
    >>> MeshService.of(api, port=80).service.ports[0].target_port
    'http'
    >>> MeshService("api", [api], Service.of("api", selector={"app": "web"}, ports={"http": 80}))
    Traceback (most recent call last):
    ...
    kancat.errors.InvalidValue: 1 problem:
      service.spec.selector: the Service selector {'app': 'web'} does not select the pods of workloads[0] (Deployment/api, labels {'app': 'api'}) (...)
    """

    name: str
    workloads: tuple[Workload, ...] = attrs.field(default=(), converter=_workloads)
    service: Service | None = None
    policy: MeshPolicy = _BOTTOM

    def __attrs_post_init__(self) -> None:
        check_types("workloads", self.workloads, (Deployment, StatefulSet, ReplicaSet,
                                                  DaemonSet))
        if self.service is not None and not isinstance(self.service, Service):
            raise InvalidArgument(f"service must be a Service or None, got "
                                  f"{type(self.service).__name__} {self.service!r:.60}")
        if not isinstance(self.policy, MeshPolicy):
            raise InvalidArgument(f"policy must be a MeshPolicy, got "
                                  f"{type(self.policy).__name__} {self.policy!r:.60}")
        check.raise_if(self._problems())

    def _problems(self) -> list[Problem]:
        found = check.dns1035_label("name", self.name, what="mesh service name")
        found += check.unique("workloads", self.workloads, _identity_of, field="metadata.name",
                              what="workload")
        service = self.service
        namespace = (service.metadata.namespace if service is not None
                     else self.workloads[0].metadata.namespace if self.workloads else None)
        for index, workload in enumerate(self.workloads):
            if workload.metadata.namespace != namespace:
                found.append(Problem(
                    f"workloads[{index}].metadata.namespace",
                    f"namespace {workload.metadata.namespace!r} differs from the service's "
                    f"{namespace!r}", "put the workloads and their Service in one namespace"))
        if service is None:
            return found
        if service.name != self.name:
            found.append(Problem("service.metadata.name",
                                 f"the Service is named {service.name!r}, the mesh service "
                                 f"{self.name!r}", "give both the same name"))
        if self.workloads and not service.selector:
            found.append(Problem("service.spec.selector",
                                 "the Service has no selector, so it routes to none of the "
                                 "workloads", "select the workloads' pod labels, e.g. app: "
                                 f"{self.workloads[0].name}"))
            return found
        for index, workload in enumerate(self.workloads):
            labels = workload.template.labels
            if any(labels.get(key) != value for key, value in service.selector.items()):
                found.append(Problem(
                    "service.spec.selector",
                    f"the Service selector {dict(service.selector)} does not select the pods "
                    f"of workloads[{index}] ({_identity_of(workload)}, labels {dict(labels)})",
                    "select labels the pod template carries"))
                continue
            declared = {p.name for c in workload.template.all_containers for p in c.ports}
            for number, port in enumerate(service.ports):
                if isinstance(port.target_port, str) and port.target_port not in declared:
                    found.append(Problem(
                        f"service.spec.ports[{number}].targetPort",
                        f"port name {port.target_port!r} is declared by no container of "
                        f"workloads[{index}] ({_identity_of(workload)})",
                        "name a declared container port, or target a port number"))
        return found

    @classmethod
    def of(cls, workload: Workload, *more: Workload, port: int,
           target_port: int | str | None = None, name: str | None = None,
           type: ServiceType | None = None, headless: bool | None = None,
           policy: MeshPolicy | None = None) -> "MeshService":
        """A service exposing ``workload`` (and ``more`` workloads with the same pod
        labels, e.g. a canary) on ``port``, through :meth:`Service.expose
        <kancat.values.Service.expose>`: by default it targets the first declared
        port of the first container and is named after the workload.

        ``headless`` (``clusterIP: None``) defaults to true for a StatefulSet whose
        ``serviceName`` is this service, whose pods need their per-pod DNS names.
        Raises :class:`~kancat.errors.InvalidValue` listing every problem by path.
        """
        collect = Collect()
        service = collect.take("service", lambda: Service.expose(
            workload, port=port, target_port=target_port, name=name, type=type))
        collect.raise_if_any()
        assert service is not None
        if headless is None:
            headless = (isinstance(workload, StatefulSet)
                        and workload.service_name == service.name and type is None)
        if headless:
            service = attrs.evolve(service, cluster_ip="None")
        return cls(service.name, (workload, *more), service,
                   MeshPolicy.bottom() if policy is None else policy)

    @classmethod
    def passthrough(cls, name: str = "passthrough") -> "MeshService":
        """The identity service: no workloads, no Kubernetes Service, the bottom policy.
        A mesh never stores it: ``Mesh.of(MeshService.passthrough()) == Mesh.unit()``.
        """
        return cls(name)

    @property
    def namespace(self) -> str | None:
        """The namespace of the service's objects (``None``: not namespaced here)."""
        if self.service is not None:
            return self.service.metadata.namespace
        return self.workloads[0].metadata.namespace if self.workloads else None

    @property
    def key(self) -> str:
        """The service's identity in a mesh: ``namespace/name``, or the name alone."""
        return f"{self.namespace}/{self.name}" if self.namespace else self.name

    @property
    def is_passthrough(self) -> bool:
        """Whether this service stands for nothing (and so normalises away in a mesh)."""
        return not self.workloads and self.service is None and self.policy == _BOTTOM

    def differences(self, other: "MeshService") -> tuple[FieldConflict, ...]:
        """The fields in which two definitions of a service conflict: everything but
        the policy (policies join). Empty when the two combine in ``⊗``.

        >>> from kancat.values import Container, Deployment
        >>> old = Deployment.of("web", containers=[Container.of("app", image="web:1.0")])
        >>> new = Deployment.of("web", containers=[Container.of("app", image="web:1.1")])
        >>> [str(d) for d in MeshService("web", [old]).differences(MeshService("web", [new]))]
        ["workloads[web].template.containers[app].image.tag: '1.0' vs '1.1'"]
        """
        if self.name == other.name and self.workloads == other.workloads \
                and self.service == other.service:
            return ()
        found: list[FieldConflict] = []
        for field in ("name", "workloads", "service"):
            found += differences(getattr(self, field), getattr(other, field), field)
        return tuple(found)

    def fmap(self, f: SlotMap | None = None, *,
             image: Callable[[Any], Any] | None = None,
             env: Callable[[Any], Any] | None = None,
             volumes: Callable[[Any], Any] | None = None,
             ports: Callable[[Any], Any] | None = None,
             metadata: Callable[[Any], Any] | None = None) -> "MeshService":
        """Map every container of every workload by ``f`` (a
        :class:`~kancat.algebra.functor.SlotMap`), then by the slot functions given by
        keyword. The Service and the policy stay as they are."""
        mapping = _slot_map(f, {"image": image, "env": env, "volumes": volumes,
                                "ports": ports, "metadata": metadata})
        if mapping.is_identity or not self.workloads:
            return self
        with applying(mapping):
            return attrs.evolve(self, workloads=tuple(fmap(mapping, w) for w in self.workloads))

    def transform(self, t: Transformation) -> "MeshService":
        """Apply the pod transformation ``t`` (e.g. a sidecar injection) to every
        workload; the Service and the policy stay as they are."""
        if not self.workloads:
            return self
        return attrs.evolve(self, workloads=tuple(t(w) for w in self.workloads))

    def objects(self) -> tuple[Service | Workload, ...]:
        """The Kubernetes objects: the Service first (a StatefulSet's governing Service
        should exist before its pods), then the workloads."""
        return self.workloads if self.service is None else (self.service, *self.workloads)


# --- the mesh --------------------------------------------------------------------------------

def _identity(item: Service | Workload) -> str:
    return f"{item.kind}/{item.metadata.namespace or ''}/{item.name}"


def _object_clash(services: Iterable[MeshService]) -> MeshConflict | None:
    """Two services carrying different versions of one object (kind, namespace, name):
    the smallest such identity, the version seen first (in the given order) on the left."""
    seen: dict[str, tuple[Service | Workload, str]] = {}
    clashes: dict[str, MeshConflict] = {}
    for service in services:
        for item in service.objects():
            identity = _identity(item)
            first = seen.setdefault(identity, (item, service.key))
            if first[0] != item and identity not in clashes:
                clashes[identity] = MeshConflict(
                    first[1], differences(first[0], item), identity=identity,
                    other_service=service.key)
    return clashes[min(clashes)] if clashes else None


def _services(value: Mapping[str, MeshService]) -> FrozenMap[MeshService]:
    """Converter: the services in normal form (passthrough services dropped)."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Mapping):
        raise InvalidArgument(f"services must be a mapping of name to MeshService, got "
                              f"{type(value).__name__} {value!r:.60}; use Mesh.of(*services) "
                              "to build a mesh from a list")
    if not value:
        return EMPTY
    items = dict(value)
    for key, service in items.items():
        if not isinstance(service, MeshService):
            raise InvalidArgument(f"services[{key!r}] must be a MeshService, got "
                                  f"{type(service).__name__} {service!r:.60}")
    kept = {key: service for key, service in items.items() if not service.is_passthrough}
    if isinstance(value, FrozenMap) and len(kept) == len(items):
        return value
    return FrozenMap(kept) if kept else EMPTY


@attrs.frozen
class Mesh:
    """A mesh: ``services`` by name (in normal form), an optional ``control_plane``
    and a mesh-wide ``policy``. Combine meshes with :meth:`tensor` (``@``); see the
    module documentation for the laws.

    ``a @ b`` returns a ``Result``; either operand may itself be a ``Result``, so
    ``a @ b @ c`` chains, and a failure anywhere is the failure of the whole. The
    operator is ``@`` — Python's product operator — rather than ``|``, which is the
    (total) join of policies, or ``&``, which reads as intersection.

    ``to_yaml(mesh)`` emits it (a mesh has :meth:`objects`); there is no
    ``mesh.to_yaml()``, because ``algebra`` does not import the interpreters.

    >>> from kancat.values import Container, Deployment
    >>> web = MeshService.of(Deployment.of("web", containers=[
    ...     Container.of("app", image="shop/web:1.4.2", ports={"http": 8080})]), port=80)
    >>> strict = Mesh(policy=MeshPolicy.of(mtls="STRICT"))
    >>> both = Mesh.of(web) @ strict @ Mesh.unit()
    >>> both.map(lambda m: (m.names, m.policy))
    <Success: (('web',), MeshPolicy.of(mtls='STRICT'))>
    >>> Mesh(control_plane=ControlPlane.of(revision="1-24")) @ Mesh(
    ...     control_plane=ControlPlane.of(revision="1-25"))
    <Failure: the two meshes have different control planes:
      revision: '1-24' vs '1-25'
    (use one control plane: give both meshes the same one, or None to one side)>
    """

    services: FrozenMap[MeshService] = attrs.field(default=EMPTY, converter=_services)
    control_plane: ControlPlane | None = None
    policy: MeshPolicy = _BOTTOM

    def __attrs_post_init__(self) -> None:
        if self.control_plane is not None and not isinstance(self.control_plane, ControlPlane):
            raise InvalidArgument(f"control_plane must be a ControlPlane or None, got "
                                  f"{type(self.control_plane).__name__} "
                                  f"{self.control_plane!r:.60}")
        if not isinstance(self.policy, MeshPolicy):
            raise InvalidArgument(f"policy must be a MeshPolicy, got "
                                  f"{type(self.policy).__name__} {self.policy!r:.60}")
        found = [Problem(f"services[{key!r}]", f"the key {key!r} holds the service "
                         f"{service.key!r}", "key each service by its identity (Mesh.of does)")
                 for key, service in self.services.items() if key != service.key]
        clash = _object_clash(self.services.values())
        if clash is not None:
            found.append(Problem(f"services[{clash.service!r}]", str(clash).splitlines()[0],
                                 "give one object one definition"))
        check.raise_if(found)

    # -- the monoidal structure ----------------------------------------------------------

    @classmethod
    def unit(cls) -> "Mesh":
        """``I``, the empty mesh: no services, no control plane, the bottom policy.

        Law: ``I ⊗ a == Success(a) == a ⊗ I``. Catlab: ``munit``.
        """
        return _UNIT

    def tensor(self, other: "Mesh") -> MeshResult:
        """``self ⊗ other``: the union of the two meshes, or the conflict that prevents it.

        Services unite by name (equal ones combine, their policies joining), control
        planes combine when equal or one is ``None``, mesh policies join. A conflict
        names the control plane first, else the smallest service name defined
        differently, with every differing field (``self``'s value on the left).
        Catlab: ``otimes``.

        Laws (Mac Lane VII.1, XI.1; through the Result)::

            (a ⊗ b) ⊗ c == a ⊗ (b ⊗ c)    I ⊗ a == a == a ⊗ I    a ⊗ b == b ⊗ a
        """
        if not isinstance(other, Mesh):
            raise InvalidArgument(f"a Mesh combines with a Mesh, not {type(other).__name__} "
                                  f"{other!r:.60}; wrap a service with Mesh.of(service)")
        if other is _UNIT or self == other:
            return Success(self)
        if self is _UNIT:
            return Success(other)
        return _combine((self, other))

    def __matmul__(self, other: "Mesh | MeshResult") -> MeshResult:
        if isinstance(other, Result):
            return other.bind(self.tensor)
        return self.tensor(other)

    def __rmatmul__(self, other: MeshResult) -> MeshResult:
        if isinstance(other, Result):
            return other.bind(lambda left: left.tensor(self))
        return NotImplemented

    @classmethod
    def tensor_all(cls, meshes: Iterable["Mesh"]) -> MeshResult:
        """``m1 ⊗ m2 ⊗ ... ⊗ mn`` (``I`` for none), seeing all the operands at once: the
        conflict reported (control plane first, else the smallest service name; the
        first two differing definitions in argument order) does not depend on the
        bracketing, and on success the result is that of any bracketing.

        >>> Mesh.tensor_all([]) == Success(Mesh.unit())
        True
        """
        operands = tuple(meshes)
        for index, mesh in enumerate(operands):
            if not isinstance(mesh, Mesh):
                raise InvalidArgument(f"tensor_all: meshes[{index}] is a "
                                      f"{type(mesh).__name__}, not a Mesh")
        operands = tuple(m for m in operands if m is not _UNIT)
        if len(operands) < 2:
            return Success(operands[0] if operands else _UNIT)
        return _combine(operands)

    @classmethod
    def create(cls, *parts: "MeshService | Mesh", control_plane: ControlPlane | None = None,
               policy: MeshPolicy | None = None) -> MeshResult:
        """The mesh of ``parts`` (services and meshes), with the control plane and the
        mesh-wide policy given: :meth:`tensor_all` of them all, as a ``Result``."""
        meshes: list[Mesh] = []
        for index, part in enumerate(parts):
            if isinstance(part, MeshService):
                meshes.append(cls(FrozenMap({part.key: part})))
            elif isinstance(part, Mesh):
                meshes.append(part)
            else:
                raise InvalidArgument(f"Mesh.of: parts[{index}] is a {type(part).__name__}, "
                                      "not a MeshService or a Mesh; build one with "
                                      "MeshService.of(workload, port=...)")
        if control_plane is not None or (policy is not None and policy != _BOTTOM):
            meshes.append(cls(control_plane=control_plane,
                              policy=_BOTTOM if policy is None else policy))
        return cls.tensor_all(meshes)

    @classmethod
    def of(cls, *parts: "MeshService | Mesh", control_plane: ControlPlane | None = None,
           policy: MeshPolicy | None = None) -> "Mesh":
        """:meth:`create`, raising the :class:`~kancat.errors.MeshConflict` instead.

        >>> Mesh.of(MeshService.passthrough()) == Mesh.unit()
        True
        """
        result = cls.create(*parts, control_plane=control_plane, policy=policy)
        if isinstance(result, Failure):
            raise result.failure()
        mesh: Mesh = result.unwrap()
        return mesh

    # -- looking inside -------------------------------------------------------------------

    @property
    def names(self) -> tuple[str, ...]:
        """The services' identities (``namespace/name``, or the name alone), sorted."""
        return tuple(self.services)

    def service(self, name: str) -> MeshService:
        """The service ``name`` (its identity ``namespace/name``, or its name when that
        is unique); ``KeyError`` naming the services there are."""
        found = self.services.get(name)
        if found is None:
            matching = [s for s in self.services.values() if s.name == name]
            if len(matching) == 1:
                found = matching[0]
        if found is None:
            raise KeyError(f"no service {name!r} in the mesh (it has: "
                           f"{', '.join(self.names) or 'no services'})")
        service: MeshService = found
        return service

    def fmap(self, f: SlotMap | None = None, *,
             image: Callable[[Any], Any] | None = None,
             env: Callable[[Any], Any] | None = None,
             volumes: Callable[[Any], Any] | None = None,
             ports: Callable[[Any], Any] | None = None,
             metadata: Callable[[Any], Any] | None = None) -> "Mesh":
        """Map every container of every workload of every service (sidecars and init
        containers included) by ``f``, then by the slot functions given by keyword.

        Laws: ``fmap(identity) == id``, ``fmap(f.then(g)) == fmap(g) ∘ fmap(f)``, and
        bifunctoriality ``fmap(f, a ⊗ b) == fmap(f, a) ⊗ fmap(f, b)`` where ``a ⊗ b``
        is defined.

        >>> from kancat.algebra.functor import mirror_images
        >>> from kancat.values import Container, Deployment
        >>> mesh = Mesh.of(MeshService.of(Deployment.of("web", containers=[
        ...     Container.of("app", image="shop/web:1.4.2", ports={"http": 8080})]), port=80))
        >>> mirrored = mesh.fmap(image=mirror_images("mirror.internal").image)
        >>> str(mirrored.service("web").workloads[0].template.containers[0].image)
        'mirror.internal/shop/web:1.4.2'
        """
        mapping = _slot_map(f, {"image": image, "env": env, "volumes": volumes,
                                "ports": ports, "metadata": metadata})
        if mapping.is_identity:
            return self
        with applying(mapping):
            return attrs.evolve(self, services=FrozenMap(
                {name: service.fmap(mapping) for name, service in self.services.items()}))

    def transform(self, t: Transformation) -> "Mesh":
        """Apply the pod transformation ``t`` to every workload of every service.

        Laws: a transformation commutes with ⊗ and leaves the unit alone —
        ``t(a ⊗ b) == t(a) ⊗ t(b)`` wherever ``a ⊗ b`` is defined, and
        ``t(Mesh.unit()) == Mesh.unit()`` — because it acts service by service and
        ⊗ is a union of services by name.

        >>> from kancat.patterns.sidecars import inject, node_exporter
        >>> Mesh.unit().transform(inject(node_exporter())) == Mesh.unit()
        True
        """
        return attrs.evolve(self, services=FrozenMap(
            {name: service.transform(t) for name, service in self.services.items()}))

    def objects(self) -> tuple[KubeObjectBase, ...]:
        """Every object of the mesh, for :func:`kancat.interpret.emit.to_yaml` and
        friends: first what its policy and control plane mean (namespaces with their
        labels, PeerAuthentications, Sidecars, ServiceEntries, NetworkPolicies: see
        :mod:`kancat.algebra.effects`), then service by service in name order each
        Service, its DestinationRule where mTLS is STRICT, and its workloads. An object
        two services carry alike comes once.

        Raises :class:`~kancat.errors.InvalidValue` naming every workload that breaks
        the policy it runs under (:func:`~kancat.algebra.effects.policy_problems`):
        a mesh that contradicts its own policy is never emitted.
        """
        from kancat.algebra import effects

        problems = effects.policy_problems(self)
        if problems:
            raise InvalidValue(problems)
        found: list[KubeObjectBase] = list(effects.derived_objects(self))
        seen: set[KubeObjectBase] = set(found)
        by_namespace = {scope.namespace: scope for scope in effects.scopes(self)}
        for service in self.services.values():
            scope = by_namespace[service.namespace]
            items: tuple[KubeObjectBase, ...] = service.objects()
            added = effects.service_objects(self, scope, service)
            if added and service.service is not None:  # the DestinationRule after its Service
                items = (items[0], *added, *items[1:])
            for item in items:
                if item not in seen:
                    seen.add(item)
                    found.append(item)
        return tuple(found)


_UNIT = Mesh()


def _combine(meshes: Sequence[Mesh]) -> MeshResult:
    """The union of ``meshes`` (at least two), or the first conflict in the fixed order:
    the control plane, then service names in sorted order; within one, the first
    definition against the first that differs from it, in argument order."""
    planes = [m.control_plane for m in meshes if m.control_plane is not None]
    for plane in planes[1:]:
        if plane != planes[0]:
            return Failure(MeshConflict(None, planes[0].differences(plane)))
    definitions: dict[str, list[MeshService]] = {}
    for mesh in meshes:
        for name, service in mesh.services.items():
            definitions.setdefault(name, []).append(service)
    combined: dict[str, MeshService] = {}
    for name in sorted(definitions):
        first, *others = definitions[name]
        policy = first.policy
        for other in others:
            if other is first:
                continue
            conflict = first.differences(other)
            if conflict:
                return Failure(MeshConflict(name, conflict))
            policy = policy.join(other.policy)
        combined[name] = first if policy == first.policy else attrs.evolve(first, policy=policy)
    clash = _object_clash(service for mesh in meshes for service in mesh.services.values())
    if clash is not None:
        return Failure(clash)
    return Success(Mesh(FrozenMap(combined), planes[0] if planes else None,
                        MeshPolicy.join_all(m.policy for m in meshes)))

