"""Runtime security: the PodSecurityPolicy (emitted for Kubernetes 1.20 to 1.24, refused
from 1.25 on) and Falco rules (schema-valid YAML, names checked, loaded back).

The PodSecurityPolicy schema: ``kubernetes-validate`` ships strict schemas from 1.25 on,
when PodSecurityPolicy was gone. ``tests/data/k8s-schemas/policy_v1beta1_PodSecurityPolicy.json``
holds the strict ``policy/v1beta1`` PodSecurityPolicy definitions of Kubernetes 1.20 to
1.24 (and every definition they reference), taken from ``kubernetes-validate`` 1.24.0
(its ``x-kancat-source`` says how); the manifests here are checked against the one of
the version they are emitted for.

The Falco rules schema is Falco's own (``falco_rules.schema.json``, draft-06), from the
team's schema set (or its copy in ``tests/data/crd-schemas``).
"""

import functools
import json
from pathlib import Path
from typing import Any

import attrs
import jsonschema
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from returns.result import Failure, Success

from kancat.codec.encode import to_manifest
from kancat.core.plan import plan_of
from kancat.errors import InvalidValue
from kancat.interpret.emit import to_manifests
from kancat.interpret.load import load_manifest
from kancat.patterns.runtime_security import (
    RESTRICTED_VOLUMES,
    design_falco_rules,
    load_falco_yaml,
    restricted_psp,
    to_falco_yaml,
)
from kancat.testing.strategies import falco_rules_files, pod_security_policies
from kancat.values import Namespace
from kancat.values.falco import (
    FalcoList,
    FalcoMacro,
    FalcoRule,
    RequiredEngineVersion,
    RulesFile,
    condition_references,
)
from kancat.values.kinds import NEWEST_VERSION, kind_called
from kancat.values.pod_security import pod_security_labels
from kancat.values.pod_security_policy import (
    PSP_SPEC_FIELDS,
    IDRange,
    PodSecurityPolicy,
    SELinuxStrategy,
)
from tests.validators import SHARED_SCHEMAS

PSP_VERSIONS = [(1, minor) for minor in range(20, 25)]
REMOVED_VERSIONS = [(1, minor) for minor in range(25, NEWEST_VERSION[1] + 1)]
PSP_SCHEMAS = Path(__file__).parent / "data" / "k8s-schemas" / \
    "policy_v1beta1_PodSecurityPolicy.json"


@functools.cache
def _psp_schemas() -> dict[str, Any]:
    versions: dict[str, Any] = json.loads(PSP_SCHEMAS.read_text())["versions"]
    return versions


@functools.cache
def _psp_validator(version: tuple[int, int]) -> jsonschema.Draft7Validator:
    schema = _psp_schemas()[f"{version[0]}.{version[1]}"]
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def psp_errors(manifest: dict[str, Any], version: tuple[int, int]) -> list[str]:
    return [f"{'.'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}"
            for e in _psp_validator(version).iter_errors(manifest)]


@functools.cache
def _falco_validator() -> jsonschema.Draft6Validator:
    schema = json.loads((SHARED_SCHEMAS / "falco_rules.schema.json").read_text())
    jsonschema.Draft6Validator.check_schema(schema)
    return jsonschema.Draft6Validator(schema)


def falco_errors(text: str) -> list[str]:
    return [f"{'.'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}"
            for e in _falco_validator().iter_errors(yaml.safe_load(text))]


# --- the validators are real -------------------------------------------------------------------

def test_the_psp_schema_rejects_unknown_and_mistyped_fields() -> None:
    manifest = to_manifest(restricted_psp(), (1, 24))
    assert psp_errors(manifest, (1, 24)) == []
    manifest["spec"]["privilegd"] = False
    manifest["spec"]["hostPID"] = "no"
    del manifest["spec"]["seLinux"]
    errors = psp_errors(manifest, (1, 24))
    assert len(errors) == 3, errors
    assert any("privilegd" in e for e in errors) and any("seLinux" in e for e in errors)


def test_the_falco_schema_rejects_unknown_keys_and_priorities() -> None:
    assert falco_errors("- rule: x\n  priority: LOUD\n  descr: y\n") != []
    assert falco_errors(to_falco_yaml(design_falco_rules())) == []


