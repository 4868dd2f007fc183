# Reference values for microcalc.stats.compare and microcalc.stats.logistic, computed with base R.
#
# Run from the repository root:  Rscript tests/reference/compare_logistic.R
# It writes tests/reference/fixtures/compare_*.json and logistic_*.json. Every dataset is
# generated here with set.seed() and stored inside the JSON, so the Python tests read exactly
# the numbers R used. Only base R, MASS (shipped with R) and jsonlite are needed.
#
# Conventions cross-checked here (each mirrors a choice documented in the Python docstrings):
# - t.test with var.equal = TRUE (Student) and FALSE (Welch).
# - wilcox.test(exact = FALSE, correct = TRUE): normal approximation with tie correction and
#   continuity correction. scipy.stats.mannwhitneyu(method="asymptotic", use_continuity=True)
#   is the same test; scipy's default method="auto" would switch to the exact distribution for
#   small samples without ties, as R's default exact = NULL does for n < 50.
# - Brown-Forsythe (median-centred Levene) test by formula: one-way ANOVA of |x - group median|.
# - Lilliefors statistic by formula (max distance between the empirical CDF and the normal CDF
#   with estimated mean and SD); nortest is not in base R, so only the statistic is checked.
# - chisq.test (correct = FALSE, and the default Yates correction for 2 x 2), fisher.test
#   (exact, also for r x c tables).
# - cor.test(method = "spearman", exact = FALSE): t approximation, as scipy.stats.spearmanr.
#   R's default for n < 1290 without ties is the AS 89 algorithm; recorded as p_value_r_default.
# - glm(binomial): Wald CIs (confint.default), profile-likelihood CIs twice: MASS's confint
#   (profile on a grid + spline interpolation) and an exact root of the profile deviance
#   (uniroot on glm fits with an offset), which is what Python computes.
# - Hosmer-Lemeshow with g = 10 by formula, using the grouping of ResourceSelection::hoslem.test:
#   cut points = unique(quantile(p, seq(0, 1, 1/g))) (type 7), intervals closed on the right,
#   the lowest included; df = number of non-empty groups - 2.
# - VIF by formula, 1 / (1 - R^2) of each predictor on the others.
# - A factor predictor (breast density A-D) with R's default treatment contrasts, reference level
#   first in sorted order and, with relevel(), a named one; Python names the terms as patsy does
#   ("breast_density[T.B]").
# - Firth's penalised logistic regression by direct maximisation of
#   loglik + 0.5 * log det(X'WX) with optim (BFGS, analytic gradient), polished with Newton steps
#   on the modified score.

suppressPackageStartupMessages({
  library(jsonlite)
  library(MASS)
})

args <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args[grep("^--file=", args)])
out_dir <- file.path(dirname(normalizePath(script)), "fixtures")
dir.create(out_dir, showWarnings = FALSE)

write_fixture <- function(x, name) {
  x <- c(list(r_version = R.version.string,
              generator = "tests/reference/compare_logistic.R"), x)
  path <- file.path(out_dir, name)
  writeLines(toJSON(x, digits = I(15), auto_unbox = TRUE, pretty = TRUE, na = "null",
                    null = "null"), path)
  cat("wrote", path, "\n")
}

q7 <- function(x, p) unname(quantile(x, p, type = 7))

# ---------------------------------------------------------------- continuous comparisons
lilliefors_d <- function(x) {
  x <- sort(x)
  n <- length(x)
  p <- pnorm((x - mean(x)) / sd(x))
  max(c(seq_len(n) / n - p, p - (seq_len(n) - 1) / n))
}

brown_forsythe <- function(values, groups) {
  g <- factor(groups)
  dev <- abs(values - ave(values, g, FUN = median))
  a <- anova(lm(dev ~ g))
  list(statistic = a[["F value"]][1], p_value = a[["Pr(>F)"]][1])
}

summ <- function(x) {
  list(n = length(x), mean = mean(x), sd = sd(x), median = median(x),
       q1 = q7(x, 0.25), q3 = q7(x, 0.75))
}

