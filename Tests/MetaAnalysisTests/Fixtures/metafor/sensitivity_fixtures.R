# Golden reference fixtures for SurvMeta's meta-regression, sensitivity and bias analyses
# (part B, issue 4).
#
# Versions: R 4.2.2 Patched (2022-11-10 r83330), metafor 3.8-1, metadat 1.2-0.
# Rerun from this folder:   Rscript sensitivity_fixtures.R
# Inputs: datasets/*.csv as written by datasets.R (rebuilt here), plus datasets/bcg_k7.csv and
#         datasets/bcg_k8.csv (the first 7 / 8 rows of datasets/bcg.csv) for the exact
#         permutation tests.
# Control for every fit (and passed on to every refit metafor makes):
#   ctrl <- list(threshold = 1e-10, maxiter = 1000, tol = 1e-12)
#   (metafor's leave1out/cumul/influence/permutest/regtest reuse res$control; trimfill takes it
#   through `...`, so it is passed explicitly there.)
#
# 1. Meta-regression, M in REML DL ML EE, T in z knha:
#      res <- rma(yi, vi, mods = F, data = d, method = M, test = T, control = ctrl)
#    with the formulas (column `mods` lists the dataset columns joined by "+"):
#      bcg:          ~ ablat | ~ alloc | ~ ablat + alloc | ~ ablat + year + ablat_x_year
#                    (alloc is character: levels alternate < random < systematic, reference
#                    "alternate", metafor names allocrandom / allocsystematic; ablat_x_year is the
#                    product column ablat * year stored in datasets/bcg.csv)
#      hackshaw1998: ~ design   (levels case-control < cohort; metafor name "designcohort")
#      pignon2000:   ~ factor(grp)  (grp is numeric 1/2/3 in the CSV and is treated as categorical;
#                    metafor names "factor(grp)2", "factor(grp)3", ours "grp2", "grp3")
#      molloy2014:   ~ meanage | ~ meanage + quality
#    metareg_coef.csv: one row per coefficient: res$beta, res$se, res$zval (t for knha), res$pval,
#      res$ci.lb, res$ci.ub, df = res$ddf (NA for z). `name_metafor` is rownames(res$beta), `name`
#      the contract's name (intercept "intrcpt", categorical COLUMNlevel).
#    metareg_fit.csv: qm = res$QM (for knha: the F statistic, i.e. Wald chi-square / m), qm_df =
#      res$QMdf[1], qm_df2 = res$QMdf[2] (k - p for knha, NA for z), qm_p = res$QMp (chi-square or
#      F), qe = res$QE, qe_df = k - p, qe_p = res$QEp, tau2 = res$tau2, i2 = res$I2 (residual),
#      h2 = res$H2, r2 = res$R2 (percent; NA when metafor gives none).
#      metafor's R2 for REML/DL/ML = max(0, 100 (tau2_0 - tau2)/tau2_0) with tau2_0 from the
#      intercept-only model fitted with the same method (0 when tau2_0 = 0); for EE metafor instead
#      reports max(0, 100 * adjusted R^2 of lm(yi ~ X, weights = 1/vi)).
#      For EE the I2/H2 are the Q-based ones: I2 = max(0, 100 (QE - (k-p))/QE), H2 = QE/(k-p).
# 2. permutest.csv: permutest(res, exact = TRUE) for
#      bcg_k7 with mods ~ ablat (7!/2! = 2520 distinct row permutations; ablat has one tie)
#      bcg_k8 intercept-only (2^8 = 256 sign flips)
#    for M in REML DL, T in z knha. pval per coefficient = proportion of permutations with
#    |stat_perm| >= |stat_obs| - sqrt(.Machine$double.eps) (metafor's comptol; the observed data are
#    one of the permutations); qm_p likewise for QM (NA written for the intercept-only QM p, which
#    equals the intercept's p). `iterations` = number of permutations enumerated.
# 3. leave1out.csv: leave1out(res); cumul.csv: cumul(res) in input order (order = "input") and, for
#    bcg, cumul(res, order = year) (order = "year"; metafor sorts by year with ties kept in input
#    order); influence.csv: influence(res)$inf plus $dfbs (dfbetas_intrcpt), `influential` TRUE
#    where metafor marks the study "*"; baujat.csv: the x (contribution to Q) and y (influence on
#    the pooled estimate) that baujat(res) returns invisibly. Methods REML and DL, test z, on bcg,
#    pignon2000, hackshaw1998, molloy2014, normand1999, riley2003os.
# 4. Bias (same datasets, REML and DL fits, test z):
#    regtest.csv: model "rma" = regtest(res) (mixed-effects model yi ~ sei with res's method; stat
#      is the z of the sei coefficient, est/ci the limit estimate b0 as sei -> 0) and model "lm" =
#      regtest(res, model = "lm") (classical Egger: lm(yi ~ sei, weights = 1/vi), t statistic with
#      df = k - 2; est is the lm intercept with a t CI).
#    ranktest.csv: ranktest(res): Kendall's tau between standardized deviates and vi, p from
#      cor.test(..., method = "kendall", exact = TRUE) (R falls back to the normal approximation,
#      with a warning, when there are ties; the warning is recorded).
#    trimfill.csv: trimfill(res, estimator = E, control = ctrl) for E in L0 R0; side chosen by
#      metafor (sign of the slope of yi ~ sqrt(vi) fitted with res's method: negative -> "right");
#      k0, se_k0 (res$se.k0), side, and the refitted model on the augmented data: estimate, se,
#      ci_low, ci_high, tau2, and p_k0 (R0 only). trimfill_filled.csv lists the filled studies' yi/vi.
#    fsn.csv: fsn(yi, vi, type = "Rosenthal") (Stouffer, alpha 0.05: fsnum = k (z_avg / z_alpha)^2 - k
#      with z_avg = |sum(yi/sei)|/sqrt(k), one-sided z_alpha = qnorm(0.95); p = one-sided p of z_avg);
#      fsn(yi, type = "Orwin") with the default target = unweighted mean(yi)/2 (so fsnum = k exactly),
#      and fsn(yi, type = "Orwin", target = mean(yi)/4) (fsnum = 3k; target written per row); fsn(yi, vi,
#      type = "Rosenberg") (weighted, two-sided alpha 0.05). `fsnum` is what metafor 3.8-1 returns:
#      ceiling(raw), or round(raw) when raw is within sqrt(.Machine$double.eps) of an integer.
#      `fsnum_raw` is the unrounded value recomputed here from metafor's formulas:
#        Rosenthal  max(0, k (z_avg / qnorm(1 - alpha))^2 - k)
#        Orwin      max(0, k (meanes - target) / target), meanes = mean(yi) (unweighted)
#        Rosenberg  max(0, k ((sum(w y) / qnorm(1 - alpha/2))^2 - sum(w)) / sum(w)), w = 1/vi
#    ranktest: metafor standardizes with the fixed-effect (1/vi-weighted) mean whatever the fit's
#      method: yi* = (yi - theta_FE) / sqrt(vi - 1/sum(1/vi)), then Kendall's tau of (yi*, vi).

