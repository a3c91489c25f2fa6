"""The kinds table: every kind kancat knows, the only list of kinds there is.

Each row says, for one Kubernetes kind: the value class that models it (``None``:
kancat carries it whole, as an :class:`~kancat.values.objects.OpaqueObject` checked
against the field names Kubernetes knows for it), its group/version for each
Kubernetes version, whether it is namespaced, and where its pods are (the attributes
from the object to its :class:`~kancat.values.pod.PodTemplate`). The emitter and the
loader, the pod traversal of ``fmap`` and transformations, the Hypothesis strategies
and the field-table generator (``scripts/gen_k8s_fields.py``) all read it; adding a
kind is one class and one row.

>>> kind_of(PodDisruptionBudget).api_version((1, 20))
'policy/v1beta1'
>>> kind_named("apps/v1", "Deployment").value is Deployment
True
>>> [k.name for k in KINDS if k.pods is not None]
['Deployment', 'StatefulSet', 'Pod', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob']
"""

import importlib
import sys
from typing import Any, Final, TypeVar

import attrs

from kancat.core.fields import KubernetesVersion
from kancat.errors import InvalidArgument
from kancat.values.jobs import CronJob, Job
from kancat.values.objects import (
    ConfigMap,
    Namespace,
    NetworkPolicy,
    PodDisruptionBudget,
    Secret,
)
from kancat.values.pod import PodTemplate
from kancat.values.service import Service
from kancat.values.workloads import DaemonSet, Deployment, Pod, ReplicaSet, StatefulSet

__all__ = [
    "BUILT_IN_GROUP_VERSIONS",
    "DEFAULT_VERSION",
    "KINDS",
    "NEWEST_VERSION",
    "OLDEST_VERSION",
    "Kind",
    "KubernetesVersion",
    "kind_named",
    "kind_of",
    "parse_version",
    "pod_of",
    "pod_path",
    "with_pod",
]

OLDEST_VERSION: Final[KubernetesVersion] = (1, 20)
NEWEST_VERSION: Final[KubernetesVersion] = (1, 37)
DEFAULT_VERSION: Final[KubernetesVersion] = (1, 32)
"""kancat emits for Kubernetes 1.20 to 1.37, by default for 1.32."""


@attrs.frozen
class Kind:
    """One row of the table.

    ``versions`` lists ``(since, apiVersion)`` pairs, oldest first: the group/version
    to emit from that Kubernetes version on (every one of them is read by the loader).
    ``pods`` is the path of attributes from the object to its pod template, ``None``
    for a kind without pods, ``()`` for a kind that is its own pod template (a Pod).
    ``model`` is the value class, or ``"module:Class"`` naming it, imported on first
    use (:attr:`value`). ``loaded`` lists group/versions that are read but never emitted (the older served
    versions of a custom resource). ``crd`` names the CustomResourceDefinition that
    defines the kind (``None``: one of Kubernetes' own). ``until`` is the first
    Kubernetes version that no longer serves the kind (``None``: every version from
    its first on); emitting it for that version or a newer one is a problem, whose
    hint is ``removed_hint`` (what replaced the kind). A removed kind is still loaded.
    """

    name: str
    model: type | str | None
    versions: tuple[tuple[KubernetesVersion, str], ...]
    namespaced: bool = True
    pods: tuple[str, ...] | None = None
    loaded: tuple[str, ...] = ()
    crd: str | None = None
    until: KubernetesVersion | None = None
    removed_hint: str | None = None

    def served(self, version: KubernetesVersion) -> bool:
        """Whether Kubernetes ``version`` serves the kind (it has not been removed).

        >>> row = kind_called("PodSecurityPolicy")
        >>> row.served((1, 24)), row.served((1, 25))
        (True, False)
        """
        return self.until is None or version < self.until

    def api_version(self, version: KubernetesVersion) -> str:
        """The group/version to emit for Kubernetes ``version``."""
        chosen = self.versions[0][1]
        for since, api_version in self.versions:
            if version >= since:
                chosen = api_version
        return chosen

    @property
    def api_versions(self) -> tuple[str, ...]:
        """Every group/version the kind has been served as (and is loaded as)."""
        return tuple(dict.fromkeys([*(api for _, api in self.versions), *self.loaded]))

    @property
    def value(self) -> type | None:
        """The value class modelling the kind (``None``: carried whole). A row may name
        it as ``"module:Class"``, imported on first use, so that ``import kancat`` does
        not load kinds a program never uses (the Istio resources)."""
        if not isinstance(self.model, str):
            return self.model
        found = _IMPORTED.get(self.model)
        if found is None:
            module, _, name = self.model.partition(":")
            found = _IMPORTED[self.model] = getattr(importlib.import_module(module), name)
        return found

    @property
    def built_in(self) -> bool:
        """Whether Kubernetes itself serves the kind (not a custom resource)."""
        return self.crd is None

    @property
    def group(self) -> str:
        """The API group (``""`` for the core group)."""
        return self.versions[-1][1].rpartition("/")[0]


