"""Runtime security (:mod:`kancat.values.pod_security_policy`, :mod:`kancat.values.falco`):
PodSecurityPolicies whose manifests pass the strict ``policy/v1beta1`` schema of
Kubernetes 1.20 to 1.24, and Falco rules files whose conditions name only macros and
lists they define, and whose YAML passes Falco's rules schema."""

import hypothesis.strategies as st
from hypothesis.strategies import DrawFn, SearchStrategy

from kancat.testing.strategies._draw import BOOLS, choices, draws, extras, maybe, pick
from kancat.testing.strategies.names import _OBJECT_NAMES, _draw_meta
from kancat.values.falco import FalcoItem, FalcoList, FalcoMacro, FalcoRule, Priority, RulesFile
from kancat.values.pod_security_policy import (
    FSGroupStrategy,
    GroupRule,
    IDRange,
    PodSecurityPolicy,
    PolicyVolume,
    RunAsUserRule,
    RunAsUserStrategy,
    SELinuxStrategy,
    SupplementalGroupsStrategy,
)

__all__ = ["falco_rules_files", "pod_security_policies"]

_CAPABILITIES = ("NET_ADMIN", "NET_RAW", "SYS_TIME", "CHOWN", "SETUID", "SETGID")
_RANGES = st.lists(st.tuples(st.integers(0, 70000), st.integers(0, 70000)).map(sorted).map(
    lambda pair: IDRange(pair[0], pair[1])), min_size=1, max_size=2)
_FLAGS = st.none() | BOOLS
_SPEC_EXTRA = {
    "hostPorts": st.just([{"min": 8000, "max": 8080}]),
    "allowedHostPaths": st.just([{"pathPrefix": "/var/log", "readOnly": True}]),
    "runAsGroup": st.just({"rule": "MustRunAs", "ranges": [{"min": 1, "max": 65535}]}),
    "forbiddenSysctls": st.just(["kernel.*"]),
    "defaultAllowPrivilegeEscalation": BOOLS,
}
_SELINUX_OPTIONS = {"level": "s0:c123,c456", "type": "container_t"}


def _group_ranges(draw: DrawFn, rule: GroupRule | None) -> tuple[IDRange, ...]:
    return tuple(draw(_RANGES)) if rule in ("MustRunAs", "MayRunAs") else ()


@st.composite
def _psp(draw: DrawFn) -> PodSecurityPolicy:
    user_rule: RunAsUserRule = pick(draw, choices(RunAsUserRule))
    user = RunAsUserStrategy(user_rule, tuple(draw(_RANGES)) if user_rule == "MustRunAs"
                             else ())
    selinux = SELinuxStrategy("MustRunAs", _SELINUX_OPTIONS) if draw(BOOLS) else \
        SELinuxStrategy("RunAsAny")
    supplemental_rule: GroupRule | None = maybe(draw, st.sampled_from(choices(GroupRule)))
    fs_rule: GroupRule | None = maybe(draw, st.sampled_from(choices(GroupRule)))
    dropped = draw(st.lists(st.sampled_from(("ALL", *_CAPABILITIES)), unique=True, max_size=2))
    allowed = [] if "ALL" in dropped else draw(st.lists(
        st.sampled_from([c for c in _CAPABILITIES if c not in dropped]), unique=True,
        max_size=2))
    volumes: list[PolicyVolume] = draw(st.lists(st.sampled_from(choices(PolicyVolume)),
                                                unique=True, max_size=4))
    return PodSecurityPolicy(
        _draw_meta(draw, draw(_OBJECT_NAMES), namespaced=False),
        privileged=draw(_FLAGS), allow_privilege_escalation=draw(_FLAGS),
        required_drop_capabilities=dropped, allowed_capabilities=allowed, volumes=volumes,
        host_network=draw(_FLAGS), host_ipc=draw(_FLAGS), host_pid=draw(_FLAGS),
        run_as_user=user, se_linux=selinux,
        supplemental_groups=SupplementalGroupsStrategy(
            supplemental_rule, _group_ranges(draw, supplemental_rule)),
        fs_group=FSGroupStrategy(fs_rule, _group_ranges(draw, fs_rule)),
        read_only_root_filesystem=draw(_FLAGS), spec_extra=extras(draw, _SPEC_EXTRA))


_PSPS = _psp()


@draws(PodSecurityPolicy)
def pod_security_policies() -> SearchStrategy[PodSecurityPolicy]:
    """PodSecurityPolicies with every strategy rule (and the ranges ``MustRunAs`` needs),
    capabilities that never are both dropped and allowed, and some carried fields
    (``hostPorts``, ``runAsGroup``, ...). Emit them for Kubernetes 1.20 to 1.24.

    >>> from hypothesis import given, settings
    >>> from kancat.codec.encode import to_manifest
    >>> @settings(max_examples=10)
    ... @given(pod_security_policies())
    ... def test(psp):
    ...     assert to_manifest(psp, (1, 24))["apiVersion"] == "policy/v1beta1"
    >>> test()
    """
    return _PSPS


_NAMES = st.text("abcdefghijklmnopqrstuvwxyz_", min_size=3, max_size=10).filter(
    lambda name: not name.startswith("_") and name not in ("and", "not", "exists"))
_FIELDS = st.sampled_from(("proc.name", "evt.type", "fd.name", "container.image.repository",
                           "user.name"))
_VALUES = st.text("abcdefghijklmnopqrstuvwxyz/.", min_size=1, max_size=8)


@st.composite
def _rules_file(draw: DrawFn) -> RulesFile:
    names = draw(st.lists(_NAMES, unique=True, min_size=2, max_size=6))
    items: list[FalcoItem] = []
    lists: list[str] = []
    macros: list[str] = []
    for index, name in enumerate(names):
        kind = draw(st.sampled_from(("list", "macro", "rule")))
        test = f"{draw(_FIELDS)} = '{draw(_VALUES)}'"
        if bool(lists) and draw(BOOLS):
            test = f"{draw(_FIELDS)} in ({pick(draw, lists)})"
        if bool(macros) and draw(BOOLS):
            test = f"{pick(draw, macros)} and not {test}"
        if kind == "list":
            items.append(FalcoList(name, draw(st.lists(_VALUES | st.integers(0, 9),
                                                       max_size=3))))
            lists.append(name)
        elif kind == "macro":
            items.append(FalcoMacro(name, test))
            macros.append(name)
        else:
            items.append(FalcoRule(
                f"Rule {index} {name}", desc=f"detects {name}", condition=test,
                output=f"{name} (proc=%proc.name)",
                priority=pick(draw, choices(Priority)),
                tags=draw(st.lists(_NAMES, unique=True, max_size=2)),
                enabled=draw(_FLAGS)))
    return RulesFile(tuple(items))


_RULES_FILES = _rules_file()


def falco_rules_files() -> SearchStrategy[RulesFile]:
    """Falco rules files of lists, macros and rules whose conditions name only the
    lists and macros defined before them.

    >>> from hypothesis import find
    >>> len(find(falco_rules_files(), lambda f: len(f) >= 3))
    3
    """
    return _RULES_FILES
