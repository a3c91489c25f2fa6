"""Built-in examples: :data:`production`, a small application (``kancat emit`` with no
target emits it), and :data:`stack`, the founding design's whole stack
(``kancat emit kancat.examples:stack --kubernetes-version X.Y``: its objects depend on
the version)."""

from kancat.examples.production import falco_rules, production, stack

__all__ = ["falco_rules", "production", "stack"]
