"""kancat: container orchestration as lawful, typed values.

``import kancat`` is light: names load on first use (PEP 562), so a program that
imports kancat pays only for what it touches, and PyYAML, the Kubernetes client
and Hypothesis load only when an interpreter or the testing helpers are used.

>>> from kancat import Container, Deployment, Service, to_yaml
>>> web = Deployment.of("web", replicas=2, containers=[
...     Container.of("app", image="registry.example.com/shop/web:1.4.2", ports={"http": 8080})])
>>> print(to_yaml([web, Service.expose(web, port=80)]).splitlines()[0])
apiVersion: apps/v1
"""

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kancat.errors import InvalidArgument, InvalidValue, Problem
    from kancat.interpret.emit import to_json, to_manifests, to_yaml
    from kancat.interpret.load import load_yaml
    from kancat.values import (
        ConfigMap,
        Container,
        Deployment,
        EmptyDir,
        EnvVar,
        ImageRef,
        KubeObject,
        LabelSelector,
        Namespace,
        NetworkPolicy,
        ObjectMeta,
        PodDisruptionBudget,
        PodTemplate,
        Probe,
        Quantity,
        Resources,
        Service,
        StatefulSet,
        Volume,
        VolumeMount,
    )

__version__ = "0.1.0"

_HOME = {
    **dict.fromkeys(("InvalidArgument", "InvalidValue", "Problem"), "kancat.errors"),
    **dict.fromkeys(("to_yaml", "to_json", "to_manifests"), "kancat.interpret.emit"),
    "load_yaml": "kancat.interpret.load",
    **dict.fromkeys((
        "ConfigMap", "Container", "Deployment", "EmptyDir", "EnvVar", "ImageRef", "KubeObject",
        "LabelSelector", "Namespace", "NetworkPolicy", "ObjectMeta", "PodDisruptionBudget",
        "PodTemplate", "Probe", "Quantity", "Resources", "Service", "StatefulSet", "Volume",
        "VolumeMount"), "kancat.values"),
}


def __getattr__(name: str) -> Any:
    """Load a public name from the module that defines it, on first use."""
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module 'kancat' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOME])


__all__ = [
    "ConfigMap",
    "Container",
    "Deployment",
    "EmptyDir",
    "EnvVar",
    "ImageRef",
    "InvalidArgument",
    "InvalidValue",
    "KubeObject",
    "LabelSelector",
    "Namespace",
    "NetworkPolicy",
    "ObjectMeta",
    "PodDisruptionBudget",
    "PodTemplate",
    "Probe",
    "Problem",
    "Quantity",
    "Resources",
    "Service",
    "StatefulSet",
    "Volume",
    "VolumeMount",
    "__version__",
    "load_yaml",
    "to_json",
    "to_manifests",
    "to_yaml",
]