# --- PodSecurityPolicy ---------------------------------------------------------------------------

DESIGN_PSP_SPEC = {  # the founding design's restricted-psp, §3
    "privileged": False, "allowPrivilegeEscalation": False,
    "requiredDropCapabilities": ["ALL"],
    "volumes": ["configMap", "emptyDir", "projected", "secret", "downwardAPI",
                "persistentVolumeClaim"],
    "hostNetwork": False, "hostIPC": False, "hostPID": False,
    "runAsUser": {"rule": "MustRunAsNonRoot"}, "seLinux": {"rule": "RunAsAny"},
    "supplementalGroups": {"rule": "RunAsAny"}, "fsGroup": {"rule": "RunAsAny"},
    "readOnlyRootFilesystem": True,
}


@pytest.mark.parametrize("version", PSP_VERSIONS, ids=lambda v: f"{v[0]}.{v[1]}")
def test_the_restricted_psp_is_emitted_and_valid_before_1_25(version: tuple[int, int]) -> None:
    manifest = to_manifest(restricted_psp(), version)
    assert manifest["apiVersion"] == "policy/v1beta1"
    assert manifest["kind"] == "PodSecurityPolicy"
    assert manifest["metadata"] == {"name": "restricted-psp"}
    assert psp_errors(manifest, version) == []
    assert load_manifest(manifest) == Success(restricted_psp())


def test_the_restricted_psp_is_the_designs_with_groups_other_than_root() -> None:
    spec = to_manifest(restricted_psp(), (1, 24))["spec"]
    groups = {"rule": "MustRunAs", "ranges": [{"min": 1, "max": 65535}]}
    assert spec == {**DESIGN_PSP_SPEC, "supplementalGroups": groups, "fsGroup": groups}
    # the design's own choice stays expressible
    design = PodSecurityPolicy.of(
        "restricted-psp", privileged=False, allow_privilege_escalation=False,
        required_drop_capabilities=["ALL"], volumes=RESTRICTED_VOLUMES,
        host_network=False, host_ipc=False, host_pid=False, read_only_root_filesystem=True)
    assert to_manifest(design, (1, 20))["spec"] == DESIGN_PSP_SPEC


@pytest.mark.parametrize("version", REMOVED_VERSIONS, ids=lambda v: f"{v[0]}.{v[1]}")
def test_a_psp_is_refused_from_1_25_on_naming_it_and_its_replacement(
        version: tuple[int, int]) -> None:
    with pytest.raises(InvalidValue) as caught:
        to_manifest(restricted_psp("baseline-psp"), version)
    (problem,) = caught.value.problems
    assert problem.object == "PodSecurityPolicy/baseline-psp"
    assert problem.message == (f"PodSecurityPolicy 'baseline-psp' cannot be emitted for "
                               f"Kubernetes 1.{version[1]}: it was removed in Kubernetes 1.25")
    assert "Pod Security Admission replaced PodSecurityPolicy" in problem.hint
    assert "pod_security_labels" in problem.hint


def test_emitting_a_set_with_a_psp_for_1_32_names_the_psp_and_only_it() -> None:
    shop = Namespace.of("shop", labels=pod_security_labels("restricted"))
    with pytest.raises(InvalidValue) as caught:
        to_manifests([shop, restricted_psp()], kubernetes_version="1.32")
    (problem,) = caught.value.problems
    assert (problem.object, problem.document) == ("PodSecurityPolicy/restricted-psp", 2)
    # the replacement it points to works for that version
    assert to_manifests([shop], kubernetes_version="1.32")[0]["metadata"]["labels"][
        "pod-security.kubernetes.io/enforce"] == "restricted"
    # and the same set is emitted for 1.24
    assert [m["kind"] for m in to_manifests([shop, restricted_psp()],
                                            kubernetes_version="1.24")] == \
        ["Namespace", "PodSecurityPolicy"]


def test_the_kinds_table_says_when_psp_was_removed() -> None:
    row = kind_called("PodSecurityPolicy")
    assert row is not None and row.value is PodSecurityPolicy
    assert row.until == (1, 25) and not row.namespaced
    assert [row.served(v) for v in ((1, 20), (1, 24), (1, 25), (1, 37))] == \
        [True, True, False, False]
    assert all(r.served(NEWEST_VERSION) for r in (kind_called("Deployment"),
                                                  kind_called("CronJob")) if r)


