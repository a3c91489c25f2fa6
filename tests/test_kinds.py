"""The kinds table, walked: every kind kancat models keeps every promise the table makes.

For each row of :data:`kancat.values.kinds.KINDS` with a value class:

* it has a Hypothesis strategy (the registry of :mod:`kancat.testing.strategies`);
* its values round-trip (manifest, then load) and are valid for the strict schema of
  every Kubernetes version kancat emits for that ``kubernetes-validate`` has (1.25 on),
  emitted with the group/version the table gives for that version (a custom resource,
  ``crd`` in its row, against its CRD's schema, which is the same for every version);
  a kind Kubernetes removed (``until`` in its row) is refused, naming the object, for
  every version from its removal on, and round-trips for the versions that serve it
  (PodSecurityPolicy, removed in 1.25, is schema-checked against 1.20–1.24 in
  ``tests/test_runtime_security.py``);
* ``fmap`` reaches every container of its manifest when the row has pods, and returns
  the value itself when it has none;
* its declarations agree with Kubernetes 1.32 (for a kind 1.32 still serves): each
  nested value class stands for the definition the parent's field path leads to (``k8s_definition``), and a class that
  carries nothing models every field of its definition, so no known field is lost.

Adding a kind is one class and one row; this file needs no change.
"""

import re
from collections.abc import Iterator
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from returns.result import Success

from kancat.algebra.functor import fmap, set_env
from kancat.codec.encode import to_manifest
from kancat.core import schema
from kancat.core.plan import plan_of
from kancat.errors import InvalidValue
from kancat.interpret.load import load_manifest
from kancat.testing import strategies as ks
from kancat.testing.strategies._draw import registry, strategy_for
from kancat.values.kinds import DEFAULT_VERSION, KINDS, NEWEST_VERSION, Kind
from tests.validators import validate_manifest

MODELLED = [row for row in KINDS if row.value is not None]
DESCRIBED = [row for row in MODELLED if row.served((1, 32))]
"""The kinds the 1.32 field table describes (not those removed before 1.32)."""
SCHEMA_VERSIONS = [(1, minor) for minor in range(25, NEWEST_VERSION[1] + 1)]
OLD_VERSIONS = [(1, minor) for minor in range(20, 25)]
MARK = "KANCAT_REACHED"


def _ids(row: Kind) -> str:
    return row.name


def test_every_modelled_kind_has_a_strategy() -> None:
    assert ks.kube_objects() is not None  # the package imported: the registry is complete
    missing = [row.name for row in MODELLED if row.value not in registry()]
    assert missing == []


def test_the_table_names_each_kind_and_class_once() -> None:
    names = [row.name for row in KINDS]
    classes = [row.value for row in MODELLED]
    assert len(names) == len(set(names))
    assert len(classes) == len(set(classes))
    for row in KINDS:
        assert row.versions == tuple(sorted(row.versions)), row.name
        assert row.api_version(NEWEST_VERSION) == row.versions[-1][1]


def _modelled_only(value: Any) -> Any:
    """``value`` without its carried data, however deep: carried fields are the user's
    (drawn from Kubernetes 1.32), and only what kancat models is promised for every
    version."""
    changes = {}
    for field in plan_of(type(value)).fields:
        item = getattr(value, field.name)
        if field.wire.carried and item:
            changes[field.name] = {}
        elif attrs.has(type(item)) and hasattr(type(item), "__kancat_value__"):
            changes[field.name] = _modelled_only(item)
        elif isinstance(item, tuple):  # unmodelled variants of a list dropped, e.g. a
            changes[field.name] = tuple(  # projection that newer Kubernetes added
                _modelled_only(x) if attrs.has(type(x)) else x for x in item
                if not (attrs.has(type(x)) and _unmodelled_variant(type(x))))
    if _unmodelled_variant(type(value)):
        return value  # its data is the value
    return attrs.evolve(value, **changes) if changes else value


def _unmodelled_variant(cls: type) -> bool:
    """A one-of's variant that carries what kancat does not model (one carried field)."""
    fields = plan_of(cls).fields if hasattr(cls, "__kancat_value__") else ()
    return len(fields) == 1 and fields[0].wire.carried


def _draw(row: Kind, data: st.DataObject) -> Any:
    """A value of the row's kind, from the strategy the registry holds for it."""
    strategy = strategy_for(row.value)  # type: ignore[arg-type]
    assert strategy is not None, f"no strategy for {row.name}"
    return data.draw(strategy, label=row.name)


