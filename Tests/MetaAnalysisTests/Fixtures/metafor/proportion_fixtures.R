# Golden reference fixtures for SurvMeta's proportion meta-analysis (part C, issue 5).
#
# Versions: R 4.2.2 Patched (2022-11-10 r83330), metafor 3.8-1, metadat 1.2-0, lme4 1.1-31
# (Debian r-cran-lme4 1.1-31-1).
# Rerun from this folder:   Rscript proportion_fixtures.R
# Inputs written to datasets/ (columns study,events,n):
#   prop_pritz1997      dat.pritz1997 (xi, ni); contains two 100% proportions (10/10, 12/12)
#   prop_debruin2009    dat.debruin2009 (xi, ni); no 0% / 100%
#   prop_hasselblad1998 dat.hasselblad1998 (xi, ni), one row per study arm (label: authors year trt);
#                       contains two 0-event arms
#   prop_edge_zero      made-up: events 0 2 5 0 9 1 of n 25 30 40 12 50 18
#   prop_edge_full      made-up: events 20 17 30 12 9 of n 20 19 30 15 10 (two 100%)
#
# 1. escalc_props.csv: escalc(measure = M, xi = events, ni = n) for M in PLO PFT PAS PLN PR, with
#    metafor's defaults, i.e. vtype = "LS" and
#      PLO, PLN, PR: add = 1/2, to = "only0": when a study has events == 0 or events == n, 1/2 is
#                    added to BOTH events and non-events (so n becomes n + 1) before computing yi
#                    and vi; other studies are untouched. PR therefore has no vi = 0 study.
#        PLO: yi = log(p/(1-p)), vi = 1/x + 1/(n-x)      PLN: yi = log(p), vi = 1/x - 1/n
#        PR:  yi = p, vi = p(1-p)/n                      (x, n after the correction)
#      PAS, PFT:     add = 0 (metafor sets add to 0 for these measures unless `add` is given), so
#                    no correction: PAS yi = asin(sqrt(x/n)), vi = 1/(4n);
#                    PFT yi = (asin(sqrt(x/(n+1))) + asin(sqrt((x+1)/(n+1))))/2, vi = 1/(4n+2).
#    Column `corrected` is TRUE where the 1/2 was added.
# 2. rma_props.csv: res <- rma(yi, vi, data = es, method = M, test = "z", control = ctrl) for M in
#    REML DL, ctrl <- list(threshold = 1e-10, maxiter = 1000, tol = 1e-12); the same columns as
#    rma_uni.csv (built by pool_row() in fixture_helpers.R; `dataset` here is the proportion set,
#    `measure` the escalc measure) plus the back-transformed values
#      predict(res, transf = TF, targs = TA) -> bt_estimate (pred), bt_ci_low (ci.lb),
#                                               bt_ci_high (ci.ub), bt_pi_low (pi.lb), bt_pi_high (pi.ub)
#    with TF: PLO transf.ilogit; PFT transf.ipft.hm, targs = list(ni = n) (inverse Freeman-Tukey with
#    the harmonic mean of the n's; values beyond the transform's range are clamped to 0 / 1 by
#    metafor); PAS transf.iarcsin (sin(x)^2, clamped); PLN exp; PR none (identity, predict(res)).
# 3. glmm.csv: rma.glmm(measure = "PLO", xi = events, ni = n, data = d, method = "ML") — the
#    binomial-normal random-intercept model fitted by lme4::glmer with adaptive Gauss-Hermite
#    quadrature. Variants (column `variant`):
#      default : metafor defaults (nAGQ = 7, lme4's default glmerControl)
#      tight   : nAGQ = 7, control = list(glmerCtrl = list(optimizer = "bobyqa",
#                optCtrl = list(rhoend = 1e-12, maxfun = 1e5)))
#      agq25   : nAGQ = 25 with the same tight optimizer (closer to the exact marginal likelihood;
#                the difference from `tight` shows the quadrature error of 7 nodes)
#    Columns: estimate (= b), se, zval, pval, ci_low, ci_high, tau2, q_wald / q_wald_p (= QE.Wld,
#    QEp.Wld: Wald test of heterogeneity from the fixed-effects model with study dummies), q_lrt /
#    q_lrt_p (= QE.LRT, QEp.LRT: likelihood-ratio test, saturated vs fixed-effects model), q_df,
#    i2, h2 (metafor's I^2 / H^2 for the GLMM: tau2 / (tau2 + vt), vt the "typical" within-study
#    variance from the PLO sampling variances of escalc with add = 1/2, to = "only0"), loglik
#    (= res$fit.stats["ll", "ML"]).

source("fixture_helpers.R")
dir.create("datasets", showWarnings = FALSE)
ctrl <- list(threshold = 1e-10, maxiter = 1000, tol = 1e-12)

