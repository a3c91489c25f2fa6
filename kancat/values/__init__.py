"""kancat's immutable domain values (attrs, frozen, slotted, hashable).

Every constructor validates: an invalid value cannot exist. ``X.of(...)`` takes
friendly inputs and raises :class:`~kancat.errors.InvalidValue` listing every
problem by Kubernetes field path; ``X.create(...)`` returns the same outcome as a
``returns`` ``Result``. Each field declares its wire form beside it
(:mod:`kancat.core.fields`); the kinds are listed once, in :mod:`kancat.values.kinds`.
"""

from typing import TypeAlias

from kancat.core.frozen import FrozenMap, freeze, thaw
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
    Protocol,
    PullPolicy,
    Resources,
    SeccompProfile,
    SecretKeyRef,
    SecurityContext,
    TCPSocketAction,
    VolumeMount,
)
from kancat.values.image import ImageRef
from kancat.values.kinds import KINDS, Kind, kind_of
from kancat.values.meta import KubeObjectBase, LabelSelector, LabelSelectorRequirement, ObjectMeta
from kancat.values.objects import (
    ConfigMap,
    IPBlock,
    Namespace,
    NetworkPolicy,
    NetworkPolicyEgressRule,
    NetworkPolicyIngressRule,
    NetworkPolicyPeer,
    NetworkPolicyPort,
    OpaqueObject,
    PodDisruptionBudget,
    Secret,
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
"""The modelled kinds that run pods from a ``template`` (typing; the kinds table's
``pods`` column is where kancat looks them up)."""

KubeObject: TypeAlias = KubeObjectBase | OpaqueObject
"""Every top-level object kancat emits or loads."""

__all__ = [
    "KINDS",
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
    "Kind",
    "KubeObject",
    "KubeObjectBase",
    "LabelSelector",
    "LabelSelectorRequirement",
    "Namespace",
    "NetworkPolicy",
    "NetworkPolicyEgressRule",
    "NetworkPolicyIngressRule",
    "NetworkPolicyPeer",
    "NetworkPolicyPort",
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
    "Protocol",
    "PullPolicy",
    "Quantity",
    "Resources",
    "SeccompProfile",
    "Secret",
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
    "kind_of",
    "thaw",
]