@pytest.mark.parametrize("row", MODELLED, ids=_ids)
@settings(max_examples=25)
@given(data=st.data())
def test_each_kind_round_trips_and_fits_every_schema(row: Kind, data: st.DataObject) -> None:
    value = _draw(row, data)
    home = _home(row)
    assert load_manifest(to_manifest(value, home)) == Success(value)
    if home >= SCHEMA_VERSIONS[0]:
        validate_manifest(to_manifest(value, home), f"{home[0]}.{home[1]}")
    modelled = _modelled_only(value)
    version = data.draw(st.sampled_from(SCHEMA_VERSIONS), label="version")
    if not row.served(version):
        with pytest.raises(InvalidValue, match=rf"{row.name} '{value.name}' cannot be "
                                               rf"emitted .* removed in Kubernetes"):
            to_manifest(modelled, version)
        version = home
    try:
        manifest = to_manifest(modelled, version)
    except InvalidValue as error:  # what the version cannot express, said by its rules
        assert all(re.search(r"needs? Kubernetes 1\.\d+", p.message)
                   for p in error.problems), error
        return
    assert manifest["apiVersion"] == row.api_version(version)
    assert manifest["kind"] == row.name
    if row.built_in and version >= SCHEMA_VERSIONS[0]:  # a custom resource's schema is
        validate_manifest(manifest, f"{version[0]}.{version[1]}")  # its CRD's, checked above
    # Older targets have no schema here: they still emit, with their own group/version
    # (or refuse what they cannot express, as the version rules say).
    old = data.draw(st.sampled_from(OLD_VERSIONS), label="old version")
    try:
        assert to_manifest(modelled, old)["apiVersion"] == row.api_version(old)
    except InvalidValue as error:
        assert error.problems


def _home(row: Kind) -> tuple[int, int]:
    """The version a kind's values are emitted for here: kancat's default, or the
    newest that serves it when Kubernetes removed it before."""
    if row.served(DEFAULT_VERSION):
        return DEFAULT_VERSION
    return max(v for v in (*OLD_VERSIONS, *SCHEMA_VERSIONS) if row.served(v))


def _containers_in(manifest: Any) -> Iterator[dict[str, Any]]:
    """Every container of a manifest, wherever it sits (found without the table)."""
    if isinstance(manifest, dict):
        for key, item in manifest.items():
            if key in ("containers", "initContainers", "ephemeralContainers") and \
                    isinstance(item, list):
                yield from (c for c in item if isinstance(c, dict))
            else:
                yield from _containers_in(item)
    elif isinstance(manifest, list):
        for item in manifest:
            yield from _containers_in(item)


@pytest.mark.parametrize("row", MODELLED, ids=_ids)
@settings(max_examples=15)
@given(data=st.data())
def test_fmap_reaches_every_container_of_each_kind(row: Kind, data: st.DataObject) -> None:
    value = _draw(row, data)
    mapped = fmap(set_env(MARK, "1"), value)
    containers = list(_containers_in(to_manifest(mapped, _home(row))))
    if row.pods is None:
        assert mapped is value
        assert containers == [], f"{row.name} has containers, but its row says no pods"
    else:
        assert containers
        for container in containers:
            assert {"name": MARK, "value": "1"} in container["env"], container["name"]


def _nested(row: Kind) -> Iterator[tuple[type, str, tuple[str, ...], type]]:
    """``(class, its definition, field path, nested class)`` for every value class the
    row's class holds, however deep."""
    seen: set[type] = set()
    pending: list[type] = [row.value]  # type: ignore[list-item]
    while pending:
        cls = pending.pop()
        if cls in seen:
            continue
        seen.add(cls)
        for field in plan_of(cls).fields:
            shape = field.shape
            while shape.item is not None:
                shape = shape.item
            if shape.kind in ("value", "oneof"):
                for nested in shape.types:
                    key = getattr(nested, "wire_key", None) if shape.kind == "oneof" else None
                    path = field.wire.path + ((key,) if key else ())
                    yield cls, cls.k8s_definition, path, nested  # type: ignore[attr-defined]
                    pending.append(nested)


@pytest.mark.parametrize("row", DESCRIBED, ids=_ids)
def test_each_class_stands_for_the_definition_its_path_leads_to(row: Kind) -> None:
    table = schema._table()
    for owner, definition, path, nested in _nested(row):
        expected = schema.node_at(definition, path)
        carried_inline = getattr(nested, "wire_key", "") is None  # an unmodelled variant
        if carried_inline:
            expected = schema.node_at(definition, path)  # it sits in the owner's mapping
        assert expected is not None, (owner.__name__, path)
        assert table.nodes[nested.k8s_definition] is expected, (  # type: ignore[attr-defined]
            f"{owner.__name__}.{'.'.join(path)} holds {nested.__name__}, which declares "
            f"{nested.k8s_definition}")  # type: ignore[attr-defined]


def _classes(row: Kind) -> set[type]:
    return {row.value, *(nested for _, _, _, nested in _nested(row))}  # type: ignore[arg-type]


@pytest.mark.parametrize("row", DESCRIBED, ids=_ids)
def test_a_class_that_carries_nothing_models_every_field_of_its_definition(row: Kind) -> None:
    for cls in _classes(row):
        plan = plan_of(cls)
        if any(f.wire.carried for f in plan.fields):
            continue
        known = schema.known_fields(cls.k8s_definition)  # type: ignore[attr-defined]
        modelled = {f.wire.path[0] for f in plan.fields if f.wire.path}
        for field in plan.fields:
            if not field.wire.path:  # an inline one-of: its variants' keys
                modelled |= set(field.shape.keys)
                if field.shape.other is not None:  # and its unmodelled variant the rest
                    modelled = set(known)
        assert known <= modelled, f"{cls.__name__} loses {sorted(known - modelled)}"


def test_every_value_class_declares_a_definition_kubernetes_knows() -> None:
    for row in DESCRIBED:
        for cls in _classes(row):
            definition = getattr(cls, "k8s_definition", None)
            assert definition is not None and schema.node_at(definition) is not None, cls
            assert attrs.has(cls)