@settings(max_examples=60)
@given(pod_security_policies(), st.sampled_from(PSP_VERSIONS))
def test_every_drawn_psp_is_schema_valid_and_round_trips(psp: PodSecurityPolicy,
                                                         version: tuple[int, int]) -> None:
    manifest = to_manifest(psp, version)
    assert psp_errors(manifest, version) == []
    assert load_manifest(manifest) == Success(psp)


def _problems(build: Any) -> list[tuple[str, str]]:
    with pytest.raises(InvalidValue) as caught:
        build()
    return [(p.path, p.message) for p in caught.value.problems]


def test_a_psp_refuses_bad_input_with_field_paths() -> None:
    found = _problems(lambda: PodSecurityPolicy.of(
        "Bad_Name", run_as_user="MustRunAs", fs_group="MayRunAs",
        supplemental_groups="RunAsAny", supplemental_group_ranges=[(1, 10)],
        user_ranges=[(10, 1)], required_drop_capabilities=["ALL", "ALL"],
        allowed_capabilities=["NET_ADMIN"], se_linux="MustRunAs",
        volumes=["configMap", "hostpath"],  # type: ignore[list-item]  # the typo tested
        spec_extra={"hostPortz": []}))
    paths = [path for path, _ in found]
    assert "metadata.name" in paths
    assert "spec.allowedCapabilities[0]" in paths  # allowed, but ALL are dropped
    assert "spec.requiredDropCapabilities[1]" in paths  # listed twice
    assert "spec.volumes[1]" in paths
    assert "spec.hostPortz" in paths
    assert "spec.fsGroup.ranges" in paths  # MayRunAs with no ranges
    assert "spec.supplementalGroups.ranges" in paths  # ranges RunAsAny ignores
    assert "spec.seLinux.seLinuxOptions" in paths
    assert "spec.runAsUser.ranges[0].max" in paths
    assert len(found) == 9, found


def test_a_psp_is_cluster_scoped() -> None:
    psp = restricted_psp()
    meta = attrs.evolve(psp.metadata, namespace="shop")
    assert _problems(lambda: attrs.evolve(psp, metadata=meta)) == [
        ("metadata.namespace", "a PodSecurityPolicy is not namespaced")]


def test_a_loaded_psp_with_a_typo_in_its_carried_spec_is_a_problem() -> None:
    manifest = to_manifest(restricted_psp(), (1, 24))
    manifest["spec"]["allowedHostPathz"] = [{"pathPrefix": "/var"}]
    result = load_manifest(manifest)
    assert isinstance(result, Failure)
    (problem,) = result.failure().problems
    assert (problem.path, problem.hint) == ("spec.allowedHostPathz",
                                           "did you mean 'allowedHostPaths'?")


def test_the_psp_classes_stand_for_the_1_24_definitions() -> None:
    definitions = _psp_schemas()["1.24"]["definitions"]
    spec = definitions["io.k8s.api.policy.v1beta1.PodSecurityPolicySpec"]["properties"]
    assert set(spec) == PSP_SPEC_FIELDS
    for cls in {PodSecurityPolicy, IDRange, SELinuxStrategy,
                *(f.shape.types[0] for f in plan_of(PodSecurityPolicy).fields
                  if f.shape.kind == "value" and f.name != "metadata")}:
        node = definitions[cls.k8s_definition]  # type: ignore[attr-defined]
        keys = {f.wire.path[-1] for f in plan_of(cls).fields if f.wire.path}
        properties = spec if cls is PodSecurityPolicy else node["properties"]
        assert keys - {"metadata", "spec"} <= set(properties), cls
        if not any(f.wire.carried for f in plan_of(cls).fields):
            assert set(properties) <= keys, (cls, set(properties) - keys)


# --- Falco ---------------------------------------------------------------------------------------

