"""Workloads (:mod:`kancat.values.workloads`, :mod:`kancat.values.jobs`): Deployments,
StatefulSets and their volume claim templates, ReplicaSets, DaemonSets, bare Pods, Jobs
and CronJobs."""

from collections.abc import Mapping
from typing import Any, TypeVar

import attrs
import hypothesis.strategies as st
from hypothesis.strategies import DrawFn, SearchStrategy

from kancat.testing.strategies._draw import (
    BOOLS,
    OPTIONAL_BOOLS,
    choices,
    draws,
    extras,
    maybe,
    maybe_pick,
    names,
)
from kancat.testing.strategies.names import (
    _NAMESPACES,
    _POD_LABELS,
    _SERVICE_NAMES,
    _SHORT_NAMES,
    _SMALL_LABELS,
    _WORKLOAD_NAMES,
    _annotation_strategy,
    _dns_label_strategy,
    _draw_meta,
)
from kancat.testing.strategies.pods import _draw_pod_template, _draw_selector_for
from kancat.testing.strategies.scalars import _QUANTITIES
from kancat.values import (
    CronJob,
    DaemonSet,
    Deployment,
    Job,
    JobSpec,
    JobTemplate,
    LabelSelector,
    ObjectMeta,
    PersistentVolumeClaimTemplate,
    Pod,
    PodTemplate,
    ReplicaSet,
    StatefulSet,
)
from kancat.values.jobs import CompletionMode, ConcurrencyPolicy, JobRestartPolicy
from kancat.values.pod import RestartPolicy
from kancat.values.workloads import AccessMode

__all__ = ["cronjobs", "daemonsets", "deployments", "jobs", "persistent_volume_claim_templates",
           "pods", "replicasets", "statefulsets"]

_DEPLOYMENT_EXTRA = {
    "minReadySeconds": st.integers(0, 30),
    "revisionHistoryLimit": st.integers(0, 10),
    "progressDeadlineSeconds": st.integers(60, 600),
    "paused": BOOLS,
    "strategy": st.sampled_from((
        {"type": "Recreate"},
        {"type": "RollingUpdate"},
        {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 0}},
        {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": "10%"}},
    )),
}
# Top-level carried fields: the (empty) status ``kubectl create --dry-run -o yaml`` writes.
_EMPTY_STATUS: dict[str, SearchStrategy[Any]] = {"status": st.just({})}
_REPLICAS = st.integers(0, 5)


def _draw_controller(draw: DrawFn) -> tuple[ObjectMeta, LabelSelector, PodTemplate]:
    """The metadata, selector and pod template of a controller (Deployment, ReplicaSet,
    DaemonSet): the selector matches the template's labels, which the metadata sometimes
    carries too."""
    name = draw(_WORKLOAD_NAMES)
    labels = draw(_POD_LABELS)
    meta = _draw_meta(draw, name, labels if draw(BOOLS) else None)
    return meta, _draw_selector_for(draw, labels), _draw_pod_template(draw, labels, ())


_Replicated = TypeVar("_Replicated", Deployment, ReplicaSet)


@st.composite
def _replicated(draw: DrawFn, kind: type[_Replicated],
                spec_extra: Mapping[str, SearchStrategy[Any]],
                status: Mapping[str, SearchStrategy[Any]]) -> _Replicated:
    """A Deployment or ReplicaSet (the same fields): replicas, and ``spec_extra`` and
    ``status`` carried."""
    meta, selector, template = _draw_controller(draw)
    return kind(meta, replicas=maybe(draw, _REPLICAS), selector=selector, template=template,
                spec_extra=extras(draw, spec_extra), extra=extras(draw, status))


_DEPLOYMENTS = _replicated(Deployment, _DEPLOYMENT_EXTRA, _EMPTY_STATUS)


