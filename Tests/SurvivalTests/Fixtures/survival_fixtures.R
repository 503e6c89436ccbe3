# Golden fixtures for Tests/SurvivalTests (Kaplan–Meier, Nelson–Aalen, RMST, log-rank, Cox).
#
# Produced with R 4.2.2 and survival 3.5-3:
#   cd Tests/SurvivalTests/Fixtures && Rscript survival_fixtures.R
#
# Data: R's survival datasets aml, lung (complete ph.ecog), ovarian, veteran, colon (etype == 2,
# complete nodes) and hand-made edge cases, each written to data_<name>.csv as
# time,event,group[,stratum][,covariates] (event 1 = event, 0 = censored; group a character label).
#
# Calls (per dataset, per group and for all subjects pooled, group label "(all)"):
#   survfit(Surv(time, event) ~ 1, conf.type = ct, conf.int = level)           -> km_steps.csv
#       (ct/level: log/0.95, plain/0.95, log-log/0.95, log/0.9, plain/0.8; lung and veteran
#        only the first three, colon only log/0.95)
#       (fit$std.err is R's SE on the cumulative-hazard scale; se_surv = std.err * surv)
#   summary(fit, times = tt, extend = TRUE)                                   -> km_times.csv
#   quantile(fit, probs = c(.1, .25, .5, .75, .9))                            -> km_quantiles.csv (source "quantile")
#   survival:::survmean(fit, rmean = "none") median/LCL/UCL (= print(fit))    -> km_quantiles.csv (source "print")
#   survival:::survmean(fit, rmean = tau) rmean, se(rmean) (= print(fit, rmean = tau)) -> km_rmean.csv
#   survival:::survmean(survfit(Surv(time, event) ~ group), rmean = "common")   -> km_rmean.csv (tau "common")
#   survfit(Surv(time, event) ~ 1, stype = 2, ctype = 1)                      -> na_steps.csv
#   survdiff(Surv(time, event) ~ group [+ strata(stratum)])                  -> logrank*.csv
#   coxph(Surv(time, event) ~ terms, ties = t, control = coxph.control(iter.max = m)) -> cox_coef.csv, cox_fit.csv
#   coxph(…, init = coef(fit), control = coxph.control(iter.max = 0)) -> se_at_coef, wald_at_coef
# Numbers are written with sprintf("%.17g"); NA (also for R's Inf/NaN) where R has no finite value.
suppressPackageStartupMessages(library(survival))
stopifnot(packageVersion("survival") == "3.5.3")

num <- function(x) ifelse(is.finite(x), sprintf("%.17g", x), "NA")
write_table <- function(df, file) write.csv(df, file, row.names = FALSE, quote = TRUE)

# ---- data sets ---------------------------------------------------------------------------------
datasets <- list()
datasets$aml <- with(aml, data.frame(time = time, event = status, group = as.character(x)))
lung2 <- lung[!is.na(lung$ph.ecog), ]
datasets$lung <- with(lung2, data.frame(time = time, event = status - 1,
                                        group = ifelse(sex == 1, "male", "female"),
                                        age = age, ph_ecog = ph.ecog))
datasets$ovarian <- with(ovarian, data.frame(time = futime, event = fustat, group = paste0("rx", rx),
                                             stratum = paste0("resid", resid.ds), age = age,
                                             ecog = ecog.ps))
datasets$veteran <- with(veteran, data.frame(time = time, event = status,
                                             group = ifelse(trt == 1, "standard", "test"),
                                             karno = karno, age = age))
datasets$veteran_celltype <- with(veteran, data.frame(time = time, event = status,
                                                      group = as.character(celltype),
                                                      stratum = ifelse(trt == 1, "standard", "test")))
colon2 <- colon[colon$etype == 2 & !is.na(colon$nodes), ]
datasets$colon <- with(colon2, data.frame(time = time, event = status, group = as.character(rx),
                                          stratum = ifelse(sex == 1, "male", "female"),
                                          age = age, nodes = nodes))
# Edge cases.
datasets$all_censored <- data.frame(time = c(2, 3, 3, 5, 8), event = 0, group = "A")
datasets$single_event <- data.frame(time = 4, event = 1, group = "A")
datasets$single_censored <- data.frame(time = 4, event = 0, group = "A")
datasets$one_time <- data.frame(time = c(3, 3, 3, 3, 3, 3, 5, 7), event = c(1, 1, 1, 1, 1, 1, 0, 0),
                                group = c("A", "A", "A", "B", "B", "B", "A", "B"),
                                x = c(0.5, 1.2, -0.3, 2.0, 0.1, 1.1, 0.7, -1.0))
