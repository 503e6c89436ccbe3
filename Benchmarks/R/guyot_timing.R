# Timing anchor for reconstruction (issue #10): the Guyot et al. (2012, BMC Med Res Methodol 12:9)
# algorithm written in plain R, run on the four real digitized curves in ../shared/data/km-digitized.
#
# Why a stand-in: IPDfromKM and reconstructKM (the R packages the issue names) are not on Debian and
# CRAN is unreachable here. Both implement this same published algorithm (per risk-table interval:
# spread the censorings evenly, derive events from the drop of the curve, adjust the number censored
# until the next number at risk is met; last interval from the average censoring rate). IPDfromKM's
# getIPD() adds preprocessing and checks on top, so this plain version is, if anything, faster than
# the packages: a speed-up measured against it is a lower bound for the one against them.
# The code below is written from the paper's description for this benchmark only.
#
# Run:  Rscript guyot_timing.R     (R 4.2.2; base R and survival 3.5). Prints seconds per curve: the
# plain algorithm (median of 50 and a loop mean) and, in a loop, the algorithm with getIPD()'s outputs.
guyot <- function(t, s, trisk, nrisk) {
  o <- order(t); t <- pmax(0, t[o]); s <- cummin(pmin(1, pmax(0, s[o])))
  if (t[1] > 0) { t <- c(0, t); s <- c(1, s) }
  nint <- length(trisk)
  lower <- sapply(trisk, function(x) which(t >= x)[1])
  keep <- !is.na(lower); trisk <- trisk[keep]; nrisk <- nrisk[keep]; lower <- lower[keep]; nint <- length(trisk)
  upper <- c(lower[-1] - 1, length(t))
  nc <- integer(nint); d <- numeric(length(t)); ncen <- numeric(length(t))
  nhat <- numeric(length(t) + 1); km <- numeric(length(t)); last <- 1; km_last <- 1
  for (i in seq_len(nint)) {
    li <- lower[i]; ui <- upper[i]
    if (i < nint) {
      nc[i] <- round(nrisk[i] * s[lower[i + 1]] / s[li] - nrisk[i + 1])
      target <- nrisk[i + 1]
    } else {
      # last interval: the average censoring rate of the earlier intervals, per unit time
      rate <- if (nint > 1) sum(pmax(nc[-nint], 0)) / (trisk[nint] - trisk[1]) else 0
      nc[i] <- round(rate * (t[ui] - trisk[i]))
      target <- NA
    }
    for (iter in 1:100) {
      nc[i] <- max(0, nc[i])
      ncen[li:ui] <- 0
      if (nc[i] > 0) {
        end <- if (i < nint) trisk[i + 1] else t[ui]
        ct <- trisk[i] + (1:nc[i]) * (end - trisk[i]) / (nc[i] + 1)
        for (k in li:ui) {
          nxt <- if (k < ui) t[k + 1] else Inf
          ncen[k] <- sum(ct >= t[k] & ct < nxt)
        }
      }
      nhat[li] <- nrisk[i]; lst <- last; kml <- km_last
      for (k in li:ui) {
        if (k == 1) { d[k] <- 0; km[k] <- 1 } else {
          d[k] <- if (kml > 0) round(nhat[k] * (1 - s[k] / kml)) else 0
          d[k] <- min(max(d[k], 0), nhat[k])
          km[k] <- if (nhat[k] > 0) kml * (1 - d[k] / nhat[k]) else kml
        }
        ncen[k] <- min(ncen[k], nhat[k] - d[k])        # nobody left to censor: fewer censored
        nhat[k + 1] <- nhat[k] - d[k] - ncen[k]
        if (d[k] != 0) { lst <- k; kml <- km[k] }
      }
      if (is.na(target) || nhat[ui + 1] == target) break
      nc[i] <- nc[i] + (nhat[ui + 1] - target)
    }
    last <- lst; km_last <- kml
  }
  list(t = t, d = d, ncen = ncen, left = nhat[length(t) + 1], lower = lower, trisk = trisk)
}

# The same reconstruction with the outputs IPDfromKM's getIPD() documents (its help page: the IPD
# table; the reconstructed survival at every read-in point with RMSE, mean and max absolute error;
# a Kolmogorov-Smirnov test of read-in against reconstructed survival; per interval the numbers
# censored and of events). Written here in vectorised base R + survival, so it is a lower bound on
# the package's own time for that work; SurvMeta's reconstruction returns the equivalent (records,
# click distances, per-row checks, repair log).
guyot_outputs <- function(t, s, trisk, nrisk) {
  g <- guyot(t, s, trisk, nrisk)
  n <- length(g$t)
  mid <- c((g$t[-1] + g$t[-n]) / 2, g$t[n])          # censored halfway to the next click (Guyot's convention)
  ipd <- data.frame(time = c(rep(g$t, g$d), rep(mid, g$ncen), rep(g$t[n], max(0, g$left))),
                    status = c(rep(1L, sum(g$d)), rep(0L, sum(g$ncen) + max(0, g$left))))
  fit <- survival::survfit(survival::Surv(time, status) ~ 1, data = ipd)
  est <- c(1, fit$surv)[findInterval(g$t, fit$time) + 1]
  s_in <- cummin(pmin(1, pmax(0, s[order(t)])))
  if (length(s_in) < n) s_in <- c(1, s_in)
  diff <- round(est - s_in, 3)
  precision <- c(RMSE = sqrt(sum(diff^2) / (n - 1)), mean_abserror = mean(abs(diff)), max_abserror = max(abs(diff)))
  ks <- suppressWarnings(ks.test(est, s_in))
  interval <- findInterval(seq_len(n), g$lower)
  per_interval <- data.frame(trisk = g$trisk, censor = as.vector(rowsum(g$ncen, interval)),
                             event = as.vector(rowsum(g$d, interval)))
  list(IPD = ipd, precision = precision, ks = c(D = ks$statistic, p = ks$p.value), riskmat = per_interval)
}

root <- "../../../shared/data/km-digitized"
cases <- list(
  c("IPDfromKM/Radiationdata_radio.csv", "IPDfromKM/Radiationdata_radio_nar.csv", "100"),
  c("IPDfromKM/Radiationdata_radioplus.csv", "IPDfromKM/Radiationdata_radioplus_nar.csv", "100"),
  c("reconstructKM/pbo_clicks.csv", "reconstructKM/pbo_NAR.csv", "1"),
  c("reconstructKM/pembro_clicks.csv", "reconstructKM/pembro_NAR.csv", "1"))
for (cs in cases) {
  clicks <- read.csv(file.path(root, cs[1])); nar <- read.csv(file.path(root, cs[2]))
  s <- clicks$survival / as.numeric(cs[3])
  r <- guyot(clicks$time, s, nar$time, nar$nrisk)
  times <- replicate(50, system.time(guyot(clicks$time, s, nar$time, nar$nrisk))[["elapsed"]])
  # system.time resolves ~1 ms: also time a loop of 200 calls.
  loop <- system.time(for (j in 1:200) guyot(clicks$time, s, nar$time, nar$nrisk))[["elapsed"]] / 200
  out <- guyot_outputs(clicks$time, s, nar$time, nar$nrisk)
  loop_out <- system.time(for (j in 1:200) guyot_outputs(clicks$time, s, nar$time, nar$nrisk))[["elapsed"]] / 200
  cat(sprintf("%-32s events %4d  median %.4f s  loop mean %.5f s  with getIPD's outputs (%d records): %.5f s\n",
              basename(cs[1]), as.integer(sum(r$d)), median(times), loop, nrow(out$IPD), loop_out))
}
