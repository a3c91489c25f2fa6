"""Scheduling: the typed affinity values (their rules, by Kubernetes field path, through
the constructors and the loader), the rule that spread constraints and anti-affinity
terms select the pod's own pods, the transformations of ``kancat.patterns.scheduling``,
the builders on ``Deployment.of`` / ``StatefulSet.of``, and the founding design's §2
Deployment — every manifest emitted checked against the strict Kubernetes schemas.

(The laws of the transformations are in ``property_tests/test_scheduling_laws.py``.)
"""

from typing import Any

import pytest
import yaml
from returns.result import Failure, Success

from kancat import load_yaml, to_yaml
from kancat.codec.encode import to_manifest
from kancat.errors import InvalidValue
from kancat.patterns.istio_injection import istio_sidecar
from kancat.patterns.scheduling import (
    prefer_separate_hosts,
    require_node_types,
    spread_hosts,
    spread_zones,
    tolerate,
)
from kancat.patterns.security import pod_security_problems, restricted
from kancat.patterns.sidecars import fluent_bit, inject
from kancat.values import (
    Affinity,
    Container,
    DaemonSet,
    Deployment,
    LabelSelector,
    LabelSelectorRequirement,
    NodeAffinity,
    NodeSelector,
    NodeSelectorRequirement,
    NodeSelectorTerm,
    PodAffinity,
    PodAffinityTerm,
    PodAntiAffinity,
    PodTemplate,
    PreferredSchedulingTerm,
    StatefulSet,
    Toleration,
    TopologySpreadConstraint,
    WeightedPodAffinityTerm,
)
from tests.validators import validate_manifest

APP = Container.of("app", image="registry.example.com/shop/app:2.1.0", ports={"http": 8080})
HOSTNAME = "kubernetes.io/hostname"
ZONE = "topology.kubernetes.io/zone"


def _problems(build: Any) -> list[tuple[str, str]]:
    with pytest.raises(InvalidValue) as caught:
        build()
    return [(problem.path, problem.message) for problem in caught.value.problems]


def _paths(build: Any) -> list[str]:
    return [path for path, _ in _problems(build)]


def _load(text: str) -> Any:
    result = load_yaml(text)
    assert isinstance(result, Success), result
    (value,) = result.unwrap()
    return value


def _load_problems(text: str) -> list[str]:
    result = load_yaml(text)
    assert isinstance(result, Failure), result
    return [problem.path for problem in result.failure().problems]


# --- the values and their rules ------------------------------------------------------------

@pytest.mark.parametrize(("operator", "values", "message"), [
    ("In", (), "operator In needs values"),
    ("NotIn", (), "operator NotIn needs values"),
    ("Exists", ("x",), "operator Exists takes no values"),
    ("DoesNotExist", ("x",), "operator DoesNotExist takes no values"),
    ("Gt", ("1", "2"), "operator Gt takes exactly one value, got 2"),
    ("Lt", (), "operator Lt takes exactly one value, got 0"),
])
def test_a_node_selector_requirement_takes_the_values_its_operator_needs(
        operator: str, values: tuple[str, ...], message: str) -> None:
    assert _problems(lambda: NodeSelectorRequirement("disk", operator, values)) == [
        ("values", message)]


def test_gt_and_lt_compare_integers() -> None:
    assert _problems(lambda: NodeSelectorRequirement("cpus", "Lt", ["many"])) == [
        ("values[0]", "operator Lt compares integers, got 'many'")]
    more = NodeSelectorRequirement("cpus", "Gt", ["8"])
    assert more.matches({"cpus": "16"}) and not more.matches({"cpus": "4"})
    assert not more.matches({"cpus": "lots"}) and not more.matches({})


def test_node_requirements_match_like_the_scheduler() -> None:
    labels = {"disk": "ssd"}
    assert NodeSelectorRequirement("disk", "In", ["ssd", "nvme"]).matches(labels)
    assert not NodeSelectorRequirement("disk", "NotIn", ["ssd"]).matches(labels)
    assert NodeSelectorRequirement("gpu", "NotIn", ["a100"]).matches(labels)
    assert NodeSelectorRequirement("disk", "Exists").matches(labels)
    assert NodeSelectorRequirement("gpu", "DoesNotExist").matches(labels)


