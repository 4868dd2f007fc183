# Reference values for microcalc.stats.agreement and microcalc.stats.samplesize.
#
# Run from the repository root:
#     Rscript tests/reference/agreement_samplesize.R
# It rewrites tests/reference/fixtures/agreement_*.json and samplesize_*.json.
# The Python tests read these files; they never need R.
#
# Every data set is generated here with set.seed, rounded, written to JSON and read back before
# any statistic is computed, so R and Python compute on the very same doubles.
#
# Needs: R >= 4.2, psych (Debian r-cran-psych), pROC (r-cran-proc), jsonlite.

suppressPackageStartupMessages({
  library(jsonlite)
  library(psych)
  library(pROC)
})

out_dir <- file.path("tests", "reference", "fixtures")
if (!dir.exists(out_dir)) stop("run from the repository root: ", out_dir, " not found")

provenance <- function(packages) {
  list(
    generated_by = "tests/reference/agreement_samplesize.R",
    r_version = R.version.string,
    packages = setNames(
      lapply(packages, function(p) as.character(packageVersion(p))),
      packages
    )
  )
}

# Write data to JSON text and read it back, so the statistics use exactly what Python reads.
round_trip <- function(x) fromJSON(toJSON(x, digits = NA))

write_fixture <- function(x, name) {
  path <- file.path(out_dir, name)
  writeLines(toJSON(x, digits = NA, auto_unbox = TRUE, pretty = TRUE), path)
  message("wrote ", path)
}

# ---------------------------------------------------------------------------------------------
# Data: two readers, 150 malignant + 150 benign, calibrated loosely to the paper's Table 2.
# ---------------------------------------------------------------------------------------------
set.seed(20240505)
n <- 300
malignant <- rep(c(1L, 0L), each = n / 2)
true_kpa <- ifelse(malignant == 1L, rnorm(n, 88.3, 16.2), rnorm(n, 45.7, 9.8))
true_sr <- exp(ifelse(malignant == 1L, rnorm(n, log(2.35), 0.2), rnorm(n, log(1.15), 0.3)))
latent_score <- ifelse(malignant == 1L, rnorm(n, 4.2, 0.6), rnorm(n, 2.1, 0.7))
to_score <- function(x) as.integer(pmin(5, pmax(1, round(x))))

readers <- round_trip(list(
  reader1_elasticity_kpa = round(true_kpa * (1 + rnorm(n, 0, 0.04)), 2),
  reader2_elasticity_kpa = round(true_kpa * (1 + rnorm(n, 0, 0.04)) + 1.0, 2),
  reader1_strain_ratio = round(true_sr * (1 + rnorm(n, 0, 0.05)), 3),
  reader2_strain_ratio = round(true_sr * (1 + rnorm(n, 0, 0.05)), 3),
  reader1_score = to_score(latent_score + rnorm(n, 0, 0.3)),
  reader2_score = to_score(latent_score + rnorm(n, 0.05, 0.3))
))

# A small table in which category 1 is never used, to pin the handling of empty categories.
set.seed(7)
small_latent <- runif(40, 1.6, 5.4)
small <- round_trip(list(
  rater1 = to_score(small_latent + rnorm(40, 0, 0.6)),
  rater2 = to_score(small_latent + rnorm(40, 0, 0.6))
))
small$rater1[small$rater1 == 1L] <- 2L
small$rater2[small$rater2 == 1L] <- 2L

# ---------------------------------------------------------------------------------------------
# Cohen's kappa: psych::cohen.kappa
# ---------------------------------------------------------------------------------------------
linear_weights <- function(k) outer(seq_len(k), seq_len(k), function(i, j) 1 - abs(i - j) / (k - 1))
quadratic_weights <- function(k) {
  outer(seq_len(k), seq_len(k), function(i, j) 1 - (i - j)^2 / (k - 1)^2)
}

kappa_case <- function(name, rater1, rater2, levels) {
  k <- length(levels)
  x <- cbind(rater1, rater2)
  lin <- cohen.kappa(x, w = linear_weights(k), levels = levels)
  quad <- cohen.kappa(x, w = quadratic_weights(k), levels = levels)
  list(
    name = name,
    levels = levels,
    rater1 = rater1,
    rater2 = rater2,
    unweighted = list(
      kappa = lin$kappa, var = lin$var.kappa,
      lower = lin$confid[1, "lower"], upper = lin$confid[1, "upper"]
    ),
    linear = list(
      kappa = lin$weighted.kappa, var = lin$var.weighted,
      lower = lin$confid[2, "lower"], upper = lin$confid[2, "upper"]
    ),
    quadratic = list(
      kappa = quad$weighted.kappa, var = quad$var.weighted,
      lower = quad$confid[2, "lower"], upper = quad$confid[2, "upper"]
    )
  )
}

cutoff <- 62
call1 <- as.integer(readers$reader1_elasticity_kpa >= cutoff)
call2 <- as.integer(readers$reader2_elasticity_kpa >= cutoff)

