# Golden reference fixtures for SurvMeta's pooling engine (part A): rma.uni.
#
# Versions: R 4.2.2 Patched (2022-11-10 r83330), metafor 3.8-1, metadat 1.2-0.
# Rerun from this folder:   Rscript pool_fixtures.R
# Writes: datasets/*.csv (inputs, see datasets.R), rma_uni.csv, rma_uni_weights.csv,
#         rma_uni_errors.csv.
#
# For every dataset d, method M in EE FE DL HE HS HSk SJ ML REML EB PM PMM GENQ and test T in
# z t knha adhoc (level 0.95), plus level = 0.90 for (REML, z) and (DL, z):
#
#   res <- rma.uni(yi, vi, data = d, method = M, test = T, level = L, control = ctrl)
#     with ctrl <- list(threshold = 1e-10, maxiter = 1000, tol = 1e-12)
#       threshold: Fisher-scoring stopping rule |tau2_new - tau2_old| for ML, REML, EB
#       tol:       uniroot() tolerance on tau2 for PM and PMM (default .Machine$double.eps^0.25);
#                  also the log-lik tolerance of metafor's "stuck at a local maximum" check (ll0check)
#       maxiter:   both
#     For M = "GENQ" only: weights = 1 / vi (see NOTE on GENQ).
#   predict(res)                          -> pi_low, pi_high (metafor's default PI: z crit for
#                                            test "z", t_{k-1} crit for t/knha/adhoc, var = tau2 + se^2;
#                                            NA for EE/FE, where predict returns no PI)
#   predict(res, pi.type = "riley")       -> pi_riley_low, pi_riley_high (t_{k-2} for intercept-only RE)
#   confint(res, type = "QP", control = list(tol = 1e-12))
#                                         -> tau2_ci_*, i2_ci_*, h2_ci_* (Q-profile; confint's own
#                                            search range tau2.min = 0, tau2.max = max(100, 10 * tau2));
#                                            tau2_ci_lb_sign / tau2_ci_ub_sign are confint's lb.sign /
#                                            ub.sign ("<" or ">" when a bound sits at the end of the search
#                                            range), tau2_ci_null its ci.null flag (Q(0) below the lower
#                                            chi-square quantile: CI reported as [0, 0]).
#   weights(res)                          -> rma_uni_weights.csv (percent), test = "z" only.
#
# Column notes for rma_uni.csv:
#   estimate, se, stat (= res$zval, a t statistic for t/knha/adhoc), p, df (= res$ddf, NA for z),
#   ci_low/high, tau2, tau2_se (= res$se.tau2), tau (= sqrt(tau2)), i2 (= res$I2, percent),
#   h2 (= res$H2), q/q_df/q_p (= QE, k - 1, QEp), test_used (= res$test: metafor silently uses
#   test "z" when k = 1), s2w (= res$s2w, the Knapp-Hartung scale factor; 1 for z and t),
#   ll_ml / ll_reml (= res$fit.stats["ll", ]), warnings (all warnings metafor raised for the row).
#   iterations: NA everywhere — metafor 3.8-1 does not store the iteration count in the fit
#   object (there is no res$iter for rma.uni).
#   pi_t_low/high: est -/+ qt(1 - alpha/2, k - 2) * sqrt(tau2 + se^2), computed here explicitly
#   (NA for k < 3 and for EE/FE). metafor 3.8-1 has this as predict(res, pi.type = "riley")
#   (an undocumented `...` option; crit = qt with df = k - p - 1 = k - 2, var = tau2 + se^2); the two
#   agree to 2.9e-14 absolute over all rows with k >= 3 (the max difference is printed at the end).
#   predict(res, pi.type = "t") is NOT this interval: it uses t_{k-1}.
#   genq_tau2_ci_low/high: NA. confint(res, type = "GENQ") in 3.8-1 (a) refuses any fit not made
#   with method "GENQ"/"GENQM" ("Model must be fitted with method=\"GENQ\" ..."), and (b) needs the
#   CompQuadForm package (Farebrother's algorithm), which is not installed here and is not
#   packaged for Debian 12. So no generalized-Q (Biggerstaff-Jackson) CI is produced.
#
# What metafor 3.8-1 does for the four tests (read from metafor:::rma.uni):
#   z      : se from (X'WX)^-1, normal reference distribution, df NA.
#   t      : the SAME se as z, but t_{k-p} reference distribution for p-values and CIs (no rescaling).
#   knha   : se^2 multiplied by s2w = sum w_i (y_i - est)^2 / (k - p) with w_i = 1/(v_i + tau2);
#            t_{k-p}. If that weighted RSS is <= .Machine$double.eps, s2w = 0 (so se = 0; see
#            edge_identical: stat = Inf or NaN, p = 0).
#   adhoc  : as knha but s2w is truncated below at 1 (s2w = max(1, s2w)).
#   EB on edge_extreme_var: "Fisher scoring algorithm did not converge" (also with metafor's default
#   control) -> rma_uni_errors.csv.
#   EE/FE with knha/adhoc: fitted, with a warning that KH "is not meant to be used" for EE/FE.
#   k = 1: any test other than z is replaced by z (warning "Setting argument test=\"z\" since k=1.").
#
# Estimator notes (3.8-1): HS uses tau2 = (Q - k)/sum(w) (k, not k - 1); HSk uses
#   (k/(k-p) Q - k)/sum(w); SJ is the one-step estimator from tau2_0 = var(y) (k-1)/k; ML/REML/EB
#   start from the HE estimate (truncated at 0); PM/PMM solve Q(tau2) = k - 1 (PMM: the chi-square
#   median qchisq(0.5, k - 1)) by uniroot on [0, max(100, 10 mad(y)^2)]. With Fisher scoring a
#   boundary optimum is approached by step halving, so ML/REML/EB report a tiny positive tau2
#   (about <= threshold, here ~1e-10 or less) instead of an exact 0: compare tau2 with an absolute
#   tolerance.
#
# NOTE on GENQ: rma.uni(method = "GENQ") with the 3.8-1 default (no weights) stops with
#   "Must specify 'weights' when method='GENQ'.". The rows here use weights = 1 / vi, for which the
#   generalized-Q tau2 equals the DL tau2. BUT when `weights` is given, metafor also uses those
#   weights for the pooled estimate: estimate = sum(a y)/sum(a) with a = 1/vi (the fixed-effect
#   estimate), and se^2 = sum(a^2 (vi + tau2))/sum(a)^2 (sandwich). For knha/adhoc, s2w is still
#   computed from the usual random-effects weights 1/(vi + tau2) and then applied to that sandwich
#   variance. weights(res) reports the user weights (1/vi), normalised to percent. I2/H2 use the
#   standard vt = (k-1)/tr(P) with P from 1/vi.

