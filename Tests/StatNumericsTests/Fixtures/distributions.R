# Reference values for StatNumerics' special functions and distributions.
#
# Generated with R 4.2.2 (base `stats`, no add-on packages):
#   Rscript Tests/StatNumericsTests/Fixtures/distributions.R
# run from the repository root; it writes Tests/StatNumericsTests/Fixtures/distributions.csv.
#
# Columns: fn (the R function), arg1, arg2 (its parameters: df, df1/df2, shape a/b, mean/sd; NA
# when unused), x (the quantile, or the probability for q* functions), lower_tail (TRUE/FALSE, NA
# for functions without tails), value (printed with sprintf("%.17g")), r_q (for qt, qchisq and qf:
# R's own q*() result, see refine_quantile below; NA elsewhere). qnorm values are R's qnorm itself.
# Calls used: pnorm, qnorm, pt, qt, pchisq, qchisq, pf, qf, lgamma, pgamma, pbeta, digamma,
# trigamma, lbeta, each as fn(x, arg1[, arg2], lower.tail = lower_tail) (lbeta(arg1, arg2)).

out <- file.path(dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE))),
                 "distributions.csv")
rows <- list()
add <- function(fn, arg1, arg2, x, lower, value) {
  rows[[length(rows) + 1]] <<- data.frame(fn = fn, arg1 = arg1, arg2 = arg2, x = x,
                                          lower_tail = lower, value = value, r_q = NA)
}
fmt <- function(v) ifelse(is.na(v) & !is.nan(v), "NA", sprintf("%.17g", v))

# Reference quantiles. R 4.2.2's own qt, qchisq and qf are accurate in most places but not all:
# qf (through qbeta) returns 0 or loses digits deep in the lower tail (qf(1e-10, 2, 2) gives
# 1.0000000827e-10; the exact value is p/(1 - p)), and qt loses digits for df < 1 (qt(1e-10, 0.5,
# lower.tail = FALSE) is off by 1.5e-6 relative). So each reference quantile is the root of
# log p*(q) = log p found here in R, using R's accurate p* and d* functions: a bracket on log|q|
# around R's q*() value, uniroot() to 1e-15, then Newton steps on the log-log scale while they
# shrink |log p*(q) - log p|. R's own q*() result is kept in the column r_q for comparison.
# For p > 1/2 the complementary tail 1 - p (exact in double precision) is solved instead.
refine_quantile <- function(q0, p, lower, ptail, dens, symmetric = FALSE) {
  if (p > 0.5) { p <- 1 - p; lower <- !lower }
  sign <- 1
  if (symmetric) {
    # solve P(T > s) = p for s > 0, then q = -s (lower tail) or s (upper tail)
    if (p == 0.5) return(0)
    sign <- if (lower) -1 else 1
    lower <- FALSE
  }
  # a lower-tail quantile below the smallest normal double is reported as 0 (as R's q* do)
  if (!symmetric && lower && ptail(.Machine$double.xmin, lower.tail = TRUE) >= p) return(0)
  f <- function(lq) ptail(exp(lq), lower.tail = lower, log.p = TRUE) - log(p)
  start <- if (is.finite(q0) && q0 != 0) log(abs(q0)) else 0
  lo <- start; hi <- start; step <- 1
  up <- function(v) if (lower) v < 0 else v > 0     # root lies above this point
  while (up(f(hi))) { hi <- hi + step; step <- step * 2 }
  step <- 1
  while (!up(f(lo))) { lo <- lo - step; step <- step * 2 }
  lq <- uniroot(f, c(lo, hi), tol = 1e-15 * max(1, abs(start)), maxiter = 2000)$root
  for (i in 1:10) {
    x <- exp(lq)
    g <- f(lq)
    slope <- (if (lower) 1 else -1) * exp(dens(x, log = TRUE) + lq - ptail(x, lower.tail = lower, log.p = TRUE))
    nxt <- lq - g / slope
    if (!is.finite(nxt) || abs(f(nxt)) >= abs(g)) break
    lq <- nxt
  }
  sign * exp(lq)
}
add_q <- function(fn, arg1, arg2, ps, lower, qfun, ptail, dens, symmetric = FALSE) {
  r_q <- qfun(ps, lower.tail = lower)
  # (bracket expansion may step where the tail is 0, so log p* is -Inf: uniroot warns and copes)
  ref <- suppressWarnings(mapply(function(q0, p) refine_quantile(q0, p, lower, ptail, dens, symmetric),
                                 r_q, ps))
  # check: the residual of p*(q) = p, converted to a relative error in q through the log-log
  # slope |d log P / d log q|, is below 1e-13 (the relative accuracy the fixture promises)
  small <- pmin(ps, 1 - ps)
  tail_lower <- ifelse(ps <= 0.5, lower, !lower)
  achieved <- mapply(function(q, l) ptail(q, lower.tail = l, log.p = TRUE), ref, tail_lower)
  slope <- exp(mapply(function(q) dens(q, log = TRUE), ref) + log(abs(ref)) - achieved)
  qerr <- abs(achieved - log(small)) / slope
  bad <- qerr > 1e-13 & ref != 0
  if (any(bad)) stop(sprintf("%s(%s, %s): relative error %.3g at p = %s", fn, arg1, arg2,
                             max(qerr[bad]), paste(ps[bad], collapse = " ")))
  rows[[length(rows) + 1]] <<- data.frame(fn = fn, arg1 = arg1, arg2 = arg2, x = ps,
                                          lower_tail = lower, value = ref, r_q = r_q)
}

