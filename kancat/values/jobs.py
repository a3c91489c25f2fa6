"""Batch workloads: Job (pods that run to completion) and CronJob (a Job on a schedule).

A Job's ``spec`` is a :class:`JobSpec`, the part a CronJob's ``jobTemplate`` shares
with it; the pods are the JobSpec's ``template``. A Job's pods must not be restarted
by the kubelet for ever: their ``restartPolicy`` is ``Never`` or ``OnFailure`` (the
API server refuses Kubernetes' default, ``Always``), and the ``of`` constructors set
``Never`` unless told otherwise.

>>> migrate = Job.of("migrate", backoff_limit=2, containers=[
...     Container.of("migrate", image="registry.example.com/shop/migrate:1.4.2")])
>>> (migrate.spec.backoff_limit, migrate.spec.template.restart_policy)
(2, 'Never')
>>> CronJob.create("nightly", schedule="0 3 * *", concurrency_policy="Sometimes",
...                containers=[Container.of("report", image="report:2.0")])
<Failure: 2 problems:
  spec.schedule: schedule '0 3 * *' has 4 fields, not 5 (write five fields, minute hour day-of-month month day-of-week (e.g. '0 3 * * *'), or @hourly, @daily, @weekly, @monthly, @yearly or '@every 1h')
  spec.concurrencyPolicy: concurrencyPolicy 'Sometimes' is not allowed (use one of Allow, Forbid, Replace)>
"""

import re
from collections.abc import Iterable, Mapping
from functools import partial
from typing import Any, ClassVar, Final, Literal, TypeAlias, TypeVar, Unpack

import attrs

from kancat.core import rules
from kancat.core.collect import Collect, to_frozen, to_str_map
from kancat.core.fields import Check, carried, path_of, wire
from kancat.core.frozen import EMPTY, FrozenMap
from kancat.core.value import Value, assemble, finish, rule
from kancat.errors import Problem
from kancat.values.container import Container
from kancat.values.meta import KubeObjectBase, ObjectMeta, object_meta
from kancat.values.pod import PodKeywords, PodTemplate, only_pod_template
from kancat.values.workloads import (
    _pod_labels,
    _pod_template_part,
    _restart_policy_problems,
)

__all__ = ["CompletionMode", "ConcurrencyPolicy", "CronJob", "Job", "JobRestartPolicy",
           "JobSpec", "JobTemplate"]

CompletionMode: TypeAlias = Literal["NonIndexed", "Indexed"]
ConcurrencyPolicy: TypeAlias = Literal["Allow", "Forbid", "Replace"]
JobRestartPolicy: TypeAlias = Literal["OnFailure", "Never"]
"""The restart policies a Job's pods may have."""

_JOB_RESTART_POLICIES: Final[tuple[JobRestartPolicy, ...]] = ("OnFailure", "Never")
_INT32: Final = 2**31 - 1


def _count(what: str) -> Check:
    """The rule of a count or a number of seconds: a whole number, 0 or more."""
    return partial(rules.integer, minimum=0, maximum=_INT32, what=what)