_IMPORTED: dict[str, type] = {}
_ALWAYS: Final = OLDEST_VERSION


def _since(*pairs: tuple[KubernetesVersion, str]) -> tuple[tuple[KubernetesVersion, str], ...]:
    return pairs


_ISTIO_NETWORKING: Final = ("networking.istio.io/v1beta1", "networking.istio.io/v1alpha3")
_ISTIO_SECURITY: Final = ("security.istio.io/v1beta1",)


def _istio_v1(name: str, plural: str, loaded: tuple[str, ...]) -> Kind:
    """The row of an Istio resource modelled in :mod:`kancat.values.istio` (imported on
    first use): emitted as ``<group>/v1`` for every Kubernetes version, read also as the
    older ``loaded`` versions (all of one group) Istio still serves, defined by the CRD
    ``<plural>.<group>``.

    >>> row = _istio_v1("Sidecar", "sidecars", ("networking.istio.io/v1beta1",))
    >>> (row.api_version(NEWEST_VERSION), row.crd)
    ('networking.istio.io/v1', 'sidecars.networking.istio.io')
    """
    group = loaded[0].rpartition("/")[0]
    return Kind(name, f"kancat.values.istio:{name}", _since((_ALWAYS, f"{group}/v1")),
                loaded=loaded, crd=f"{plural}.{group}")


