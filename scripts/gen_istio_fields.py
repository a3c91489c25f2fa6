"""Generate ``kancat/_schemas/istio-fields.json``: the field names of the custom
resources of kancat's kinds table (Istio's, and the VerticalPodAutoscaler).

The sibling of ``scripts/gen_k8s_fields.py``, in the same format (read it there), for
the custom resources of kancat's kinds table (rows with a ``crd``). The sources are
the CRD files in ``../shared/crds/`` beside the project root: the Istio CRD file
``crd-all.gen.yaml`` (``istio-crds.yaml``) and the Vertical Pod Autoscaler's
(``vpa-v1-crd.yaml``); their origins are noted in ``../shared/schemas/index.json``.
The CRD files themselves are not copied into the project: only the names are kept.

A CRD's schema is written inline (no ``$ref``), so definitions are named here, by
the path that first reaches them: ``istio.networking.v1.VirtualService`` for the kind,
``istio.networking.v1.VirtualService/spec/http[]/route[]`` for the objects in it
(``[]`` an item of a list, ``{}`` a value of a map); a kind of another group than
Istio's is named as Kubernetes names its own, by its group reversed:
``io.k8s.autoscaling.v1.VerticalPodAutoscaler``. Two objects of one group family (all
of Istio; each other group on its own) with the same fields (a ``TrafficPolicy``
under ``spec.trafficPolicy`` and ``spec.subsets[].trafficPolicy``) are one definition,
named by the shorter path, so that one value class stands for both. ``metadata`` is
Kubernetes' ``ObjectMeta`` (described in the Kubernetes table).

``served`` lists every group/version of every CRD in the files with its kinds (so a
misspelt Istio kind is told from an unmodelled one, such as ``EnvoyFilter``).

``IstioOperator`` has no schema in any CRD (its CRD keeps unknown fields): its fields
are listed below, by hand, from its API (``istio.operator.v1alpha1``, Istio 1.23, the
last release that shipped the operator); the Kubernetes parts it embeds point to the
Kubernetes definitions, and ``meshConfig`` and ``values`` are free-form.

Run from the project root::

    .venv/bin/python scripts/gen_istio_fields.py

Importing this module has no side effect; :func:`build` returns the document and
:func:`render` its text (the same as the Kubernetes table's), so a test can check the
committed file is up to date.
"""

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

__all__ = ["CRD_DIRECTORY", "CRD_FILE", "OUTPUT", "build", "described", "main", "render"]

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "kancat" / "_schemas" / "istio-fields.json"
CRD_DIRECTORY = ROOT.parent / "shared" / "crds"
CRD_FILE = CRD_DIRECTORY / "istio-crds.yaml"
"""The Istio CRDs; every ``*.yaml`` of :data:`CRD_DIRECTORY` is read."""

_OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"