@attrs.frozen(kw_only=True)
class JobSpec(Value):
    """A Job's ``spec`` (and a CronJob's ``jobTemplate.spec``): how many pods made from
    ``template`` must succeed, how many run at once, how often a failed one is retried
    and how long the Job may take; ``extra`` carries e.g. ``suspend``,
    ``podFailurePolicy``.

    >>> spec = JobSpec(completions=3, parallelism=2, template=PodTemplate.of(
    ...     [Container.of("work", image="worker:1.0")]))
    Traceback (most recent call last):
    ...
    kancat.errors.InvalidValue: 1 problem:
      template.spec.restartPolicy: a Job's pods need restartPolicy OnFailure or Never (Kubernetes would make it Always) (set restartPolicy: Never (or OnFailure to retry in the same pod))
    """

    k8s_definition: ClassVar[str] = "io.k8s.api.batch.v1.JobSpec"

    parallelism: int | None = attrs.field(default=None, metadata=wire(
        "parallelism", check=_count("parallelism")))
    completions: int | None = attrs.field(default=None, metadata=wire(
        "completions", check=_count("completions")))
    completion_mode: CompletionMode | None = attrs.field(default=None, metadata=wire(
        "completionMode", since=(1, 21)))
    backoff_limit: int | None = attrs.field(default=None, metadata=wire(
        "backoffLimit", check=_count("backoffLimit")))
    active_deadline_seconds: int | None = attrs.field(default=None, metadata=wire(
        "activeDeadlineSeconds", check=_count("activeDeadlineSeconds")))
    ttl_seconds_after_finished: int | None = attrs.field(default=None, metadata=wire(
        "ttlSecondsAfterFinished", check=_count("ttlSecondsAfterFinished")))
    template: PodTemplate = attrs.field(metadata=wire("template", check=only_pod_template))
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, metadata=carried())

    @rule
    def _job(self) -> list[Problem]:
        at = attrs.fields(JobSpec)
        found: list[Problem] = []
        if self.completion_mode == "Indexed" and self.completions is None:
            found.append(Problem(path_of(at.completions),
                                 "an Indexed Job needs completions",
                                 "give the number of indexes, e.g. completions: 5"))
        found += [p.under(path_of(at.template)) for p in _restart_policy_problems(
            self.template, _JOB_RESTART_POLICIES, whose="a Job's pods", required=True)]
        found += [p.under(path_of(at.template)) for p in self.template.mount_problems()]
        return found


@attrs.frozen
class Job(KubeObjectBase):
    """A ``batch/v1`` Job: pods run until ``spec.completions`` of them succeed.

    Kubernetes labels a Job's pods with its name (``job-name``), so the name is at most
    63 characters.

    >>> Job.create("m" * 64, labels={"app": "migrate"},
    ...            containers=[Container.of("migrate", image="migrate:1.0")])
    <Failure: 1 problem:
      metadata.name: a Job name has at most 63 characters, 'mmmmmmmmmmmmmmmmmmmm'... has 64 (shorten it: Kubernetes puts it in the label job-name its pods get)>
    """

    k8s_definition: ClassVar[str] = "io.k8s.api.batch.v1.Job"

    metadata: ObjectMeta = attrs.field(metadata=wire("metadata"))
    spec: JobSpec = attrs.field(kw_only=True, metadata=wire("spec"))
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, kw_only=True,
                                        metadata=carried())

    @rule
    def _name(self) -> list[Problem]:
        return _name_length(Job, self, 63, "the label job-name its pods get")

    @classmethod
    def of(cls, name: str, *, containers: Iterable[Container],
           completions: int | None = None,
           parallelism: int | None = None,
           backoff_limit: int | None = None,
           active_deadline_seconds: int | None = None,
           ttl_seconds_after_finished: int | None = None,
           restart_policy: JobRestartPolicy = "Never",
           namespace: str | None = None,
           labels: Mapping[str, str] | None = None,
           annotations: Mapping[str, str] | None = None,
           pod_annotations: Mapping[str, str] | None = None,
           **pod: Unpack[PodKeywords]) -> "Job":
        """A Job whose pods carry ``labels`` (default ``{"app": name}``, also on the Job)
        and ``pod_annotations``, restarted by ``restart_policy`` (``Never`` unless
        told otherwise: Kubernetes' default, ``Always``, is refused for a Job's pods);
        ``completions``, ``parallelism``, ``backoff_limit``, ``active_deadline_seconds``
        and ``ttl_seconds_after_finished`` are those of :class:`JobSpec`, and the other
        keywords those of :class:`~kancat.values.pod.PodKeywords`, as for
        :meth:`Deployment.of <kancat.values.Deployment.of>`."""
        chosen = _pod_labels(name, labels)
        collect = Collect()
        meta = object_meta(collect, cls, name, namespace, chosen, annotations)
        spec = _job_spec(collect, path_of(attrs.fields(cls).spec), containers, chosen,
                         pod_annotations, pod, restart_policy, completions=completions,
                         parallelism=parallelism, backoff_limit=backoff_limit,
                         active_deadline_seconds=active_deadline_seconds,
                         ttl_seconds_after_finished=ttl_seconds_after_finished)
        return finish(collect, cls, metadata=meta, spec=spec)


