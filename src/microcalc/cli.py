"""Command-line interface: ``python -m microcalc <command> ...``.

Every failure prints one line ``error: ...`` on standard error and exits with status 2;
Ctrl-C prints ``error: interrupted`` and exits with status 130. No command leaves a
half-written file or a half-updated pair of files behind (:mod:`microcalc.safeio`), and every
output folder is checked for writability before the work starts. Warnings (values outside the
study's inclusion criteria, statistical caveats) are printed as ``warning: ...`` lines.
"""

from __future__ import annotations

import argparse
import math
import sys

from microcalc.study import cohort

__all__ = ["main"]


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line and exit status 2."""

    def error(self, message):  # noqa: D401 - argparse API
        raise _UsageError(message)


class _UsageError(Exception):
    pass


def _folder(name: str):
    def parse(text: str) -> str:
        if not text.strip():
            raise argparse.ArgumentTypeError(
                f"--{name} must name a folder, got {text!r} (use '.' for the current folder)"
            )
        return text

    return parse


def _file(name: str):
    def parse(text: str) -> str:
        if not text.strip():
            raise argparse.ArgumentTypeError(f"--{name} must name a file, got {text!r}")
        return text

    return parse


def _warn(messages) -> None:
    for message in messages:
        print(f"warning: {' '.join(str(message).split())}", file=sys.stderr)


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
    simulate.add_argument(
        "--out", type=_folder("out"), default="data", help="output folder (default data/)"
    )
    simulate.add_argument("--force", action="store_true", help="overwrite existing files")
    simulate.add_argument(
        "--unmatched",
        action="store_true",
        help="draw from the model without matching the published summaries exactly",
    )
    _add_montecarlo(commands)
    _add_scorecard(commands)
    _add_analyze(commands)
    _add_reconstruct(commands)
    return parser


def _add_reconstruct(commands) -> None:
    from microcalc.study import reconstruct

    rec = commands.add_parser(
        "reconstruct",
        help="search for a data set that meets a set of published numbers at once",
        description="Search for 150 + 150 participants (elasticity to 0.1 kPa, strain ratio "
        "to 0.01) meeting a set of published numbers at their printed precision, and write "
        "DIR/<set>.csv and DIR/<set>.json (per target: published, achieved, met). A data set "
        "found proves that the numbers can hold together; a failed search proves nothing.",
    )
    rec.add_argument(
        "--targets",
        default="headline",
        choices=[*sorted(reconstruct.TARGET_SETS), "lesion_size"],
        help="named target set (default headline); lesion_size: Table 1's lesion sizes with "
        "the printed P read as a Mann-Whitney test",
    )
    rec.add_argument("--seed", type=_seed, default=cohort.DEFAULT_SEED, help="random seed")
    rec.add_argument(
        "--out", default="data/reconstructed", help="output folder (default data/reconstructed)"
    )
    rec.add_argument("--force", action="store_true", help="overwrite existing files")
    rec.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    rec.add_argument(
        "--map",
        action="store_true",
        help="instead of one set, search every subset of the feasibility map and write "
        "feasibility.csv and map_<subset>.csv (takes about ten minutes)",
    )


def _reconstruct(args) -> int:
    from pathlib import Path

    from microcalc.study import reconstruct

    out = Path(args.out)
    if args.out == "":
        raise ValueError("--out must name a folder, got an empty string")
    stem = args.targets.replace("+", "_")
    names = ["feasibility.csv"] if args.map else [f"{stem}{ext}" for ext in (".csv", ".json")]
    _prepare_out(out, names, force=args.force)

    def progress(line: str) -> None:
        if not args.quiet:
            print(line, file=sys.stderr, flush=True)

    if args.map:
        table, witnesses = reconstruct.feasibility_map(seed=args.seed, progress=progress)
        written = reconstruct.write_feasibility_map(table, witnesses, out, force=args.force)
        counts = table["status"].value_counts()
        print(
            f"wrote {len(written)} files into {out}: "
            + ", ".join(f"{k} {v}" for k, v in counts.items())
        )
        return 0
    if args.targets == "lesion_size":
        result = reconstruct.lesion_size_witness(seed=args.seed)
    else:
        result = reconstruct.reconstruct(args.targets, seed=args.seed, progress=progress)
    written = reconstruct.write_reconstruction(result, out, force=args.force)
    met = int(result.check["met"].sum())
    verdict = "witness found" if result.found else "no witness found (this proves nothing)"
    print(
        f"wrote {', '.join(str(p) for p in written)}: {verdict}, {met}/{len(result.check)} "
        f"targets met"
        + (
            f", {result.search.moves:,} moves in {result.search.seconds:.1f} s"
            if result.search.moves
            else ""
        )
    )
    return 0


def _add_scorecard(commands) -> None:
    card = commands.add_parser(
        "scorecard",
        help="print every published number with its two verdicts and their evidence",
        description="Print the scorecard: every published number, whether it can be true "
        "(can_be_true) and whether this book's cohort reproduces it (reproduced), with the "
        "evidence of each, the cohort's value and the range over replicate studies.",
    )
    form = card.add_mutually_exclusive_group(required=True)
    form.add_argument("--json", action="store_true", help="JSON records, for machines")
    form.add_argument("--csv", action="store_true", help="CSV, for spreadsheets")
    card.add_argument(
        "--lesions",
        type=_file("lesions"),
        default="data/lesions.csv",
        help="lesion table (default data/lesions.csv)",
    )
    card.add_argument(
        "--data-dir",
        type=_folder("data-dir"),
        default=None,
        help="folder of the stored Monte Carlo results (default: the lesions' folder)",
    )


def _finite_float(name: str):
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"--{name} must be a number, got {text!r}") from None
        if not math.isfinite(value) or value <= 0:
            raise argparse.ArgumentTypeError(
                f"--{name} must be a positive finite number, got {text!r}"
            )
        return value

    return parse


_ANALYZE_CUTOFF = 62.0  # = report.DEFAULT_CUTOFF; not imported, to keep start-up light


def _add_analyze(commands) -> None:
    from microcalc import tablecheck

    analyze = commands.add_parser(
        "analyze",
        help="run the full analysis on your own lesion table and write a JSON report",
        description="Check a lesion CSV against the data dictionary (data/README.md), run every "
        "analysis its columns allow and write a JSON report; absent columns switch analyses off "
        "and the report's 'skipped' list names them.",
    )
    analyze.add_argument("lesions", help="lesion table (CSV, comma-separated, UTF-8)")
    analyze.add_argument(
        "--json", action="store_true", required=True, help="write the report as JSON (required)"
    )
    analyze.add_argument(
        "--out", type=_file("out"), default=None, help="output file (default: standard output)"
    )
    analyze.add_argument("--force", action="store_true", help="overwrite an existing --out file")
    analyze.add_argument(
        "--cutoff",
        type=_finite_float("cutoff"),
        default=_ANALYZE_CUTOFF,
        help=f"elasticity cutoff in kPa, positive if >= cutoff (default {_ANALYZE_CUTOFF:g})",
    )
    analyze.add_argument(
        "--max-bytes",
        type=_positive("max-bytes"),
        default=tablecheck.DEFAULT_MAX_BYTES,
        help=f"refuse larger input files (default {tablecheck.DEFAULT_MAX_BYTES})",
    )
    analyze.add_argument(
        "--max-rows",
        type=_positive("max-rows"),
        default=tablecheck.DEFAULT_MAX_ROWS,
        help=f"refuse tables with more rows (default {tablecheck.DEFAULT_MAX_ROWS})",
    )


def _analyze(args) -> int:
    from pathlib import Path

    from microcalc import report, safeio, tablecheck

    out = Path(args.out) if args.out is not None else None
    if out is not None:  # refuse before reading or analysing anything
        if out.is_dir():
            raise ValueError(f"--out {str(out)!r} is a directory; give a file name")
        if not out.parent.is_dir():
            raise ValueError(f"--out {str(out)!r}: folder {str(out.parent)!r} does not exist")
        if Path(args.lesions).exists() and out.resolve() == Path(args.lesions).resolve():
            raise ValueError(f"--out {str(out)!r} is the input table; refusing to overwrite it")
        if out.exists() and not args.force:
            raise FileExistsError(f"{str(out)!r} exists; pass --force to overwrite")
        safeio.check_writable(out.parent, [out.name])
    checked = tablecheck.read_lesion_table(
        args.lesions, max_bytes=args.max_bytes, max_rows=args.max_rows
    )
    result = report.analyze(checked, cutoff=args.cutoff)
    text = result.to_json()
    _warn(f"{w['analysis']}: {w['message']}" for w in result.warnings)
    if out is None:
        sys.stdout.write(text)
        return 0
    safeio.write_files(out.parent, {out.name: text.encode("utf-8")}, force=args.force)
    print(f"wrote {out} ({checked.n_rows} participants)", file=sys.stderr)
    return 0


#: Data-dictionary columns the scorecard reproduces published numbers from.
SCORECARD_COLUMNS = (
    "histology",
    "age_years",
    "lesion_size_mm",
    "breast_density",
    "birads",
    "calcification_pattern",
    "elasticity_kpa",
    "strain_ratio",
    "elasticity_score",
    "reader1_score",
    "reader2_score",
)


def _scorecard(args) -> int:
    from pathlib import Path

    from microcalc import safeio, tablecheck
    from microcalc.study import montecarlo, scorecard

    lesions = Path(args.lesions)
    if lesions.parent.is_dir():
        safeio.recover(lesions.parent)  # finish a write of the pair that a kill interrupted
    checked = tablecheck.read_lesion_table(
        lesions, needed=SCORECARD_COLUMNS, needed_by="the scorecard"
    )
    _warn(f"input: {w}" for w in checked.warnings)
    if args.data_dir is not None:
        data_dir = Path(args.data_dir)
        if not data_dir.is_dir():
            raise ValueError(f"--data-dir {args.data_dir!r} does not exist or is not a folder")
        montecarlo.read_results(data_dir)  # refuse a missing, truncated or mismatched pair now
    else:
        data_dir = lesions.parent
        if (data_dir / montecarlo.CSV_NAME).is_file() or (
            data_dir / montecarlo.JSON_NAME
        ).is_file():
            montecarlo.read_results(data_dir)
        else:
            _warn(
                [
                    f"no {montecarlo.CSV_NAME} in {str(data_dir)!r}: the replicate columns are "
                    "empty (pass --data-dir to name the folder of the Monte Carlo results)"
                ]
            )
    card = scorecard.build_scorecard(lesions, data_dir=data_dir)
    if args.json:
        sys.stdout.write(scorecard.scorecard_json_text(card))
    else:
        sys.stdout.write(scorecard.scorecard_csv_text(card))
    return 0


def _positive(name: str):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"--{name} must be a positive integer, got {text!r}"
            ) from None
        if value < 1:
            raise argparse.ArgumentTypeError(f"--{name} must be a positive integer, got {text!r}")
        return value

    return parse


def _replicates(text: str) -> int:
    from microcalc.study import montecarlo

    value = _positive("replicates")(text)
    try:
        return montecarlo.check_replicates(value, name="--replicates")
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _add_montecarlo(commands) -> None:
    montecarlo = commands.add_parser(
        "montecarlo",
        help="run replicate studies and write montecarlo.csv.gz and montecarlo.json",
        description="Draw replicate studies from the cohort model (unmatched mode), run the "
        "paper's analyses on each and write one row of headline numbers per replicate to "
        "montecarlo.csv.gz, with seed, replicate count and package versions in montecarlo.json.",
    )
    montecarlo.add_argument(
        "--replicates",
        type=_replicates,
        default=10000,
        help="number of replicate studies (default 10000; at most 1048576, the number whose "
        "results fit in 2 GiB of memory)",
    )
    montecarlo.add_argument(
        "--seed",
        type=_seed,
        default=cohort.DEFAULT_SEED,
        help=f"root seed; replicate i uses its i-th spawned child (default {cohort.DEFAULT_SEED})",
    )
    montecarlo.add_argument(
        "--out", type=_folder("out"), default="data", help="output folder (default data/)"
    )
    montecarlo.add_argument(
        "--jobs",
        type=_positive("jobs"),
        default=1,
        help="worker processes (default 1); the results do not depend on it",
    )
    montecarlo.add_argument("--force", action="store_true", help="overwrite existing files")
    montecarlo.add_argument("--quiet", action="store_true", help="no progress bar")


def _prepare_out(out, names: list[str], *, force: bool) -> None:
    """Before any work: the output folder is a folder, an interrupted earlier write is
    finished or undone, existing files need ``--force``, and the folder is writable."""
    from microcalc import safeio

    if out.exists() and not out.is_dir():
        raise ValueError(f"out must be a directory, but {str(out)!r} is a file")
    _warn(safeio.recover(out, names))
    existing = [str(out / name) for name in names if (out / name).exists()]
    if existing and not force:  # refuse before spending time on the work
        raise FileExistsError(f"{', '.join(existing)} exist(s); pass --force to overwrite")
    safeio.check_writable(out, names)


def _montecarlo(args) -> int:
    from pathlib import Path

    from microcalc.study import montecarlo

    out = Path(args.out)
    _prepare_out(out, [montecarlo.CSV_NAME, montecarlo.JSON_NAME], force=args.force)
    results = montecarlo.run_replicates(
        args.replicates, seed=args.seed, jobs=args.jobs, progress=not args.quiet
    )
    written = montecarlo.write_results(results, out, seed=args.seed, force=args.force)
    names = ", ".join(str(p) for p in written)
    print(
        f"wrote {names} (seed {args.seed}, {len(results)} replicates, "
        f"{int(results['converged'].sum())} with both logistic fits converged)"
    )
    return 0


def _simulate(args) -> int:
    from pathlib import Path

    out = Path(args.out)
    _prepare_out(out, ["lesions.csv", "measurements.csv"], force=args.force)
    config = cohort.default_config(match_published=not args.unmatched)
    result = cohort.simulate_cohort(config, seed=args.seed)
    written = cohort.write_cohort(result, args.out, force=args.force)
    names = ", ".join(str(p) for p in written)
    print(f"wrote {names} (seed {args.seed}, {len(result.lesions)} participants)")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status (0, 2 on an error, 130 on Ctrl-C)."""
    try:
        return _main(argv)
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `scorecard --csv | head`: the reader left, nothing to say
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
    except MemoryError:
        print("error: out of memory; try a smaller table or fewer replicates", file=sys.stderr)
        return 2
    except Exception as error:  # a bug: one line, not a traceback (MICROCALC_DEBUG=1 shows it)
        import os

        if os.environ.get("MICROCALC_DEBUG"):
            raise
        message = " ".join(str(error).split())
        print(
            f"error: internal error ({type(error).__name__}: {message}); please report it, "
            "with the command line (MICROCALC_DEBUG=1 shows the traceback)",
            file=sys.stderr,
        )
        return 1


def _main(argv: list[str] | None) -> int:
    try:
        args = _build_parser().parse_args(argv)
        if args.command == "simulate":
            return _simulate(args)
        if args.command == "montecarlo":
            return _montecarlo(args)
        if args.command == "scorecard":
            return _scorecard(args)
        if args.command == "analyze":
            return _analyze(args)
        if args.command == "reconstruct":
            return _reconstruct(args)
        raise _UsageError(f"unknown command {args.command!r}")  # pragma: no cover
    except BrokenPipeError:
        raise
    except (_UsageError, ValueError, TypeError, FileExistsError, OSError) as error:
        message = str(error).replace("\n", " ")
        print(f"error: {message}", file=sys.stderr)
        return 2