write_fixture(
  c(
    provenance(c("psych", "jsonlite")),
    list(
      description = paste(
        "psych::cohen.kappa; linear weights 1-|i-j|/(k-1), quadratic 1-(i-j)^2/(k-1)^2;",
        "var is psych's var.kappa / var.weighted; CI = kappa -/+ qnorm(0.975) sqrt(var)"
      ),
      seed = 20240505,
      cases = list(
        kappa_case("score_300", readers$reader1_score, readers$reader2_score, 1:5),
        kappa_case("call_62kpa_300", call1, call2, 0:1),
        kappa_case("score_40_category1_unused", small$rater1, small$rater2, 1:5)
      )
    )
  ),
  "agreement_kappa.json"
)

# ---------------------------------------------------------------------------------------------
# ICC: psych::ICC (ANOVA path, lmer = FALSE)
# ---------------------------------------------------------------------------------------------
icc_case <- function(name, ratings) {
  res <- ICC(ratings, lmer = FALSE)$results
  list(
    name = name,
    ratings = unname(lapply(seq_len(ncol(ratings)), function(j) ratings[, j])),
    type = as.character(res$type),
    icc = res$ICC,
    f = res$F,
    df1 = res$df1,
    df2 = res$df2,
    p = res$p,
    lower = res[["lower bound"]],
    upper = res[["upper bound"]]
  )
}

set.seed(11)
target <- rnorm(30, 50, 10)
three <- round_trip(list(
  a = round(target + rnorm(30, 0, 3), 2),
  b = round(target + rnorm(30, 2, 3), 2),
  c = round(target + rnorm(30, -1, 4), 2)
))
three_raters <- cbind(three$a, three$b, three$c)

# Shrout & Fleiss (1979), Table 2: 6 targets rated by 4 judges.
shrout_fleiss <- cbind(
  c(9, 6, 8, 7, 10, 6),
  c(2, 1, 4, 1, 5, 2),
  c(5, 3, 6, 2, 6, 4),
  c(8, 2, 8, 6, 9, 7)
)

write_fixture(
  c(
    provenance(c("psych", "jsonlite")),
    list(
      description = "psych::ICC(x, lmer = FALSE)$results; ratings are the columns (one per rater)",
      seed = 20240505,
      cases = list(
        icc_case(
          "elasticity_two_readers",
          cbind(readers$reader1_elasticity_kpa, readers$reader2_elasticity_kpa)
        ),
        icc_case(
          "strain_ratio_two_readers",
          cbind(readers$reader1_strain_ratio, readers$reader2_strain_ratio)
        ),
        icc_case("three_raters_30", three_raters),
        icc_case("shrout_fleiss_1979_table2", shrout_fleiss)
      )
    )
  ),
  "agreement_icc.json"
)

# ---------------------------------------------------------------------------------------------
# Bland-Altman and repeatability: base R (lm, aov), the formulas written out independently
# ---------------------------------------------------------------------------------------------
bland_altman_case <- function(name, x, y, coverage = 0.95, alpha = 0.05) {
  d <- x - y
  m <- (x + y) / 2
  nn <- length(d)
  z <- qnorm((1 + coverage) / 2)
  tq <- qt(1 - alpha / 2, nn - 1)
  s <- sd(d)
  loa_se <- s * sqrt(1 / nn + z^2 / (2 * (nn - 1)))
  fit <- summary(lm(d ~ m))$coefficients
  lo <- mean(d) - z * s
  hi <- mean(d) + z * s
  list(
    name = name, x = x, y = y, coverage = coverage, alpha = alpha,
    bias = mean(d), bias_se = s / sqrt(nn),
    bias_ci = mean(d) + c(-1, 1) * tq * s / sqrt(nn),
    bias_p = t.test(d)$p.value,
    sd = s, loa_low = lo, loa_high = hi, loa_se = loa_se,
    loa_low_ci = lo + c(-1, 1) * tq * loa_se,
    loa_high_ci = hi + c(-1, 1) * tq * loa_se,
    n_inside = sum(d >= lo & d <= hi),
    slope = fit["m", "Estimate"], slope_se = fit["m", "Std. Error"],
    slope_p = fit["m", "Pr(>|t|)"], intercept = fit["(Intercept)", "Estimate"],
    slope_ci = confint(lm(d ~ m), level = 1 - alpha)["m", ]
  )
}

set.seed(23)
acq <- expand.grid(acquisition = 1:3, reader = 1:2, participant = 1:40)
subject_mean <- rnorm(40, 65, 20)
acq$value <- round(subject_mean[acq$participant] * (1 + rnorm(nrow(acq), 0, 0.05)) +
  0.8 * (acq$reader == 2), 2)
acq <- round_trip(acq)
acq$participant_id <- sprintf("P%03d", acq$participant)
acq$subject <- paste(acq$participant_id, acq$reader)