@draws(Deployment)
def deployments() -> SearchStrategy[Deployment]:
    """Deployments: a selector matching the template's labels, replicas, and carried
    spec fields (``strategy``, ``minReadySeconds``, ``revisionHistoryLimit``, ...).

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=5)
    ... @given(deployments())
    ... def test(web):
    ...     assert web.selector.matches(web.template.labels)
    >>> test()
    """
    return _DEPLOYMENTS


_ACCESS_MODES = st.lists(st.sampled_from(choices(AccessMode)), min_size=1, max_size=2,
                         unique=True)
_CLAIM_METADATA_EXTRA = {"annotations": _annotation_strategy(1)}
_CLAIM_SPEC_EXTRA = {"volumeMode": st.sampled_from(("Filesystem", "Block"))}
_CLAIM_EXTRA = {"apiVersion": "v1", "kind": "PersistentVolumeClaim"}
_STORAGE_CLASSES = ("standard", "fast-ssd", "gp3")


def _draw_claim(draw: DrawFn, name: str) -> PersistentVolumeClaimTemplate:
    return PersistentVolumeClaimTemplate(
        name, draw(_QUANTITIES["storage"]), labels=draw(_SMALL_LABELS),
        metadata_extra=extras(draw, _CLAIM_METADATA_EXTRA), access_modes=draw(_ACCESS_MODES),
        storage_class_name=maybe_pick(draw, _STORAGE_CLASSES),
        spec_extra=extras(draw, _CLAIM_SPEC_EXTRA), extra=_CLAIM_EXTRA if draw(BOOLS) else {})


@st.composite
def _claims(draw: DrawFn, name: str | None) -> PersistentVolumeClaimTemplate:
    return _draw_claim(draw, name if name is not None else draw(_SHORT_NAMES))


@draws(PersistentVolumeClaimTemplate)
def persistent_volume_claim_templates(*, name: str | None = None
                                      ) -> SearchStrategy[PersistentVolumeClaimTemplate]:
    """StatefulSet ``volumeClaimTemplates`` entries: storage size, access modes, storage
    class, and carried ``volumeMode``, annotations, ``apiVersion``/``kind``.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=5)
    ... @given(persistent_volume_claim_templates(name="data"))
    ... def test(claim):
    ...     assert claim.name == "data" and claim.storage.amount > 0
    >>> test()
    """
    if name is not None:
        names("persistent_volume_claim_templates", "name", [name])
    return _claims(name)


_STATEFULSET_EXTRA = {
    "podManagementPolicy": st.sampled_from(("OrderedReady", "Parallel")),
    "updateStrategy": st.sampled_from(({"type": "OnDelete"}, {"type": "RollingUpdate"},
                                       {"type": "RollingUpdate",
                                        "rollingUpdate": {"partition": 1}})),
    "minReadySeconds": st.integers(0, 30),
    "revisionHistoryLimit": st.integers(0, 10),
    "persistentVolumeClaimRetentionPolicy": st.just({"whenDeleted": "Retain",
                                                     "whenScaled": "Delete"}),
    "ordinals": st.builds(lambda start: {"start": start}, st.integers(0, 5)),
}
_STATEFULSET_STATUS = {"status": st.just({"replicas": 0})}
_CLAIM_NAME_LISTS = st.lists(_dns_label_strategy(12, False), max_size=2, unique=True)


@st.composite
def _statefulset(draw: DrawFn) -> StatefulSet:
    name = draw(_SHORT_NAMES)
    labels = draw(_POD_LABELS)
    claim_names = tuple(draw(_CLAIM_NAME_LISTS))
    claims = [_draw_claim(draw, n) for n in claim_names]
    meta = _draw_meta(draw, name, labels if draw(BOOLS) else None)
    # serviceName is required by the Kubernetes 1.32 schema.
    return StatefulSet(meta, service_name=draw(_SERVICE_NAMES),
                       replicas=maybe(draw, _REPLICAS),
                       selector=_draw_selector_for(draw, labels),
                       template=_draw_pod_template(draw, labels, claim_names),
                       volume_claim_templates=claims,
                       spec_extra=extras(draw, _STATEFULSET_EXTRA),
                       extra=extras(draw, _STATEFULSET_STATUS))


