"""Natural transformations: arrows on pods, lifted to workloads, composed vertically.

A :class:`Transformation` is a path of *steps*, each an arrow ``PodTemplate → PodTemplate``
(inject sidecars, harden security, spread over zones, ...). Applied to a value it acts on
every pod the value holds: a pod template, the pod template of an object whose kind has
pods (the kinds table says where: a Deployment's or StatefulSet's ``template``), each
item of a list or tuple, or any value with a ``transform(t)`` method (a mesh applies
``t`` to each of its workloads). Objects whose kind has no pods (Service, ConfigMap, ...)
and carried objects — even a carried kind that holds a pod, which kancat does not
model — come back unchanged.

The theory. Slot maps form a monoid ``M`` (:meth:`SlotMap.then
<kancat.algebra.functor.SlotMap.then>`, with :meth:`SlotMap.identity
<kancat.algebra.functor.SlotMap.identity>`), and :func:`~kancat.algebra.functor.fmap`
makes ``M`` act on pods: a functor ``P : M → Set``. A natural transformation ``P ⇒ P``
is a map ``t`` on pods with ``t ∘ P(f) = P(f) ∘ t`` for every arrow ``f`` — for a monoid,
exactly an ``M``-equivariant map. Python does not enforce parametricity, so a step may
read a slot (a hardening step reads the security context, a careless injection reads the
app's image); such a ``t`` is natural only for the *submonoid of maps it does not read*.
Each pattern states its class, and its tests draw exactly those maps.

Laws (checked in ``property_tests/test_natural_laws.py``; ``≡`` is equality of results
on every value, and a step that raises makes both sides raise alike)::

    Transformation.identity()(x) == x                                 identity arrow
    t.then(Transformation.identity()) ≡ t ≡ Transformation.identity().then(t)  unit laws
    a.then(b).then(c) ≡ a.then(b.then(c))                              associativity
    a.then(b)(x) == b(a(x))                                            vertical composite
    t(fmap(f, x)) == fmap(f, t(x))       naturality, for every f in t's class
    fmap(f, t)(fmap(f, x)) == fmap(f, t(x))      the pair form, for every f in t's class

In the pair form ``fmap(f, t)`` maps what the steps of ``t`` carry (the sidecars an
injection adds: "mirror every image" must reach them); where ``fmap(f, t) == t`` it is
the plain square. Vertical composition here is concatenation of paths, so associativity
and the unit laws hold on the steps themselves, not only on their results.

References: S. Mac Lane, *Categories for the Working Mathematician*, 2nd ed., I.4
(natural transformations), II.4 (the vertical composite ``(τ·σ)_c = τ_c ∘ σ_c`` in a
functor category). A monoid is a category with one object, a functor from it to Set is
an ``M``-set, and a natural transformation between two such functors is an equivariant
map.

>>> from kancat.values import Container, Deployment
>>> web = Deployment.of("web", containers=[Container.of("app", image="shop/web:1.4.2")])
>>> label = Transformation.of(lambda pod: attrs.evolve(
...     pod, annotations={**pod.annotations, "team": "shop"}), name="annotate")
>>> grace = Transformation.of(lambda pod: attrs.evolve(
...     pod, termination_grace_period_seconds=60), name="grace")
>>> both = label.then(grace)
>>> both.name
'annotate then grace'
>>> dict(both(web).template.annotations), both(web).template.termination_grace_period_seconds
({'team': 'shop'}, 60)
>>> Transformation.identity().then(both) == both == both.then(Transformation.identity())
True
"""

from collections.abc import Callable
from typing import Any, Protocol, TypeVar, cast, runtime_checkable

import attrs

from kancat.algebra.functor import Functorial, SlotMap, fmap
from kancat.algebra.theories import Law, Same, same
from kancat.errors import InvalidArgument, InvalidValue
from kancat.values import Container, KubeObjectBase, OpaqueObject, PodTemplate
from kancat.values.kinds import pod_of, pod_path, with_pod

__all__ = ["TRANSFORMATION_LAWS", "OwnedArrow", "PodArrow", "Transformable", "Transformation"]

_T = TypeVar("_T")


@runtime_checkable
class PodArrow(Protocol):
    """One step of a transformation: a named arrow on pod templates.

    A step that carries containers (a sidecar injection) also has an ``fmap(f)``
    method, so that :meth:`Transformation.fmap` can map them.
    """

    @property
    def name(self) -> str: ...

    def on_pod(self, pod: PodTemplate) -> PodTemplate: ...