def test_a_bad_key_operator_and_weight_are_each_reported() -> None:
    assert _problems(lambda: NodeSelectorRequirement("bad key!", "Near", ["x"])) == [
        ("key", "label key 'bad key!' is not a qualified name"),
        ("operator", "operator 'Near' is not allowed")]
    term = NodeSelectorTerm.of(NodeSelectorRequirement("gpu", "Exists"))
    assert _paths(lambda: PreferredSchedulingTerm(101, term)) == ["weight"]
    pod_term = PodAffinityTerm.of(HOSTNAME, {"app": "web"})
    assert _paths(lambda: WeightedPodAffinityTerm(0, pod_term)) == ["weight"]


def test_empty_terms_select_nothing_and_are_problems() -> None:
    assert _paths(NodeSelectorTerm) == ["matchExpressions"]
    assert _paths(lambda: NodeSelector(())) == ["nodeSelectorTerms"]
    assert _paths(lambda: PodAffinityTerm(topology_key=HOSTNAME)) == ["labelSelector"]
    assert _paths(lambda: PodAffinityTerm.of("", {"app": "web"})) == ["topologyKey"]


def test_match_fields_select_only_node_names() -> None:
    field = NodeSelectorRequirement("metadata.name", "In", ["node-1"])
    assert NodeSelectorTerm(match_fields=[field]).match_fields == (field,)
    assert _paths(lambda: NodeSelectorTerm(match_fields=[NodeSelectorRequirement(
        "metadata.uid", "In", ["a", "b"])])) == ["matchFields[0].key", "matchFields[0].values"]


def test_namespaces_of_a_pod_affinity_term_are_dns_labels() -> None:
    assert _paths(lambda: PodAffinityTerm.of(HOSTNAME, {"app": "db"}, ["shop", "Bad_NS"])) == [
        "namespaces[1]"]


def test_a_typed_affinity_is_refused_where_a_dict_is_given() -> None:
    assert _paths(lambda: Deployment.of("web", containers=[APP], affinity={
        "nodeAffinity": {}})) == ["spec.template.spec.affinity"]


# --- the loader reports problems by their whole path ---------------------------------------

DEPLOYMENT_YAML = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: checkout
  namespace: shop
spec:
  replicas: 3
  selector:
    matchLabels:
      app: checkout
  template:
    metadata:
      labels:
        app: checkout
        tier: backend
    spec:
      containers:
      - name: app
        image: registry.example.com/shop/checkout:3.2.1
      affinity:
        nodeAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            nodeSelectorTerms:
            - matchExpressions:
              - key: node.kubernetes.io/instance-type
                operator: In
                values:
                - m5.xlarge
                - m5.2xlarge
              matchFields:
              - key: metadata.name
                operator: NotIn
                values:
                - node-7
          preferredDuringSchedulingIgnoredDuringExecution:
          - weight: 20
            preference:
              matchExpressions:
              - key: example.com/cpu-count
                operator: Gt
                values:
                - '8'
        podAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
          - weight: 50
            podAffinityTerm:
              labelSelector:
                matchExpressions:
                - key: app
                  operator: In
                  values:
                  - redis
              namespaces:
              - cache
              topologyKey: topology.kubernetes.io/zone
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
          - labelSelector:
              matchLabels:
                app: checkout
            topologyKey: kubernetes.io/hostname
            matchLabelKeys:
            - pod-template-hash
          preferredDuringSchedulingIgnoredDuringExecution:
          - weight: 100
            podAffinityTerm:
              labelSelector:
                matchLabels:
                  app: checkout
                  tier: backend
              topologyKey: topology.kubernetes.io/zone
      tolerations:
      - key: dedicated
        operator: Equal
        value: checkout
        effect: NoSchedule
      - operator: Exists
        effect: NoExecute
        tolerationSeconds: 300
      topologySpreadConstraints:
      - maxSkew: 1
        topologyKey: topology.kubernetes.io/zone
        whenUnsatisfiable: DoNotSchedule
        labelSelector:
          matchLabels:
            app: checkout
        minDomains: 3
