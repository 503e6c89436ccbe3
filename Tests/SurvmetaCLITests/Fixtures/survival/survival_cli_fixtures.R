# Golden fixtures for Tests/SurvmetaCLITests/{KM,Cox,LogRank}CLITests.swift: the JSON that
# `survmeta km|cox|logrank FILE … --format json` must print, computed by R's survival package.
#
# Produced with R 4.2.2 and survival 3.5-3:
#   cd Tests/SurvmetaCLITests/Fixtures/survival && Rscript survival_cli_fixtures.R
#
# Writes
#   - the IPD inputs: aml.csv, lung.csv, veteran.csv (R's datasets aml, lung with complete ph.ecog,
#     veteran) and the hand-made no_events.csv (arm B has no events) and ties.csv (many tied times);
#   - cases.csv: case, command-line arguments (space separated, run in this folder), the R call;
#   - expected.csv: case, JSON path, kind (num, int, str, bool), value. Numbers are sprintf("%.17g");
#     NA where R has no finite value (JSON null).
#
# The R calls behind each JSON field:
#   km      survfit(Surv(time, event) ~ 1, conf.type = ct, conf.int = level) per group
#             n, events                 fit$n, sum(fit$n.event)
#             median, median_ci_*       survival:::survmean(fit, rmean = "none")  (= print(fit))
#             rmst, rmst_se             survival:::survmean(survfit(… ~ arm), rmean = tau), or
#                                       rmean = "common" without --tau (= print(fit, rmean = …))
#             surv[] with --times       summary(fit, times = tt, extend = TRUE): time, surv, std.err
#                                       (SE of S), lower, upper, n.risk, n.event, n.censor
#             surv[] without --times    every step: fit$time, surv, std.err * surv (SE of S),
#                                       lower, upper, n.risk, n.event, n.censor
#   cox     coxph(Surv(time, event) ~ arm [+ covariates] [+ strata(s)], ties = t), with arm a
#           factor whose levels are sorted (reference first, relevel() for --ref); summary(fit)
#   logrank survdiff(Surv(time, event) ~ arm [+ strata(s)])
suppressPackageStartupMessages(library(survival))
stopifnot(packageVersion("survival") == "3.5.3")

num <- function(x) ifelse(is.finite(x), sprintf("%.17g", x), "NA")
sorted <- function(x) sort(unique(x), method = "radix")   # code-point order, as SurvMeta sorts labels

# ---- IPD inputs --------------------------------------------------------------------------------
write_ipd <- function(d, file) {
  out <- d
  for (col in names(out)) if (is.numeric(out[[col]])) out[[col]] <- num(out[[col]])
  write.csv(out, file, row.names = FALSE, quote = FALSE)
}
data <- list()
data$aml <- with(aml, data.frame(time = time, event = status, arm = as.character(x)))
lung2 <- lung[!is.na(lung$ph.ecog), ]
data$lung <- with(lung2, data.frame(time = time, event = status - 1,
                                    arm = ifelse(sex == 1, "male", "female"),
                                    age = age, ph_ecog = ph.ecog))
data$veteran <- with(veteran, data.frame(time = time, event = status,
                                         celltype = as.character(celltype),
                                         trt = ifelse(trt == 1, "standard", "test"), karno = karno))
data$no_events <- data.frame(time = c(1, 2, 2, 4, 5, 6, 3, 5, 7, 8, 9),
                             event = c(1, 1, 1, 0, 1, 1, 0, 0, 0, 0, 0),
                             arm = c(rep("A", 6), rep("B", 5)))
data$ties <- data.frame(time = c(1, 1, 1, 2, 2, 3, 3, 3, 3, 4, 5, 5, 6, 6, 6),
                        event = c(1, 1, 0, 1, 1, 1, 0, 1, 1, 0, 1, 1, 1, 0, 0),
                        arm = c("A", "B", "A", "B", "B", "A", "A", "B", "A", "B", "A", "B", "A", "B", "A"))
