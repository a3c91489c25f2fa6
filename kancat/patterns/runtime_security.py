"""Runtime security (founding design §3): the restricted PodSecurityPolicy, for clusters
before Kubernetes 1.25, and Falco rules, written and read as Falco rules YAML.

:func:`restricted_psp` is the design's ``restricted-psp``. Kubernetes 1.25 removed
PodSecurityPolicy: emitting it for 1.25 or newer is a problem that says so and points
to Pod Security Admission (namespace labels from
:func:`kancat.values.pod_security.pod_security_labels`), which does the same job there.

>>> from kancat.codec.encode import to_manifest
>>> to_manifest(restricted_psp(), (1, 24))["spec"]["runAsUser"]
{'rule': 'MustRunAsNonRoot'}
>>> to_manifest(restricted_psp(), (1, 25))
Traceback (most recent call last):
...
kancat.errors.InvalidValue: 1 problem:
  kind: PodSecurityPolicy 'restricted-psp' cannot be emitted for Kubernetes 1.25: it was removed in Kubernetes 1.25 (Pod Security Admission replaced PodSecurityPolicy in Kubernetes 1.25: label the namespace instead (kancat.values.pod_security.pod_security_labels(...)), or target Kubernetes 1.24 or older)

:func:`design_falco_rules` is the design's two rules, "Unexpected process in
container" and "Container drift detected", with the macro and the lists they name;
:func:`to_falco_yaml` writes any :class:`~kancat.values.falco.RulesFile` as the YAML
Falco loads, and :func:`load_falco_yaml` reads it back:

>>> rules = design_falco_rules()
>>> [item.name for item in rules]
['container', 'trusted_repos', 'allowed_processes', 'allowed_write_paths', 'Unexpected process in container', 'Container drift detected']
>>> load_falco_yaml(to_falco_yaml(rules)).unwrap() == rules
True
"""

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from kancat.codec.decode import decode_value
from kancat.codec.encode import encode
from kancat.core.collect import as_result
from kancat.errors import InvalidValue, Problem
from kancat.values.falco import (
    ITEM_KEYS,
    FalcoItem,
    FalcoList,
    FalcoMacro,
    FalcoRule,
    RulesFile,
)
from kancat.values.pod_security_policy import PodSecurityPolicy, PolicyVolume

if TYPE_CHECKING:
    from returns.result import Result

__all__ = [
    "RESTRICTED_VOLUMES",
    "design_falco_rules",
    "load_falco_yaml",
    "restricted_psp",
    "to_falco_yaml",
]

RESTRICTED_VOLUMES: tuple[PolicyVolume, ...] = (
    "configMap", "emptyDir", "projected", "secret", "downwardAPI", "persistentVolumeClaim")
"""The volume types the design's restricted policy allows."""

_ALL_IDS_BUT_ROOT = ((1, 65535),)


def restricted_psp(name: str = "restricted-psp", *,
                   volumes: Iterable[PolicyVolume] = RESTRICTED_VOLUMES,
                   group_ranges: Iterable[tuple[int, int]] = _ALL_IDS_BUT_ROOT
                   ) -> PodSecurityPolicy:
    """The founding design's restricted PodSecurityPolicy: not privileged, no privilege
    escalation, every capability dropped, only the ``volumes`` types, no host network,
    IPC or PID, any user but root, a read-only root filesystem.

    One change from the design: its supplemental groups and fsGroup are ``RunAsAny``,
    which lets a pod take group 0 (root's group, which owns much of an image's
    filesystem); here both are ``MustRunAs`` ``group_ranges`` (1 to 65535), as
    Kubernetes' own restricted example policy has them.

    >>> psp = restricted_psp()
    >>> psp.required_drop_capabilities, psp.fs_group.rule, psp.read_only_root_filesystem
    (('ALL',), 'MustRunAs', True)
    """
    ranges = tuple(group_ranges)
    return PodSecurityPolicy.of(
        name, privileged=False, allow_privilege_escalation=False,
        required_drop_capabilities=["ALL"], volumes=volumes,
        host_network=False, host_ipc=False, host_pid=False,
        run_as_user="MustRunAsNonRoot", se_linux="RunAsAny",
        supplemental_groups="MustRunAs", supplemental_group_ranges=ranges,
        fs_group="MustRunAs", fs_group_ranges=ranges, read_only_root_filesystem=True)