source("fixture_helpers.R")
source("datasets.R")
ds <- build_datasets("datasets")
ctrl <- list(threshold = 1e-10, maxiter = 1000, tol = 1e-12)

# ---------------------------------------------------------------- 1. meta-regression
mr_specs <- list(
  list(dataset = "bcg", mods = "ablat", f = ~ ablat),
  list(dataset = "bcg", mods = "alloc", f = ~ alloc),
  list(dataset = "bcg", mods = "ablat+alloc", f = ~ ablat + alloc),
  list(dataset = "bcg", mods = "ablat+year+ablat_x_year", f = ~ ablat + year + ablat_x_year),
  list(dataset = "hackshaw1998", mods = "design", f = ~ design),
  list(dataset = "pignon2000", mods = "grp", f = ~ factor(grp)),
  list(dataset = "molloy2014", mods = "meanage", f = ~ meanage),
  list(dataset = "molloy2014", mods = "meanage+quality", f = ~ meanage + quality)
)
our_name <- function(n) {
  n <- sub("^factor\\((.*)\\)", "\\1", n)
  n
}
coef_rows <- list(); fit_rows <- list(); mr_err <- list()
for (s in mr_specs) for (M in c("REML", "DL", "ML", "EE")) for (T in c("z", "knha")) {
  d <- ds[[s$dataset]]
  f <- capture(rma(yi, vi, mods = s$f, data = d, method = M, test = T, control = ctrl))
  if (!is.na(f$error)) {
    mr_err[[length(mr_err) + 1]] <- data.frame(dataset = s$dataset, method = M, test = T,
                                               mods = s$mods, error = f$error)
    next
  }
  r <- f$value
  nm <- rownames(r$beta)
  coef_rows[[length(coef_rows) + 1]] <- data.frame(
    dataset = s$dataset, method = M, test = T, mods = s$mods, name_metafor = nm,
    name = our_name(nm), estimate = as.numeric(r$beta), se = r$se, stat = r$zval, p = r$pval,
    ci_low = r$ci.lb, ci_high = r$ci.ub, df = if (T == "z") NA_real_ else r$ddf,
    stringsAsFactors = FALSE)
  fit_rows[[length(fit_rows) + 1]] <- data.frame(
    dataset = s$dataset, method = M, test = T, mods = s$mods, k = r$k, p = r$p,
    qm = r$QM, qm_df = r$QMdf[1], qm_df2 = r$QMdf[2], qm_p = r$QMp,
    qe = r$QE, qe_df = r$k - r$p, qe_p = r$QEp, tau2 = r$tau2, tau2_se = num_or_na(r$se.tau2),
    i2 = num_or_na(r$I2), h2 = num_or_na(r$H2), r2 = num_or_na(r$R2), s2w = r$s2w,
    ll_ml = r$fit.stats["ll", "ML"], ll_reml = r$fit.stats["ll", "REML"],
    warnings = f$warnings, stringsAsFactors = FALSE)
}
write_fixture(do.call(rbind, coef_rows), "metareg_coef.csv")
write_fixture(do.call(rbind, fit_rows), "metareg_fit.csv")
if (length(mr_err)) write_fixture(do.call(rbind, mr_err), "metareg_errors.csv")

