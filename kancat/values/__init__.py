"""kancat's immutable domain values (attrs, frozen, slotted, hashable).

Every constructor validates: an invalid value cannot exist. ``X.of(...)`` takes
friendly inputs and raises :class:`~kancat.errors.InvalidValue` listing every
problem by Kubernetes field path; ``X.create(...)`` returns the same outcome as a
``returns`` ``Result``. Each field declares its wire form beside it
(:mod:`kancat.core.fields`); the kinds are listed once, in :mod:`kancat.values.kinds`.

This package holds the public names of each of its modules (``affinity``, ``container``,
``volume``, ``pod``, ``workloads``, ``jobs``, ``service``, ``objects``, ``meta``, ``image``, ``quantity``,
``kinds``): ``from kancat.values import Container, Deployment, KINDS``. Kinds a program
seldom uses are imported only when used (their rows in the kinds table name them by
module): the Istio resources (``from kancat.values.istio import VirtualService``), the
autoscalers (``kancat.values.autoscaling``) and PodSecurityPolicy
(``kancat.values.pod_security_policy``).
"""

from typing import TypeAlias

from kancat.core.frozen import FrozenMap, freeze, thaw
from kancat.values import (
    affinity,
    container,
    image,
    jobs,
    kinds,
    meta,
    objects,
    pod,
    quantity,
    service,
    volume,
    workloads,
)
from kancat.values.affinity import *  # noqa: F403
from kancat.values.container import *  # noqa: F403
from kancat.values.image import *  # noqa: F403
from kancat.values.jobs import *  # noqa: F403
from kancat.values.kinds import *  # noqa: F403
from kancat.values.meta import *  # noqa: F403
from kancat.values.objects import *  # noqa: F403
from kancat.values.pod import *  # noqa: F403
from kancat.values.quantity import *  # noqa: F403
from kancat.values.service import *  # noqa: F403
from kancat.values.volume import *  # noqa: F403
from kancat.values.workloads import *  # noqa: F403

Workload: TypeAlias = workloads.PodController
"""The modelled kinds that run pods from a ``template`` (typing; the kinds table's
``pods`` column is where kancat looks them up)."""

KubeObject: TypeAlias = meta.KubeObjectBase | objects.OpaqueObject
"""Every top-level object kancat emits or loads."""

__all__ = ["FrozenMap", "KubeObject", "Workload", "freeze", "thaw"]
__all__ += affinity.__all__
__all__ += container.__all__
__all__ += image.__all__
__all__ += jobs.__all__
__all__ += kinds.__all__
__all__ += meta.__all__
__all__ += objects.__all__
__all__ += pod.__all__
__all__ += quantity.__all__
__all__ += service.__all__
__all__ += volume.__all__
__all__ += workloads.__all__
