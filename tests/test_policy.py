"""Examples for the algebra's theories (kancat.algebra.theories), the mesh policy
(kancat.algebra.policy) and resource totals (kancat.algebra.totals): the chains, policy
merge, bad inputs by path,
the co-Heyting difference as excess and deficit, and the scheduler's rule in
``ResourceTotals.of_pod``, worked by hand."""

from fractions import Fraction
from types import ModuleType
from typing import Any

import pytest

from kancat.algebra import policy as policy_module
from kancat.algebra import theories, totals
from kancat.algebra.policy import MeshPolicy, MTLSMode, PodSecurityLevel
from kancat.algebra.theories import (
    JOIN_SEMILATTICE_LAWS,
    CommutativeMonoid,
    JoinSemilattice,
    monoid,
    semilattice,
)
from kancat.algebra.totals import ResourceTotals
from kancat.errors import InvalidArgument, InvalidValue
from kancat.values import Container, Deployment, PodTemplate
from kancat.values.quantity import quantity_of as to_quantity


@pytest.mark.parametrize("module", [theories, policy_module, totals],
                         ids=lambda m: m.__name__)
def test_all_lists_exactly_the_public_names(module: ModuleType) -> None:
    defined = {name for name, item in vars(module).items()
               if not name.startswith("_")
               and (getattr(item, "__module__", None) == module.__name__
                    or name.isupper())
               and name not in ("Any", "Generic", "Protocol", "Self", "TypeVar")}
    assert set(module.__all__) == defined
    assert len(module.__all__) == len(defined)  # no duplicates (ruff's RUF022 keeps the order)


def test_instances_satisfy_their_theories() -> None:
    # Checked by mypy --strict on this file as well as at run time.
    policy: JoinSemilattice = MeshPolicy()
    mode: JoinSemilattice = MTLSMode.STRICT
    level: JoinSemilattice = PodSecurityLevel.BASELINE
    totals: CommutativeMonoid = ResourceTotals()
    assert policy.leq(policy) and mode.leq(mode) and level.leq(level)
    assert totals.combine(totals) == totals
    assert semilattice(MeshPolicy).bottom == MeshPolicy()
    assert monoid(ResourceTotals).empty == ResourceTotals()
    assert [law.name for law in JOIN_SEMILATTICE_LAWS] == [
        "associativity", "commutativity", "idempotence", "unit", "order"]


# --- chains -----------------------------------------------------------------------------------

def test_mtls_modes_form_the_chain_disable_permissive_strict() -> None:
    assert [m.value for m in MTLSMode] == ["DISABLE", "PERMISSIVE", "STRICT"]
    assert MTLSMode.DISABLE < MTLSMode.PERMISSIVE < MTLSMode.STRICT
    assert MTLSMode.STRICT.leq(MTLSMode.STRICT)
    assert not MTLSMode.STRICT.leq(MTLSMode.PERMISSIVE)
    assert MTLSMode.PERMISSIVE.join(MTLSMode.STRICT) is MTLSMode.STRICT
    assert MTLSMode.STRICT | MTLSMode.DISABLE is MTLSMode.STRICT
    assert MTLSMode.bottom() is MTLSMode.DISABLE
    assert MTLSMode.top() is MTLSMode.STRICT
    assert MTLSMode.join_all([]) is MTLSMode.DISABLE
    assert MTLSMode.of("PERMISSIVE") is MTLSMode.PERMISSIVE
    assert MTLSMode.STRICT >= MTLSMode.PERMISSIVE > MTLSMode.DISABLE


def test_pod_security_levels_carry_the_label_values() -> None:
    assert [lv.value for lv in PodSecurityLevel] == ["privileged", "baseline", "restricted"]
    assert PodSecurityLevel.bottom() is PodSecurityLevel.PRIVILEGED
    assert PodSecurityLevel.BASELINE | PodSecurityLevel.RESTRICTED is PodSecurityLevel.RESTRICTED
    assert PodSecurityLevel.RESTRICTED - PodSecurityLevel.BASELINE is PodSecurityLevel.RESTRICTED
    assert PodSecurityLevel.BASELINE - PodSecurityLevel.RESTRICTED is PodSecurityLevel.PRIVILEGED