two_group_case <- function(label, x1, x0) {
  st <- t.test(x1, x0, var.equal = TRUE)
  we <- t.test(x1, x0, var.equal = FALSE)
  mw <- wilcox.test(x1, x0, exact = FALSE, correct = TRUE)
  bf <- brown_forsythe(c(x1, x0), rep(c(1, 0), c(length(x1), length(x0))))
  list(
    label = label,
    group1 = x1, group0 = x0,
    summary1 = summ(x1), summary0 = summ(x0),
    lilliefors_d1 = lilliefors_d(x1), lilliefors_d0 = lilliefors_d(x0),
    student = list(statistic = unname(st$statistic), df = unname(st$parameter),
                   p_value = st$p.value, estimate = unname(st$estimate[1] - st$estimate[2]),
                   ci_low = st$conf.int[1], ci_high = st$conf.int[2]),
    welch = list(statistic = unname(we$statistic), df = unname(we$parameter),
                 p_value = we$p.value, estimate = unname(we$estimate[1] - we$estimate[2]),
                 ci_low = we$conf.int[1], ci_high = we$conf.int[2]),
    mann_whitney = list(statistic = unname(mw$statistic), p_value = mw$p.value,
                        hodges_lehmann = median(outer(x1, x0, "-"))),
    brown_forsythe = bf
  )
}

set.seed(101)
continuous <- list(
  two_group_case("normal_equal_var",
                 round(rnorm(40, 51.3, 10.2), 1), round(rnorm(45, 49.7, 9.8), 1)),
  two_group_case("normal_unequal_var",
                 round(rnorm(60, 88.3, 16.2), 1), round(rnorm(30, 45.7, 4.0), 1)),
  two_group_case("skewed",
                 round(rlnorm(35, 2, 0.8), 2), round(rlnorm(50, 1.6, 0.8), 2)),
  two_group_case("tied_scores",
                 sample(1:5, 50, TRUE, prob = c(.02, .08, .2, .4, .3)),
                 sample(1:5, 50, TRUE, prob = c(.2, .5, .2, .08, .02)))
)

# three groups: one-way ANOVA, Welch's ANOVA and Kruskal-Wallis
set.seed(102)
k_values <- round(c(rnorm(30, 2.4, 0.5), rnorm(25, 2.0, 0.5), rnorm(20, 1.5, 0.3)), 2)
k_groups <- rep(c("clustered", "scattered", "sparse_punctate"), c(30, 25, 20))
aov_eq <- oneway.test(k_values ~ k_groups, var.equal = TRUE)
aov_we <- oneway.test(k_values ~ k_groups, var.equal = FALSE)
kw <- kruskal.test(k_values ~ factor(k_groups))
k_case <- list(
  values = k_values, groups = k_groups,
  anova = list(statistic = unname(aov_eq$statistic), df1 = unname(aov_eq$parameter[1]),
               df2 = unname(aov_eq$parameter[2]), p_value = aov_eq$p.value),
  welch_anova = list(statistic = unname(aov_we$statistic), df1 = unname(aov_we$parameter[1]),
                     df2 = unname(aov_we$parameter[2]), p_value = aov_we$p.value),
  kruskal_wallis = list(statistic = unname(kw$statistic), df = unname(kw$parameter),
                        p_value = kw$p.value),
  brown_forsythe = brown_forsythe(k_values, k_groups)
)

write_fixture(list(two_groups = continuous, three_groups = k_case),
              "compare_continuous.json")

# ---------------------------------------------------------------- categorical comparisons
categorical_case <- function(label, group, category) {
  tab <- table(factor(category), factor(group, levels = c(1, 0)))
  ch <- suppressWarnings(chisq.test(tab, correct = FALSE))
  out <- list(
    label = label, group = group, category = category,
    levels = rownames(tab),
    observed = unclass(matrix(tab, nrow = nrow(tab))),
    expected = unname(ch$expected),
    chisq = list(statistic = unname(ch$statistic), df = unname(ch$parameter),
                 p_value = ch$p.value),
    fisher = list(p_value = fisher.test(tab, workspace = 2e8)$p.value)
  )
  if (all(dim(tab) == 2)) {
    yates <- suppressWarnings(chisq.test(tab, correct = TRUE))
    out$chisq_yates <- list(statistic = unname(yates$statistic), p_value = yates$p.value)
  }
  out
}

