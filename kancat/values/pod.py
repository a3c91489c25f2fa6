"""Pod templates: containers, init containers (native sidecars included), volumes,
scheduling fields, service account and pod security context.

Problems are reported relative to the template (``spec.containers[1].name``);
workloads prefix them with ``spec.template``.

>>> app = Container.of("app", image="web:1.0")
>>> pod = PodTemplate.of([app, app], labels={"app": "web"})
Traceback (most recent call last):
...
kancat.errors.InvalidValue: 1 problem:
  spec.containers[1].name: duplicate container name 'app' (already used by containers[0]) (give every container and init container its own name)
"""

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from kancat.errors import Problem
from kancat.values import _check as check
from kancat.values._base import check_types, to_frozen, to_str_map, to_tuple
from kancat.values._frozen import EMPTY, FrozenMap
from kancat.values.container import Container, SeccompProfile
from kancat.values.meta import LabelSelector
from kancat.values.volume import Volume

__all__ = ["PodSecurityContext", "PodTemplate", "Toleration", "TopologySpreadConstraint"]


@attrs.frozen
class PodSecurityContext:
    """The pod-level ``securityContext``; unmodelled fields ride in ``extra``."""

    run_as_user: int | None = None
    run_as_group: int | None = None
    run_as_non_root: bool | None = None
    fs_group: int | None = None
    supplemental_groups: tuple[int, ...] = attrs.field(default=(), converter=to_tuple)
    seccomp_profile: SeccompProfile | None = None
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen)

    def __attrs_post_init__(self) -> None:
        found: list[Problem] = []
        for name, value in (("runAsUser", self.run_as_user), ("runAsGroup", self.run_as_group),
                            ("fsGroup", self.fs_group)):
            found += check.optional_integer(name, value, minimum=0, maximum=2**31 - 1,
                                            what=name)
        for index, group in enumerate(self.supplemental_groups):
            found += check.integer(f"supplementalGroups[{index}]", group, minimum=0,
                                   what="group")
        found += check.boolean("runAsNonRoot", self.run_as_non_root, what="runAsNonRoot")
        if self.run_as_non_root and self.run_as_user == 0:
            found.append(Problem("runAsUser", "runAsNonRoot is true but runAsUser is 0",
                                 "use a non-zero runAsUser or drop runAsNonRoot"))
        check.raise_if(found)


@attrs.frozen
class Toleration:
    key: str | None = None
    operator: str | None = None
    value: str | None = None
    effect: str | None = None
    toleration_seconds: int | None = None

    def __attrs_post_init__(self) -> None:
        found = check.optional_string("value", self.value, what="value")
        found += check.optional_integer("tolerationSeconds", self.toleration_seconds,
                                        what="tolerationSeconds")
        if self.operator is not None:
            found += check.one_of("operator", self.operator, ("Exists", "Equal"),
                                  what="operator")
        if self.effect is not None:
            found += check.one_of("effect", self.effect,
                                  ("NoSchedule", "PreferNoSchedule", "NoExecute"),
                                  what="effect")
        if self.operator == "Exists" and self.value:
            found.append(Problem("value", "operator Exists takes no value", "remove the value"))
        if self.key is None and self.operator != "Exists":
            found.append(Problem("operator", "an empty key needs operator Exists",
                                 "set operator: Exists or give a key"))
        if self.key is not None:
            found += check.qualified_name("key", self.key, what="taint")
        if self.toleration_seconds is not None and self.effect != "NoExecute":
            found.append(Problem("tolerationSeconds", "tolerationSeconds needs effect NoExecute",
                                 "set effect: NoExecute or drop tolerationSeconds"))
        check.raise_if(found)


@attrs.frozen
class TopologySpreadConstraint:
    """Spread matching pods across ``topology_key`` domains with at most ``max_skew``."""

    max_skew: int
    topology_key: str
    when_unsatisfiable: str
    label_selector: LabelSelector | None = None
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen)

    def __attrs_post_init__(self) -> None:
        found = check.integer("maxSkew", self.max_skew, minimum=1, what="maxSkew")
        found += check.qualified_name("topologyKey", self.topology_key, what="topology")
        found += check.one_of("whenUnsatisfiable", self.when_unsatisfiable,
                              ("DoNotSchedule", "ScheduleAnyway"), what="whenUnsatisfiable")
        check.raise_if(found)


