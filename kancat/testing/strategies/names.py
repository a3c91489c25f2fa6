"""Names, labels and annotations (:mod:`kancat.values.meta`): DNS labels and subdomains,
label and annotation maps, IANA port names, and object metadata."""

import functools
from collections.abc import Mapping
from typing import Any

import hypothesis.strategies as st
from hypothesis.strategies import DrawFn, SearchStrategy

from kancat.testing.strategies._draw import (
    ALNUM,
    BOOLS,
    LOWER,
    LOWER_ALNUM,
    bad,
    extras,
    flag,
    maybe,
    size,
)
from kancat.values import ObjectMeta

__all__ = [
    "annotation_maps",
    "dns_labels",
    "dns_subdomains",
    "label_maps",
    "port_names",
]


@functools.cache
def _dns_label_strategy(max_size: int, start_with_letter: bool) -> SearchStrategy[str]:
    first = st.sampled_from(LOWER if start_with_letter else LOWER_ALNUM)
    middle = st.text(LOWER_ALNUM + "-", max_size=max(max_size - 2, 0))
    last = st.sampled_from(LOWER_ALNUM)

    @st.composite
    def label(draw: DrawFn) -> str:
        text = draw(first)
        if max_size == 1:
            return text
        inner = draw(middle)
        return text + inner + draw(last) if inner or draw(BOOLS) else text

    return label()


def dns_labels(*, max_size: int = 63, start_with_letter: bool = False) -> SearchStrategy[str]:
    """RFC 1123 labels (container, volume, namespace names): ``[a-z0-9]([-a-z0-9]*[a-z0-9])?``,
    at most ``max_size`` characters. ``start_with_letter=True`` gives RFC 1035 labels
    (Service names).

    >>> from hypothesis import find
    >>> len(find(dns_labels(max_size=5), lambda name: len(name) > 3))
    4
    """
    call = "dns_labels"
    return _dns_label_strategy(size(call, "max_size", max_size, 1, 63),
                               flag(call, "start_with_letter", start_with_letter))


@functools.cache
def _subdomain_strategy(max_labels: int) -> SearchStrategy[str]:
    return st.lists(_dns_label_strategy(20, False), min_size=1, max_size=max_labels).map(
        ".".join)


def dns_subdomains(*, max_labels: int = 3) -> SearchStrategy[str]:
    """RFC 1123 subdomains (most object names): one to ``max_labels`` DNS labels joined
    by dots.

    >>> from hypothesis import find
    >>> find(dns_subdomains(), lambda name: "." in name).count(".")
    1
    """
    return _subdomain_strategy(size("dns_subdomains", "max_labels", max_labels, 1, 4))


_FIRST_ALNUM = st.sampled_from(ALNUM)
_NAME_MIDDLE = st.text(ALNUM + "-_.", max_size=8)
_LABEL_PREFIXES = st.sampled_from(("app.kubernetes.io", "kancat.internal", "team")) | \
    _subdomain_strategy(2)


@st.composite
def _qualified_name(draw: DrawFn) -> str:
    first = draw(_FIRST_ALNUM)
    middle = draw(_NAME_MIDDLE)
    return first + middle + draw(_FIRST_ALNUM) if middle else first


_QUALIFIED_NAMES = _qualified_name()


@st.composite
def _label_key(draw: DrawFn) -> str:
    name = draw(_QUALIFIED_NAMES)
    prefix = maybe(draw, _LABEL_PREFIXES)
    return f"{prefix}/{name}" if prefix else name


_LABEL_KEYS = _label_key()
_LABEL_VALUES = st.just("") | _QUALIFIED_NAMES


@functools.cache
def _label_map_strategy(min_size: int, max_size: int) -> SearchStrategy[dict[str, str]]:
    return st.dictionaries(_LABEL_KEYS, _LABEL_VALUES, min_size=min_size, max_size=max_size)


