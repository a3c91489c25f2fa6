"""Sidecar injection commutes with the mesh's ⊗ and leaves its unit alone:
``t(a ⊗ b) == t(a) ⊗ t(b)`` wherever ``a ⊗ b`` is defined, and ``t(I) == I``.
A transformation that reaches only some services of a mesh must fail the law."""

from collections.abc import Callable
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from returns.result import Success

from kancat.algebra.monoidal import Mesh
from kancat.algebra.natural import Transformation
from kancat.core.frozen import FrozenMap
from kancat.patterns.sidecars import inject
from kancat.testing.strategies import meshes, sidecar_specs

Transform = Callable[[Mesh, Transformation], Mesh]
FIND = settings(database=None, derandomize=True, max_examples=200, phases=[Phase.generate],
                suppress_health_check=[HealthCheck.too_slow])


def law_commutes_with_tensor(transform: Transform, chosen: settings | None = None) -> None:
    @given(meshes(max_services=2), meshes(max_services=2), sidecar_specs())
    def law(a: Mesh, b: Mesh, spec: Any) -> None:
        t = inject(spec)
        combined = a.tensor(b)
        if isinstance(combined, Success):
            assert transform(combined.unwrap(), t) == transform(a, t).tensor(
                transform(b, t)).unwrap(), (a, b, spec)

    (chosen(law) if chosen is not None else law)()


def law_leaves_the_unit_alone(transform: Transform, chosen: settings | None = None) -> None:
    @given(sidecar_specs())
    def law(spec: Any) -> None:
        assert transform(Mesh.unit(), inject(spec)) == Mesh.unit()

    (chosen(law) if chosen is not None else law)()


def _transform(mesh: Mesh, t: Transformation) -> Mesh:
    return mesh.transform(t)


@pytest.mark.parametrize("law", [law_commutes_with_tensor, law_leaves_the_unit_alone],
                         ids=lambda law: law.__name__)
def test_injection_is_monoidal(law: Callable[..., None]) -> None:
    law(_transform)


def transform_first_service_only(mesh: Mesh, t: Transformation) -> Mesh:
    """Injects into the first service (by name) and forgets the others."""
    if not mesh.services:
        return mesh
    first = min(mesh.services)
    return attrs.evolve(mesh, services=FrozenMap(
        {name: service.transform(t) if name == first else service
         for name, service in mesh.services.items()}))


def test_a_transformation_missing_services_does_not_commute_with_tensor() -> None:
    with pytest.raises(AssertionError):
        law_commutes_with_tensor(transform_first_service_only, FIND)