KINDS: Final[tuple[Kind, ...]] = (
    # Modelled kinds: loaded into and emitted from their classes.
    Kind("Namespace", Namespace, _since((_ALWAYS, "v1")), namespaced=False),
    Kind("ConfigMap", ConfigMap, _since((_ALWAYS, "v1"))),
    Kind("Secret", Secret, _since((_ALWAYS, "v1"))),
    Kind("Service", Service, _since((_ALWAYS, "v1"))),
    Kind("Deployment", Deployment, _since((_ALWAYS, "apps/v1")), pods=("template",)),
    Kind("StatefulSet", StatefulSet, _since((_ALWAYS, "apps/v1")), pods=("template",)),
    Kind("Pod", Pod, _since((_ALWAYS, "v1")), pods=()),
    Kind("DaemonSet", DaemonSet, _since((_ALWAYS, "apps/v1")), pods=("template",)),
    Kind("ReplicaSet", ReplicaSet, _since((_ALWAYS, "apps/v1")), pods=("template",)),
    Kind("Job", Job, _since((_ALWAYS, "batch/v1")), pods=("spec", "template")),
    Kind("CronJob", CronJob, _since((_ALWAYS, "batch/v1beta1"), ((1, 21), "batch/v1")),
         pods=("job_template", "spec", "template")),
    Kind("PodDisruptionBudget", PodDisruptionBudget,
         _since((_ALWAYS, "policy/v1beta1"), ((1, 21), "policy/v1"))),
    Kind("NetworkPolicy", NetworkPolicy, _since((_ALWAYS, "networking.k8s.io/v1"))),
    Kind("PodSecurityPolicy", "kancat.values.pod_security_policy:PodSecurityPolicy",
         _since((_ALWAYS, "policy/v1beta1")),
         namespaced=False, until=(1, 25), removed_hint=(
             "Pod Security Admission replaced PodSecurityPolicy in Kubernetes 1.25: label "
             "the namespace instead (kancat.values.pod_security.pod_security_labels(...)), "
             "or target Kubernetes 1.24 or older")),
    # Istio: custom resources, one group/version emitted for every Kubernetes version,
    # the older ones Istio still serves loaded too.
    _istio_v1("VirtualService", "virtualservices", _ISTIO_NETWORKING),
    _istio_v1("DestinationRule", "destinationrules", _ISTIO_NETWORKING),
    _istio_v1("Gateway", "gateways", _ISTIO_NETWORKING),
    _istio_v1("ServiceEntry", "serviceentries", _ISTIO_NETWORKING),
    _istio_v1("Sidecar", "sidecars", _ISTIO_NETWORKING),
    _istio_v1("PeerAuthentication", "peerauthentications", _ISTIO_SECURITY),
    _istio_v1("AuthorizationPolicy", "authorizationpolicies", _ISTIO_SECURITY),
    # Autoscaling (kancat.values.autoscaling, imported on first use): the HPA built in,
    # the VPA the autoscaler project's custom resource.
    Kind("HorizontalPodAutoscaler", "kancat.values.autoscaling:HorizontalPodAutoscaler",
         _since((_ALWAYS, "autoscaling/v2beta2"), ((1, 23), "autoscaling/v2"))),
    Kind("VerticalPodAutoscaler", "kancat.values.autoscaling:VerticalPodAutoscaler",
         _since((_ALWAYS, "autoscaling.k8s.io/v1")),
         crd="verticalpodautoscalers.autoscaling.k8s.io"),
    Kind("IstioOperator", "kancat.values.istio.operator:IstioOperator", _since((_ALWAYS, "install.istio.io/v1alpha1")),
         crd="istiooperators.install.istio.io"),
    # Known kinds kancat carries whole (their fields are still checked).
    Kind("ServiceAccount", None, _since((_ALWAYS, "v1"))),
    Kind("PersistentVolumeClaim", None, _since((_ALWAYS, "v1"))),
    Kind("PersistentVolume", None, _since((_ALWAYS, "v1")), namespaced=False),
    Kind("LimitRange", None, _since((_ALWAYS, "v1"))),
    Kind("ResourceQuota", None, _since((_ALWAYS, "v1"))),
    Kind("Ingress", None, _since((_ALWAYS, "networking.k8s.io/v1"))),
    Kind("IngressClass", None, _since((_ALWAYS, "networking.k8s.io/v1")), namespaced=False),
    Kind("StorageClass", None, _since((_ALWAYS, "storage.k8s.io/v1")), namespaced=False),
    Kind("PriorityClass", None, _since((_ALWAYS, "scheduling.k8s.io/v1")), namespaced=False),
    Kind("Role", None, _since((_ALWAYS, "rbac.authorization.k8s.io/v1"))),
    Kind("RoleBinding", None, _since((_ALWAYS, "rbac.authorization.k8s.io/v1"))),
    Kind("ClusterRole", None, _since((_ALWAYS, "rbac.authorization.k8s.io/v1")),
         namespaced=False),
    Kind("ClusterRoleBinding", None, _since((_ALWAYS, "rbac.authorization.k8s.io/v1")),
         namespaced=False),
)

_BY_CLASS: Final[dict[type, Kind]] = {
    k.model: k for k in KINDS if k.model is not None and not isinstance(k.model, str)}
_NOT_IMPORTED: Final[list[Kind]] = [k for k in KINDS if isinstance(k.model, str)]


def _row_of(cls: type) -> Kind | None:
    """The row of ``cls``. A class named by a row as ``"module:Class"`` exists only
    once its module is imported: a class not found yet joins the table then."""
    found = _BY_CLASS.get(cls)
    if found is None and _NOT_IMPORTED:
        for row in list(_NOT_IMPORTED):
            assert isinstance(row.model, str)
            if row.model.partition(":")[0] in sys.modules:
                _NOT_IMPORTED.remove(row)
                _BY_CLASS[row.value] = row  # type: ignore[index]  # a class, not None
        found = _BY_CLASS.get(cls)
    return found
_BY_API: Final[dict[tuple[str, str], Kind]] = {
    (api, k.name): k for k in KINDS for api in k.api_versions}
