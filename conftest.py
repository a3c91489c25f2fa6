"""Test-session settings shared by tests/, the doctests and README.md.

Hypothesis runs without its per-example deadline everywhere: on a busy 2-core CI
machine a first example (building strategies, compiling a schema validator) can take
longer than the default 200 ms, and timing is not what any of these tests checks.
property_tests/conftest.py adds its own profiles (example counts) on top.
"""

from hypothesis import settings

settings.register_profile("kancat", deadline=None)
settings.load_profile("kancat")
