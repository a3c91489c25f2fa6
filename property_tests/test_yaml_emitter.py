"""kancat's fast YAML representer writes exactly what PyYAML's SafeRepresenter writes,
and every string survives a YAML 1.1 round trip as the same string (the API server
reads YAML 1.1, where unquoted ``on``, ``no`` or ``0755`` would change type)."""

from typing import Any

import yaml
from hypothesis import given
from hypothesis import strategies as st

from kancat.interpret.emit import dump_yaml


class _ReferenceDumper(yaml.CSafeDumper):  # type: ignore[misc]
    """PyYAML's own representer, with only the literal-block style for multi-line text."""


def _literal_blocks(dumper: Any, data: str) -> Any:
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_ReferenceDumper.add_representer(str, _literal_blocks)

YAML_1_1_LOOKALIKES = st.sampled_from([
    "on", "off", "yes", "no", "y", "n", "true", "False", "NULL", "~", "", "0755", "0o17",
    "0x1F", "1e3", "1_000", ".inf", "-.Inf", ".nan", "12:30:45", "2026-11-26", "=", "<<",
    "- item", "key: value", "#comment", "@at", "`tick", "'quoted'", '"double"', " lead",
    "trail ", "tab\there", "multi\nline", "multi\nline\n", "\n", "unicode ✓ é", "\x85",
    "\u2028", "null\n", "   ", "!tag", "&anchor", "*alias", "%directive", "{a: 1}", "[1]",
])
STRINGS = st.one_of(YAML_1_1_LOOKALIKES, st.text(max_size=40))
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), STRINGS,
                    st.floats(allow_nan=False, allow_infinity=True))
TREES = st.recursive(SCALARS, lambda children: st.one_of(
    st.lists(children, max_size=4), st.dictionaries(STRINGS, children, max_size=4)),
    max_leaves=20)


@given(st.lists(st.dictionaries(STRINGS, TREES, max_size=5), min_size=1, max_size=3))
def test_the_fast_representer_writes_what_pyyaml_writes(documents: list[dict[str, Any]]
                                                        ) -> None:
    expected = yaml.dump_all(documents, Dumper=_ReferenceDumper, sort_keys=False,
                             default_flow_style=False, allow_unicode=True, width=120)
    assert dump_yaml(documents) == expected, documents


@given(st.dictionaries(STRINGS, STRINGS, max_size=8))
def test_every_string_stays_the_same_string(data: dict[str, str]) -> None:
    document = {"apiVersion": "v1", "kind": "ConfigMap", "data": data}
    assert yaml.load(dump_yaml([document]), Loader=yaml.CSafeLoader) == document, data