"""


def test_a_real_manifest_with_every_affinity_loads_typed_and_re_emits_byte_for_byte() -> None:
    checkout = _load(DEPLOYMENT_YAML)
    assert to_yaml(checkout) == DEPLOYMENT_YAML
    affinity = checkout.template.affinity
    assert isinstance(affinity, Affinity)
    assert affinity.node_affinity.required.terms[0].match_fields[0].values == ("node-7",)
    assert affinity.node_affinity.preferred[0].preference.match_expressions[0].operator == "Gt"
    assert affinity.pod_affinity.preferred[0].term.namespaces == ("cache",)
    own = affinity.pod_anti_affinity.required[0]
    assert own.extra == {"matchLabelKeys": ("pod-template-hash",)}
    assert checkout.template.topology_spread_constraints[0].min_domains == 3
    assert _load(to_yaml(checkout)) == checkout
    validate_manifest(to_manifest(checkout))


@pytest.mark.parametrize(("broken", "replacement", "path"), [
    ("          - weight: 20\n", "          - weight: 200\n",
     "spec.template.spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution"
     "[0].weight"),
    ("                operator: In\n                values:\n                - m5.xlarge\n"
     "                - m5.2xlarge\n", "                operator: In\n",
     "spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution"
     ".nodeSelectorTerms[0].matchExpressions[0].values"),
    ("              - cache\n", "              - Cache\n",
     "spec.template.spec.affinity.podAffinity.preferredDuringSchedulingIgnoredDuringExecution"
     "[0].podAffinityTerm.namespaces[0]"),
    ("            topologyKey: kubernetes.io/hostname\n", "            topologyKee: x\n",
     "spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution"
     "[0].topologyKee"),
    ("          matchLabels:\n            app: checkout\n        minDomains: 3\n",
     "          matchLabels:\n            app: chekout\n        minDomains: 3\n",
     "spec.template.spec.topologySpreadConstraints[0].labelSelector"),
])
def test_the_loader_reports_a_bad_affinity_at_its_whole_path(broken: str, replacement: str,
                                                              path: str) -> None:
    assert broken in DEPLOYMENT_YAML
    assert path in _load_problems(DEPLOYMENT_YAML.replace(broken, replacement, 1))


# --- spread and anti-affinity select the pod's own pods ------------------------------------

def _web(**pod: Any) -> Deployment:
    return Deployment.of("web", containers=[APP], labels={"app": "web", "track": "canary"},
                         **pod)


def _spread(selector: LabelSelector | None, key: str = ZONE) -> TopologySpreadConstraint:
    return TopologySpreadConstraint(1, key, "DoNotSchedule", selector)


def test_a_spread_constraint_selecting_other_pods_or_none_is_a_problem() -> None:
    where = "spec.template.spec.topologySpreadConstraints[{}].labelSelector"
    assert _problems(lambda: _web(topology_spread_constraints=[
        _spread(LabelSelector.of({"app": "web"})),
        _spread(LabelSelector.of({"app": "wbe"}), HOSTNAME),
        _spread(None, "example.com/rack")])) == [
        (where.format(1), "the spread constraint selects none of this pod's own pods "
                          "(pod labels: {app: web, track: canary})"),
        (where.format(2), "the spread constraint selects none of this pod's own pods "
                          "(it has no labelSelector)")]


def test_two_spreads_on_one_key_and_policy_are_refused_as_kubernetes_does() -> None:
    own = LabelSelector.of({"app": "web"})
    assert _paths(lambda: _web(topology_spread_constraints=[_spread(own), _spread(own)])) == [
        "spec.template.spec.topologySpreadConstraints[1].topologyKey"]


def test_min_domains_needs_do_not_schedule_and_kubernetes_1_27() -> None:
    own = LabelSelector.of({"app": "web"})
    assert _paths(lambda: TopologySpreadConstraint(1, HOSTNAME, "ScheduleAnyway", own,
                                                   min_domains=2)) == ["minDomains"]
    assert _paths(lambda: TopologySpreadConstraint(1, ZONE, "DoNotSchedule", own,
                                                   min_domains=0)) == ["minDomains"]
    web = _web(topology_spread_constraints=[TopologySpreadConstraint(
        1, ZONE, "DoNotSchedule", own, min_domains=3)])
    validate_manifest(to_manifest(web))
    with pytest.raises(InvalidValue, match="minDomains"):
        to_manifest(web, (1, 25))


def test_a_selector_naming_labels_the_controllers_add_is_not_judged() -> None:
    job_pods = LabelSelector.of({"batch.kubernetes.io/job-name": "report"})
    spread = _web(topology_spread_constraints=[_spread(job_pods)])
    assert spread.template.topology_spread_constraints[0].label_selector == job_pods
    hashed = PodAffinityTerm.of(HOSTNAME, {"pod-template-hash": "7d4b9c"})
    assert _web(affinity=_anti(hashed)).template.affinity == _anti(hashed)


def _anti(*terms: PodAffinityTerm) -> Affinity:
    return Affinity(pod_anti_affinity=PodAntiAffinity(
        preferred=[WeightedPodAffinityTerm(100, term) for term in terms]))


def test_an_anti_affinity_term_misspelling_the_pods_own_labels_is_a_problem() -> None:
    assert _paths(lambda: _web(affinity=_anti(PodAffinityTerm.of(HOSTNAME, {"app": "wbe"})))) \
        == ["spec.template.spec.affinity.podAntiAffinity."
            "preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.labelSelector"]
    required = Affinity(pod_anti_affinity=PodAntiAffinity(required=[
        PodAffinityTerm.of(HOSTNAME, {"app": "wbe", "track": "canry"})]))
    assert _paths(lambda: _web(affinity=required)) == [
        "spec.template.spec.affinity.podAntiAffinity."
        "requiredDuringSchedulingIgnoredDuringExecution[0].labelSelector"]


def test_anti_affinity_meant_for_other_pods_is_left_as_written() -> None:
    other_app = LabelSelector.of(None, LabelSelectorRequirement("app", "In", ["batch"]))
    stable = {"app": "web", "track": "stable"}  # canary kept away from the stable pods
    web = _web(affinity=_anti(PodAffinityTerm.of(HOSTNAME, other_app),
                              PodAffinityTerm.of(HOSTNAME, stable),
                              PodAffinityTerm.of(HOSTNAME, {"team": "data"}),
                              PodAffinityTerm.of(HOSTNAME, {"app": "db"}, ["data"])))
    assert len(web.template.affinity.pod_anti_affinity.preferred) == 4
    validate_manifest(to_manifest(web))


def test_pod_affinity_is_about_other_pods() -> None:
    near_cache = Affinity(pod_affinity=PodAffinity(required=[
        PodAffinityTerm.of(ZONE, {"app": "cache"})]))
    assert _web(affinity=near_cache).template.affinity == near_cache


# --- the transformations -------------------------------------------------------------------

def test_transformations_select_the_workloads_own_pods_by_its_selector() -> None:
    web = Deployment.of("web", containers=[APP], labels={"app": "web"},
                        pod_annotations={"team": "shop"})
    versioned = PodTemplate.of([APP], labels={"app": "web", "version": "v2"})
    web = Deployment(metadata=web.metadata, selector=web.selector, template=versioned)
    placed = spread_zones().then(prefer_separate_hosts())(web)
    assert placed.template.topology_spread_constraints[0].label_selector == web.selector
    assert placed.template.affinity.pod_anti_affinity.preferred[0].term.label_selector \
        == web.selector
    bare = spread_zones()(versioned)  # no workload: the pod's labels
    assert dict(bare.topology_spread_constraints[0].label_selector.match_labels) == {
        "app": "web", "version": "v2"}


def test_a_pod_without_labels_is_refused_with_its_path() -> None:
    unlabelled = PodTemplate.of([APP])
    for t in (spread_zones(), spread_hosts(), prefer_separate_hosts()):
        assert _paths(lambda t=t: t(unlabelled)) == ["metadata.labels"]
    assert require_node_types(["m5.xlarge"])(unlabelled).affinity is not None


def test_spreading_updates_the_constraint_on_its_key_and_keeps_the_others() -> None:
    own = LabelSelector.of({"app": "web"})
    already = _web(topology_spread_constraints=[
        TopologySpreadConstraint(3, ZONE, "ScheduleAnyway", own,
                                 extra={"nodeTaintsPolicy": "Honor"}),
        TopologySpreadConstraint(1, "example.com/rack", "DoNotSchedule", own),
        TopologySpreadConstraint(2, HOSTNAME, "DoNotSchedule", own, min_domains=4)])
    spread = spread_zones().then(spread_hosts())(already).template.topology_spread_constraints
    assert [(c.topology_key, c.max_skew, c.when_unsatisfiable, c.min_domains, dict(c.extra))
            for c in spread] == [
        (ZONE, 1, "DoNotSchedule", None, {"nodeTaintsPolicy": "Honor"}),
        ("example.com/rack", 1, "DoNotSchedule", None, {}),
        (HOSTNAME, 1, "ScheduleAnyway", None, {})]  # minDomains only with DoNotSchedule


def test_separate_hosts_replaces_its_own_term_and_keeps_others() -> None:
    other = WeightedPodAffinityTerm(10, PodAffinityTerm.of(HOSTNAME, LabelSelector.of(
        None, LabelSelectorRequirement("app", "In", ["batch"]))))
    own = WeightedPodAffinityTerm(5, PodAffinityTerm.of(HOSTNAME, {"app": "web"}))
    web = _web(affinity=Affinity(pod_anti_affinity=PodAntiAffinity(preferred=[other, own])))
    preferred = prefer_separate_hosts(80)(web).template.affinity.pod_anti_affinity.preferred
    assert preferred[0] == other
    assert (preferred[1].weight, preferred[1].term.label_selector) == (80, web.selector)
    assert len(preferred) == 2


def test_node_types_go_into_every_required_term() -> None:
    arm = NodeSelectorTerm.of(NodeSelectorRequirement("kubernetes.io/arch", "In", ["arm64"]))
    typed = NodeSelectorTerm.of(NodeSelectorRequirement("node-type", "In", ["old"]),
                                NodeSelectorRequirement("disk", "Exists"))
    web = _web(affinity=Affinity(node_affinity=NodeAffinity(required=NodeSelector([arm, typed]))))
    terms = require_node_types(["compute-optimized"], key="node-type")(
        web).template.affinity.node_affinity.required.terms
    wanted = NodeSelectorRequirement("node-type", "In", ["compute-optimized"])
    assert terms[0].match_expressions == (arm.match_expressions[0], wanted)
    assert terms[1].match_expressions == (wanted, typed.match_expressions[1])


def test_tolerations_are_added_once() -> None:
    gpu = Toleration("dedicated", "Equal", "gpu", "NoSchedule")
    web = _web(tolerations=[gpu])
    spot = Toleration("spot", "Exists", effect="NoSchedule")
    assert tolerate(gpu, spot)(web).template.tolerations == (gpu, spot)


@pytest.mark.parametrize(("build", "paths"), [
    (lambda: spread_zones(max_skew=0), ["max_skew"]),
    (lambda: spread_hosts(max_skew=True), ["max_skew"]),
    (lambda: prefer_separate_hosts(weight=0), ["weight"]),
    (lambda: require_node_types([]), ["types"]),
    (lambda: require_node_types(["ok", ""]), ["types[1]"]),
    (lambda: require_node_types(["ok"], key="bad key"), ["key"]),
    (lambda: tolerate(), ["tolerations"]),
    (lambda: tolerate("dedicated"), ["tolerations[0]"]),
])
def test_bad_parameters_are_named(build: Any, paths: list[str]) -> None:
    assert _paths(build) == paths


# --- the builders and the founding design's §2 Deployment ----------------------------------

FOUNDING_SCHEDULING = """\
topologySpreadConstraints:
- maxSkew: 1
  topologyKey: topology.kubernetes.io/zone
  whenUnsatisfiable: DoNotSchedule
  labelSelector:
    matchLabels:
      app: distributed-app
