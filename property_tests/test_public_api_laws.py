"""Law tests written as a user of kancat would write them: only the public
``kancat.testing`` API (its strategies, ``check_all_laws`` and the law checkers)."""

from typing import Self

import attrs
from hypothesis import given
from hypothesis import strategies as st

from kancat.algebra.functor import fmap
from kancat.algebra.lattice import MeshPolicy, MTLSMode, ResourceTotals
from kancat.testing.laws import check_all_laws
from kancat.testing.strategies import deployments, policies, slot_maps

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
