"""Testing helpers for code built on kancat.

:mod:`kancat.testing.strategies` holds Hypothesis strategies drawing valid kancat
values (``deployments()``, ``containers()``, ``kube_objects()``, ...). With kancat
installed, Hypothesis also knows the value types: ``st.from_type(Deployment)`` works.

Nothing here is imported by ``import kancat``, and this package itself does not
import Hypothesis: only ``import kancat.testing.strategies`` does (install it with
``pip install 'kancat[testing]'``).
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kancat.testing import strategies

__all__ = ["strategies"]


def __getattr__(name: str) -> Any:
    """``kancat.testing.strategies`` imports Hypothesis on first use only."""
    if name == "strategies":
        import importlib

        return importlib.import_module("kancat.testing.strategies")
    raise AttributeError(f"module 'kancat.testing' has no attribute {name!r}")
