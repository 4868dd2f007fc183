"""One verdict for each published number, on two axes, with its evidence.

Every number in :mod:`microcalc.study.paper` gets two verdicts that answer different questions and
rest on different evidence, which this module never mixes (see the book's chapter "Can these
numbers all be true?"):

``can_be_true``: could the number be right, given the paper's other numbers?

- ``impossible``: a proof from the paper's own numbers rules it out, alone or together with
  the other numbers of a named set (an arithmetic check of :func:`microcalc.study.audit.audit_paper`
  or an inequality of :func:`microcalc.study.proofs.all_bounds`, each with its premise);
- ``only with atypical data``: a committed witness (a data set found by
  :mod:`microcalc.study.reconstruct` that meets the number together with Table 2) exists, but its
  plausibility measures lie far outside the range of studies drawn from the cohort model, and
  no plausible data set in the book meets it;
- ``yes``: a plausible data set gives it: a committed witness whose plausibility is inside the
  model's range, the book's cohort (a draw of the model), or replicate studies of the model;
- ``cannot tell``: none of these.

``reproduced``: does the book's analysis of its cohort give the number back?

- ``reproduced``: the cohort, which was not tuned to the number, gives it at the printed
  precision (or satisfies its "<" / ">");
- ``matched by construction``: the cohort was tuned to the number, or to numbers that fix it
  (a chi-square P of counts the cohort copies), so agreement is no evidence for the paper;
- ``within study-to-study variation``: not given back, but inside the central range of
  replicate studies of the same design (``data/montecarlo.csv.gz``);
- ``not reproduced``: neither;
- ``not applicable``: the number describes the design, an illustrative case or other work.

The first axis is about the paper; the second is about this book's cohort model, and a number
the model does not give back may still be true.

:func:`verdict_table` applies the rules to every published number and returns one tidy table:
the two verdicts, their evidence (proof ids and premises, the set a number is impossible with,
the witness file and its plausibility, the replicate percentile) and the consequence for the
paper's conclusions. :func:`build_verdicts` reads every input from files. The chapters read
their verdicts from that table and nowhere else.

References
----------
Heathers JA, Anaya J, van der Zee T, Brown NJL. Recovering data from summary statistics:
Sample Parameter Reconstruction via Iterative TEchniques (SPRITE). PeerJ Preprints 2018;6:e26968.
Brown NJL, Heathers JAJ. The GRIM test. Soc Psychol Personal Sci 2017;8:363-369.
Bossuyt PM et al. STARD 2015. BMJ 2015;351:h5527.

Examples
--------
>>> from microcalc.study import verdicts
>>> verdicts.CAN_BE_TRUE
('impossible', 'only with atypical data', 'yes', 'cannot tell')
>>> verdicts.kind("design.n.malignant"), verdicts.kind("roc.accuracy")
('design', 'result')
"""

from __future__ import annotations

import hashlib
import html
import math
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from microcalc.stats import samplesize
from microcalc.study import audit as audit_module
from microcalc.study import calibration, paper, proofs, reconstruct, variables

__all__ = [
    "ATYPICAL_PCT",
    "AXES",
    "CAN_BE_TRUE",
    "KINDS",
    "PLAUSIBILITY_FILE",
    "REPRODUCED",
    "axis_counts",
    "build_verdicts",
    "chapter",
    "glue_values",
    "kind",
    "label_html",
    "proof_table",
    "read_witness_plausibility",
    "reproduce",
    "smallest_witness",
    "subset_verdicts",
    "tuning",
    "verdict_frame",
    "verdict_table",
    "witness_plausibility",
    "write_witness_plausibility",
]

CAN_BE_TRUE = ("impossible", "only with atypical data", "yes", "cannot tell")
REPRODUCED = (
    "reproduced",
    "matched by construction",
    "within study-to-study variation",
    "not reproduced",
    "not applicable",
)
#: The two axes: column name -> its categories, in display order.
AXES: Mapping[str, tuple[str, ...]] = {"can_be_true": CAN_BE_TRUE, "reproduced": REPRODUCED}
KINDS = ("result", "design calculation", "design", "illustration", "context")

#: A witness is atypical when, on some plausibility measure, at most this share (in %) of
#: replicate studies of the cohort model look at least as strange.
ATYPICAL_PCT = 0.5
#: Replicate studies behind each witness's plausibility measures.
PLAUSIBILITY_REPLICATES = 1000
#: The cached plausibility of the committed feasibility-map witnesses (in the witness folder).
PLAUSIBILITY_FILE = "witness_plausibility.csv"

# A reading of "P = 0.001" that the audit accepts for BI-RADS: SPSS prints p < 0.0005 as
# ".000", so authors often write the smallest printable value instead.
_AT_MOST_READINGS = ("table1.birads.p_value",)
# Witnesses outside the feasibility map: key -> (file stem in the witness folder, its subset).
_EXTRA_WITNESSES = {
    "table1.lesion_size_mm.p_value": ("lesion_size", "lesion size, Mann-Whitney P"),
}
# A sensitivity reading of the sample-size sentence that the chapter "Sample size" shows.
_BUDERER_SENSITIVITY, _BUDERER_HALF_WIDTH = 0.90, 0.05


# ======================================================================================
# What a number is, and how the cohort relates to it
# ======================================================================================


def kind(key: str) -> str:
    """What a published number describes: one of :data:`KINDS`.

    Examples
    --------
    >>> kind("samplesize.n_per_group"), kind("figure2.strain_ratio"), kind("context.biopsy_ppv_low")
    ('design calculation', 'illustration', 'context')
    """
    if key == "samplesize.n_per_group":
        return "design calculation"
    if key.startswith(("design.", "samplesize.", "text.univariable_screen_p")):
        return "design"
    if key.startswith(("figure2.", "figure3.")):
        return "illustration"
    if key.startswith("context."):
        return "context"
    return "result"


_CHAPTERS = (
    ("table1.", "notebooks/who_was_studied"),
    ("table2.", "notebooks/who_was_studied"),
    ("text.spearman", "notebooks/who_was_studied"),
    ("text.auc_by_density", "notebooks/roc"),
    ("table3.", "notebooks/predictors"),
    ("roc.", "notebooks/roc"),
    ("agreement.", "notebooks/agreement"),
    ("samplesize.", "notebooks/sample_size"),
    ("context.", "notebooks/decisions"),
)


def chapter(key: str) -> str:
    """The book page (docname, from the book root) that analyses a published number.

    Examples
    --------
    >>> chapter("samplesize.n_per_group")
    'notebooks/sample_size'
    """
    for prefix, doc in _CHAPTERS:
        if key.startswith(prefix):
            return doc
    return "book/study"


def tuning(key: str) -> str:
    """How the committed cohort relates to a number: ``"tuned"``, ``"fixed"`` or ``""``.

    ``"tuned"``: the cohort was calibrated to the number itself (Table 1 counts, means and SDs,
    Table 2 moments, the counts at 62 kPa, the two Spearman correlations the copula aims at,
    kappa that the reader noise aims at). ``"fixed"``: the number is a function of tuned ones
    (percentages of tuned counts, the p-values of Tables 1 and 2 and of the correlations,
    the CIs of sensitivity and specificity, accuracy, the kappa CI). ``""``: neither; the
    cohort's value is an honest test.

    Examples
    --------
    >>> tuning("text.spearman.elasticity_strain_ratio"), tuning("roc.accuracy")
    ('tuned', 'fixed')
    >>> tuning("roc.auc.elasticity")
    ''
    """
    if key.startswith(("table1.", "table2.")):
        if key.endswith((".n", ".mean", ".sd")):
            return "tuned"
        return "fixed"
    if key in (
        "roc.sensitivity",
        "roc.specificity",
        "text.spearman.elasticity_strain_ratio",
        "text.spearman.elasticity_lesion_size",
        "agreement.kappa",
    ):
        return "tuned"
    if key in (
        "roc.sensitivity.ci_low",
        "roc.sensitivity.ci_high",
        "roc.specificity.ci_low",
        "roc.specificity.ci_high",
        "roc.accuracy",
        "agreement.kappa.ci_low",
        "agreement.kappa.ci_high",
        "text.spearman.elasticity_strain_ratio.p_value",
        "text.spearman.elasticity_lesion_size.p_value",
    ):
        return "fixed"
    return ""


