# Reference values for the statistical corrections of issue 13, computed with R and pROC:
#
#   * partial AUC with McClish's standardisation (pROC::auc with partial.auc, partial.auc.focus,
#     partial.auc.correct) on the datasets of the roc_*.json fixtures;
#   * McNemar's test of paired proportions (stats::mcnemar.test with and without continuity
#     correction, and the exact conditional test stats::binom.test(b, b + c));
#   * tests of the added value of a marker in a logistic model: the likelihood-ratio test
#     (anova(base, full, test = "LRT")) and the Wald test of the added coefficients
#     (summary.glm's z for one term; b' V^-1 b for several).
#
# Run from the repository root:
#
#     Rscript tests/reference/corrections.R
#
# It writes tests/reference/fixtures/pauc_<dataset>.json, mcnemar_tables.json and
# nested_models.json, each with R.version.string and the package versions. Numbers are written
# with 17 significant digits, so every double round-trips exactly.
#
# Needs: r-base-core, r-cran-proc, r-cran-jsonlite (Debian package names).

suppressPackageStartupMessages({
  library(pROC)
  library(jsonlite)
})

args <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args[grep("^--file=", args)])
here <- if (length(script) == 1) dirname(normalizePath(script)) else "tests/reference"
out_dir <- file.path(here, "fixtures")

versions <- list(
  r_version = R.version.string,
  proc_version = as.character(packageVersion("pROC")),
  jsonlite_version = as.character(packageVersion("jsonlite")),
  generated_by = "tests/reference/corrections.R"
)

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
# Partial AUC: the datasets of roc_accuracy.R, read back from its fixtures
# ---------------------------------------------------------------------------------------------
ranges <- list(
  list(focus = "specificity", bounds = c(1, 0.9)),
  list(focus = "specificity", bounds = c(1, 0.8)),
  list(focus = "specificity", bounds = c(0.95, 0.85)),
  list(focus = "specificity", bounds = c(0.5, 0)),
  list(focus = "sensitivity", bounds = c(1, 0.9)),
  list(focus = "sensitivity", bounds = c(1, 0.8)),
  list(focus = "sensitivity", bounds = c(0.93, 0.71))
)

for (name in c("balanced", "unbalanced", "heavy_ties", "near_perfect", "weak", "correlated",
               "tiny")) {
  source_fixture <- fromJSON(file.path(out_dir, sprintf("roc_%s.json", name)))
  d <- source_fixture$data
  results <- list()
  for (marker in c("marker1", "marker2")) {
    r <- roc(d$truth, d[[marker]], levels = c(0, 1), direction = "<", quiet = TRUE)
    for (rg in ranges) {
      raw <- as.numeric(auc(r, partial.auc = rg$bounds, partial.auc.focus = rg$focus))
      corrected <- suppressWarnings(as.numeric(auc(
        r, partial.auc = rg$bounds, partial.auc.focus = rg$focus, partial.auc.correct = TRUE
      )))
      results[[length(results) + 1]] <- list(
        marker = marker, focus = rg$focus, bounds = rg$bounds, raw = raw,
        corrected = if (is.na(corrected)) NA_real_ else corrected
      )
    }
  }
  write_fixture(list(dataset = name, source = sprintf("roc_%s.json", name),
                     data = d, partial_auc = results),
                sprintf("pauc_%s.json", name))
}

# ---------------------------------------------------------------------------------------------
# McNemar: paired 2 x 2 tables [[a, b], [c, d]] (rows: first test +/-, columns: second +/-)
# ---------------------------------------------------------------------------------------------
tables <- list(
  c(120, 12, 3, 15),
  c(131, 6, 1, 12),
  c(50, 25, 10, 15),
  c(40, 7, 7, 46),
  c(10, 0, 0, 5),
  c(5, 1, 0, 4),
  c(200, 31, 52, 17),
  c(0, 3, 9, 0)
)
mc <- lapply(tables, function(cells) {
  x <- matrix(cells, nrow = 2, byrow = TRUE)
  b <- cells[2]
  cc <- cells[3]
  corrected <- suppressWarnings(mcnemar.test(x, correct = TRUE))
  plain <- suppressWarnings(mcnemar.test(x, correct = FALSE))
  exact_p <- if (b + cc > 0) binom.test(b, b + cc, 0.5)$p.value else NA_real_
  list(
    table = as.integer(cells),
    corrected = list(statistic = unname(corrected$statistic), p_value = corrected$p.value),
    uncorrected = list(statistic = unname(plain$statistic), p_value = plain$p.value),
    exact = list(p_value = exact_p)
  )
})
write_fixture(list(description = "McNemar tests: mcnemar.test(correct = TRUE/FALSE), binom.test(b, b + c)",
                   tables = mc), "mcnemar_tables.json")

# ---------------------------------------------------------------------------------------------
# Nested logistic models: base = elasticity; added = strain ratio (1 df) or strain ratio + age
# (2 df); a null case where the added marker is pure noise.
# ---------------------------------------------------------------------------------------------
set.seed(20250613)
n <- 300
malignant <- rep(c(1L, 0L), each = n / 2)
z <- rnorm(n)
elasticity_kpa <- round(48 + 22 * malignant + 14 * z, 2)
strain_ratio <- round(exp(0.55 + 0.45 * malignant + 0.25 * (0.6 * z + 0.8 * rnorm(n))), 3)
age_years <- round(rnorm(n, 50, 10), 1)
noise <- round(rnorm(n), 4)
d <- data.frame(malignant, elasticity_kpa, strain_ratio, age_years, noise)

nested <- function(base_terms, added_terms) {
  f_base <- reformulate(base_terms, "malignant")
  f_full <- reformulate(c(base_terms, added_terms), "malignant")
  base <- glm(f_base, binomial, d, control = glm.control(epsilon = 1e-14, maxit = 100))
  full <- glm(f_full, binomial, d, control = glm.control(epsilon = 1e-14, maxit = 100))
  lrt <- anova(base, full, test = "LRT")
  b <- coef(full)[added_terms]
  v <- vcov(full)[added_terms, added_terms, drop = FALSE]
  wald <- as.numeric(t(b) %*% solve(v) %*% b)
  list(
    base = base_terms, added = added_terms,
    loglik_base = as.numeric(logLik(base)), loglik_full = as.numeric(logLik(full)),
    lr_statistic = lrt$Deviance[2], df = as.integer(lrt$Df[2]), lr_p_value = lrt$`Pr(>Chi)`[2],
    wald_statistic = wald, wald_p_value = pchisq(wald, length(added_terms), lower.tail = FALSE),
    coef = unname(b), se = unname(sqrt(diag(v))),
    z_p_value = unname(summary(full)$coefficients[added_terms, 4])
  )
}

write_fixture(
  list(
    description = "glm(binomial) nested models: anova(base, full, test = 'LRT') and Wald tests",
    data = as.list(d),
    cases = list(
      nested("elasticity_kpa", "strain_ratio"),
      nested("elasticity_kpa", c("strain_ratio", "age_years")),
      nested("elasticity_kpa", "noise"),
      nested(c("elasticity_kpa", "age_years"), "strain_ratio")
    )
  ),
  "nested_models.json"
)