@runtime_checkable
class OwnedArrow(Protocol):
    """A step that reads the object whose pod it transforms (Istio's injector writes
    the workload's name and kind into the proxy's environment): applied to an object,
    a transformation gives it ``bound_to(obj)`` first, whatever else it is composed
    with. On a bare pod template it runs unbound."""

    def bound_to(self, owner: KubeObjectBase) -> PodArrow: ...


@runtime_checkable
class Transformable(Protocol):
    """A value of kancat's own holding pods (a mesh): it applies ``t`` to each."""

    def transform(self, t: "Transformation") -> Any: ...


@attrs.frozen
class _FunctionStep:
    """A plain function on pods, as a step."""

    function: Callable[[PodTemplate], PodTemplate]
    name: str

    def on_pod(self, pod: PodTemplate) -> PodTemplate:
        result = self.function(pod)
        if not isinstance(result, PodTemplate):
            raise InvalidArgument(f"transformation {self.name!r} returned "
                                  f"{type(result).__name__}, not a PodTemplate; its function "
                                  "must return the (new) pod template")
        return result


@attrs.frozen(repr=False)
class Transformation:
    """A transformation of pods: a path of steps, applied first to last.

    Build one with :meth:`of` (from a function on pod templates, or a step), compose
    with :meth:`then`, apply by calling it on any value holding pods.
    """

    steps: tuple[PodArrow, ...] = ()

    def __attrs_post_init__(self) -> None:
        for index, step in enumerate(self.steps):
            if not isinstance(step, PodArrow):
                raise InvalidArgument(f"Transformation steps[{index}] is a "
                                      f"{type(step).__name__}, not a step; build one with "
                                      "Transformation.of(function_on_pods, name=...)")

    @classmethod
    def of(cls, step: "Callable[[PodTemplate], PodTemplate] | PodArrow", *,
           name: str | None = None) -> "Transformation":
        """A one-step transformation from a function ``PodTemplate → PodTemplate`` (named
        ``name``, else after the function) or from a step (``name`` must then be None)."""
        if isinstance(step, PodArrow):
            if name is not None:
                raise InvalidArgument("Transformation.of: a step has its own name; "
                                      f"drop name={name!r}")
            return cls((step,))
        if not callable(step):
            raise InvalidArgument(f"Transformation.of: expected a function on pod templates "
                                  f"or a step, got {type(step).__name__}")
        if name is None:
            name = getattr(step, "__name__", "transformation")
        if not isinstance(name, str) or not name:
            raise InvalidArgument(f"Transformation.of: name must be a non-empty string, "
                                  f"got {name!r}")
        return cls((_FunctionStep(step, name),))

    @classmethod
    def identity(cls) -> "Transformation":
        """The identity transformation (no steps): every value is returned as it is."""
        return _IDENTITY

    @property
    def name(self) -> str:
        """The step names in order, e.g. ``'inject(log-forwarder) then restricted'``."""
        return " then ".join(step.name for step in self.steps) or "identity"

    def then(self, other: "Transformation") -> "Transformation":
        """Vertical composition: first ``self``, then ``other`` (``other · self``).

        Associative, with :meth:`identity` as the unit on both sides.
        """
        if not isinstance(other, Transformation):
            raise InvalidArgument(f"then: expected a Transformation, got "
                                  f"{type(other).__name__}; wrap a function on pods with "
                                  "Transformation.of(...)")
        if not other.steps:
            return self
        if not self.steps:
            return other
        return Transformation(self.steps + other.steps)

    def on_pod(self, pod: PodTemplate) -> PodTemplate:
        """The component at one pod: every step applied, first to last."""
        for step in self.steps:
            pod = step.on_pod(pod)
        return pod

    def fmap(self, f: SlotMap) -> "Transformation":
        """The same path with every step that carries containers mapped by ``f`` (the
        action of slot maps on transformations used by the pair form of naturality)."""
        steps = tuple(fmap(f, step) if isinstance(step, Functorial) else step
                      for step in self.steps)
        return self if steps == self.steps else Transformation(steps)

    def __call__(self, target: _T) -> _T:
        """Apply to every pod of ``target`` (see the module documentation for what
        ``target`` may be). Raises :class:`~kancat.errors.InvalidValue` when a step makes
        an invalid value, with the path inside the workload and its ``Kind/name``."""
        result: Any
        if not self.steps:
            result = target
        elif isinstance(target, KubeObjectBase):  # first: a Pod is also a PodTemplate
            result = _on_object(self, target)
        elif isinstance(target, PodTemplate):
            result = self.on_pod(target)
        elif isinstance(target, OpaqueObject):
            result = target
        elif isinstance(target, list):
            result = [self(item) for item in target]
        elif isinstance(target, tuple):
            result = tuple(self(item) for item in target)
        elif isinstance(target, Transformable):
            result = target.transform(self)
        elif isinstance(target, Container):
            raise InvalidArgument(f"{self.name}: a transformation acts on pods, not on a lone "
                                  "container; put it in a PodTemplate or a workload")
        else:
            raise InvalidArgument(f"{self.name}: cannot transform {type(target).__name__}; "
                                  "give a pod template, a workload, a kancat object, a list "
                                  "of them, or a value with a transform method")
        return result  # type: ignore[no-any-return]  # same type as target, by construction

    def __repr__(self) -> str:
        return f"<Transformation {self.name}>"


