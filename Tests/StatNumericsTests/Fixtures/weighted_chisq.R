# Fixture for StatNumerics.WeightedChiSquare: P(Q <= q) and P(Q > q) for Q = sum_j lambda_j X_j,
# X_j independent chi-square(1), lambda_j > 0.
#
# R 4.2.2. Rerun from this folder:   Rscript weighted_chisq.R   -> weighted_chisq.csv
# Reference values come from ruben_series.R (Ruben's 1962 mixture series, the method of
# Farebrother's AS 204 as used by CompQuadForm::farebrother, which metafor calls; CompQuadForm
# itself is not installable here). Before writing anything this script checks that reference:
#   - equal weights: Q = lambda * chi-square(n), so the values must equal pchisq(q / lambda, n);
#   - two weights: an independent numerical convolution,
#       P(Q > q) = P(X_1 > q / l1) + int_0^sqrt(q / l1) 2 s dchisq(s^2, 1) P(X_2 > (q - l1 s^2) / l2) ds,
#     with integrate(rel.tol = 1e-13);
# and stops if either differs by more than 1e-12.
# Columns: case (weights set), n, q, lower, upper, terms (series terms used), weights (';'-joined).
source("ruben_series.R")

conv2 <- function(q, l1, l2) {
  g <- function(s) 2 * s * dchisq(s^2, 1) * pchisq((q - l1 * s^2) / l2, 1, lower.tail = FALSE)
  integrate(g, 0, sqrt(q / l1), rel.tol = 1e-13, abs.tol = 0)$value + pchisq(q / l1, 1, lower.tail = FALSE)
}
worst <- 0
for (n in c(1, 2, 3, 7, 40)) for (q in c(0.05, 1, 4, 25, 200)) {
  r <- ruben_cdf(q, rep(2.5, n))
  worst <- max(worst, abs(r["lower"] - pchisq(q / 2.5, n)), abs(r["upper"] - pchisq(q / 2.5, n, lower.tail = FALSE)))
}
for (l in list(c(0.3, 4), c(1, 1.0001), c(0.01, 50), c(7, 2))) for (q in c(0.01, 0.5, 3, 20, 150)) {
  r <- ruben_cdf(q, l)
  c2 <- conv2(q, max(l), min(l))
  worst <- max(worst, abs(r["upper"] - c2), abs(r["lower"] - (1 - c2)))
}
cat(sprintf("largest difference from the independent checks: %.3g\n", worst))
stopifnot(worst < 1e-12)

cases <- list(
  equal5      = rep(1.7, 5),
  two         = c(0.3, 4),
  three       = c(6, 3, 1),                         # Farebrother (1984) / Imhof (1961) test weights
  spread      = c(5, 2, 1, 0.5, 0.01),              # ratio 500
  wide        = c(1e3, 30, 1),                      # ratio 1000
  many        = seq(0.5, 3, length.out = 60)
)
set.seed(20261128)
cases$random12 <- rexp(12) + 0.05
rows <- list()
for (nm in names(cases)) {
  l <- cases[[nm]]
  m <- sum(l); s <- sqrt(2 * sum(l^2))
  for (q in sort(unique(signif(c(1e-3 * m, 0.1 * m, m - s, m, m + s, m + 3 * s, m + 8 * s), 10)))) {
    if (q <= 0) next
    r <- ruben_cdf(q, l)
    rows[[length(rows) + 1]] <- data.frame(case = nm, n = length(l), q = sprintf("%.17g", q),
      lower = sprintf("%.17g", r["lower"]), upper = sprintf("%.17g", r["upper"]), terms = r["terms"],
      weights = paste(sprintf("%.17g", l), collapse = ";"))
  }
}
out <- do.call(rbind, rows)
write.csv(out, "weighted_chisq.csv", row.names = FALSE, quote = TRUE)
cat(nrow(out), "rows written\n")