def label_maps(*, min_size: int = 0, max_size: int = 3) -> SearchStrategy[dict[str, str]]:
    """Label maps: qualified-name keys (optionally ``prefix/``), values of at most 63
    alphanumerics, ``-``, ``_`` and ``.`` (or empty).

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=5)
    ... @given(label_maps(min_size=1))
    ... def test(labels):
    ...     assert 1 <= len(labels) <= 3
    >>> test()
    """
    call = "label_maps"
    low = size(call, "min_size", min_size, 0, 8)
    high = size(call, "max_size", max_size, 0, 8)
    if high < low:
        raise bad(call, "max_size", max_size,
                  f"max_size must be at least min_size={low}; pass e.g. max_size={low}")
    return _label_map_strategy(low, high)


@functools.cache
def _annotation_strategy(max_size: int) -> SearchStrategy[dict[str, str]]:
    return st.dictionaries(_LABEL_KEYS, st.text(max_size=20), max_size=max_size)


def annotation_maps(*, max_size: int = 2) -> SearchStrategy[dict[str, str]]:
    """Annotation maps: qualified-name keys, values any text (multi-line, unicode, empty).

    >>> from hypothesis import find
    >>> notes = find(annotation_maps(), lambda notes: any("\\n" in v for v in notes.values()))
    >>> list(notes.values())
    ['\\n']
    """
    return _annotation_strategy(size("annotation_maps", "max_size", max_size, 0, 8))


_PORT_NAME_HEAD = st.sampled_from(LOWER)
_PORT_NAME_REST = st.text(LOWER_ALNUM, max_size=6)
_PORT_NAME_TAIL = st.text(LOWER_ALNUM, min_size=1, max_size=6)


@st.composite
def _port_name(draw: DrawFn) -> str:
    head = draw(_PORT_NAME_HEAD) + draw(_PORT_NAME_REST)
    tail = maybe(draw, _PORT_NAME_TAIL)
    return f"{head}-{tail}" if tail else head


_PORT_NAMES = _port_name()


def port_names() -> SearchStrategy[str]:
    """IANA service names (named ports): at most 15 of ``[-a-z0-9]``, with a letter,
    no leading, trailing or double ``-``.

    >>> from hypothesis import find
    >>> len(find(port_names(), lambda name: "-" in name))
    3
    """
    return _PORT_NAMES


def _is_port_name(name: str) -> bool:
    return (0 < len(name) <= 15 and all(c in LOWER_ALNUM + "-" for c in name)
            and "--" not in name and not name.startswith("-") and not name.endswith("-")
            and any(c in LOWER for c in name))


# --- building blocks shared by the other modules -----------------------------------------

_SHORT_NAMES = _dns_label_strategy(20, False)
"""Container, volume and claim names."""
_SERVICE_NAMES = _dns_label_strategy(20, True)
_OBJECT_NAMES = _subdomain_strategy(2)
_WORKLOAD_NAMES = _SHORT_NAMES | _OBJECT_NAMES
_NAMESPACES = st.sampled_from(("default", "shop", "kube-system")) | _dns_label_strategy(12, False)
_UNIQUE_NAMES = {count: st.lists(_dns_label_strategy(12, False), min_size=count,
                                max_size=count, unique=True) for count in range(8)}
"""Lists of ``count`` distinct short names."""
_OBJECT_LABELS = _label_map_strategy(0, 2)
_POD_LABELS = _label_map_strategy(1, 2)
_SMALL_LABELS = _label_map_strategy(0, 1)
_ONE_ANNOTATION = _annotation_strategy(1)

# What ``kubectl create --dry-run=client -o yaml`` writes, and a finalizer.
_METADATA_EXTRA = {"creationTimestamp": st.none(),
                   "finalizers": st.just(["kancat.internal/cleanup"])}


def _draw_meta(draw: DrawFn, name: str, labels: Mapping[str, str] | None = None, *,
              namespaced: bool = True, annotations: Mapping[str, Any] | None = None
              ) -> ObjectMeta:
    """Object metadata: ``labels`` (drawn when ``None``), an annotation (``annotations``
    added to it), sometimes a namespace and carried ``creationTimestamp``/``finalizers``."""
    notes = draw(_ONE_ANNOTATION)
    return ObjectMeta(name=name, namespace=maybe(draw, _NAMESPACES) if namespaced else None,
                      labels=labels if labels is not None else draw(_OBJECT_LABELS),
                      annotations={**notes, **(annotations or {})},
                      extra=extras(draw, _METADATA_EXTRA))
