"""PodSecurityPolicy (``policy/v1beta1``, cluster-scoped), for Kubernetes 1.20 to 1.24.

Kubernetes removed PodSecurityPolicy in 1.25; Pod Security Admission, driven by
namespace labels (:func:`kancat.values.pod_security.pod_security_labels`), replaced it.
The kinds table says so (its row's ``until``): emitting a policy for 1.25 or newer is
a problem naming the policy and what replaced it.

kancat models what a restricted policy sets — privilege, privilege escalation, the
capabilities dropped and allowed, the volume types, the host namespaces, the user,
SELinux, supplemental-group and fsGroup strategies (with their ID ranges) and a
read-only root filesystem — and carries the rest of the spec (``hostPorts``,
``allowedHostPaths``, ``runAsGroup``, sysctls, ...) in ``spec_extra``.

Kubernetes 1.32, whose field table (``kancat/_schemas/k8s-fields-1.32.json``) checks
the carried fields of the other kinds, has no PodSecurityPolicy. The top-level names of
``spec_extra`` are checked here instead, against :data:`PSP_SPEC_FIELDS` (the fields
of ``io.k8s.api.policy.v1beta1.PodSecurityPolicySpec`` in Kubernetes 1.20 to 1.24,
which are the same in all five); what lies below them is checked only for numbers JSON
cannot write, and by the API server.

>>> psp = PodSecurityPolicy.of("restricted", privileged=False,
...                            required_drop_capabilities=["ALL"],
...                            volumes=["configMap", "secret"],
...                            run_as_user="MustRunAsNonRoot",
...                            fs_group="MustRunAs", fs_group_ranges=[(1, 65535)])
>>> psp.fs_group.ranges
(IDRange(min=1, max=65535),)
>>> PodSecurityPolicy.of("p", fs_group="MustRunAs", spec_extra={"hostPortz": []})
Traceback (most recent call last):
...
kancat.errors.InvalidValue: 2 problems:
  spec.hostPortz: unknown field 'hostPortz' (did you mean 'hostPorts'?)
  spec.fsGroup.ranges: MustRunAs needs at least one range (give the allowed IDs, e.g. [(1, 65535)])
"""

import difflib
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar, Final, Literal, TypeAlias

import attrs

from kancat.core import rules
from kancat.core import value as core_value  # its ``rule``: classes here have a rule field
from kancat.core.collect import Collect, to_frozen, to_str_map, to_str_tuple, to_tuple
from kancat.core.fields import carried, path_of, wire
from kancat.core.frozen import EMPTY, FrozenMap
from kancat.core.value import Value, finish, part, rule
from kancat.errors import Problem
from kancat.values.meta import KubeObjectBase, ObjectMeta, object_meta

__all__ = [
    "PSP_SPEC_FIELDS",
    "FSGroupStrategy",
    "GroupRule",
    "IDRange",
    "PodSecurityPolicy",
    "PolicyVolume",
    "RunAsUserRule",
    "RunAsUserStrategy",
    "SELinuxRule",
    "SELinuxStrategy",
    "SupplementalGroupsStrategy",
]

RunAsUserRule: TypeAlias = Literal["MustRunAs", "MustRunAsNonRoot", "RunAsAny"]
GroupRule: TypeAlias = Literal["MustRunAs", "MayRunAs", "RunAsAny"]
SELinuxRule: TypeAlias = Literal["MustRunAs", "RunAsAny"]
PolicyVolume: TypeAlias = Literal[
    "*", "awsElasticBlockStore", "azureDisk", "azureFile", "cephFS", "cinder", "configMap",
    "csi", "downwardAPI", "emptyDir", "ephemeral", "fc", "flexVolume", "flocker",
    "gcePersistentDisk", "gitRepo", "glusterfs", "hostPath", "iscsi", "nfs",
    "persistentVolumeClaim", "photonPersistentDisk", "portworxVolume", "projected",
    "quobyte", "rbd", "scaleIO", "secret", "storageos", "vsphereVolume"]
"""The volume types a policy may allow (``*``: all of them)."""

PSP_SPEC_FIELDS: Final[frozenset[str]] = frozenset({
    "allowPrivilegeEscalation", "allowedCSIDrivers", "allowedCapabilities",
    "allowedFlexVolumes", "allowedHostPaths", "allowedProcMountTypes",
    "allowedUnsafeSysctls", "defaultAddCapabilities", "defaultAllowPrivilegeEscalation",
    "forbiddenSysctls", "fsGroup", "hostIPC", "hostNetwork", "hostPID", "hostPorts",
    "privileged", "readOnlyRootFilesystem", "requiredDropCapabilities", "runAsGroup",
    "runAsUser", "runtimeClass", "seLinux", "supplementalGroups", "volumes"})