datasets$no_events_group <- data.frame(time = c(1, 2, 2, 4, 5, 6, 3, 5, 7, 8, 9),
                                       event = c(1, 1, 1, 0, 1, 1, 0, 0, 0, 0, 0),
                                       group = c(rep("A", 6), rep("B", 5)))
datasets$half_flat <- data.frame(time = c(1, 2, 3, 4, 5, 6), event = c(1, 1, 1, 0, 1, 0), group = "A")
datasets$ends_at_half <- data.frame(time = c(1, 2, 3, 4), event = c(1, 1, 0, 0), group = "A")
datasets$time_zero <- data.frame(time = c(0, 0, 1, 2, 2, 3, 4), event = c(1, 0, 1, 1, 0, 1, 0), group = "A")
datasets$ties_heavy <- data.frame(time = c(1, 1, 1, 2, 2, 3, 3, 3, 3, 4, 5, 5, 6, 6, 6),
                                  event = c(1, 1, 0, 1, 1, 1, 0, 1, 1, 0, 1, 1, 1, 0, 0),
                                  group = c("A", "B", "A", "B", "B", "A", "A", "B", "A", "B", "A", "B", "A", "B", "A"))

for (name in names(datasets)) {
  d <- datasets[[name]]
  out <- d
  for (col in names(out)) if (is.numeric(out[[col]])) out[[col]] <- num(out[[col]])
  write_table(out, sprintf("data_%s.csv", name))
}

# ---- Kaplan–Meier, Nelson–Aalen, quantiles, RMST --------------------------------------------
steps <- list(); at_times <- list(); quants <- list(); rmeans <- list(); na_rows <- list()
conf_settings <- list(c("log", 0.95), c("plain", 0.95), c("log-log", 0.95), c("log", 0.9), c("plain", 0.8))
for (name in names(datasets)) {
  d <- datasets[[name]]
  labels <- c("(all)", sort(unique(d$group)))
  if (length(unique(d$group)) == 1) labels <- "(all)"
  for (g in labels) {
    dd <- if (g == "(all)") d else d[d$group == g, ]
    tmax <- max(dd$time)
    tt <- sort(unique(c(0, quantile(dd$time, c(.1, .25, .5, .75, .9), type = 1), tmax / 3, tmax, 1.5 * tmax + 1)))
    # Large data sets keep the fixtures small: colon only with R's default interval, lung and
    # veteran without the extra levels.
    settings <- if (name == "colon") conf_settings[1]
                else if (name %in% c("lung", "veteran", "veteran_celltype")) conf_settings[1:3]
                else conf_settings
    for (cs in settings) {
      ct <- cs[1]; level <- as.numeric(cs[2])
      fit <- survfit(Surv(time, event) ~ 1, data = dd, conf.type = ct, conf.int = level)
      key <- data.frame(dataset = name, group = g, conf_type = ct, level = num(level))
      steps[[length(steps) + 1]] <- cbind(key, data.frame(
        time = num(fit$time), n_risk = fit$n.risk, n_event = fit$n.event, n_censor = fit$n.censor,
        surv = num(fit$surv), std_err = num(fit$std.err), se_surv = num(fit$std.err * fit$surv),
        lower = num(fit$lower), upper = num(fit$upper), cumhaz = num(fit$cumhaz), std_chaz = num(fit$std.chaz)))
      s <- summary(fit, times = tt, extend = TRUE)
      at_times[[length(at_times) + 1]] <- cbind(key, data.frame(
        time = num(s$time), n_risk = s$n.risk, n_event = s$n.event, n_censor = s$n.censor,
        surv = num(s$surv), se_surv = num(s$std.err), lower = num(s$lower), upper = num(s$upper),
        cumhaz = num(s$cumhaz), std_chaz = num(s$std.chaz)))
      probs <- c(.1, .25, .5, .75, .9)
      q <- quantile(fit, probs = probs)
      quants[[length(quants) + 1]] <- cbind(key, data.frame(source = "quantile", prob = num(probs),
        quantile = num(q$quantile), lower = num(q$lower), upper = num(q$upper)))
      m <- survival:::survmean(fit, rmean = "none")$matrix
      quants[[length(quants) + 1]] <- cbind(key, data.frame(source = "print", prob = num(0.5),
        quantile = num(m[["median"]]), lower = num(m[[6]]), upper = num(m[[7]])))
      if (ct == "log" && level == 0.95) {
        # Nelson–Aalen for all but colon (size); RMST for all.
        taus <- sort(unique(c(tmax, tmax / 2, 1.5 * tmax + 1, min(dd$time) / 2, quantile(dd$time, .6, type = 1))))
        for (tau in taus) {
          r <- survival:::survmean(fit, rmean = tau)$matrix
          if (tau >= min(fit$time)) {   # summary() refuses tau below the first time; check it agrees
            r2 <- summary(fit, rmean = tau)$table
            stopifnot(isTRUE(all.equal(r[["rmean"]], r2[["rmean"]])), isTRUE(all.equal(r[["se(rmean)"]], r2[["se(rmean)"]])))
          }
          rmeans[[length(rmeans) + 1]] <- data.frame(dataset = name, group = g, tau = num(tau),
            rmean = num(r[["rmean"]]), se_rmean = num(r[["se(rmean)"]]))
        }
        # default rmean of print(fit) for a single curve: up to the last time
        r <- survival:::survmean(fit, rmean = "common")
        rmeans[[length(rmeans) + 1]] <- data.frame(dataset = name, group = g, tau = "default",
          rmean = num(r$matrix[["rmean"]]), se_rmean = num(r$matrix[["se(rmean)"]]))
        nf <- survfit(Surv(time, event) ~ 1, data = dd, stype = 2, ctype = 1)
        if (name != "colon") na_rows[[length(na_rows) + 1]] <- data.frame(dataset = name, group = g,
          time = num(nf$time), n_risk = nf$n.risk, n_event = nf$n.event, surv = num(nf$surv),
          std_err = num(nf$std.err), lower = num(nf$lower), upper = num(nf$upper),
          cumhaz = num(nf$cumhaz), std_chaz = num(nf$std.chaz))
      }
    }
  }
}
# print(survfit(Surv(time, event) ~ group), rmean = "common"): every group up to the largest last time.
for (name in names(datasets)) {
  d <- datasets[[name]]
  if (length(unique(d$group)) < 2) next
  r <- survival:::survmean(survfit(Surv(time, event) ~ group, data = d), rmean = "common")
  rmeans[[length(rmeans) + 1]] <- data.frame(dataset = name, group = sub("^group=", "", rownames(r$matrix)),
    tau = "common", rmean = num(r$matrix[, "rmean"]), se_rmean = num(r$matrix[, "se(rmean)"]))
}
write_table(do.call(rbind, steps), "km_steps.csv")
write_table(do.call(rbind, at_times), "km_times.csv")
write_table(do.call(rbind, quants), "km_quantiles.csv")
write_table(do.call(rbind, rmeans), "km_rmean.csv")
write_table(do.call(rbind, na_rows), "na_steps.csv")

