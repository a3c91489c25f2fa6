"""The loader's quick walk over plain YAML nodes builds exactly what PyYAML's safe
constructor builds (YAML 1.1 scalars, timestamps kept as text, a key given twice
refused), and leaves everything else — merge keys, explicit tags, complex keys,
aliases — to that constructor."""

from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from kancat.interpret.load import _Loader, load_yaml
from property_tests.test_yaml_emitter import STRINGS, TREES


class _ReferenceLoader(_Loader):  # type: ignore[misc]
    """The same loader, every document built by PyYAML's constructor."""

    def construct_document(self, node: Any) -> Any:
        return super(_Loader, self).construct_document(node)


def _both(text: str) -> tuple[Any, Any]:
    return (list(yaml.load_all(text, Loader=_Loader)),
            list(yaml.load_all(text, Loader=_ReferenceLoader)))


def _same_with_types(a: Any, b: Any) -> bool:
    """Equal, and of the same types throughout (``1 == True`` is not enough)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(
            _same_with_types(x, y) for x, y in zip(a.values(), b.values(), strict=True))
    if isinstance(a, list):
        return len(a) == len(b) and all(_same_with_types(x, y) for x, y in zip(a, b, strict=True))
    return a == b or (a != a and b != b)  # NaN


# Unquoted scalars the YAML 1.1 resolver turns into ints, floats, booleans, nulls.
BARE = st.sampled_from([
    "on", "off", "yes", "No", "TRUE", "false", "~", "null", "", "0755", "0o17", "0x1F",
    "0b101", "1e3", "1.5e-3", "1_000", "+12", "-0", ".inf", "-.Inf", ".nan", "12:30:45",
    "1:30", "190:20:30.15", "2026-11-26", "2001-12-14t21:59:43.10-05:00", "=", "3.14",
    "685_230.15", "text", "a b", "007", "0.", "x:y",
])


@given(st.lists(st.dictionaries(STRINGS, TREES, max_size=5), min_size=1, max_size=3),
       st.sampled_from([False, True, None]))
def test_dumped_data_loads_as_pyyaml_loads_it(documents: list[dict[str, Any]],
                                              flow: bool | None) -> None:
    text = yaml.safe_dump_all(documents, default_flow_style=flow, allow_unicode=True)
    ours, reference = _both(text)
    assert _same_with_types(ours, reference), text


@given(st.lists(st.tuples(BARE, BARE), min_size=1, max_size=8, unique_by=lambda kv: kv[0]),
       st.lists(BARE, max_size=5))
def test_bare_scalars_resolve_as_pyyaml_resolves_them(pairs: list[tuple[str, str]],
                                                      items: list[str]) -> None:
    lines = [f"k{index}{key}: {value}" for index, (key, value) in enumerate(pairs)]
    lines += ["list:"] + [f"- {item}" for item in items]
    lines += [f"{key}: {value}" for key, value in pairs[:1] if key not in ("", "=")]
    text = "\n".join(lines) + "\n"
    ours, reference = _both(text)
    assert _same_with_types(ours, reference), text


@pytest.mark.parametrize("text", [
    "base: &b {a: 1, b: 2}\nderived:\n  <<: *b\n  b: 3\n",            # merge key
    "a: &x [1, 2]\nb: *x\n",                                          # alias
    "a: !!str 123\nb: !!binary aGVsbG8=\nc: !!float 1\n",             # explicit tags
    "? [a, b]\n: pair\n",                                             # complex key
    "a: =\n= : b\n",                                                  # YAML 1.1 value tag
    "set: !!set {a, b}\n",                                            # a set
    "when: 2026-11-26\n",                                             # timestamp: a string
])
def test_what_the_walk_leaves_to_pyyaml_loads_as_before(text: str) -> None:
    try:
        ours, reference = _both(text)
    except yaml.YAMLError as error:  # both refuse alike (e.g. an unhashable key)
        with pytest.raises(type(error)):
            list(yaml.load_all(text, Loader=_ReferenceLoader))
        return
    assert _same_with_types(ours, reference), text


@pytest.mark.parametrize("text", ["a: 1\na: 2\n", "1: a\n'1': b\n", "x: {true: 1, 'true': 2}\n",
                                  "a: 1\n<<: {b: 2}\na: 3\n"])
def test_a_key_given_twice_is_refused_by_its_text(text: str) -> None:
    result = load_yaml("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n"
                       + "".join(f"  {line}\n" for line in text.splitlines()))
    assert "duplicate key" in result.failure().problems[0].message