def _approximate_target(key: str) -> bool:
    """Targets the cohort aims at within a tolerance, not at the printed digits."""
    return (
        key.startswith("text.spearman.")
        and not key.endswith("p_value")
        or (key == "agreement.kappa")
    )


def _agrees(published: paper.PublishedValue, value: float) -> bool:
    """Whether a value gives the printed number (its rounding, or its "<" / ">")."""
    if value is None or not math.isfinite(value):
        return False
    if published.key in _AT_MOST_READINGS:
        return value <= published.value
    if published.qualifier == "<":
        return value < published.value
    if published.qualifier == ">":
        return value > published.value
    return published.rounds_to(value)


def _fmt(value: float) -> str:
    """A number for an evidence sentence: four significant digits, tiny p-values in e-form."""
    if value is None or not math.isfinite(value):
        return "nothing"
    if value != 0 and abs(value) < 1e-3:
        return f"{value:.1e}"
    return f"{value:.4g}"


# ======================================================================================
# The reproduction: the paper's analyses on a lesion table
# ======================================================================================


def reproduce(lesions: pd.DataFrame) -> dict[str, float]:
    """Compute every published result that the lesion table allows, keyed as in ``paper``.

    Uses the methods the paper names, with the choices documented in each module:
    automatic t / Mann-Whitney choice after a Lilliefors check, chi-square or Fisher,
    Spearman, maximum-likelihood logistic regression (Firth if separated), Hosmer-Lemeshow
    with ten risk groups, DeLong AUC intervals and test, exact binomial intervals and
    unweighted Cohen's kappa of the readers' scores.

    Parameters
    ----------
    lesions : pandas.DataFrame
        A lesion table of the data dictionary.

    Returns
    -------
    dict
        Published key -> value (percentages in percent, as printed in the paper).

    References
    ----------
    DeLong ER, DeLong DM, Clarke-Pearson DL. Biometrics 1988;44:837-845.
    Hosmer DW, Lemeshow S. Commun Stat Theory Methods 1980;9:1043-1069.
    Cohen J. Educ Psychol Meas 1960;20:37-46.

    Examples
    --------
    >>> from microcalc.study import cohort
    >>> values = reproduce(cohort.simulate_cohort(seed=2025).lesions)
    >>> round(values["table2.elasticity_kpa.malignant.mean"], 1)
    88.3
    """
    from microcalc.stats import accuracy, agreement, compare, logistic, roc

    values: dict[str, float] = {}
    truth = lesions["malignant"].to_numpy()
    groups = {
        "malignant": lesions[lesions.malignant == 1],
        "benign": lesions[lesions.malignant == 0],
    }
    for variable in ("age_years", "lesion_size_mm"):
        for group, frame in groups.items():
            values[f"table1.{variable}.{group}.mean"] = float(frame[variable].mean())
            values[f"table1.{variable}.{group}.sd"] = float(frame[variable].std(ddof=1))
        values[f"table1.{variable}.p_value"] = compare.compare_continuous(
            lesions, variable, group=variables.OUTCOME
        ).p_value
    for variable in ("breast_density", "histology", "birads", "calcification_pattern"):
        for group, frame in groups.items():
            counts = frame[variable].astype(str).value_counts()
            for level in paper.counts(variable, group):
                n = int(counts.get(str(level), 0))
                values[f"table1.{variable}.{group}.{level}.n"] = n
                values[f"table1.{variable}.{group}.{level}.pct"] = 100 * n / len(frame)
        if variable != "histology":
            values[f"table1.{variable}.p_value"] = compare.compare_categorical(
                lesions, variable, group=variables.OUTCOME
            ).p_value
    for variable in ("elasticity_kpa", "strain_ratio", "elasticity_score"):
        for group, frame in groups.items():
            values[f"table2.{variable}.{group}.mean"] = float(frame[variable].mean())
            values[f"table2.{variable}.{group}.sd"] = float(frame[variable].std(ddof=1))
        values[f"table2.{variable}.p_value"] = compare.compare_continuous(
            lesions, variable, group=variables.OUTCOME
        ).p_value

    for other, key in (
        ("strain_ratio", "elasticity_strain_ratio"),
        ("lesion_size_mm", "elasticity_lesion_size"),
    ):
        rho = compare.spearman_correlation(lesions, "elasticity_kpa", other)
        values[f"text.spearman.{key}"] = rho.estimate
        values[f"text.spearman.{key}.p_value"] = rho.p_value
    dense = lesions["breast_density"].isin(["C", "D"]).to_numpy()
    elasticity = lesions["elasticity_kpa"].to_numpy(dtype=float)
    values["text.auc_by_density.low"] = roc.auc(truth[~dense], elasticity[~dense])
    values["text.auc_by_density.high"] = roc.auc(truth[dense], elasticity[dense])

    full = logistic.fit_logistic(
        variables.add_density_cd(lesions),
        predictors=variables.CANDIDATES,
        outcome=variables.OUTCOME,
        method="auto",
    )
    table = full.coefficients.set_index("term")
    for published, term in _TABLE3_TERMS.items():
        values[f"table3.{published}.odds_ratio"] = float(table.loc[term, "odds_ratio"])
        values[f"table3.{published}.ci_low"] = float(table.loc[term, "odds_ratio_ci_low"])
        values[f"table3.{published}.ci_high"] = float(table.loc[term, "odds_ratio_ci_high"])
        values[f"table3.{published}.p_value"] = float(table.loc[term, "p_value"])
    combined = logistic.combined_probability(
        lesions, predictors=variables.COMBINED, outcome=variables.OUTCOME, method="auto"
    ).to_numpy()
    values["table3.hosmer_lemeshow.p_value"] = logistic.hosmer_lemeshow(truth, combined).p_value

    cutoff = paper.value("roc.cutoff_kpa")
    values["roc.cutoff_kpa"] = roc.youden_cutoff(truth, elasticity, convention="observed").cutoff
    at_cutoff = accuracy.accuracy_at_cutoff(truth, elasticity, cutoff=cutoff)
    for name in ("sensitivity", "specificity"):
        estimate = getattr(at_cutoff, name)
        values[f"roc.{name}"] = 100 * estimate.estimate
        values[f"roc.{name}.ci_low"] = 100 * estimate.ci_low
        values[f"roc.{name}.ci_high"] = 100 * estimate.ci_high
    values["roc.accuracy"] = 100 * at_cutoff.accuracy.estimate
    for key, marker in (("elasticity", elasticity), ("combined", combined)):
        estimate = roc.auc_delong(truth, marker)
        values[f"roc.auc.{key}"] = estimate.estimate
        values[f"roc.auc.{key}.ci_low"] = estimate.ci_low
        values[f"roc.auc.{key}.ci_high"] = estimate.ci_high
        values[f"roc.auc.{key}.p_value"] = roc.auc_chance_test(truth, marker).p_value
    values["roc.delong.p_value"] = roc.delong_test(truth, combined, elasticity).p_value

    kappa = agreement.cohen_kappa(lesions["reader1_score"], lesions["reader2_score"])
    values["agreement.kappa"] = kappa.estimate
    values["agreement.kappa.ci_low"] = kappa.ci_low
    values["agreement.kappa.ci_high"] = kappa.ci_high
    return {key: float(value) for key, value in values.items()}


