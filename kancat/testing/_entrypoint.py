"""Hypothesis plugin: ``st.from_type(Container)`` and friends draw valid kancat values.

Hypothesis calls :func:`_register` when it is imported, through the entry point
declared in ``pyproject.toml``::

    [project.entry-points.hypothesis]
    _ = "kancat.testing._entrypoint:_register"

There is no list of types here: the strategies say which class each one draws
(``@draws(Deployment)`` in :mod:`kancat.testing.strategies`), and that registry is
the only one. Registration is lazy, so importing Hypothesis stays cheap: it imports
the value modules (:mod:`kancat.values`, :mod:`kancat.algebra`,
:mod:`kancat.patterns`), not the strategies, and registers a resolver for each public
class defined there. When Hypothesis first resolves one of them (``st.from_type``),
the resolver imports :mod:`kancat.testing.strategies` and returns the registered
strategy — or ``NotImplemented`` for a class no strategy draws, which Hypothesis
then resolves as if nothing were registered.

>>> import hypothesis.strategies as st
>>> from kancat.values import Container
>>> from hypothesis import given, settings
>>> @settings(max_examples=5)
... @given(st.from_type(Container))
... def test(container):
...     assert isinstance(container, Container)
>>> test()
"""

import functools
import importlib
import pkgutil
from collections.abc import Iterator
from typing import Any

__all__: list[str] = []

_VALUE_PACKAGES = ("kancat.values", "kancat.algebra", "kancat.patterns")
"""The packages whose modules define the types kancat's strategies may draw."""


def _value_types() -> Iterator[type]:
    """Every public attrs class defined in a public module of :data:`_VALUE_PACKAGES`."""
    import attrs

    for name in _VALUE_PACKAGES:
        package = importlib.import_module(name)
        # walk_packages, not iter_modules: a concern may be a package of modules
        # (kancat.values.istio), whose classes are defined in its modules.
        for info in pkgutil.walk_packages(package.__path__, f"{name}."):
            if any(part.startswith("_") for part in info.name.split(".")):
                continue
            module = importlib.import_module(info.name)
            for attribute, item in vars(module).items():
                if (isinstance(item, type) and attrs.has(item) and not attribute.startswith("_")
                        and item.__module__ == module.__name__):
                    yield item


def _resolve(cls: type, requested: type) -> Any:
    """The registered strategy drawing ``cls`` (Hypothesis passes the type it resolves,
    which is a base class of ``cls`` when it resolves a union of subclasses)."""
    from kancat.testing.strategies._draw import strategy_for

    strategy = strategy_for(cls)
    return NotImplemented if strategy is None else strategy


def _register() -> None:
    """Register a lazy resolver for each kancat value type (called by Hypothesis)."""
    import hypothesis.strategies as st

    for cls in _value_types():
        st.register_type_strategy(cls, functools.partial(_resolve, cls))
