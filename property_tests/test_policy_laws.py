"""The laws of kancat.algebra.lattice, each law family beside a broken instance.

The public checkers of :mod:`kancat.testing.laws` (:func:`check_join_laws`,
:func:`check_monoid_laws`) run the laws that the module declares (``JOIN_SEMILATTICE_LAWS``, ``DIFFERENCE_LAWS``,
``COMMUTATIVE_MONOID_LAWS``) as Hypothesis tests and raise ``AssertionError``
naming every law that fails. A law is worth its test only when a broken
implementation fails it, so each lawful instance has broken twins run through the
very same checkers, which must reject them — law by law, exactly the laws each
one breaks. Those runs are derandomized and use no example database, so they find
the same counterexample every time.

The strategies (``policies()``, ``resource_totals()`` of kancat.testing.strategies)
are small on purpose: few names, so joins collide and pairs are often comparable.
"""

import random
import re
from collections.abc import Callable
from fractions import Fraction
from typing import TypeVar

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.strategies import DrawFn

from kancat.algebra.policy import MeshPolicy, MTLSMode, PodSecurityLevel
from kancat.algebra.theories import COMMUTATIVE_MONOID_LAWS, JOIN_SEMILATTICE_LAWS, ChainEnum
from kancat.algebra.totals import ResourceTotals
from kancat.testing.laws import check_join_laws, check_monoid_laws
from kancat.testing.strategies import policies, resource_totals
from kancat.values import Container, PodTemplate, Quantity
from kancat.values.quantity import quantity_of as to_quantity

_T = TypeVar("_T")
_C = TypeVar("_C", bound=ChainEnum)

JOIN_LAW_NAMES = tuple(law.name for law in JOIN_SEMILATTICE_LAWS)
MONOID_LAW_NAMES = tuple(law.name for law in COMMUTATIVE_MONOID_LAWS)


# --- strategies -----------------------------------------------------------------------------

# The pools that policies() draws from (test_top_policy_is_above_every_drawn_policy guards
# against drift).
CAPABILITIES = ("NET_BIND_SERVICE", "NET_ADMIN", "SYS_TIME")
HOSTS = ("*", "*.example.com", "api.example.com", "*.eu.example.com", "db.eu.example.com",
         "example.org")
SIDECARS = ("istio-proxy", "log-shipper", "vault-agent")
MAX_REPLICAS = 5
mesh_policies = policies


def _draw_container(draw: DrawFn, name: str, *, sidecar: bool = False) -> Container:
    requests: dict[str, str] = {}
    limits: dict[str, str] = {}
    for resource, unit in (("cpu", "m"), ("memory", "Mi")):
        request = draw(st.none() | st.integers(0, 2000))
        limit = draw(st.none() | st.integers(0, 2000))
        if request is not None and limit is not None and request > limit:
            request, limit = limit, request
        if request is not None:
            requests[resource] = f"{request}{unit}"
        if limit is not None:
            limits[resource] = f"{limit}{unit}"
    return Container.of(name, image="app:1", requests=requests, limits=limits,
                        restart_policy="Always" if sidecar else None)


@st.composite
def pods(draw: DrawFn) -> PodTemplate:
    """Pods of 1–3 app containers and 0–4 init containers, native sidecars among them."""
    app = [_draw_container(draw, f"app-{i}") for i in range(draw(st.integers(1, 3)))]
    init = [_draw_container(draw, f"init-{i}", sidecar=draw(st.booleans()))
            for i in range(draw(st.integers(0, 4)))]
    return PodTemplate.of(app, init_containers=init)


# --- MeshPolicy and the chains: lawful ------------------------------------------------------

@pytest.mark.parametrize("law", (*JOIN_LAW_NAMES, "difference"))
def test_mesh_policy_is_a_join_semilattice_with_difference(law: str) -> None:
    check_join_laws(mesh_policies(), MeshPolicy.join, MeshPolicy.leq, MeshPolicy.bottom(),
                    difference=MeshPolicy.difference, only={law})


