"""Hypothesis plugin: ``st.from_type(Container)`` and friends draw valid kancat values.

Hypothesis calls :func:`_register` when it is imported, through the entry point
declared in ``pyproject.toml``::

    [project.entry-points.hypothesis]
    _ = "kancat.testing._entrypoint:_register"

Registration is lazy: each type maps to ``st.deferred(...)``, so
:mod:`kancat.testing.strategies` is imported only when a value is first drawn, and
importing Hypothesis stays cheap.

>>> import hypothesis.strategies as st
>>> from kancat.values import Container
>>> from hypothesis import given, settings
>>> @settings(max_examples=5)
... @given(st.from_type(Container))
... def test(container):
...     assert isinstance(container, Container)
>>> test()
"""

import importlib
from typing import Any

__all__: list[str] = []

# kancat type name -> the strategy function of kancat.testing.strategies drawing it.
_STRATEGIES = {
    "ConfigMap": "configmaps",
    "Container": "containers",
    "ContainerPort": "container_ports",
    "Deployment": "deployments",
    "EnvVar": "env_vars",
    "ImageRef": "image_refs",
    "LabelSelector": "label_selectors",
    "Namespace": "namespaces",
    "NetworkPolicy": "network_policies",
    "OpaqueObject": "opaque_objects",
    "PersistentVolumeClaimTemplate": "persistent_volume_claim_templates",
    "PodDisruptionBudget": "pod_disruption_budgets",
    "PodSecurityContext": "pod_security_contexts",
    "PodTemplate": "pod_templates",
    "Probe": "probes",
    "Quantity": "quantities",
    "Resources": "resources",
    "SecurityContext": "security_contexts",
    "Service": "services",
    "StatefulSet": "statefulsets",
    "Volume": "volumes",
    "VolumeMount": "volume_mounts",
}


def _lazy(function: str) -> Any:
    """A strategy that imports :mod:`kancat.testing.strategies` only when first used."""
    import hypothesis.strategies as st

    def build() -> Any:
        strategies = importlib.import_module("kancat.testing.strategies")
        return getattr(strategies, function)()

    return st.deferred(build)


# Types of the algebra and the patterns, by module.
_MORE_STRATEGIES = {
    ("kancat.algebra.functor", "SlotMap"): "slot_maps",
    ("kancat.algebra.lattice", "MeshPolicy"): "policies",
    ("kancat.algebra.lattice", "ResourceTotals"): "resource_totals",
    ("kancat.algebra.monoidal", "Mesh"): "meshes",
    ("kancat.algebra.monoidal", "MeshService"): "mesh_services",
    ("kancat.patterns.sidecars", "SidecarSpec"): "sidecar_specs",
}


def _register() -> None:
    """Register a strategy for each main kancat value type (called by Hypothesis)."""
    import hypothesis.strategies as st

    from kancat import values

    for type_name, function in _STRATEGIES.items():
        st.register_type_strategy(getattr(values, type_name), _lazy(function))
    for (module, type_name), function in _MORE_STRATEGIES.items():
        st.register_type_strategy(getattr(importlib.import_module(module), type_name),
                                  _lazy(function))
