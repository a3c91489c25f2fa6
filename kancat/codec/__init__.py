"""Values ↔ manifests, compiled from the fields' declarations.

:mod:`kancat.codec.encode` turns a value into its manifest mapping (and checks what
an older Kubernetes version cannot take); :mod:`kancat.codec.decode` reads a manifest
back into values through the values' own checks, reporting every problem at once.
Both follow the declarations of :mod:`kancat.core.fields` and the kinds table of
:mod:`kancat.values.kinds`: there is no per-kind code here.
"""
