"""The shared kernel every layer of kancat builds on.

* :mod:`kancat.core.frozen` — immutable JSON (:class:`FrozenMap`, :func:`freeze`,
  :func:`thaw`), how values carry what they do not model;
* :mod:`kancat.core.rules` — Kubernetes' own field rules (DNS names, ports, labels,
  quantities of resources...), each returning the problems it finds;
* :mod:`kancat.core.fields` — a field's wire form, declared once beside it
  (:func:`wire`, :func:`carried`), and the shapes read from annotations;
* :mod:`kancat.core.value` — the :class:`Value` base class: one validation for every
  way a value is built, rules across fields, provisional values for the loader;
* :mod:`kancat.core.schema` — the field names Kubernetes knows, by definition;
* :mod:`kancat.core.collect` — collecting problems, and the fields' converters.

Nothing here imports PyYAML, the Kubernetes client or Hypothesis.
"""

from kancat.core.collect import Collect, as_result, to_frozen, to_str_map, to_str_tuple, to_tuple
from kancat.core.fields import WIRE, KubernetesVersion, Shape, Wire, carried, path_of, wire
from kancat.core.frozen import EMPTY, FrozenJSON, FrozenMap, freeze, thaw
from kancat.core.value import HOLE, Value, plan_of, provisional, rule, validate

__all__ = [
    "EMPTY",
    "HOLE",
    "WIRE",
    "Collect",
    "FrozenJSON",
    "FrozenMap",
    "KubernetesVersion",
    "Shape",
    "Value",
    "Wire",
    "as_result",
    "carried",
    "freeze",
    "path_of",
    "plan_of",
    "provisional",
    "rule",
    "thaw",
    "to_frozen",
    "to_str_map",
    "to_str_tuple",
    "to_tuple",
    "validate",
    "wire",
]
