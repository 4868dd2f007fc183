"""Logistic regression for Table 3: screening, the multivariable model, fit and calibration.

The paper screens candidate predictors with univariable logistic regressions (P < 0.10), fits a
multivariable model and reports odds ratios with 95% CIs and the Hosmer-Lemeshow test. This module
does each step on any lesion table that follows the data dictionary, adds what a reader of a
prediction model needs (profile-likelihood CIs, calibration, Nagelkerke R^2, VIF) and detects
separation before fitting, with Firth's penalised likelihood as the remedy.

The maximum-likelihood fit is statsmodels' GLM (binomial, logit link). Profile-likelihood CIs and
Firth's method are computed here by Newton-Raphson, and everything is cross-checked against R's
``glm`` in ``tests/reference/compare_logistic.R``.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import optimize, special, stats
from statsmodels.stats.outliers_influence import variance_inflation_factor
from statsmodels.tools.sm_exceptions import ConvergenceWarning, PerfectSeparationWarning

from microcalc.stats.compare import format_p_value
from microcalc.stats.validation import (
    as_binary_truth,
    as_finite_array,
    binary_column,
    category_column,
    check_same_length,
    check_table,
    numeric_column,
)

__all__ = [
    "CANDIDATES",
    "COMBINED",
    "TERM_LABELS",
    "AddedValueTest",
    "CalibrationResult",
    "HosmerLemeshowResult",
    "LogisticFit",
    "SeparationCheck",
    "added_value_null_pvalues",
    "added_value_test",
    "calibration",
    "calibration_table",
    "combined_probability",
    "cross_validated_probability",
    "detect_separation",
    "fit_logistic",
    "hosmer_lemeshow",
    "odds_ratio_table",
    "univariable_screen",
    "vif",
]

#: The paper's candidate predictors, in the order of its Table 3.
CANDIDATES = ("age_years", "lesion_size_mm", "density_cd", "elasticity_kpa", "strain_ratio")

#: The combined model whose predicted probability the ROC chapter uses.
COMBINED = ("elasticity_kpa", "strain_ratio")

#: Display labels of the model terms.
TERM_LABELS = {
    "const": "Intercept",
    "age_years": "Age (years)",
    "lesion_size_mm": "Lesion size (mm)",
    "density_cd": "Breast density (C, D vs A, B)",
    "elasticity_kpa": "Elasticity (kPa)",
    "elasticity_max_kpa": "Maximum elasticity (kPa)",
    "strain_ratio": "Strain ratio",
    "elasticity_score": "Elasticity score (1-5)",
}

_DENSITY_LEVELS = ("A", "B", "C", "D")
_TOL = 1e-10  # Newton-Raphson convergence on the step and the score
_LIMIT_ITER = 100
_SEPARATION_SUBSET = 20_000  # rows of the exact no-separation shortcut on large tables


# --------------------------------------------------------------------------- design
def _density_cd(lesions: pd.DataFrame) -> np.ndarray:
    values = category_column(lesions, "breast_density")
    for i, v in enumerate(values):
        if v not in _DENSITY_LEVELS:
            raise ValueError(
                f"column 'breast_density' must be one of A, B, C, D; row {lesions.index[i]!r} "
                f"holds {v!r}"
            )
    return np.isin(values, ("C", "D")).astype(float)


def _check_predictors(predictors) -> tuple[str, ...]:
    if isinstance(predictors, str) or not isinstance(predictors, Sequence):
        raise TypeError(f"predictors must be a list of column names, got {predictors!r}")
    predictors = tuple(predictors)
    if not predictors:
        raise ValueError("predictors is empty")
    for p in predictors:
        if not isinstance(p, str):
            raise TypeError(f"predictor names must be strings, got {p!r}")
        if p == "const":
            raise ValueError("'const' is reserved for the intercept; do not pass it")
    if len(set(predictors)) != len(predictors):
        raise ValueError(f"predictors has duplicates: {list(predictors)}")
    return predictors


def _design(lesions: pd.DataFrame, predictors: tuple[str, ...]) -> pd.DataFrame:
    """Design matrix with an intercept column ``const``.

    A predictor is a numeric column of ``lesions``, or ``"density_cd"`` (1 for breast density C or
    D, 0 for A or B) derived from ``breast_density`` when the table has no such column.
    """
    columns = {"const": np.ones(len(lesions))}
    for p in predictors:
        if p == "density_cd" and "density_cd" not in lesions.columns:
            columns[p] = _density_cd(lesions)
        else:
            columns[p] = numeric_column(lesions, p)
    return pd.DataFrame(columns, index=lesions.index)


def _check_rank(X: np.ndarray, names: Sequence[str]) -> None:
    if X.shape[0] < X.shape[1]:
        raise ValueError(
            f"the model has {X.shape[1]} parameters (intercept and {', '.join(names[1:])}) but "
            f"the table has only {X.shape[0]} rows; it cannot be estimated (use fewer predictors "
            "or more lesions)"
        )
    rank = np.linalg.matrix_rank(X)
    if rank < X.shape[1]:
        for j in range(1, X.shape[1]):
            if np.linalg.matrix_rank(X[:, : j + 1]) <= j:
                raise ValueError(
                    f"predictor {names[j]!r} is constant or a linear combination of the "
                    "predictors before it; the model is not identifiable"
                )
        raise ValueError("the design matrix is rank deficient")


# --------------------------------------------------------------------------- separation
@dataclass(frozen=True)
class SeparationCheck:
    """Result of the linear-programming check for separation.

    Attributes
    ----------
    status : str
        ``"none"``, ``"quasi_complete"`` or ``"complete"``.
    terms : tuple of str
        Predictors (besides the intercept) in the separating direction found.
    n_separated : int
        Lesions classified perfectly by that direction (strictly on their side of it).
    message : str
        A sentence for the reader; empty when ``status == "none"``.
    """

    status: str
    terms: tuple[str, ...]
    n_separated: int
    message: str

    @property
    def separated(self) -> bool:
        """True for complete or quasi-complete separation."""
        return self.status != "none"


def _separation(X: np.ndarray, y: np.ndarray, names: Sequence[str]) -> SeparationCheck:
    n, k = X.shape
    if n > _SEPARATION_SUBSET:
        # Exact shortcut for large tables: if a subset of full column rank admits no separating
        # direction (A_S beta >= 0 only for beta = 0), neither does the whole table, whose
        # constraints include the subset's. Otherwise the full linear program decides.
        subset = np.linspace(0, n - 1, _SEPARATION_SUBSET).round().astype(np.int64)
        if 0 < y[subset].sum() < subset.size and np.linalg.matrix_rank(X[subset]) == k:
            if _separation(X[subset], y[subset], names).status == "none":
                return SeparationCheck("none", (), 0, "")
    Z = X.copy()
    for j in range(k):  # centre and scale non-constant columns; separation is unaffected
        sd = Z[:, j].std()
        if sd > 0:
            Z[:, j] = (Z[:, j] - Z[:, j].mean()) / sd
    A = (2.0 * y - 1.0)[:, None] * Z
    bounds = [(-1.0, 1.0)] * k
    # quasi-complete or complete: some beta with A beta >= 0 and A beta != 0
    lp = optimize.linprog(-A.sum(axis=0), A_ub=-A, b_ub=np.zeros(n), bounds=bounds, method="highs")
    tol = 1e-7 * n
    if lp.status != 0 or -lp.fun <= tol:
        return SeparationCheck("none", (), 0, "")
    beta = lp.x
    # complete: some beta with A beta >= t > 0 for every row
    c = np.zeros(k + 1)
    c[-1] = -1.0
    A_ub = np.hstack([-A, np.ones((n, 1))])
    lp2 = optimize.linprog(
        c, A_ub=A_ub, b_ub=np.zeros(n), bounds=[*bounds, (0.0, 1.0)], method="highs"
    )
    complete = lp2.status == 0 and -lp2.fun > 1e-7
    if complete:
        beta = lp2.x[:-1]
    margin = A @ beta
    n_sep = int(np.sum(margin > 1e-7))
    scale = np.abs(beta).max()
    terms = tuple(names[j] for j in range(1, k) if abs(beta[j]) > 1e-6 * scale)
    status = "complete" if complete else "quasi_complete"
    what = "complete separation" if complete else "quasi-complete separation"
    involved = ", ".join(terms) if terms else "the intercept"
    message = (
        f"{what}: a linear combination of {involved} predicts the outcome perfectly for "
        f"{n_sep} of {n} lesions, so maximum-likelihood estimates do not exist (the coefficients "
        "diverge to infinity and their SEs and p-values are meaningless). Fit with "
        "method='firth' (Firth's penalised likelihood), or remove or merge the offending "
        "predictor or category."
    )
    return SeparationCheck(status, terms, n_sep, message)


def detect_separation(
    lesions: pd.DataFrame, *, predictors: Sequence[str], outcome: str = "malignant"
) -> SeparationCheck:
    """Detect complete or quasi-complete separation before fitting a logistic model.

    Parameters
    ----------
    lesions : pandas.DataFrame
        The lesion table.
    predictors : sequence of str
        Model predictors (numeric columns, or ``"density_cd"``).
    outcome : str, default "malignant"
        The 0/1 outcome column.

    Returns
    -------
    SeparationCheck

    Notes
    -----
    With :math:`s_i = 2y_i - 1` and design rows :math:`x_i` (intercept included), the data are
    (quasi-)separated when some :math:`\\beta \\ne 0` has :math:`s_i x_i^T\\beta \\ge 0` for every
    lesion with at least one strict inequality; then the log-likelihood increases without bound
    along :math:`\\beta` and the MLE does not exist. The linear program of Konis (2007)
    maximises :math:`\\sum_i s_i x_i^T\\beta` subject to :math:`s_i x_i^T\\beta \\ge 0` and
    :math:`|\\beta_j| \\le 1` (columns standardised); a positive optimum means separation. A second
    program maximises the smallest margin :math:`t`; :math:`t > 0` means complete separation.
    This is exact, unlike the usual symptoms (huge coefficients, fitted probabilities of 0 or 1,
    non-convergence warnings).

    References
    ----------
    Albert A, Anderson JA. On the existence of maximum likelihood estimates in logistic
    regression models. Biometrika. 1984;71:1-10.
    Konis K. Linear programming algorithms for detecting separated data in binary logistic
    regression models. DPhil thesis, University of Oxford; 2007.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"malignant": [0, 0, 0, 1, 1, 1],
    ...                       "strain_ratio": [1.0, 1.2, 1.4, 2.1, 2.5, 3.0]})
    >>> detect_separation(table, predictors=["strain_ratio"]).status
    'complete'
    """
    lesions = check_table(lesions)
    predictors = _check_predictors(predictors)
    design = _design(lesions, predictors)
    y = binary_column(lesions, outcome).astype(float)
    return _separation(design.to_numpy(), y, list(design.columns))


# --------------------------------------------------------------------------- Newton fits
def _loglik(eta: np.ndarray, y: np.ndarray) -> float:
    return float(np.sum(y * eta - np.logaddexp(0.0, eta)))


def _objective(X, y, beta, offset, firth: bool) -> tuple[float, np.ndarray, np.ndarray]:
    """(Penalised) log-likelihood, its score (modified for Firth) and the Fisher information."""
    eta = X @ beta + offset
    p = special.expit(eta)
    w = p * (1 - p)
    info = (X * w[:, None]).T @ X
    value = _loglik(eta, y)
    resid = y - p
    if firth:
        sign, logdet = np.linalg.slogdet(info)
        value += 0.5 * logdet if sign > 0 else -math.inf
        xw = X * np.sqrt(w)[:, None]
        h = np.einsum("ij,ij->i", xw @ np.linalg.pinv(info), xw)
        resid = resid + h * (0.5 - p)
    return value, X.T @ resid, info


def _newton(X, y, beta, free, firth: bool) -> tuple[np.ndarray, float, bool]:
    """Maximise the (penalised) log-likelihood over ``beta[free]``, the rest held fixed.

    Newton-Raphson with Fisher scoring and step halving, as logistf; the Firth penalty always
    uses the information of the full model (fixed coefficients included).
    """
    beta = beta.astype(float).copy()
    value, score, info = _objective(X, y, beta, 0.0, firth)
    converged = False
    for _ in range(_LIMIT_ITER):
        g = score[free]
        if not free.any():
            converged = True
            break
        step = np.linalg.solve(info[np.ix_(free, free)], g)
        biggest = np.abs(step).max()
        if biggest > 5.0:  # logistf's maxstep
            step *= 5.0 / biggest
        for _ in range(30):
            trial = beta.copy()
            trial[free] += step
            t_value, t_score, t_info = _objective(X, y, trial, 0.0, firth)
            if t_value >= value - 1e-12 * abs(value):
                break
            step /= 2
        beta, value, score, info = trial, t_value, t_score, t_info
        if np.abs(step).max() < _TOL and np.abs(score[free]).max() < _TOL * max(1.0, len(y)):
            converged = True
            break
    return beta, value, converged


def _profile_bounds(X, y, beta_hat, value_hat, se, j, level, firth) -> tuple[float, float]:
    """Profile (penalised) likelihood interval of coefficient ``j`` by root finding."""
    cutoff = float(stats.chi2.ppf(level, 1))
    free = np.ones(X.shape[1], dtype=bool)
    free[j] = False
    start = beta_hat.copy()

    def excess(b: float) -> float:
        trial = start.copy()
        trial[j] = b
        _, value, _ = _newton(X, y, trial, free, firth)
        return 2 * (value_hat - value) - cutoff

    z = math.sqrt(cutoff)
    bounds = []
    for direction in (-1.0, 1.0):
        step = max(se, 1e-8)
        edge = beta_hat[j] + direction * z * step
        tries = 0
        while excess(edge) < 0:
            edge += direction * step
            step *= 1.5
            tries += 1
            if tries > 60:
                edge = math.copysign(math.inf, direction)
                break
        if math.isinf(edge):
            bounds.append(edge)
            continue
        lo, hi = sorted((beta_hat[j], edge))
        bounds.append(optimize.brentq(excess, lo, hi, xtol=1e-12, rtol=1e-14, maxiter=200))
    return bounds[0], bounds[1]


# --------------------------------------------------------------------------- fit
@dataclass(frozen=True, eq=False)
class LogisticFit:
    """A fitted logistic regression model.

    Attributes
    ----------
    predictors : tuple of str
    outcome : str
    method : str
        ``"mle"`` (statsmodels GLM) or ``"firth"``.
    n, n_events : int
    coefficients : pandas.DataFrame
        One row per term (``const`` first): ``term``, ``label``, ``coef``, ``se``, ``z``,
        ``p_value`` (Wald), ``odds_ratio``, ``ci_low``/``ci_high`` (Wald CI of the OR),
        ``profile_ci_low``/``profile_ci_high`` (profile-likelihood CI of the OR; NaN when
        ``profile=False``), ``lr_p_value`` (likelihood-ratio test of the term).
    loglik, loglik_null : float
        Log-likelihood of the model and of the intercept-only model (Firth: penalised).
    aic : float
    cox_snell_r2, nagelkerke_r2 : float
    converged : bool
    separation : SeparationCheck
    level : float
        Confidence level of the intervals.
    fitted : numpy.ndarray
        Predicted probabilities of the rows used in the fit.
    """

    predictors: tuple[str, ...]
    outcome: str
    method: str
    n: int
    n_events: int
    coefficients: pd.DataFrame
    loglik: float
    loglik_null: float
    aic: float
    cox_snell_r2: float
    nagelkerke_r2: float
    converged: bool
    separation: SeparationCheck
    level: float
    fitted: np.ndarray = field(repr=False)

    @property
    def params(self) -> pd.Series:
        """Coefficients on the log-odds scale, indexed by term."""
        return self.coefficients.set_index("term")["coef"]

    def predict(self, lesions: pd.DataFrame) -> pd.Series:
        """Predicted probability for each row of a (new) lesion table.

        Examples
        --------
        >>> import pandas as pd
        >>> table = pd.DataFrame({"malignant": [0, 1, 0, 1, 1, 0],
        ...                       "strain_ratio": [1.0, 1.2, 1.4, 2.1, 2.5, 2.2]})
        >>> fit = fit_logistic(table, predictors=["strain_ratio"], profile=False)
        >>> fit.predict(pd.DataFrame({"strain_ratio": [1.5]})).round(3).tolist()
        [0.421]
        """
        lesions = check_table(lesions)
        design = _design(lesions, self.predictors)
        eta = design.to_numpy() @ self.params.to_numpy()
        return pd.Series(special.expit(eta), index=lesions.index, name="predicted_probability")


def _exp(x: float) -> float:
    """exp(x) as a float, inf instead of an OverflowError (a near-separated fit's odds ratio)."""
    with np.errstate(over="ignore"):
        return float(np.exp(x))


def fit_logistic(
    lesions: pd.DataFrame,
    *,
    predictors: Sequence[str],
    outcome: str = "malignant",
    method: str = "mle",
    level: float = 0.95,
    profile: bool = True,
) -> LogisticFit:
    """Fit a logistic regression of the outcome on the predictors.

    Parameters
    ----------
    lesions : pandas.DataFrame
        The lesion table.
    predictors : sequence of str
        Numeric columns, or ``"density_cd"`` (breast density C or D vs A or B, derived from
        ``breast_density``). An intercept is always added.
    outcome : str, default "malignant"
        The 0/1 outcome column.
    method : {"mle", "firth", "auto"}, default "mle"
        ``"mle"``: maximum likelihood (statsmodels GLM); raises ``ValueError`` with a clear
        message if the data are separated. ``"firth"``: Firth's penalised likelihood.
        ``"auto"``: MLE unless separation is detected, then Firth (``fit.method`` says which).
    level : float, default 0.95
        Confidence level.
    profile : bool, default True
        Compute profile-likelihood CIs and likelihood-ratio p-values (two constrained fits per
        term and a root search; set False in Monte Carlo loops).

    Returns
    -------
    LogisticFit

    Notes
    -----
    Model: :math:`\\operatorname{logit} P(y=1) = \\beta_0 + \\sum_j \\beta_j x_j`; the OR per
    unit of :math:`x_j` is :math:`e^{\\beta_j}`.

    * Wald: :math:`\\hat\\beta_j \\pm z_{1-\\alpha/2} SE_j` and :math:`p = 2\\Phi(-|z|)` (SPSS, R's
      ``summary.glm`` and ``confint.default``).
    * Profile likelihood: the :math:`\\beta_j` with
      :math:`2\\{\\ell(\\hat\\beta) - \\max_{\\beta_{-j}} \\ell(\\beta_j, \\beta_{-j})\\} =
      \\chi^2_{1,1-\\alpha}`, found by root search on exact constrained fits. R's
      ``confint.glm`` (MASS) interpolates a spline through a grid of the same profile, so it
      agrees to about 4-5 significant digits; the exact root is reproduced in the R script.
    * Likelihood-ratio p: the same statistic at :math:`\\beta_j = 0`.
    * Cox-Snell :math:`R^2 = 1 - \\exp\\{2(\\ell_0 - \\ell)/n\\}`; Nagelkerke divides it by its
      maximum :math:`1 - \\exp(2\\ell_0/n)`.
    * Separation is checked first by :func:`detect_separation` (exact linear programming), so the
      user gets one sentence instead of a wall of convergence warnings.
    * Firth (1993): maximises :math:`\\ell(\\beta) + \\tfrac12\\log|X^TWX|` (Jeffreys prior) by
      Newton-Raphson on the modified score :math:`X^T\\{y - p + h(\\tfrac12 - p)\\}` with step
      halving, as R's logistf; estimates are finite under separation and less biased in small
      samples. SEs come from :math:`(X^TWX)^{-1}` at the estimate; profile CIs and LR p-values
      use the penalised likelihood (logistf's defaults). statsmodels' ``fit_regularized`` (L1 or
      elastic net) is not offered: it shrinks towards zero, is not Firth's correction, and gives
      no standard errors. With Firth, ``loglik`` and ``loglik_null`` are penalised (the null
      model keeps the full model's penalty, as logistf), so R^2 is a rough guide only; ``aic``
      uses the plain log-likelihood at the Firth estimate. Under complete separation the
      penalised profile can have several local maxima on the separated side, so that profile
      limit is approximate (R's optimiser can settle on a different one).

    References
    ----------
    Hosmer DW, Lemeshow S, Sturdivant RX. Applied Logistic Regression. 3rd ed. Wiley; 2013.
    Venzon DJ, Moolgavkar SH. A method for computing profile-likelihood-based confidence
    intervals. Appl Stat. 1988;37:87-94.
    Nagelkerke NJD. A note on a general definition of the coefficient of determination.
    Biometrika. 1991;78:691-692.
    Firth D. Bias reduction of maximum likelihood estimates. Biometrika. 1993;80:27-38.
    Heinze G, Schemper M. A solution to the problem of separation in logistic regression. Stat
    Med. 2002;21:2409-2419.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> e = rng.normal(65, 18, 300)
    >>> table = pd.DataFrame({"elasticity_kpa": e,
    ...                       "malignant": rng.binomial(1, 1 / (1 + np.exp(-(e - 65) / 10)))})
    >>> fit = fit_logistic(table, predictors=["elasticity_kpa"])
    >>> bool(fit.coefficients.loc[1, "odds_ratio"] > 1)
    True
    """
    lesions = check_table(lesions)
    predictors = _check_predictors(predictors)
    if method not in ("mle", "firth", "auto"):
        raise ValueError(f"method must be 'mle', 'firth' or 'auto'; got {method!r}")
    if not isinstance(level, float) or not 0 < level < 1:
        raise ValueError(f"level must be a float between 0 and 1, got {level!r}")
    design = _design(lesions, predictors)
    y = binary_column(lesions, outcome).astype(float)
    names = list(design.columns)
    X = design.to_numpy()
    n = len(y)
    n_events = int(y.sum())
    if n_events in (0, n):
        raise ValueError(
            f"column {outcome!r} holds only {int(y[0])}s; a logistic model needs both outcomes"
        )
    _check_rank(X, names)
    separation = _separation(X, y, names)
    if separation.separated and method == "mle":
        raise ValueError(separation.message)
    use_firth = method == "firth" or (method == "auto" and separation.separated)

    if use_firth:
        beta, value, converged = _newton(
            X, y, np.zeros(X.shape[1]), np.ones(X.shape[1], bool), True
        )
        _, _, info = _objective(X, y, beta, 0.0, True)
        se = np.sqrt(np.diag(np.linalg.inv(info)))
        free0 = np.zeros(X.shape[1], bool)
        free0[0] = True
        _, value_null, _ = _newton(X, y, np.zeros(X.shape[1]), free0, True)
        loglik_plain = _loglik(X @ beta, y)
        fitted = special.expit(X @ beta)
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            warnings.simplefilter("ignore", PerfectSeparationWarning)
            warnings.simplefilter("ignore", RuntimeWarning)
            # Newton-Raphson on the logit likelihood (= IRLS for the canonical link, as R's glm),
            # without the per-iteration least-squares solve of GLM: 5x faster on large tables
            result = sm.Logit(y, X).fit(method="newton", tol=1e-12, maxiter=200, disp=0)
        beta = np.asarray(result.params, dtype=float)
        # polish with Newton steps so that the profile search starts from the exact maximum
        beta, value, converged = _newton(X, y, beta, np.ones(X.shape[1], bool), False)
        converged = bool(converged and result.mle_retvals["converged"])
        _, _, info = _objective(X, y, beta, 0.0, False)
        se = np.sqrt(np.diag(np.linalg.inv(info)))
        pbar = y.mean()
        value_null = float(n * (pbar * math.log(pbar) + (1 - pbar) * math.log(1 - pbar)))
        loglik_plain = value
        fitted = special.expit(X @ beta)
    if not converged:
        warnings.warn(
            f"the logistic fit of {outcome} on {', '.join(predictors)} did not converge in "
            f"{_LIMIT_ITER} iterations; treat its estimates with caution",
            RuntimeWarning,
            stacklevel=2,
        )

    zcrit = float(stats.norm.ppf(0.5 + level / 2))
    zstat = beta / se
    rows = []
    for j, term in enumerate(names):
        if profile:
            lo, hi = _profile_bounds(X, y, beta, value, se[j], j, level, use_firth)
            free = np.ones(X.shape[1], bool)
            free[j] = False
            start = beta.copy()
            start[j] = 0.0
            _, value0, _ = _newton(X, y, start, free, use_firth)
            lr_p = float(stats.chi2.sf(max(2 * (value - value0), 0.0), 1))
        else:
            lo = hi = lr_p = math.nan
        rows.append(
            {
                "term": term,
                "label": TERM_LABELS.get(term, term),
                "coef": beta[j],
                "se": se[j],
                "z": zstat[j],
                "p_value": float(2 * stats.norm.sf(abs(zstat[j]))),
                "odds_ratio": _exp(beta[j]),
                "ci_low": _exp(beta[j] - zcrit * se[j]),
                "ci_high": _exp(beta[j] + zcrit * se[j]),
                "profile_ci_low": _exp(lo) if np.isfinite(lo) else (0.0 if lo < 0 else lo),
                "profile_ci_high": _exp(hi) if np.isfinite(hi) else hi,
                "lr_p_value": lr_p,
            }
        )
    coefficients = pd.DataFrame(rows)
    cox_snell = 1 - math.exp(2 * (value_null - value) / n)
    nagelkerke = cox_snell / (1 - math.exp(2 * value_null / n))
    return LogisticFit(
        predictors=predictors,
        outcome=outcome,
        method="firth" if use_firth else "mle",
        n=n,
        n_events=n_events,
        coefficients=coefficients,
        loglik=float(value),
        loglik_null=float(value_null),
        aic=float(2 * X.shape[1] - 2 * loglik_plain),
        cox_snell_r2=float(cox_snell),
        nagelkerke_r2=float(nagelkerke),
        converged=bool(converged),
        separation=separation,
        level=level,
        fitted=fitted,
    )


# --------------------------------------------------------------------------- tables
def univariable_screen(
    lesions: pd.DataFrame,
    *,
    predictors: Sequence[str] = CANDIDATES,
    outcome: str = "malignant",
    threshold: float = 0.10,
    test: str = "wald",
    method: str = "mle",
    level: float = 0.95,
    profile: bool = True,
) -> pd.DataFrame:
    """Univariable logistic regression of the outcome on each candidate, screened at P < 0.10.

    Parameters
    ----------
    lesions : pandas.DataFrame
        The lesion table.
    predictors : sequence of str, default :data:`CANDIDATES`
        Candidates, each fitted alone (with an intercept).
    outcome : str, default "malignant"
    threshold : float, default 0.10
        A candidate is ``selected`` when its p-value is below ``threshold`` (the paper's rule).
    test : {"wald", "lr"}, default "wald"
        Which p-value the screen uses: Wald (SPSS's default) or likelihood ratio.
    method : {"mle", "firth", "auto"}, default "mle"
        See :func:`fit_logistic`.
    level : float, default 0.95
    profile : bool, default True
        Compute profile-likelihood intervals and likelihood-ratio p-values (see
        :func:`fit_logistic`); without them ``profile_ci_*`` and ``lr_p_value`` are NaN.

    Returns
    -------
    pandas.DataFrame
        One row per candidate: ``term``, ``label``, ``n``, ``coef``, ``se``, ``z``, ``p_value``,
        ``lr_p_value``, ``odds_ratio``, ``ci_low``, ``ci_high``, ``profile_ci_low``,
        ``profile_ci_high``, ``method``, ``selected``.

    Notes
    -----
    Screening by univariable p-values is what the paper reports; it is known to be unstable and
    to miss confounded predictors (Sun, Shook & Kay 1996). The paper's Table 3 includes age
    although its univariable P was 0.114, so its model is not the one its stated rule selects;
    pass the predictors explicitly to :func:`fit_logistic` to reproduce either.

    References
    ----------
    Sun GW, Shook TL, Kay GL. Inappropriate use of bivariable analysis to screen risk factors
    for use in multivariable analysis. J Clin Epidemiol. 1996;49:907-916.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> e = rng.normal(65, 18, 200)
    >>> lesions = pd.DataFrame({
    ...     "elasticity_kpa": e,
    ...     "strain_ratio": 1.75 + 0.02 * (e - 65) + rng.normal(0, 0.3, 200),
    ...     "malignant": rng.binomial(1, 1 / (1 + np.exp(-(e - 65) / 10)))})
    >>> screen = univariable_screen(lesions, predictors=list(COMBINED))
    >>> list(screen.loc[screen.selected, "term"])
    ['elasticity_kpa', 'strain_ratio']
    """
    predictors = _check_predictors(predictors)
    if test not in ("wald", "lr"):
        raise ValueError(f"test must be 'wald' or 'lr', got {test!r}")
    if test == "lr" and not profile:
        raise ValueError("test='lr' needs the likelihood-ratio p-values; pass profile=True")
    if not 0 < threshold < 1:
        raise ValueError(f"threshold must be between 0 and 1, got {threshold!r}")
    rows = []
    for p in predictors:
        fit = fit_logistic(
            lesions, predictors=[p], outcome=outcome, method=method, level=level, profile=profile
        )
        row = fit.coefficients.iloc[1].to_dict()
        row["n"] = fit.n
        row["method"] = fit.method
        rows.append(row)
    table = pd.DataFrame(rows)
    column = "p_value" if test == "wald" else "lr_p_value"
    table["selected"] = table[column] < threshold
    first = ["term", "label", "n", "coef", "se", "z", "p_value", "lr_p_value", "odds_ratio"]
    rest = ["ci_low", "ci_high", "profile_ci_low", "profile_ci_high", "method", "selected"]
    return table[first + rest]


def odds_ratio_table(
    fit: LogisticFit,
    *,
    per: Mapping[str, float] | None = None,
    include_intercept: bool = False,
    digits: int = 2,
) -> pd.DataFrame:
    """Table 3: odds ratios with Wald and profile-likelihood CIs and p-values.

    Parameters
    ----------
    fit : LogisticFit
        From :func:`fit_logistic`.
    per : mapping, optional
        Unit of each predictor's OR, for example ``{"elasticity_kpa": 10}`` for the OR per
        10 kPa; default 1 for every term.
    include_intercept : bool, default False
    digits : int, default 2
        Decimals of the ``or_text`` column.

    Returns
    -------
    pandas.DataFrame
        ``term``, ``label``, ``per``, ``odds_ratio``, ``ci_low``, ``ci_high``, ``profile_ci_low``,
        ``profile_ci_high``, ``p_value``, ``lr_p_value``, ``or_text`` (``"1.09 (1.06-1.12)"``,
        Wald), ``p_text``.

    Notes
    -----
    The OR per :math:`k` units is :math:`e^{k\\beta}`, and its CI is the per-unit CI raised to the
    power :math:`k` (Wald and profile alike, both being invariant under this rescaling). An OR of
    1.09 per kPa is :math:`1.09^{10} \\approx 2.37` per 10 kPa.

    References
    ----------
    Hosmer DW, Lemeshow S, Sturdivant RX. Applied Logistic Regression. 3rd ed. Wiley; 2013,
    section 3.5.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> e = rng.normal(65, 18, 200)
    >>> lesions = pd.DataFrame({
    ...     "elasticity_kpa": e,
    ...     "strain_ratio": 1.75 + 0.02 * (e - 65) + rng.normal(0, 0.3, 200),
    ...     "malignant": rng.binomial(1, 1 / (1 + np.exp(-(e - 65) / 10)))})
    >>> fit = fit_logistic(lesions, predictors=["elasticity_kpa"])
    >>> table = odds_ratio_table(fit, per={"elasticity_kpa": 10})
    >>> bool(table.odds_ratio[0] > 1)
    True
    """
    if not isinstance(fit, LogisticFit):
        raise TypeError(f"fit must be a LogisticFit, got {type(fit).__name__}")
    per = dict(per or {})
    for term, k in per.items():
        if term not in fit.predictors:
            raise ValueError(f"per names {term!r}, which is not a predictor of the model")
        if not isinstance(k, (int, float)) or not np.isfinite(k) or k <= 0:
            raise ValueError(f"per[{term!r}] must be a positive number, got {k!r}")
    table = fit.coefficients.copy()
    if not include_intercept:
        table = table[table.term != "const"].reset_index(drop=True)
    table["per"] = [float(per.get(t, 1.0)) for t in table.term]
    for column in ("odds_ratio", "ci_low", "ci_high", "profile_ci_low", "profile_ci_high"):
        table[column] = table[column] ** table["per"]
    table["or_text"] = [
        f"{o:.{digits}f} ({lo:.{digits}f}-{hi:.{digits}f})"
        for o, lo, hi in zip(table.odds_ratio, table.ci_low, table.ci_high, strict=True)
    ]
    table["p_text"] = [format_p_value(p) for p in table.p_value]
    columns = ["term", "label", "per", "odds_ratio", "ci_low", "ci_high", "profile_ci_low"]
    columns += ["profile_ci_high", "p_value", "lr_p_value", "or_text", "p_text"]
    return table[columns]


def vif(lesions: pd.DataFrame, *, predictors: Sequence[str]) -> pd.DataFrame:
    """Variance inflation factors of the predictors.

    Parameters
    ----------
    lesions : pandas.DataFrame
    predictors : sequence of str
        At least two predictors (numeric columns or ``"density_cd"``).

    Returns
    -------
    pandas.DataFrame
        ``term``, ``label``, ``vif``.

    Notes
    -----
    :math:`VIF_j = 1/(1 - R_j^2)`, with :math:`R_j^2` from the least-squares regression of
    predictor :math:`j` on the others and an intercept (statsmodels'
    ``variance_inflation_factor`` on a design with a constant). Values above 5 (some say 10)
    flag collinearity; two predictors correlated at r = 0.75 alone give :math:`1/(1-0.5625)
    \\approx 2.3`.

    References
    ----------
    Fox J, Monette G. Generalized collinearity diagnostics. J Am Stat Assoc. 1992;87:178-183.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> e = rng.normal(65, 18, 200)
    >>> lesions = pd.DataFrame({
    ...     "elasticity_kpa": e,
    ...     "strain_ratio": 1.75 + 0.02 * (e - 65) + rng.normal(0, 0.3, 200),
    ...     "malignant": rng.binomial(1, 1 / (1 + np.exp(-(e - 65) / 10)))})
    >>> table = vif(lesions, predictors=["elasticity_kpa", "strain_ratio"])
    >>> bool((table.vif > 1).all())
    True
    """
    lesions = check_table(lesions)
    predictors = _check_predictors(predictors)
    if len(predictors) < 2:
        raise ValueError("VIF needs at least two predictors")
    design = _design(lesions, predictors)
    X = design.to_numpy()
    _check_rank(X, list(design.columns))
    values = [float(variance_inflation_factor(X, j)) for j in range(1, X.shape[1])]
    return pd.DataFrame(
        {
            "term": list(predictors),
            "label": [TERM_LABELS.get(p, p) for p in predictors],
            "vif": values,
        }
    )


def combined_probability(
    lesions: pd.DataFrame,
    *,
    predictors: Sequence[str] = COMBINED,
    outcome: str = "malignant",
    method: str = "mle",
) -> pd.Series:
    """Predicted probability of malignancy from the combined model (elasticity + strain ratio).

    Parameters
    ----------
    lesions : pandas.DataFrame
    predictors : sequence of str, default :data:`COMBINED`
    outcome : str, default "malignant"
    method : {"mle", "firth", "auto"}, default "mle"

    Returns
    -------
    pandas.Series
        Named ``"combined_probability"``, indexed like ``lesions``.

    Notes
    -----
    The model is fitted and evaluated on the same lesions, as the paper does for its combined
    AUC; the result is the apparent (optimistic) performance. For an honest estimate, fit on one
    table and use :meth:`LogisticFit.predict` on another, or bootstrap.

    References
    ----------
    Steyerberg EW. Clinical Prediction Models. 2nd ed. Springer; 2019, chapter 5.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> e = rng.normal(65, 18, 200)
    >>> lesions = pd.DataFrame({
    ...     "elasticity_kpa": e,
    ...     "strain_ratio": 1.75 + 0.02 * (e - 65) + rng.normal(0, 0.3, 200),
    ...     "malignant": rng.binomial(1, 1 / (1 + np.exp(-(e - 65) / 10)))})
    >>> score = combined_probability(lesions)
    >>> bool(score.between(0, 1).all())
    True
    """
    fit = fit_logistic(
        lesions, predictors=predictors, outcome=outcome, method=method, profile=False
    )
    return pd.Series(fit.fitted, index=lesions.index, name="combined_probability")


def cross_validated_probability(
    lesions: pd.DataFrame,
    *,
    predictors: Sequence[str],
    outcome: str = "malignant",
    folds: int = 10,
    seed: int = 0,
    method: str = "mle",
) -> pd.Series:
    """Out-of-fold predicted probabilities by stratified k-fold cross-validation.

    Parameters
    ----------
    lesions : pandas.DataFrame
        The lesion table.
    predictors : sequence of str
        Model predictors (see :func:`fit_logistic`).
    outcome : str, default "malignant"
    folds : int, default 10
        Number of folds k (at least 2, at most the size of the smaller outcome group).
    seed : int, default 0
        Seed of the ``numpy.random.Generator`` that shuffles the lesions into folds.
    method : {"mle", "firth", "auto"}, default "mle"
        Fitting method of each training fit (see :func:`fit_logistic`).

    Returns
    -------
    pandas.Series
        Named ``"cv_probability"``, indexed like ``lesions``: each lesion's probability from the
        model fitted to the other k - 1 folds.

    Notes
    -----
    Folds are stratified: the lesions of each outcome are shuffled with the seeded generator and
    dealt to folds in turn, so every fold holds (almost) the same share of events. Each lesion's
    prediction comes from a model that never saw it, so calibration slope and intercept computed
    from these probabilities (:func:`calibration`) measure what apparent calibration cannot: on the
    fitted data maximum likelihood forces slope 1 and intercept 0. A slope below 1 means the
    fitted coefficients are too extreme for new lesions (overfitting).

    References
    ----------
    Steyerberg EW. Clinical Prediction Models. 2nd ed. Springer; 2019, chapter 17.
    Van Calster B, McLernon DJ, van Smeden M, et al. Calibration: the Achilles heel of predictive
    analytics. BMC Med. 2019;17:230.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> e = rng.normal(65, 18, 200)
    >>> lesions = pd.DataFrame({"elasticity_kpa": e,
    ...     "malignant": rng.binomial(1, 1 / (1 + np.exp(-(e - 65) / 10)))})
    >>> p = cross_validated_probability(lesions, predictors=["elasticity_kpa"], folds=5)
    >>> bool(p.between(0, 1).all()), len(p)
    (True, 200)
    """
    lesions = check_table(lesions)
    predictors = _check_predictors(predictors)
    y = binary_column(lesions, outcome)
    smaller = int(min(y.sum(), y.size - y.sum()))
    if not isinstance(folds, (int, np.integer)) or isinstance(folds, bool) or folds < 2:
        raise ValueError(f"folds must be an integer of at least 2, got {folds!r}")
    if folds > smaller:
        raise ValueError(
            f"folds = {folds} exceeds the {smaller} lesions of the smaller outcome group"
        )
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
        raise TypeError(f"seed must be an integer, got {seed!r}")
    rng = np.random.default_rng(seed)
    fold = np.empty(y.size, dtype=int)
    for value in (0, 1):
        members = np.flatnonzero(y == value)
        fold[rng.permutation(members)] = np.arange(members.size) % folds
    probability = np.empty(y.size)
    for k in range(folds):
        test = fold == k
        fit = fit_logistic(
            lesions.iloc[~test],
            predictors=predictors,
            outcome=outcome,
            method=method,
            profile=False,
        )
        probability[test] = fit.predict(lesions.iloc[test]).to_numpy()
    return pd.Series(probability, index=lesions.index, name="cv_probability")


# --------------------------------------------------------------------------- calibration
def _check_probabilities(truth, probability) -> tuple[np.ndarray, np.ndarray]:
    y = as_binary_truth(truth, "truth").astype(float)
    p = as_finite_array(probability, "probability")
    check_same_length(truth=y, probability=p)
    bad = np.flatnonzero((p < 0) | (p > 1))
    if bad.size:
        i = int(bad[0])
        raise ValueError(f"probability must lie in [0, 1]; found {p[i]!r} at position {i}")
    return y, p


def _risk_groups(p: np.ndarray, groups: int) -> np.ndarray:
    """Group index of each probability by ResourceSelection::hoslem.test's rule (see there)."""
    x = np.sort(p)
    n = x.size
    probs = np.minimum(np.arange(groups + 1) * (1.0 / groups), 1.0)  # R: seq(0, 1, 1/g)
    index = 1 + max(n - 1, 0) * probs  # R's quantile(type = 7), term by term
    lo = np.floor(index).astype(int)
    hi = np.ceil(index).astype(int)
    qs = x[lo - 1].copy()
    h = index - lo
    move = (index > lo) & (x[hi - 1] != qs)
    qs[move] = (1 - h[move]) * qs[move] + h[move] * x[hi - 1][move]
    breaks = np.unique(qs)
    if breaks.size < 2:
        return np.zeros(n, dtype=int)
    # cut(..., include.lowest = TRUE): (b_k, b_k+1], the first interval closed on the left
    index = np.searchsorted(breaks, p, side="left") - 1
    index = np.clip(index, 0, breaks.size - 2)
    _, codes = np.unique(index, return_inverse=True)  # drop empty groups
    return codes


def calibration_table(truth, probability, *, groups: int = 10) -> pd.DataFrame:
    """Observed vs predicted risk by group of predicted risk (deciles by default).

    Parameters
    ----------
    truth : array-like of 0/1
    probability : array-like
        Predicted probabilities.
    groups : int, default 10
        Number of quantile groups (see :func:`hosmer_lemeshow` for the rule).

    Returns
    -------
    pandas.DataFrame
        One row per non-empty group: ``group`` (1 = lowest risk), ``n``, ``p_min``, ``p_max``,
        ``mean_predicted``, ``observed_rate``, ``observed_events``, ``expected_events``.

    Notes
    -----
    The groups are those of the Hosmer-Lemeshow test, so the table is the test's working and the
    data of the calibration plot (``mean_predicted`` against ``observed_rate``).

    References
    ----------
    Hosmer DW, Lemeshow S. Goodness of fit tests for the multiple logistic regression model.
    Commun Stat Theory Methods. 1980;9:1043-1069.

    Examples
    --------
    >>> table = calibration_table([0, 0, 1, 0, 1, 1], [0.1, 0.2, 0.4, 0.5, 0.7, 0.9], groups=3)
    >>> table[["group", "n", "observed_events", "expected_events"]]
       group  n  observed_events  expected_events
    0      1  2                0              0.3
    1      2  2                1              0.9
    2      3  2                2              1.6
    """
    y, p = _check_probabilities(truth, probability)
    if not isinstance(groups, int) or groups < 2:
        raise ValueError(f"groups must be an integer of at least 2, got {groups!r}")
    codes = _risk_groups(p, groups)
    frame = pd.DataFrame({"g": codes, "y": y, "p": p})
    agg = frame.groupby("g").agg(
        n=("y", "size"),
        p_min=("p", "min"),
        p_max=("p", "max"),
        mean_predicted=("p", "mean"),
        observed_rate=("y", "mean"),
        observed_events=("y", "sum"),
        expected_events=("p", "sum"),
    )
    agg = agg.reset_index(drop=True)
    agg.insert(0, "group", np.arange(1, len(agg) + 1))
    agg["observed_events"] = agg["observed_events"].astype(int)
    return agg


@dataclass(frozen=True, eq=False)
class HosmerLemeshowResult:
    """Hosmer-Lemeshow goodness-of-fit test.

    Attributes
    ----------
    statistic : float
        :math:`\\hat C`, the Pearson chi-square over the groups' observed and expected counts.
    df : int
        Number of non-empty groups minus 2.
    p_value : float
    groups : int
        Non-empty groups formed.
    test : str
        ``"hosmer_lemeshow"``.
    table : pandas.DataFrame or None
        The groups, as :func:`calibration_table` (None when ``with_table=False``).
    """

    statistic: float
    df: int
    p_value: float
    groups: int
    test: str
    table: pd.DataFrame | None


def hosmer_lemeshow(
    truth, probability, *, groups: int = 10, with_table: bool = True
) -> HosmerLemeshowResult:
    """Hosmer-Lemeshow test with groups at quantiles of predicted risk.

    Parameters
    ----------
    truth : array-like of 0/1
        Observed outcomes.
    probability : array-like
        Predicted probabilities (for example ``fit.fitted``).
    groups : int, default 10
        Target number of groups g.
    with_table : bool, default True
        Build the table of groups; ``False`` computes the same statistic from the same groups
        without it, about a hundred times faster (for searches and simulations).

    Returns
    -------
    HosmerLemeshowResult

    Notes
    -----
    Grouping rule (implementations differ, and the p-value moves with the rule): the rule of R's
    ``ResourceSelection::hoslem.test``. Cut points are the sample quantiles of the predicted
    probabilities at :math:`0, 1/g, \\dots, 1` by R's default definition (``type = 7``, linear
    interpolation), duplicates removed; each lesion falls in the interval :math:`(c_k, c_{k+1}]`,
    the lowest interval also including its left end (``cut(..., include.lowest = TRUE)``). Ties
    of predicted risk at a cut point all go to the lower group, so groups can be unequal in size,
    and fewer than g groups form when cut points coincide. SPSS and Stata instead sort the lesions
    and split them into groups of (nearly) equal size, keeping ties together in their own ways.

    .. math:: \\hat C = \\sum_{k} \\left[\\frac{(O_k - E_k)^2}{E_k}
              + \\frac{(n_k - O_k - (n_k - E_k))^2}{n_k - E_k}\\right],

    with :math:`O_k` observed and :math:`E_k = \\sum p_i` expected events in group k, referred to
    :math:`\\chi^2` on (groups formed - 2) df. ``hoslem.test`` keeps g - 2 df even when fewer
    groups form; the two agree whenever g groups form, the usual case for continuous risks.

    On the data the model was fitted to the test has low power; a large p-value is no proof of
    good calibration (Hosmer et al. 1997).

    References
    ----------
    Hosmer DW, Lemeshow S. Goodness of fit tests for the multiple logistic regression model.
    Commun Stat Theory Methods. 1980;9:1043-1069.
    Hosmer DW, Hosmer T, le Cessie S, Lemeshow S. A comparison of goodness-of-fit tests for the
    logistic regression model. Stat Med. 1997;16:965-980.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(3)
    >>> p = rng.uniform(0.05, 0.95, 500)
    >>> y = rng.binomial(1, p)
    >>> hosmer_lemeshow(y, p).df
    8
    """
    if with_table:
        table = calibration_table(truth, probability, groups=groups)
        o1, e1, nk = (table[c].to_numpy(float) for c in ("observed_events", "expected_events", "n"))
    else:  # the same groups and sums without building the table (fast, for searches)
        y, p = _check_probabilities(truth, probability)
        if not isinstance(groups, int) or groups < 2:
            raise ValueError(f"groups must be an integer of at least 2, got {groups!r}")
        codes = _risk_groups(p, groups)
        table = None
        nk = np.bincount(codes).astype(float)
        o1 = np.bincount(codes, weights=y.astype(float))
        e1 = np.bincount(codes, weights=p)
    k = len(nk)
    if k < 3:
        raise ValueError(
            f"the Hosmer-Lemeshow test needs at least 3 groups of predicted risk; the "
            f"probabilities form {k} (too many ties)"
        )
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = (o1 - e1) ** 2 / e1 + ((nk - o1) - (nk - e1)) ** 2 / (nk - e1)
    statistic = float(np.nansum(terms))  # a group with 0 expected and 0 observed adds 0
    df = k - 2
    return HosmerLemeshowResult(
        statistic, df, float(stats.chi2.sf(statistic, df)), k, "hosmer_lemeshow", table
    )


@dataclass(frozen=True)
class CalibrationResult:
    """Calibration slope and intercept of predicted probabilities.

    Attributes
    ----------
    n : int
    slope, slope_se, slope_ci_low, slope_ci_high : float
        Coefficient of the logit of the prediction in ``logit P(y) = a + b logit(p)``; 1 is ideal.
    intercept, intercept_se, intercept_ci_low, intercept_ci_high : float
        Calibration-in-the-large: ``a`` in ``logit P(y) = a + logit(p)`` (slope fixed at 1);
        0 is ideal.
    """

    n: int
    slope: float
    slope_se: float
    slope_ci_low: float
    slope_ci_high: float
    intercept: float
    intercept_se: float
    intercept_ci_low: float
    intercept_ci_high: float


def calibration(truth, probability, *, level: float = 0.95) -> CalibrationResult:
    """Calibration slope and calibration-in-the-large of predicted probabilities.

    Parameters
    ----------
    truth : array-like of 0/1
    probability : array-like
        Predicted probabilities, strictly between 0 and 1.
    level : float, default 0.95
        Level of the Wald intervals.

    Returns
    -------
    CalibrationResult

    Notes
    -----
    With :math:`\\eta_i = \\operatorname{logit} p_i`: the slope is :math:`b` in
    :math:`\\operatorname{logit} P(y_i=1) = a + b\\,\\eta_i`; the intercept
    (calibration-in-the-large) is :math:`a` in :math:`\\operatorname{logit} P(y_i=1) = a + \\eta_i`
    (offset model), as recommended by TRIPOD and Van Calster et al. On the data the model was
    fitted to, maximum likelihood forces slope 1 and intercept 0 exactly; the numbers say
    something only for predictions on other data (a validation set, or bootstrap).

    References
    ----------
    Cox DR. Two further applications of a model for binary regression. Biometrika.
    1958;45:562-565.
    Van Calster B, McLernon DJ, van Smeden M, et al. Calibration: the Achilles heel of predictive
    analytics. BMC Med. 2019;17:230.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(5)
    >>> p = rng.uniform(0.05, 0.95, 2000)
    >>> round(calibration(rng.binomial(1, p), p).slope, 1)
    1.0
    """
    y, p = _check_probabilities(truth, probability)
    if np.any((p <= 0) | (p >= 1)):
        raise ValueError("calibration needs probabilities strictly between 0 and 1")
    if y.min() == y.max():
        raise ValueError("calibration needs both outcomes in truth")
    eta = special.logit(p)
    z = float(stats.norm.ppf(0.5 + level / 2))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        fam = sm.families.Binomial()
        slope_fit = sm.GLM(y, sm.add_constant(eta), family=fam).fit(tol=1e-13, maxiter=200)
        citl_fit = sm.GLM(y, np.ones_like(eta), family=fam, offset=eta).fit(tol=1e-13, maxiter=200)
    b, b_se = float(slope_fit.params[1]), float(slope_fit.bse[1])
    a, a_se = float(citl_fit.params[0]), float(citl_fit.bse[0])
    return CalibrationResult(
        n=len(y),
        slope=b,
        slope_se=b_se,
        slope_ci_low=b - z * b_se,
        slope_ci_high=b + z * b_se,
        intercept=a,
        intercept_se=a_se,
        intercept_ci_low=a - z * a_se,
        intercept_ci_high=a + z * a_se,
    )


# --------------------------------------------------------------------------- added value
@dataclass(frozen=True)
class AddedValueTest:
    """Does a marker add to a logistic model? Likelihood-ratio and Wald tests of nested models.

    Attributes
    ----------
    base, added : tuple of str
        Predictors of the base model, and those the full model adds to them.
    n, n_events : int
    df : int
        Number of added coefficients.
    loglik_base, loglik_full : float
        Maximised log-likelihoods.
    lr_statistic, lr_p_value : float
        Likelihood-ratio statistic :math:`2(\\ell_{full} - \\ell_{base})` and its chi-square
        p-value on ``df`` degrees of freedom.
    wald_statistic, wald_p_value : float
        Wald statistic :math:`\\hat b^T \\hat V^{-1} \\hat b` of the added coefficients and its
        chi-square p-value.
    estimate, se, ci_low, ci_high : float
        With one added predictor: its coefficient (log odds ratio per unit), Wald SE and Wald
        interval; NaN with several.
    p_value : float
        The likelihood-ratio p-value (the recommended test).
    confidence_level : float
    auc_base, auc_full : float
        Apparent AUCs of the two models' predicted probabilities on the same data (descriptive
        only; see Notes of :func:`added_value_test`).
    """

    base: tuple[str, ...]
    added: tuple[str, ...]
    n: int
    n_events: int
    df: int
    loglik_base: float
    loglik_full: float
    lr_statistic: float
    lr_p_value: float
    wald_statistic: float
    wald_p_value: float
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    p_value: float
    confidence_level: float
    auc_base: float
    auc_full: float

    @property
    def auc_difference(self) -> float:
        """Apparent AUC of the full model minus that of the base model."""
        return self.auc_full - self.auc_base

    def to_frame(self) -> pd.DataFrame:
        """Tidy table, one row per test: test, statistic, df, p_value."""
        return pd.DataFrame(
            {
                "test": ["likelihood ratio", "Wald"],
                "statistic": [self.lr_statistic, self.wald_statistic],
                "df": [self.df, self.df],
                "p_value": [self.lr_p_value, self.wald_p_value],
            }
        )


def _glm_fit(X: np.ndarray, y: np.ndarray, names: Sequence[str]):
    separation = _separation(X, y, list(names))
    if separation.separated:
        raise ValueError(separation.message)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        result = sm.GLM(y, X, family=sm.families.Binomial()).fit(tol=1e-13, maxiter=200)
    beta, value, _ = _newton(
        X, y, np.asarray(result.params, float), np.ones(X.shape[1], bool), False
    )
    _, _, info = _objective(X, y, beta, 0.0, False)
    return beta, value, np.linalg.inv(info)


def added_value_test(
    lesions: pd.DataFrame,
    *,
    base: Sequence[str],
    added: Sequence[str],
    outcome: str = "malignant",
    confidence_level: float = 0.95,
) -> AddedValueTest:
    """Test whether predictors add to a logistic model: likelihood-ratio and Wald tests.

    Parameters
    ----------
    lesions : pandas.DataFrame
        The lesion table (columns as for :func:`fit_logistic`).
    base : sequence of str
        Predictors of the base model (e.g. ``["elasticity_kpa"]``).
    added : sequence of str
        Predictors added in the full model (e.g. ``["strain_ratio"]``).
    outcome : str, default "malignant"
    confidence_level : float, default 0.95
        Level of the Wald interval of a single added coefficient.

    Returns
    -------
    AddedValueTest

    Notes
    -----
    The full model contains the base model, so "does the added marker improve the model?" is
    the null hypothesis :math:`H_0: \\beta_{added} = 0`. The likelihood-ratio statistic

    .. math:: G^2 = 2\\{\\ell(\\hat\\beta_{full}) - \\ell(\\hat\\beta_{base})\\}
        \\sim \\chi^2_{df}

    and the Wald statistic :math:`W = \\hat b^T \\widehat{\\mathrm{Var}}(\\hat b)^{-1} \\hat b`
    (with one added term, :math:`z^2 = (\\hat\\beta/SE)^2`) test it, as R's
    ``anova(base, full, test = "LRT")`` and ``summary.glm``. Under the same null hypothesis the
    two models have the same AUC, but comparing the two apparent AUCs with the DeLong test is
    not valid: the DeLong variance assumes the difference is not degenerate, which fails
    exactly under :math:`H_0` for nested models fitted on the same data, and the test then
    rejects far less often than its nominal level and has low power (Demler, Pepe & Cook 2012;
    Pepe, Kerr, Longton & Wang 2013). The AUCs are returned as a description of the gain in
    discrimination, not as a test.

    References
    ----------
    Hosmer DW, Lemeshow S, Sturdivant RX. Applied Logistic Regression. 3rd ed. Wiley; 2013,
    sections 1.4 and 2.3.
    Demler OV, Pencina MJ, D'Agostino RB Sr. Misuse of DeLong test to compare AUCs for nested
    models. Statistics in Medicine 2012;31(23):2577-2587.
    Pepe MS, Kerr KF, Longton G, Wang Z. Testing for improvement in prediction model
    performance. Statistics in Medicine 2013;32(9):1467-1482.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(3)
    >>> e = rng.normal(65, 18, 300)
    >>> table = pd.DataFrame({"elasticity_kpa": e, "noise": rng.normal(size=300),
    ...                       "malignant": rng.binomial(1, 1 / (1 + np.exp(-(e - 65) / 10)))})
    >>> res = added_value_test(table, base=["elasticity_kpa"], added=["noise"])
    >>> res.df, bool(res.lr_p_value > 0.05)
    (1, True)
    """
    lesions = check_table(lesions)
    base = _check_predictors(base)
    added = _check_predictors(added)
    overlap = sorted(set(base) & set(added))
    if overlap:
        raise ValueError(f"added repeats predictors of the base model: {overlap}")
    if isinstance(confidence_level, bool) or not isinstance(confidence_level, (int, float)):
        raise TypeError(f"confidence_level must be a number, got {confidence_level!r}")
    if not 0 < confidence_level < 1:
        raise ValueError(f"confidence_level must lie between 0 and 1, got {confidence_level!r}")
    design = _design(lesions, base + added)
    y = binary_column(lesions, outcome).astype(float)
    n_events = int(y.sum())
    if n_events in (0, len(y)):
        raise ValueError(f"column {outcome!r} holds one outcome only; a model needs both")
    names = list(design.columns)
    X_full = design.to_numpy()
    _check_rank(X_full, names)
    k_base = 1 + len(base)
    X_base = X_full[:, :k_base]
    beta_b, ll_b, _ = _glm_fit(X_base, y, names[:k_base])
    beta_f, ll_f, cov_f = _glm_fit(X_full, y, names)
    df = len(added)
    lr = max(2 * (ll_f - ll_b), 0.0)
    b = beta_f[k_base:]
    v = cov_f[k_base:, k_base:]
    wald = float(b @ np.linalg.solve(v, b))
    if df == 1:
        se = float(math.sqrt(v[0, 0]))
        zq = float(stats.norm.ppf(0.5 + confidence_level / 2))
        estimate, low, high = float(b[0]), float(b[0] - zq * se), float(b[0] + zq * se)
    else:
        estimate = se = low = high = math.nan
    from microcalc.stats import roc

    lr_p = float(stats.chi2.sf(lr, df))
    return AddedValueTest(
        base=base,
        added=added,
        n=len(y),
        n_events=n_events,
        df=df,
        loglik_base=float(ll_b),
        loglik_full=float(ll_f),
        lr_statistic=float(lr),
        lr_p_value=lr_p,
        wald_statistic=wald,
        wald_p_value=float(stats.chi2.sf(wald, df)),
        estimate=estimate,
        se=se,
        ci_low=low,
        ci_high=high,
        p_value=lr_p,
        confidence_level=float(confidence_level),
        auc_base=roc.auc(y, special.expit(X_base @ beta_b)),
        auc_full=roc.auc(y, special.expit(X_full @ beta_f)),
    )


def added_value_null_pvalues(
    lesions: pd.DataFrame,
    *,
    base: Sequence[str],
    added: Sequence[str],
    outcome: str = "malignant",
    n_replicates: int = 200,
    seed: int | np.random.SeedSequence | None = 0,
) -> pd.DataFrame:
    """p-values of the DeLong, likelihood-ratio and Wald tests when the added marker is useless.

    In each replicate the rows of the ``added`` columns are permuted (jointly), which keeps
    their distribution but makes them unrelated to the outcome and to the base predictors: the
    null hypothesis of no added value holds by construction. Both models are refitted and the
    three tests of added value are computed, so their rejection rates can be compared with
    the nominal level.

    Parameters
    ----------
    lesions : pandas.DataFrame
    base, added : sequence of str
        As for :func:`added_value_test`.
    outcome : str, default "malignant"
    n_replicates : int, default 200
    seed : int or SeedSequence, optional
        Seed of the permutations.

    Returns
    -------
    pandas.DataFrame
        One row per replicate: ``replicate``, ``auc_gain`` (apparent AUC of the full minus the
        base model), ``delong_p`` (paired DeLong test of the two models' predicted
        probabilities, two-sided), ``lr_p``, ``wald_p``.

    Notes
    -----
    Under this null hypothesis a valid test's p-values are uniform, so about 5% fall below
    0.05. The likelihood-ratio and Wald tests are valid; the DeLong test of nested models is
    not, and its p-values pile up near one (Demler, Pencina & D'Agostino 2012). A replicate in
    which a model cannot be fitted (separation) is left out.

    References
    ----------
    Demler OV, Pencina MJ, D'Agostino RB Sr. Statistics in Medicine 2012;31:2577-2587.
    Pepe MS, Kerr KF, Longton G, Wang Z. Statistics in Medicine 2013;32:1467-1482.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(3)
    >>> e = rng.normal(65, 18, 200)
    >>> table = pd.DataFrame({"elasticity_kpa": e, "strain_ratio": rng.normal(2, 0.5, 200),
    ...                       "malignant": rng.binomial(1, 1 / (1 + np.exp(-(e - 65) / 10)))})
    >>> res = added_value_null_pvalues(table, base=["elasticity_kpa"],
    ...                                added=["strain_ratio"], n_replicates=20, seed=1)
    >>> list(res.columns)
    ['replicate', 'auc_gain', 'delong_p', 'lr_p', 'wald_p']
    """
    from microcalc.stats import roc

    lesions = check_table(lesions)
    added = _check_predictors(added)
    if isinstance(n_replicates, bool) or not isinstance(n_replicates, (int, np.integer)):
        raise TypeError(f"n_replicates must be an integer, got {n_replicates!r}")
    if n_replicates < 1:
        raise ValueError(f"n_replicates must be at least 1, got {n_replicates!r}")
    rng = np.random.default_rng(seed)
    y = binary_column(lesions, outcome)
    rows = []
    for i in range(int(n_replicates)):
        order = rng.permutation(len(lesions))
        shuffled = lesions.copy()
        for column in added:
            shuffled[column] = lesions[column].to_numpy()[order]
        try:
            res = added_value_test(shuffled, base=base, added=added, outcome=outcome)
        except ValueError:
            continue
        design = _design(shuffled, tuple(base) + added).to_numpy()
        k_base = 1 + len(base)
        beta_b, _, _ = _glm_fit(design[:, :k_base], y.astype(float), ["b"] * k_base)
        beta_f, _, _ = _glm_fit(design, y.astype(float), ["f"] * design.shape[1])
        test = roc.delong_test(
            y, special.expit(design @ beta_f), special.expit(design[:, :k_base] @ beta_b)
        )
        rows.append(
            {
                "replicate": i,
                "auc_gain": res.auc_difference,
                "delong_p": test.p_value,
                "lr_p": res.lr_p_value,
                "wald_p": res.wald_p_value,
            }
        )
    return pd.DataFrame(rows, columns=["replicate", "auc_gain", "delong_p", "lr_p", "wald_p"])