source("fixture_helpers.R")
source("datasets.R")

ds <- build_datasets("datasets")

methods <- c("EE", "FE", "DL", "HE", "HS", "HSk", "SJ", "ML", "REML", "EB", "PM", "PMM", "GENQ")
tests <- c("z", "t", "knha", "adhoc")
ctrl <- list(threshold = 1e-10, maxiter = 1000, tol = 1e-12)
ci_ctrl <- list(tol = 1e-12)

fit_one <- function(d, M, T, level) {
  args <- list(yi = d$yi, vi = d$vi, method = M, test = T, level = level, control = ctrl)
  if (M == "GENQ") args$weights <- 1 / d$vi
  do.call(rma.uni, args)
}

rows <- list(); wrows <- list(); erows <- list()
max_riley_diff <- 0

for (dname in names(ds)) {
  d <- ds[[dname]]
  combos <- expand.grid(method = methods, test = tests, level = 0.95, stringsAsFactors = FALSE)
  combos <- rbind(combos, data.frame(method = c("REML", "DL"), test = "z", level = 0.90))
  for (i in seq_len(nrow(combos))) {
    M <- combos$method[i]; T <- combos$test[i]; L <- combos$level[i]
    f <- capture(fit_one(d, M, T, L))
    if (!is.na(f$error)) {
      erows[[length(erows) + 1]] <- data.frame(dataset = dname, method = M, test = T, level = L,
                                               error = f$error, stringsAsFactors = FALSE)
      next
    }
    res <- f$value
    pr <- pool_row(res, dname, M, T, L, f$warnings)
    rows[[length(rows) + 1]] <- pr$row
    max_riley_diff <- max(max_riley_diff, pr$riley_diff)

    if (T == "z" && L == 0.95) {
      w <- weights(res)
      wrows[[length(wrows) + 1]] <- data.frame(dataset = dname, method = M, study = d$study,
                                               weight = as.numeric(w), stringsAsFactors = FALSE)
    }
  }
}

out <- bind_rows_fill(rows)
write_fixture(out, "rma_uni.csv")
write_fixture(do.call(rbind, wrows), "rma_uni_weights.csv")
errs <- if (length(erows)) do.call(rbind, erows) else
  data.frame(dataset = character(0), method = character(0), test = character(0), level = numeric(0),
             error = character(0))
write_fixture(errs, "rma_uni_errors.csv")

cat(sprintf("rma_uni.csv: %d rows; weights: %d rows; errors: %d rows\n", nrow(out),
            sum(sapply(wrows, nrow)), nrow(errs)))
cat(sprintf("max |pi_t - predict(pi.type='riley')| = %.3g\n", max_riley_diff))
