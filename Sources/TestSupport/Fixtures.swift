import Foundation

/// The `Fixtures/` folder beside the calling test file.
public func fixturesDirectory(_ file: StaticString = #filePath) -> URL {
    URL(fileURLWithPath: "\(file)").deletingLastPathComponent().appendingPathComponent("Fixtures")
}

/// The repository root (the folder holding Package.swift), found from the calling file's path.
public func repositoryRoot(_ file: StaticString = #filePath) -> URL {
    var url = URL(fileURLWithPath: "\(file)").deletingLastPathComponent()
    while url.path != "/" {
        if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        url.deleteLastPathComponent()
    }
    fatalError("Package.swift not found above \(file)")
}

/// The read-only `shared/` folder that sits beside the repository (`../shared`).
public func sharedDirectory(_ file: StaticString = #filePath) -> URL {
    repositoryRoot(file).deletingLastPathComponent().appendingPathComponent("shared")
}

/// A simple fixture CSV written by the committed R scripts: a header row, comma separated,
/// optional double quotes around a field, `NA` for R's missing value. Not the product loader:
/// fixtures are machine-written and regular, so this stays tiny and independent of `OutcomeData`.
public struct FixtureTable {
    public let header: [String]
    public let rows: [[String]]

    public init(contentsOf url: URL) throws {
        let text = try String(contentsOf: url, encoding: .utf8)
        var lines = text.split(whereSeparator: \.isNewline).map(String.init)
        guard !lines.isEmpty else { throw FixtureError.empty(url.path) }
        header = FixtureTable.split(lines.removeFirst())
        rows = lines.filter { !$0.isEmpty }.map(FixtureTable.split)
    }

    public func column(_ name: String) -> Int? { header.firstIndex(of: name) }

    /// Row `r` as a dictionary from column name to text.
    public func record(_ r: Int) -> [String: String] {
        Dictionary(uniqueKeysWithValues: zip(header, rows[r]))
    }

    /// The number in row `r`, column `name`; nil for `NA`, `NaN` or an empty cell.
    public func double(_ r: Int, _ name: String) -> Double? {
        guard let c = column(name), c < rows[r].count else { return nil }
        return FixtureTable.number(rows[r][c])
    }

    public static func number(_ text: String) -> Double? {
        switch text {
        case "NA", "NaN", "": return nil
        case "Inf": return .infinity
        case "-Inf": return -.infinity
        default: return Double(text)
        }
    }

    static func split(_ line: String) -> [String] {
        var fields: [String] = []
        var current = ""
        var quoted = false
        var iterator = line.makeIterator()
        while let ch = iterator.next() {
            if quoted {
                if ch == "\"" { quoted = false } else { current.append(ch) }
            } else if ch == "\"" {
                quoted = true
            } else if ch == "," {
                fields.append(current); current = ""
            } else {
                current.append(ch)
            }
        }
        fields.append(current)
        return fields
    }
}

public enum FixtureError: Error { case empty(String) }
