# Median-survival pooling fixture for `survmeta median` (log scale, SE from the CI).
#
# Versions: R 4.2.2, survival 3.5-3, metafor 3.8-1. Rerun from this folder: Rscript median_metafor.R
# Input lung_medians.csv: median survival (days) of the survival::lung patients of each institution
#   with >= 15 patients and a finite CI, from print(survfit(Surv(time, status) ~ 1, data = sub))
#   (conf.type "log"), columns study, median, ci_low, ci_high.
# Expected: yi = log(median), vi = ((log(ci_high) - log(ci_low)) / (2 * qnorm(0.975)))^2,
#   rma(yi, vi, method = M, control = list(threshold = 1e-10)) for M in REML, DL -> median_expected.csv
#   (estimate, se, ci_low, ci_high, tau2 and exp() of estimate and CI).
suppressMessages({ library(survival); library(metafor) })
f17 <- function(x) sprintf("%.17g", x)
lung2 <- lung[!is.na(lung$inst), ]
rows <- NULL
for (i in sort(unique(lung2$inst))) {
  sub <- lung2[lung2$inst == i, ]
  if (nrow(sub) < 15) next
  t <- summary(survfit(Surv(time, status) ~ 1, data = sub))$table
  if (!is.finite(t["median"]) || !is.finite(t["0.95LCL"]) || !is.finite(t["0.95UCL"])) next
  if (t["0.95LCL"] >= t["median"] || t["0.95UCL"] <= t["median"]) next
  rows <- rbind(rows, data.frame(study = paste0("inst", i), median = t[["median"]], ci_low = t[["0.95LCL"]], ci_high = t[["0.95UCL"]]))
}
write.csv(rows, "lung_medians.csv", row.names = FALSE, quote = FALSE)
yi <- log(rows$median); vi <- ((log(rows$ci_high) - log(rows$ci_low)) / (2 * qnorm(0.975)))^2
out <- NULL
for (m in c("REML", "DL")) {
  r <- rma(yi, vi, method = m, control = list(threshold = 1e-10))
  out <- rbind(out, data.frame(method = m, k = r$k, estimate = f17(r$b[1]), se = f17(r$se), ci_low = f17(r$ci.lb), ci_high = f17(r$ci.ub),
                               tau2 = f17(r$tau2), bt_estimate = f17(exp(r$b[1])), bt_ci_low = f17(exp(r$ci.lb)), bt_ci_high = f17(exp(r$ci.ub))))
}
write.csv(out, "median_expected.csv", row.names = FALSE, quote = FALSE)
