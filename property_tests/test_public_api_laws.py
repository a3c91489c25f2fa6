"""Law tests written as a user of kancat would write them: only the public
``kancat.testing`` API (its strategies, ``check_all_laws`` and the law checkers)."""

from typing import Any, Self

import attrs
import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from kancat.algebra.functor import fmap
from kancat.algebra.natural import Transformation
from kancat.algebra.policy import MeshPolicy, MTLSMode
from kancat.algebra.totals import ResourceTotals
from kancat.patterns.sidecars import fluent_bit, inject, node_exporter
from kancat.testing.laws import check_all_laws
from kancat.testing.strategies import deployments, policies, slot_maps
from kancat.values import PodTemplate

# kancat's own theories, one line each (instances drawn with st.from_type, through the
# Hypothesis entry point kancat registers).
check_all_laws(MeshPolicy)
check_all_laws(ResourceTotals)
check_all_laws(MTLSMode)


@attrs.frozen
class TeamBudget:
    """A user's own policy: the teams that may deploy, and the highest replica budget
    any of them was granted — a join-semilattice by union and max."""

    teams: frozenset[str] = frozenset()
    replicas: int = 0

    def join(self, other: Self) -> Self:
        return type(self)(self.teams | other.teams, max(self.replicas, other.replicas))

    def leq(self, other: Self) -> bool:
        return self.teams <= other.teams and self.replicas <= other.replicas

    @classmethod
    def bottom(cls) -> Self:
        return cls()


check_all_laws(TeamBudget, values=st.builds(
    TeamBudget, st.frozensets(st.sampled_from(["shop", "search", "ops"])),
    st.integers(0, 5)))


@given(slot_maps(), slot_maps(), deployments())
def test_my_edits_compose_like_kancat_says(f, g, web) -> None:  # type: ignore[no-untyped-def]
    assert fmap(f.then(g), web) == fmap(g, fmap(f, web))


@given(policies(), policies())
def test_a_joined_policy_grants_both(a: MeshPolicy, b: MeshPolicy) -> None:
    assert a.leq(a | b) and b.leq(a | b)


# A user's own transformations: kancat's injection, and a step of their own.
def _team_label(pod: PodTemplate) -> PodTemplate:
    return attrs.evolve(pod, labels={**pod.labels, "team": "shop"})


check_all_laws(inject(fluent_bit()).then(Transformation.of(_team_label, name="team-label")))


def _peeking_injection(pod: PodTemplate) -> PodTemplate:
    """Chooses the sidecar's tag from the app's image: not natural."""
    tag = pod.containers[0].image.tag
    tag = tag if tag not in (None, "latest") else "1"
    return inject(node_exporter(image=f"prom/node-exporter:{tag}"))(pod)


def test_a_peeking_transformation_fails_its_naturality_law() -> None:
    generated: dict[str, Any] = {}
    check_all_laws(Transformation.of(_peeking_injection, name="peek"), into=generated,
                   use_settings=settings(database=None, derandomize=True,
                                         phases=[Phase.generate]))
    with pytest.raises(AssertionError):
        generated["test_peek_naturality"]()
    generated["test_peek_identity"]()  # the other laws still hold