@attrs.frozen(kw_only=True)
class JobTemplate(Value):
    """A CronJob's ``jobTemplate``: the labels and annotations of each Job it makes, and
    the Job's :class:`JobSpec`.

    >>> spec = Job.of("report", containers=[Container.of("report", image="report:2.0")]).spec
    >>> JobTemplate(labels={"app": "report"}, spec=spec).spec.template.containers[0].name
    'report'
    """

    k8s_definition: ClassVar[str] = "io.k8s.api.batch.v1.JobTemplateSpec"

    labels: FrozenMap[str] = attrs.field(default=EMPTY, converter=to_str_map,
                                         metadata=wire("metadata.labels", check=rules.labels))
    annotations: FrozenMap[str] = attrs.field(default=EMPTY, converter=to_str_map,
                                              metadata=wire("metadata.annotations",
                                                            check=rules.annotations))
    metadata_extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen,
                                                 metadata=carried("metadata"))
    spec: JobSpec = attrs.field(metadata=wire("spec"))


# --- schedules -------------------------------------------------------------------------------
#
# Kubernetes parses a CronJob's schedule with robfig/cron's standard parser: five fields,
# or a descriptor. Each field is a list of '*', '?', N or N-M, each with an optional /STEP;
# months and weekdays may be named.

_DESCRIPTORS: Final = frozenset({"@yearly", "@annually", "@monthly", "@weekly", "@daily",
                                 "@midnight", "@hourly"})
_EVERY: Final = re.compile(r"@every ((\d+(\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h))+\Z")
_NUMBER: Final = re.compile(r"[0-9]+\Z")
_MONTHS: Final = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV",
                  "DEC")
_WEEKDAYS: Final = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
_CRON_FIELDS: Final[tuple[tuple[str, int, int, dict[str, int]], ...]] = (
    ("minute", 0, 59, {}),
    ("hour", 0, 23, {}),
    ("day of month", 1, 31, {}),
    ("month", 1, 12, {name: number for number, name in enumerate(_MONTHS, 1)}),
    ("day of week", 0, 6, {name: number for number, name in enumerate(_WEEKDAYS)}),
)
_SCHEDULE_HINT: Final = ("write five fields, minute hour day-of-month month day-of-week (e.g. "
                         "'0 3 * * *'), or @hourly, @daily, @weekly, @monthly, @yearly or "
                         "'@every 1h'")


def _cron_number(text: str, names: Mapping[str, int]) -> int | None:
    if _NUMBER.match(text):
        return int(text)
    return names.get(text.upper())


def _cron_field(text: str, low: int, high: int, names: Mapping[str, int]) -> str | None:
    """What is wrong with one field of a schedule (``None``: nothing)."""
    for item in text.split(","):
        expression, slash, step = item.partition("/")
        if slash and not (_NUMBER.match(step) and int(step) > 0):
            return f"has step {step!r}, not a positive number"
        if expression in ("*", "?"):
            continue
        first, dash, last = expression.partition("-")
        start = _cron_number(first, names)
        end = _cron_number(last, names) if dash else start
        if start is None or end is None:
            return f"has {expression!r}, not a number" + (" or a name" if names else "")
        if not (low <= start <= high and low <= end <= high):
            return f"has {expression!r}, outside {low}-{high}"
        if start > end:
            return f"has the range {expression!r}, which ends before it starts"
    return None


