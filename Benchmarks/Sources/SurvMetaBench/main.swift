import Foundation
import MetaAnalysis
import OutcomeData
import StatNumerics
import Survival

// `make bench`: times SurvMeta on the reference workloads, in process, next to metafor 3.8-1's
// times on the same data (../shared/bench/metafor-times.md), writes Benchmarks/results/latest.json
// and compares with the committed Benchmarks/baseline.json.

let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let shared = root.deletingLastPathComponent().appendingPathComponent("shared/bench")
let workloads = Workloads(folder: shared)
let quick = CommandLine.arguments.contains("--quick")
/// `--only SUBSTRING`: run just the workloads whose name contains SUBSTRING (case-insensitive).
let only: String? = CommandLine.arguments.firstIndex(of: "--only").flatMap { i in
    i + 1 < CommandLine.arguments.count ? CommandLine.arguments[i + 1].lowercased() : nil
}
func selected(_ name: String) -> Bool { only.map { name.lowercased().contains($0) } ?? true }
var results: [(Measurement, Comparison)] = []

func run(_ name: String, r: (String, Int)? = nil, _ body: () throws -> Void) rethrows {
    guard selected(name) else { return }
    let m = try measure(name, minTime: quick ? 0.2 : 1.0, body)
    results.append((m, Comparison(workload: name, rTask: r?.0, rK: r?.1)))
    FileHandle.standardError.write(Data("  \(name): \(seconds(m.median))\n".utf8))
}

let reml = RandomEffectsModel(estimator: .REML, heterogeneityIntervals: false)
let dl = RandomEffectsModel(estimator: .DL, heterogeneityIntervals: false)
for (file, k) in [("bench_k10.csv", 10), ("bench_k100.csv", 100), ("bench_k1000.csv", 1000), ("bench_k10000.csv", 10000), ("bench_k100000.csv", 100000)] {
    let data = try workloads.studies(file).effects
    try run("rma REML k=\(k)", r: ("rma(method='REML')", k)) { _ = try reml.fit(data) }
    try run("rma DL k=\(k)", r: ("rma(method='DL')", k)) { _ = try dl.fit(data) }
}
let k2000 = try workloads.studies("bench_k10000.csv", limit: 2000).effects
try run("rma REML k=2000", r: ("rma(method='REML') [extra scaling point]", 2000)) { _ = try reml.fit(k2000) }

let k1000 = try workloads.studies("bench_k1000.csv").effects
let fit1000 = try reml.fit(k1000)
let design1000 = Matrix(rows: k1000.count, columns: 1, repeating: 1)
try run("confint Q-profile k=1000", r: ("confint(REML) Q-profile", 1000)) {
    _ = try QProfile(yi: k1000.map(\.yi), vi: k1000.map(\.vi), design: design1000).intervals(level: 0.95, tau2: fit1000.model.tau2, typicalVariance: fit1000.model.typicalVariance)
}

for limit in [1000, 10000] {
    let (effects, mods) = try workloads.studies("bench_k10000_mods5.csv", limit: limit)
    let x = Matrix(columns: [[Double](repeating: 1, count: effects.count)] + (0..<5).map { j in mods.map { $0[j] } })
    let model = MixedEffectsModel(estimator: .REML)
    let task = limit == 1000 ? "rma(REML, mods=5 continuous) [substitute k=1,000]" : "rma(REML, mods=5 continuous)"
    try run("metareg REML 5 mods k=\(limit)", r: (task, limit)) {
        _ = try model.fit(yi: effects.map(\.yi), vi: effects.map(\.vi), design: x, names: ["intrcpt", "x1", "x2", "x3", "x4", "x5"])
    }
}

// Sensitivity and bias (metafor refits k times; SurvMeta warm-starts and runs in parallel).
let k100 = try workloads.studies("bench_k100.csv").effects
try run("leave1out REML k=100", r: ("leave1out(REML)", 100)) { _ = try LeaveOneOut().run(k100) }
try run("leave1out REML k=1000", r: ("leave1out(REML)", 1000)) { _ = try LeaveOneOut().run(k1000) }
try run("influence REML k=100", r: ("influence(REML) [substitute k=100]", 100)) { _ = try InfluenceDiagnostics().run(k100) }
try run("influence REML k=1000", r: ("influence(REML)", 1000)) { _ = try InfluenceDiagnostics().run(k1000) }
try run("trimfill REML k=1000", r: ("trimfill(REML)", 1000)) { _ = try TrimAndFill().run(k1000) }
let (pEffects, pMods) = try workloads.studies("bench_k100_mod1.csv")
let pDesign = Matrix(columns: [[Double](repeating: 1, count: pEffects.count), pMods.map { $0[0] }])
let pModel = MixedEffectsModel(estimator: .REML)
let pObserved: MixedEffectsFit? = nil
try run("permutest 1000 iterations k=100", r: ("permutest(REML, mods=~x1, iter=1000)", 100)) {
    _ = try PermutationTest(iterations: 1000, seed: 1234).run(pModel, studies: pEffects, design: pDesign, names: ["intrcpt", "x1"], observed: pObserved)
}

