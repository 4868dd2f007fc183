# Reference values for microcalc.stats.roc and microcalc.stats.accuracy, computed with R's pROC and epiR.
#
# Run from the repository root:
#
#     Rscript tests/reference/roc_accuracy.R
#
# It writes tests/reference/fixtures/roc_<dataset>.json and accuracy_<table>.json. Each file holds
# the input data (so Python reads exactly the same numbers), the results, R.version.string and the
# versions of pROC, epiR and jsonlite. Numbers are written with 17 significant digits, so every
# double round-trips exactly. The fixtures are committed: the Python tests never need R.
#
# Needs: r-base-core, r-cran-proc, r-cran-epir, r-cran-jsonlite (Debian package names).

suppressPackageStartupMessages({
  library(pROC)
  library(epiR)
  library(jsonlite)
})

args <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args[grep("^--file=", args)])
here <- if (length(script) == 1) dirname(normalizePath(script)) else "tests/reference"
out_dir <- file.path(here, "fixtures")
dir.create(out_dir, showWarnings = FALSE, recursive = TRUE)

versions <- list(
  r_version = R.version.string,
  proc_version = as.character(packageVersion("pROC")),
  epir_version = as.character(packageVersion("epiR")),
  jsonlite_version = as.character(packageVersion("jsonlite")),
  generated_by = "tests/reference/roc_accuracy.R"
)

# ---------------------------------------------------------------------------------------------
# JSON writing with exact doubles: jsonlite prints at most 15 significant digits, so numeric
# vectors are formatted here with %.17g and passed through verbatim. Length-1 numerics become
# JSON scalars; Inf, -Inf and NaN become the strings "Inf", "-Inf", "NaN"; NA becomes null.
# ---------------------------------------------------------------------------------------------
fmt_num <- function(x) {
  out <- sprintf("%.17g", x)
  out[is.infinite(x) & x > 0] <- "\"Inf\""
  out[is.infinite(x) & x < 0] <- "\"-Inf\""
  out[is.nan(x)] <- "\"NaN\""
  out[is.na(x) & !is.nan(x)] <- "null"
  out
}

exact_numbers <- function(x) {
  if (is.list(x)) {
    return(lapply(x, exact_numbers))
  }
  if (is.numeric(x) && !is.integer(x)) {
    x <- as.vector(x)
    text <- fmt_num(x)
    body <- if (length(x) == 1) text else paste0("[", paste(text, collapse = ","), "]")
    return(structure(body, class = "json"))
  }
  x
}

write_fixture <- function(content, file) {
  content <- c(versions, content)
  json <- toJSON(exact_numbers(content), auto_unbox = TRUE, json_verbatim = TRUE,
                 pretty = TRUE, null = "null")
  writeLines(json, file.path(out_dir, file))
  cat("wrote", file.path(out_dir, file), "\n")
}

# ---------------------------------------------------------------------------------------------
# Datasets: a truth vector (1 = malignant) and two markers measured on the same participants.
# Higher marker values mean malignant; pROC is always called with direction = "<".
# ---------------------------------------------------------------------------------------------
make_pair <- function(n_pos, n_neg, shift1, shift2, rho) {
  truth <- c(rep(1L, n_pos), rep(0L, n_neg))
  z1 <- rnorm(n_pos + n_neg)
  z2 <- rho * z1 + sqrt(1 - rho^2) * rnorm(n_pos + n_neg)
  list(truth = truth, marker1 = z1 + shift1 * truth, marker2 = z2 + shift2 * truth)
}

datasets <- list()

set.seed(20240601)
d <- make_pair(150, 150, 1.6, 1.2, 0.5)
datasets$balanced <- list(
  description = "150 malignant, 150 benign; normal markers rounded to 2 decimals (a few ties)",
  truth = d$truth, marker1 = round(30 + 15 * d$marker1, 2), marker2 = round(2 + d$marker2, 2)
)

set.seed(20240602)
d <- make_pair(37, 263, 1.3, 1.0, 0.4)
datasets$unbalanced <- list(
  description = "37 malignant, 263 benign (screening-like prevalence); continuous markers",
  truth = d$truth, marker1 = exp(3 + 0.5 * d$marker1), marker2 = d$marker2
)

set.seed(20240603)
d <- make_pair(120, 180, 1.5, 1.0, 0.6)
datasets$heavy_ties <- list(
  description = "ordinal markers: a 1-5 score and a 0-10 scale, so most values are tied",
  truth = d$truth,
  marker1 = as.numeric(cut(d$marker1, c(-Inf, -0.5, 0.3, 1.0, 1.8, Inf), labels = FALSE)),
  marker2 = pmin(pmax(round(3 + 1.5 * d$marker2), 0), 10)
)

set.seed(20240604)
d <- make_pair(60, 90, 4.2, 3.5, 0.3)
datasets$near_perfect <- list(
  description = "near-perfect separation: a handful of overlapping pairs only",
  truth = d$truth, marker1 = round(d$marker1, 3), marker2 = round(d$marker2, 3)
)

set.seed(20240605)
d <- make_pair(100, 110, 0.15, -0.2, 0.2)
datasets$weak <- list(
  description = "weak markers: AUC near 0.5, the second slightly below 0.5",
  truth = d$truth, marker1 = round(d$marker1, 2), marker2 = round(d$marker2, 2)
)

set.seed(20240606)
d <- make_pair(150, 150, 2.3, 2.7, 0.8)
datasets$correlated <- list(
  description = "two strongly correlated markers with AUCs near 0.95 and 0.97 (the paper's case)",
  truth = d$truth, marker1 = round(40 + 20 * d$marker1, 1), marker2 = round(exp(0.4 * d$marker2), 3)
)