"""The fields of a PodSecurityPolicySpec in Kubernetes 1.20 to 1.24."""

_MAX_ID: Final = 2**31 - 1


def _id(path: str, value: object) -> list[Problem]:
    return rules.integer(path, value, minimum=0, maximum=_MAX_ID, what=path.rsplit(".", 1)[-1])


@attrs.frozen
class IDRange(Value):
    """The user or group IDs ``min`` to ``max``, both included.

    >>> IDRange(5, 1)
    Traceback (most recent call last):
    ...
    kancat.errors.InvalidValue: 1 problem:
      max: max 1 is below min 5 (give the smaller ID as min)
    """

    k8s_definition: ClassVar[str] = "io.k8s.api.policy.v1beta1.IDRange"

    min: int = attrs.field(metadata=wire("min", check=_id))
    max: int = attrs.field(metadata=wire("max", check=_id))

    @rule
    def _ordered(self) -> list[Problem]:
        if self.max >= self.min:
            return []
        return [Problem(path_of(attrs.fields(IDRange).max),
                        f"max {self.max} is below min {self.min}",
                        "give the smaller ID as min")]


def _ranges_problems(rule_: str | None, ranges: tuple[IDRange, ...],
                     at: "attrs.Attribute[Any]") -> list[Problem]:
    """``MustRunAs`` (and ``MayRunAs``) need ranges to choose from; the other rules
    ignore them, so ranges given with them are a mistake."""
    if rule_ in ("MustRunAs", "MayRunAs") and not ranges:
        return [Problem(path_of(at), f"{rule_} needs at least one range",
                        "give the allowed IDs, e.g. [(1, 65535)]")]
    if rule_ not in ("MustRunAs", "MayRunAs") and ranges:
        return [Problem(path_of(at), f"ranges are ignored by the rule {rule_}",
                        "use MustRunAs or MayRunAs, or leave the ranges out")]
    return []


@attrs.frozen
class RunAsUserStrategy(Value):
    """Which users a pod may run as: ``MustRunAsNonRoot`` (any but 0), ``MustRunAs``
    (one of ``ranges``) or ``RunAsAny``."""

    k8s_definition: ClassVar[str] = "io.k8s.api.policy.v1beta1.RunAsUserStrategyOptions"

    rule: RunAsUserRule = attrs.field(metadata=wire("rule"))
    ranges: tuple[IDRange, ...] = attrs.field(default=(), converter=to_tuple,
                                              metadata=wire("ranges"))

    @core_value.rule
    def _ranges(self) -> list[Problem]:
        return _ranges_problems(self.rule, self.ranges, attrs.fields(RunAsUserStrategy).ranges)


@attrs.frozen
class FSGroupStrategy(Value):
    """Which fsGroup a pod may have: ``MustRunAs`` / ``MayRunAs`` one of ``ranges``, or
    ``RunAsAny``."""

    k8s_definition: ClassVar[str] = "io.k8s.api.policy.v1beta1.FSGroupStrategyOptions"

    rule: GroupRule | None = attrs.field(default=None, metadata=wire("rule"))
    ranges: tuple[IDRange, ...] = attrs.field(default=(), converter=to_tuple,
                                              metadata=wire("ranges"))

    @core_value.rule
    def _ranges(self) -> list[Problem]:
        return _ranges_problems(self.rule, self.ranges, attrs.fields(type(self)).ranges)


@attrs.frozen
class SupplementalGroupsStrategy(FSGroupStrategy):
    """Which supplemental groups a pod may have (the same rules as fsGroup)."""

    k8s_definition: ClassVar[str] = (
        "io.k8s.api.policy.v1beta1.SupplementalGroupsStrategyOptions")


_SELINUX_KEYS: Final = ("user", "role", "type", "level")


def _selinux_options(path: str, value: object) -> list[Problem]:
    """``user``, ``role``, ``type`` and ``level``, each text."""
    if not isinstance(value, FrozenMap):
        return [Problem(path, f"seLinuxOptions must be a mapping, got {value!r:.40}",
                        "give user, role, type and level")]
    found: list[Problem] = []
    for key, item in value.items():
        if key not in _SELINUX_KEYS:
            close = difflib.get_close_matches(str(key), _SELINUX_KEYS, n=1)
            found.append(Problem(f"{path}.{key}", f"unknown field {key!r}",
                                 f"did you mean {close[0]!r}?" if close
                                 else "the fields are user, role, type and level"))
        else:
            found += rules.string(f"{path}.{key}", item, what=key)
    return found


