"""Diagnostic-accuracy statistics that know nothing about any one study.

Every function here takes plain arrays or a tidy table with named columns and returns a frozen
dataclass or a tidy :class:`pandas.DataFrame`. Nothing in this package imports from
:mod:`microcalc.study`, :mod:`microcalc.figures` or the command line (a test enforces it).

Modules
-------
roc
    Empirical ROC curves, AUC with DeLong's variance, paired and unpaired DeLong tests,
    Youden cutoffs, bootstrap intervals.
accuracy
    Sensitivity, specificity, predictive values, likelihood ratios and accuracy from a 2x2 table.
compare
    Two-group comparisons, Spearman correlations, normality checks, Hodges-Lehmann shifts.
logistic
    Logistic regression (Wald and profile intervals), Hosmer-Lemeshow, separation checks,
    calibration.
agreement
    Cohen's kappa, intraclass correlations, Bland-Altman limits, repeatability.
samplesize
    Sample sizes and power for AUCs, proportions and group comparisons.
decision
    Net benefit and decision curves.
optimism
    Bootstrap optimism correction of apparent performance.

The input checks shared by these modules live in the private ``_validation`` module.
"""
