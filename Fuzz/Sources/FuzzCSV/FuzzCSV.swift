import Foundation
import OutcomeData

// Any bytes: the reader either returns a table whose rows all have the header's width, or throws
// InputErrors whose issues name positions inside the input. Anything else (a trap) is a bug.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(bytes: data, count: size)
    do {
        let table = try CSVReader.parse(bytes, source: "fuzz.csv")
        for row in table.rows { precondition(row.cells.count == table.header.count, "ragged row accepted") }
        var issues: [InputIssue] = []
        for row in table.rows { for c in table.header { _ = table.number(row, c, issues: &issues, required: false) } }
    } catch let e as InputErrors {
        // Lines end in LF, CRLF or a lone CR.
        var lines = 1
        for (i, b) in bytes.enumerated() where b == 0x0A || (b == 0x0D && (i + 1 == bytes.count || bytes[i + 1] != 0x0A)) { lines += 1 }
        for issue in e.issues { precondition((issue.line ?? 1) <= lines, "issue names a line past the end") }
    } catch {
        preconditionFailure("unexpected error type \(error)")
    }
    return 0
}

// SwiftPM links an executable's entry point as `FuzzCSV_main`; hand control to libFuzzer's driver.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt) -> CInt

@_cdecl("FuzzCSV_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var vector = argv
    return LLVMFuzzerRunDriver(&count, &vector) { fuzzOne($0, $1) }
}