_STATEFULSETS = _statefulset()


@draws(StatefulSet)
def statefulsets() -> SearchStrategy[StatefulSet]:
    """StatefulSets with up to two volume claim templates (which mounts may name), a
    governing service name, and carried spec fields (``podManagementPolicy``,
    ``updateStrategy``, ``ordinals``, ...).

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=5)
    ... @given(statefulsets())
    ... def test(db):
    ...     claims = [c.name for c in db.volume_claim_templates]
    ...     assert db.template.mount_problems(claim_names=claims) == []
    >>> test()
    """
    return _STATEFULSETS


_REPLICASET_EXTRA = {"minReadySeconds": st.integers(0, 30)}
_REPLICASET_STATUS = {"status": st.just({"replicas": 0})}


_REPLICASETS = _replicated(ReplicaSet, _REPLICASET_EXTRA, _REPLICASET_STATUS)


@draws(ReplicaSet)
def replicasets() -> SearchStrategy[ReplicaSet]:
    """ReplicaSets: a selector matching the template's labels, replicas, and a carried
    ``minReadySeconds``.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=5)
    ... @given(replicasets())
    ... def test(rs):
    ...     assert rs.selector.matches(rs.template.labels)
    >>> test()
    """
    return _REPLICASETS


_DAEMONSET_EXTRA = {
    "updateStrategy": st.sampled_from((
        {"type": "OnDelete"},
        {"type": "RollingUpdate"},
        {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1}},
        {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "10%", "maxUnavailable": 0}},
    )),
    "minReadySeconds": st.integers(0, 30),
    "revisionHistoryLimit": st.integers(0, 10),
}
_DAEMONSET_STATUS = {"status": st.just({"currentNumberScheduled": 0, "desiredNumberScheduled": 0,
                                        "numberMisscheduled": 0, "numberReady": 0})}


@st.composite
def _daemonset(draw: DrawFn) -> DaemonSet:
    meta, selector, template = _draw_controller(draw)
    return DaemonSet(meta, selector=selector, template=template,
                     spec_extra=extras(draw, _DAEMONSET_EXTRA),
                     extra=extras(draw, _DAEMONSET_STATUS))


_DAEMONSETS = _daemonset()


@draws(DaemonSet)
def daemonsets() -> SearchStrategy[DaemonSet]:
    """DaemonSets: a selector matching the template's labels, and carried spec fields
    (``updateStrategy``, ``minReadySeconds``, ``revisionHistoryLimit``).

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=5)
    ... @given(daemonsets())
    ... def test(agent):
    ...     assert agent.selector.matches(agent.template.labels)
    >>> test()
    """
    return _DAEMONSETS


_POD_RESTART_POLICIES: tuple[RestartPolicy | None, ...] = (None, *choices(RestartPolicy))
_POD_STATUS = {"status": st.just({"phase": "Pending"})}


@st.composite
def _pod(draw: DrawFn) -> Pod:
    template = _draw_pod_template(draw, None, (), _POD_RESTART_POLICIES)
    return Pod(name=draw(_WORKLOAD_NAMES), namespace=maybe(draw, _NAMESPACES),
               extra=extras(draw, _POD_STATUS),
               **{f.name: getattr(template, f.name) for f in attrs.fields(PodTemplate)})


_PODS = _pod()


@draws(Pod)
def pods() -> SearchStrategy[Pod]:
    """Bare Pods: everything :func:`pod_templates` draws, a name, sometimes a namespace,
    any restart policy, and a carried ``status``.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=5)
    ... @given(pods())
    ... def test(pod):
    ...     assert pod.mount_problems() == []
    >>> test()
    """
    return _PODS


_JOB_RESTART_POLICIES = choices(JobRestartPolicy)
_COMPLETION_MODES = choices(CompletionMode)
_JOB_SPEC_EXTRA = {"suspend": BOOLS}
_COUNTS = st.integers(0, 6)
_SECONDS = st.integers(0, 3600)