# ---------------------------------------------------------------- 2. permutation tests
bcg_k7 <- ds$bcg[1:7, ]; bcg_k8 <- ds$bcg[1:8, ]
write_fixture(bcg_k7, "datasets/bcg_k7.csv"); write_fixture(bcg_k8, "datasets/bcg_k8.csv")
perm_specs <- list(list(dataset = "bcg_k7", d = bcg_k7, mods = "ablat", f = ~ ablat),
                   list(dataset = "bcg_k8", d = bcg_k8, mods = "", f = NULL))
perm_rows <- list()
for (s in perm_specs) for (M in c("REML", "DL")) for (T in c("z", "knha")) {
  r <- if (is.null(s$f)) rma(yi, vi, data = s$d, method = M, test = T, control = ctrl) else
    rma(yi, vi, mods = s$f, data = s$d, method = M, test = T, control = ctrl)
  pt <- capture(permutest(r, exact = TRUE, progbar = FALSE))
  stopifnot(is.na(pt$error))
  pv <- pt$value
  nm <- rownames(r$beta)
  perm_rows[[length(perm_rows) + 1]] <- data.frame(
    dataset = s$dataset, method = M, test = T, mods = s$mods, name_metafor = nm, name = our_name(nm),
    stat = r$zval, p_model = r$pval, pval = as.numeric(pv$pval),
    qm = r$QM, qm_p_model = r$QMp, qm_p = if (is.null(s$f)) NA_real_ else pv$QMp,
    iterations = length(pv$QM.perm), exact = TRUE, warnings = pt$warnings, stringsAsFactors = FALSE)
}
write_fixture(do.call(rbind, perm_rows), "permutest.csv")

