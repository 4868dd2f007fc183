"""Entry point of ``python -m microcalc``.

Ctrl-C while the libraries are still being imported must give the same one line and status 130
as Ctrl-C later. A ``KeyboardInterrupt`` raised inside a C extension's import (numpy importing
``datetime``) surfaces as an ``ImportError`` with a traceback, so during the imports SIGINT only
sets a flag; it is honoured as soon as the imports are done, then Python's usual handler is back.
"""

import signal
import sys

_interrupted = []


def _remember(signum, frame):
    _interrupted.append(signum)


def _run() -> int:
    previous = signal.getsignal(signal.SIGINT)
    if previous is not signal.SIG_IGN:  # a parent that ignores Ctrl-C for us keeps it ignored
        signal.signal(signal.SIGINT, _remember)
    try:
        from microcalc.cli import main
    finally:
        signal.signal(signal.SIGINT, previous)
    if _interrupted:
        print("error: interrupted", file=sys.stderr)
        return 130
    try:
        return main()
    except KeyboardInterrupt:  # main handles Ctrl-C itself; this is the last resort
        print("error: interrupted", file=sys.stderr)
        return 130


sys.exit(_run())