# ---- log-rank --------------------------------------------------------------------------------
lr_tests <- list(
  list(test = "aml", dataset = "aml", strata = FALSE),
  list(test = "lung", dataset = "lung", strata = FALSE),
  list(test = "ovarian", dataset = "ovarian", strata = FALSE),
  list(test = "ovarian_strat", dataset = "ovarian", strata = TRUE),
  list(test = "veteran", dataset = "veteran", strata = FALSE),
  list(test = "celltype", dataset = "veteran_celltype", strata = FALSE),
  list(test = "celltype_strat", dataset = "veteran_celltype", strata = TRUE),
  list(test = "colon", dataset = "colon", strata = FALSE),
  list(test = "colon_strat", dataset = "colon", strata = TRUE),
  list(test = "one_time", dataset = "one_time", strata = FALSE),
  list(test = "no_events_group", dataset = "no_events_group", strata = FALSE),
  list(test = "ties_heavy", dataset = "ties_heavy", strata = FALSE))
lr_main <- list(); lr_groups <- list(); lr_var <- list()
for (t in lr_tests) {
  d <- datasets[[t$dataset]]
  sd <- if (t$strata) survdiff(Surv(time, event) ~ group + strata(stratum), data = d)
        else survdiff(Surv(time, event) ~ group, data = d)
  obs <- if (is.matrix(sd$obs)) rowSums(sd$obs) else sd$obs
  ex <- if (is.matrix(sd$exp)) rowSums(sd$exp) else sd$exp
  df <- sum(ex > 0) - 1
  lr_main[[length(lr_main) + 1]] <- data.frame(test = t$test, dataset = t$dataset, stratified = t$strata,
    chisq = num(sd$chisq), df = df, p = num(sd$pvalue))
  lev <- sub("^group=", "", names(sd$n))
  lr_groups[[length(lr_groups) + 1]] <- data.frame(test = t$test, group = lev, n = as.vector(sd$n),
    observed = num(obs), expected = num(ex))
  for (i in seq_along(lev)) for (j in seq_along(lev))
    lr_var[[length(lr_var) + 1]] <- data.frame(test = t$test, row = i, col = j, value = num(sd$var[i, j]))
}
write_table(do.call(rbind, lr_main), "logrank.csv")
write_table(do.call(rbind, lr_groups), "logrank_groups.csv")
write_table(do.call(rbind, lr_var), "logrank_var.csv")