# ---------------------------------------------------------------- 3. sensitivity
sens_sets <- c("bcg", "pignon2000", "hackshaw1998", "molloy2014", "normand1999", "riley2003os")
loo_rows <- list(); cum_rows <- list(); inf_rows <- list(); bj_rows <- list()
loo_frame <- function(dname, M, x, study, extra = list()) {
  x <- as.data.frame(x)
  out <- data.frame(dataset = dname, method = M, stringsAsFactors = FALSE)[rep(1, length(study)), ]
  for (nm in names(extra)) out[[nm]] <- extra[[nm]]
  cbind(out, data.frame(study = study,
             estimate = x$estimate, se = x$se, stat = x$zval, p = x$pval,
             ci_low = x$ci.lb, ci_high = x$ci.ub, q = x$Q, q_p = x$Qp, tau2 = x$tau2,
             i2 = x$I2, h2 = x$H2, stringsAsFactors = FALSE), row.names = NULL)
}
for (dname in sens_sets) for (M in c("REML", "DL")) {
  d <- ds[[dname]]
  r <- rma(yi, vi, data = d, method = M, slab = study, control = ctrl)
  l1 <- leave1out(r)
  loo_rows[[length(loo_rows) + 1]] <- loo_frame(dname, M, l1, d$study)
  cu <- cumul(r)
  cum_rows[[length(cum_rows) + 1]] <- loo_frame(dname, M, cu, cu$slab, list(order = "input", step = seq_len(nrow(d))))
  if (dname == "bcg") {
    cy <- cumul(r, order = d$year)
    cum_rows[[length(cum_rows) + 1]] <- loo_frame(dname, M, cy, cy$slab, list(order = "year", step = seq_len(nrow(d))))
  }
  inf <- influence(r)
  ii <- inf$inf
  inf_rows[[length(inf_rows) + 1]] <- data.frame(
    dataset = dname, method = M, study = d$study, rstudent = ii$rstudent, dffits = ii$dffits,
    cook_d = ii$cook.d, cov_r = ii$cov.r, tau2_del = ii$tau2.del, qe_del = ii$QE.del, hat = ii$hat,
    weight = ii$weight, influential = ii$inf == "*", dfbetas_intrcpt = inf$dfbs$intrcpt,
    stringsAsFactors = FALSE)
  pdf(NULL); bj <- baujat(r); dev.off()
  bj_rows[[length(bj_rows) + 1]] <- data.frame(dataset = dname, method = M, study = d$study,
                                               x = bj$x, y = bj$y, stringsAsFactors = FALSE)
}
write_fixture(do.call(rbind, loo_rows), "leave1out.csv")
write_fixture(do.call(rbind, cum_rows), "cumul.csv")
write_fixture(do.call(rbind, inf_rows), "influence.csv")
write_fixture(do.call(rbind, bj_rows), "baujat.csv")

