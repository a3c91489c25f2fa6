"""Hypothesis strategies for kancat values, for property tests in your own suite.

Every strategy draws values that satisfy *all* of kancat's rules (so building them
never raises) and whose manifests pass the strict Kubernetes 1.32 schemas: names
are DNS labels, selectors match their pod labels, mounts name declared volumes,
probes name declared ports, requests never exceed limits, Secrets hold the keys
their type requires. Optional fields and the carried (unmodelled) fields of the
``extra`` maps are drawn too, always with fields Kubernetes knows (``strategy``,
``dnsPolicy``, ``lifecycle``, the ``creationTimestamp: null`` and ``status: {}`` that
``kubectl create --dry-run -o yaml`` writes, ...), so the round trip of carried data is
exercised. Fixed choices (protocols, pull policies, Service types, ...) come from the
``Literal`` aliases of the value classes.

Generated objects are kept small (a few containers, ports, volumes) so that
hundreds of examples run in seconds.

>>> from hypothesis import given, settings
>>> from kancat import to_manifests
>>> @settings(max_examples=5)
... @given(deployments())
... def test_selector_matches_pods(web):
...     assert web.selector.matches(web.template.labels)
...     assert to_manifests(web)[0]["kind"] == "Deployment"
>>> test_selector_matches_pods()

Options are keyword-only; a wrong option raises
:class:`~kancat.errors.InvalidArgument` naming it:

>>> quantities(kind="gpu")
Traceback (most recent call last):
...
kancat.errors.InvalidArgument: quantities(kind='gpu'): kind must be one of 'cpu', 'memory', 'storage'; pass e.g. kind='cpu'

The strategies live in one module per part of the value layer — :mod:`.names`,
:mod:`.scalars` (images, quantities), :mod:`.containers`, :mod:`.volumes`,
:mod:`.pods`, :mod:`.scheduling`, :mod:`.workloads`, :mod:`.objects`, :mod:`.istio`, :mod:`.autoscaling`, :mod:`.runtime_security`
and :mod:`.algebra` — and are all
importable from here. The strategy drawing each value class is registered with it,
and that one registry gives ``st.from_type(Deployment)`` (through kancat's Hypothesis
plugin) and :func:`kube_objects` (every kind of :data:`kancat.values.kinds.KINDS`).

``import kancat`` never imports Hypothesis; this package does, and needs it
installed (``pip install 'kancat[testing]'``).
"""

import kancat.testing._hypothesis  # noqa: F401  (first: names the extra if missing)

# isort: split
from kancat.testing.strategies.algebra import (
    mesh_services,
    meshes,
    mount_preserving_slot_maps,
    policies,
    resource_totals,
    sidecar_specs,
    slot_maps,
)
from kancat.testing.strategies.autoscaling import (
    horizontal_pod_autoscalers,
    vertical_pod_autoscalers,
)
from kancat.testing.strategies.containers import (
    container_ports,
    containers,
    env_vars,
    probes,
    resources,
    security_contexts,
    volume_mounts,
)
from kancat.testing.strategies.istio import (
    authorization_policies,
    destination_rules,
    gateways,
    istio_hosts,
    istio_operators,
    peer_authentications,
    service_entries,
    sidecars,
    virtual_services,
)
from kancat.testing.strategies.names import (
    annotation_maps,
    dns_labels,
    dns_subdomains,
    label_maps,
    port_names,
)
from kancat.testing.strategies.objects import (
    configmaps,
    kube_objects,
    namespaces,
    network_policies,
    opaque_objects,
    pod_disruption_budgets,
    secrets,
    services,
)
from kancat.testing.strategies.pods import label_selectors, pod_security_contexts, pod_templates
from kancat.testing.strategies.runtime_security import falco_rules_files, pod_security_policies
from kancat.testing.strategies.scalars import image_refs, quantities
from kancat.testing.strategies.scheduling import affinities, scheduling_transformations
from kancat.testing.strategies.security import hardenable_pod_templates, hardenable_workloads
from kancat.testing.strategies.volumes import volumes
from kancat.testing.strategies.workloads import (
    cronjobs,
    daemonsets,
    deployments,
    jobs,
    persistent_volume_claim_templates,
    pods,
    replicasets,
    statefulsets,
)

__all__ = [
    "affinities",
    "annotation_maps",
    "authorization_policies",
    "configmaps",
    "container_ports",
    "containers",
    "cronjobs",
    "daemonsets",
    "deployments",
    "destination_rules",
    "dns_labels",
    "dns_subdomains",
    "env_vars",
    "falco_rules_files",
    "gateways",
    "hardenable_pod_templates",
    "hardenable_workloads",
    "horizontal_pod_autoscalers",
    "image_refs",
    "istio_hosts",
    "istio_operators",
    "jobs",
    "kube_objects",
    "label_maps",
    "label_selectors",
    "mesh_services",
    "meshes",
    "mount_preserving_slot_maps",
    "namespaces",
    "network_policies",
    "opaque_objects",
    "peer_authentications",
    "persistent_volume_claim_templates",
    "pod_disruption_budgets",
    "pod_security_contexts",
    "pod_security_policies",
    "pod_templates",
    "pods",
    "policies",
    "port_names",
    "probes",
    "quantities",
    "replicasets",
    "resource_totals",
    "resources",
    "scheduling_transformations",
    "secrets",
    "security_contexts",
    "service_entries",
    "services",
    "sidecar_specs",
    "sidecars",
    "slot_maps",
    "statefulsets",
    "vertical_pod_autoscalers",
    "virtual_services",
    "volume_mounts",
    "volumes",
]