def test_chains_do_not_mix() -> None:
    with pytest.raises(InvalidArgument, match="PodSecurityLevel"):
        MTLSMode.STRICT.join(PodSecurityLevel.RESTRICTED)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", ["strict", "UNSET", 1, None])
def test_a_chain_rejects_unknown_values(value: Any) -> None:
    with pytest.raises(InvalidValue, match="DISABLE"):
        MTLSMode.of(value)


# --- policy merge ---------------------------------------------------------------------------

def test_join_of_two_policies_takes_each_field_s_join() -> None:
    platform = MeshPolicy.of(mtls="PERMISSIVE", pod_security="restricted",
                             required_sidecars=["istio-proxy"], max_replicas=10)
    team = MeshPolicy.of(mtls="STRICT", pod_security="baseline",
                         capabilities=["NET_BIND_SERVICE"],
                         egress_hosts=["api.example.com", "*.eu.example.com"],
                         required_sidecars=["log-shipper"], max_replicas=3,
                         read_only_root_filesystem=True)
    merged = platform | team
    assert merged == MeshPolicy(
        MTLSMode.STRICT, PodSecurityLevel.RESTRICTED, frozenset({"NET_BIND_SERVICE"}),
        frozenset({"api.example.com", "*.eu.example.com"}),
        frozenset({"istio-proxy", "log-shipper"}), 10, True)
    assert platform <= merged and team <= merged
    assert not merged <= platform
    assert merged == team | platform == merged | merged
    assert MeshPolicy.join_all([platform, team]) == merged


def test_bottom_asks_for_nothing() -> None:
    assert MeshPolicy.bottom() == MeshPolicy() == MeshPolicy.of()
    assert repr(MeshPolicy.bottom()) == "MeshPolicy.of()"
    policy = MeshPolicy.of(capabilities=["NET_ADMIN"])
    assert MeshPolicy.bottom() | policy == policy
    assert MeshPolicy.bottom() <= policy


def test_wildcards_cover_the_names_below_them() -> None:
    wide = MeshPolicy.of(egress_hosts=["*.example.com"])
    assert MeshPolicy.of(egress_hosts=["api.example.com", "*.eu.example.com",
                                       "db.eu.example.com"]) <= wide
    assert not MeshPolicy.of(egress_hosts=["example.com"]) <= wide
    assert not MeshPolicy.of(egress_hosts=["example.org"]) <= wide
    assert MeshPolicy.of(egress_hosts=["example.com", "x.org"]) <= MeshPolicy.of(
        egress_hosts=["*"])
    # The normal form: a host covered by another is dropped, so equal policies are equal.
    assert MeshPolicy.of(egress_hosts=["api.example.com", "*.example.com"]) == wide
    assert (MeshPolicy.of(egress_hosts=["api.example.com"]) | wide) == wide


def test_max_replicas_none_is_the_bottom_not_unlimited() -> None:
    assert MeshPolicy.of(max_replicas=None) <= MeshPolicy.of(max_replicas=0)
    assert not MeshPolicy.of(max_replicas=0) <= MeshPolicy.of(max_replicas=None)
    assert (MeshPolicy.of(max_replicas=4) | MeshPolicy.of()).max_replicas == 4


def test_read_only_root_filesystem_stricter_wins() -> None:
    on, off = MeshPolicy.of(read_only_root_filesystem=True), MeshPolicy.of()
    assert (on | off) == on and off <= on and not on <= off