set.seed(103)
g300 <- rep(c(1, 0), each = 150)
categorical <- list(
  categorical_case("density_2x4", g300,
                   c(sample(c("A", "B", "C", "D"), 150, TRUE, prob = c(.20, .27, .33, .20)),
                     sample(c("A", "B", "C", "D"), 150, TRUE, prob = c(.25, .28, .30, .17)))),
  categorical_case("birads_2x3", g300,
                   c(sample(c(3, 4, 5), 150, TRUE, prob = c(.13, .44, .43)),
                     sample(c(3, 4, 5), 150, TRUE, prob = c(.40, .47, .13)))),
  categorical_case("large_2x2", g300,
                   c(sample(c("yes", "no"), 150, TRUE, prob = c(.6, .4)),
                     sample(c("yes", "no"), 150, TRUE, prob = c(.45, .55)))),
  categorical_case("small_2x2", rep(c(1, 0), c(12, 10)),
                   c(rep("yes", 9), rep("no", 3), rep("yes", 3), rep("no", 7))),
  categorical_case("small_2x3", rep(c(1, 0), c(14, 12)),
                   c(rep("clustered", 8), rep("scattered", 4), rep("sparse_punctate", 2),
                     rep("clustered", 2), rep("scattered", 4), rep("sparse_punctate", 6)))
)
write_fixture(list(cases = categorical), "compare_categorical.json")

# ---------------------------------------------------------------- Spearman correlations
spearman_case <- function(label, x, y) {
  n <- length(x)
  ct <- suppressWarnings(cor.test(x, y, method = "spearman", exact = FALSE))
  ct_default <- suppressWarnings(cor.test(x, y, method = "spearman"))
  r <- unname(ct$estimate)
  z <- atanh(r)
  zc <- qnorm(0.975)
  se_bw <- sqrt((1 + r^2 / 2) / (n - 3))
  se_f <- 1 / sqrt(n - 3)
  list(label = label, x = x, y = y, n = n, estimate = r,
       statistic_s = unname(ct$statistic), p_value = ct$p.value,
       p_value_r_default = ct_default$p.value,
       bonett_wright = list(se = se_bw, ci_low = tanh(z - zc * se_bw),
                            ci_high = tanh(z + zc * se_bw)),
       fisher = list(se = se_f, ci_low = tanh(z - zc * se_f), ci_high = tanh(z + zc * se_f)))
}

set.seed(104)
e <- rnorm(300)
sr_latent <- 0.75 * e + sqrt(1 - 0.75^2) * rnorm(300)
size_latent <- 0.45 * e + sqrt(1 - 0.45^2) * rnorm(300)
spearman <- list(
  spearman_case("elasticity_vs_strain_ratio", round(65 + 20 * e, 1),
                round(exp(0.55 + 0.3 * sr_latent), 2)),
  spearman_case("elasticity_vs_size", round(65 + 20 * e, 1), round(9 + 2.5 * size_latent, 1)),
  spearman_case("tied_scores", sample(1:5, 40, TRUE), sample(1:5, 40, TRUE))
)
write_fixture(list(cases = spearman), "compare_spearman.json")

# ---------------------------------------------------------------- logistic regression
ctrl <- glm.control(epsilon = 1e-14, maxit = 100)
zcrit <- qnorm(0.975)

exact_profile_ci <- function(fit, term, level = 0.95) {
  X <- model.matrix(fit)
  y <- fit$y
  j <- match(term, colnames(X))
  ll_hat <- as.numeric(logLik(fit))
  cutoff <- qchisq(level, 1)
  dev_at <- function(b) {
    off <- b * X[, j]
    f <- glm.fit(X[, -j, drop = FALSE], y, family = binomial(), offset = off, control = ctrl)
    2 * (ll_hat - (-f$deviance / 2)) - cutoff
  }
  est <- coef(fit)[j]
  se <- sqrt(diag(vcov(fit)))[j]
  lo_start <- est - zcrit * se
  hi_start <- est + zcrit * se
  step <- se
  lower <- lo_start
  while (dev_at(lower) < 0) lower <- lower - step
  upper <- hi_start
  while (dev_at(upper) < 0) upper <- upper + step
  c(uniroot(dev_at, c(lower, est), tol = 1e-13)$root,
    uniroot(dev_at, c(est, upper), tol = 1e-13)$root)
}

