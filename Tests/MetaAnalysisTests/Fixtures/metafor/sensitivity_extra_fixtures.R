# Additional golden fixtures for SurvMeta's subgroup analyses, influence diagnostics of
# meta-regressions and sensitivity analyses with the Knapp-Hartung test (issue 4; complements
# sensitivity_fixtures.R, whose outputs this script does not touch).
#
# Versions: R 4.2.2 Patched (2022-11-10 r83330), metafor 3.8-1, metadat 1.2-0.
# Rerun from this folder:   Rscript sensitivity_extra_fixtures.R
# Inputs: datasets/*.csv (rebuilt by datasets.R), plus datasets/bcg_k10.csv written here (the
#         first 10 rows of bcg: alloc random x7, alternate x2, systematic x1 -> a one-study subgroup).
# Control for every fit: ctrl <- list(threshold = 1e-10, maxiter = 1000, tol = 1e-12)
#
# 1. Subgroups, for (dataset, g) in (bcg, alloc), (bcg_k10, alloc), (hackshaw1998, design),
#    (pignon2000, grp), M in REML DL EE, T in z knha:
#    subgroup_groups.csv, one row per level of g (levels in sorted order; pignon's grp is numeric
#    and sorted numerically), mode "separate":
#      rma(yi, vi, data = d, subset = g == level, method = M, test = T, control = ctrl)
#      -> k, estimate, se, stat, p, ci_low, ci_high, tau2, i2, h2, q = QE, q_df, q_p, df, warnings
#      (with k = 1 metafor fits tau2 = 0, Q = 0, and switches test "knha" to "z" with a warning)
#    and mode "common" (one tau2 shared by all subgroups):
#      rma(yi, vi, mods = ~ factor(g) - 1, data = d, method = M, test = T, control = ctrl)
#      -> per level: coefficient estimate, se, stat, p, ci_low, ci_high; tau2 = the common tau2;
#         k = number of studies in the level.
#    subgroup_tests.csv, one row per (dataset, M, T, mode):
#      q_between, q_between_df, q_between_p = QE, k - 1, QEp of
#        rma(estimate, sei = se, method = "FE") over the subgroup estimates of that mode
#        (the fixed-effect test for subgroup differences);
#      and the mixed-effects moderator test rma(yi, vi, mods = ~ factor(g), method = M, test = T):
#        qm, qm_df, qm_df2 (NA for z), qm_p, qe, qe_df, qe_p, tau2 (residual), r2.
# 2. influence_mods.csv: influence(rma(yi, vi, mods = F, data = d, method = M, control = ctrl))
#    for (bcg, ~ ablat) and (hackshaw1998, ~ design), M in REML DL: $inf columns, `influential`
#    TRUE where metafor prints "*", and every column of $dfbs (dfbetas_<name>); baujat_mods.csv:
#    the x, y that baujat() returns for the same fits.
# 3. sens_knha.csv: leave1out(res) and cumul(res) (input order) with
#    res <- rma(yi, vi, data = bcg, method = "REML", test = "knha", control = ctrl)
#    (the first cumulative step has k = 1: metafor refits it with test "z").

source("fixture_helpers.R")
source("datasets.R")
ds <- build_datasets("datasets")
ctrl <- list(threshold = 1e-10, maxiter = 1000, tol = 1e-12)

ds$bcg_k10 <- ds$bcg[1:10, ]
write_fixture(ds$bcg_k10, "datasets/bcg_k10.csv")

# ---------------------------------------------------------------- 1. subgroups
sg_specs <- list(list(dataset = "bcg", g = "alloc"), list(dataset = "bcg_k10", g = "alloc"),
                 list(dataset = "hackshaw1998", g = "design"), list(dataset = "pignon2000", g = "grp"))