# ---- Cox -------------------------------------------------------------------------------------
cox_models <- list(
  list(model = "aml", dataset = "aml", covariates = character(0), strata = FALSE, ref = NA, maxit = 20),
  list(model = "lung", dataset = "lung", covariates = c("age", "ph_ecog"), strata = FALSE, ref = NA, maxit = 20),
  list(model = "lung_maxit2", dataset = "lung", covariates = c("age", "ph_ecog"), strata = FALSE, ref = NA, maxit = 2),
  list(model = "lung_covariates_only", dataset = "lung", covariates = c("age", "ph_ecog"), strata = FALSE, ref = NA, maxit = 20, nogroup = TRUE),
  list(model = "ovarian_strat", dataset = "ovarian", covariates = c("age"), strata = TRUE, ref = NA, maxit = 20),
  list(model = "veteran", dataset = "veteran", covariates = c("karno", "age"), strata = FALSE, ref = NA, maxit = 20),
  list(model = "celltype_ref", dataset = "veteran_celltype", covariates = character(0), strata = FALSE, ref = "squamous", maxit = 20),
  list(model = "colon", dataset = "colon", covariates = c("age", "nodes"), strata = FALSE, ref = NA, maxit = 20),
  list(model = "colon_strat", dataset = "colon", covariates = c("nodes"), strata = TRUE, ref = NA, maxit = 20),
  list(model = "one_time", dataset = "one_time", covariates = c("x"), strata = FALSE, ref = NA, maxit = 20),
  list(model = "ties_heavy", dataset = "ties_heavy", covariates = character(0), strata = FALSE, ref = NA, maxit = 20),
  list(model = "no_events_group", dataset = "no_events_group", covariates = character(0), strata = FALSE, ref = NA, maxit = 20))
cox_coef <- list(); cox_fit <- list()
for (m in cox_models) {
  d <- datasets[[m$dataset]]
  d$group <- factor(d$group)
  if (!is.na(m$ref)) d$group <- relevel(d$group, ref = m$ref)
  terms <- c(if (is.null(m$nogroup)) "group", m$covariates, if (m$strata) "strata(stratum)")
  f <- as.formula(paste("Surv(time, event) ~", paste(terms, collapse = " + ")))
  for (ties in c("efron", "breslow")) {
    warn <- character(0)
    fit <- withCallingHandlers(
      coxph(f, data = d, ties = ties, control = coxph.control(iter.max = m$maxit)),
      warning = function(w) { warn <<- c(warn, conditionMessage(w)); invokeRestart("muffleWarning") })
    s <- summary(fit)
    cf <- s$coefficients; ci <- s$conf.int
    # The variance at the reported coefficients, I(beta)^-1: when coxph runs out of iterations its
    # fit$var is not that inverse (coxfit6 calls chinv2 on an unfactored matrix), so tests of the
    # non-converged case compare with this refit at the final coefficients instead.
    at_coef <- coxph(f, data = d, ties = ties, init = coef(fit), control = coxph.control(iter.max = 0))
    cox_coef[[length(cox_coef) + 1]] <- data.frame(model = m$model, ties = ties, term = rownames(cf),
      coef = num(cf[, "coef"]), se = num(cf[, "se(coef)"]), z = num(cf[, "z"]), p = num(cf[, "Pr(>|z|)"]),
      hr = num(cf[, "exp(coef)"]), hr_lower = num(ci[, 3]), hr_upper = num(ci[, 4]),
      se_at_coef = num(sqrt(diag(at_coef$var))))
    df <- length(fit$coefficients)
    cox_fit[[length(cox_fit) + 1]] <- data.frame(model = m$model, dataset = m$dataset, ties = ties,
      covariates = paste(m$covariates, collapse = ";"), use_group = is.null(m$nogroup), stratified = m$strata,
      reference = ifelse(is.na(m$ref), "", m$ref), maxit = m$maxit,
      loglik0 = num(fit$loglik[1]), loglik1 = num(fit$loglik[2]),
      lr = num(s$logtest[["test"]]), lr_p = num(s$logtest[["pvalue"]]),
      wald = num(fit$wald.test), wald_at_coef = num(sum(coef(fit) * solve(at_coef$var, coef(fit)))), wald_p = num(pchisq(fit$wald.test, df, lower.tail = FALSE)),
      score = num(fit$score), score_p = num(s$sctest[["pvalue"]]), df = df, iter = fit$iter,
      warning = paste(warn, collapse = " | "))
  }
}
write_table(do.call(rbind, cox_coef), "cox_coef.csv")
write_table(do.call(rbind, cox_fit), "cox_fit.csv")
