"""Emit and load are inverse, deterministic, and emit only what Kubernetes accepts.

For every kind kancat models (and the kinds it carries as opaque objects):

* ``load_manifest(to_manifest(v)) == Success(v)``, and the manifest passes the
  strict Kubernetes 1.32 schema;
* ``load_yaml(to_yaml(vs)) == Success(tuple(vs))`` for lists of objects, and the
  same for JSON (several objects are a ``v1`` ``List``, which the loader expands),
  also as other JSON encoders write it;
* equal values emit byte-identical YAML and JSON, however they were built.

Examples per property come from the profile in ``conftest.py``.
"""

import json
import random
from typing import Any

import attrs
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy
from returns.result import Success

from kancat.codec.encode import to_manifest
from kancat.core.frozen import FrozenMap, freeze
from kancat.interpret.emit import to_json, to_manifests, to_yaml
from kancat.interpret.load import load_manifest, load_yaml
from kancat.testing import strategies as ks
from kancat.values import ConfigMap, KubeObject, Namespace
from tests.validators import validate_manifest

KINDS: dict[str, SearchStrategy[Any]] = {
    "Deployment": ks.deployments(),
    "StatefulSet": ks.statefulsets(),
    "Service": ks.services(),
    "ConfigMap": ks.configmaps(),
    "Namespace": ks.namespaces(),
    "PodDisruptionBudget": ks.pod_disruption_budgets(),
    "NetworkPolicy": ks.network_policies(),
    "Secret": ks.secrets(),
    "opaque (ServiceAccount, Role, PersistentVolumeClaim)": ks.opaque_objects(),
}

OBJECT_LISTS = st.lists(ks.kube_objects(), max_size=4)


@pytest.mark.parametrize("kind", list(KINDS))
@given(data=st.data())
def test_manifest_loads_back_and_passes_the_strict_schema(kind: str, data: st.DataObject
                                                          ) -> None:
    value = data.draw(KINDS[kind], label=kind)
    manifest = to_manifest(value)
    validate_manifest(manifest)
    assert load_manifest(manifest) == Success(value)


@given(OBJECT_LISTS)
def test_yaml_loads_back(values: list[KubeObject]) -> None:
    assert load_yaml(to_yaml(values)) == Success(tuple(values))


# Found by this test: to_json writes characters JSON allows raw but YAML does not
# (U+007F, C1 controls, U+FFFE), so load_yaml cannot read them back.
@example([ConfigMap.of("flags", {"key": "\x7f"})])
@example([ConfigMap.of("flags", {"key": "\x85\x9f"}), Namespace.of("a")])
@given(OBJECT_LISTS)
def test_json_loads_back(values: list[KubeObject]) -> None:
    text = to_json(values)
    if len(values) != 1:
        assert json.loads(text)["kind"] == "List"
    assert load_yaml(text) == Success(tuple(values))


# Found by this test: json.dumps escapes U+10000 as the surrogate pair \ud800\udc00,
# which the YAML 1.1 reader rejects.
@example(Namespace.of("a", annotations={"note": "\U00010000"}), True)
@given(ks.kube_objects(), st.booleans())
def test_json_from_any_encoder_loads_back(value: KubeObject, ascii_only: bool) -> None:
    """JSON is YAML: what ``json.dumps`` writes (non-ASCII escaped, as ``\\ud83d\\ude00``
    surrogate pairs, or written out) loads like the manifest itself."""
    text = json.dumps(to_manifest(value), ensure_ascii=ascii_only)
    assert load_yaml(text) == Success((value,))


def _rebuild(value: Any, rnd: random.Random, *, in_tuple: bool = False) -> Any:
    """An equal value built again from its parts, every mapping's keys in a new order.

    Mappings are handed to the constructors as plain dicts (so their converters run
    again), except inside tuples, where kancat expects frozen data.
    """
    if isinstance(value, FrozenMap):
        items = [(key, _rebuild(item, rnd)) for key, item in value.items()]
        rnd.shuffle(items)
        return freeze(dict(items)) if in_tuple else dict(items)
    if isinstance(value, tuple):
        return tuple(_rebuild(item, rnd, in_tuple=True) for item in value)
    if attrs.has(type(value)):
        fields = attrs.fields(type(value))
        return type(value)(**{field.alias: _rebuild(getattr(value, field.name), rnd)
                              for field in fields if field.init})
    return value


@given(ks.kube_objects(), st.randoms(use_true_random=False))
def test_equal_values_emit_identical_bytes(value: KubeObject, rnd: random.Random) -> None:
    again = _rebuild(value, rnd)
    assert again is not value
    assert again == value
    assert hash(again) == hash(value)
    assert to_yaml(again) == to_yaml(value)
    assert to_json(again) == to_json(value)
    assert to_manifests([again, value]) == [to_manifest(value)] * 2