_IDENTITY = Transformation()


def _on_object(t: Transformation, value: _T) -> _T:
    """``t`` on the object's pod template, if its kind has one (the kinds table says);
    problems located in the object."""
    pod = pod_of(value)
    if pod is None:
        return value
    where = f"{value.kind}/{value.name}"  # type: ignore[attr-defined]
    if any(isinstance(step, OwnedArrow) for step in t.steps):
        t = Transformation(tuple(step.bound_to(cast(KubeObjectBase, value))
                                 if isinstance(step, OwnedArrow)
                                 else step for step in t.steps))
    try:
        new = t.on_pod(pod)
    except InvalidValue as error:  # paths relative to the pod template
        raise _located(error, pod_path(value), where) from None
    if new is pod:
        return value
    try:
        return with_pod(value, new)
    except InvalidValue as error:  # the object's own rules: paths already in it
        raise _located(error, "", where) from None


def _located(error: InvalidValue, prefix: str, where: str) -> InvalidValue:
    return InvalidValue(attrs.evolve(p.under(prefix) if prefix else p,
                                     object=p.object or where) for p in error.problems)


# --- the laws --------------------------------------------------------------------------------

def _naturality(t: Transformation, f: SlotMap, workload: Any, _: Any) -> Same:
    return same(t.fmap(f)(fmap(f, workload)), fmap(f, t(workload)))


def _identity(t: Transformation, workload: Any, _: Any, __: Any) -> Same:
    unit = Transformation.identity()
    return same(unit.then(t)(workload), t(workload)) and same(t.then(unit)(workload),
                                                              t(workload))


def _tensor(t: Transformation, a: Any, b: Any, _: Any) -> Same | bool:
    from returns.result import Success  # only where the law is checked

    combined = a.tensor(b)
    if not isinstance(combined, Success):
        return True  # a ⊗ b is undefined: the law says nothing
    return same(combined.unwrap().transform(t), a.transform(t).tensor(b.transform(t)).unwrap())


def _unit(t: Transformation, mesh: Any, _: Any, __: Any) -> Same:
    unit = type(mesh).unit()
    return same(unit.transform(t), unit)


TRANSFORMATION_LAWS: tuple[Law[Transformation], ...] = (
    Law("naturality", "t.fmap(f)(fmap(f, w)) == fmap(f, t(w))", _naturality,
        ("slot_map", "workload")),
    Law("identity", "identity.then(t)(w) == t(w) == t.then(identity)(w)", _identity,
        ("workload",)),
    Law("tensor", "t(a ⊗ b) == t(a) ⊗ t(b) where a ⊗ b is defined", _tensor, ("mesh", "mesh")),
    Law("unit", "t(I) == I", _unit, ("mesh",)),
)
"""The laws every pod transformation claims, for the slot maps of its class (see the
module documentation). Naturality is the pair form: a step that carries containers (an
injection's sidecars) is mapped by ``f`` too, so for a step that carries none it is the
plain square ``t(fmap(f, w)) == fmap(f, t(w))``. ``tensor`` and ``unit`` are about a
mesh (:meth:`Mesh.transform <kancat.algebra.monoidal.Mesh.transform>`): a transformation
commutes with ⊗ and leaves the unit alone."""
