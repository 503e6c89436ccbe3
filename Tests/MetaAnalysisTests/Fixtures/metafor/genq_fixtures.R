# Golden fixtures for the generalized-Q (Biggerstaff-Jackson / Jackson 2013) interval for tau^2 and
# the median-unbiased generalized-Q estimator GENQM, from metafor 3.8-1's own code paths.
#
# Versions: R 4.2.2 Patched (2022-11-10 r83330), metafor 3.8-1. Rerun from this folder:
#   Rscript genq_fixtures.R        -> genq.csv
# Inputs: datasets/*.csv (written by datasets.R via pool_fixtures.R).
#
# For each dataset d, weight scheme A in {inv_v: a = 1/vi, inv_se: a = 1/sqrt(vi), equal: a = 1},
# method M in {GENQ, GENQM} and level L in {0.95, 0.90}:
#   res <- rma.uni(yi, vi, data = d, weights = a, method = M, level = L, control = list(tol = 1e-12))
#   ci  <- confint(res, type = "GENQ", control = list(tol = 1e-12))
# confint's search range is its default, tau2.min = 0, tau2.max = max(100, 10 * tau2), except where
# GENQM stops with "Value of 'tau2.max' too low" (its root search runs on rma.uni's default
# [0, 100]): that row records the error and is refitted with control = list(tol = 1e-12,
# tau2.max = 1e4), fit_tau2_max = 10000; confint then searches [0, 1e4] too, since it takes
# tau2.max from the fit's control when one was given.
# NOTE on precision: in 3.8-1, confint(type = "GENQ") calls uniroot() WITHOUT passing its tol, so
# metafor's printed bounds are found only to uniroot's default .Machine$double.eps^0.25 (~1.2e-4 in
# tau2) and move by up to that much with the search range. This script therefore runs every
# confint twice: once as shipped (columns *_metafor), and once with uniroot's tolerance lowered to
# 1e-12 through trace(stats::uniroot, tracer = quote(tol <- min(tol, 1e-12))) (the unsuffixed
# columns), which changes nothing else in metafor's code path. The tests compare SurvMeta with the
# tight columns at 1e-6 relative, and with the shipped ones within uniroot's 1.2e-4 tolerance.
# Columns: dataset, scheme, method, level, k, tau2, estimate, se, i2, h2, vt, q_gen (the generalized
# Q statistic sum a_i (y_i - ybar_a)^2), tau2_ci_low/high, i2_ci_low/high, h2_ci_low/high,
# lb_sign/ub_sign (confint's "<"/">" marks for a bound at the end of the search range, else NA),
# ci_null, fit_tau2_max and fit_error (see below), error (metafor's error message when the fit or
# the interval stops, else NA).
#
# IMPORTANT - where the probabilities come from. metafor evaluates P(Q_gen > q) with
# CompQuadForm::farebrother(q, lambda), lambda = the k - p largest eigenvalues of
# S P S, S = diag(sqrt(vi + tau2)), P = A - A X (X'AX)^-1 X'A, A = diag(a). CompQuadForm is not
# packaged for Debian 12 and CRAN is unreachable here, so this script installs, into a temporary
# library, a stand-in package named "CompQuadForm" whose farebrother() returns
#   list(Qq = P(Q > q))
# computed by ../../../StatNumericsTests/Fixtures/ruben_series.R (Ruben's 1962 series, the method
# of Farebrother's AS 204, summed until its rigorous truncation bound is below 1e-17, and checked in
# weighted_chisq.R against exact chi-square values and an independent convolution integral to
# 3.3e-14). Everything else - the eigenvalues, which ones are used, the bracketing rules, uniroot,
# the I^2/H^2 conversion and GENQM's root - is metafor's unmodified code.
suppressPackageStartupMessages(library(metafor))
stopifnot(as.character(packageVersion("metafor")) == "3.8.1")
source("fixture_helpers.R")
source("../../../StatNumericsTests/Fixtures/ruben_series.R")

shim_lib <- file.path(tempdir(), "shimlib")
shim_src <- file.path(tempdir(), "CompQuadForm")
dir.create(shim_lib, showWarnings = FALSE)
dir.create(file.path(shim_src, "R"), recursive = TRUE, showWarnings = FALSE)
writeLines(c("Package: CompQuadForm", "Version: 0.0.0.9000",
             "Title: Stand-in for SurvMeta fixtures (Ruben series)", "Description: See genq_fixtures.R.",
             "License: GPL-3", "Author: SurvMeta", "Maintainer: SurvMeta <none@example.org>"),
           file.path(shim_src, "DESCRIPTION"))