- maxSkew: 1
  topologyKey: kubernetes.io/hostname
  whenUnsatisfiable: ScheduleAnyway
  labelSelector:
    matchLabels:
      app: distributed-app
affinity:
  podAntiAffinity:
    preferredDuringSchedulingIgnoredDuringExecution:
    - weight: 100
      podAffinityTerm:
        labelSelector:
          matchExpressions:
          - key: app
            operator: In
            values:
            - distributed-app
        topologyKey: kubernetes.io/hostname
  nodeAffinity:
    requiredDuringSchedulingIgnoredDuringExecution:
      nodeSelectorTerms:
      - matchExpressions:
        - key: node-type
          operator: In
          values:
          - compute-optimized
          - memory-optimized
"""
"""The scheduling part of the founding design's §2 Deployment, as it writes it."""

NODE_TYPES = ["compute-optimized", "memory-optimized"]
FOUNDING = (spread_zones().then(spread_hosts()).then(prefer_separate_hosts())
            .then(require_node_types(NODE_TYPES, key="node-type")))


def _distributed_app(**pod: Any) -> Deployment:
    return Deployment.of("distributed-app", replicas=10, containers=[APP], **pod)


def test_the_founding_design_deployment_by_transformations() -> None:
    placed = FOUNDING(_distributed_app())
    manifest = to_manifest(placed)
    validate_manifest(manifest)
    spec = manifest["spec"]["template"]["spec"]
    design = yaml.safe_load(FOUNDING_SCHEDULING)
    assert manifest["spec"]["replicas"] == 10
    assert spec["topologySpreadConstraints"] == design["topologySpreadConstraints"]
    assert spec["affinity"]["nodeAffinity"] == design["affinity"]["nodeAffinity"]
    # the same anti-affinity, selecting the pods by the Deployment's own selector
    anti = spec["affinity"]["podAntiAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"]
    assert anti == [{"weight": 100, "podAffinityTerm": {
        "labelSelector": {"matchLabels": {"app": "distributed-app"}},
        "topologyKey": HOSTNAME}}]
    assert FOUNDING(placed) == placed