// Reconstruction of every real digitized curve (../shared/data/km-digitized).
let km = shared.deletingLastPathComponent().appendingPathComponent("data/km-digitized")
for (folder, curveFile, riskFile, percent) in [("IPDfromKM", "Radiationdata_radio.csv", "Radiationdata_radio_nar.csv", true),
                                              ("IPDfromKM", "Radiationdata_radioplus.csv", "Radiationdata_radioplus_nar.csv", true),
                                              ("reconstructKM", "pbo_clicks.csv", "pbo_NAR.csv", false),
                                              ("reconstructKM", "pembro_clicks.csv", "pembro_NAR.csv", false)] {
    let dir = km.appendingPathComponent(folder)
    let curve = try DigitizedInput.curve(try CSVReader.read(path: dir.appendingPathComponent(curveFile).path), percent: percent)
    let table = try DigitizedInput.riskTable(try CSVReader.read(path: dir.appendingPathComponent(riskFile).path))
    try run("reconstruct \(curveFile)") { _ = try IPDReconstruction().reconstruct(curve: curve, riskTable: table) }
    // No total of events is published for these figures: a total 5 below the reconstructed count
    // (a synthetic workload) times the path that matches a printed total.
    if selected("reconstruct \(curveFile) (total −5)") {
        let total = try IPDReconstruction().reconstruct(curve: curve, riskTable: table).eventCount - 5
        try run("reconstruct \(curveFile) (total −5)") {
            _ = try IPDReconstruction().reconstruct(curve: curve, riskTable: table, totalEvents: total)
        }
    }
}

// Whole-process: peak memory of `survmeta pool` at k = 100,000 (release binary).
let binary = root.appendingPathComponent(".build/release/survmeta")
var processRows: [(String, Double, Int)] = []
if FileManager.default.isExecutableFile(atPath: binary.path) {
    for (file, k) in [("bench_k1000.csv", 1000), ("bench_k100000.csv", 100000)] where selected("survmeta pool REML k=\(k) (whole process)") {
        var times: [Double] = []
        var peak = 0
        for _ in 0..<(quick ? 2 : 5) {
            let p = Process()
            p.executableURL = binary
            p.arguments = ["pool", shared.appendingPathComponent(file).path, "--method", "REML", "--format", "json"]
            p.standardOutput = FileHandle.nullDevice
            let t0 = now()
            try p.run()
            var status: Int32 = 0
            var usage = rusage()
            wait4(p.processIdentifier, &status, 0, &usage)
            times.append(now() - t0)
            peak = max(peak, usage.ru_maxrss)
        }
        processRows.append(("survmeta pool REML k=\(k) (whole process)", Measurement.quantile(times, 0.5), peak))
    }
}

// Report.
let r = metaforTimes(shared)
var table = "| workload | SurvMeta median (IQR) | allocations | metafor 3.8 median | speed-up |\n|---|---:|---:|---:|---:|\n"
var json: [[String: Any]] = []
for (m, c) in results {
    let key = c.rTask.map { "\($0)|\(c.rK ?? 0)" }
    let rt = key.flatMap { r[$0] }
    let rText = rt?.median.map(seconds) ?? (rt != nil ? "not feasible in R (\(rt!.note))" : "—")
    let speed = rt?.median.map { String(format: "%.0f×", $0 / m.median) } ?? "—"
    table += "| \(m.name) | \(seconds(m.median)) (\(seconds(m.p25))–\(seconds(m.p75))) | \(m.medianAllocations) | \(rText) | \(speed) |\n"
    json.append(["workload": m.name, "median_s": m.median, "p25_s": m.p25, "p75_s": m.p75, "min_s": m.minimum,
                 "repetitions": m.times.count, "allocations": m.medianAllocations, "metafor_median_s": rt?.median ?? NSNull()])
}
for (name, t, peak) in processRows {
    table += "| \(name) | \(seconds(t)) | peak RSS \(peak / 1024) MB | | |\n"
    json.append(["workload": name, "median_s": t, "peak_rss_kb": peak])
}
print(table)

// A filtered run (--only) leaves latest.json as the last full run wrote it.
if only == nil {
    let resultsDir = root.appendingPathComponent("Benchmarks/results")
    try FileManager.default.createDirectory(at: resultsDir, withIntermediateDirectories: true)
    let data = try JSONSerialization.data(withJSONObject: ["results": json], options: [.prettyPrinted, .sortedKeys])
    try data.write(to: resultsDir.appendingPathComponent("latest.json"))
}

// Regressions against the committed baseline (more than 1.5× slower is flagged).
if let base = try? JSONSerialization.jsonObject(with: Data(contentsOf: root.appendingPathComponent("Benchmarks/baseline.json"))) as? [String: Any],
   let rows = base["results"] as? [[String: Any]] {
    var slower: [String] = []
    for row in json {
        guard let name = row["workload"] as? String, let t = row["median_s"] as? Double,
              let old = rows.first(where: { $0["workload"] as? String == name })?["median_s"] as? Double else { continue }
        if t > 1.5 * old { slower.append("\(name): \(seconds(t)) vs baseline \(seconds(old))") }
    }
    print(slower.isEmpty ? "No regression against Benchmarks/baseline.json." : "Slower than the baseline:\n" + slower.joined(separator: "\n"))
} else {
    print("No Benchmarks/baseline.json yet: copy Benchmarks/results/latest.json there to set one.")
}