def test_excess_and_deficit() -> None:
    needed = MeshPolicy.of(mtls="PERMISSIVE", capabilities=["NET_BIND_SERVICE"],
                           egress_hosts=["api.example.com", "db.internal"],
                           required_sidecars=["istio-proxy"])
    granted = MeshPolicy.of(mtls="STRICT", capabilities=["NET_BIND_SERVICE", "NET_ADMIN"],
                            egress_hosts=["*.example.com"], max_replicas=5)
    assert needed - granted == MeshPolicy.of(egress_hosts=["db.internal"],
                                             required_sidecars=["istio-proxy"])
    assert granted - needed == MeshPolicy.of(mtls="STRICT", capabilities=["NET_ADMIN"],
                                             egress_hosts=["*.example.com"], max_replicas=5)
    assert needed <= granted | (needed - granted)
    assert needed - (granted | needed) == MeshPolicy.bottom()


BAD_POLICIES: list[tuple[dict[str, Any], list[str]]] = [
    ({"mtls": "strict"}, ["mtls"]),
    ({"pod_security": "Restricted"}, ["podSecurity"]),
    ({"capabilities": ["NET_ADMIN", "CAP_SYS_TIME"]}, ["capabilities[1]"]),
    ({"capabilities": ["ALL"]}, ["capabilities[0]"]),
    ({"capabilities": ["net_raw", 7]}, ["capabilities[0]", "capabilities[1]"]),
    ({"egress_hosts": ["api.example.com", "*.example.com", "Bad_Host"]}, ["egressHosts[2]"]),
    ({"egress_hosts": ["*.", "a.*.example.com", "**.x", "x..y", "https://api.example.com"]},
     ["egressHosts[0]", "egressHosts[1]", "egressHosts[2]", "egressHosts[3]",
      "egressHosts[4]"]),
    ({"egress_hosts": ["*", "NOT VALID"]}, ["egressHosts[1]"]),
    ({"required_sidecars": ["istio-proxy", "Log_Shipper"]}, ["requiredSidecars[1]"]),
    ({"max_replicas": -1}, ["maxReplicas"]),
    ({"max_replicas": "3"}, ["maxReplicas"]),
    ({"max_replicas": True}, ["maxReplicas"]),
    ({"read_only_root_filesystem": "yes"}, ["readOnlyRootFilesystem"]),
    ({"mtls": "ON", "egress_hosts": ["ok.example.com", "BAD"], "max_replicas": -2},
     ["mtls", "egressHosts[1]", "maxReplicas"]),
]


@pytest.mark.parametrize(("kwargs", "paths"), BAD_POLICIES)
def test_bad_policies_report_every_problem_by_path(kwargs: dict[str, Any], paths: list[str]
                                                   ) -> None:
    with pytest.raises(InvalidValue) as caught:
        MeshPolicy.of(**kwargs)
    assert [p.path for p in caught.value.problems] == paths


def test_the_raw_constructor_validates_too() -> None:
    with pytest.raises(InvalidValue) as caught:
        MeshPolicy("STRICT", egress_hosts=frozenset({"*", "NOT VALID"}))  # type: ignore[arg-type]
    assert [p.path for p in caught.value.problems] == ["mtls", "egressHosts"]
    with pytest.raises(InvalidArgument, match="list of names"):
        MeshPolicy(capabilities="NET_ADMIN")
    with pytest.raises(InvalidArgument, match="list of names"):
        MeshPolicy.of(egress_hosts="api.example.com")


def test_policies_are_hashable_values() -> None:
    a = MeshPolicy.of(egress_hosts=["*.example.com", "api.example.com"])
    b = MeshPolicy.of(egress_hosts=["*.example.com"])
    assert a == b and hash(a) == hash(b) and len({a, b}) == 1
    assert eval(repr(a), {"MeshPolicy": MeshPolicy}) == a


# --- resource totals ------------------------------------------------------------------------

def _c(name: str, sidecar: bool = False, **resources: Any) -> Container:
    return Container.of(name, image="app:1", restart_policy="Always" if sidecar else None,
                        **resources)


