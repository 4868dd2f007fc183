"""Figures of the book, one module per chapter.

Each function draws data or results it is given; none computes a statistic (those live in
the analysis modules).
"""

from microcalc.figures.cohort import (
    GROUP_COLOURS,
    cohort_distributions,
    seed_spread,
    set_style,
)

__all__ = ["GROUP_COLOURS", "cohort_distributions", "seed_spread", "set_style"]