@pytest.mark.parametrize("chain", [MTLSMode, PodSecurityLevel])
def test_each_chain_is_a_join_semilattice_with_difference(chain: type[ChainEnum]) -> None:
    check_join_laws(st.sampled_from(chain), chain.join, chain.leq, chain.bottom(),
                    difference=chain.difference)


@given(mesh_policies(), mesh_policies())
def test_operators_are_the_named_operations(a: MeshPolicy, b: MeshPolicy) -> None:
    assert a | b == a.join(b)
    assert (a <= b) == a.leq(b)
    assert a - b == a.difference(b)


@given(st.lists(mesh_policies(), max_size=4), mesh_policies())
def test_join_all_is_the_least_upper_bound(policies: list[MeshPolicy], upper: MeshPolicy
                                            ) -> None:
    total = MeshPolicy.join_all(policies)
    assert all(p.leq(total) for p in policies)
    if all(p.leq(upper) for p in policies):
        assert total.leq(upper)


@given(st.lists(st.sampled_from(MTLSMode), max_size=4))
def test_chain_join_all_is_the_latest_member(modes: list[MTLSMode]) -> None:
    expected = max(modes, key=lambda m: m.position, default=MTLSMode.bottom())
    assert MTLSMode.join_all(modes) is expected


@given(st.sampled_from(HOSTS), st.sampled_from(HOSTS))
def test_host_order_is_istio_coverage(narrow: str, wide: str) -> None:
    assert MeshPolicy.of(egress_hosts=[narrow]).leq(MeshPolicy.of(egress_hosts=[wide])) == \
        _covers(wide, narrow)


@given(mesh_policies(), mesh_policies())
def test_the_deficit_is_the_least_grant_that_covers_the_need(needed: MeshPolicy,
                                                             granted: MeshPolicy) -> None:
    deficit = needed - granted
    assert needed.leq(granted | deficit)
    assert (deficit == MeshPolicy.bottom()) == needed.leq(granted)


# --- MeshPolicy and the chains: broken twins ------------------------------------------------

def _chain_meet(a: _C, b: _C) -> _C:
    return a if a.leq(b) else b


def _covers(wide: str, narrow: str) -> bool:
    """Istio's rule, written apart from the library's: ``*`` covers all, ``*.x`` the names
    and wildcards ending in ``.x``."""
    return wide in ("*", narrow) or (wide.startswith("*.") and narrow.endswith(wide[1:]))


def _hosts_meet(a: frozenset[str], b: frozenset[str]) -> frozenset[str]:
    """The intersection of the host sets (as sets of names matched)."""
    return frozenset(p if _covers(q, p) else q for p in a for q in b
                     if _covers(q, p) or _covers(p, q))


def _min_optional(a: int | None, b: int | None) -> int | None:
    return None if a is None or b is None else min(a, b)


def meet_policy(a: MeshPolicy, b: MeshPolicy) -> MeshPolicy:
    """The meet ``a ⊓ b``, posing as a join: intersections, minima, and."""
    return MeshPolicy(
        _chain_meet(a.mtls, b.mtls), _chain_meet(a.pod_security, b.pod_security),
        a.capabilities & b.capabilities, _hosts_meet(a.egress_hosts, b.egress_hosts),
        a.required_sidecars & b.required_sidecars, _min_optional(a.max_replicas, b.max_replicas),
        a.read_only_root_filesystem and b.read_only_root_filesystem)


TOP_POLICY = MeshPolicy(MTLSMode.top(), PodSecurityLevel.top(), frozenset(CAPABILITIES),
                        frozenset({"*"}), frozenset(SIDECARS), MAX_REPLICAS, True)
"""The top of the policies :func:`mesh_policies` draws: the unit of the meet."""


@given(mesh_policies())
def test_top_policy_is_above_every_drawn_policy(policy: MeshPolicy) -> None:
    assert policy.leq(TOP_POLICY)


def join_dropping_hosts(a: MeshPolicy, b: MeshPolicy) -> MeshPolicy:
    """A join that forgets a field (the egress hosts)."""
    return attrs.evolve(a.join(b), egress_hosts=frozenset())