lr_p <- function(fit, term) {
  X <- model.matrix(fit)
  j <- match(term, colnames(X))
  f0 <- glm.fit(X[, -j, drop = FALSE], fit$y, family = binomial(), control = ctrl)
  pchisq(f0$deviance - fit$deviance, 1, lower.tail = FALSE)
}

coef_table <- function(fit) {
  s <- summary(fit)$coefficients
  wald <- confint.default(fit)
  prof <- suppressMessages(confint(fit))
  terms <- rownames(s)
  rows <- lapply(seq_along(terms), function(i) {
    ex <- exact_profile_ci(fit, terms[i])
    list(term = terms[i], coef = s[i, 1], se = s[i, 2], z = s[i, 3], p_value = s[i, 4],
         odds_ratio = exp(s[i, 1]),
         wald_ci_low = wald[i, 1], wald_ci_high = wald[i, 2],
         profile_ci_low = ex[1], profile_ci_high = ex[2],
         mass_profile_ci_low = prof[i, 1], mass_profile_ci_high = prof[i, 2],
         lr_p_value = lr_p(fit, terms[i]))
  })
  rows
}

nagelkerke <- function(fit) {
  n <- length(fit$y)
  ll <- as.numeric(logLik(fit))
  ll0 <- -fit$null.deviance / 2
  cs <- 1 - exp(2 * (ll0 - ll) / n)
  list(loglik = ll, loglik_null = ll0, cox_snell = cs,
       nagelkerke = cs / (1 - exp(2 * ll0 / n)), aic = AIC(fit))
}

hosmer_lemeshow <- function(y, p, g = 10) {
  qq <- unique(quantile(p, probs = seq(0, 1, 1 / g), type = 7))
  grp <- cut(p, breaks = qq, include.lowest = TRUE)
  grp <- droplevels(grp)
  n <- as.vector(tapply(y, grp, length))
  o1 <- as.vector(tapply(y, grp, sum))
  e1 <- as.vector(tapply(p, grp, sum))
  chisq <- sum((o1 - e1)^2 / e1 + ((n - o1) - (n - e1))^2 / (n - e1))
  df <- length(n) - 2
  list(statistic = chisq, df = df, p_value = pchisq(chisq, df, lower.tail = FALSE),
       group_n = n, observed = o1, expected = e1,
       mean_predicted = as.vector(tapply(p, grp, mean)),
       p_min = as.vector(tapply(p, grp, min)), p_max = as.vector(tapply(p, grp, max)),
       cut_points = unname(qq))
}

vif <- function(df, cols) {
  sapply(cols, function(v) {
    others <- setdiff(cols, v)
    r2 <- summary(lm(reformulate(others, v), data = df))$r.squared
    1 / (1 - r2)
  })
}

simulate_cohort <- function(n) {
  age <- round(rnorm(n, 50, 10), 1)
  size <- round(runif(n, 3, 15), 1)
  density <- sample(c("A", "B", "C", "D"), n, TRUE, prob = c(.22, .27, .32, .19))
  ze <- rnorm(n)
  elasticity <- round(65 + 18 * ze, 1)
  strain <- round(pmax(0.3, 1.75 + 0.5 * (0.75 * ze + sqrt(1 - 0.75^2) * rnorm(n))), 2)
  dense <- as.numeric(density %in% c("C", "D"))
  lp <- -0.1 + log(1.01) * (age - 50) + log(1.15) * (size - 9) + log(1.2) * dense +
    log(1.05) * (elasticity - 65) + log(2.5) * (strain - 1.75)
  malignant <- rbinom(n, 1, plogis(lp))
  data.frame(malignant = malignant, age_years = age, lesion_size_mm = size,
             breast_density = density, elasticity_kpa = elasticity, strain_ratio = strain,
             stringsAsFactors = FALSE)
}

set.seed(105)
cohort <- simulate_cohort(300)
cohort$density_cd <- as.numeric(cohort$breast_density %in% c("C", "D"))
validation <- simulate_cohort(200)

candidates <- c("age_years", "lesion_size_mm", "density_cd", "elasticity_kpa", "strain_ratio")
univariable <- lapply(candidates, function(v) {
  fit <- glm(reformulate(v, "malignant"), family = binomial(), data = cohort, control = ctrl)
  list(predictor = v, coefficients = coef_table(fit))
})

multi <- glm(reformulate(candidates, "malignant"), family = binomial(), data = cohort,
             control = ctrl)
