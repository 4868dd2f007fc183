"""Command-line interface: ``python -m microcalc <command> ...``.

Every failure prints one line ``error: ...`` on standard error and exits with status 2;
no command leaves a half-written file behind.
"""

from __future__ import annotations

import argparse
import sys

from microcalc import cohort

__all__ = ["main"]


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line and exit status 2."""

    def error(self, message):  # noqa: D401 - argparse API
        raise _UsageError(message)


class _UsageError(Exception):
    pass


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--seed must be a non-negative integer, got {text!r}"
        ) from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"--seed must be a non-negative integer, got {text!r}")
    return value


def _build_parser() -> _Parser:
    parser = _Parser(prog="python -m microcalc", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    simulate = commands.add_parser(
        "simulate",
        help="simulate the cohort and write lesions.csv and measurements.csv",
        description="Simulate the cohort calibrated to the published study and write "
        "lesions.csv and measurements.csv atomically.",
    )
    simulate.add_argument(
        "--seed",
        type=_seed,
        default=cohort.DEFAULT_SEED,
        help=f"random seed (default {cohort.DEFAULT_SEED})",
    )
    simulate.add_argument("--out", default="data", help="output folder (default data/)")
    simulate.add_argument("--force", action="store_true", help="overwrite existing files")
    simulate.add_argument(
        "--unmatched",
        action="store_true",
        help="draw from the model without matching the published summaries exactly",
    )
    return parser


def _simulate(args) -> int:
    config = cohort.default_config(match_published=not args.unmatched)
    result = cohort.simulate_cohort(config, seed=args.seed)
    written = cohort.write_cohort(result, args.out, force=args.force)
    names = ", ".join(str(p) for p in written)
    print(f"wrote {names} (seed {args.seed}, {len(result.lesions)} participants)")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    try:
        args = _build_parser().parse_args(argv)
        if args.command == "simulate":
            return _simulate(args)
        raise _UsageError(f"unknown command {args.command!r}")  # pragma: no cover
    except (_UsageError, ValueError, TypeError, FileExistsError, OSError) as error:
        message = str(error).replace("\n", " ")
        print(f"error: {message}", file=sys.stderr)
        return 2
