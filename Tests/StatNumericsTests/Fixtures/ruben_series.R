# Reference distribution function of a positive weighted sum of independent chi-square(1) variables,
#   Q = sum_j lambda_j X_j,  X_j ~ chi^2_1,  lambda_j > 0,
# by Ruben's (1962) mixture representation, the method behind Farebrother's AS 204 (1984):
#   P(Q <= q) = sum_{k >= 0} a_k * pchisq(q / beta, n + 2k),   beta = min(lambda),
#   a_0 = prod_j sqrt(beta / lambda_j),  g_m = (1/2) sum_j (1 - beta / lambda_j)^m,
#   a_k = (1/k) sum_{r=0}^{k-1} g_{k-r} a_r.
# Every a_k >= 0 and sum_k a_k = 1, so the truncation error after K terms is at most
# R = (1 - sum_{k<=K} a_k) * pchisq(q / beta, n + 2K + 2) for the lower tail. The upper tail is
# summed directly (sum_{k<=K} a_k * pchisq(q / beta, n + 2k, lower.tail = FALSE)) rather than as
# 1 - lower, plus the unsummed mass 1 - sum_{k<=K} a_k, which all but R of belongs to it; so both
# tails are within R, and the loop stops when R < 1e-17.
#
# This is written for the SurvMeta fixtures (CompQuadForm, which metafor calls for these
# probabilities, is not packaged for Debian 12 and CRAN is not reachable here). It is checked in
# weighted_chisq.R against exact chi-square values (equal weights), an independent numerical
# convolution (two weights) and Imhof's (1961) inversion integral.
ruben_cdf <- function(q, lambda, max_terms = 200000L) {
  stopifnot(all(lambda > 0), length(q) == 1)
  n <- length(lambda)
  if (q <= 0) return(c(lower = 0, upper = 1, terms = 0))
  beta <- min(lambda)
  y <- q / beta
  gam <- 1 - beta / lambda
  gam <- gam[gam > 0]
  # a_k kept as exp(log_scale) * a[k + 1] so that a_0 can underflow safely.
  log_scale <- 0.5 * sum(log(beta / lambda))
  a <- numeric(1024); a[1] <- 1
  g <- numeric(1024)
  pw <- gam
  lower <- pchisq(y, n); upper <- pchisq(y, n, lower.tail = FALSE)
  mass <- 1
  k <- 0L
  repeat {
    rest <- max(0, 1 - exp(log_scale) * mass)
    if (rest * pchisq(y, n + 2 * k + 2) < 1e-17) break
    if (k >= max_terms) stop("ruben_cdf: no convergence within max_terms")
    k <- k + 1L
    if (k > length(a)) { a <- c(a, numeric(length(a))); g <- c(g, numeric(length(g))) }
    g[k] <- 0.5 * sum(pw); pw <- pw * gam
    ak <- sum(g[k:1] * a[1:k]) / k
    a[k + 1] <- ak
    mass <- mass + ak
    lower <- lower + ak * pchisq(y, n + 2 * k)
    upper <- upper + ak * pchisq(y, n + 2 * k, lower.tail = FALSE)
    if (mass > 1e250) {  # rescale
      a[1:(k + 1)] <- a[1:(k + 1)] * 1e-250
      mass <- mass * 1e-250; lower <- lower * 1e-250; upper <- upper * 1e-250
      log_scale <- log_scale + 250 * log(10)
    }
  }
  s <- exp(log_scale)
  rest <- max(0, 1 - s * mass)
  c(lower = min(1, lower * s), upper = min(1, upper * s + rest), terms = k)
}
