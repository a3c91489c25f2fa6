"""kancat: container orchestration as lawful, typed values.

``import kancat`` is light: values and errors only (attrs and returns). YAML,
the Kubernetes client and Hypothesis load only when an interpreter or the
testing helpers are used.

>>> from kancat import Container, Deployment, Service, to_yaml
>>> web = Deployment.of("web", replicas=2, containers=[
...     Container.of("app", image="registry.example.com/shop/web:1.4.2", ports={"http": 8080})])
>>> print(to_yaml([web, Service.expose(web, port=80)]).splitlines()[0])
apiVersion: apps/v1
"""

from typing import TYPE_CHECKING, Any

from kancat.errors import InvalidArgument, InvalidValue, Problem
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

if TYPE_CHECKING:
    from kancat.interpret.emit import to_json, to_manifests, to_yaml
    from kancat.interpret.load import load_yaml

__version__ = "0.1.0"

_LAZY = {
    "to_yaml": "kancat.interpret.emit",
    "to_json": "kancat.interpret.emit",
    "to_manifests": "kancat.interpret.emit",
    "load_yaml": "kancat.interpret.load",
}


def __getattr__(name: str) -> Any:
    """Interpreters load on first use, so ``import kancat`` does not import PyYAML."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'kancat' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)


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
