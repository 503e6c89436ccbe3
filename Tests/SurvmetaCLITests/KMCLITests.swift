import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import TestSupport

// The golden cases of `survmeta km`, `cox` and `logrank` come from
// Fixtures/survival/survival_cli_fixtures.R (R 4.2.2, survival 3.5-3): cases.csv gives each case's
// command line (run in that folder) and the R call behind it; expected.csv gives, per case, a
// JSON path, its kind and R's value (full precision, NA = null). `SurvivalGolden` below is shared
// by KMCLITests, CoxCLITests and LogRankCLITests.

/// One golden case: the command line and the values R computed for its JSON.
struct SurvivalGoldenCase: Sendable, CustomTestStringConvertible {
    let name: String
    let arguments: [String]
    let rCall: String
    let expected: [SurvivalGolden.Expectation]

    var testDescription: String { name }
}

enum SurvivalGolden {
    struct Expectation: Sendable {
        let path: String
        let kind: String
        let value: String
    }

    static let folder = fixturesDirectory().appendingPathComponent("survival")

    /// The cases whose name starts with `prefix` ("km_", "cox_", "logrank_").
    static func cases(_ prefix: String) -> [SurvivalGoldenCase] {
        guard let cases = try? FixtureTable(contentsOf: folder.appendingPathComponent("cases.csv")),
              let expected = try? FixtureTable(contentsOf: folder.appendingPathComponent("expected.csv")) else {
            return []
        }
        var byCase: [String: [Expectation]] = [:]
        for r in expected.rows.indices {
            let row = expected.record(r)
            byCase[row["case"]!, default: []].append(Expectation(path: row["path"]!, kind: row["kind"]!, value: row["value"]!))
        }
        return cases.rows.indices.map { cases.record($0) }.filter { $0["case"]!.hasPrefix(prefix) }.map { row in
            SurvivalGoldenCase(name: row["case"]!, arguments: row["arguments"]!.split(separator: " ").map(String.init),
                               rCall: row["r_call"]!, expected: byCase[row["case"]!] ?? [])
        }
    }

    /// A path such as `groups[1].surv[3].ci_low` as keys and indices.
    enum Step: Hashable { case key(String), index(Int) }

    static func steps(_ path: String) -> [Step] {
        var steps: [Step] = []
        for part in path.split(separator: ".") {
            var name = Substring(part)
            var indices: [Int] = []
            while let open = name.lastIndex(of: "["), name.last == "]" {
                indices.insert(Int(name[name.index(after: open)..<name.index(before: name.endIndex)])!, at: 0)
                name = name[..<open]
            }
            steps.append(.key(String(name)))
            steps += indices.map(Step.index)
        }
        return steps
    }

    static func value(_ json: Any, at steps: [Step]) -> Any? {
        var current: Any? = json
        for step in steps {
            switch step {
            case .key(let k): current = (current as? [String: Any])?[k]
            case .index(let i):
                guard let array = current as? [Any], i < array.count else { return nil }
                current = array[i]
            }
        }
        return current
    }