def test_the_design_rules_are_schema_valid_falco_yaml() -> None:
    rules = design_falco_rules(trusted_repos=["registry.example.com/shop"],
                               allowed_processes=["node", "npm"],
                               allowed_write_paths=["/tmp/cache"])
    text = to_falco_yaml(rules)
    assert falco_errors(text) == []
    documents = yaml.safe_load(text)
    assert [next(iter(d)) for d in documents] == ["macro", "list", "list", "list", "rule",
                                                 "rule"]
    drift = documents[-1]
    assert list(drift) == ["rule", "desc", "condition", "output", "priority"]
    assert drift["priority"] == "ERROR"
    assert documents[1] == {"list": "trusted_repos", "items": ["registry.example.com/shop"]}
    assert to_falco_yaml(rules) == text  # deterministic


def test_the_design_rules_name_what_the_design_names() -> None:
    rules = {item.name: item for item in design_falco_rules()
             if not isinstance(item, RequiredEngineVersion)}
    unexpected = rules["Unexpected process in container"]
    drift = rules["Container drift detected"]
    assert isinstance(unexpected, FalcoRule) and isinstance(drift, FalcoRule)
    assert unexpected.condition is not None and drift.condition is not None
    assert condition_references(unexpected.condition, rules) == (
        ["container"], ["trusted_repos", "allowed_processes"])
    assert condition_references(drift.condition, rules) == (
        ["container"], ["allowed_write_paths"])
    assert (unexpected.priority, drift.priority) == ("WARNING", "ERROR")


def test_falco_rules_round_trip() -> None:
    rules = design_falco_rules(allowed_processes=["node"])
    assert load_falco_yaml(to_falco_yaml(rules)) == Success(rules)


@settings(max_examples=80)
@given(falco_rules_files())
def test_every_drawn_rules_file_is_schema_valid_and_round_trips(rules: RulesFile) -> None:
    text = to_falco_yaml(rules)
    assert falco_errors(text) == []
    assert load_falco_yaml(text) == Success(rules)


def test_a_missing_macro_is_reported_with_its_path_and_name() -> None:
    items = list(design_falco_rules().items)
    del items[0]  # the container macro
    result = RulesFile.create(items)
    assert isinstance(result, Failure)
    assert [(p.path, p.message) for p in result.failure().problems] == [
        ("[3].condition", "rule 'Unexpected process in container' names the macro "
                          "'container', which the file does not define"),
        ("[4].condition", "rule 'Container drift detected' names the macro 'container', "
                          "which the file does not define")]


def test_a_missing_list_is_reported_with_its_path_and_name() -> None:
    items = [item for item in design_falco_rules().items
             if not isinstance(item, FalcoList) or item.name != "allowed_write_paths"]
    with pytest.raises(InvalidValue) as caught:
        RulesFile.of(items)
    (problem,) = caught.value.problems
    assert problem.path == "[4].condition"
    assert "'allowed_write_paths'" in problem.message and "list" in problem.message


def test_a_macro_naming_a_missing_macro_and_a_misspelt_list() -> None:
    found = _problems(lambda: RulesFile.of([
        FalcoList.of("shell_binaries", ["bash", "sh"]),
        FalcoMacro.of("spawned_shell",
                      "spawned_process and proc.name in (shell_binary)"),
    ]))
    assert found == [
        ("[1].condition", "macro 'spawned_shell' names the macro 'spawned_process', which "
                          "the file does not define"),
        ("[1].condition", "macro 'spawned_shell' names the list 'shell_binary', which the "
                          "file does not define")]


@pytest.mark.parametrize(("condition", "macros", "lists"), [
    ("evt.type in (open, openat)", [], []),
    ("proc.name in (shells, sudo)", [], ["shells"]),
    ("not fd.name pmatch (write_paths) and fd.typechar='f'", [], ["write_paths"]),
    ("(container or k8s_pod) and proc.aname[2] = bash", ["container", "k8s_pod"], []),
    ("fd.num>=0 and evt.is_open_write=true and a.b != \"x y\"", [], []),
    ("proc.cmdline contains 'and or not' and evt.rawres < 0", [], []),
    ("k8s.ns.name exists and not trusted_ns", ["trusted_ns"], []),
])
def test_condition_references(condition: str, macros: list[str], lists: list[str]) -> None:
    assert condition_references(condition, ["shells"]) == (macros, lists)


