extension CSVTable {
    /// The number in `row`, `column`, or nil. Problems are appended to `issues`, not thrown, so that a
    /// loader can check every cell and report all problems of a file together:
    /// - an absent column, or an empty/missing cell (`""`, `NA`, `N/A`, `.`, `-`): nil, and an issue
    ///   when `required` (an absent column is reported once, not once per row);
    /// - text that is not a number: nil and an issue whose hint names the likely slip (decimal comma,
    ///   percent sign, thousands separator, range, …; see `NumberSyntax`);
    /// - `inf`, `nan` or an overflowing value: nil and an issue ("is not a finite number").
    ///
    /// The Unicode minus sign (U+2212) is read as `-` and a leading `+` is accepted.
    /// `expected` describes the value wanted, for the message (`"a number > 0"`); the caller checks the
    /// range itself and reports a violation with `issue(_:_:value:expected:hint:)`.
    public func number(_ row: CSVRow, _ column: String, issues: inout [InputIssue], required: Bool = true,
                       expected: String = "a number") -> Double? {
        guard let c = columnIndex(column) else {
            if required {
                let missing = InputIssue(file: source, line: headerLine, columnName: column,
                                         problem: "required column is missing", expected: "a column named \"\(column)\"",
                                         hint: "the header has " + header.map { "\"\($0)\"" }.joined(separator: ", "))
                if !issues.contains(missing) { issues.append(missing) }
            }
            return nil
        }
        let text = c < row.cells.count ? row.cells[c] : ""
        switch NumberSyntax.classify(text) {
        case .value(let x):
            return x
        case .missing:
            if required {
                issues.append(issue(row, column, value: text,
                                    problem: text.isEmpty ? "is empty, but this column is required"
                                        : "marks a missing value, but this column is required",
                                    expected: expected))
            }
            return nil
        case .invalid(let problem, let hint):
            issues.append(issue(row, column, value: text, problem: problem, expected: expected, hint: hint))
            return nil
        }
    }

    /// The text in `row`, `column`; nil when the column is absent or the cell is empty.
    /// (`NA` is returned as written: whether it means "missing" is the caller's call; see `isMissing`.)
    public func text(_ row: CSVRow, _ column: String) -> String? {
        guard let c = columnIndex(column), c < row.cells.count, !row.cells[c].isEmpty else { return nil }
        return row.cells[c]
    }

    /// Whether the cell is absent or holds a missing-value mark (empty, `NA`, `N/A`, `.`, `-`),
    /// by the same rule as `number`.
    public func isMissing(_ row: CSVRow, _ column: String) -> Bool {
        guard let c = columnIndex(column), c < row.cells.count else { return true }
        return NumberSyntax.isMissing(row.cells[c].trimmingASCIIWhitespace())
    }

    /// An issue located at `row`, `column` (line, column number and header name filled in), for
    /// problems found by callers, e.g. a negative variance:
    /// `table.issue(row, "vi", value: "-0.1", expected: "a number > 0")`.
    public func issue(_ row: CSVRow, _ column: String, value: String?, problem: String? = nil,
                      expected: String, hint: String? = nil) -> InputIssue {
        let c = columnIndex(column)
        return InputIssue(
            file: source, line: c.map { row.line(ofCell: $0) } ?? row.line, column: c.map { $0 + 1 },
            columnName: c.map { header[$0] } ?? column, value: value, problem: problem,
            expected: expected, hint: hint)
    }
}