writeLines("export(farebrother)", file.path(shim_src, "NAMESPACE"))
writeLines(c(deparse(ruben_cdf, control = "all") |> (\(x) c(paste("ruben_cdf <-", x[1]), x[-1]))(),
             "farebrother <- function(q, lambda, h = rep(1, length(lambda)), delta = rep(0, length(lambda)),",
             "                        maxit = 100000, eps = 10^(-10), mode = 1) {",
             "  stopifnot(all(h == 1), all(delta == 0))",
             "  list(Qq = unname(ruben_cdf(q, lambda)[\"upper\"]))",
             "}"), file.path(shim_src, "R", "farebrother.R"))
install.packages(shim_src, repos = NULL, type = "source", lib = shim_lib, quiet = TRUE)
.libPaths(c(shim_lib, .libPaths()))
stopifnot(requireNamespace("CompQuadForm", quietly = TRUE))

datasets <- c("bcg", "pignon2000", "riley2003os", "normand1999", "hackshaw1998", "pritz1997",
              "molloy2014", "net_hr", "edge_k2", "edge_tau2_zero", "edge_dominant", "edge_identical")
schemes <- list(inv_v = function(v) 1 / v, inv_se = function(v) 1 / sqrt(v), equal = function(v) rep(1, length(v)))

rows <- list()
for (dn in datasets) {
  d <- read.csv(file.path("datasets", paste0(dn, ".csv")), stringsAsFactors = FALSE)
  for (sn in names(schemes)) for (M in c("GENQ", "GENQM")) for (L in c(0.95, 0.90)) {
    a <- schemes[[sn]](d$vi)
    row <- data.frame(dataset = dn, scheme = sn, method = M, level = L, k = nrow(d))
    fit <- capture(rma.uni(d$yi, d$vi, weights = a, method = M, level = L, control = list(tol = 1e-12)))
    row$fit_tau2_max <- NA_real_
    if (!is.na(fit$error) && grepl("tau2.max' too low", fit$error)) {
      row$fit_error <- fit$error
      row$fit_tau2_max <- 1e4
      fit <- capture(rma.uni(d$yi, d$vi, weights = a, method = M, level = L,
                             control = list(tol = 1e-12, tau2.max = 1e4)))
    }
    if (!is.na(fit$error)) { row$error <- fit$error; rows[[length(rows) + 1]] <- row; next }
    res <- fit$value
    ybar <- sum(a * d$yi) / sum(a)
    row$tau2 <- res$tau2; row$estimate <- as.numeric(res$beta); row$se <- res$se
    row$i2 <- res$I2; row$h2 <- res$H2; row$vt <- res$vt; row$q_gen <- sum(a * (d$yi - ybar)^2)
    shipped <- capture(confint(res, type = "GENQ", control = list(tol = 1e-12)))
    if (is.na(shipped$error)) {
      row$tau2_ci_low_metafor <- shipped$value$random["tau^2", "ci.lb"]
      row$tau2_ci_high_metafor <- shipped$value$random["tau^2", "ci.ub"]
    }
    suppressMessages(trace(stats::uniroot, tracer = quote(tol <- min(tol, 1e-12)), print = FALSE))
    ci <- capture(confint(res, type = "GENQ", control = list(tol = 1e-12)))
    suppressMessages(untrace(stats::uniroot))
    if (!is.na(ci$error)) { row$error <- ci$error; rows[[length(rows) + 1]] <- row; next }
    r <- ci$value$random
    row$tau2_ci_low <- r["tau^2", "ci.lb"]; row$tau2_ci_high <- r["tau^2", "ci.ub"]
    row$i2_ci_low <- r["I^2(%)", "ci.lb"]; row$i2_ci_high <- r["I^2(%)", "ci.ub"]
    row$h2_ci_low <- r["H^2", "ci.lb"]; row$h2_ci_high <- r["H^2", "ci.ub"]
    row$lb_sign <- if (is.null(ci$value$lb.sign) || ci$value$lb.sign == "") NA else ci$value$lb.sign
    row$ub_sign <- if (is.null(ci$value$ub.sign) || ci$value$ub.sign == "") NA else ci$value$ub.sign
    row$ci_null <- isTRUE(ci$value$ci.null)
    row$error <- NA
    rows[[length(rows) + 1]] <- row
  }
}
out <- bind_rows_fill(rows)
write_fixture(out, "genq.csv")
cat(nrow(out), "rows;", sum(!is.na(out$error)), "with an error\n")