@attrs.frozen
class SELinuxStrategy(Value):
    """The SELinux context of pods: ``RunAsAny``, or ``MustRunAs`` the ``options``
    (``user``, ``role``, ``type``, ``level``), which it then needs.

    >>> SELinuxStrategy("MustRunAs", {"type": "container_t"}).options
    FrozenMap({'type': 'container_t'})
    """

    k8s_definition: ClassVar[str] = "io.k8s.api.policy.v1beta1.SELinuxStrategyOptions"

    rule: SELinuxRule = attrs.field(metadata=wire("rule"))
    options: FrozenMap[str] = attrs.field(default=EMPTY, converter=to_str_map, metadata=wire(
        "seLinuxOptions", check=_selinux_options))

    @core_value.rule
    def _options(self) -> list[Problem]:
        if self.rule == "MustRunAs" and not self.options:
            return [Problem(path_of(attrs.fields(SELinuxStrategy).options),
                            "MustRunAs needs seLinuxOptions",
                            "give the SELinux user, role, type and level")]
        return []


def _capabilities(path: str, value: object) -> list[Problem]:
    """Capability names (``NET_ADMIN``, ``ALL``), each once."""
    if not isinstance(value, tuple):
        return [Problem(path, f"capabilities must be a list, got {value!r:.40}",
                        "give a list of names such as ['ALL']")]
    found: list[Problem] = []
    seen: set[str] = set()
    for index, name in enumerate(value):
        if not isinstance(name, str) or not name:
            found.append(Problem(f"{path}[{index}]", f"capability {name!r:.40} is not a name",
                                 "write a capability name such as NET_BIND_SERVICE"))
        elif name in seen:
            found.append(Problem(f"{path}[{index}]", f"capability {name!r} is listed twice",
                                 "list each capability once"))
        seen.add(str(name))
    return found


