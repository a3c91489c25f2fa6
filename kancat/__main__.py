"""``python -m kancat``: the same as the ``kancat`` command."""

import sys

from kancat.cli import main

if __name__ == "__main__":
    sys.exit(main())