multi_p <- fitted(multi)

combined <- glm(malignant ~ elasticity_kpa + strain_ratio, family = binomial(), data = cohort,
                control = ctrl)
combined_p <- unname(fitted(combined))
val_lp <- unname(predict(combined, newdata = validation, type = "link"))
val_p <- plogis(val_lp)
slope_fit <- glm(validation$malignant ~ val_lp, family = binomial(), control = ctrl)
citl_fit <- glm(validation$malignant ~ 1 + offset(val_lp), family = binomial(), control = ctrl)

# Hosmer-Lemeshow grouping with heavy ties: cut points coincide and groups merge
set.seed(107)
tie_p <- sample(c(0.1, 0.2, 0.2, 0.3, 0.5, 0.5, 0.5, 0.7, 0.9), 120, TRUE)
tie_y <- rbinom(120, 1, tie_p)

# a categorical predictor (factor): treatment coding against the first level in sorted order
# (R's default), and against a named reference level (relevel); terms named as patsy does
factor_fit <- function(ref) {
  d <- cohort
  d$breast_density <- relevel(factor(d$breast_density), ref = ref)
  fit <- glm(malignant ~ breast_density + elasticity_kpa, family = binomial(), data = d,
             control = ctrl)
  levs <- levels(d$breast_density)
  patsy <- c("const", sprintf("breast_density[T.%s]", levs[-1]), "elasticity_kpa")
  list(reference = ref, predictors = c("breast_density", "elasticity_kpa"), terms = patsy,
       coefficients = coef_table(fit), fit = nagelkerke(fit),
       fitted = unname(fitted(fit)))
}
factor_models <- list(factor_fit("A"), factor_fit("C"))

write_fixture(list(
  factor_models = factor_models,
  hl_ties = list(truth = tie_y, probability = tie_p,
                 hosmer_lemeshow = hosmer_lemeshow(tie_y, tie_p)),
  data = cohort[, c("malignant", "age_years", "lesion_size_mm", "breast_density",
                    "elasticity_kpa", "strain_ratio")],
  validation = validation,
  candidates = candidates,
  univariable = univariable,
  multivariable = list(predictors = candidates, coefficients = coef_table(multi),
                       fit = nagelkerke(multi),
                       hosmer_lemeshow = hosmer_lemeshow(cohort$malignant, unname(multi_p)),
                       vif = as.list(vif(cohort, candidates))),
  combined = list(predictors = c("elasticity_kpa", "strain_ratio"),
                  coefficients = coef_table(combined), fit = nagelkerke(combined),
                  fitted = combined_p,
                  hosmer_lemeshow = hosmer_lemeshow(cohort$malignant, combined_p),
                  vif = as.list(vif(cohort, c("elasticity_kpa", "strain_ratio")))),
  validation_calibration = list(
    predicted = val_p,
    slope = unname(coef(slope_fit)[2]),
    slope_intercept = unname(coef(slope_fit)[1]),
    intercept = unname(coef(citl_fit)[1]),
    hosmer_lemeshow = hosmer_lemeshow(validation$malignant, val_p))
), "logistic_cohort.json")

# ---------------------------------------------------------------- separation and Firth
firth_pll <- function(beta, X, y) {
  eta <- drop(X %*% beta)
  p <- plogis(eta)
  w <- p * (1 - p)
  ll <- sum(y * eta - log1p(exp(eta)))
  ll + 0.5 * as.numeric(determinant(crossprod(X, X * w), logarithm = TRUE)$modulus)
}

firth_score <- function(beta, X, y) {
  eta <- drop(X %*% beta)
  p <- plogis(eta)
  w <- p * (1 - p)
  info <- crossprod(X, X * w)
  xw <- X * sqrt(w)
  h <- rowSums((xw %*% solve(info)) * xw)
  drop(crossprod(X, y - p + h * (0.5 - p)))
}