def test_conditions_that_do_not_parse_are_problems() -> None:
    assert _problems(lambda: FalcoMacro.of("m", "(a and b")) == [
        ("condition", "the condition does not parse: a '(' is not closed")]
    assert _problems(lambda: FalcoMacro.of("m", "a) and (b")) == [
        ("condition", "the condition does not parse: a ')' closes nothing")]


def test_a_rule_needs_its_fields_unless_it_appends() -> None:
    assert [p for p, _ in _problems(lambda: FalcoRule.of("r", condition="a.b = 1"))] == [
        "desc", "output", "priority"]
    assert FalcoRule.of("r", condition="a.b = 1", append=True).append is True
    assert FalcoRule.of("r", priority="warning", desc="d", condition="a.b=1",
                        output="o").priority == "WARNING"
    assert _problems(lambda: FalcoRule.of("r", priority="LOUD", desc="d", condition="a.b=1",
                                          output="o"))[0][0] == "priority"


def test_a_name_defined_twice_needs_append() -> None:
    assert _problems(lambda: RulesFile.of([FalcoList.of("l", ["a"]),
                                           FalcoList.of("l", ["b"])])) == [
        ("[1].list", "list 'l' is defined again (first at [0])")]
    both = RulesFile.of([FalcoList.of("l", ["a"]), FalcoList.of("l", ["b"], append=True)])
    assert len(both) == 2


def test_loading_falco_yaml_reports_problems_by_item() -> None:
    text = """
- required_engine_version: 0.26.0
- list: shells
  items: [bash, sh]
- rule: Shell
  desc: a shell
  condition: proc.name in (shells)
  output: shell
  priority: LOUD
  exceptions:
  - name: known
    fields: [proc.pname]
    values: [[cron]]
- macro: m
  list: both
  condition: x.y = 1
- rule: Other
  desc: d
  condition: x.y = 1
  output: o
  priority: INFO
  descr: typo
"""
    result = load_falco_yaml(text)
    assert isinstance(result, Failure)
    found = [(p.path, p.message) for p in result.failure().problems]
    assert found[0][0] == "[2].priority"
    assert found[1][0] == "[3]"
    assert found[2] == ("[4].descr", "unknown key 'descr'")
    assert len(found) == 3, found


def test_loading_keeps_what_kancat_does_not_model() -> None:
    text = """
- required_engine_version: 0.26.0
- list: shells
  items: [bash, sh, 1]
- rule: Shell
  desc: a shell
  condition: proc.name in (shells)
  output: shell
  priority: NOTICE
  exceptions:
  - name: known
    fields: [proc.pname]
    values: [[cron]]
"""
    rules = load_falco_yaml(text).unwrap()
    assert isinstance(rules.items[0], RequiredEngineVersion)
    rule = rules.items[2]
    assert isinstance(rule, FalcoRule) and "exceptions" in rule.extra
    assert falco_errors(to_falco_yaml(rules)) == []
    assert load_falco_yaml(to_falco_yaml(rules)) == Success(rules)


@pytest.mark.parametrize("text", ["rule: x", "- [a]\n", "- {rule: x, macro: y}\n", "- : ["])
def test_loading_refuses_what_is_not_a_rules_file(text: str) -> None:
    result = load_falco_yaml(text)
    assert isinstance(result, Failure) and result.failure().problems


JUNK = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.text(max_size=12),
                 st.lists(st.one_of(st.integers(), st.text(max_size=3)), max_size=3),
                 st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
                 st.just(object()), st.just(FalcoList.of("l")))


@settings(max_examples=150)
@given(st.sampled_from([FalcoRule, FalcoMacro, FalcoList, RequiredEngineVersion]), st.data())
def test_falco_items_given_junk_are_built_or_refused_with_reasons(cls: type,
                                                                  data: st.DataObject) -> None:
    given = {f.alias: data.draw(JUNK, label=f.name) for f in attrs.fields(cls)
             if data.draw(st.booleans()) or f.default is attrs.NOTHING}
    try:
        built = cls(**given)
    except InvalidValue as error:
        assert error.problems and all(p.message and p.hint for p in error.problems)
    else:
        try:
            RulesFile.of([built])
        except InvalidValue as error:
            assert all(p.path.startswith("[0]") for p in error.problems)
    result = RulesFile.create(data.draw(st.lists(JUNK, max_size=3)))
    assert isinstance(result, Success | Failure)