grp_rows <- list(); test_rows <- list()
for (s in sg_specs) for (M in c("REML", "DL", "EE")) for (T in c("z", "knha")) {
  d <- ds[[s$dataset]]
  g <- d[[s$g]]
  levs <- sort(unique(g))
  sep <- lapply(levs, function(l) {
    f <- capture(rma(yi, vi, data = d, subset = g == l, method = M, test = T, control = ctrl))
    stopifnot(is.na(f$error))
    r <- f$value
    data.frame(dataset = s$dataset, by = s$g, method = M, test = T, mode = "separate",
               group = as.character(l), k = r$k, estimate = as.numeric(r$beta), se = r$se,
               stat = r$zval, p = r$pval, ci_low = r$ci.lb, ci_high = r$ci.ub, tau2 = r$tau2,
               i2 = num_or_na(r$I2), h2 = num_or_na(r$H2), q = r$QE, q_df = r$k - r$p, q_p = r$QEp,
               df = if (r$test == "z") NA_real_ else r$ddf, warnings = f$warnings,
               stringsAsFactors = FALSE)
  })
  sep <- do.call(rbind, sep)
  cf <- capture(rma(yi, vi, mods = ~ factor(g) - 1, data = d, method = M, test = T, control = ctrl))
  stopifnot(is.na(cf$error))
  cr <- cf$value
  com <- data.frame(dataset = s$dataset, by = s$g, method = M, test = T, mode = "common",
                    group = as.character(levs), k = as.numeric(table(factor(g))),
                    estimate = as.numeric(cr$beta), se = cr$se, stat = cr$zval, p = cr$pval,
                    ci_low = cr$ci.lb, ci_high = cr$ci.ub, tau2 = cr$tau2, i2 = NA_real_,
                    h2 = NA_real_, q = NA_real_, q_df = NA_real_, q_p = NA_real_,
                    df = if (T == "z") NA_real_ else cr$ddf, warnings = cf$warnings,
                    stringsAsFactors = FALSE)
  grp_rows[[length(grp_rows) + 1]] <- rbind(sep, com)
  mf <- capture(rma(yi, vi, mods = ~ factor(g), data = d, method = M, test = T, control = ctrl))
  stopifnot(is.na(mf$error))
  mr <- mf$value
  for (mode in c("separate", "common")) {
    gg <- if (mode == "separate") sep else com
    qb <- rma(gg$estimate, sei = gg$se, method = "FE")
    test_rows[[length(test_rows) + 1]] <- data.frame(
      dataset = s$dataset, by = s$g, method = M, test = T, mode = mode,
      q_between = qb$QE, q_between_df = qb$k - 1, q_between_p = qb$QEp,
      qm = mr$QM, qm_df = mr$QMdf[1], qm_df2 = mr$QMdf[2], qm_p = mr$QMp, qe = mr$QE,
      qe_df = mr$k - mr$p, qe_p = mr$QEp, tau2 = mr$tau2, r2 = num_or_na(mr$R2),
      common_tau2 = cr$tau2, warnings = mf$warnings, stringsAsFactors = FALSE)
  }
}
write_fixture(do.call(rbind, grp_rows), "subgroup_groups.csv")
write_fixture(do.call(rbind, test_rows), "subgroup_tests.csv")

# ---------------------------------------------------------------- 2. influence with moderators
inf_specs <- list(list(dataset = "bcg", mods = "ablat", f = ~ ablat),
                  list(dataset = "hackshaw1998", mods = "design", f = ~ design))
inf_rows <- list(); bj_rows <- list()
for (s in inf_specs) for (M in c("REML", "DL")) {
  d <- ds[[s$dataset]]
  r <- rma(yi, vi, mods = s$f, data = d, method = M, slab = study, control = ctrl)
  inf <- influence(r)
  ii <- inf$inf
  out <- data.frame(
    dataset = s$dataset, mods = s$mods, method = M, study = d$study, rstudent = ii$rstudent,
    dffits = ii$dffits, cook_d = ii$cook.d, cov_r = ii$cov.r, tau2_del = ii$tau2.del,
    qe_del = ii$QE.del, hat = ii$hat, weight = ii$weight, influential = ii$inf == "*",
    stringsAsFactors = FALSE)
  dfb <- unclass(inf$dfbs)
  out$dfbetas_1 <- dfb[[1]]
  out$dfbetas_2 <- dfb[[2]]
  inf_rows[[length(inf_rows) + 1]] <- out
  pdf(NULL); bj <- baujat(r); dev.off()
  bj_rows[[length(bj_rows) + 1]] <- data.frame(dataset = s$dataset, mods = s$mods, method = M,
                                               study = d$study, x = bj$x, y = bj$y,
                                               stringsAsFactors = FALSE)
}
write_fixture(do.call(rbind, inf_rows), "influence_mods.csv")
write_fixture(do.call(rbind, bj_rows), "baujat_mods.csv")

# ---------------------------------------------------------------- 3. leave-one-out / cumulative, knha
d <- ds$bcg
r <- rma(yi, vi, data = d, method = "REML", test = "knha", slab = study, control = ctrl)
frame <- function(kind, x, study) {
  x <- as.data.frame(x)
  data.frame(kind = kind, study = study, estimate = x$estimate, se = x$se, stat = x$tval,
             p = if (is.null(x$pval)) x$pvals else x$pval, ci_low = x$ci.lb, ci_high = x$ci.ub,
             q = x$Q, q_p = x$Qp, tau2 = x$tau2, i2 = x$I2, h2 = x$H2, stringsAsFactors = FALSE)
}
l1 <- leave1out(r)
cu <- cumul(r)
write_fixture(rbind(frame("leave1out", l1, d$study), frame("cumul", cu, cu$slab)), "sens_knha.csv")
cat("extra sensitivity fixtures written\n")
