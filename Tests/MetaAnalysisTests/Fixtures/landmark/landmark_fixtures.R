# Landmark-survival fixtures for SurvMeta (issue 5): transformed S(t*) pooled with metafor.
#
# Versions: R 4.2.2, survival 3.5-3, metafor 3.8-1. Rerun from this folder: Rscript landmark_fixtures.R
#
# Inputs (written here):
#   lung_ci.csv   study, surv, ci_low, ci_high, nrisk, n, true_scale: 1-year (365 days) survival of the
#                 survival::lung patients of each institution with >= 12 patients,
#                 summary(survfit(Surv(time, status) ~ 1, data = sub, conf.type = CT), times = 365)
#                 with CT = "log-log" for all rows, values rounded to 4 decimals.
#   lung_plain.csv the same rows with conf.type = "plain" (to test scale detection), 4 decimals.
#   net_os5.csv   5-year OS after resection, transplantation and intra-arterial therapy for NET liver
#                 metastases with N only (Datasets/net-liver-metastases/outcomes.csv rows with
#                 pool_default = yes: mayo2010-02, morgan2018-02, mazzaferro2016-01,
#                 letreut2013_eltr-01, dong2011-02, mayo2011-04).
# Transforms computed here, independently of SurvMeta (z = qnorm(0.975)):
#   CI source, detected scale g:  se_g = |g(U) - g(L)| / (2 z); var(S) = (se_g / g'(S))^2;
#                                 a CI clipped at 0 (plain): se = (U - S) / z from the unclipped half
#   nrisk source (Peto):          var(S) = S^2 (1 - S) / nrisk
#   n source (binomial):          var(S) = S (1 - S) / n
#   cloglog: yi = log(-log S), vi = var(S) / (S log S)^2  (= se_g^2 when g is log-log)
#   logit:   yi = log(S / (1 - S)), vi = var(S) / (S (1 - S))^2
# Pooled: rma(yi, vi, method = M, control = list(threshold = 1e-10)) for M in REML, DL;
#   back-transform cloglog: exp(-exp(x)) (interval ends swap), logit: plogis(x).
suppressMessages({ library(survival); library(metafor) })
z <- qnorm(0.975)
f17 <- function(x) ifelse(is.na(x), "NA", sprintf("%.17g", x))

lung2 <- lung[!is.na(lung$inst), ]
insts <- sort(unique(lung2$inst))
rows <- list(); rows_plain <- list()
for (i in insts) {
  sub <- lung2[lung2$inst == i, ]
  if (nrow(sub) < 12) next
  s1 <- summary(survfit(Surv(time, status) ~ 1, data = sub, conf.type = "log-log"), times = 365, extend = TRUE)
  s2 <- summary(survfit(Surv(time, status) ~ 1, data = sub, conf.type = "plain"), times = 365, extend = TRUE)
  if (s1$surv <= 0 || s1$surv >= 1 || s1$n.risk < 1) next
  rows[[length(rows) + 1]] <- data.frame(study = paste0("inst", i), surv = round(s1$surv, 4),
    ci_low = round(s1$lower, 4), ci_high = round(s1$upper, 4), nrisk = s1$n.risk, n = nrow(sub), true_scale = "log-log")
  rows_plain[[length(rows_plain) + 1]] <- data.frame(study = paste0("inst", i), surv = round(s2$surv, 4),
    ci_low = round(max(s2$lower, 0), 4), ci_high = round(min(s2$upper, 1), 4), nrisk = s2$n.risk, n = nrow(sub), true_scale = "plain")
}
lung_ci <- do.call(rbind, rows); lung_plain <- do.call(rbind, rows_plain)
write.csv(lung_ci, "lung_ci.csv", row.names = FALSE, quote = FALSE)
write.csv(lung_plain, "lung_plain.csv", row.names = FALSE, quote = FALSE)

net <- data.frame(study = c("mayo2010", "morgan2018", "mazzaferro2016", "letreut2013_eltr", "dong2011", "mayo2011_iat"),
                  surv = c(0.74, 0.81, 0.972, 0.52, 0.36, 0.30), n = c(339, 42, 42, 213, 123, 414))
write.csv(net, "net_os5.csv", row.names = FALSE, quote = FALSE)

gfun <- list(`log-log` = function(s) log(-log(s)), plain = function(s) s)
gder <- list(`log-log` = function(s) 1 / (s * log(s)), plain = function(s) 1)
varS <- function(d, source) {
  S <- d$surv
  if (source == "ci") {
    sc <- d$true_scale[1]
    se <- abs(gfun[[sc]](d$ci_high) - gfun[[sc]](d$ci_low)) / (2 * z)
    clipped <- d$ci_low <= 0
    se[clipped] <- abs(gfun[[sc]](d$ci_high[clipped]) - gfun[[sc]](S[clipped])) / z
    (se / gder[[sc]](S))^2
  } else if (source == "nrisk") S^2 * (1 - S) / d$nrisk else S * (1 - S) / d$n
}
out <- NULL; studies <- NULL
cases <- list(list("lung_ci", lung_ci, "ci"), list("lung_plain", lung_plain, "ci"),
              list("lung_nrisk", lung_ci[, c("study", "surv", "nrisk")], "nrisk"), list("net_os5", net, "n"))
write.csv(lung_ci[, c("study", "surv", "nrisk")], "lung_nrisk.csv", row.names = FALSE, quote = FALSE)
for (cs in cases) {
  name <- cs[[1]]; d <- cs[[2]]; src <- cs[[3]]
  S <- d$surv; vS <- varS(d, src)
  for (tr in c("cloglog", "logit")) {
    if (tr == "cloglog") { yi <- log(-log(S)); vi <- vS / (S * log(S))^2; bt <- function(x) exp(-exp(x)) }
    else { yi <- qlogis(S); vi <- vS / (S * (1 - S))^2; bt <- plogis }
    studies <- rbind(studies, data.frame(dataset = name, transform = tr, study = d$study, yi = f17(yi), vi = f17(vi)))
    for (m in c("REML", "DL")) {
      r <- rma(yi, vi, method = m, control = list(threshold = 1e-10))
      p <- predict(r)
      b <- sort(bt(c(r$ci.lb, r$ci.ub))); pb <- sort(bt(c(p$pi.lb, p$pi.ub)))
      out <- rbind(out, data.frame(dataset = name, transform = tr, method = m, k = r$k,
        estimate = f17(r$b[1]), se = f17(r$se), ci_low = f17(r$ci.lb), ci_high = f17(r$ci.ub),
        tau2 = f17(r$tau2), i2 = f17(r$I2), q = f17(r$QE),
        bt_estimate = f17(bt(r$b[1])), bt_ci_low = f17(b[1]), bt_ci_high = f17(b[2]),
        bt_pi_low = f17(pb[1]), bt_pi_high = f17(pb[2])))
    }
  }
}
write.csv(out, "landmark_pooled.csv", row.names = FALSE, quote = FALSE)
write.csv(studies, "landmark_studies.csv", row.names = FALSE, quote = FALSE)