firth_fit <- function(X, y) {
  o <- optim(rep(0, ncol(X)), function(b) -firth_pll(b, X, y),
             function(b) -firth_score(b, X, y), method = "BFGS",
             control = list(reltol = 1e-16, maxit = 10000))
  beta <- o$par
  for (i in 1:50) {  # polish: Newton steps on the modified score, Fisher information
    eta <- drop(X %*% beta)
    p <- plogis(eta)
    info <- crossprod(X, X * (p * (1 - p)))
    step <- solve(info, firth_score(beta, X, y))
    beta <- beta + step
    if (max(abs(step)) < 1e-13) break
  }
  p <- plogis(drop(X %*% beta))
  info <- crossprod(X, X * (p * (1 - p)))
  list(coef = beta, se = sqrt(diag(solve(info))), pll = firth_pll(beta, X, y),
       optim_convergence = o$convergence)
}

# profile penalised likelihood (logistf's default CI and test): the penalty keeps the full
# model's information matrix while coefficient j is held fixed
firth_fit_fixed <- function(X, y, j, b, start) {
  free <- setdiff(seq_len(ncol(X)), j)
  full <- function(bf) { beta <- numeric(ncol(X)); beta[free] <- bf; beta[j] <- b; beta }
  o <- optim(start[free], function(bf) -firth_pll(full(bf), X, y),
             function(bf) -firth_score(full(bf), X, y)[free], method = "BFGS",
             control = list(reltol = 1e-16, maxit = 10000))
  beta <- full(o$par)
  for (i in 1:50) {
    p <- plogis(drop(X %*% beta))
    info <- crossprod(X, X * (p * (1 - p)))
    step <- solve(info[free, free, drop = FALSE], firth_score(beta, X, y)[free])
    beta[free] <- beta[free] + step
    if (max(abs(step)) < 1e-13) break
  }
  firth_pll(beta, X, y)
}

firth_profile <- function(X, y, ff, level = 0.95) {
  cutoff <- qchisq(level, 1)
  rows <- lapply(seq_len(ncol(X)), function(j) {
    excess <- function(b) 2 * (ff$pll - firth_fit_fixed(X, y, j, b, ff$coef)) - cutoff
    est <- ff$coef[j]
    se <- ff$se[j]
    lower <- est - 1.96 * se
    while (excess(lower) < 0) lower <- lower - se
    upper <- est + 1.96 * se
    while (excess(upper) < 0) upper <- upper + se
    list(term = colnames(X)[j],
         ci_low = uniroot(excess, c(lower, est), tol = 1e-12)$root,
         ci_high = uniroot(excess, c(est, upper), tol = 1e-12)$root,
         lr_p_value = pchisq(excess(0) + cutoff, 1, lower.tail = FALSE))
  })
  rows
}

set.seed(106)
# complete separation: every lesion with strain ratio above 2 is malignant, none below
sep_sr <- round(c(runif(15, 0.8, 1.9), runif(15, 2.1, 3.5)), 2)
sep_y <- rep(c(0, 1), each = 15)
sep_age <- round(rnorm(30, 50, 10), 1)
# quasi-complete separation: no dense breast is benign, but the non-dense overlap
quasi_density <- c(rep("A", 10), rep("B", 10), rep("C", 6), rep("D", 4))
quasi_y <- c(rep(c(0, 1), 10), rep(1, 10))
quasi_age <- round(rnorm(30, 50, 10), 1)

X_sep <- cbind(const = 1, strain_ratio = sep_sr, age_years = sep_age)
X_quasi <- cbind(const = 1, density_cd = as.numeric(quasi_density %in% c("C", "D")),
                 age_years = quasi_age)
ff_sep <- firth_fit(X_sep, sep_y)
ff_quasi <- firth_fit(X_quasi, quasi_y)
ff_cohort <- firth_fit(cbind(const = 1, as.matrix(cohort[, candidates])), cohort$malignant)
ff_quasi$profile <- firth_profile(X_quasi, quasi_y, ff_quasi)
ff_sep$profile <- firth_profile(X_sep, sep_y, ff_sep)

write_fixture(list(
  complete = list(data = data.frame(malignant = sep_y, strain_ratio = sep_sr,
                                    age_years = sep_age),
                  predictors = c("strain_ratio", "age_years"),
                  firth = ff_sep),
  quasi = list(data = data.frame(malignant = quasi_y, breast_density = quasi_density,
                                 age_years = quasi_age, stringsAsFactors = FALSE),
               predictors = c("density_cd", "age_years"),
               firth = ff_quasi),
  cohort_firth = list(predictors = candidates, firth = ff_cohort)
), "logistic_separation.json")