def _draw_job_spec(draw: DrawFn) -> JobSpec:
    """A JobSpec whose pods run ``Never`` or ``OnFailure``; an Indexed one has
    completions."""
    labels = draw(_POD_LABELS)
    mode = maybe_pick(draw, _COMPLETION_MODES)
    completions = draw(_COUNTS) if mode == "Indexed" else maybe(draw, _COUNTS)
    pod = _draw_pod_template(draw, labels, (), _JOB_RESTART_POLICIES)
    return JobSpec(parallelism=maybe(draw, _COUNTS), completions=completions,
                   completion_mode=mode, backoff_limit=maybe(draw, _COUNTS),
                   active_deadline_seconds=maybe(draw, _SECONDS),
                   ttl_seconds_after_finished=maybe(draw, _SECONDS), template=pod,
                   extra=extras(draw, _JOB_SPEC_EXTRA))


@st.composite
def _job(draw: DrawFn) -> Job:
    # At most 63 characters: Kubernetes puts a Job's name in a label of its pods.
    return Job(_draw_meta(draw, draw(_SHORT_NAMES)), spec=_draw_job_spec(draw),
               extra=extras(draw, _EMPTY_STATUS))


_JOBS = _job()


@draws(Job)
def jobs() -> SearchStrategy[Job]:
    """Jobs: completions, parallelism (Indexed ones with completions), backoff limit,
    deadlines, pods restarted ``Never`` or ``OnFailure``, a carried ``suspend``.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=5)
    ... @given(jobs())
    ... def test(job):
    ...     assert job.spec.template.restart_policy in ("Never", "OnFailure")
    >>> test()
    """
    return _JOBS


_SCHEDULES = st.sampled_from((
    "*/15 * * * *", "0 3 * * *", "30 2 * * MON-FRI", "0 0 1 * *", "5 4 * * sun",
    "15,45 9-17/2 * JAN-JUN *", "@hourly", "@daily", "@weekly", "@every 1h30m",
))
_CONCURRENCY_POLICIES = choices(ConcurrencyPolicy)
_JOB_ANNOTATIONS = _annotation_strategy(1)
_CRONJOB_EXTRA = {"timeZone": st.sampled_from(("Etc/UTC", "Europe/Berlin"))}
_JOB_TEMPLATE_METADATA_EXTRA = {"creationTimestamp": st.none()}


@st.composite
def _cronjob(draw: DrawFn) -> CronJob:
    job_template = JobTemplate(labels=draw(_SMALL_LABELS), annotations=draw(_JOB_ANNOTATIONS),
                               metadata_extra=extras(draw, _JOB_TEMPLATE_METADATA_EXTRA),
                               spec=_draw_job_spec(draw))
    # At most 52 characters: each Job it makes is named <name>-<11 characters>.
    return CronJob(_draw_meta(draw, draw(_SHORT_NAMES)), schedule=draw(_SCHEDULES),
                   concurrency_policy=maybe_pick(draw, _CONCURRENCY_POLICIES),
                   starting_deadline_seconds=maybe(draw, _SECONDS),
                   suspend=draw(OPTIONAL_BOOLS),
                   successful_jobs_history_limit=maybe(draw, _COUNTS),
                   failed_jobs_history_limit=maybe(draw, _COUNTS), job_template=job_template,
                   spec_extra=extras(draw, _CRONJOB_EXTRA), extra=extras(draw, _EMPTY_STATUS))


_CRONJOBS = _cronjob()


@draws(CronJob)
def cronjobs() -> SearchStrategy[CronJob]:
    """CronJobs: a schedule (five fields, names, steps, ranges, or a descriptor),
    concurrency policy, deadlines and history limits, a job template as :func:`jobs`
    draws its spec, and a carried ``timeZone``.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=5)
    ... @given(cronjobs())
    ... def test(cron):
    ...     assert cron.schedule.startswith("@") or len(cron.schedule.split()) == 5
    >>> test()
    """
    return _CRONJOBS
