import Foundation
import StatNumerics
import Survival
import Testing
import TestSupport

@Suite("Reconstruction: real digitized curves")
struct ReconstructionRealCurveTests {
    @Test func radiationScratch() throws {
        let radio = try IPDReconstruction().reconstruct(
            curve: DigitizedData.curve("IPDfromKM/Radiationdata_radio.csv", scale: .percent),
            riskTable: DigitizedData.riskTable("IPDfromKM/Radiationdata_radio_nar.csv"), arm: "radio")
        let plus = try IPDReconstruction().reconstruct(
            curve: DigitizedData.curve("IPDfromKM/Radiationdata_radioplus.csv", scale: .percent),
            riskTable: DigitizedData.riskTable("IPDfromKM/Radiationdata_radioplus_nar.csv"), arm: "radioplus")
        for a in [radio, plus] {
            print(a.arm!, a.patientCount, a.eventCount, a.report.maxAbsDifference, a.report.meanAbsDifference)
            for r in a.report.repairs { print("  ", r) }
            for c in a.report.numbersAtRisk { print("  ", c) }
            let km = try KaplanMeier().fit(times: a.times, events: a.events)
            print("  median", km.median)
        }
        let data = try combine([radio, plus], labels: ["radio", "radioplus"])
        let cox = try CoxModel().fit(data)
        print(cox.coefficients)
    }

    @Test func pembroScratch() throws {
        for tail in IPDReconstruction.Tail.allCases {
            let pbo = try IPDReconstruction(tail: tail).reconstruct(
                curve: DigitizedData.curve("reconstructKM/pbo_clicks.csv", scale: .proportion),
                riskTable: DigitizedData.riskTable("reconstructKM/pbo_NAR.csv"), arm: "pbo")
            let pem = try IPDReconstruction(tail: tail).reconstruct(
                curve: DigitizedData.curve("reconstructKM/pembro_clicks.csv", scale: .proportion),
                riskTable: DigitizedData.riskTable("reconstructKM/pembro_NAR.csv"), arm: "pembro")
            for a in [pbo, pem] {
                print(a.arm!, a.patientCount, a.eventCount, a.report.maxAbsDifference, a.report.meanAbsDifference)
                for r in a.report.repairs { print("  ", r) }
                for c in a.report.numbersAtRisk { print("  ", c) }
                let km = try KaplanMeier().fit(times: a.times, events: a.events)
                print("  median", km.median, "S(12)", km.survival(at: 12))
            }
            let data = try combine([pbo, pem], labels: ["pbo", "pembro"])
            let cox = try CoxModel().fit(data)
            print(cox.coefficients)
        }
    }
}