def test_the_founding_design_deployment_by_builders_is_exactly_what_it_writes() -> None:
    own = LabelSelector.of({"app": "distributed-app"})
    design = _distributed_app(
        topology_spread_constraints=[
            TopologySpreadConstraint(1, ZONE, "DoNotSchedule", own),
            TopologySpreadConstraint(1, HOSTNAME, "ScheduleAnyway", own)],
        affinity=Affinity(
            node_affinity=NodeAffinity(required=NodeSelector.of(
                NodeSelectorRequirement("node-type", "In", NODE_TYPES))),
            pod_anti_affinity=PodAntiAffinity(preferred=[WeightedPodAffinityTerm(
                100, PodAffinityTerm.of(HOSTNAME, LabelSelector.of(None, LabelSelectorRequirement(
                    "app", "In", ["distributed-app"]))))])))
    manifest = to_manifest(design)
    validate_manifest(manifest)
    assert manifest["spec"]["template"]["spec"] | yaml.safe_load(FOUNDING_SCHEDULING) \
        == manifest["spec"]["template"]["spec"]
    # the transformations keep what the builders wrote on their keys, and add nothing
    placed = FOUNDING(design)
    assert placed.template.topology_spread_constraints == \
        design.template.topology_spread_constraints
    assert placed.template.affinity.node_affinity == design.template.affinity.node_affinity
    validate_manifest(to_manifest(placed))


