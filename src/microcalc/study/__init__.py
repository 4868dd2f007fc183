"""This one study: its published numbers, the simulated cohort and the judgement of the paper.

Modules
-------
paper
    Every published number with its location and printed precision.
variables
    The study's outcome, model predictors, labels and derived columns (``density_cd``).
cohort
    The simulated cohort calibrated to the paper.
calibration
    How closely the simulated cohort meets each published number.
readers
    The readers of this study: agreement statistics on its table layout (reader columns,
    measurement table).
reconstruct
    Searches for data sets that meet many published numbers at once (witnesses).
proofs
    Inequalities that rule published numbers out from the paper's own numbers.
audit
    Consistency checks of the published numbers (GRIM-style, CI symmetry, p-values).
verdicts
    The verdict of each published number: proved, witnessed, reproduced.
scorecard
    The scorecard of verdicts rendered for the book.
montecarlo
    The study replicated many times.
phantom
    A toy elastography phantom for the teaching chapter.

This package may import :mod:`microcalc.stats`; the reverse is forbidden.
"""
