# Builds the study-level input datasets shared by the fixture scripts in this folder and
# writes each to datasets/<name>.csv (columns study,yi,vi + moderators by name; for
# proportion data also events,n). Sourced by pool_fixtures.R and sensitivity_fixtures.R.
#
# R 4.2.2, metafor 3.8-1, metadat 1.2-0. Sources of the real datasets (all ship with
# metadat 1.2-0):
#   bcg          dat.bcg, escalc(measure = "RR", ai = tpos, bi = tneg, ci = cpos, di = cneg)   (log RR);
#                moderators ablat, year, alloc and the product column ablat_x_year = ablat * year
#   pignon2000   dat.pignon2000, log HR = OmE / V, var = 1 / V (Peto O-E, log-rank)           (log HR, k = 65)
#   riley2003os  dat.riley2003[outcome == "OS", ], yi / vi as published (log HR, rounded; k = 56)
#   normand1999  dat.normand1999, escalc(measure = "MD", m1i, sd1i, n1i, m2i, sd2i, n2i)      (MD)
#   hackshaw1998 dat.hackshaw1998, yi / vi shipped with the data                                (log OR, k = 37)
#   pritz1997    dat.pritz1997, escalc(measure = "PLO", xi, ni), default add = 1/2, to = "only0" (logit p;
#                contains 100% proportions 10/10 and 12/12, which get the 1/2 correction)
#   molloy2014   dat.molloy2014, escalc(measure = "ZCOR", ri, ni)                             (Fisher z)
#   net_hr       PROMID TTP HR 0.34 (0.20-0.59), CLARINET PFS HR 0.47 (0.30-0.73):
#                yi = log(HR), sei = (log(U) - log(L)) / (2 * qnorm(0.975)), vi = sei^2  (k = 2)
# Constructed edge cases:
#   edge_k1, edge_k2, edge_tau2_zero, edge_dominant (vi = 1e-6 next to 0.1s), edge_identical
#   (all yi equal), edge_extreme_var (vi of 1e4 and 1e-8 mixed), bcg_negated (bcg yi * -1).

suppressPackageStartupMessages(library(metafor))

build_datasets <- function(outdir = "datasets") {
  dir.create(outdir, showWarnings = FALSE, recursive = TRUE)
  ds <- list()

  b <- escalc(measure = "RR", ai = tpos, bi = tneg, ci = cpos, di = cneg, data = dat.bcg)
  ds$bcg <- data.frame(study = paste(dat.bcg$author, dat.bcg$year), yi = as.numeric(b$yi),
                       vi = as.numeric(b$vi), ablat = dat.bcg$ablat, year = dat.bcg$year,
                       alloc = dat.bcg$alloc, ablat_x_year = dat.bcg$ablat * dat.bcg$year,
                       stringsAsFactors = FALSE)

  p <- dat.pignon2000
  ds$pignon2000 <- data.frame(study = p$trial, yi = p$OmE / p$V, vi = 1 / p$V, grp = p$grp,
                              stringsAsFactors = FALSE)

  r <- dat.riley2003[dat.riley2003$outcome == "OS", ]
  ds$riley2003os <- data.frame(study = paste0("study", r$study), yi = r$yi, vi = r$vi,
                               stringsAsFactors = FALSE)

  n <- escalc(measure = "MD", m1i = m1i, sd1i = sd1i, n1i = n1i, m2i = m2i, sd2i = sd2i,
              n2i = n2i, data = dat.normand1999)
  ds$normand1999 <- data.frame(study = n$source, yi = as.numeric(n$yi), vi = as.numeric(n$vi),
                               stringsAsFactors = FALSE)

  h <- dat.hackshaw1998
  ds$hackshaw1998 <- data.frame(study = paste(h$author, h$year), yi = h$yi, vi = h$vi,
                                design = h$design, stringsAsFactors = FALSE)

  pr <- escalc(measure = "PLO", xi = xi, ni = ni, data = dat.pritz1997)
  ds$pritz1997 <- data.frame(study = pr$authors, yi = as.numeric(pr$yi), vi = as.numeric(pr$vi),
                             events = pr$xi, n = pr$ni, stringsAsFactors = FALSE)

  m <- escalc(measure = "ZCOR", ri = ri, ni = ni, data = dat.molloy2014)
  ds$molloy2014 <- data.frame(study = paste(m$authors, m$year), yi = as.numeric(m$yi),
                              vi = as.numeric(m$vi), meanage = m$meanage, quality = m$quality,
                              stringsAsFactors = FALSE)

  hr <- c(0.34, 0.47); lo <- c(0.20, 0.30); hi <- c(0.59, 0.73)
  sei <- (log(hi) - log(lo)) / (2 * qnorm(0.975))
  ds$net_hr <- data.frame(study = c("PROMID TTP", "CLARINET PFS"), yi = log(hr), vi = sei^2,
                          stringsAsFactors = FALSE)

  ds$edge_k1 <- data.frame(study = "only", yi = -0.35, vi = 0.04)
  ds$edge_k2 <- data.frame(study = c("A", "B"), yi = c(-1.0, 0.5), vi = c(0.04, 0.09))
  ds$edge_tau2_zero <- data.frame(study = paste0("S", 1:5), yi = c(0.10, 0.12, 0.08, 0.11, 0.09),
                                  vi = c(0.05, 0.04, 0.06, 0.05, 0.07))
  ds$edge_dominant <- data.frame(study = paste0("S", 1:6), yi = c(0.25, -0.40, 0.90, 0.10, 1.30, -0.80),
                                 vi = c(1e-6, 0.1, 0.1, 0.1, 0.1, 0.1))
  ds$edge_identical <- data.frame(study = paste0("S", 1:5), yi = rep(0.3, 5),
                                  vi = c(0.02, 0.05, 0.1, 0.03, 0.2))
  ds$edge_extreme_var <- data.frame(study = paste0("S", 1:6), yi = c(0.2, -0.1, 0.4, 1.5, 0.05, 0.3),
                                    vi = c(1e4, 1e-8, 0.5, 1e4, 1e-8, 0.2))
  ds$bcg_negated <- ds$bcg
  ds$bcg_negated$yi <- -ds$bcg$yi

  for (nm in names(ds)) write_fixture(ds[[nm]], file.path(outdir, paste0(nm, ".csv")))
  ds
}