_TABLE3_TERMS = {
    "age_years": "age_years",
    "lesion_size_mm": "lesion_size_mm",
    "dense_breast": "density_cd",
    "elasticity_kpa": "elasticity_kpa",
    "strain_ratio": "strain_ratio",
}


# ======================================================================================
# Proofs: the audit's inconsistent checks and the impossible bounds, as sets of keys
# ======================================================================================

_AUDIT_PREMISES = (
    (
        "ttest.",
        "the P comes from a Student or Welch t-test of the printed means and SDs (the Methods "
        "also allow a Mann-Whitney test, which mean and SD cannot check)",
    ),
    ("chisq.", "the P comes from a chi-square or Fisher test of the printed counts"),
    (
        "accuracy.",
        "accuracy, sensitivity and specificity count the same lesions at the same cutoff",
    ),
    (
        "ci.",
        "the interval is one of five standard binomial intervals (Clopper-Pearson, Wilson, "
        "Wald, Agresti-Coull, Jeffreys)",
    ),
    ("or_symmetry.", "the CI is a Wald interval, as SPSS prints for Exp(B)"),
    ("or_p.", "the P is the Wald test that belongs to the Wald CI beside it"),
)


# Audit checks whose premise the paper leaves open: "Student's t-test or Mann-Whitney U test as
# appropriate" means a t-test check binds only if the t-test was used.
_OPEN_PREMISES = ("ttest.",)