for (name in names(data)) write_ipd(data[[name]], paste0(name, ".csv"))

# ---- collecting expectations -------------------------------------------------------------------
cases <- list(); expected <- list()
add_case <- function(case, arguments, r_call) {
  cases[[length(cases) + 1]] <<- data.frame(case = case, arguments = arguments, r_call = r_call)
}
put <- function(case, path, kind, value) {
  value <- switch(kind, num = num(value), int = as.character(value), str = value,
                  bool = ifelse(value, "true", "false"))
  expected[[length(expected) + 1]] <<- data.frame(case = case, path = path, kind = kind, value = value)
}

# ---- km ----------------------------------------------------------------------------------------
km_case <- function(case, file, by = NULL, times = NULL, tau = NULL, conf_type = "log", level = 0.95) {
  d <- data[[file]]
  args <- paste0("km ", file, ".csv")
  if (!is.null(by)) args <- paste(args, "--by", by)
  if (!is.null(times)) args <- paste(args, "--times", paste(times, collapse = ","))
  if (!is.null(tau)) args <- paste(args, "--tau", tau)
  if (conf_type != "log") args <- paste(args, "--conf-type", conf_type)
  if (level != 0.95) args <- paste(args, "--level", level)
  args <- paste(args, "--format json")
  rmean <- if (is.null(tau)) "common" else tau
  if (is.null(by)) {
    labels <- "all"
    whole <- survfit(Surv(time, event) ~ 1, data = d, conf.type = conf_type, conf.int = level)
    rm <- survival:::survmean(whole, rmean = rmean)$matrix
    rm <- matrix(rm, nrow = 1, dimnames = list(NULL, names(rm)))
  } else {
    labels <- sorted(d[[by]])
    d$g <- factor(d[[by]], levels = labels)
    whole <- survfit(Surv(time, event) ~ g, data = d, conf.type = conf_type, conf.int = level)
    rm <- survival:::survmean(whole, rmean = rmean)$matrix
  }
  add_case(case, args, sprintf("survfit(Surv(time, event) ~ %s, conf.type = \"%s\", conf.int = %s); rmean = %s%s",
                               if (is.null(by)) "1" else by, conf_type, level, rmean,
                               if (is.null(times)) "" else paste0("; summary(fit, times = c(", paste(times, collapse = ", "), "), extend = TRUE)")))
  put(case, "conf_type", "str", conf_type)
  put(case, "level", "num", level)
  for (i in seq_along(labels)) {
    dg <- if (is.null(by)) d else d[d[[by]] == labels[i], ]
    fit <- survfit(Surv(time, event) ~ 1, data = dg, conf.type = conf_type, conf.int = level)
    p <- sprintf("groups[%d].", i - 1)
    m <- survival:::survmean(fit, rmean = "none")$matrix
    put(case, paste0(p, "group"), "str", labels[i])
    put(case, paste0(p, "n"), "int", fit$n)
    put(case, paste0(p, "events"), "int", sum(fit$n.event))
    put(case, paste0(p, "median"), "num", m[["median"]])
    put(case, paste0(p, "median_ci_low"), "num", m[[6]])
    put(case, paste0(p, "median_ci_high"), "num", m[[7]])
    put(case, paste0(p, "rmst"), "num", rm[i, "rmean"])
    put(case, paste0(p, "rmst_se"), "num", rm[i, "se(rmean)"])
    if (is.null(times)) {
      rows <- data.frame(time = fit$time, surv = fit$surv, se = fit$std.err * fit$surv,
                         ci_low = fit$lower, ci_high = fit$upper, nrisk = fit$n.risk,
                         n_event = fit$n.event, n_censor = fit$n.censor)
    } else {
      s <- summary(fit, times = times, extend = TRUE)
      rows <- data.frame(time = s$time, surv = s$surv, se = s$std.err, ci_low = s$lower,
                         ci_high = s$upper, nrisk = s$n.risk, n_event = s$n.event, n_censor = s$n.censor)
    }
    for (k in seq_len(nrow(rows))) {
      q <- sprintf("%ssurv[%d].", p, k - 1)
      for (f in c("time", "surv", "se", "ci_low", "ci_high")) put(case, paste0(q, f), "num", rows[k, f])
      for (f in c("nrisk", "n_event", "n_censor")) put(case, paste0(q, f), "int", rows[k, f])
    }
  }
}
km_case("km_aml_times", "aml", by = "arm", times = c(0, 5, 12, 30, 48, 100, 200))
km_case("km_aml_tau_loglog", "aml", by = "arm", tau = 250, conf_type = "log-log", level = 0.9)
km_case("km_aml_pooled_plain", "aml", conf_type = "plain")
km_case("km_no_events", "no_events", by = "arm", times = c(1, 3, 6, 10))
km_case("km_lung", "lung", by = "arm", times = c(0, 100, 365, 730, 1100), tau = 730)

