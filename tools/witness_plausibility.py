"""Write data/reconstructed/witness_plausibility.csv: plausibility of every map witness.

The verdicts (``microcalc.study.verdicts``) call a witness atypical from these measures. The file is a
cache: a witness whose hash differs from the recorded one is measured afresh when the verdicts are
built, so run this after ``python -m microcalc reconstruct --map`` rewrites the witnesses.

Usage: ``python tools/witness_plausibility.py [--dir data/reconstructed]``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from microcalc.study import verdicts

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", default=str(ROOT / "data" / "reconstructed"), help="witnesses")
    args = parser.parse_args(argv)
    path = verdicts.write_witness_plausibility(args.dir)
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