def proof_table(
    audit: pd.DataFrame | None = None, bounds: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Every proof that rules a set of published numbers out, one row per proof.

    Parameters
    ----------
    audit : pandas.DataFrame, optional
        :func:`microcalc.study.audit.audit_paper` (computed when omitted); its ``inconsistent``
        checks are proofs.
    bounds : pandas.DataFrame, optional
        :func:`microcalc.study.proofs.all_bounds` (computed when omitted); its ``impossible`` rows
        are proofs.

    Returns
    -------
    pandas.DataFrame
        ``proof_id`` (the audit's ``check_id`` or the bound's ``proof_id``), ``source``
        (``"audit"`` or ``"proofs"``), ``keys`` (the published numbers that cannot all be
        true, ``;``-joined; design inputs such as the group sizes left out), ``charged`` (the
        numbers the proof tests: the audit's ``tested_keys``, every key of a bound),
        ``premise``, ``binding`` (False where the paper leaves the premise open: its Methods
        allow a Mann-Whitney test beside the t-test, so a t-test check proves nothing about a
        P that may come from the rank test) and ``statement`` (the reason in words).

    Examples
    --------
    >>> table = proof_table()
    >>> "accuracy_bound" in set(table.proof_id)
    True
    """
    audit = audit_module.audit_paper() if audit is None else audit
    bounds = proofs.all_bounds() if bounds is None else bounds
    known = {v.key for v in paper.all_values()}
    rows = []
    for row in audit[audit["verdict"] == "inconsistent"].itertuples():
        used = [k for k in str(row.paper_keys).split(";") if k in known and kind(k) == "result"]
        tested = [k for k in str(row.tested_keys).split(";") if k in known]
        premise = next(
            (text for prefix, text in _AUDIT_PREMISES if row.check_id.startswith(prefix)),
            str(row.method),
        )
        rows.append(
            {
                "proof_id": row.check_id,
                "source": "audit",
                "keys": ";".join(dict.fromkeys(used + tested)),
                "charged": ";".join(tested),
                "premise": premise,
                "binding": not row.check_id.startswith(_OPEN_PREMISES),
                "statement": str(row.reason),
            }
        )
    for row in bounds[bounds["impossible"].astype(bool)].itertuples():
        keys = [k for k in str(row.keys).split(";") if k in known]
        rows.append(
            {
                "proof_id": row.proof_id,
                "source": "proofs",
                "keys": ";".join(keys),
                "charged": ";".join(keys),
                "premise": str(row.premise),
                "binding": True,
                "statement": f"{row.inequality}: the bound allows {_fmt(row.bound_low)} to "
                f"{_fmt(row.bound_high)}, the printed value stands for {_fmt(row.published_low)} "
                f"to {_fmt(row.published_high)}",
            }
        )
    return pd.DataFrame(
        rows,
        columns=["proof_id", "source", "keys", "charged", "premise", "binding", "statement"],
    )


# ======================================================================================
# Witnesses: the feasibility map and the plausibility of its data sets
# ======================================================================================


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _found_subsets(feasibility: pd.DataFrame) -> pd.DataFrame:
    found = feasibility[feasibility["status"] == "witness found"].copy()
    found["order"] = range(len(found))
    return found.sort_values(["n_targets", "order"], kind="stable")


def witness_plausibility(
    witness_dir: str | os.PathLike,
    feasibility: pd.DataFrame | None = None,
    *,
    replicates: int = PLAUSIBILITY_REPLICATES,
    seed: int = 2025,
) -> pd.DataFrame:
    """Plausibility measures of every committed feasibility-map witness.

    Runs :func:`microcalc.study.reconstruct.plausibility` on ``map_<slug>.csv`` of every subset
    with a witness (a few seconds each).

    Parameters
    ----------
    witness_dir : path
        Folder with ``feasibility.csv`` and the ``map_<slug>.csv`` witnesses.
    feasibility : pandas.DataFrame, optional
        The map (read from ``witness_dir`` when omitted).
    replicates : int, default 1000
    seed : int, default 2025

    Returns
    -------
    pandas.DataFrame
        One row per subset, measure and group: ``subset``, ``slug``, ``witness``,
        ``sha256`` (of the witness file, so a stale cache is detected), ``measure``, ``group``,
        ``value``, ``model_low``, ``model_median``, ``model_high``, ``as_strange_pct``,
        ``replicates``, ``seed``.
    """
    folder = Path(witness_dir)
    if feasibility is None:
        feasibility = pd.read_csv(folder / "feasibility.csv", keep_default_na=False)
    frames = []
    for row in _found_subsets(feasibility).itertuples():
        path = folder / f"map_{row.slug}.csv"
        if not path.is_file():
            continue
        measured = reconstruct.plausibility(pd.read_csv(path), replicates=replicates, seed=seed)
        table = measured.table.copy()
        table.insert(0, "sha256", _sha256(path))
        table.insert(0, "witness", path.name)
        table.insert(0, "slug", row.slug)
        table.insert(0, "subset", row.subset)
        table["replicates"] = replicates
        table["seed"] = seed
        frames.append(table)
    size_path = folder / "lesion_size.csv"
    if size_path.is_file():
        frames.append(_size_plausibility(size_path, replicates=replicates, seed=seed))
    if not frames:
        return pd.DataFrame(
            columns=["subset", "slug", "witness", "sha256", "measure", "group", "value"]
        )
    return pd.concat(frames, ignore_index=True)


def _size_plausibility(path: Path, *, replicates: int, seed: int) -> pd.DataFrame:
    """How bunched a lesion-size witness is, against replicate studies of the cohort model.

    The measure is the largest number of a group's lesions that share one recorded size
    (0.1 mm); replicate studies are unmatched draws of the cohort model (seeds ``seed`` to
    ``seed + replicates - 1``), rounded the same way.
    """
    from microcalc.study import cohort

    def largest_tie(frame: pd.DataFrame, flag: int) -> int:
        sizes = np.rint(frame.loc[frame["malignant"] == flag, "lesion_size_mm"] * 10)
        return int(pd.Series(sizes).value_counts().max())

    config = cohort.default_config(match_published=False)
    draws = [cohort.simulate_cohort(config, seed=seed + i).lesions for i in range(replicates)]
    witness = pd.read_csv(path)
    rows = []
    for group, flag in (("malignant", 1), ("benign", 0)):
        model = np.array([largest_tie(d, flag) for d in draws], dtype=float)
        value = largest_tie(witness, flag)
        lo, mid, hi = np.percentile(model, [2.5, 50, 97.5])
        rows.append(
            {
                "subset": _EXTRA_WITNESSES["table1.lesion_size_mm.p_value"][1],
                "slug": path.stem,
                "witness": path.name,
                "sha256": _sha256(path),
                "measure": "largest_tie_mm",
                "group": group,
                "value": float(value),
                "model_low": float(lo),
                "model_median": float(mid),
                "model_high": float(hi),
                "as_strange_pct": 100.0 * float(np.mean(model >= value)),
                "replicates": replicates,
                "seed": seed,
            }
        )
    return pd.DataFrame(rows)


def write_witness_plausibility(
    witness_dir: str | os.PathLike, *, replicates: int = PLAUSIBILITY_REPLICATES, seed: int = 2025
) -> Path:
    """Compute :func:`witness_plausibility` and write it to ``witness_dir`` (atomically).

    The file is a cache: :func:`read_witness_plausibility` recomputes any witness whose
    sha256 differs from the one recorded, so a stale file costs time, never correctness.
    """
    from microcalc.study import cohort

    table = witness_plausibility(witness_dir, replicates=replicates, seed=seed)
    text = table.to_csv(index=False, lineterminator="\n", float_format="%.10g")
    return cohort.write_texts({PLAUSIBILITY_FILE: text}, Path(witness_dir), force=True)[0]


def read_witness_plausibility(
    witness_dir: str | os.PathLike, feasibility: pd.DataFrame
) -> pd.DataFrame:
    """The cached plausibility of the map's witnesses, recomputing stale or missing ones.

    A witness whose file hash differs from the cache (or that the cache lacks) is measured
    afresh with :func:`microcalc.study.reconstruct.plausibility`, with the cache's settings.
    """
    folder = Path(witness_dir)
    cache_path = folder / PLAUSIBILITY_FILE
    cache = pd.read_csv(cache_path) if cache_path.is_file() else None
    frames = []
    for row in _found_subsets(feasibility).itertuples():
        path = folder / f"map_{row.slug}.csv"
        if not path.is_file():
            continue
        digest = _sha256(path)
        cached = None
        if cache is not None:
            cached = cache[(cache["slug"] == row.slug) & (cache["sha256"] == digest)]
        if cached is not None and len(cached):
            frames.append(cached)
            continue
        measured = reconstruct.plausibility(
            pd.read_csv(path), replicates=PLAUSIBILITY_REPLICATES, seed=2025
        ).table
        measured.insert(0, "sha256", digest)
        measured.insert(0, "witness", path.name)
        measured.insert(0, "slug", row.slug)
        measured.insert(0, "subset", row.subset)
        frames.append(measured)
    size_path = folder / "lesion_size.csv"
    if size_path.is_file():
        digest = _sha256(size_path)
        cached = None
        if cache is not None:
            cached = cache[(cache["slug"] == size_path.stem) & (cache["sha256"] == digest)]
        if cached is not None and len(cached):
            frames.append(cached)
        else:
            frames.append(
                _size_plausibility(size_path, replicates=PLAUSIBILITY_REPLICATES, seed=2025)
            )
    if not frames:
        return pd.DataFrame(
            columns=["subset", "slug", "witness", "sha256", "measure", "group", "value"]
        )
    return pd.concat(frames, ignore_index=True)


def smallest_witness(statistic: str, feasibility: pd.DataFrame) -> pd.Series | None:
    """The feasibility-map row of the smallest subset with a witness that holds a statistic.

    Parameters
    ----------
    statistic : str
        A target statistic of :mod:`microcalc.study.reconstruct` (e.g. ``"auc_elasticity"``).
    feasibility : pandas.DataFrame
        ``data/reconstructed/feasibility.csv``.

    Returns
    -------
    pandas.Series or None
        None when no subset holding the statistic has a witness.
    """
    for row in _found_subsets(feasibility).itertuples():
        members = reconstruct.FEASIBILITY_SETS.get(row.subset, ())
        if statistic in members:
            return feasibility.loc[row.Index]
    return None


def _statistic_of() -> dict[str, str]:
    """Published key -> target statistic of the reconstruction."""
    out = {}
    names = sorted({s for members in reconstruct.FEASIBILITY_SETS.values() for s in members})
    for target in reconstruct.targets(names):
        out[target.key] = target.statistic
    return out


def subset_verdicts(
    feasibility: pd.DataFrame, plausibility: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The feasibility map's subsets as verdicts: can these numbers all be true together?

    Parameters
    ----------
    feasibility : pandas.DataFrame
        ``data/reconstructed/feasibility.csv``.
    plausibility : pandas.DataFrame, optional
        :func:`read_witness_plausibility` of its witnesses.

    Returns
    -------
    pandas.DataFrame
        One row per subset: ``subset``, ``n_targets``, ``status`` (the map's), ``proof``,
        ``can_be_true`` (``impossible`` when proved, ``yes`` or ``only with atypical data`` by
        the witness's plausibility as in :func:`verdict_table`, ``cannot tell`` when the search
        found nothing), ``as_strange_pct`` and ``strangest`` (the witness's least plausible
        measure).
    """
    rows = []
    for _, row in feasibility.iterrows():
        summary = None
        if row["status"] == "witness found":
            summary = _witness_summary(row, plausibility)
        if row["status"] == "proved impossible":
            can = "impossible"
        elif summary is not None:
            can = "yes" if summary[0] > ATYPICAL_PCT else "only with atypical data"
        else:
            can = "cannot tell"
        rows.append(
            {
                "subset": row["subset"],
                "n_targets": int(row["n_targets"]),
                "status": row["status"],
                "proof": row["proof"],
                "can_be_true": can,
                "as_strange_pct": summary[0] if summary else math.nan,
                "strangest": summary[1] if summary else "",
            }
        )
    return pd.DataFrame(rows)


# ======================================================================================
# The rules
# ======================================================================================


def _replicate_range(
    key: str, replicates: pd.DataFrame | None, coverage: float
) -> tuple[float, float, float, int]:
    """(low, high, percentile of the published value, n) over replicate studies.

    ``low`` and ``high`` bound the central range that holds the share ``coverage`` of the
    replicate studies (quantiles ``(1 - coverage) / 2`` and ``(1 + coverage) / 2``).
    """
    from microcalc.study import montecarlo

    columns = {k: c for c, k in montecarlo.PUBLISHED_KEYS.items()}
    column = columns.get(key)
    if replicates is None or column not in replicates:
        return math.nan, math.nan, math.nan, 0
    series = replicates[column].dropna().to_numpy(dtype=float)
    if not len(series):
        return math.nan, math.nan, math.nan, 0
    tail = (1 - coverage) / 2
    low, high = np.quantile(series, [tail, 1 - tail])
    value = paper.value(key)
    pct = 100.0 * (np.mean(series < value) + 0.5 * np.mean(series == value))
    return float(low), float(high), float(pct), int(len(series))


def _sample_size_evidence() -> tuple[str, str]:
    """(reproduced, evidence) of the published 138 per group, from :mod:`samplesize`."""
    target = int(paper.value("samplesize.n_per_group"))
    candidates = samplesize.sample_size_candidates(
        paper.value("samplesize.auc"),
        alpha=paper.value("samplesize.alpha"),
        power=1 - paper.value("samplesize.beta"),
        target=target,
    )
    equal = candidates[candidates["ratio"] == 1.0]
    closest = equal.loc[equal["abs_difference"].idxmin()]
    names = {"hanley_mcneil": "Hanley-McNeil", "obuchowski": "Obuchowski"}
    n_design = int(paper.value("design.n.malignant"))
    buderer = samplesize.buderer_sample_size(
        sensitivity=_BUDERER_SENSITIVITY,
        specificity=_BUDERER_SENSITIVITY,
        prevalence=0.5,
        precision=_BUDERER_HALF_WIDTH,
    )
    hits = int(equal["matches_target"].sum())
    reproduced = "reproduced" if hits else "not reproduced"
    evidence = (
        f"{hits} of {len(equal)} AUC-based designs with equal groups give {target}; the closest "
        f"is {names[closest['method']]}'s variance against a null AUC of "
        f"{closest['null_auc']:.2f}, {closest['alternative']}, with {int(closest['n_cases'])}; "
        f"Buderer's formula for a sensitivity of {_BUDERER_SENSITIVITY:.2f} "
        f"± {_BUDERER_HALF_WIDTH:.2f} gives {buderer.n_cases_exact:.2f} "
        f"({int(buderer.n_cases)} rounded up), which would fit if rounded down; the study "
        f"enrolled {n_design} per group"
    )
    return reproduced, evidence


_MEASURE_NAMES = {
    "largest_tie_mm": "most lesions at one recorded size",
    "modes": "modes of elasticity",
    "bulk_sd_kpa": "bulk SD of elasticity (kPa)",
    "within_3_kpa_of_cutoff": "lesions within 3 kPa of the cutoff",
    "mean_log_density": "mean log-density under the model",
}


def _witness_summary(row: pd.Series, plausibility: pd.DataFrame | None) -> tuple[float, str] | None:
    """(smallest as_strange_pct, its measure and group) of a map witness, or None."""
    if plausibility is None or plausibility.empty:
        return None
    measures = plausibility[plausibility["slug"] == row["slug"]]
    if measures.empty:
        return None
    worst = measures.loc[measures["as_strange_pct"].astype(float).idxmin()]
    name = _MEASURE_NAMES.get(str(worst["measure"]), str(worst["measure"]).replace("_", " "))
    label = (
        f"{name} ({worst['group']}) {_fmt(worst['value'])} "
        f"against {_fmt(worst['model_low'])} to {_fmt(worst['model_high'])} in 95% of "
        "model studies"
    )
    return float(worst["as_strange_pct"]), label


def verdict_table(
    reproduction: Mapping[str, float],
    *,
    replicates: pd.DataFrame | None = None,
    audit: pd.DataFrame | None = None,
    bounds: pd.DataFrame | None = None,
    feasibility: pd.DataFrame | None = None,
    plausibility: pd.DataFrame | None = None,
    witness_dir: str | os.PathLike | None = None,
    calibrated: bool = True,
    coverage: float = 0.95,
) -> pd.DataFrame:
    """Both verdicts, their evidence and their consequence, for every published number.

    Parameters
    ----------
    reproduction : mapping
        Published key -> value on the analysed lesion table (:func:`reproduce`).
    replicates : pandas.DataFrame, optional
        Replicate studies (``data/montecarlo.csv.gz``, :func:`microcalc.study.montecarlo.read_results`).
    audit : pandas.DataFrame, optional
        :func:`microcalc.study.audit.audit_paper` (computed when omitted).
    bounds : pandas.DataFrame, optional
        :func:`microcalc.study.proofs.all_bounds` (computed when omitted).
    feasibility : pandas.DataFrame, optional
        The feasibility map (``data/reconstructed/feasibility.csv``); without it no witness
        is used.
    plausibility : pandas.DataFrame, optional
        :func:`read_witness_plausibility` of the map's witnesses.
    witness_dir : path, optional
        Folder of the witnesses, for the ``witness`` column (relative paths are kept as given).
    calibrated : bool, default True
        Whether ``reproduction`` comes from the book's calibrated cohort. With another data set
        nothing is "matched by construction" and the tuned numbers are judged like the rest.
    coverage : float, default 0.95
        Share of the replicate studies that the replicate range (``replicate_low`` to
        ``replicate_high``) covers: its central ``coverage`` quantile range. Not a confidence
        level: the range describes study-to-study variation, not the uncertainty of an
        estimate.

    Returns
    -------
    pandas.DataFrame
        One row per published number, in the paper's order: ``key``, ``description``,
        ``location``, ``kind``, ``chapter``, ``published`` (as printed), ``published_value``,
        ``can_be_true``, ``can_be_true_evidence``, ``proof`` (ids, ``;``), ``impossible_with``
        (the other numbers of the impossible set, ``;``), ``premise``, ``witness`` (file),
        ``witness_subset``, ``witness_as_strange_pct``, ``reproduced``,
        ``reproduced_evidence``, ``reproduction``, ``replicate_low``, ``replicate_high``,
        ``replicate_percentile``, ``audit`` (the worst audit verdict of the checks testing the
        number), ``consequence``.

    Notes
    -----
    ``can_be_true``, first match wins, for a result:

    1. a plausible data set that meets the number together with the numbers tied to it gives
       it (``yes``): the analysed table agrees with it (for the calibrated cohort, a draw of
       the model that also meets Tables 1 and 2); or, for a target of the reconstruction, the
       smallest map subset with a witness that holds it has a witness whose every
       plausibility measure has ``as_strange_pct`` above :data:`ATYPICAL_PCT`;
    2. a proof charges it (``impossible``): it is a tested number of an inconsistent audit
       check or a key of an impossible bound, and rule 1 does not exempt it; the other
       numbers of the proof are named;
    3. replicate studies of the model put it inside their central range (``yes``); they meet
       neither Table 2 nor the other numbers of a proof, so this counts only for numbers
       that are not targets of the reconstruction and not charged by a proof;
    4. a witness exists but is atypical (``only with atypical data``);
    5. otherwise ``cannot tell``.

    ``reproduced``: ``not applicable`` for design inputs, illustrations and cited work; for
    the sample size the candidates of :func:`microcalc.stats.samplesize.sample_size_candidates`;
    otherwise ``matched by construction`` when the number is tuned (and the cohort meets it,
    exactly or, for the correlations and kappa, within the calibration tolerance) or fixed
    by tuned numbers (and agrees); ``reproduced`` when an untuned number agrees; ``within
    study-to-study variation`` when inside the replicate range; ``not reproduced`` otherwise.
    """
    if not 0 < coverage < 1:
        raise ValueError(f"coverage must lie in (0, 1), got {coverage!r}")
    audit = audit_module.audit_paper() if audit is None else audit
    bounds = proofs.all_bounds() if bounds is None else bounds
    proof_rows = proof_table(audit, bounds)
    charged: dict[str, list[pd.Series]] = {}
    open_checks: dict[str, list[pd.Series]] = {}
    for _, proof in proof_rows.iterrows():
        target = charged if proof["binding"] else open_checks
        for key in proof["charged"].split(";"):
            if key:
                target.setdefault(key, []).append(proof)
    audit_worst = _audit_by_key(audit)
    statistic_of = _statistic_of()
    folder = Path(witness_dir) if witness_dir is not None else None
    sample_size = _sample_size_evidence()
    subsets = subset_verdicts(feasibility, plausibility) if feasibility is not None else None

    rows = []
    for published in paper.all_values():
        key = published.key
        value = float(reproduction.get(key, math.nan))
        low, high, pct, n_rep = _replicate_range(key, replicates, coverage)
        row = {
            "key": key,
            "description": published.description,
            "location": published.location,
            "kind": kind(key),
            "chapter": chapter(key),
            "published": published.printed,
            "published_value": published.value,
            "reproduction": value,
            "replicate_low": low,
            "replicate_high": high,
            "replicate_percentile": pct,
            "audit": audit_worst.get(key, ""),
            "proof": "",
            "impossible_with": "",
            "premise": "",
            "witness": "",
            "witness_subset": "",
            "witness_as_strange_pct": math.nan,
        }
        agrees = _agrees(published, value)
        in_range = math.isfinite(low) and low <= published.value <= high
        replicate_text = (
            f"replicate studies (central {100 * coverage:.0f}% of {n_rep}) range {_fmt(low)} to "
            f"{_fmt(high)}, the published value at their {pct:.1f}th percentile"
            if math.isfinite(low)
            else ""
        )

        # ---- reproduced ------------------------------------------------------------
        tuned = tuning(key) if calibrated else ""
        if row["kind"] in ("design", "illustration", "context"):
            rep = "not applicable"
            rep_text = {
                "design": "describes the design, not a result",
                "illustration": "describes one illustrative lesion, not a result",
                "context": "cites other work, not a result of this study",
            }[row["kind"]]
        elif key == "samplesize.n_per_group":
            rep, rep_text = sample_size
        elif tuned == "tuned":
            met = agrees or (
                _approximate_target(key)
                and abs(value - published.value) <= calibration.APPROXIMATE_TOLERANCE
            )
            if met:
                rep = "matched by construction"
                rep_text = f"the cohort was tuned to it (it gives {_fmt(value)})"
            else:
                rep = "not reproduced"
                rep_text = f"the cohort was tuned to it but gives {_fmt(value)}"
        elif tuned == "fixed" and agrees:
            rep = "matched by construction"
            rep_text = f"follows from numbers the cohort was tuned to (it gives {_fmt(value)})"
        elif tuned == "fixed":
            rep = "not reproduced"
            rep_text = (
                f"the cohort gives {_fmt(value)}, although the number follows from numbers "
                "the cohort was tuned to"
            )
        elif agrees:
            rep = "reproduced"
            rep_text = f"the cohort, not tuned to it, gives {_fmt(value)}"
        elif in_range:
            rep = "within study-to-study variation"
            rep_text = f"the cohort gives {_fmt(value)}; {replicate_text}"
        else:
            rep = "not reproduced"
            rep_text = f"the cohort gives {_fmt(value)}" if math.isfinite(value) else "not computed"
            if replicate_text:
                rep_text += f"; {replicate_text}"
        if key in _AT_MOST_READINGS and rep != "not applicable":
            rep_text += f" (read as P ≤ {published.printed}, the reading the audit accepts)"
        row["reproduced"], row["reproduced_evidence"] = rep, rep_text

        # ---- can_be_true -----------------------------------------------------------
        can, can_text = "cannot tell", ""
        statistic = statistic_of.get(key)
        witness_row = (
            smallest_witness(statistic, feasibility)
            if statistic is not None and feasibility is not None
            else None
        )
        if key in _EXTRA_WITNESSES and plausibility is not None and witness_row is None:
            slug, subset = _EXTRA_WITNESSES[key]
            if (plausibility["slug"] == slug).any():
                witness_row = pd.Series({"subset": subset, "slug": slug})
        witness = _witness_summary(witness_row, plausibility) if witness_row is not None else None
        if witness_row is not None:
            row["witness_subset"] = str(witness_row["subset"])
            name = (
                f"{witness_row['slug']}.csv"
                if key in _EXTRA_WITNESSES
                else f"map_{witness_row['slug']}.csv"
            )
            row["witness"] = str(folder / name) if folder is not None else name
            if witness is not None:
                row["witness_as_strange_pct"] = witness[0]
        yes_text, replicate_yes = "", ""
        if row["kind"] == "result":
            if agrees and math.isfinite(value):
                yes_text = (
                    f"the book's cohort, a draw of the model, gives {_fmt(value)}"
                    if calibrated
                    else f"the analysed data set gives {_fmt(value)}"
                )
            elif witness is not None and witness[0] > ATYPICAL_PCT:
                yes_text = (
                    f"a witness meets it together with the rest of '{witness_row['subset']}', "
                    f"and looks plausible (its strangest measure, {witness[1]}, is matched or "
                    f"exceeded by {witness[0]:.1f}% of model studies)"
                )
                if statistic.startswith(("or_", "hosmer")):
                    yes_text += (
                        "; the witness's model has elasticity and strain ratio only, while "
                        "Table 3's also holds age, size and density"
                    )
            elif statistic is None and in_range:
                replicate_yes = f"plausible studies give it: {replicate_text}"
        elif row["kind"] in ("design", "illustration"):
            yes_text = (
                "a description of the design, not a result; the cohort and every witness "
                "are built with it"
                if row["kind"] == "design"
                else "one illustrative lesion; values like these occur in plausible data"
            )
        proofs_here = charged.get(key, [])
        if yes_text:
            can, can_text = "yes", yes_text
            if proofs_here:
                others = _others(proofs_here, key)
                can_text += (
                    f"; it belongs to a set that cannot all be true ({_names(others)}), "
                    "and the proof is charged to the numbers no plausible data set meets"
                )
        elif proofs_here:
            can = "impossible"
            others = _others(proofs_here, key)
            row["proof"] = ";".join(p["proof_id"] for p in proofs_here)
            row["impossible_with"] = ";".join(others)
            row["premise"] = "; ".join(dict.fromkeys(p["premise"] for p in proofs_here))
            can_text = "; ".join(dict.fromkeys(p["statement"] for p in proofs_here))
            if others:
                can_text = f"impossible together with {_names(others)}: {can_text}"
            if witness is not None:
                can_text += (
                    f"; without the rest of that set, a witness of '{witness_row['subset']}' "
                    f"meets it, looking {'plausible' if witness[0] > ATYPICAL_PCT else 'atypical'}"
                )
        elif replicate_yes:
            can, can_text = "yes", replicate_yes
        elif witness is not None:
            can = "only with atypical data"
            can_text = (
                f"the least strange data set found that meets it together with the rest of "
                f"'{witness_row['subset']}' is atypical: {witness[1]}; only "
                f"{witness[0]:.1f}% of model studies look as strange"
            )
        elif row["kind"] == "result":
            if statistic is not None and feasibility is not None:
                status = _map_status(statistic, feasibility)
                can_text = f"no witness: the search {status}" if status else ""
            if not can_text:
                can_text = "no proof, no plausible data set and no witness decide it"
        elif row["kind"] == "design calculation":
            can_text = (
                "a calculation from unstated assumptions; one unconventional reading comes close "
                "(see the reproduction), none confirms it"
            )
        else:
            can_text = "a number from other work; this book does not check it"
        if key in open_checks and can != "yes":
            notes = "; ".join(p["statement"] for p in open_checks[key])
            can_text = (
                f"{can_text}; a t-test cannot give it ({notes}), but the Methods also allow a "
                "Mann-Whitney test, which means and SDs cannot check"
            )
        row["can_be_true"], row["can_be_true_evidence"] = can, can_text
        row["consequence"] = _consequence(key, row, reproduction)
        joint = _atypical_together(statistic, subsets)
        if joint and row["can_be_true"] == "yes" and can_text.startswith("a witness"):
            row["consequence"] = f"Plausible beside Table 2. {joint}"
        rows.append(row)
    columns = [
        "key",
        "description",
        "location",
        "kind",
        "chapter",
        "published",
        "published_value",
        "can_be_true",
        "can_be_true_evidence",
        "proof",
        "impossible_with",
        "premise",
        "witness",
        "witness_subset",
        "witness_as_strange_pct",
        "reproduced",
        "reproduced_evidence",
        "reproduction",
        "replicate_low",
        "replicate_high",
        "replicate_percentile",
        "audit",
        "consequence",
    ]
    return pd.DataFrame(rows, columns=columns)


def _atypical_together(statistic: str | None, subsets: pd.DataFrame | None) -> str:
    """A sentence naming the smallest subset holding the statistic that needs atypical data."""
    if statistic is None or subsets is None:
        return ""
    for row in subsets.sort_values("n_targets", kind="stable").itertuples():
        members = reconstruct.FEASIBILITY_SETS.get(row.subset, ())
        if statistic in members and row.can_be_true == "only with atypical data":
            return (
                f"Together with the other numbers of '{row.subset}' ({row.n_targets} in all) "
                f"it holds only with atypical data ({row.strangest})."
            )
    return ""


def _map_status(statistic: str, feasibility: pd.DataFrame) -> str:
    statuses = []
    for row in feasibility.itertuples():
        if statistic in reconstruct.FEASIBILITY_SETS.get(row.subset, ()):
            statuses.append(str(row.status))
    if not statuses:
        return ""
    counts = pd.Series(statuses).value_counts()
    return "; ".join(f"{n} subset(s) holding it: {status}" for status, n in counts.items())


def _others(proofs_here: Sequence[pd.Series], key: str) -> list[str]:
    others: list[str] = []
    for proof in proofs_here:
        for k in proof["keys"].split(";"):
            if k and k != key and k not in others:
                others.append(k)
    return others


def _names(keys: Sequence[str]) -> str:
    return ", ".join(f"{paper.get(k).description} {paper.get(k).printed}" for k in keys)


def _audit_by_key(audit: pd.DataFrame) -> dict[str, str]:
    """Published key -> worst verdict of the audit checks that test it."""
    rank = {"inconsistent": 2, "consistent": 1, "cannot tell": 0}
    found: dict[str, str] = {}
    for row in audit.itertuples():
        for key in str(row.tested_keys).split(";"):
            key = key.strip()
            if key and rank.get(row.verdict, 0) >= rank.get(found.get(key, ""), -1):
                found[key] = row.verdict
    return found


# ======================================================================================
# Consequences for the paper's conclusions
# ======================================================================================


def _consequence(key: str, row: Mapping, reproduction: Mapping[str, float]) -> str:
    can, rep = row["can_be_true"], row["reproduced"]
    screen = paper.get("text.univariable_screen_p")
    if key == "roc.accuracy" and can == "impossible":
        n1, n0 = paper.value("design.n.malignant"), paper.value("design.n.benign")
        implied = (n1 * paper.value("roc.sensitivity") + n0 * paper.value("roc.specificity")) / (
            n1 + n0
        )
        return (
            f"The abstract's accuracy is wrong as printed; its own sensitivity and specificity "
            f"give {implied:.1f}%. 'High accuracy' still rests on those two."
        )
    if key.startswith(("roc.sensitivity.ci", "roc.specificity.ci")) and can == "impossible":
        return (
            "The interval is misprinted or from an unnamed method; the exact interval differs "
            "by a fraction of a point, and no conclusion changes."
        )
    if key.startswith("table3.strain_ratio.") and can == "impossible":
        return (
            "The odds ratio or its CI is misprinted (if the CI is Wald); strain ratio stays a "
            "strong predictor whichever is right, but its effect size is uncertain."
        )
    rule = f"P {screen.qualifier} {screen.value:.{screen.decimals}f}"
    if key == "table1.breast_density.p_value":
        p = _counts_p("breast_density")
        flips = (p < screen.value) != (paper.value(key) < screen.value)
        if flips:
            return (
                f"The printed counts give P = {p:.3f}, which flips the paper's own entry rule "
                f"({rule}): density would not have entered the "
                "multivariable model, so Table 3, including the adjusted odds ratios of "
                "elasticity and strain ratio, comes from a model its stated rule would not build."
            )
    if key == "table1.age_years.p_value":
        recomputed = _student_p("age_years")
        if min(recomputed, paper.value(key)) >= screen.value:
            return (
                f"Age shows no difference either way; but printed ({paper.get(key).printed}) or "
                f"recomputed ({recomputed:.3f}), the P misses the paper's own entry rule "
                f"({rule}), which would have kept age out of the multivariable model of Table 3."
            )
    if key == "table1.lesion_size_mm.p_value" and can in ("impossible", "only with atypical data"):
        return (
            "Under any usual analysis of sizes shaped like a clinical sample the difference is "
            "far stronger than printed; the conclusion (larger malignant lesions) is the same."
        )
    if key == "table1.calcification_pattern.p_value" and can == "impossible":
        return "The association is stronger than printed; no conclusion changes."
    if key == "table3.dense_breast.p_value" and can == "impossible":
        return (
            "The P belongs to another test than the CI beside it; density is not a predictor "
            "either way."
        )
    if key == "roc.cutoff_kpa" and can == "only with atypical data":
        cut = paper.get(key).printed
        return (
            f"{cut} kPa is the best cutoff only if lesions crowd just above it; in data shaped "
            f"like a clinical sample the optimum lies higher "
            f"({_fmt(reproduction.get(key, math.nan))} kPa in the cohort). Treat {cut} kPa as a "
            "cutoff to validate."
        )
    if key in ("roc.auc.combined", "roc.delong.p_value") and can in (
        "only with atypical data",
        "cannot tell",
    ):
        return (
            "The added value of strain ratio, the paper's second conclusion, rests on this "
            "number; with data shaped like a clinical sample the combined AUC comes out higher "
            "and the comparison is not a valid test of added value anyway (see the ROC chapter)."
        )
    if key == "samplesize.n_per_group":
        return (
            "No standard reading of the stated assumptions gives it, but the study enrolled "
            "more than any AUC-based reading asks for; its size is not a weakness."
        )
    if can == "impossible":
        return "At least one number of the set is misprinted; which one, the paper cannot say."
    if can == "only with atypical data":
        return (
            "True only if the data were shaped unlike a clinical sample: a question for the "
            "authors, not a proof of error."
        )
    if row["kind"] in ("design", "illustration", "context"):
        return "Not a result; no conclusion rests on a verdict about it."
    if rep == "matched by construction" and can == "yes":
        return (
            "Can stand as printed; the cohort's agreement is built in, so it is no independent "
            "support."
        )
    if rep == "matched by construction":
        return "Agreement here is built in, so it neither supports nor questions the paper."
    if can == "yes":
        return "Can stand as printed."
    return "Open: neither supported nor ruled out by the book's evidence."


def _student_p(variable: str) -> float:
    """Student's t-test P of a Table 1 variable from the printed means and SDs."""
    s = {
        (g, m): paper.value(f"table1.{variable}.{g}.{m}")
        for g in ("malignant", "benign")
        for m in ("mean", "sd")
    }
    readings = audit_module.ttest_readings(
        s["malignant", "mean"],
        s["malignant", "sd"],
        int(paper.value("design.n.malignant")),
        s["benign", "mean"],
        s["benign", "sd"],
        int(paper.value("design.n.benign")),
        decimals=paper.get(f"table1.{variable}.malignant.mean").decimals,
    )
    return float(readings.set_index("reading").loc["student", "p_value"])


def _counts_p(variable: str) -> float:
    counts = audit_module.table1_counts(variable)
    readings = audit_module.chi_square_readings(counts).set_index("method")
    return float(readings.loc["chi_square", "p_value"])


# ======================================================================================
# Files, counts and the pages' channel
# ======================================================================================


def build_verdicts(
    lesions_csv: str | os.PathLike,
    *,
    data_dir: str | os.PathLike | None = None,
    witness_dir: str | os.PathLike | None = None,
    calibrated: bool | None = None,
    coverage: float = 0.95,
) -> pd.DataFrame:
    """:func:`verdict_table` from files: a lesion table, the replicates and the witnesses.

    Parameters
    ----------
    lesions_csv : path
        A ``lesions.csv`` of the data dictionary.
    data_dir : path, optional
        Folder with ``montecarlo.csv.gz`` and ``montecarlo.json`` (default: the lesions'
        folder). Without them no replicate range is used.
    witness_dir : path, optional
        Folder with ``feasibility.csv``, ``map_<slug>.csv`` and :data:`PLAUSIBILITY_FILE`
        (default: ``reconstructed/`` in ``data_dir``). Without a map no witness is used.
    calibrated : bool, optional
        Whether the lesions are the book's calibrated cohort (default: the file is the
        repository's ``data/lesions.csv``).
    coverage : float, default 0.95
        Share of the replicate studies covered by the replicate range (see
        :func:`verdict_table`).

    Returns
    -------
    pandas.DataFrame
        As :func:`verdict_table`.
    """
    from microcalc import paths
    from microcalc.study import cohort, montecarlo

    path = Path(lesions_csv)
    if not path.is_file():
        raise ValueError(f"lesions file {str(path)!r} does not exist")
    folder = Path(data_dir) if data_dir is not None else path.parent
    replicates = None
    if (folder / montecarlo.CSV_NAME).is_file():
        replicates, _ = montecarlo.read_results(folder)
    wdir = Path(witness_dir) if witness_dir is not None else folder / "reconstructed"
    feasibility = plausibility = None
    if (wdir / "feasibility.csv").is_file():
        feasibility = pd.read_csv(wdir / "feasibility.csv", keep_default_na=False)
        plausibility = read_witness_plausibility(wdir, feasibility)
    if calibrated is None:
        calibrated = path.resolve() == (paths.repository_data_dir() / "lesions.csv").resolve()
    try:
        shown_dir = wdir.resolve().relative_to(paths.repository_data_dir().parent)
    except ValueError:
        shown_dir = wdir
    return verdict_table(
        reproduce(cohort.read_cohort_csv(path)),
        replicates=replicates,
        feasibility=feasibility,
        plausibility=plausibility,
        witness_dir=shown_dir,
        calibrated=calibrated,
        coverage=coverage,
    )


def axis_counts(table: pd.DataFrame, axis: str, *, kinds: Sequence[str] | None = None) -> pd.Series:
    """Number of published values per category of one axis, in the axis's order.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`verdict_table`.
    axis : {"can_be_true", "reproduced"}
    kinds : sequence of str, optional
        Count only these kinds (e.g. ``["result"]``).
    """
    if axis not in AXES:
        raise ValueError(f"axis must be one of {sorted(AXES)}, got {axis!r}")
    rows = table if kinds is None else table[table["kind"].isin(list(kinds))]
    return rows[axis].value_counts().reindex(list(AXES[axis]), fill_value=0)


def label_html(key: str, axis: str, label: str) -> str:
    """A verdict as an HTML span that names its number and axis.

    Every verdict a chapter shows goes through this span (inline, via :func:`glue_values`,
    or in a table cell), so a test can compare each one with :func:`verdict_table`.

    Examples
    --------
    >>> label_html("roc.accuracy", "can_be_true", "impossible")
    '<span class="verdict" data-key="roc.accuracy" data-axis="can_be_true">impossible</span>'
    """
    if axis not in AXES:
        raise ValueError(f"axis must be one of {sorted(AXES)}, got {axis!r}")
    if label not in AXES[axis]:
        raise ValueError(f"label must be one of {AXES[axis]}, got {label!r}")
    return (
        f'<span class="verdict" data-key="{html.escape(key)}" data-axis="{axis}">'
        f"{html.escape(label)}</span>"
    )


def verdict_frame(table: pd.DataFrame, keys: Sequence[str] | None = None) -> pd.DataFrame:
    """The verdicts of some numbers as a display table (cells hold :func:`label_html` spans).

    Columns: ``published number`` (description and where it stands), ``published``,
    ``can it be true?``, ``reproduced here?``, ``why`` (the two evidence sentences) and
    ``what it means`` (the consequence). Render it with ``.style.hide(axis="index")``; the
    HTML in the cells is kept.
    """
    rows = table.set_index("key")
    chosen = list(rows.index) if keys is None else list(keys)
    out = []
    for key in chosen:
        r = rows.loc[key]
        out.append(
            {
                "published number": f"<b>{html.escape(str(r['description']))}</b><br>"
                f"<small>{html.escape(str(r['location']))}</small>",
                "published": html.escape(str(r["published"])),
                "can it be true?": label_html(key, "can_be_true", r["can_be_true"]),
                "reproduced here?": label_html(key, "reproduced", r["reproduced"]),
                "why": f"<small>{html.escape(str(r['can_be_true_evidence']))}<br>"
                f"<i>{html.escape(str(r['reproduced_evidence']))}</i></small>",
                "what it means": f"<small>{html.escape(str(r['consequence']))}</small>",
            }
        )
    return pd.DataFrame(out)


class _Verdict:
    """A glued verdict: HTML span for the book, the bare label as plain text."""

    def __init__(self, key: str, axis: str, label: str):
        self.key, self.axis, self.label = key, axis, label

    def _repr_html_(self) -> str:
        return label_html(self.key, self.axis, self.label)

    def __repr__(self) -> str:
        return self.label


def glue_values(table: pd.DataFrame, keys: Sequence[str] | None = None) -> dict[str, object]:
    """Glue name -> object for each verdict of some numbers; the chapters' one channel.

    Names are ``verdict.<key>.<axis>`` (both axes); the objects render as the
    :func:`label_html` span with ``{glue:}`` and as the bare label with ``{glue:text}``. Also
    ``verdict.<key>.can_be_true_evidence``, ``.reproduced_evidence`` and ``.consequence``
    (plain strings).

    Examples
    --------
    >>> table = pd.DataFrame({"key": ["roc.accuracy"], "can_be_true": ["impossible"],
    ...     "reproduced": ["not reproduced"], "can_be_true_evidence": ["a proof"],
    ...     "reproduced_evidence": ["87.3"], "consequence": ["wrong as printed"]})
    >>> sorted(glue_values(table))[:2]
    ['verdict.roc.accuracy.can_be_true', 'verdict.roc.accuracy.can_be_true_evidence']
    """
    rows = table.set_index("key")
    chosen = list(rows.index) if keys is None else list(keys)
    missing = [k for k in chosen if k not in rows.index]
    if missing:
        raise ValueError(f"no verdict for {missing}")
    out: dict[str, object] = {}
    for key in chosen:
        for axis in AXES:
            out[f"verdict.{key}.{axis}"] = _Verdict(key, axis, rows.at[key, axis])
        for column in ("can_be_true_evidence", "reproduced_evidence", "consequence"):
            out[f"verdict.{key}.{column}"] = str(rows.at[key, column])
    return out


# the decision threshold the bottom line compares the risk after a negative result with
BIRADS3_CEILING = variables.BIRADS3_MALIGNANCY_CEILING
