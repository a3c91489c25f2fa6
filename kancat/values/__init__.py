"""kancat's immutable domain values (attrs, frozen, slotted, hashable).

Every constructor validates: an invalid value cannot exist. ``X.of(...)`` takes
friendly inputs and raises :class:`~kancat.errors.InvalidValue` listing every
problem by Kubernetes field path; ``X.create(...)`` returns the same outcome as a
``returns`` ``Result``.
"""

from typing import TypeAlias

from kancat.values._frozen import FrozenMap, freeze, thaw
from kancat.values.container import (
    Capabilities,
    ConfigMapKeyRef,
    Container,
    ContainerPort,
    EnvSource,
    EnvVar,
    ExecAction,
    FieldRef,
    GRPCAction,
    HTTPGetAction,
    OtherEnvSource,
    Probe,
    ProbeHandler,
    Resources,
    SeccompProfile,
    SecretKeyRef,
    SecurityContext,
    TCPSocketAction,
    VolumeMount,
)
from kancat.values.image import ImageRef
from kancat.values.meta import LabelSelector, LabelSelectorRequirement, ObjectMeta
from kancat.values.objects import (
    ConfigMap,
    IPBlock,
    Namespace,
    NetworkPolicy,
    NetworkPolicyPeer,
    NetworkPolicyPort,
    NetworkPolicyRule,
    OpaqueObject,
    PodDisruptionBudget,
)
from kancat.values.pod import PodSecurityContext, PodTemplate, Toleration, TopologySpreadConstraint
from kancat.values.quantity import Quantity
from kancat.values.service import Service, ServicePort
from kancat.values.volume import (
    ConfigMapProjection,
    ConfigMapVolume,
    DownwardAPIFile,
    DownwardAPIProjection,
    DownwardAPIVolume,
    EmptyDir,
    KeyToPath,
    OtherProjection,
    OtherVolumeSource,
    PersistentVolumeClaimVolume,
    ProjectedVolume,
    SecretProjection,
    SecretVolume,
    ServiceAccountTokenProjection,
    Volume,
    VolumeProjection,
    VolumeSource,
)
from kancat.values.workloads import Deployment, PersistentVolumeClaimTemplate, StatefulSet

Workload: TypeAlias = Deployment | StatefulSet
"""The kinds that run pods."""

KubeObject: TypeAlias = (Deployment | StatefulSet | Service | ConfigMap | Namespace
                         | PodDisruptionBudget | NetworkPolicy | OpaqueObject)
"""Every top-level object kancat emits or loads."""

MODELLED_KINDS: tuple[type, ...] = (Deployment, StatefulSet, Service, ConfigMap, Namespace,
                                    PodDisruptionBudget, NetworkPolicy)

__all__ = [
    "MODELLED_KINDS",
    "Capabilities",
    "ConfigMap",
    "ConfigMapKeyRef",
    "ConfigMapProjection",
    "ConfigMapVolume",
    "Container",
    "ContainerPort",
    "Deployment",
    "DownwardAPIFile",
    "DownwardAPIProjection",
    "DownwardAPIVolume",
    "EmptyDir",
    "EnvSource",
    "EnvVar",
    "ExecAction",
    "FieldRef",
    "FrozenMap",
    "GRPCAction",
    "HTTPGetAction",
    "IPBlock",
    "ImageRef",
    "KeyToPath",
    "KubeObject",
    "LabelSelector",
    "LabelSelectorRequirement",
    "Namespace",
    "NetworkPolicy",
    "NetworkPolicyPeer",
    "NetworkPolicyPort",
    "NetworkPolicyRule",
    "ObjectMeta",
    "OpaqueObject",
    "OtherEnvSource",
    "OtherProjection",
    "OtherVolumeSource",
    "PersistentVolumeClaimTemplate",
    "PersistentVolumeClaimVolume",
    "PodDisruptionBudget",
    "PodSecurityContext",
    "PodTemplate",
    "Probe",
    "ProbeHandler",
    "ProjectedVolume",
    "Quantity",
    "Resources",
    "SeccompProfile",
    "SecretKeyRef",
    "SecretProjection",
    "SecretVolume",
    "SecurityContext",
    "Service",
    "ServiceAccountTokenProjection",
    "ServicePort",
    "StatefulSet",
    "TCPSocketAction",
    "Toleration",
    "TopologySpreadConstraint",
    "Volume",
    "VolumeMount",
    "VolumeProjection",
    "VolumeSource",
    "Workload",
    "freeze",
    "thaw",
]
