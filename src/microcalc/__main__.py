"""Entry point of ``python -m microcalc``."""

import sys

from microcalc.cli import main

sys.exit(main())