def test_totals_are_a_sum_not_a_join() -> None:
    a = ResourceTotals.of(requests={"cpu": "250m", "memory": "64Mi"})
    assert a + a == ResourceTotals.of(requests={"cpu": "500m", "memory": "128Mi"})
    assert a.peak(a) == a
    assert a + ResourceTotals.empty() == a
    assert ResourceTotals.of(requests={"cpu": 0}) == ResourceTotals.empty()


def test_a_missing_request_defaults_to_the_limit() -> None:
    app = _c("app", requests={"memory": "128Mi"}, limits={"cpu": "2", "memory": "1Gi"})
    assert ResourceTotals.of_container(app).as_dict() == {
        "requests": {"cpu": "2", "memory": "128Mi"}, "limits": {"cpu": "2", "memory": "1Gi"}}


def test_of_pod_worked_example_of_the_init_container_rule() -> None:
    """app 500m/256Mi and log 100m/64Mi run together; istio-proxy (native sidecar,
    100m/128Mi) runs beside them; migrate (2 cpu/64Mi) runs after istio-proxy
    started, setup (1 cpu/1Gi) before it.

    running: cpu 500m + 100m + 100m = 700m, memory 256 + 64 + 128 = 448Mi
    setup step:   cpu 1 (no sidecar yet)   memory 1Gi
    proxy step:   cpu 100m                 memory 128Mi
    migrate step: cpu 2 + 100m = 2100m     memory 64 + 128 = 192Mi
    effective: cpu max(700m, 1, 100m, 2100m) = 2100m, memory max(448Mi, 1Gi, ...) = 1Gi
    """
    pod = PodTemplate.of(
        [_c("app", requests={"cpu": "500m", "memory": "256Mi"}),
         _c("log", requests={"cpu": "100m", "memory": "64Mi"})],
        init_containers=[_c("setup", requests={"cpu": "1", "memory": "1Gi"}),
                         _c("istio-proxy", sidecar=True,
                            requests={"cpu": "100m", "memory": "128Mi"}),
                         _c("migrate", requests={"cpu": "2", "memory": "64Mi"})])
    assert ResourceTotals.of_pod(pod).as_dict() == {
        "requests": {"cpu": "2100m", "memory": "1Gi"}}
    assert ResourceTotals.of_pod(pod, replicas=2).as_dict() == {
        "requests": {"cpu": "4200m", "memory": "2Gi"}}
    assert ResourceTotals.of_pod(pod, replicas=0) == ResourceTotals.empty()


def test_a_sidecar_declared_after_an_init_container_is_not_beside_it() -> None:
    proxy = _c("proxy", sidecar=True, requests={"cpu": "500m"})
    job = _c("job", requests={"cpu": "1"})
    app = _c("app", requests={"cpu": "200m"})
    before = PodTemplate.of([app], init_containers=[proxy, job])
    after = PodTemplate.of([app], init_containers=[job, proxy])
    assert ResourceTotals.of_pod(before).as_dict() == {"requests": {"cpu": "1500m"}}
    assert ResourceTotals.of_pod(after).as_dict() == {"requests": {"cpu": "1"}}


def test_limits_follow_the_same_rule() -> None:
    pod = PodTemplate.of(
        [_c("app", requests={"memory": "256Mi"}, limits={"memory": "512Mi"})],
        init_containers=[_c("warm", limits={"memory": "2Gi"}),
                         _c("proxy", sidecar=True, limits={"memory": "256Mi"})])
    assert ResourceTotals.of_pod(pod).as_dict() == {
        "requests": {"memory": "2Gi"}, "limits": {"memory": "2Gi"}}


def test_of_workload_uses_the_replicas() -> None:
    web = Deployment.of("web", replicas=3, containers=[_c("app", requests={"cpu": "250m"})])
    assert ResourceTotals.of_workload(web).as_dict() == {"requests": {"cpu": "750m"}}
    one = Deployment.of("web", containers=[_c("app", requests={"cpu": "250m"})])
    assert ResourceTotals.of_workload(one).as_dict() == {"requests": {"cpu": "250m"}}