_OPERATOR = "istio.operator.v1alpha1"
_K8S = "io.k8s.api"
_ISTIO_OPERATOR: dict[str, dict[str, Any]] = {
    f"{_OPERATOR}.IstioOperator": {
        "apiVersion": 0, "kind": 0, "metadata": _OBJECT_META,
        "spec": f"{_OPERATOR}.IstioOperatorSpec", "status": 0},
    f"{_OPERATOR}.IstioOperatorSpec": {
        "compatibilityVersion": 0, "components": f"{_OPERATOR}.IstioComponentSpec",
        "hub": 0, "installPackagePath": 0, "meshConfig": 0, "namespace": 0, "profile": 0,
        "resourceSuffix": 0, "revision": 0, "tag": 0, "unvalidatedValues": 0, "values": 0},
    f"{_OPERATOR}.IstioComponentSpec": {
        "base": f"{_OPERATOR}.ComponentSpec", "cni": f"{_OPERATOR}.ComponentSpec",
        "egressGateways": [f"{_OPERATOR}.GatewaySpec"],
        "ingressGateways": [f"{_OPERATOR}.GatewaySpec"],
        "istiodRemote": f"{_OPERATOR}.ComponentSpec", "pilot": f"{_OPERATOR}.ComponentSpec",
        "ztunnel": f"{_OPERATOR}.ComponentSpec"},
    f"{_OPERATOR}.ComponentSpec": {
        "enabled": 0, "hub": 0, "k8s": f"{_OPERATOR}.KubernetesResourcesSpec",
        "namespace": 0, "spec": 0, "tag": 0},
    f"{_OPERATOR}.GatewaySpec": {
        "enabled": 0, "hub": 0, "k8s": f"{_OPERATOR}.KubernetesResourcesSpec", "label": 0,
        "name": 0, "namespace": 0, "tag": 0},
    f"{_OPERATOR}.KubernetesResourcesSpec": {
        "affinity": f"{_K8S}.core.v1.Affinity", "env": [f"{_K8S}.core.v1.EnvVar"],
        "hpaSpec": f"{_K8S}.autoscaling.v2.HorizontalPodAutoscalerSpec",
        "imagePullPolicy": 0, "nodeSelector": 0,
        "overlays": [f"{_OPERATOR}.K8sObjectOverlay"], "podAnnotations": 0,
        "podDisruptionBudget": f"{_K8S}.policy.v1.PodDisruptionBudgetSpec",
        "priorityClassName": 0, "readinessProbe": f"{_K8S}.core.v1.Probe",
        "replicaCount": 0, "resources": f"{_K8S}.core.v1.ResourceRequirements",
        "securityContext": f"{_K8S}.core.v1.PodSecurityContext",
        "service": f"{_K8S}.core.v1.ServiceSpec", "serviceAnnotations": 0,
        "strategy": f"{_K8S}.apps.v1.DeploymentStrategy",
        "tolerations": [f"{_K8S}.core.v1.Toleration"],
        "volumeMounts": [f"{_K8S}.core.v1.VolumeMount"],
        "volumes": [f"{_K8S}.core.v1.Volume"]},
    f"{_OPERATOR}.K8sObjectOverlay": {
        "apiVersion": 0, "kind": 0, "name": 0,
        "patches": [f"{_OPERATOR}.K8sObjectOverlayPatch"]},
    f"{_OPERATOR}.K8sObjectOverlayPatch": {"path": 0, "value": 0},
}
_OPERATOR_CRD = "istiooperators.install.istio.io"


def described() -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """(CRD name, kind, every group/version it is loaded as) of each row of the kinds
    table defined by a CustomResourceDefinition."""
    from kancat.values.kinds import KINDS

    return tuple((row.crd, row.name, row.api_versions) for row in KINDS
                 if row.crd is not None)