# ---- cox ---------------------------------------------------------------------------------------
cox_case <- function(case, file, by = "arm", ref = NULL, ties = "efron", covariates = character(0),
                     strata = NULL) {
  d <- data[[file]]
  levels <- sorted(d[[by]])
  if (!is.null(ref)) levels <- c(ref, setdiff(levels, ref))
  d[[by]] <- factor(d[[by]], levels = levels)
  terms <- c(by, covariates, if (!is.null(strata)) sprintf("strata(%s)", strata))
  f <- as.formula(paste("Surv(time, event) ~", paste(terms, collapse = " + ")))
  args <- paste0("cox ", file, ".csv --by ", by)
  if (!is.null(ref)) args <- paste(args, "--ref", ref)
  if (ties != "efron") args <- paste(args, "--ties", ties)
  if (length(covariates)) args <- paste(args, "--covariates", paste(covariates, collapse = ","))
  if (!is.null(strata)) args <- paste(args, "--strata", strata)
  args <- paste(args, "--format json")
  add_case(case, args, sprintf("coxph(%s, ties = \"%s\"), %s levels %s", deparse(f), ties, by, paste(levels, collapse = " < ")))
  fit <- coxph(f, data = d, ties = ties)
  s <- summary(fit)
  cf <- s$coefficients; ci <- s$conf.int
  df <- length(fit$coefficients)
  put(case, "term", "str", rownames(cf)[1])
  put(case, "hr", "num", cf[1, "exp(coef)"])
  put(case, "hr_ci_low", "num", ci[1, 3])
  put(case, "hr_ci_high", "num", ci[1, 4])
  put(case, "loghr", "num", cf[1, "coef"])
  put(case, "se", "num", cf[1, "se(coef)"])
  put(case, "z", "num", cf[1, "z"])
  put(case, "p_wald", "num", cf[1, "Pr(>|z|)"])
  put(case, "lr_chisq", "num", s$logtest[["test"]])
  put(case, "score_chisq", "num", s$sctest[["test"]])
  put(case, "reference", "str", levels[1])
  put(case, "ties", "str", ties)
  put(case, "n", "int", fit$n)
  put(case, "events", "int", fit$nevent)
  put(case, "iterations", "int", fit$iter)
  put(case, "converged", "bool", TRUE)
  put(case, "loglik_null", "num", fit$loglik[1])
  put(case, "loglik", "num", fit$loglik[2])
  put(case, "tests.likelihood_ratio.chisq", "num", s$logtest[["test"]])
  put(case, "tests.likelihood_ratio.df", "int", df)
  put(case, "tests.likelihood_ratio.p", "num", s$logtest[["pvalue"]])
  put(case, "tests.wald.chisq", "num", fit$wald.test)
  put(case, "tests.wald.df", "int", df)
  put(case, "tests.wald.p", "num", pchisq(fit$wald.test, df, lower.tail = FALSE))
  put(case, "tests.score.chisq", "num", fit$score)
  put(case, "tests.score.df", "int", df)
  put(case, "tests.score.p", "num", s$sctest[["pvalue"]])
  for (j in seq_len(nrow(cf))) {
    q <- sprintf("coefficients[%d].", j - 1)
    put(case, paste0(q, "name"), "str", rownames(cf)[j])
    put(case, paste0(q, "loghr"), "num", cf[j, "coef"])
    put(case, paste0(q, "se"), "num", cf[j, "se(coef)"])
    put(case, paste0(q, "z"), "num", cf[j, "z"])
    put(case, paste0(q, "p"), "num", cf[j, "Pr(>|z|)"])
    put(case, paste0(q, "hr"), "num", cf[j, "exp(coef)"])
    put(case, paste0(q, "hr_ci_low"), "num", ci[j, 3])
    put(case, paste0(q, "hr_ci_high"), "num", ci[j, 4])
  }
}
cox_case("cox_aml_efron", "aml")
cox_case("cox_aml_breslow", "aml", ties = "breslow")
cox_case("cox_aml_ref", "aml", ref = "Nonmaintained")
cox_case("cox_ties_efron", "ties")
cox_case("cox_ties_breslow", "ties", ties = "breslow")
cox_case("cox_lung_covariates", "lung", covariates = c("age", "ph_ecog"))
cox_case("cox_veteran_ref", "veteran", by = "celltype", ref = "squamous")
cox_case("cox_veteran_strata_breslow", "veteran", by = "celltype", strata = "trt", ties = "breslow", covariates = "karno")

