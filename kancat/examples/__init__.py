"""Built-in examples; ``kancat emit`` with no target emits :data:`production`."""

from kancat.examples.production import production

__all__ = ["production"]