def _crds() -> dict[str, Any]:
    import yaml

    if not CRD_FILE.is_file():
        raise FileNotFoundError(f"{CRD_FILE} is missing: the CRDs are read from "
                                "../shared/crds beside the project root")
    found: dict[str, Any] = {}
    for path in sorted(CRD_DIRECTORY.glob("*.yaml")):
        with path.open("rb") as stream:
            documents = yaml.load_all(stream,
                                      Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
            found.update((d["metadata"]["name"], d) for d in documents
                         if d and d.get("kind") == "CustomResourceDefinition")
    return found


def _children(schema: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """``(field, shape mark, object schema)`` for each field holding objects: mark
    ``""`` an object, ``"[]"`` a list of objects, ``"{}"`` a map of objects."""
    for field, prop in sorted(schema.get("properties", {}).items()):
        if "properties" in prop:
            yield field, "", prop
        elif "properties" in (prop.get("items") or {}):
            yield field, "[]", prop["items"]
        elif isinstance(prop.get("additionalProperties"), dict) and \
                "properties" in prop["additionalProperties"]:
            yield field, "{}", prop["additionalProperties"]


def _shape(mark: str, target: str) -> Any:
    return target if mark == "" else [target] if mark == "[]" else {"*": target}


def _describe(top: str, schema: dict[str, Any], family: str,
              names: dict[str, list[str]]) -> str:
    """The signature of the object ``schema`` at path ``top`` (children first): its
    ``family`` and its fields as JSON; each path with that signature recorded in
    ``names``."""
    fields: dict[str, Any] = dict.fromkeys(schema.get("properties", {}), 0)
    for field, mark, child in _children(schema):
        fields[field] = _shape(mark, _describe(f"{top}/{field}{mark}", child, family,
                                               names))
    signature = f"{family} " + json.dumps(dict(sorted(fields.items())), sort_keys=True)
    names.setdefault(signature, []).append(top)
    return signature


def _is_istio(group: str) -> bool:
    return group.endswith(".istio.io")


def _definition_name(group: str, version: str, kind: str) -> str:
    if _is_istio(group):
        return f"istio.{group.split('.')[0]}.{version}.{kind}"
    return ".".join([*reversed(group.split(".")), version, kind])


def _family(group: str) -> str:
    """Definitions are shared by signature within a family only: a VPA object is never
    named by an Istio path that happens to have the same fields."""
    return "istio" if _is_istio(group) else group


def build() -> dict[str, Any]:
    """The document written to :data:`OUTPUT` (plain JSON data, deterministic)."""
    crds = _crds()
    names: dict[str, list[str]] = {}
    tops: dict[str, str] = {}  # "apiVersion kind" -> signature of the kind
    for crd_name, kind, api_versions in described():
        if crd_name == _OPERATOR_CRD:
            continue
        crd = crds[crd_name]
        group = crd["spec"]["group"]
        for version in crd["spec"]["versions"]:
            api_version = f"{group}/{version['name']}"
            if api_version not in api_versions:
                continue
            schema = dict(version["schema"]["openAPIV3Schema"])
            properties = {"apiVersion": {"type": "string"}, "kind": {"type": "string"},
                          "metadata": {"type": "object"}, **schema["properties"]}
            tops[f"{api_version} {kind}"] = _describe(
                _definition_name(group, version["name"], kind),
                {**schema, "properties": properties}, _family(group), names)
    # One name per signature: the shortest path (then the first in order) reaching it.
    chosen = {signature: min(paths, key=lambda p: (p.count("/"), len(p), p))
              for signature, paths in names.items()}
    defs: dict[str, dict[str, Any]] = {}
    for signature, name in chosen.items():
        fields = json.loads(signature.split(" ", 1)[1])
        defs[name] = {field: _named(shape, chosen) for field, shape in fields.items()}
    kinds = {key: chosen[signature] for key, signature in tops.items()}
    for name, fields in defs.items():
        if name in kinds.values() and "metadata" in fields:
            fields["metadata"] = _OBJECT_META
    for crd_name, kind, api_versions in described():
        if crd_name == _OPERATOR_CRD:
            defs.update(_ISTIO_OPERATOR)
            for api_version in api_versions:
                kinds[f"{api_version} {kind}"] = f"{_OPERATOR}.{kind}"
    served: dict[str, set[str]] = {}
    for crd in crds.values():
        for version in crd["spec"]["versions"]:
            if version.get("served", True):
                served.setdefault(f"{crd['spec']['group']}/{version['name']}", set()).add(
                    crd["spec"]["names"]["kind"])
    if any(row[0] == _OPERATOR_CRD for row in described()):
        served.setdefault("install.istio.io/v1alpha1", set()).add("IstioOperator")
    return {
        "source": (
            "derived by scripts/gen_istio_fields.py from the Istio CRDs (istio/istio "
            "manifests/charts/base/files/crd-all.gen.yaml, Apache-2.0), the "
            "VerticalPodAutoscaler CRD (kubernetes/autoscaler, Apache-2.0) and, for "
            "IstioOperator, its API (istio.operator.v1alpha1, Istio 1.23)"
        ),
        "format": (
            "as k8s-fields-1.32.json: defs: definition -> {field: 0 leaf | 'def' object |"
            " ['def'] list of objects | {'*': 'def'} map of objects}; kinds: 'apiVersion"
            " kind' -> definition; served: apiVersion -> the kinds it serves"
        ),
        "kinds": dict(sorted(kinds.items())),
        "served": {api: sorted(found) for api, found in sorted(served.items())},
        "defs": dict(sorted(defs.items())),
    }


def _named(shape: Any, chosen: dict[str, str]) -> Any:
    """A field shape with signatures replaced by definition names."""
    if isinstance(shape, str):
        return chosen[shape]
    if isinstance(shape, list):
        return [chosen[shape[0]]]
    if isinstance(shape, dict):
        return {"*": chosen[shape["*"]]}
    return shape


def _kubernetes_script() -> ModuleType:
    """``scripts/gen_k8s_fields.py``, whose layout and writing this table shares (the
    scripts folder is no package, so it is loaded by its file)."""
    from importlib.util import module_from_spec, spec_from_file_location

    spec = spec_from_file_location("gen_k8s_fields", Path(__file__).with_name(
        "gen_k8s_fields.py"))
    assert spec is not None and spec.loader is not None
    module = module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def render(document: dict[str, Any]) -> str:
    """The file text, laid out as the Kubernetes table's."""
    text: str = _kubernetes_script().render(document)
    return text


def main() -> int:
    status: int = _kubernetes_script().write(OUTPUT, render(build()))
    return status


if __name__ == "__main__":
    sys.exit(main())
