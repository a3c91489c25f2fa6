"""Ready-made instances built only from ``kancat.values`` and ``kancat.algebra``.

Each pattern is a submodule, loaded on first use so that ``import kancat.patterns``
stays light: :mod:`kancat.patterns.sidecars` (fluent-bit, Envoy and node-exporter sidecars,
injected by a natural transformation), and more to come (security, scheduling, ...).

>>> from kancat.patterns import sidecars
>>> sidecars.inject(sidecars.node_exporter()).name
'inject(node-exporter)'
"""

import importlib
import importlib.util
from types import ModuleType

__all__: list[str] = []


def __getattr__(name: str) -> ModuleType:
    """``kancat.patterns.<name>`` imports the pattern module on first use."""
    if not name.startswith("_") and importlib.util.find_spec(f"{__name__}.{name}") is not None:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
