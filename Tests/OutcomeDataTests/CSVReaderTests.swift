import Foundation
import OutcomeData
import TestSupport
import Testing

/// The CSV loader on valid input: every accepted variant of RFC 4180 (section 2) and of hand-typed
/// files. Files are in `Fixtures/valid/` (written by hand; byte-level variants such as BOM and CR line
/// ends are listed in `Fixtures/valid/README.md`).
@Suite("CSVReader: valid input")
struct CSVReaderValidTests {
    static let validDirectory = fixturesDirectory().appendingPathComponent("valid")

    static func load(_ name: String) throws -> CSVTable {
        try CSVReader.read(path: validDirectory.appendingPathComponent(name).path)
    }

    /// The three studies every file below encodes, in its own byte-level variant.
    static let sameContent = [
        "plain.csv", "bom.csv", "crlf.csv", "bom_crlf.csv", "cr_only.csv", "no_final_newline.csv",
        "trailing_blank_lines.csv", "case_insensitive_header.csv", "whitespace_around_cells.csv",
        "quoted_numbers.csv", "number_forms.csv", "spreadsheet_empty_rows.csv",
    ]

    @Test("byte-level variants read to the same table", arguments: sameContent)
    func sameTable(_ name: String) throws {
        let table = try Self.load(name)
        #expect(table.header.map { $0.lowercased() } == ["study", "yi", "vi"])
        #expect(table.header.allSatisfy { $0 == $0.trimmingCharacters(in: .whitespaces) })
        #expect(table.rows.map(\.cells.first) == ["A", "B", "C"])
        try table.require(["STUDY", "Yi", " vi "])
        var issues: [InputIssue] = []
        let yi = table.rows.map { table.number($0, "yi", issues: &issues) }
        let vi = table.rows.map { table.number($0, "vi", issues: &issues) }
        #expect(issues.isEmpty)
        // Decimal literals read by strtod-equivalent rounding: exact equality with Swift's literals.
        #expect(yi == [0.1, -0.2, 0.3])
        #expect(vi == [0.01, 0.02, 0.03])
        #expect(table.headerLine == 1)
        let lines = table.rows.map(\.line)
        #expect(lines == (name == "spreadsheet_empty_rows.csv" ? [2, 4, 5] : [2, 3, 4]))
    }

    @Test("blank lines in the middle are skipped; line numbers stay physical")
    func blankLinesMiddle() throws {
        let table = try Self.load("blank_lines_middle.csv")
        #expect(table.rows.map(\.line) == [3, 6, 8])
        #expect(table.rows.map(\.cells) == [["A", "0.1", "0.01"], ["B", "-0.2", "0.02"], ["C", "0.3", "0.03"]])
    }

    @Test("blank lines before the header: the header line is physical")
    func leadingBlankLines() throws {
        let table = try Self.load("leading_blank_lines.csv")
        #expect(table.headerLine == 3)
        #expect(table.rows.map(\.line) == [4])
    }

    @Test("quoted fields keep commas (RFC 4180 §2.6)")
    func quotedCommas() throws {
        let table = try Self.load("quoted_commas.csv")
        #expect(table.rows.map(\.cells) == [["Smith, 2003", "0.1", "0.01"], ["Jones, Lee, 2006", "-0.2", "0.02"]])
    }

    @Test("doubled quotes inside quoted fields are one quote (RFC 4180 §2.7)")
    func doubledQuotes() throws {
        let table = try Self.load("doubled_quotes.csv")
        #expect(table.rows.map { $0.cells[0] } == ["O\"Brien \"Jr\"", "\"quoted\""])
    }

    @Test("line breaks inside quoted fields are kept and counted")
    func embeddedNewline() throws {
        let table = try Self.load("embedded_newline.csv")
        #expect(table.rows.map { $0.cells[0] } == ["Smith\n2003", "Jones\r\nLee\n2006", "C"])
        // Row 1 spans lines 2–3, row 2 lines 4–6 (CRLF counts once), row 3 is line 7.
        #expect(table.rows.map(\.line) == [2, 4, 7])
    }

    @Test("UTF-8 labels are read as written")
    func utf8Labels() throws {
        let table = try Self.load("utf8_labels.csv")
        #expect(table.rows.map { $0.cells[0] } == ["Müller 2005", "李 2010", "Ødegård – 2012"])
    }

