"""Hypothesis entry point (stub, being written)."""


def _register() -> None:
    """Registered through ``[project.entry-points.hypothesis]``."""
