import Foundation
import Testing
import StatNumerics
import Survival
import TestSupport

// Golden tests against R 4.2.2, survival 3.5-3 (Fixtures/survival_fixtures.R):
//   fit <- survfit(Surv(time, event) ~ 1, data = d, conf.type = ct, conf.int = level)
// Closed-form estimators: 1e-6 relative (absolute 1e-10 where R's value is 0).

private let kmSteps = SurvivalFixture("km_steps.csv")
private let kmTimes = SurvivalFixture("km_times.csv")
private let kmQuantiles = SurvivalFixture("km_quantiles.csv")
private let kmRestrictedMeans = SurvivalFixture("km_rmean.csv")
private let nelsonAalenSteps = SurvivalFixture("na_steps.csv")

private let datasetNames = ["aml", "lung", "ovarian", "veteran", "veteran_celltype", "colon", "all_censored",
                            "single_event", "single_censored", "one_time", "no_events_group", "half_flat",
                            "ends_at_half", "time_zero", "ties_heavy"]

private let tolerance = 1e-6

/// The fit R made for one (dataset, group, conf_type, level) key.
private func fit(_ key: [String], _ dataset: FixtureDataset) throws -> KaplanMeierFit {
    let subset = dataset.subset(key[1])
    let model = KaplanMeier(confidenceType: SurvivalConfidenceType(rawValue: key[2])!, level: Double(key[3])!)
    return try model.fit(times: subset.times, events: subset.events)
}

@Suite("Kaplan–Meier against survfit (survival 3.5-3)")
struct KaplanMeierTests {
    /// Every step of `survfit`: time, n.risk, n.event, n.censor, surv, std.err (cumulative-hazard
    /// scale), SE of S, lower, upper, cumhaz, std.chaz.
    @Test(arguments: datasetNames)
    func stepsMatchSurvfit(_ name: String) throws {
        let dataset = FixtureDataset(name)
        let curves = kmSteps.grouped(by: ["dataset", "group", "conf_type", "level"]).filter { $0.key[0] == name }
        #expect(!curves.isEmpty)
        for (key, rows) in curves {
            let km = try fit(key, dataset)
            try #require(km.steps.count == rows.count, "\(key): \(km.steps.count) steps, R has \(rows.count)")
            for (step, row) in zip(km.steps, rows) {
                let at = "\(key) t=\(step.time)"
                #expect(step.time == row.number("time"), "\(at) time")
                #expect(step.atRisk == row.integer("n_risk"), "\(at) n.risk")
                #expect(step.events == row.integer("n_event"), "\(at) n.event")
                #expect(step.censored == row.integer("n_censor"), "\(at) n.censor")
                expectClose(step.survival, row.number("surv"), rel: tolerance, "\(at) surv")
                expectClose(step.logStandardError, row.number("std_err"), rel: tolerance, "\(at) std.err")
                expectClose(step.standardError, row.number("se_surv"), rel: tolerance, "\(at) SE(S)")
                expectClose(step.lower, row.number("lower"), rel: tolerance, "\(at) lower")
                expectClose(step.upper, row.number("upper"), rel: tolerance, "\(at) upper")
                expectClose(step.cumulativeHazard, row.number("cumhaz"), rel: tolerance, "\(at) cumhaz")
                expectClose(step.cumulativeHazardStandardError, row.number("std_chaz"), rel: tolerance, "\(at) std.chaz")
            }
            #expect(km.subjects == dataset.subset(key[1]).times.count)
            #expect(km.eventCount == rows.reduce(0) { $0 + ($1.integer("n_event") ?? 0) })
        }
    }

    /// `summary(fit, times = tt, extend = TRUE)`: carried forward past the last follow-up, n.risk as R
    /// reports it at a requested time, events and censorings since the previous requested time.
    @Test(arguments: datasetNames)
    func survivalAtTimesMatchesSummaryExtend(_ name: String) throws {
        let dataset = FixtureDataset(name)
        let curves = kmTimes.grouped(by: ["dataset", "group", "conf_type", "level"]).filter { $0.key[0] == name }
        #expect(!curves.isEmpty)
        for (key, rows) in curves {
            let km = try fit(key, dataset)
            // Request the times shuffled: the summary sorts them as R does.
            let estimates = try km.summary(at: rows.compactMap { $0.number("time") }.reversed())
            try #require(estimates.count == rows.count)
            for (e, row) in zip(estimates, rows) {
                let at = "\(key) t=\(e.time)"
                #expect(e.time == row.number("time"), "\(at) time")
                #expect(e.atRisk == row.integer("n_risk"), "\(at) n.risk")
                #expect(e.events == row.integer("n_event"), "\(at) n.event")
                #expect(e.censored == row.integer("n_censor"), "\(at) n.censor")
                expectClose(e.survival, row.number("surv"), rel: tolerance, "\(at) surv")
                expectClose(e.standardError, row.number("se_surv"), rel: tolerance, "\(at) SE(S)")
                expectClose(e.lower, row.number("lower"), rel: tolerance, "\(at) lower")
                expectClose(e.upper, row.number("upper"), rel: tolerance, "\(at) upper")
                expectClose(e.cumulativeHazard, row.number("cumhaz"), rel: tolerance, "\(at) cumhaz")
                expectClose(e.cumulativeHazardStandardError, row.number("std_chaz"), rel: tolerance, "\(at) std.chaz")
                #expect(km.survival(at: e.time) == e.survival)
            }
        }
    }

