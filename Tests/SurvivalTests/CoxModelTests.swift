import Foundation
import Testing
import StatNumerics
import Survival
import TestSupport

// Golden tests against R 4.2.2, survival 3.5-3 (Fixtures/survival_fixtures.R):
//   fit <- coxph(Surv(time, event) ~ group + covariates [+ strata(stratum)], data = d,
//                ties = "efron" | "breslow", control = coxph.control(iter.max = maxit))
//   summary(fit)
// Iterative fit with R's convergence tolerance eps = 1e-9 on the log partial likelihood: estimates
// agree to 1e-5 relative (absolute 1e-10 where R's value is 0).

private let coxFits = SurvivalFixture("cox_fit.csv")
private let coxCoefficients = SurvivalFixture("cox_coef.csv")
private let tolerance = 1e-5

private struct CoxCase: Sendable, CustomTestStringConvertible {
    let model: String
    let ties: String
    var testDescription: String { "\(model) \(ties)" }
}

private func fitFor(_ row: [String: String]) throws -> CoxFit {
    let covariates = row["covariates"]!.split(separator: ";").map(String.init)
    let data = try FixtureDataset(row["dataset"]!).survivalData(useGroup: row["use_group"] == "TRUE",
                                                               stratified: row["stratified"] == "TRUE",
                                                               covariates: covariates)
    let model = CoxModel(ties: CoxTies(rawValue: row["ties"]!)!, maxIterations: row.integer("maxit")!)
    let reference = row["reference"]!.isEmpty ? nil : row["reference"]
    return try model.fit(data, reference: reference)
}

@Suite("Cox model against coxph (survival 3.5-3)")
struct CoxModelTests {
    @Test(arguments: coxFits.rows.map { CoxCase(model: $0["model"]!, ties: $0["ties"]!) })
    fileprivate func matchesCoxph(_ c: CoxCase) throws {
        let row = try #require(coxFits.rows.first { $0["model"] == c.model && $0["ties"] == c.ties })
        let fit = try fitFor(row)
        let label = c.testDescription
        // A diverging coefficient (no_events_group) is reproduced too: the Newton path with R's step
        // rule and stopping rule ends at the same large finite β̂ (R: about −21.8).

        expectClose(fit.initialLogLikelihood, row.number("loglik0"), rel: tolerance, "\(label) loglik[1]")
        expectClose(fit.finalLogLikelihood, row.number("loglik1"), rel: tolerance, "\(label) loglik[2]")
        expectClose(fit.likelihoodRatioTest.statistic, row.number("lr"), rel: tolerance, "\(label) LR")
        expectClose(fit.likelihoodRatioTest.pValue, row.number("lr_p"), rel: tolerance, "\(label) LR p")
        expectClose(fit.scoreTest.statistic, row.number("score"), rel: tolerance, "\(label) score")
        expectClose(fit.scoreTest.pValue, row.number("score_p"), rel: tolerance, "\(label) score p")
        // When coxph runs out of iterations its fit$var is not I(β̂)⁻¹ (coxfit6 inverts an unfactored
        // matrix); compare with R's refit at β̂ (`init = coef(fit), iter.max = 0`) instead.
        let ranOut = row["warning"]!.contains("Ran out of iterations")
        if ranOut {
            expectClose(fit.waldTest.statistic, row.number("wald_at_coef"), rel: tolerance, "\(label) Wald at β̂")
        } else {
            expectClose(fit.waldTest.statistic, row.number("wald"), rel: tolerance, "\(label) Wald")
            expectClose(fit.waldTest.pValue, row.number("wald_p"), rel: tolerance, "\(label) Wald p")
        }
        #expect(fit.waldTest.degreesOfFreedom == row.integer("df"))

        let rWarning = row["warning"]!
        if rWarning.isEmpty {
            #expect(fit.warnings.isEmpty, "\(label): unexpected warnings \(fit.warnings)")
            #expect(fit.converged)
            #expect(fit.iterations == row.integer("iter"), "\(label) iterations")
        } else if rWarning.contains("Ran out of iterations") {
            #expect(!fit.converged)
            #expect(fit.warnings.contains { $0.contains("did not converge") })
            // R reports iter.max + 1 when it runs out (its loop counter); we report the iterations done.
            #expect(fit.iterations == row.integer("iter")! - 1)
        } else {
            #expect(fit.converged)
            #expect(fit.iterations == row.integer("iter"), "\(label) iterations")
            #expect(fit.warnings.contains { $0.contains("may be infinite") }, "\(label): R warned '\(rWarning)'")
        }

        let rows = coxCoefficients.rows.filter { $0["model"] == c.model && $0["ties"] == c.ties }
        #expect(fit.coefficients.map(\.name) == rows.map { $0["term"]! })
        for (coef, r) in zip(fit.coefficients, rows) {
            let at = "\(label) \(coef.name)"
            expectClose(coef.estimate, r.number("coef"), rel: tolerance, "\(at) coef")
            expectClose(coef.hazardRatio, r.number("hr"), rel: tolerance, "\(at) HR")
            if ranOut {
                expectClose(coef.standardError, r.number("se_at_coef"), rel: tolerance, "\(at) se at β̂")
                continue
            }
            expectClose(coef.standardError, r.number("se"), rel: tolerance, "\(at) se")
            expectClose(coef.z, r.number("z"), rel: tolerance, "\(at) z")
            expectClose(coef.pValue, r.number("p"), rel: tolerance, "\(at) p")
            expectClose(coef.lower, r.number("hr_lower"), rel: tolerance, "\(at) HR lower")
            expectClose(coef.upper, r.number("hr_upper"), rel: tolerance, "\(at) HR upper")
        }
    }

    @Test func rejectsUnknownReference() throws {
        let data = try FixtureDataset("aml").survivalData()
        let error = #expect(throws: DomainError.self) { try CoxModel().fit(data, reference: "Placebo") }
        #expect(error?.message.contains("Placebo") == true)
    }

    @Test func constantCovariateIsASingularInformationMatrix() throws {
        let data = try SurvivalData(times: [1, 2, 3, 4, 5], events: [1, 1, 0, 1, 1],
                                    covariates: [.init(name: "x", values: [2, 2, 2, 2, 2])])
        let error = #expect(throws: NumericalError.self) { try CoxModel().fit(data) }
        #expect(error?.reason.contains("'x'") == true)
        #expect(error?.remedy.isEmpty == false)
    }

    @Test func noEventsIsADomainError() throws {
        let data = try SurvivalData(times: [1, 2, 3], events: [0, 0, 0], groups: ["A", "B", "A"])
        #expect(throws: DomainError.self) { try CoxModel().fit(data) }
    }

    @Test func logHazardRatioFeedsMetaAnalysis() throws {
        let fit = try CoxModel().fit(try FixtureDataset("aml").survivalData())
        let coefficient = try #require(fit.coefficient(named: "groupNonmaintained"))
        #expect(coefficient.logHazardRatio == Estimate(value: coefficient.estimate, standardError: coefficient.standardError))
        let decoded = try JSONDecoder().decode(CoxFit.self, from: try JSONEncoder().encode(fit))
        #expect(decoded == fit)
    }
}
