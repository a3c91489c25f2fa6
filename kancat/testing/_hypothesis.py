"""Hypothesis is an optional dependency (the ``testing`` extra): importing this module
first makes a missing Hypothesis an ImportError that says what to install."""

try:
    import hypothesis  # noqa: F401  (only its presence matters here)
except ImportError as error:
    raise ImportError("kancat.testing needs Hypothesis: pip install 'kancat[testing]'") from error
