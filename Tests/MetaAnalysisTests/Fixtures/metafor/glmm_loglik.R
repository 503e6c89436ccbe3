# Marginal log-likelihood of the binomial-normal GLMM, for SurvMeta's BinomialNormalModel tests.
#
# Versions: R 4.2.2, lme4 1.1-31, metafor 3.8-1. Rerun from this folder: Rscript glmm_loglik.R
#
# For each proportion dataset and nAGQ in 7, 25:
#   m <- lme4::glmer(cbind(events, n - events) ~ 1 + (1 | study), data = d, family = binomial,
#                    nAGQ = nAGQ, control = glmerControl(optimizer = "bobyqa",
#                                                        optCtrl = list(rhoend = 1e-12, maxfun = 1e5)))
#   lme4_loglik = logLik(m)   (lme4 drops the saturated-model constant for binomial GLMMs)
#   saturated   = sum(dbinom(events, n, events / n, log = TRUE))
#   marginal    = lme4_loglik + saturated: log of prod_i  int Bin(x_i | n_i, expit(b + u)) N(u; 0, tau2) du
# metafor's rma.glmm reports fit.stats["ll", "ML"] = saturated - deviance(m)/2 instead, where lme4's
# deviance() for nAGQ > 1 is not -2 * logLik(m); SurvMeta reports the marginal log-likelihood.
suppressMessages(library(lme4))
out <- NULL
for (name in c("prop_pritz1997", "prop_debruin2009", "prop_hasselblad1998", "prop_edge_zero", "prop_edge_full")) {
  d <- read.csv(file.path("datasets", paste0(name, ".csv")), stringsAsFactors = FALSE)
  for (q in c(7, 25)) {
    m <- glmer(cbind(events, n - events) ~ 1 + (1 | study), data = d, family = binomial, nAGQ = q,
               control = glmerControl(optimizer = "bobyqa", optCtrl = list(rhoend = 1e-12, maxfun = 1e5)))
    sat <- sum(dbinom(d$events, d$n, d$events / d$n, log = TRUE))
    ll <- as.numeric(logLik(m))
    out <- rbind(out, data.frame(dataset = name, nagq = q, lme4_loglik = sprintf("%.17g", ll),
                                 saturated = sprintf("%.17g", sat), marginal = sprintf("%.17g", ll + sat)))
  }
}
write.csv(out, "glmm_loglik.csv", row.names = FALSE, quote = FALSE)
