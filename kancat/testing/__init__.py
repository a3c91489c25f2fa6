"""Testing helpers for code built on kancat: Hypothesis strategies and a law checker.

* :mod:`kancat.testing.strategies` draws valid kancat values (``deployments()``,
  ``containers()``, ``kube_objects()``, ...). With kancat installed, Hypothesis also
  knows the value types: ``st.from_type(Deployment)`` works.
* :func:`check_all_laws` (from :mod:`kancat.testing.laws`) adds one pytest test per law
  of a type or a transformation to your test module: ``check_all_laws(MyPolicy)``.

Nothing here is imported by ``import kancat``, and this package itself does not
import Hypothesis: a name is loaded on first use, and only then does Hypothesis load
(install it with ``pip install 'kancat[testing]'``).

>>> from kancat.testing import check_all_laws, strategies
>>> callable(check_all_laws), callable(strategies.deployments)
(True, True)
"""

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kancat.testing import strategies
    from kancat.testing.laws import (
        check_all_laws,
        check_join_laws,
        check_law,
        check_monoid_laws,
        laws_of,
    )

__all__ = ["check_all_laws", "check_join_laws", "check_law", "check_monoid_laws", "laws_of",
           "strategies"]

_LAWS = ("check_all_laws", "check_join_laws", "check_law", "check_monoid_laws", "laws_of")


def __getattr__(name: str) -> Any:
    """Load ``strategies`` and the law checker (and with them Hypothesis) on first use."""
    if name == "strategies":
        return importlib.import_module("kancat.testing.strategies")
    if name in _LAWS:
        return getattr(importlib.import_module("kancat.testing.laws"), name)
    raise AttributeError(f"module 'kancat.testing' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