def cron_schedule(path: str, value: object) -> list[Problem]:
    """A CronJob ``schedule``: five cron fields, or a descriptor (``@daily``,
    ``@every 1h30m``, ...), as Kubernetes parses it; the time zone belongs in
    ``spec.timeZone``, not in the schedule.

    >>> cron_schedule("spec.schedule", "*/15 9-17 * * MON-FRI")
    []
    >>> for problem in cron_schedule("spec.schedule", "0 25 * * *"):
    ...     print(problem)
    spec.schedule: schedule '0 25 * * *': the hour has '25', outside 0-23 (write five fields, minute hour day-of-month month day-of-week (e.g. '0 3 * * *'), or @hourly, @daily, @weekly, @monthly, @yearly or '@every 1h')
    """
    if not isinstance(value, str):
        return [Problem(path, f"schedule must be a string, got {value!r:.60}",
                        "quote it, e.g. '0 3 * * *'")]
    text = value.strip()
    if not text:
        return [Problem(path, "the schedule is empty", _SCHEDULE_HINT)]
    if text.startswith(("TZ=", "CRON_TZ=")):
        return [Problem(path, f"schedule {value!r} sets a time zone",
                        "set spec.timeZone (e.g. Europe/Berlin) and leave TZ= out of the "
                        "schedule")]
    if text.startswith("@"):
        if text in _DESCRIPTORS or _EVERY.match(text):
            return []
        return [Problem(path, f"schedule {value!r} is not a cron descriptor", _SCHEDULE_HINT)]
    fields = text.split()
    if len(fields) != len(_CRON_FIELDS):
        return [Problem(path, f"schedule {value!r} has {len(fields)} fields, not 5",
                        _SCHEDULE_HINT)]
    for field, (what, low, high, names) in zip(fields, _CRON_FIELDS, strict=True):
        wrong = _cron_field(field, low, high, names)
        if wrong is not None:
            return [Problem(path, f"schedule {value!r}: the {what} {wrong}", _SCHEDULE_HINT)]
    return []