def _join_failures(law: str, failing: set[str], run: Callable[[set[str]], None]) -> None:
    if law in failing:
        with pytest.raises(AssertionError, match=f"^laws broken:\n  {re.escape(law)} "):
            run({law})
    else:
        run({law})


@pytest.mark.parametrize("law", JOIN_LAW_NAMES)
def test_a_meet_posing_as_a_join_fails_only_the_order_law(law: str) -> None:
    """With the top as its unit, the meet is itself a semilattice: associativity,
    commutativity, idempotence and the unit law all hold; only ``a ≤ b ⇔ a ⊔ b == b``
    tells it from the join."""
    _join_failures(law, {"order"}, lambda only: check_join_laws(
        mesh_policies(), meet_policy, MeshPolicy.leq, TOP_POLICY, only=only, derandomize=True))


@pytest.mark.parametrize("chain", [MTLSMode, PodSecurityLevel])
@pytest.mark.parametrize("law", JOIN_LAW_NAMES)
def test_a_chain_meet_posing_as_a_join_fails_only_the_order_law(law: str,
                                                                chain: type[ChainEnum]) -> None:
    _join_failures(law, {"order"}, lambda only: check_join_laws(
        st.sampled_from(chain), _chain_meet, chain.leq, chain.top(), only=only,
        derandomize=True))


@pytest.mark.parametrize("law", JOIN_LAW_NAMES)
def test_a_join_dropping_a_field_fails_idempotence_unit_and_order(law: str) -> None:
    _join_failures(law, {"idempotence", "unit", "order"}, lambda only: check_join_laws(
        mesh_policies(), join_dropping_hosts, MeshPolicy.leq, MeshPolicy.bottom(), only=only,
        derandomize=True))


@pytest.mark.parametrize("broken", [
    pytest.param(lambda a, b: a, id="no-subtraction"),
    pytest.param(lambda a, b: MeshPolicy.bottom(), id="always-bottom"),
    pytest.param(lambda a, b: attrs.evolve(a.difference(b), egress_hosts=a.egress_hosts - b.egress_hosts),
                 id="hosts-by-name-not-coverage"),
])
def test_a_wrong_difference_fails_the_difference_law(
        broken: Callable[[MeshPolicy, MeshPolicy], MeshPolicy]) -> None:
    with pytest.raises(AssertionError, match="difference"):
        check_join_laws(mesh_policies(), MeshPolicy.join, MeshPolicy.leq, MeshPolicy.bottom(),
                        difference=broken, only={"difference"}, derandomize=True)


# --- ResourceTotals: lawful -----------------------------------------------------------------

@pytest.mark.parametrize("law", MONOID_LAW_NAMES)
def test_resource_totals_are_a_commutative_monoid(law: str) -> None:
    check_monoid_laws(resource_totals(), ResourceTotals.combine, ResourceTotals.empty(),
                      only={law})


@pytest.mark.parametrize("law", JOIN_LAW_NAMES)
def test_peak_is_a_join_with_fits_within_as_its_order(law: str) -> None:
    check_join_laws(resource_totals(), ResourceTotals.peak, ResourceTotals.fits_within,
                    ResourceTotals.empty(), only={law})


@given(resource_totals(), st.integers(0, 4), st.integers(0, 4))
def test_times_is_repeated_combine(totals: ResourceTotals, m: int, n: int) -> None:
    assert totals.times(n) == ResourceTotals.combine_all([totals] * n)
    assert totals.times(m + n) == totals.times(m) + totals.times(n)


@given(resource_totals())
def test_totals_render_as_quantities_that_read_back_exactly(totals: ResourceTotals) -> None:
    assert ResourceTotals.of(**totals.as_dict()) == totals


@given(st.sampled_from(("cpu", "memory", "hugepages-2Mi", "example.com/gpu")),
       st.integers(0, 10**15), st.integers(0, 12), st.sampled_from((1, 2**10, 2**20, 2**30)))
def test_to_quantity_is_exact(resource: str, number: int, places: int, binary: int) -> None:
    amount = Fraction(number * binary, 10**places)
    assert Quantity.of(to_quantity(resource, amount).text).amount == amount