    @Test("spaces inside quotes are kept; outside they are trimmed")
    func quotedSpaces() throws {
        #expect(try Self.load("quoted_spaces_kept.csv").rows[0].cells[0] == "  A  ")
    }

    @Test("a quote inside an unquoted cell is a literal character")
    func quoteInUnquotedCell() throws {
        #expect(try Self.load("quote_in_unquoted_cell.csv").rows[0].cells[0] == "Smith \"Jr\" 2003")
    }

    @Test("missing values in an optional column: nil and no issue")
    func optionalMissing() throws {
        let table = try Self.load("optional_missing.csv")
        var issues: [InputIssue] = []
        let age = table.rows.map { table.number($0, "age", issues: &issues, required: false) }
        #expect(age == [nil, nil, 61.5, nil, nil])
        #expect(issues.isEmpty)
        #expect(table.rows.map { table.isMissing($0, "age") } == [true, true, false, true, true])
        #expect(table.rows.map { table.text($0, "age") } == ["NA", nil, "61.5", "n/a", "."])
        #expect(table.text(table.rows[0], "no_such_column") == nil)
    }
}

/// Behaviour on strings, where the exact bytes matter.
@Suite("CSVReader: grammar details")
struct CSVReaderGrammarTests {
    @Test("Data and String entry points agree")
    func dataAndString() throws {
        let text = "study,yi\n\"a,b\",1\n"
        #expect(try CSVReader.parse(text, source: "s") == CSVReader.parse(Data(text.utf8), source: "s"))
    }

    @Test("a trailing comma at end of file gives a last empty cell")
    func trailingEmptyCell() throws {
        let table = try CSVReader.parse("a,b,c\n1,2,", source: "t")
        #expect(table.rows.map(\.cells) == [["1", "2", ""]])
    }

    @Test("a lone CR inside quotes counts as a line break")
    func loneCRInQuotes() throws {
        let table = try CSVReader.parse("a,b\n\"x\ry\",1\n\"z\",2\n", source: "t")
        #expect(table.rows.map(\.line) == [2, 4])
        #expect(table.rows[0].cells[0] == "x\ry")
    }

    @Test("column lookup ignores case and surrounding spaces")
    func columnLookup() throws {
        let table = try CSVReader.parse("Study, HR ,ci_LOW\nA,1,2\n", source: "t")
        #expect(table.columnIndex("hr") == 1)
        #expect(table.columnIndex(" CI_low ") == 2)
        #expect(table.hasColumn("STUDY"))
        #expect(!table.hasColumn("yi"))
        #expect(table.header == ["Study", "HR", "ci_LOW"])
    }

    @Test("issue(_:_:…) locates a cell on its own line, even inside a multi-line row")
    func issueLocation() throws {
        let table = try CSVReader.parse("study,yi,vi\n\"Smith\n2003\",0.1,-0.5\n", source: "s.csv")
        let issue = table.issue(table.rows[0], "VI", value: "-0.5", problem: "is negative", expected: "a number > 0")
        #expect(issue == InputIssue(file: "s.csv", line: 3, column: 3, columnName: "vi", value: "-0.5",
                                    problem: "is negative", expected: "a number > 0"))
        #expect(table.issue(table.rows[0], "study", value: "x", expected: "y").line == 2)
    }

    @Test("every problem of a file is reported, in file order")
    func allProblemsTogether() {
        let text = "study,yi,vi,YI\nA,1\n\"B\"x,2,3,4\nC,1,2,3\n"
        #expect {
            _ = try CSVReader.parse(text, source: "m.csv")
        } throws: { error in
            guard let errors = error as? InputErrors else { return false }
            return errors.issues.map { [$0.line, $0.column] } == [[1, 4], [2, nil], [3, 1]]
        }
    }
}

/// Messages: the format users read, and the file-level errors of `read(path:)`.
@Suite("CSVReader: messages")
struct CSVReaderMessageTests {
    @Test("the message names file, line, column, column name, value, expectation and hint")
    func messageFormat() {
        let issue = InputIssue(file: "studies.csv", line: 4, column: 3, columnName: "vi", value: "0,25",
                               problem: "is not a number", expected: "a number > 0", hint: "decimal comma? write 0.25")
        #expect(issue.description
            == #"studies.csv:4:3 (column "vi"): "0,25" is not a number; expected a number > 0 (hint: decimal comma? write 0.25)"#)
    }