@attrs.frozen
class PodTemplate:
    """``spec.template`` of a workload: the pod every replica is made from."""

    containers: tuple[Container, ...] = attrs.field(converter=to_tuple)
    init_containers: tuple[Container, ...] = attrs.field(default=(), converter=to_tuple)
    volumes: tuple[Volume, ...] = attrs.field(default=(), converter=to_tuple)
    labels: FrozenMap[str] = attrs.field(default=EMPTY, converter=to_str_map)
    annotations: FrozenMap[str] = attrs.field(default=EMPTY, converter=to_str_map)
    service_account_name: str | None = None
    automount_service_account_token: bool | None = None
    security_context: PodSecurityContext | None = None
    node_selector: FrozenMap[str] = attrs.field(default=EMPTY, converter=to_str_map)
    affinity: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen)
    tolerations: tuple[Toleration, ...] = attrs.field(default=(), converter=to_tuple)
    topology_spread_constraints: tuple[TopologySpreadConstraint, ...] = attrs.field(
        default=(), converter=to_tuple)
    host_network: bool | None = None
    termination_grace_period_seconds: int | None = None
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen)
    metadata_extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen)

    def __attrs_post_init__(self) -> None:
        check_types("spec.containers", self.containers, Container)
        check_types("spec.initContainers", self.init_containers, Container)
        check_types("spec.volumes", self.volumes, Volume)
        check.raise_if(self._problems())

    def _problems(self) -> list[Problem]:
        found = pod_field_problems(
            self.labels, self.annotations, self.service_account_name, self.node_selector,
            self.automount_service_account_token, self.host_network,
            self.termination_grace_period_seconds)
        found += container_problems(self.containers, self.init_containers)
        found += check.unique("spec.volumes", self.volumes, lambda v: v.name, field="name",
                              what="volume name")
        return found

    @classmethod
    def of(cls, containers: Iterable[Container], *,
           init_containers: Iterable[Container] = (),
           volumes: Iterable[Volume] = (),
           labels: Mapping[str, str] | None = None,
           annotations: Mapping[str, str] | None = None,
           service_account_name: str | None = None,
           security_context: PodSecurityContext | None = None) -> "PodTemplate":
        return cls(tuple(containers), tuple(init_containers), tuple(volumes),
                   to_str_map(labels), to_str_map(annotations), service_account_name,
                   None, security_context)

    @property
    def all_containers(self) -> tuple[Container, ...]:
        """Init containers first, then app containers (the order the kubelet starts them)."""
        return self.init_containers + self.containers

    def mount_problems(self, claim_names: Iterable[str] = ()) -> list[Problem]:
        """Mounts naming neither a pod volume nor one of ``claim_names``.

        A StatefulSet's ``volumeClaimTemplates`` become pod volumes at run time,
        which is why the workload, not the template, runs this rule.
        """
        known = {v.name for v in self.volumes} | set(claim_names)
        found: list[Problem] = []
        for field, group in (("spec.initContainers", self.init_containers),
                             ("spec.containers", self.containers)):
            for index, container in enumerate(group):
                for number, mount in enumerate(container.volume_mounts):
                    if mount.name not in known:
                        found.append(Problem(
                            f"{field}[{index}].volumeMounts[{number}].name",
                            f"volume {mount.name!r} is not declared",
                            "add it to spec.volumes (declared: "
                            + (", ".join(sorted(known)) or "none") + ")"))
        return found


def pod_field_problems(labels: Mapping[str, str], annotations: Mapping[str, str],
                       service_account_name: object, node_selector: Mapping[str, str],
                       automount_service_account_token: object, host_network: object,
                       termination_grace_period_seconds: object) -> list[Problem]:
    """The rules on a pod's own fields, which need none of its containers: the loader
    runs them too when a container failed, so every problem is reported at once."""
    found = check.labels("metadata.labels", labels)
    found += check.annotations("metadata.annotations", annotations)
    if service_account_name is not None:
        found += check.dns_subdomain("spec.serviceAccountName", service_account_name,
                                     what="service account name")
    found += check.labels("spec.nodeSelector", node_selector)
    found += check.boolean("spec.automountServiceAccountToken", automount_service_account_token,
                           what="automountServiceAccountToken")
    found += check.boolean("spec.hostNetwork", host_network, what="hostNetwork")
    found += check.optional_integer("spec.terminationGracePeriodSeconds",
                                    termination_grace_period_seconds, minimum=0,
                                    what="terminationGracePeriodSeconds")
    return found


def container_problems(containers: Sequence[Container | None],
                       init_containers: Sequence[Container | None]) -> list[Problem]:
    """Rules across a pod's containers; ``None`` stands for one that failed to build.

    The loader calls this with the containers it could build, so a duplicate name
    is reported even when a sibling container has problems of its own.
    """
    found: list[Problem] = []
    if not containers:
        found.append(Problem("spec.containers", "a pod needs at least one container",
                             "add the application container"))
    found += duplicate_container_names([c.name if c else None for c in containers],
                                       [c.name if c else None for c in init_containers])
    for field, group in (("spec.initContainers", init_containers),
                         ("spec.containers", containers)):
        for index, container in enumerate(group):
            if container is None:
                continue
            where = f"{field}[{index}]"
            if field == "spec.containers" and container.restart_policy is not None:
                found.append(Problem(f"{where}.restartPolicy",
                                     "restartPolicy is only allowed on init containers",
                                     "move the container to initContainers to make it a "
                                     "native sidecar, or remove restartPolicy"))
            if field == "spec.initContainers" and not container.is_native_sidecar:
                for probe_field, probe in (("livenessProbe", container.liveness_probe),
                                           ("readinessProbe", container.readiness_probe),
                                           ("startupProbe", container.startup_probe)):
                    if probe is not None:
                        found.append(Problem(f"{where}.{probe_field}",
                                             "init containers run to completion and take "
                                             "no probes",
                                             "remove the probe, or set restartPolicy: Always "
                                             "to make it a native sidecar"))
    return found



def duplicate_container_names(containers: Sequence[object],
                              init_containers: Sequence[object]) -> list[Problem]:
    """Container names are unique across init containers and containers.

    Takes bare names (``None`` or a non-string is skipped), so the loader can run
    the rule on containers that failed to build for other reasons.
    """
    found: list[Problem] = []
    seen: dict[str, str] = {}
    for field, names in (("initContainers", init_containers), ("containers", containers)):
        for index, name in enumerate(names):
            if not isinstance(name, str):
                continue
            where = f"{field}[{index}]"
            if name in seen:
                found.append(Problem(f"spec.{where}.name",
                                     f"duplicate container name {name!r} (already used by "
                                     f"{seen[name]})",
                                     "give every container and init container its own name"))
            else:
                seen[name] = where
    return found