datasets$tiny <- list(
  description = "hand-made: 5 malignant, 4 benign, ties across classes",
  truth = c(1L, 1L, 1L, 1L, 1L, 0L, 0L, 0L, 0L),
  marker1 = c(3, 5, 5, 7, 2, 1, 3, 5, 2),
  marker2 = c(0.4, 0.9, 0.7, 0.7, 0.1, 0.2, 0.4, 0.3, 0.1)
)

# ---------------------------------------------------------------------------------------------
# pROC results
# ---------------------------------------------------------------------------------------------
marker_results <- function(r) {
  ci_delong <- as.numeric(ci.auc(r, method = "delong", conf.level = 0.95))
  ci_delong90 <- as.numeric(ci.auc(r, method = "delong", conf.level = 0.90))
  set.seed(1)
  ci_boot <- as.numeric(ci.auc(r, method = "bootstrap", boot.n = 2000, boot.stratified = TRUE,
                               progress = "none"))
  best <- coords(r, x = "best", best.method = "youden",
                 ret = c("threshold", "sensitivity", "specificity"), transpose = FALSE)
  list(
    auc = as.numeric(auc(r)),
    var_delong = var(r, method = "delong"),
    ci_delong = ci_delong[c(1, 3)],
    ci_delong_90 = ci_delong90[c(1, 3)],
    ci_bootstrap = ci_boot[c(1, 3)],
    youden = list(
      threshold = I(as.numeric(best$threshold)),
      sensitivity = I(as.numeric(best$sensitivity)),
      specificity = I(as.numeric(best$specificity))
    ),
    curve = list(
      thresholds = r$thresholds, sensitivities = r$sensitivities,
      specificities = r$specificities
    )
  )
}

for (name in names(datasets)) {
  ds <- datasets[[name]]
  r1 <- roc(ds$truth, ds$marker1, levels = c(0, 1), direction = "<", quiet = TRUE)
  r2 <- roc(ds$truth, ds$marker2, levels = c(0, 1), direction = "<", quiet = TRUE)
  test <- roc.test(r1, r2, method = "delong", paired = TRUE, conf.level = 0.95)
  test90 <- roc.test(r1, r2, method = "delong", paired = TRUE, conf.level = 0.90)
  test_swapped <- roc.test(r2, r1, method = "delong", paired = TRUE)
  fixture <- list(
    dataset = name,
    description = ds$description,
    direction = "<",
    data = list(truth = ds$truth, marker1 = ds$marker1, marker2 = ds$marker2),
    marker1 = marker_results(r1),
    marker2 = marker_results(r2),
    covariance_delong = cov(r1, r2, method = "delong"),
    roc_test = list(
      z = as.numeric(test$statistic),
      p_value = test$p.value,
      difference = as.numeric(test$estimate[1] - test$estimate[2]),
      ci = as.numeric(test$conf.int),
      ci_90 = as.numeric(test90$conf.int),
      z_swapped = as.numeric(test_swapped$statistic)
    )
  )
  write_fixture(fixture, sprintf("roc_%s.json", name))
}

# ---------------------------------------------------------------------------------------------
# epiR results: 2x2 tables in epiR's layout (rows test +/-, columns disease +/-)
# ---------------------------------------------------------------------------------------------
tables <- list(
  study = list(
    description = "the size of the paper's cohort: 150 malignant, 150 benign",
    tp = 131, fp = 17, fn = 19, tn = 133
  ),
  screening = list(
    description = "low prevalence: 20 malignant among 1000",
    tp = 17, fp = 98, fn = 3, tn = 882
  ),
  small = list(description = "small counts", tp = 4, fp = 2, fn = 1, tn = 7),
  zero_fn = list(description = "a zero cell: no false negatives", tp = 25, fp = 6, fn = 0, tn = 30)
)

# one table from a fixture dataset, at the first observed Youden cutoff (marker >= cutoff)
bal <- datasets$balanced
r_bal <- roc(bal$truth, bal$marker1, levels = c(0, 1), direction = "<", quiet = TRUE)
thr <- coords(r_bal, x = "best", best.method = "youden", ret = "threshold", transpose = FALSE)
cut_value <- min(bal$marker1[bal$marker1 >= thr$threshold[1]])
pos <- bal$marker1 >= cut_value
tables$balanced_youden <- list(
  description = "roc_balanced marker1 at its observed Youden cutoff (positive if >= cutoff)",
  cutoff = cut_value,
  tp = sum(pos & bal$truth == 1), fp = sum(pos & bal$truth == 0),
  fn = sum(!pos & bal$truth == 1), tn = sum(!pos & bal$truth == 0)
)

epir_detail <- function(tab, method, conf.level) {
  res <- epi.tests(tab, method = method, digits = 4, conf.level = conf.level)$detail
  out <- list()
  for (i in seq_len(nrow(res))) {
    out[[res$statistic[i]]] <- list(est = res$est[i], lower = res$lower[i], upper = res$upper[i])
  }
  out
}

for (name in names(tables)) {
  t <- tables[[name]]
  counts <- as.numeric(c(t$tp, t$fp, t$fn, t$tn))
  tab <- as.table(matrix(counts, nrow = 2, byrow = TRUE))
  fixture <- list(
    table = name,
    description = t$description,
    tp = as.integer(t$tp), fp = as.integer(t$fp), fn = as.integer(t$fn), tn = as.integer(t$tn),
    exact_95 = epir_detail(tab, "exact", 0.95),
    wilson_95 = epir_detail(tab, "wilson", 0.95),
    exact_90 = epir_detail(tab, "exact", 0.90)
  )
  if (!is.null(t$cutoff)) fixture$cutoff <- t$cutoff
  write_fixture(fixture, sprintf("accuracy_%s.json", name))
}