# Probabilities for the quantile functions: far lower tail, body, and their mirror images.
probs <- c(1e-300, 1e-200, 1e-100, 1e-50, 1e-20, 1e-10, 1e-6, 1e-3, 0.01, 0.025, 0.05, 0.1,
           0.2, 0.25, 0.3, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7, 0.75, 0.8, 0.9, 0.95, 0.975, 0.99,
           0.999, 1 - 1e-6)
probs_short <- c(1e-100, 1e-50, 1e-20, 1e-10, 1e-6, 1e-3, 0.01, 0.025, 0.05, 0.1, 0.25, 0.4,
                 0.5, 0.6, 0.75, 0.9, 0.95, 0.975, 0.99, 0.999, 1 - 1e-6)

## Normal
zs <- c(-37.5, -37, -35, -30, -25, -20, -15, -10, -8, -6, -5, -4, -3, -2.5, -2, -1.96, -1.5, -1,
        -0.5, -0.1, -1e-5, 0, 1e-5, 0.1, 0.5, 1, 1.5, 1.96, 2, 2.5, 3, 4, 5, 6, 8, 10, 15, 20, 30,
        37.5)
for (lt in c(TRUE, FALSE)) {
  add("pnorm", 0, 1, zs, lt, pnorm(zs, 0, 1, lower.tail = lt))
  add("pnorm", 1.5, 2, zs * 2 + 1.5, lt, pnorm(zs * 2 + 1.5, 1.5, 2, lower.tail = lt))
  add("qnorm", 0, 1, probs, lt, qnorm(probs, 0, 1, lower.tail = lt))
  add("qnorm", -1, 0.5, probs_short, lt, qnorm(probs_short, -1, 0.5, lower.tail = lt))
}

## Student t
ts <- c(-1e10, -1e5, -100, -30, -10, -5, -3, -2, -1.5, -1, -0.5, -0.1, -1e-3, 0, 1e-3, 0.1, 0.5, 1,
        1.5, 2, 3, 5, 10, 30, 100, 1e5, 1e10)
for (df in c(0.5, 1, 2, 3, 4.5, 10, 30, 100, 1e6)) {
  for (lt in c(TRUE, FALSE)) {
    add("pt", df, NA, ts, lt, pt(ts, df, lower.tail = lt))
    add_q("qt", df, NA, probs_short, lt, function(p, ...) qt(p, df, ...),
          function(x, ...) pt(x, df, ...), function(x, ...) dt(x, df, ...), symmetric = TRUE)
  }
}

## Chi-square: points at the R quantiles of a probability grid, so both tails are reached.
for (df in c(0.5, 1, 2, 3, 5, 10, 50, 100, 1000, 1e6)) {
  xs <- unique(signif(c(qchisq(c(1e-100, 1e-20, 1e-8, 1e-3, 0.1, 0.5), df),
                        qchisq(c(1e-300, 1e-100, 1e-20, 1e-8, 1e-3, 0.1, 0.5), df, lower.tail = FALSE),
                        df * c(0.01, 0.5, 0.9, 1, 1.1, 2, 10)), 8))
  for (lt in c(TRUE, FALSE)) {
    add("pchisq", df, NA, xs, lt, pchisq(xs, df, lower.tail = lt))
    add_q("qchisq", df, NA, probs_short, lt, function(p, ...) qchisq(p, df, ...),
          function(x, ...) pchisq(x, df, ...), function(x, ...) dchisq(x, df, ...))
  }
}

## F
for (d in list(c(1, 1), c(1, 10), c(2, 2), c(3, 7), c(0.5, 4), c(5, 20), c(10, 10), c(20, 5),
               c(100, 100), c(10, 1e6), c(1e6, 10))) {
  xs <- unique(signif(c(qf(c(1e-100, 1e-20, 1e-8, 1e-3, 0.1, 0.5), d[1], d[2]),
                        qf(c(1e-100, 1e-20, 1e-8, 1e-3, 0.1), d[1], d[2], lower.tail = FALSE),
                        c(0.01, 0.5, 1, 2, 10)), 8))
  for (lt in c(TRUE, FALSE)) {
    add("pf", d[1], d[2], xs, lt, pf(xs, d[1], d[2], lower.tail = lt))
    add_q("qf", d[1], d[2], probs_short, lt, function(p, ...) qf(p, d[1], d[2], ...),
          function(x, ...) pf(x, d[1], d[2], ...), function(x, ...) df(x, d[1], d[2], ...))
  }
}