def test_of_pod_rejects_negative_replicas() -> None:
    pod = PodTemplate.of([_c("app")])
    with pytest.raises(InvalidValue, match="replicas"):
        ResourceTotals.of_pod(pod, replicas=-1)


@pytest.mark.parametrize(("resource", "amount", "text"), [
    ("cpu", Fraction(3, 2), "1500m"),
    ("cpu", Fraction(2), "2"),
    ("cpu", Fraction(1, 10), "100m"),
    ("cpu", Fraction(15, 10**4), "1500u"),
    ("cpu", Fraction(1, 10**12), "0.001n"),
    ("cpu", Fraction(0), "0"),
    ("memory", Fraction(2**30), "1Gi"),
    ("memory", Fraction(384 * 2**20), "384Mi"),
    ("memory", Fraction(3 * 2**39), "1536Gi"),
    ("memory", Fraction(2**40), "1Ti"),
    ("memory", Fraction(1536), "1536"),
    ("memory", Fraction(10**9), "1000000000"),
    ("memory", Fraction(1, 2), "500m"),
    ("ephemeral-storage", Fraction(2**31), "2Gi"),
    ("hugepages-2Mi", Fraction(2**21), "2Mi"),
    ("example.com/gpu", Fraction(4), "4"),
])
def test_to_quantity_renders_exactly(resource: str, amount: Fraction, text: str) -> None:
    rendered = to_quantity(resource, amount)
    assert rendered.text == text
    assert rendered.amount == amount


@pytest.mark.parametrize(("kwargs", "paths"), [
    ({"requests": {"cpu": "lots"}}, ["requests['cpu']"]),
    ({"requests": {"cpu": "-1"}, "limits": {"gpu": "1"}}, ["requests['cpu']", "limits['gpu']"]),
])
def test_bad_totals_report_paths(kwargs: dict[str, Any], paths: list[str]) -> None:
    with pytest.raises(InvalidValue) as caught:
        ResourceTotals.of(**kwargs)
    assert [p.path for p in caught.value.problems] == paths


def test_raw_totals_reject_inexact_amounts() -> None:
    with pytest.raises(InvalidValue, match="exact"):
        ResourceTotals(requests={"cpu": Fraction(1, 3)})
    with pytest.raises(InvalidValue, match="Fraction"):
        ResourceTotals(requests={"cpu": 0.5})  # type: ignore[dict-item]
    with pytest.raises(InvalidArgument):
        ResourceTotals.of(requests={"cpu": "1"}).times(-1)


def test_a_failing_law_says_where_the_two_sides_first_differ() -> None:
    import attrs
    from hypothesis import strategies as st

    from kancat.algebra.theories import SemilatticeOps
    from kancat.testing.laws import check_law

    def left_biased(a: MeshPolicy, b: MeshPolicy) -> MeshPolicy:  # not commutative
        return attrs.evolve(a.join(b), capabilities=a.capabilities)

    (commutativity,) = [law for law in JOIN_SEMILATTICE_LAWS if law.name == "commutativity"]
    values = st.builds(lambda caps, hosts: MeshPolicy.of(capabilities=caps, egress_hosts=hosts),
                       st.lists(st.sampled_from(["NET_ADMIN", "NET_RAW", "CHOWN"])),
                       st.lists(st.sampled_from([f"h{i}.example.com" for i in range(40)]),
                                min_size=30))
    ops = SemilatticeOps(left_biased, MeshPolicy.leq, MeshPolicy.bottom())
    with pytest.raises(AssertionError) as raised:
        check_law(commutativity, ops, values, derandomize=True)
    lines = str(raised.value).splitlines()
    assert lines[0] == "commutativity (a ⊔ b == b ⊔ a) fails"
    assert lines[1].startswith("the two sides first differ at capabilities")
    assert lines[2].startswith("  left:  frozenset(")
    assert all(len(line) <= 300 for line in lines[:6]), lines