@pytest.mark.parametrize("version", [(1, 25), (1, 28), (1, 32)])
def test_a_scheduled_hardened_injected_statefulset_is_valid_and_restricted(
        version: tuple[int, int]) -> None:
    gpu = Toleration("dedicated", "Equal", "db", "NoSchedule")
    db = StatefulSet.of("db", service_name="db", replicas=3, containers=[APP],
                        tolerations=[gpu])
    everything = (inject(fluent_bit()).then(restricted()).then(FOUNDING)
                  .then(tolerate(gpu, Toleration("spot", "Exists", effect="NoSchedule"))))
    placed = everything(db)
    assert pod_security_problems(placed.template, "restricted") == []
    assert len(placed.template.tolerations) == 2
    assert everything(placed) == placed
    validate_manifest(to_manifest(placed, version), "{}.{}".format(*version))


def test_the_founding_design_deployment_emits_for_kubernetes_1_20() -> None:
    manifest = to_manifest(FOUNDING(_distributed_app()), (1, 20))
    assert manifest["spec"]["template"]["spec"]["affinity"]["nodeAffinity"] == yaml.safe_load(
        FOUNDING_SCHEDULING)["affinity"]["nodeAffinity"]


def test_a_daemonset_spreads_by_its_selector_and_stays_valid() -> None:
    agent = DaemonSet.of("agent", containers=[APP])
    placed = require_node_types(["m5.xlarge"]).then(tolerate(Toleration(
        operator="Exists")))(agent)
    validate_manifest(to_manifest(placed))


def test_istio_injection_adds_labels_and_still_commutes_with_scheduling() -> None:
    """Istio's injector adds labels to the pod; the transformations select the pods by
    the workload's selector, so the order does not matter and the selectors still
    select the injected pods."""
    web = Deployment.of("web", replicas=3, containers=[APP])
    istio = istio_sidecar()
    first = istio.then(FOUNDING)(web)
    assert first == FOUNDING.then(istio)(web)
    assert "security.istio.io/tlsMode" in first.template.labels
    validate_manifest(to_manifest(first))