@attrs.frozen
class CronJob(KubeObjectBase):
    """A ``batch/v1`` CronJob (``batch/v1beta1`` when emitting for Kubernetes < 1.21):
    a Job made from ``job_template`` on each time ``schedule`` names; ``spec_extra``
    carries e.g. ``timeZone``.

    The CronJob controller names each Job ``<name>-<11 characters>``, and a Job's name
    is at most 63 characters, so a CronJob's is at most 52.

    >>> CronJob.create("nightly", schedule="0 3 * * *", starting_deadline_seconds=-1,
    ...                containers=[Container.of("report", image="report:2.0")])
    <Failure: 1 problem:
      spec.startingDeadlineSeconds: startingDeadlineSeconds must be >= 0, got -1 (use 0 or more)>
    """

    k8s_definition: ClassVar[str] = "io.k8s.api.batch.v1.CronJob"

    metadata: ObjectMeta = attrs.field(metadata=wire("metadata"))
    schedule: str = attrs.field(kw_only=True, metadata=wire("spec.schedule",
                                                            check=cron_schedule))
    concurrency_policy: ConcurrencyPolicy | None = attrs.field(
        default=None, kw_only=True, metadata=wire("spec.concurrencyPolicy"))
    starting_deadline_seconds: int | None = attrs.field(default=None, kw_only=True, metadata=wire(
        "spec.startingDeadlineSeconds", check=partial(rules.integer, minimum=0,
                                                      what="startingDeadlineSeconds")))
    suspend: bool | None = attrs.field(default=None, kw_only=True, metadata=wire("spec.suspend"))
    successful_jobs_history_limit: int | None = attrs.field(
        default=None, kw_only=True, metadata=wire(
            "spec.successfulJobsHistoryLimit", check=_count("successfulJobsHistoryLimit")))
    failed_jobs_history_limit: int | None = attrs.field(
        default=None, kw_only=True, metadata=wire(
            "spec.failedJobsHistoryLimit", check=_count("failedJobsHistoryLimit")))
    job_template: JobTemplate = attrs.field(kw_only=True, metadata=wire("spec.jobTemplate"))
    spec_extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, kw_only=True,
                                             metadata=carried("spec"))
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, kw_only=True,
                                        metadata=carried())

    @rule
    def _name(self) -> list[Problem]:
        return _name_length(CronJob, self, 52, "the names of the Jobs it makes (63 at most)")

    @classmethod
    def of(cls, name: str, *, schedule: str, containers: Iterable[Container],
           concurrency_policy: ConcurrencyPolicy | None = None,
           starting_deadline_seconds: int | None = None,
           suspend: bool | None = None,
           successful_jobs_history_limit: int | None = None,
           failed_jobs_history_limit: int | None = None,
           backoff_limit: int | None = None,
           active_deadline_seconds: int | None = None,
           ttl_seconds_after_finished: int | None = None,
           restart_policy: JobRestartPolicy = "Never",
           namespace: str | None = None,
           labels: Mapping[str, str] | None = None,
           annotations: Mapping[str, str] | None = None,
           pod_annotations: Mapping[str, str] | None = None,
           **pod: Unpack[PodKeywords]) -> "CronJob":
        """A CronJob running a Job on ``schedule``; ``labels`` (default
        ``{"app": name}``) go on the CronJob, its Jobs and their pods. The keywords up to
        ``failed_jobs_history_limit`` are the CronJob's fields, the others those of
        :meth:`Job.of`.

        >>> nightly = CronJob.of("nightly-report", schedule="@daily", containers=[
        ...     Container.of("report", image="registry.example.com/shop/report:2.0")])
        >>> (nightly.schedule, nightly.job_template.spec.template.containers[0].name)
        ('@daily', 'report')
        """
        chosen = _pod_labels(name, labels)
        at = attrs.fields(cls)
        collect = Collect()
        meta = object_meta(collect, cls, name, namespace, chosen, annotations)
        inner = Collect()
        spec = _job_spec(inner, path_of(attrs.fields(JobTemplate).spec), containers, chosen,
                         pod_annotations, pod, restart_policy, backoff_limit=backoff_limit,
                         active_deadline_seconds=active_deadline_seconds,
                         ttl_seconds_after_finished=ttl_seconds_after_finished)
        job_template = _finished_part(collect, path_of(at.job_template), inner, JobTemplate,
                                      labels=chosen, spec=spec)
        return finish(collect, cls, metadata=meta, schedule=schedule,
                      concurrency_policy=concurrency_policy,
                      starting_deadline_seconds=starting_deadline_seconds, suspend=suspend,
                      successful_jobs_history_limit=successful_jobs_history_limit,
                      failed_jobs_history_limit=failed_jobs_history_limit,
                      job_template=job_template)


def _name_length(cls: type, value: Any, limit: int, why: str) -> list[Problem]:
    name = value.metadata.name
    if isinstance(name, str) and len(name) > limit:
        return [Problem(path_of(attrs.fields(cls).metadata, attrs.fields(ObjectMeta).name),
                        f"a {cls.__name__} name has at most {limit} characters, "
                        f"{name[:20]!r}... has {len(name)}",
                        f"shorten it: Kubernetes puts it in {why}")]
    return []


_V = TypeVar("_V")


def _finished_part(collect: Collect, path: str, inner: Collect, cls: type[_V],
                   **values: Any) -> _V:
    """A part built from parts of its own (their problems in ``inner``): its own
    problems first, then theirs, kept in ``collect`` under ``path``. (A provisional
    value when any of them failed, checked guarded, as :func:`finish` does.)"""
    value, own = assemble(cls, values, broken=not inner.ok)
    collect.add([*own, *inner.problems], path)
    return value


def _job_spec(collect: Collect, path: str, containers: Iterable[Container],
              labels: FrozenMap[str], pod_annotations: Mapping[str, str] | None,
              pod: PodKeywords, restart_policy: JobRestartPolicy, **counts: int | None
              ) -> JobSpec:
    """The JobSpec of an ``of`` constructor, its problems kept in ``collect`` under
    ``path``."""
    inner = Collect()
    template = _pod_template_part(inner, path_of(attrs.fields(JobSpec).template), containers,
                                  labels, pod_annotations, pod, restart_policy)
    return _finished_part(collect, path, inner, JobSpec, template=template, **counts)