# ---- logrank -----------------------------------------------------------------------------------
logrank_case <- function(case, file, by = "arm", strata = NULL) {
  d <- data[[file]]
  d[[by]] <- factor(d[[by]], levels = sorted(d[[by]]))
  terms <- c(by, if (!is.null(strata)) sprintf("strata(%s)", strata))
  f <- as.formula(paste("Surv(time, event) ~", paste(terms, collapse = " + ")))
  args <- paste0("logrank ", file, ".csv --by ", by)
  if (!is.null(strata)) args <- paste(args, "--strata", strata)
  args <- paste(args, "--format json")
  add_case(case, args, sprintf("survdiff(%s)", deparse(f)))
  sd <- survdiff(f, data = d)
  obs <- if (is.matrix(sd$obs)) rowSums(sd$obs) else sd$obs
  ex <- if (is.matrix(sd$exp)) rowSums(sd$exp) else sd$exp
  v <- diag(sd$var)
  put(case, "chisq", "num", sd$chisq)
  put(case, "df", "int", sum(ex > 0) - 1)
  put(case, "p", "num", sd$pvalue)
  labels <- levels(d[[by]])
  for (i in seq_along(labels)) {
    q <- sprintf("groups[%d].", i - 1)
    put(case, paste0(q, "group"), "str", labels[i])
    put(case, paste0(q, "n"), "int", as.vector(sd$n)[i])
    put(case, paste0(q, "observed"), "num", obs[i])
    put(case, paste0(q, "expected"), "num", ex[i])
    put(case, paste0(q, "o_minus_e"), "num", obs[i] - ex[i])
    put(case, paste0(q, "variance"), "num", v[i])
    put(case, paste0(q, "oe2_over_e"), "num", (obs[i] - ex[i])^2 / ex[i])
    put(case, paste0(q, "oe2_over_v"), "num", (obs[i] - ex[i])^2 / v[i])
  }
}
logrank_case("logrank_aml", "aml")
logrank_case("logrank_no_events", "no_events")
logrank_case("logrank_veteran", "veteran", by = "celltype")
logrank_case("logrank_veteran_strata", "veteran", by = "celltype", strata = "trt")

write.csv(do.call(rbind, cases), "cases.csv", row.names = FALSE, quote = TRUE)
write.csv(do.call(rbind, expected), "expected.csv", row.names = FALSE, quote = TRUE)
