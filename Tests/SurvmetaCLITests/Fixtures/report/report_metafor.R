# Reproduces pooled figures of `survmeta report` with metafor, from the same dataset rows.
#
# Versions: R 4.2.2, metafor 3.8-1. Rerun from this folder: Rscript report_metafor.R
# Reads ../../../../Datasets/net-liver-metastases/outcomes.csv and pools, with
#   rma(yi, vi, method = "REML", control = list(threshold = 1e-10)):
#   ssa-vs-placebo-pfs-ttp-hr : rinke2009_promid-03, caplin2014_clarinet-04
#                               yi = log(HR), vi = ((log(U) - log(L)) / (2 * qnorm(0.975)))^2
#   targeted-vs-placebo-pfs-ttp-hr : yao2016_radiant4-03, raymond2011_sunitinib-03 (same conversion)
#   resection-os-5y   : mayo2010-02, morgan2018-02
#   intra-arterial-os-5y : mayo2011-04, dong2011-02
#   intra-arterial-os-3y : dong2011-01, memon2012-03
#   transplant-os-5y  : mazzaferro2016-01, letreut2013_eltr-01
#     landmark rows: S = value / 100, var(S) = S (1 - S) / n (N only), cloglog yi = log(-log(S)),
#     vi = var(S) / (S log S)^2; back-transform exp(-exp(x)) with the CI ends swapped.
# Writes report_expected.csv: slug, k, estimate, se, ci_low, ci_high, tau2, bt_estimate, bt_ci_low, bt_ci_high.
suppressMessages(library(metafor))
d <- read.csv("../../../../Datasets/net-liver-metastases/outcomes.csv", stringsAsFactors = FALSE)
f17 <- function(x) sprintf("%.17g", x)
sets <- list(
  `ssa-vs-placebo-pfs-ttp-hr` = c("rinke2009_promid-03", "caplin2014_clarinet-04"),
  `targeted-vs-placebo-pfs-ttp-hr` = c("yao2016_radiant4-03", "raymond2011_sunitinib-03"),
  `resection-os-5y` = c("mayo2010-02", "morgan2018-02"),
  `intra-arterial-os-5y` = c("mayo2011-04", "dong2011-02"),
  `intra-arterial-os-3y` = c("dong2011-01", "memon2012-03"),
  `transplant-os-5y` = c("mazzaferro2016-01", "letreut2013_eltr-01"))
out <- NULL
for (slug in names(sets)) {
  r <- d[match(sets[[slug]], d$outcome_id), ]
  v <- as.numeric(r$value)
  if (all(r$measure == "hr")) {
    yi <- log(v); vi <- ((log(r$ci_high) - log(r$ci_low)) / (2 * qnorm(0.975)))^2; bt <- exp
  } else {
    S <- v / 100; vS <- S * (1 - S) / r$n
    yi <- log(-log(S)); vi <- vS / (S * log(S))^2; bt <- function(x) exp(-exp(x))
  }
  m <- rma(yi, vi, method = "REML", control = list(threshold = 1e-10))
  ci <- sort(bt(c(m$ci.lb, m$ci.ub)))
  out <- rbind(out, data.frame(slug = slug, k = m$k, estimate = f17(m$b[1]), se = f17(m$se),
                               ci_low = f17(m$ci.lb), ci_high = f17(m$ci.ub), tau2 = f17(m$tau2),
                               bt_estimate = f17(bt(m$b[1])), bt_ci_low = f17(ci[1]), bt_ci_high = f17(ci[2])))
}
write.csv(out, "report_expected.csv", row.names = FALSE, quote = FALSE)
