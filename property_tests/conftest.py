"""Hypothesis settings for the property tests.

``KANCAT_HYPOTHESIS_PROFILE`` picks the profile: ``ci`` (the default, 200 examples
per property) or ``dev`` (50, for a quick local run). ``deadline=None``: an example
that builds a StatefulSet and validates its manifest against the strict schema can
take tens of milliseconds on a slow machine, and timing is not what these tests check.
"""

import os

from hypothesis import settings

settings.register_profile("ci", max_examples=200, deadline=None)
settings.register_profile("dev", max_examples=50, deadline=None)

_PROFILE = os.environ.get("KANCAT_HYPOTHESIS_PROFILE", "ci")
if _PROFILE not in ("ci", "dev"):
    raise ValueError(f"KANCAT_HYPOTHESIS_PROFILE={_PROFILE!r} is not a profile; "
                     "use 'ci' (200 examples) or 'dev' (50)")
settings.load_profile(_PROFILE)