# --- ResourceTotals: broken twins -----------------------------------------------------------

def combine_keeping_first_cpu(a: ResourceTotals, b: ResourceTotals) -> ResourceTotals:
    """Adds everything but the cpu request, where the first side that has one wins:
    associative, with the empty totals as unit, and not commutative."""
    total = a + b
    requests = total.requests.as_dict()
    cpu = a.requests.get("cpu", b.requests.get("cpu"))
    requests.pop("cpu", None)
    if cpu is not None:
        requests["cpu"] = cpu
    return ResourceTotals(requests, total.limits)


@pytest.mark.parametrize("law", MONOID_LAW_NAMES)
def test_a_left_biased_sum_fails_only_commutativity(law: str) -> None:
    _join_failures(law, {"commutativity"}, lambda only: check_monoid_laws(
        resource_totals(), combine_keeping_first_cpu, ResourceTotals.empty(), only=only,
        derandomize=True))


@pytest.mark.parametrize("law", MONOID_LAW_NAMES)
def test_a_wrong_unit_fails_only_the_unit_law(law: str) -> None:
    _join_failures(law, {"unit"}, lambda only: check_monoid_laws(
        resource_totals(), ResourceTotals.combine, ResourceTotals.of(requests={"cpu": "1m"}),
        only=only, derandomize=True))


@pytest.mark.parametrize("law", JOIN_LAW_NAMES)
def test_the_sum_posing_as_a_join_fails_idempotence_and_order(law: str) -> None:
    """Sums are a monoid, not a join: run as one, ``+`` breaks exactly these two laws."""
    _join_failures(law, {"idempotence", "order"}, lambda only: check_join_laws(
        resource_totals(), ResourceTotals.combine, ResourceTotals.fits_within,
        ResourceTotals.empty(), only=only, derandomize=True))


# --- of_pod: the scheduler's rule -----------------------------------------------------------

def effective_by_the_kep(pod: PodTemplate, replicas: int = 1) -> ResourceTotals:
    """KEP-753's closed form, built from the parts with ``+`` and ``peak``:
    ``max(Σ app + Σ sidecars, max over plain init containers i of (i + Σ sidecars before i))``."""
    parts = ResourceTotals.of_container
    sidecars = [c for c in pod.init_containers if c.is_native_sidecar]
    running = ResourceTotals.combine_all(parts(c) for c in (*pod.containers, *sidecars))
    effective = running
    for index, container in enumerate(pod.init_containers):
        if not container.is_native_sidecar:
            before = pod.init_containers[:index]
            step = parts(container) + ResourceTotals.combine_all(
                parts(c) for c in before if c.is_native_sidecar)
            effective = effective.peak(step)
    return effective.times(replicas)


@given(pods(), st.integers(0, 3))
def test_of_pod_is_the_combine_of_its_parts_by_the_scheduler_rule(pod: PodTemplate,
                                                                   replicas: int) -> None:
    assert ResourceTotals.of_pod(pod, replicas) == effective_by_the_kep(pod, replicas)
    assert ResourceTotals.of_pod(pod, replicas) == ResourceTotals.of_pod(pod).times(replicas)


@given(pods())
def test_every_container_fits_within_its_pod(pod: PodTemplate) -> None:
    total = ResourceTotals.of_pod(pod)
    assert all(ResourceTotals.of_container(c).fits_within(total) for c in pod.all_containers)


@given(pods(), st.randoms(use_true_random=False))
def test_of_pod_ignores_the_order_of_app_containers(pod: PodTemplate, rng: random.Random
                                                    ) -> None:
    shuffled = list(pod.containers)
    rng.shuffle(shuffled)
    assert ResourceTotals.of_pod(attrs.evolve(pod, containers=tuple(shuffled))) == \
        ResourceTotals.of_pod(pod)


@given(pods())
def test_without_init_containers_of_pod_is_the_sum(pod: PodTemplate) -> None:
    plain = attrs.evolve(pod, init_containers=())
    assert ResourceTotals.of_pod(plain) == ResourceTotals.combine_all(
        ResourceTotals.of_container(c) for c in pod.containers)
