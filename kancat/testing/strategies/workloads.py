"""Workloads (:mod:`kancat.values.workloads`): Deployments, StatefulSets and their volume
claim templates."""

from typing import Any

import hypothesis.strategies as st
from hypothesis.strategies import DrawFn, SearchStrategy

from kancat.testing.strategies._draw import (
    BOOLS,
    choices,
    draws,
    extras,
    maybe,
    maybe_pick,
    names,
)
from kancat.testing.strategies.names import (
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
from kancat.values import Deployment, PersistentVolumeClaimTemplate, StatefulSet
from kancat.values.workloads import AccessMode

__all__ = ["deployments", "persistent_volume_claim_templates", "statefulsets"]

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


@st.composite
def _deployment(draw: DrawFn) -> Deployment:
    name = draw(_WORKLOAD_NAMES)
    labels = draw(_POD_LABELS)
    meta = _draw_meta(draw, name, labels if draw(BOOLS) else None)
    return Deployment(meta, replicas=maybe(draw, _REPLICAS),
                      selector=_draw_selector_for(draw, labels),
                      template=_draw_pod_template(draw, labels, ()),
                      spec_extra=extras(draw, _DEPLOYMENT_EXTRA),
                      extra=extras(draw, _EMPTY_STATUS))


_DEPLOYMENTS = _deployment()


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
