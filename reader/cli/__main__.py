"""``python -m reader.cli``: the ``byline`` command."""

import sys

from .main import main

sys.exit(main())