repeatability_case <- function(sub, label, alpha = 0.05) {
  fit <- anova(aov(value ~ factor(subject), data = sub))
  ms_within <- fit["Residuals", "Mean Sq"]
  df <- fit["Residuals", "Df"]
  sw <- sqrt(ms_within)
  per_subject_sd <- tapply(sub$value, sub$subject, sd)
  per_subject_mean <- tapply(sub$value, sub$subject, mean)
  list(
    group = label,
    n_subjects = length(unique(sub$subject)),
    n_measurements = nrow(sub),
    df = df,
    mean = mean(sub$value),
    within_sd = sw,
    within_sd_ci = sqrt(df * ms_within / qchisq(c(1 - alpha / 2, alpha / 2), df)),
    cv = sw / mean(sub$value),
    cv_rms = sqrt(mean((per_subject_sd / per_subject_mean)^2)),
    repeatability_coefficient = qnorm(0.975) * sqrt(2) * sw
  )
}

write_fixture(
  c(
    provenance(c("jsonlite")),
    list(
      description = paste(
        "Bland-Altman with base R (lm, t.test); LoA SE of Bland & Altman (1999);",
        "repeatability from the residual mean square of aov(value ~ subject),",
        "subject = participant x reader"
      ),
      bland_altman = list(
        bland_altman_case(
          "elasticity_two_readers",
          readers$reader1_elasticity_kpa, readers$reader2_elasticity_kpa
        ),
        bland_altman_case(
          "strain_ratio_two_readers_90",
          readers$reader1_strain_ratio, readers$reader2_strain_ratio,
          coverage = 0.90, alpha = 0.10
        )
      ),
      measurements = list(
        participant_id = acq$participant_id,
        reader = acq$reader,
        acquisition = acq$acquisition,
        emean_kpa = acq$value
      ),
      repeatability = list(
        repeatability_case(acq[acq$reader == 1, ], "1"),
        repeatability_case(acq[acq$reader == 2, ], "2"),
        repeatability_case(acq, "all")
      )
    )
  ),
  "agreement_blandaltman.json"
)

# The lesion-level reader columns, for the table-level functions.
write_fixture(
  c(
    provenance(c("jsonlite")),
    list(
      description = "simulated reader columns of the lesion table (data dictionary names)",
      seed = 20240505,
      malignant = malignant,
      readers = readers
    )
  ),
  "agreement_readers.json"
)

# ---------------------------------------------------------------------------------------------
# Sample size: pROC::power.roc.test (Obuchowski's variance with its published constants)
# ---------------------------------------------------------------------------------------------
grid <- expand.grid(
  auc = c(0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95),
  kappa = c(0.5, 1, 2),
  sig.level = c(0.05, 0.01),
  power = c(0.8, 0.9),
  alternative = c("two.sided", "one.sided"),
  stringsAsFactors = FALSE
)
n_rows <- lapply(seq_len(nrow(grid)), function(i) {
  g <- grid[i, ]
  r <- power.roc.test(
    auc = g$auc, sig.level = g$sig.level, power = g$power, kappa = g$kappa,
    alternative = g$alternative
  )
  list(
    auc = g$auc, kappa = g$kappa, sig_level = g$sig.level, power = g$power,
    alternative = g$alternative, ncases = r$ncases, ncontrols = r$ncontrols
  )
})

power_grid <- expand.grid(
  auc = c(0.65, 0.75, 0.85),
  ncases = c(10, 25, 60, 138),
  ncontrols = c(10, 60, 150),
  alternative = c("two.sided", "one.sided"),
  stringsAsFactors = FALSE
)
power_rows <- lapply(seq_len(nrow(power_grid)), function(i) {
  g <- power_grid[i, ]
  r <- power.roc.test(
    auc = g$auc, ncases = g$ncases, ncontrols = g$ncontrols, sig.level = 0.05,
    alternative = g$alternative
  )
  list(
    auc = g$auc, ncases = g$ncases, ncontrols = g$ncontrols, sig_level = 0.05,
    alternative = g$alternative, power = r$power
  )
})

variance_rows <- lapply(c(0.5, 0.6, 0.75, 0.85, 0.95, 0.99), function(theta) {
  lapply(c(0.5, 1, 2), function(k) {
    list(auc = theta, kappa = k, v = pROC:::var.theta.obuchowski(theta, k))
  })
})

write_fixture(
  c(
    provenance(c("pROC", "jsonlite")),
    list(
      description = paste(
        "pROC::power.roc.test for one ROC curve against AUC = 0.5; kappa = ncontrols/ncases;",
        "two.sided halves sig.level; var.theta.obuchowski(theta, kappa) is the per-case",
        "variance function 0.0099 exp(-A^2/2) (5A^2 + 8 + (A^2 + 8)/kappa), A = 1.414 qnorm(theta)"
      ),
      sample_size = n_rows,
      power = power_rows,
      variance = unlist(variance_rows, recursive = FALSE)
    )
  ),
  "samplesize_power_roc.json"
)
