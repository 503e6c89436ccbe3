import Foundation
import MetaAnalysis
import OutcomeData

// CSV → study rows → (yi, vi) → every estimator: conversions reject bad rows with InputErrors;
// accepted rows always give finite yi and vi > 0, and fits either succeed with finite results or
// throw a typed error.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let header = Data("study,yi,vi,hr,ci_low,ci_high,p,o_minus_e,v,events,n,direction\n".utf8)
    guard let table = try? CSVReader.parse(header + Data(bytes: data, count: size), source: "fuzz.csv"),
          let studies = try? StudyTable.load(table, proportionMeasure: size % 2 == 0 ? .PLO : nil) else { return 0 }
    for e in studies.effects { precondition(e.yi.isFinite && e.vi.isFinite && e.vi > 0, "non-finite effect accepted") }
    for method in [TauSquaredEstimator.REML, .DL, .PM, .SJ] {
        if let fit = try? RandomEffectsModel(estimator: method, test: .knha).fit(studies.effects) {
            precondition(fit.model.tau2 >= 0 && fit.model.tau2.isFinite, "bad tau2")
            precondition(fit.estimate.isFinite, "non-finite estimate")
        }
    }
    return 0
}

// SwiftPM links an executable's entry point as `FuzzStudyRows_main`; hand control to libFuzzer's driver.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt) -> CInt

@_cdecl("FuzzStudyRows_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var vector = argv
    return LLVMFuzzerRunDriver(&count, &vector) { fuzzOne($0, $1) }
}