    @Test("message variants without value, problem or position")
    func messageVariants() {
        #expect(InputIssue(file: "f.csv", problem: "the file is empty", expected: "a header").description
            == "f.csv: the file is empty; expected a header")
        #expect(InputIssue(file: "f.csv", line: 2, column: 1, value: "-1", expected: "a number > 0").description
            == #"f.csv:2:1: found "-1"; expected a number > 0"#)
        #expect(InputIssue(file: "f.csv", line: 2, column: 1, value: "", expected: "a label").description
            == "f.csv:2:1: empty cell; expected a label")
        #expect(InputIssue(file: "<stdin>", line: 7, expected: "3 cells").description == "<stdin>:7: expected 3 cells")
    }

    @Test("values are shown on one line: control and invisible characters escaped, long text cut")
    func valueDisplay() {
        let issue = InputIssue(file: "f", line: 1, value: "a\nb\u{00A0}\"", problem: "is odd", expected: "x")
        #expect(issue.description == #"f:1: "a\nb\u{A0}\"" is odd; expected x"#)
        let long = InputIssue(file: "f", value: String(repeating: "x", count: 200), problem: "is long", expected: "y")
        #expect(long.description == "f: \"" + String(repeating: "x", count: 80) + "…\" is long; expected y")
    }

    @Test("InputErrors lists one issue per line, at most 50, then counts the rest")
    func errorsDescription() {
        let issues = (1...53).map { InputIssue(file: "f", line: $0, expected: "x") }
        let lines = InputErrors(issues).description.split(separator: "\n")
        #expect(lines.count == 51)
        #expect(lines.first == "f:1: expected x")
        #expect(lines.last == "… and 3 more problems")
    }

    @Test("require lists every missing column, names the columns present and suggests near misses")
    func requireColumns() throws {
        let table = try CSVReader.parse("study,y_i,sei\nA,1,2\n", source: "r.csv")
        #expect(throws: InputErrors([
            InputIssue(file: "r.csv", line: 1, columnName: "yi", problem: "required column is missing",
                       expected: #"a column named "yi""#, hint: #"did you mean "y_i"? the header has "study", "y_i", "sei""#),
            InputIssue(file: "r.csv", line: 1, columnName: "vi", problem: "required column is missing",
                       expected: #"a column named "vi""#, hint: #"the header has "study", "y_i", "sei""#),
        ])) { try table.require(["study", "yi", "vi"]) }
        try table.require(["STUDY", "sei"])
    }

    @Test("nearestColumn finds near misses of case, punctuation and one letter, and nothing else")
    func nearestColumn() throws {
        let table = try CSVReader.parse("Study,Y I,events,ci.low\nA,1,2,3\n", source: "n.csv")
        #expect(table.nearestColumn(to: "yi") == "Y I")
        #expect(table.nearestColumn(to: "event") == "events")
        #expect(table.nearestColumn(to: "ci_low") == "ci.low")
        #expect(table.nearestColumn(to: "vi") == nil)
        #expect(table.nearestColumn(to: "n") == nil)
    }

    @Test("require(minimumRows:) reports a file with too few data rows")
    func requireRows() throws {
        let table = try CSVReader.parse("study,yi,vi\n", source: "h.csv")
        #expect(table.rows.isEmpty)
        #expect(throws: InputErrors(InputIssue(file: "h.csv", problem: "the file has a header but no data rows",
                                               expected: "at least 1 data row below the header"))) {
            try table.require(["study"])
        }
        try table.require(["study"], minimumRows: 0)
    }

    @Test("a path that does not exist, or is a directory, is an input error naming the path")
    func unreadablePaths() throws {
        let missing = "/nonexistent/survmeta/studies.csv"
        #expect(throws: InputErrors(InputIssue(file: missing, problem: "the file does not exist",
                                               expected: "the path of a CSV file",
                                               hint: "check the spelling and the working directory"))) {
            try CSVReader.read(path: missing)
        }
        let directory = fixturesDirectory().path
        #expect(throws: InputErrors(InputIssue(file: directory, problem: "this is a directory",
                                               expected: "the path of a CSV file"))) {
            try CSVReader.read(path: directory)
        }
    }
}
