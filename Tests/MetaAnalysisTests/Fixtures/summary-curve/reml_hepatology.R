# REML reference for SurvMeta's summary-curve REML (default mode, `tauEstimator: .REML`).
#
# R 4.2.2, metafor 3.8-1. Run from the repository root:
#   Rscript Tests/MetaAnalysisTests/Fixtures/summary-curve/reml_hepatology.R
#
# Data: ../shared/data/summary-curves/hepatology.csv (RISCA 1.0.7 dataHepatology), restricted to
# times <= 12 months (8 intervals; 27 studies at 1..5, 26 at 6 and 9, 25 at 12, so some studies
# miss the last intervals). Per study and interval: conditional survival c = S(t_j) / S(t_{j-1})
# (S(0) = 1), transformed y = asin(sqrt((n c + 1/4) / (n + 1/2))), variance v = 1 / (4 (n + 1/2))
# (Combescure, Foucher & Jackson 2014, Stat Med 33:2521, section 2.1).
# Model: y_it = beta_t + b_it + e_it, b_i ~ N(0, T) with T unstructured, e_it ~ N(0, v_it)
# independent; a study contributes only the intervals it reports. Fitted by
#   rma.mv(y, v, mods = ~ factor(time) - 1, random = ~ factor(time) | study, struct = "UN",
#          method = "REML", data = d,
#          control = list(optimizer = "nlminb", rel.tol = 1e-12, iter.max = 10000, eval.max = 20000))
# Output: reml_hepatology_t12.csv with columns kind,i,j,value:
#   beta (i = interval), vb (i, j), tau (i, j: the estimated T), loglik (REML log-likelihood).
suppressMessages(library(metafor))
dat <- read.csv("../shared/data/summary-curves/hepatology.csv")
dat <- dat[order(dat$study, dat$time), ]
dat <- dat[dat$time <= 12, ]
prev <- ave(dat$surv, dat$study, FUN = function(s) c(1, head(s, -1)))
cs <- dat$surv / prev
d <- data.frame(study = dat$study, time = dat$time,
                y = asin(sqrt((dat$n * cs + 0.25) / (dat$n + 0.5))),
                v = 1 / (4 * (dat$n + 0.5)))
fit <- rma.mv(y, v, mods = ~ factor(time) - 1, random = ~ factor(time) | study, struct = "UN",
              method = "REML", data = d,
              control = list(optimizer = "nlminb", rel.tol = 1e-12, iter.max = 10000, eval.max = 20000))
out <- data.frame(kind = character(), i = integer(), j = integer(), value = character())
f <- function(x) sprintf("%.17g", x)
p <- length(fit$beta)
for (i in 1:p) out[nrow(out) + 1, ] <- list("beta", i, 0L, f(fit$beta[i]))
for (i in 1:p) for (j in 1:p) out[nrow(out) + 1, ] <- list("vb", i, j, f(fit$vb[i, j]))
G <- fit$G
for (i in 1:p) for (j in 1:p) out[nrow(out) + 1, ] <- list("tau", i, j, f(G[i, j]))
out[nrow(out) + 1, ] <- list("loglik", 0L, 0L, f(as.numeric(logLik(fit))))
write.csv(out, "Tests/MetaAnalysisTests/Fixtures/summary-curve/reml_hepatology_t12.csv", row.names = FALSE, quote = FALSE)
print(fit)
