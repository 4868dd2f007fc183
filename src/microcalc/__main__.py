"""Entry point of ``python -m microcalc``."""

import sys

try:
    from microcalc.cli import main

    status = main()
except KeyboardInterrupt:  # Ctrl-C while the libraries are still being imported
    print("error: interrupted", file=sys.stderr)
    status = 130
sys.exit(status)
