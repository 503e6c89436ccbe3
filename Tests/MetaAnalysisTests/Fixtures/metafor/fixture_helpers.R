# Shared helpers for the metafor golden-fixture scripts in this folder
# (pool_fixtures.R, sensitivity_fixtures.R, proportion_fixtures.R).
#
# R 4.2.2 (2022-11-10 r83330, Debian bookworm r-base-core 4.2.2.20221110-2),
# metafor 3.8-1, metadat 1.2-0.
#
# CSV conventions (read by TestSupport's FixtureTable):
#   * header row, no row names, one record per line;
#   * every number written with sprintf("%.17g", x) (round-trip exact);
#   * NA (and NaN) written as NA; +/-Inf written as Inf / -Inf;
#   * strings quoted only when they contain a comma; newlines and double quotes
#     inside strings are replaced by a space and a single quote.

suppressPackageStartupMessages(library(metafor))

stopifnot(as.character(packageVersion("metafor")) == "3.8.1")

fmt_num <- function(x) {
  x <- as.numeric(x)
  out <- sprintf("%.17g", x)
  out[is.na(x)] <- "NA"
  out
}

fmt_str <- function(x) {
  x <- as.character(x)
  x <- gsub("[\r\n]+", " ", x)
  x <- gsub("\"", "'", x, fixed = TRUE)
  x <- gsub("[[:space:]]+", " ", x)
  x <- trimws(x)
  miss <- is.na(x)
  needs <- !miss & grepl(",", x, fixed = TRUE)
  x[needs] <- paste0("\"", x[needs], "\"")
  x[miss] <- "NA"
  x
}

write_fixture <- function(df, file) {
  df <- as.data.frame(df, stringsAsFactors = FALSE)
  cols <- lapply(df, function(col) {
    if (is.factor(col)) col <- as.character(col)
    if (is.logical(col)) return(ifelse(is.na(col), "NA", ifelse(col, "TRUE", "FALSE")))
    if (is.numeric(col)) return(fmt_num(col))
    fmt_str(col)
  })
  lines <- c(paste(names(df), collapse = ","),
             if (nrow(df) > 0) do.call(paste, c(cols, sep = ",")) else character(0))
  writeLines(lines, file, useBytes = TRUE)
  invisible(file)
}

# Row-bind a list of one-row data frames that may have different columns.
bind_rows_fill <- function(rows) {
  rows <- Filter(Negate(is.null), rows)
  if (length(rows) == 0) return(data.frame())
  allcols <- unique(unlist(lapply(rows, names)))
  rows <- lapply(rows, function(r) {
    for (cc in setdiff(allcols, names(r))) r[[cc]] <- NA
    r[allcols]
  })
  do.call(rbind, rows)
}

# Evaluate expr, collecting warnings (returned with the value) and errors.
capture <- function(expr) {
  warns <- character(0)
  val <- withCallingHandlers(
    tryCatch(expr, error = function(e) e),
    warning = function(w) {
      warns <<- c(warns, conditionMessage(w))
      invokeRestart("muffleWarning")
    })
  list(value = val, error = if (inherits(val, "error")) conditionMessage(val) else NA_character_,
       warnings = if (length(warns)) paste(unique(gsub("[\r\n]+", " ", warns)), collapse = " | ") else NA_character_)
}

num_or_na <- function(x) if (is.null(x) || length(x) == 0) NA_real_ else as.numeric(x[1])

# One row of rma_uni.csv-style output for an rma.uni fit `res` (see pool_fixtures.R for the
# meaning of every column). Q-profile CIs from confint(res, type = "QP", control = list(tol = 1e-12)).
pool_row <- function(res, dname, M, T, L, warns, ci_ctrl = list(tol = 1e-12)) {
    k <- res$k
    riley_diff <- 0
    pr <- capture(predict(res))
    pi_low <- num_or_na(pr$value$pi.lb); pi_high <- num_or_na(pr$value$pi.ub)
    prr <- capture(predict(res, pi.type = "riley"))
    pr_low <- num_or_na(prr$value$pi.lb); pr_high <- num_or_na(prr$value$pi.ub)

    est <- as.numeric(res$beta); se <- res$se; tau2 <- res$tau2
    is_fixed <- M %in% c("EE", "FE")
    if (k >= 3 && !is_fixed) {
      crit <- qt(1 - (1 - L) / 2, k - 2)
      pit_low <- est - crit * sqrt(tau2 + se^2); pit_high <- est + crit * sqrt(tau2 + se^2)
      riley_diff <- max(abs(pit_low - pr_low), abs(pit_high - pr_high))
    } else {
      pit_low <- NA_real_; pit_high <- NA_real_
      pr_low <- NA_real_; pr_high <- NA_real_
    }

    ci <- capture(confint(res, type = "QP", control = ci_ctrl))
    tci <- rep(NA_real_, 2); ici <- rep(NA_real_, 2); hci <- rep(NA_real_, 2)
    lbs <- NA_character_; ubs <- NA_character_; cinull <- NA; cinote <- NA_character_
    if (is.na(ci$error)) {
      rr <- ci$value$random
      tci <- rr["tau^2", c("ci.lb", "ci.ub")]
      ici <- rr["I^2(%)", c("ci.lb", "ci.ub")]
      hci <- rr["H^2", c("ci.lb", "ci.ub")]
      lbs <- ci$value$lb.sign; ubs <- ci$value$ub.sign; cinull <- ci$value$ci.null
      if (!is.na(ci$warnings)) cinote <- ci$warnings
    } else {
      cinote <- ci$error
    }

    row <- data.frame(
      dataset = dname, method = M, test = T, level = L, k = k,
      estimate = est, se = se, stat = res$zval, p = res$pval,
      df = if (res$test == "z") NA_real_ else as.numeric(res$ddf),
      ci_low = res$ci.lb, ci_high = res$ci.ub, pi_low = pi_low, pi_high = pi_high,
      tau2 = tau2, tau2_se = num_or_na(res$se.tau2), tau = sqrt(tau2),
      i2 = num_or_na(res$I2), h2 = num_or_na(res$H2),
      q = num_or_na(res$QE), q_df = k - res$p, q_p = num_or_na(res$QEp),
      tau2_ci_low = tci[1], tau2_ci_high = tci[2], i2_ci_low = ici[1], i2_ci_high = ici[2],
      h2_ci_low = hci[1], h2_ci_high = hci[2],
      iterations = NA_real_, pi_t_low = pit_low, pi_t_high = pit_high,
      genq_tau2_ci_low = NA_real_, genq_tau2_ci_high = NA_real_,
      pi_riley_low = pr_low, pi_riley_high = pr_high,
      tau2_ci_lb_sign = ifelse(is.na(lbs) | lbs == "", NA, lbs),
      tau2_ci_ub_sign = ifelse(is.na(ubs) | ubs == "", NA, ubs),
      tau2_ci_null = cinull, test_used = res$test, s2w = res$s2w,
      ll_ml = res$fit.stats["ll", "ML"], ll_reml = res$fit.stats["ll", "REML"],
      vt = num_or_na(res$vt), warnings = warns, ci_note = cinote,
      stringsAsFactors = FALSE)

    list(row = row, riley_diff = riley_diff)
}
