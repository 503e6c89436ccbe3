import Foundation

/// Path data (`d` attribute) built from absolute commands: move, line, horizontal, vertical,
/// close. Coordinates are written by `SVGNumber.format`; a command with a non-finite coordinate
/// is dropped (with the rest of its subpath, until the next move), so undefined values never reach
/// the document.
public struct SVGPath: Sendable, Equatable, CustomStringConvertible {
    public private(set) var commands: [String] = []
    public var decimals: Int
    /// False after a dropped command until the next valid move.
    private var drawing = false

    public init(decimals: Int = SVGNumber.defaultDecimals) { self.decimals = decimals }

    public var isEmpty: Bool { commands.isEmpty }

    private func f(_ x: Double) -> String { SVGNumber.format(x, decimals: decimals) }

    public mutating func move(_ x: Double, _ y: Double) {
        guard x.isFinite, y.isFinite else { drawing = false; return }
        commands.append("M\(f(x)) \(f(y))")
        drawing = true
    }

    public mutating func line(_ x: Double, _ y: Double) {
        guard drawing, x.isFinite, y.isFinite else { drawing = false; return }
        commands.append("L\(f(x)) \(f(y))")
    }

    public mutating func horizontal(_ x: Double) {
        guard drawing, x.isFinite else { drawing = false; return }
        commands.append("H\(f(x))")
    }

    public mutating func vertical(_ y: Double) {
        guard drawing, y.isFinite else { drawing = false; return }
        commands.append("V\(f(y))")
    }

    public mutating func close() {
        guard drawing else { return }
        commands.append("Z")
    }

    public var description: String { commands.joined(separator: " ") }
}