props <- list(
  prop_pritz1997 = data.frame(study = dat.pritz1997$authors, events = dat.pritz1997$xi,
                              n = dat.pritz1997$ni, stringsAsFactors = FALSE),
  prop_debruin2009 = data.frame(study = paste(dat.debruin2009$author, dat.debruin2009$year),
                                events = dat.debruin2009$xi, n = dat.debruin2009$ni,
                                stringsAsFactors = FALSE),
  prop_hasselblad1998 = data.frame(study = paste(dat.hasselblad1998$authors, dat.hasselblad1998$year,
                                                 dat.hasselblad1998$trt),
                                   events = dat.hasselblad1998$xi, n = dat.hasselblad1998$ni,
                                   stringsAsFactors = FALSE),
  prop_edge_zero = data.frame(study = paste0("S", 1:6), events = c(0, 2, 5, 0, 9, 1),
                              n = c(25, 30, 40, 12, 50, 18)),
  prop_edge_full = data.frame(study = paste0("S", 1:5), events = c(20, 17, 30, 12, 9),
                              n = c(20, 19, 30, 15, 10))
)
for (nm in names(props)) {
  stopifnot(!anyDuplicated(props[[nm]]$study))
  write_fixture(props[[nm]], file.path("datasets", paste0(nm, ".csv")))
}

measures <- c("PLO", "PFT", "PAS", "PLN", "PR")
transf_for <- function(M, d) switch(M,
  PLO = list(name = "transf.ilogit", f = transf.ilogit, targs = NULL),
  PFT = list(name = "transf.ipft.hm(ni = n)", f = transf.ipft.hm, targs = list(ni = d$n)),
  PAS = list(name = "transf.iarcsin", f = transf.iarcsin, targs = NULL),
  PLN = list(name = "exp", f = exp, targs = NULL),
  PR  = list(name = "identity", f = NULL, targs = NULL))

es_rows <- list(); rma_rows <- list(); err_rows <- list()
for (dname in names(props)) {
  d <- props[[dname]]
  for (M in measures) {
    es <- escalc(measure = M, xi = events, ni = n, data = d)
    corrected <- if (M %in% c("PAS", "PFT")) rep(FALSE, nrow(d)) else (d$events == 0 | d$events == d$n)
    es_rows[[length(es_rows) + 1]] <- data.frame(
      dataset = dname, measure = M, study = d$study, events = d$events, n = d$n,
      yi = as.numeric(es$yi), vi = as.numeric(es$vi), corrected = corrected,
      stringsAsFactors = FALSE)
    for (meth in c("REML", "DL")) {
      f <- capture(rma(yi, vi, data = es, method = meth, test = "z", control = ctrl))
      if (!is.na(f$error)) {
        err_rows[[length(err_rows) + 1]] <- data.frame(dataset = dname, measure = M, method = meth,
                                                       error = f$error)
        next
      }
      res <- f$value
      row <- pool_row(res, dname, meth, "z", 0.95, f$warnings)$row
      tf <- transf_for(M, d)
      pr <- if (is.null(tf$f)) predict(res) else
        if (is.null(tf$targs)) predict(res, transf = tf$f) else predict(res, transf = tf$f, targs = tf$targs)
      row <- cbind(data.frame(dataset = dname, measure = M, stringsAsFactors = FALSE),
                   row[, setdiff(names(row), "dataset")],
                   data.frame(transf = tf$name, bt_estimate = num_or_na(pr$pred),
                              bt_ci_low = num_or_na(pr$ci.lb), bt_ci_high = num_or_na(pr$ci.ub),
                              bt_pi_low = num_or_na(pr$pi.lb), bt_pi_high = num_or_na(pr$pi.ub),
                              stringsAsFactors = FALSE))
      rma_rows[[length(rma_rows) + 1]] <- row
    }
  }
}
write_fixture(do.call(rbind, es_rows), "escalc_props.csv")
write_fixture(bind_rows_fill(rma_rows), "rma_props.csv")
if (length(err_rows)) write_fixture(do.call(rbind, err_rows), "rma_props_errors.csv")

# ---------------------------------------------------------------- GLMM
tight <- list(glmerCtrl = list(optimizer = "bobyqa", optCtrl = list(rhoend = 1e-12, maxfun = 1e5)))
variants <- list(default = list(nAGQ = 7, control = NULL),
                 tight = list(nAGQ = 7, control = tight),
                 agq25 = list(nAGQ = 25, control = tight))
glmm_rows <- list()
for (dname in names(props)) {
  d <- props[[dname]]
  for (vn in names(variants)) {
    v <- variants[[vn]]
    args <- list(measure = "PLO", xi = d$events, ni = d$n, method = "ML", nAGQ = v$nAGQ)
    if (!is.null(v$control)) args$control <- v$control
    f <- capture(do.call(rma.glmm, args))
    if (!is.na(f$error)) {
      glmm_rows[[length(glmm_rows) + 1]] <- data.frame(dataset = dname, variant = vn,
                                                       nagq = v$nAGQ, error = f$error)
      next
    }
    r <- f$value
    glmm_rows[[length(glmm_rows) + 1]] <- data.frame(
      dataset = dname, variant = vn, nagq = v$nAGQ, k = r$k, estimate = as.numeric(r$beta),
      se = r$se, zval = r$zval, pval = r$pval, ci_low = r$ci.lb, ci_high = r$ci.ub,
      tau2 = r$tau2, q_wald = r$QE.Wld, q_wald_p = r$QEp.Wld, q_lrt = r$QE.LRT,
      q_lrt_p = r$QEp.LRT, q_df = r$QE.df, i2 = r$I2, h2 = r$H2, vt = num_or_na(r$vt),
      loglik = r$fit.stats["ll", "ML"], warnings = f$warnings, error = NA_character_,
      stringsAsFactors = FALSE)
  }
}
write_fixture(bind_rows_fill(glmm_rows), "glmm.csv")
cat("proportion fixtures written\n")
