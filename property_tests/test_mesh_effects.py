"""The laws of a mesh's policy effects (kancat.algebra.effects), each beside a broken
instance that fails it.

* ``namespace_policy`` is a homomorphism of join-semilattices from meshes under ⊗ to
  policies per namespace: ``np(a ⊗ b, n) == np(a, n) | np(b, n)``, ``np(I, n) == ⊥``;
* no two objects of a mesh share kind, namespace and name;
* every object a drawn mesh emits passes the real schemas.

``objects(a ⊗ I) == objects(a)`` and ``objects(a ⊗ b) == objects(b ⊗ a)`` are not tested
here: ``a ⊗ I`` is ``a`` itself and ``a ⊗ b == b ⊗ a`` as values (the mesh laws), and
``objects`` is a method of the value, so no derivation could break them.
"""

from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from returns.result import Success

from kancat.algebra import effects
from kancat.algebra.monoidal import Mesh, MeshService
from kancat.algebra.policy import MeshPolicy
from kancat.interpret.emit import to_manifests
from kancat.testing.strategies import meshes
from kancat.values import Container, Deployment, KubeObjectBase
from tests.validators import validate_manifest

FIND = settings(max_examples=1000, database=None, derandomize=True)
NAMESPACES = (None, "shop", "blog")
NamespacePolicy = Callable[[Mesh, "str | None"], MeshPolicy]


def _emits(mesh: Mesh) -> bool:
    return not effects.policy_problems(mesh)


def homomorphism(np: NamespacePolicy, a: Mesh, b: Mesh, namespace: str | None) -> None:
    """The law at one pair of meshes and one namespace."""
    assert np(Mesh.unit(), namespace) == MeshPolicy.bottom()
    combined = a.tensor(b)
    if isinstance(combined, Success):
        assert np(combined.unwrap(), namespace) == np(a, namespace) | np(b, namespace)


def law_homomorphism(np: NamespacePolicy, chosen: settings | None = None) -> None:
    @given(meshes(), meshes(), st.sampled_from(NAMESPACES))
    def law(a: Mesh, b: Mesh, namespace: str | None) -> None:
        homomorphism(np, a, b, namespace)

    (chosen(law) if chosen is not None else law)()


def test_namespace_policy_is_a_homomorphism() -> None:
    law_homomorphism(effects.namespace_policy)


def test_a_namespace_policy_of_the_first_service_only_is_not() -> None:
    def first_only(mesh: Mesh, namespace: str | None) -> MeshPolicy:
        there = [s.policy for s in mesh.services.values() if s.namespace == namespace]
        return mesh.policy.join(there[0]) if there else mesh.policy

    # two services of one namespace asking different things, one on each side
    app = Container.of("app", image="shop/web:1.0", ports={"http": 8080})
    a = Mesh.of(MeshService.of(Deployment.of("api", namespace="shop", containers=[app]),
                               port=80, policy=MeshPolicy.of(max_replicas=3)))
    b = Mesh.of(MeshService.of(Deployment.of("web", namespace="shop", containers=[app]),
                               port=80, policy=MeshPolicy.of(mtls="STRICT")))
    homomorphism(effects.namespace_policy, a, b, "shop")
    with pytest.raises(AssertionError):
        homomorphism(first_only, a, b, "shop")
    with pytest.raises(AssertionError):  # and the search finds such a pair too
        law_homomorphism(first_only, FIND)


def _identities(objects: tuple[KubeObjectBase, ...]) -> list[str]:
    return [f"{o.kind}/{o.metadata.namespace}/{o.name}" for o in objects]


def law_unique(objects: Callable[[Mesh], tuple[KubeObjectBase, ...]],
               chosen: settings | None = None) -> None:
    @given(meshes(), meshes())
    def law(a: Mesh, b: Mesh) -> None:
        combined = a @ b
        if isinstance(combined, Success) and _emits(combined.unwrap()):
            names = _identities(objects(combined.unwrap()))
            assert len(names) == len(set(names)), names

    (chosen(law) if chosen is not None else law)()


def test_no_two_objects_share_an_identity() -> None:
    law_unique(lambda mesh: mesh.objects())


def test_one_peer_authentication_per_service_would_clash() -> None:
    """A broken derivation: mTLS taken from each service's own policy, one
    PeerAuthentication per service, all named ``default`` in their namespace."""
    from kancat.values.istio import PeerAuthentication

    def per_service(mesh: Mesh) -> tuple[KubeObjectBase, ...]:
        found = [o for o in mesh.objects() if o.kind != "PeerAuthentication"]
        for service in mesh.services.values():
            mode = mesh.policy.join(service.policy).mtls.value
            found.append(PeerAuthentication.of(namespace=service.namespace, mode=mode))
        return tuple(found)

    with pytest.raises(AssertionError):
        law_unique(per_service, FIND)


@settings(max_examples=60)
@given(meshes())
def test_every_object_of_a_drawn_mesh_passes_the_schemas(mesh: Mesh) -> None:
    assert _emits(mesh)
    for manifest in to_manifests(mesh):
        validate_manifest(manifest)