_BY_NAME: Final[dict[str, Kind]] = {k.name: k for k in KINDS}

BUILT_IN_GROUP_VERSIONS: Final[frozenset[str]] = frozenset(
    api for k in KINDS if k.built_in for api in k.api_versions)
"""The group/versions of the built-in kinds: a kind kancat does not know under one of
these is a misspelling, not a custom resource."""


def kind_of(cls: type) -> Kind:
    """The row of a modelled value class."""
    found = _row_of(cls)
    if found is None:
        raise InvalidArgument(f"{cls.__name__} is not a kind of the kinds table; give a "
                              "Deployment, Service, ... (see kancat.values.kinds.KINDS)")
    return found


def kind_named(api_version: str, kind: str) -> Kind | None:
    """The row of ``kind`` served as ``api_version`` (any version it was served as)."""
    return _BY_API.get((api_version, kind))


def kind_called(kind: str) -> Kind | None:
    """The row of the kind named ``kind``, whatever its group/version."""
    return _BY_NAME.get(kind)


def kinds_in(api_version: str) -> tuple[str, ...]:
    """The kinds the table knows under ``api_version``."""
    return tuple(k.name for k in KINDS if api_version in k.api_versions)


def parse_version(text: str | KubernetesVersion) -> KubernetesVersion:
    """``"1.32"`` → ``(1, 32)``; kancat emits for Kubernetes 1.20 to 1.37.

    >>> parse_version("v1.29.3")
    (1, 29)
    """
    if isinstance(text, tuple):
        version = text
    else:
        parts = str(text).removeprefix("v").split(".")
        try:
            version = (int(parts[0]), int(parts[1]))
        except (ValueError, IndexError):
            raise InvalidArgument(f"kubernetes_version {text!r} is not MAJOR.MINOR; "
                                  "write e.g. '1.32'") from None
    if not OLDEST_VERSION <= version <= NEWEST_VERSION:
        raise InvalidArgument(f"kubernetes_version {text!r} is outside 1.20–1.37, the "
                              "versions kancat knows how to emit for")
    return version


_O = TypeVar("_O")


def pod_of(value: Any) -> PodTemplate | None:
    """The pod template of a top-level value, found by its kind's ``pods`` path
    (``None`` for a kind without pods, and for objects kancat carries whole)."""
    row = _row_of(type(value))
    if row is None or row.pods is None:
        return None
    for attribute in row.pods:
        value = getattr(value, attribute)
    pod: PodTemplate = value
    return pod


def pod_path(value: Any) -> str:
    """The field path of an object's pod template (``spec.template`` for a workload).

    >>> from kancat.values import Container
    >>> pod_path(Deployment.of("web", containers=[Container.of("app", image="web:1")]))
    'spec.template'
    """
    from kancat.core.fields import path_of

    parts = []
    for attribute in kind_of(type(value)).pods or ():
        parts.append(path_of(getattr(attrs.fields(type(value)), attribute)))
        value = getattr(value, attribute)
    return ".".join(parts)


def with_pod(value: _O, pod: PodTemplate) -> _O:
    """``value`` with its pod template replaced (itself when ``pod`` is the one it has).

    Raises :class:`~kancat.errors.InvalidValue` when the value's own rules refuse the
    new pod (a selector that no longer matches its labels)."""
    row = kind_of(type(value))
    if row.pods is None:
        raise InvalidArgument(f"a {row.name} has no pods")
    replaced: _O = _replaced(value, row.pods, pod)
    return replaced


def _replaced(value: Any, path: tuple[str, ...], new: Any) -> Any:
    if not path:  # the value is its own pod template (a Pod): it takes the new one's fields
        if type(new) is type(value):
            return new
        changes = {field.name: getattr(new, field.name) for field in attrs.fields(type(new))}
        if all(getattr(value, name) is item for name, item in changes.items()):
            return value
        return attrs.evolve(value, **changes)
    head, *rest = path
    current = getattr(value, head)
    updated = _replaced(current, tuple(rest), new) if rest else new
    return value if updated is current else attrs.evolve(value, **{head: updated})