    /// Runs the case and compares every expected field at `rel` relative error (absolute 1e-12 for
    /// values R gives as 0 up to rounding); arrays must have exactly as many entries as R's.
    static func check(_ c: SurvivalGoldenCase, rel: Double) throws {
        #expect(!c.expected.isEmpty, "no expectations for \(c.name)")
        let r = try runSurvmeta(c.arguments, in: folder)
        try #require(r.exitCode == 0, "\(c.name): exit \(r.exitCode): \(r.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8))
        var lengths: [[Step]: Int] = [:]
        for e in c.expected {
            let path = steps(e.path)
            for (k, step) in path.enumerated() {
                if case .index(let i) = step { lengths[Array(path[..<k]), default: 0] = max(lengths[Array(path[..<k]), default: 0], i + 1) }
            }
            let ours = value(json, at: path)
            let label = "\(c.name) \(e.path) (R: \(c.rCall))"
            switch (e.kind, e.value) {
            case ("num", "NA"):
                #expect(ours is NSNull, "\(label): R gives NA, survmeta \(String(describing: ours))")
            case ("num", let text):
                let reference = try #require(Double(text))
                let actual = (ours as? NSNumber)?.doubleValue
                #expect(isClose(actual, reference, rel: rel, abs: 1e-12),
                        "\(label): survmeta \(String(describing: actual)), R \(text)")
            case ("int", let text):
                #expect((ours as? NSNumber)?.intValue == Int(text) && !(ours is NSNull), "\(label): survmeta \(String(describing: ours)), R \(text)")
            case ("bool", let text):
                #expect((ours as? Bool) == (text == "true"), "\(label): survmeta \(String(describing: ours)), R \(text)")
            default:
                #expect(ours as? String == e.value, "\(label): survmeta \(String(describing: ours)), R \(e.value)")
            }
        }
        for (path, count) in lengths {
            let array = value(json, at: path) as? [Any]
            #expect(array?.count == count, "\(c.name): \(path) has \(array?.count ?? -1) entries; R has \(count)")
        }
    }

    /// The JSON output without its run `record` (which names the input and the time of the run),
    /// for comparing two runs.
    static func analysis(_ text: String) throws -> NSDictionary {
        var object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        object["record"] = nil
        return object as NSDictionary
    }

    /// The fixture file `name` in the survival fixtures folder.
    static func file(_ name: String) -> String { folder.appendingPathComponent(name).path }

    /// A temporary folder for one test, removed by the caller.
    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("survmeta-survival-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// `survmeta km` against R's survfit/summary/print (survival 3.5-3), its formats, the SVG plot and
/// its input errors.
struct KMCLITests {
    /// Every JSON number at 1e-6 relative (closed-form estimates): --times past the last follow-up
    /// (aml: 100 and 200), --tau past the end (250), a group without events (no_events, arm B),
    /// log, plain and log-log intervals, levels 0.95 and 0.9, one pooled curve.
    @Test(arguments: SurvivalGolden.cases("km_"))
    func matchesR(_ c: SurvivalGoldenCase) throws {
        try SurvivalGolden.check(c, rel: 1e-6)
    }

    @Test func goldenCasesAreThere() {
        #expect(SurvivalGolden.cases("km_").count == 5)
    }

    /// `-` reads standard input: same output as the file.
    @Test func standardInputGivesTheSameOutput() throws {
        let path = SurvivalGolden.file("aml.csv")
        let fromFile = try runSurvmeta(["km", path, "--by", "arm", "--format", "json"])
        let fromStdin = try runSurvmeta(["km", "-", "--by", "arm", "--format", "json"],
                                        stdin: try String(contentsOfFile: path, encoding: .utf8))
        #expect(fromFile.exitCode == 0 && fromStdin.exitCode == 0, "\(fromStdin.stderr)")
        #expect(try SurvivalGolden.analysis(fromFile.stdout) == SurvivalGolden.analysis(fromStdin.stdout))
    }

    /// The tidy CSV starts each curve at time 0 (S = 1, everyone at risk) and lists every step:
    /// aml has 10 distinct times per arm (R: survfit(Surv(time, status) ~ x, aml)$strata = 10, 10).
    @Test func csvIsTheTidyLongCurve() throws {
        let r = try runSurvmeta(["km", SurvivalGolden.file("aml.csv"), "--by", "arm", "--format", "csv"])
        #expect(r.exitCode == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "group,time,surv,se,ci_low,ci_high,nrisk,n_event,n_censor")
        #expect(lines.dropFirst().first == "Maintained,0,1,0,1,1,11,0,0")
        #expect(lines.filter { $0.hasPrefix("Maintained,") }.count == 1 + 10)
        #expect(lines.filter { $0.hasPrefix("Nonmaintained,") }.count == 1 + 10)
        // Nonmaintained ends at S = 0 (last subject dies at 45): R's std.err and CI are NA there.
        #expect(lines.last == "Nonmaintained,45.0,0,NA,NA,NA,1,1,0")
    }

    /// The table reads like print(survfit) + summary(survfit): R's column names and values.
    @Test func tableLooksLikeR() throws {
        let r = try runSurvmeta(["km", SurvivalGolden.file("aml.csv"), "--by", "arm", "--times", "12,30"])
        #expect(r.exitCode == 0, "\(r.stderr)")
        for fragment in ["n  events  median  0.95LCL  0.95UCL", "arm=Maintained", "arm=Nonmaintained",
                         "lower 95% CI", "restricted mean with upper limit = 161", "standard error of the survival probability"] {
            #expect(r.stdout.contains(fragment), "missing \"\(fragment)\" in\n\(r.stdout)")
        }
        // print(survfit(Surv(time, status) ~ x, aml)): Maintained median 31, LCL 18, UCL NA.
        #expect(r.stdout.contains("arm=Maintained     11       7      31       18       NA"))
        let md = try runSurvmeta(["km", SurvivalGolden.file("aml.csv"), "--by", "arm", "--format", "md"])
        #expect(md.exitCode == 0 && md.stdout.contains("| group | time |"))
    }

    /// --svg writes a parseable plot next to the normal output; --output is written atomically
    /// (nothing on standard output, no temporary file left behind).
    @Test func svgAndOutputFiles() throws {
        let folder = try SurvivalGolden.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let svg = folder.appendingPathComponent("km.svg").path
        let out = folder.appendingPathComponent("km.json").path
        let r = try runSurvmeta(["km", SurvivalGolden.file("aml.csv"), "--by", "arm", "--svg", svg, "--svg-ci",
                                 "--time-label", "Weeks", "--format", "json", "--output", out])
        #expect(r.exitCode == 0, "\(r.stderr)")
        #expect(r.stdout.isEmpty)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out))) as? [String: Any])
        #expect((json["groups"] as? [Any])?.count == 2)
        let data = try Data(contentsOf: URL(fileURLWithPath: svg))
        let parser = XMLParser(data: data)
        #expect(parser.parse(), "SVG is not well-formed XML: \(String(describing: parser.parserError))")
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("<title id=\"km-title\">Kaplan–Meier estimate</title>") && text.contains(">Weeks</text>"))
        #expect(text.components(separatedBy: "class=\"curve\"").count - 1 == 2)
        #expect(text.contains("class=\"ci-band\""))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty, "temporary files left: \(leftovers)")
    }

    @Test func helpHasAnExample() throws {
        let r = try runSurvmeta(["km", "--help"])
        #expect(r.exitCode == 0)
        #expect(r.stdout.contains("Example:") && r.stdout.contains("survmeta km ") && r.stdout.contains("standard error of the survival"))
    }

    // MARK: Bad input

    /// A missing `time` column: exit 1, the file, the header line, the column and what was expected.
    @Test func missingTimeColumn() throws {
        let r = try runSurvmeta(["km", "-", "--format", "json"], stdin: "tme,event\n1,1\n2,0\n")
        #expect(r.exitCode == 1)
        #expect(r.stdout.isEmpty)
        for fragment in ["<stdin>:1", "(column \"time\")", "required column is missing", "expected a column named \"time\"",
                         "did you mean \"tme\"?"] {
            #expect(r.stderr.contains(fragment), "missing \"\(fragment)\" in \(r.stderr)")
        }
    }

    /// Negative time, event = 2 and an empty arm are all reported in one run, each with file, line,
    /// column, value and what was expected.
    @Test func badCellsAreAllReported() throws {
        let folder = try SurvivalGolden.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("ipd.csv").path
        try "time,event,arm\n5,1,A\n-3,1,A\n7,2,B\n8,0,\n".write(toFile: file, atomically: true, encoding: .utf8)
        let r = try runSurvmeta(["km", file, "--by", "arm"])
        #expect(r.exitCode == 1)
        for fragment in ["\(file):3:1 (column \"time\"): \"-3\" is negative; expected a follow-up time (a number ≥ 0)",
                         "\(file):4:2 (column \"event\"): \"2\" is not 0 or 1; expected 1 (event) or 0 (censored)",
                         "subtract 1",
                         "\(file):5:3 (column \"arm\"): \"\" is empty; expected a group label"] {
            #expect(r.stderr.contains(fragment), "missing \"\(fragment)\" in \(r.stderr)")
        }
    }

    /// `--by` naming a column that is not there is a data error (exit 1) naming the column.
    @Test func byColumnAbsent() throws {
        let r = try runSurvmeta(["km", SurvivalGolden.file("aml.csv"), "--by", "treatment"])
        #expect(r.exitCode == 1)
        for fragment in ["aml.csv:1 (column \"treatment\")", "required column is missing",
                         "expected a column named \"treatment\"", "the header has \"time\", \"event\", \"arm\""] {
            #expect(r.stderr.contains(fragment), "missing \"\(fragment)\" in \(r.stderr)")
        }
    }

    /// Unknown choices and malformed options are usage errors (exit 2).
    @Test(arguments: [["--conf-type", "logit"], ["--level", "95"], ["--times", "12,abc"], ["--times", "-1"], ["--tau", "0"]])
    func usageErrors(_ options: [String]) throws {
        let r = try runSurvmeta(["km", SurvivalGolden.file("aml.csv")] + options)
        #expect(r.exitCode == 2, "\(options): exit \(r.exitCode) \(r.stderr)")
        #expect(r.stdout.isEmpty)
    }

    @Test func unknownConfTypeListsTheChoices() throws {
        let r = try runSurvmeta(["km", SurvivalGolden.file("aml.csv"), "--conf-type", "logit"])
        #expect(r.exitCode == 2)
        #expect(r.stderr.contains("'plain', 'log' or 'log-log'"), "\(r.stderr)")
    }
}
