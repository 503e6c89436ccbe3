/// One problem in an input file, with everything a person needs to fix it: where it is (file, line,
/// column), what is there, what was expected and, where a common slip explains it, a hint.
///
/// Rendered by `description` as one line, e.g.
///
///     studies.csv:4:3 (column "vi"): "0,25" is not a number; expected a number > 0 (hint: decimal comma? write 0.25)
///
/// Line numbers are physical lines of the file, 1-based, the header being line 1 (blank lines and
/// line breaks inside quoted fields count), so an editor's "go to line" lands on the cell.
/// The command-line tool maps these errors to exit code 1 (see `cli-contract.md`).
public struct InputIssue: Error, Sendable, Equatable, Hashable, CustomStringConvertible {
    /// The path as given by the user, or `"<stdin>"`.
    public var file: String
    /// 1-based physical line in the file (header = 1); nil for problems of the whole file.
    public var line: Int?
    /// 1-based column number (position of the cell in its row).
    public var column: Int?
    /// The header name of that column, as written.
    public var columnName: String?
    /// The offending text, verbatim (`""` for an empty cell); nil when there is no single piece of text.
    public var value: String?
    /// What is wrong, phrased to follow the quoted value (`"is not a number"`; `"" is empty` for an
    /// empty cell), or, when there is no value, as a statement (`"the file is empty"`). Nil when
    /// `expected` says it all (then the message reads `found "x"; expected …`, or `empty cell; expected …`).
    public var problem: String?
    /// What was expected, e.g. `"a number"`, `"a value > 0"`.
    public var expected: String
    /// A likely cause and its fix, e.g. `"decimal comma? write 12.5"` for `12,5`.
    public var hint: String?

    public init(
        file: String, line: Int? = nil, column: Int? = nil, columnName: String? = nil,
        value: String? = nil, problem: String? = nil, expected: String, hint: String? = nil
    ) {
        self.file = file
        self.line = line
        self.column = column
        self.columnName = columnName
        self.value = value
        self.problem = problem
        self.expected = expected
        self.hint = hint
    }

    /// `file:line:column (column "name"): "value" problem; expected … (hint: …)`.
    public var description: String {
        var text = file
        if let line {
            text += ":\(line)"
            if let column { text += ":\(column)" }
        } else if let column {
            text += ": column \(column)"
        }
        if let columnName { text += " (column \"\(InputIssue.display(columnName))\")" }
        text += ": "
        switch (value, problem) {
        case let (value?, problem?):
            text += "\"\(InputIssue.display(value))\" \(problem); expected \(expected)"
        case let (value?, nil):
            text += (value.isEmpty ? "empty cell" : "found \"\(InputIssue.display(value))\"") + "; expected \(expected)"
        case (nil, let problem?):
            text += "\(problem); expected \(expected)"
        case (nil, nil):
            text += "expected \(expected)"
        }
        if let hint { text += " (hint: \(hint))" }
        return text
    }

    /// The longest value shown in a message; longer text (a quoted field that swallowed the rest of
    /// the file, say) is cut with an ellipsis. The full text stays in `value`.
    static let displayLimit = 80

    /// Code points shown escaped because they look like nothing or like a plain space (non-breaking,
    /// thin and zero-width spaces, word joiner, byte-order mark).
    static let invisible: Set<UInt32> = [0x2007, 0x2009, 0x200A, 0x200B, 0x200C, 0x200D, 0x202F, 0x2060, 0xFEFF]

    /// `text` made printable on one line: control and invisible characters escaped, cut at `displayLimit`.
    static func display(_ text: String) -> String {
        var out = ""
        var count = 0
        for scalar in text.unicodeScalars {
            if count == displayLimit { out += "…"; break }
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            default:
                if scalar.value < 0x20 || (0x7F...0xA0).contains(scalar.value) || invisible.contains(scalar.value) {
                    out += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
            count += 1
        }
        return out
    }
}

/// All problems found in one input file, reported together so that one run shows every fix needed.
public struct InputErrors: Error, Sendable, Equatable, CustomStringConvertible {
    public var issues: [InputIssue]

    public init(issues: [InputIssue]) { self.issues = issues }
    public init(_ issues: [InputIssue]) { self.issues = issues }
    public init(_ issue: InputIssue) { self.issues = [issue] }

    /// The most issues `description` lists; the rest are counted.
    public static let listedLimit = 50

    /// One issue per line (at most `listedLimit`, then a count of the rest).
    public var description: String {
        var lines = issues.prefix(InputErrors.listedLimit).map(\.description)
        if issues.count > InputErrors.listedLimit {
            lines.append("… and \(issues.count - InputErrors.listedLimit) more problems")
        }
        return lines.joined(separator: "\n")
    }
}