# ---------------------------------------------------------------- 4. bias
reg_rows <- list(); rank_rows <- list(); tf_rows <- list(); tff_rows <- list(); fsn_rows <- list()
for (dname in sens_sets) {
  d <- ds[[dname]]
  for (M in c("REML", "DL")) {
    r <- rma(yi, vi, data = d, method = M, control = ctrl)
    rg <- capture(regtest(r))
    g <- rg$value
    reg_rows[[length(reg_rows) + 1]] <- data.frame(
      dataset = dname, method = M, model = "rma", predictor = "sei", stat = g$zval, p = g$pval,
      df = num_or_na(g$ddf), est = num_or_na(g$est), ci_low = num_or_na(g$ci.lb),
      ci_high = num_or_na(g$ci.ub), slope = g$fit$beta[2], slope_se = g$fit$se[2],
      tau2 = g$fit$tau2, warnings = rg$warnings, stringsAsFactors = FALSE)
    rl <- capture(regtest(r, model = "lm"))
    g <- rl$value
    reg_rows[[length(reg_rows) + 1]] <- data.frame(
      dataset = dname, method = M, model = "lm", predictor = "sei", stat = g$zval, p = g$pval,
      df = num_or_na(g$ddf), est = num_or_na(g$est), ci_low = num_or_na(g$ci.lb),
      ci_high = num_or_na(g$ci.ub), slope = coef(g$fit)[2], slope_se = coef(summary(g$fit))[2, 2],
      tau2 = NA_real_, warnings = rl$warnings, stringsAsFactors = FALSE)
    for (E in c("L0", "R0")) {
      tf <- capture(trimfill(r, estimator = E, control = ctrl))
      t <- tf$value
      tf_rows[[length(tf_rows) + 1]] <- data.frame(
        dataset = dname, method = M, estimator = E, k0 = t$k0, se_k0 = t$se.k0, side = t$side,
        p_k0 = num_or_na(t$p.k0), k = t$k, estimate = as.numeric(t$beta), se = t$se,
        ci_low = t$ci.lb, ci_high = t$ci.ub, tau2 = t$tau2, warnings = tf$warnings,
        stringsAsFactors = FALSE)
      if (t$k0 > 0) {
        fill <- which(t$fill)
        tff_rows[[length(tff_rows) + 1]] <- data.frame(
          dataset = dname, method = M, estimator = E, study = t$slab[fill],
          yi = as.numeric(t$yi[fill]), vi = as.numeric(t$vi[fill]), stringsAsFactors = FALSE)
      }
    }
  }
  rt <- capture(ranktest(rma(yi, vi, data = d, method = "REML", control = ctrl)))
  rank_rows[[length(rank_rows) + 1]] <- data.frame(
    dataset = dname, tau = as.numeric(rt$value$tau), p = rt$value$pval, warnings = rt$warnings,
    stringsAsFactors = FALSE)
  f1 <- fsn(yi, vi, data = d, type = "Rosenthal")
  f2 <- fsn(yi, data = d, type = "Orwin")
  tgt <- mean(d$yi) / 4
  f3 <- fsn(yi, data = d, type = "Orwin", target = tgt)
  f4 <- fsn(yi, vi, data = d, type = "Rosenberg")
  k <- nrow(d); w <- 1 / d$vi
  z_avg <- abs(sum(d$yi / sqrt(d$vi)) / sqrt(k))
  raw <- c(Rosenthal = max(0, k * (z_avg / qnorm(0.95))^2 - k),
           Orwin2 = max(0, k * (mean(d$yi) - f2$target) / f2$target),
           Orwin4 = max(0, k * (mean(d$yi) - f3$target) / f3$target),
           Rosenberg = max(0, k * ((sum(w * d$yi) / qnorm(0.975))^2 - sum(w)) / sum(w)))
  mk <- function(type, f, target_rule, fraw) data.frame(
    dataset = dname, type = type, target_rule = target_rule, fsnum = f$fsnum, fsnum_raw = fraw,
    alpha = f$alpha,
    pval = num_or_na(f$pval), meanes = num_or_na(f$meanes), target = num_or_na(f$target),
    stringsAsFactors = FALSE)
  fsn_rows[[length(fsn_rows) + 1]] <- rbind(
    mk("Rosenthal", f1, "NA (Stouffer)", raw[["Rosenthal"]]),
    mk("Orwin", f2, "default mean(yi)/2", raw[["Orwin2"]]),
    mk("Orwin", f3, "mean(yi)/4", raw[["Orwin4"]]), mk("Rosenberg", f4, "NA", raw[["Rosenberg"]]))
}
write_fixture(do.call(rbind, reg_rows), "regtest.csv")
write_fixture(do.call(rbind, rank_rows), "ranktest.csv")
write_fixture(do.call(rbind, tf_rows), "trimfill.csv")
write_fixture(do.call(rbind, tff_rows), "trimfill_filled.csv")
write_fixture(do.call(rbind, fsn_rows), "fsn.csv")
cat("sensitivity fixtures written\n")