def design_falco_rules(*, trusted_repos: Sequence[str] = (),
                       allowed_processes: Sequence[str] = (),
                       allowed_write_paths: Sequence[str] = ()) -> RulesFile:
    """The founding design's Falco rules, with what they name: the ``container`` macro
    (an event in a container, not on the host, as Falco's own rules define it) and the
    lists ``trusted_repos`` (image repositories whose processes are expected),
    ``allowed_processes`` and ``allowed_write_paths`` (files a container may write),
    filled from the arguments.

    >>> drift = design_falco_rules(allowed_write_paths=["/tmp/cache"]).items[-1]
    >>> drift.priority, "allowed_write_paths" in drift.condition
    ('ERROR', True)
    """
    return RulesFile.of([
        FalcoMacro.of("container", "container.id != host"),
        FalcoList.of("trusted_repos", trusted_repos),
        FalcoList.of("allowed_processes", allowed_processes),
        FalcoList.of("allowed_write_paths", allowed_write_paths),
        FalcoRule.of(
            "Unexpected process in container",
            desc="Detect processes that are not expected in container",
            condition="container and not container.image.repository in (trusted_repos) "
                      "and proc.name not in (allowed_processes)",
            output="Unexpected process started in container (user=%user.name "
                   "command=%proc.cmdline container=%container.name "
                   "image=%container.image.repository)",
            priority="WARNING"),
        FalcoRule.of(
            "Container drift detected",
            desc="Detect when container filesystem is modified",
            condition="container and evt.type in (open, openat) and evt.is_open_write=true "
                      "and fd.typechar='f' and fd.num>=0 and container.image.repository "
                      "!= \"\" and not fd.name in (allowed_write_paths)",
            output="Container filesystem modified (user=%user.name command=%proc.cmdline "
                   "file=%fd.name container=%container.name)",
            priority="ERROR"),
    ])


def to_falco_yaml(rules: RulesFile | Iterable[FalcoItem]) -> str:
    """The Falco rules YAML of ``rules`` (a list of items, in order; keys in their
    declared order, so equal files give identical text).

    >>> print(to_falco_yaml([FalcoList.of("shells", ["bash", "sh"])]), end="")
    - list: shells
      items:
      - bash
      - sh
    """
    import yaml  # only when writing YAML: ``import kancat`` does not load PyYAML

    checked = rules if isinstance(rules, RulesFile) else RulesFile.of(rules)
    documents = [encode(item) for item in checked.items]
    text: str = yaml.safe_dump(documents, sort_keys=False, allow_unicode=True,
                               default_flow_style=False, width=100)
    return text


def load_falco_yaml(text: str) -> "Result[RulesFile, InvalidValue]":
    """Falco rules YAML as a :class:`~kancat.values.falco.RulesFile`:
    ``Success(file)``, or ``Failure(InvalidValue)`` listing every problem by the
    item's index (``[2].priority``).

    >>> load_falco_yaml("- macro: spawned\\n  condition: evt.type = execve and shelll\\n")
    <Failure: 1 problem:
      [0].condition: macro 'spawned' names the macro 'shelll', which the file does not define (define it with FalcoMacro.of('shelll', '...'), or correct the name)>
    """
    return as_result(lambda: _load(text))


def _load(text: str) -> RulesFile:
    import yaml

    try:
        documents = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise InvalidValue([Problem("", f"not YAML: {error}".splitlines()[0],
                                    "fix the YAML syntax")]) from None
    if documents is None:
        documents = []
    if not isinstance(documents, list):
        raise InvalidValue([Problem("", "a Falco rules file is a list of items, got "
                                        f"{type(documents).__name__}",
                                    "start each item with '- rule:', '- macro:' or '- list:'")])
    items: list[Any] = []
    problems: list[Problem] = []
    for index, document in enumerate(documents):
        value, found = _item(index, document)
        items.append(value)
        problems += found
    if problems:
        raise InvalidValue(problems)
    return RulesFile.of(items)


def _item(index: int, document: object) -> tuple[Any, list[Problem]]:
    where = f"[{index}]"
    if not isinstance(document, dict):
        return None, [Problem(where, f"an item is a mapping, got {type(document).__name__}",
                              "start it with 'rule:', 'macro:' or 'list:'")]
    kinds = [key for key in ITEM_KEYS if key in document]
    if len(kinds) != 1:
        said = " and ".join(kinds) if kinds else "none of them"
        return None, [Problem(where, f"an item is one of rule, macro, list and "
                                     f"required_engine_version; this one has {said}",
                              "split it into one item per kind")]
    value, found = decode_value(ITEM_KEYS[kinds[0]], document, where)
    return value, found