## log-gamma
gx <- c(1e-300, 1e-100, 1e-10, 1e-5, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 1 - 1e-6, 1 + 1e-6,
        1.1, 1.25, 1.4616321449683623, 1.5, 1.75, 1.9, 2 - 1e-6, 2 + 1e-6, 2.1, 2.5, 3, 3.5, 4.25,
        5, 7.7, 9.99, 10, 10.01, 12.5, 15, 20, 33.3, 50, 100, 171.5, 1e3, 1e4, 1e5, 1e10, 1e20,
        1e100, 1e300, -1e-10, -0.5, -1.5, -3.7, -10.3, -33.3, -100.7, -1000.25)
add("lgamma", NA, NA, gx, NA, lgamma(gx))

## regularized incomplete gamma P(a, x) = pgamma(x, a)
for (a in c(1e-10, 1e-3, 0.1, 0.5, 1, 2.5, 10, 30, 100, 1e3, 1e5, 5e5, 1e10)) {
  xs <- unique(signif(c(qgamma(c(1e-100, 1e-20, 1e-8, 1e-3, 0.1, 0.5), a),
                        qgamma(c(1e-300, 1e-100, 1e-20, 1e-8, 1e-3, 0.1), a, lower.tail = FALSE),
                        a * c(0.5, 0.9, 1, 1.1, 2), c(1e-3, 0.5, 1, 1.5, 2)), 8))
  xs <- xs[xs > 0]
  for (lt in c(TRUE, FALSE)) add("pgamma", a, NA, xs, lt, pgamma(xs, a, lower.tail = lt))
}

## regularized incomplete beta I_x(a, b) = pbeta(x, a, b)
bx <- c(1e-300, 1e-100, 1e-20, 1e-10, 1e-5, 1e-3, 0.01, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7,
        0.8, 0.9, 0.95, 0.99, 0.999, 1 - 1e-5, 1 - 1e-10)
for (ab in list(c(0.5, 0.5), c(1, 1), c(2, 3), c(0.1, 10), c(10, 0.1), c(0.01, 0.02), c(50, 50),
                c(100, 0.5), c(0.5, 100), c(1e3, 1e3), c(2e3, 30), c(5e5, 0.5), c(1e5, 1e5))) {
  # add points around the mean for the concentrated large-parameter cases
  m <- ab[1] / sum(ab)
  s <- sqrt(ab[1] * ab[2] / (sum(ab)^2 * (sum(ab) + 1)))
  xs <- c(bx, m + s * c(-20, -5, -2, -1, 0, 1, 2, 5))
  xs <- unique(xs[xs > 0 & xs < 1])
  for (lt in c(TRUE, FALSE)) add("pbeta", ab[1], ab[2], xs, lt, pbeta(xs, ab[1], ab[2], lower.tail = lt))
}

## log-beta (x unused)
lb <- rbind(c(1e-10, 1), c(1e-3, 0.5), c(0.5, 0.5), c(1, 1), c(2, 3), c(0.1, 10), c(10, 0.1),
            c(3.5, 7.25), c(9.99, 10.01), c(12, 30), c(50, 50), c(100, 0.5), c(0.5, 100),
            c(1e3, 1e3), c(2e3, 30), c(1e5, 1e-3), c(5e5, 0.5), c(5e5, 5), c(1e6, 1e6),
            c(1e10, 5), c(1e10, 1e10), c(1e15, 0.5), c(1e300, 2))
add("lbeta", lb[, 1], lb[, 2], NA, NA, lbeta(lb[, 1], lb[, 2]))

## digamma, trigamma
px <- c(1e-10, 1e-3, 0.01, 0.1, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2, 2.5, 3, 4, 5, 7.5, 10,
        11.9, 12, 12.1, 15, 20, 50, 100, 1e3, 1e4, 1e6, 1e8, 1e12, 1e15, -0.5, -0.9, -1.5, -2.3,
        -3.75, -10.7, -20.2, -100.6, -1000.4)
add("digamma", NA, NA, px, NA, digamma(px))
add("trigamma", NA, NA, px, NA, trigamma(px))

tab <- do.call(rbind, rows)
csv <- data.frame(fn = tab$fn, arg1 = fmt(tab$arg1), arg2 = fmt(tab$arg2), x = fmt(tab$x),
                  lower_tail = ifelse(is.na(tab$lower_tail), "NA", ifelse(tab$lower_tail, "TRUE", "FALSE")),
                  value = fmt(tab$value), r_q = fmt(tab$r_q))
write.csv(csv, out, row.names = FALSE, quote = FALSE)
cat(sprintf("R %s: wrote %d rows to %s\n", paste(R.version$major, R.version$minor, sep = "."), nrow(csv), out))