    /// `quantile(fit, probs = c(.1, .25, .5, .75, .9))` and the median with its limits as
    /// `print(fit)` shows them (`survival:::survmean`).
    @Test(arguments: datasetNames)
    func quantilesMatchQuantileSurvfitAndPrint(_ name: String) throws {
        let dataset = FixtureDataset(name)
        let curves = kmQuantiles.grouped(by: ["dataset", "group", "conf_type", "level"]).filter { $0.key[0] == name }
        #expect(!curves.isEmpty)
        for (key, rows) in curves {
            let km = try fit(key, dataset)
            for row in rows {
                let p = row.number("prob")!
                let q = row["source"] == "print" ? km.median : try km.quantile(p)
                let at = "\(key) \(row["source"]!) p=\(p)"
                expectClose(q.time, row.number("quantile"), rel: tolerance, "\(at) quantile")
                expectClose(q.lower, row.number("lower"), rel: tolerance, "\(at) lower")
                expectClose(q.upper, row.number("upper"), rel: tolerance, "\(at) upper")
            }
        }
    }

    /// `print(fit, rmean = tau)`: RMST and its SE, τ before the first time, at a step, at the last
    /// time and beyond it; and the default (up to the last time).
    @Test(arguments: datasetNames)
    func restrictedMeanMatchesPrintRmean(_ name: String) throws {
        let dataset = FixtureDataset(name)
        let rows = kmRestrictedMeans.rows.filter { $0["dataset"] == name && $0["tau"] != "common" }
        #expect(!rows.isEmpty)
        for row in rows {
            let km = try fit([name, row["group"]!, "log", "0.95"], dataset)
            let rmst = row["tau"] == "default" ? try km.restrictedMean() : try km.restrictedMean(upTo: row.number("tau")!)
            let at = "\(name) \(row["group"]!) τ=\(row["tau"]!)"
            expectClose(rmst.estimate, row.number("rmean"), rel: tolerance, "\(at) rmean")
            expectClose(rmst.standardError, row.number("se_rmean"), rel: tolerance, "\(at) se(rmean)")
        }
    }

    /// `print(survfit(Surv(time, event) ~ group), rmean = "common")`: each group up to the largest
    /// last follow-up time of all groups (past some groups' own follow-up).
    @Test(arguments: ["aml", "lung", "ovarian", "veteran", "veteran_celltype", "colon", "one_time",
                      "no_events_group", "ties_heavy"])
    func commonRestrictedMeanMatchesPrintRmeanCommon(_ name: String) throws {
        let fits = try KaplanMeier().fitGroups(try FixtureDataset(name).survivalData())
        let tau = try #require(KaplanMeier.commonRestrictionTime(fits))
        let rows = kmRestrictedMeans.rows.filter { $0["dataset"] == name && $0["tau"] == "common" }
        #expect(rows.map { $0["group"]! } == fits.map { $0.label! })
        for (km, row) in zip(fits, rows) {
            let rmst = try km.restrictedMean(upTo: tau)
            expectClose(rmst.estimate, row.number("rmean"), rel: tolerance, "\(name) \(km.label!) common rmean")
            expectClose(rmst.standardError, row.number("se_rmean"), rel: tolerance, "\(name) \(km.label!) common se")
        }
    }

    /// `survfit(…, stype = 2, ctype = 1)`: Nelson–Aalen cumulative hazard, its SE, exp(−H) and the
    /// log-type interval.
    @Test(arguments: datasetNames.filter { $0 != "colon" })
    func nelsonAalenMatchesSurvfitStype2(_ name: String) throws {
        let dataset = FixtureDataset(name)
        let curves = nelsonAalenSteps.grouped(by: ["dataset", "group"]).filter { $0.key[0] == name }
        #expect(!curves.isEmpty)
        for (key, rows) in curves {
            let subset = dataset.subset(key[1])
            let na = try NelsonAalen().fit(times: subset.times, events: subset.events.map { $0 == 1 })
            try #require(na.steps.count == rows.count)
            for (step, row) in zip(na.steps, rows) {
                let at = "\(key) t=\(step.time)"
                #expect(step.time == row.number("time"))
                #expect(step.atRisk == row.integer("n_risk"))
                #expect(step.events == row.integer("n_event"))
                expectClose(step.cumulativeHazard, row.number("cumhaz"), rel: tolerance, "\(at) cumhaz")
                expectClose(step.standardError, row.number("std_chaz"), rel: tolerance, "\(at) std.chaz")
                expectClose(step.standardError, row.number("std_err"), rel: tolerance, "\(at) std.err")
                expectClose(step.survival, row.number("surv"), rel: tolerance, "\(at) surv")
                expectClose(step.lower, row.number("lower"), rel: tolerance, "\(at) lower")
                expectClose(step.upper, row.number("upper"), rel: tolerance, "\(at) upper")
                #expect(na.cumulativeHazard(at: step.time) == step.cumulativeHazard)
            }
        }
    }

    /// One curve per group, labelled, in sorted order (R's `survfit(Surv(time, event) ~ group)`).
    @Test func fitGroupsLabelsCurvesInSortedOrder() throws {
        let data = try FixtureDataset("colon").survivalData()
        let fits = try KaplanMeier().fitGroups(data)
        #expect(fits.map(\.label) == ["Lev", "Lev+5FU", "Obs"])
        #expect(fits.map(\.subjects).reduce(0, +) == data.count)
        let single = try KaplanMeier().fitGroups(try SurvivalData(times: [1, 2], events: [1, 0]))
        #expect(single.count == 1 && single[0].label == nil)
    }

    /// Results are Codable values: a JSON round trip gives an equal value.
    @Test func fitRoundTripsThroughJSON() throws {
        let km = try KaplanMeier().fit(times: [1, 2, 2, 3, 4, 4, 5, 6], events: [1, 1, 0, 1, 1, 1, 0, 1])
        let decoded = try JSONDecoder().decode(KaplanMeierFit.self, from: try JSONEncoder().encode(km))
        #expect(decoded == km)
    }
}