@attrs.frozen
class PodSecurityPolicy(KubeObjectBase):
    """A ``policy/v1beta1`` PodSecurityPolicy (Kubernetes 1.20 to 1.24; see the module
    documentation). The four strategies are required, as the API requires them."""

    k8s_definition: ClassVar[str] = "io.k8s.api.policy.v1beta1.PodSecurityPolicy"

    metadata: ObjectMeta = attrs.field(metadata=wire("metadata"))
    privileged: bool | None = attrs.field(default=None, kw_only=True,
                                          metadata=wire("spec.privileged"))
    allow_privilege_escalation: bool | None = attrs.field(
        default=None, kw_only=True, metadata=wire("spec.allowPrivilegeEscalation"))
    required_drop_capabilities: tuple[str, ...] = attrs.field(
        default=(), converter=to_str_tuple, kw_only=True,
        metadata=wire("spec.requiredDropCapabilities", check=_capabilities))
    allowed_capabilities: tuple[str, ...] = attrs.field(
        default=(), converter=to_str_tuple, kw_only=True,
        metadata=wire("spec.allowedCapabilities", check=_capabilities))
    volumes: tuple[PolicyVolume, ...] = attrs.field(
        default=(), converter=to_str_tuple, kw_only=True,
        metadata=wire("spec.volumes", what="volume type"))
    host_network: bool | None = attrs.field(default=None, kw_only=True,
                                            metadata=wire("spec.hostNetwork"))
    host_ipc: bool | None = attrs.field(default=None, kw_only=True,
                                        metadata=wire("spec.hostIPC"))
    host_pid: bool | None = attrs.field(default=None, kw_only=True,
                                        metadata=wire("spec.hostPID"))
    run_as_user: RunAsUserStrategy = attrs.field(kw_only=True, metadata=wire("spec.runAsUser"))
    se_linux: SELinuxStrategy = attrs.field(kw_only=True, metadata=wire("spec.seLinux"))
    supplemental_groups: SupplementalGroupsStrategy = attrs.field(
        kw_only=True, metadata=wire("spec.supplementalGroups", omit="never"))
    fs_group: FSGroupStrategy = attrs.field(kw_only=True,
                                            metadata=wire("spec.fsGroup", omit="never"))
    read_only_root_filesystem: bool | None = attrs.field(
        default=None, kw_only=True, metadata=wire("spec.readOnlyRootFilesystem"))
    spec_extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, kw_only=True,
                                             metadata=carried("spec"))
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, kw_only=True,
                                        metadata=carried())

    @rule
    def _cluster_scoped(self) -> list[Problem]:
        if self.metadata.namespace is None:
            return []
        return [Problem(path_of(attrs.fields(PodSecurityPolicy).metadata,
                                attrs.fields(ObjectMeta).namespace),
                        "a PodSecurityPolicy is not namespaced", "remove metadata.namespace")]

    @rule
    def _capabilities_agree(self) -> list[Problem]:
        at = attrs.fields(PodSecurityPolicy)
        dropped = set(self.required_drop_capabilities)
        return [Problem(path_of(at.allowed_capabilities, index),
                        f"capability {name!r} is allowed and also required to be dropped",
                        "leave it out of one of the two lists")
                for index, name in enumerate(self.allowed_capabilities)
                if name in dropped or (name != "*" and "ALL" in dropped)]

    @rule
    def _carried_spec(self) -> list[Problem]:
        # The 1.32 field table has no PodSecurityPolicy: its names are checked here.
        found = []
        for key in self.spec_extra:
            if key not in PSP_SPEC_FIELDS:
                close = difflib.get_close_matches(str(key), PSP_SPEC_FIELDS, n=1)
                found.append(Problem(path_of(attrs.fields(PodSecurityPolicy).spec_extra, key),
                                     f"unknown field {key!r}",
                                     f"did you mean {close[0]!r}?" if close else
                                     "a PodSecurityPolicy spec does not have it; remove it"))
        return found

    @classmethod
    def of(cls, name: str, *, run_as_user: RunAsUserRule = "MustRunAsNonRoot",
           user_ranges: Iterable[tuple[int, int]] = (),
           se_linux: SELinuxRule = "RunAsAny",
           se_linux_options: Mapping[str, str] | None = None,
           supplemental_groups: GroupRule = "RunAsAny",
           supplemental_group_ranges: Iterable[tuple[int, int]] = (),
           fs_group: GroupRule = "RunAsAny",
           fs_group_ranges: Iterable[tuple[int, int]] = (),
           privileged: bool | None = None, allow_privilege_escalation: bool | None = None,
           required_drop_capabilities: Iterable[str] = (),
           allowed_capabilities: Iterable[str] = (),
           volumes: Iterable[PolicyVolume] = (),
           host_network: bool | None = None, host_ipc: bool | None = None,
           host_pid: bool | None = None, read_only_root_filesystem: bool | None = None,
           spec_extra: Mapping[str, Any] | None = None,
           labels: Mapping[str, str] | None = None,
           annotations: Mapping[str, str] | None = None) -> "PodSecurityPolicy":
        """A policy from plain inputs: ID ranges as ``(min, max)`` pairs."""
        collect = Collect()
        at = attrs.fields(cls)

        def ranges(field: "attrs.Attribute[Any]", given: Iterable[tuple[int, int]]
                   ) -> tuple[IDRange, ...]:
            built: list[IDRange] = []
            if not isinstance(given, (list, tuple)):
                collect.problem(path_of(field) + ".ranges", "ranges must be a list of (min, "
                                f"max) pairs, got {given!r:.40}", "give e.g. [(1, 65535)]")
                return ()
            for index, pair in enumerate(given):
                # a malformed pair still becomes a range, whose checks say what is wrong
                low, high = (*tuple(pair), None, None)[:2] if isinstance(
                    pair, (tuple, list)) else (pair, pair)
                built.append(part(collect, (path_of(field) + ".ranges", index), IDRange,
                                  min=low, max=high))
            return tuple(built)

        return finish(
            collect, cls,
            metadata=object_meta(collect, cls, name, None, labels, annotations),
            privileged=privileged, allow_privilege_escalation=allow_privilege_escalation,
            required_drop_capabilities=required_drop_capabilities,
            allowed_capabilities=allowed_capabilities, volumes=volumes,
            host_network=host_network, host_ipc=host_ipc, host_pid=host_pid,
            run_as_user=part(collect, path_of(at.run_as_user), RunAsUserStrategy,
                             rule=run_as_user, ranges=ranges(at.run_as_user, user_ranges)),
            se_linux=part(collect, path_of(at.se_linux), SELinuxStrategy, rule=se_linux,
                          options=se_linux_options),
            supplemental_groups=part(
                collect, path_of(at.supplemental_groups), SupplementalGroupsStrategy,
                rule=supplemental_groups,
                ranges=ranges(at.supplemental_groups, supplemental_group_ranges)),
            fs_group=part(collect, path_of(at.fs_group), FSGroupStrategy, rule=fs_group,
                          ranges=ranges(at.fs_group, fs_group_ranges)),
            read_only_root_filesystem=read_only_root_filesystem, spec_extra=spec_extra)

