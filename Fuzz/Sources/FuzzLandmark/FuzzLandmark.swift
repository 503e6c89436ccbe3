import Foundation
import MetaAnalysis
import OutcomeData

// Landmark rows (survival with CI, nrisk or N, plain or percent): accepted rows give finite effects
// on every transform or a DomainError.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let header = Data("study,surv,ci_low,ci_high,ci_level,nrisk,n\n".utf8)
    guard let table = try? CSVReader.parse(header + Data(bytes: data, count: size), source: "fuzz.csv"),
          let landmark = try? LandmarkTable.load(table, percent: size % 3 == 0) else { return 0 }
    for t in LandmarkTransform.allCases {
        if let effects = try? landmark.effects(transform: t) {
            for e in effects { precondition(e.effect.yi.isFinite && e.effect.vi.isFinite && e.effect.vi > 0, "bad landmark effect") }
            _ = try? RandomEffectsModel().fit(effects.map(\.effect))
        }
    }
    return 0
}

// SwiftPM links an executable's entry point as `FuzzLandmark_main`; hand control to libFuzzer's driver.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt) -> CInt

@_cdecl("FuzzLandmark_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var vector = argv
    return LLVMFuzzerRunDriver(&count, &vector) { fuzzOne($0, $1) }
}
