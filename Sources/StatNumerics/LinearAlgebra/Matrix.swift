/// A dense real matrix stored column-major, the layout LAPACK expects.
///
/// `Matrix` is the only type that knows the layout: element (i, j) lives at `storage[i + j * rows]`.
/// It is a value type; the products weighted least squares needs (XᵀWX, XᵀWy, X·b) are methods
/// written as plain loops, which for the narrow designs of meta-regression (p ≤ ~20 columns,
/// k up to 10⁶ rows) are memory-bound and need no BLAS.
public struct Matrix: Sendable, Equatable, Hashable, Codable {
    public let rows: Int
    public let columns: Int
    /// Column-major elements, `rows * columns` of them.
    public internal(set) var storage: [Double]

    /// A `rows × columns` matrix filled with `value`.
    public init(rows: Int, columns: Int, repeating value: Double = 0) {
        precondition(rows >= 0 && columns >= 0, "Matrix dimensions must be non-negative")
        self.rows = rows
        self.columns = columns
        self.storage = Array(repeating: value, count: rows * columns)
    }

    /// A matrix from column-major elements.
    public init(rows: Int, columns: Int, columnMajor elements: [Double]) {
        precondition(elements.count == rows * columns, "Matrix needs \(rows * columns) elements, got \(elements.count)")
        self.rows = rows
        self.columns = columns
        self.storage = elements
    }

    /// A matrix from an array of rows (all of the same length); convenient in tests.
    public init(_ rowArrays: [[Double]]) {
        let r = rowArrays.count
        let c = rowArrays.first?.count ?? 0
        precondition(rowArrays.allSatisfy { $0.count == c }, "All rows must have the same length")
        self.init(rows: r, columns: c)
        for i in 0..<r { for j in 0..<c { storage[i + j * r] = rowArrays[i][j] } }
    }

    /// A matrix whose columns are the given vectors (all of the same length).
    public init(columns columnArrays: [[Double]]) {
        let c = columnArrays.count
        let r = columnArrays.first?.count ?? 0
        precondition(columnArrays.allSatisfy { $0.count == r }, "All columns must have the same length")
        self.init(rows: r, columns: c, columnMajor: columnArrays.flatMap { $0 })
    }

    /// The n × n identity.
    public static func identity(_ n: Int) -> Matrix {
        var m = Matrix(rows: n, columns: n)
        for i in 0..<n { m[i, i] = 1 }
        return m
    }

    /// A square matrix with `d` on the diagonal.
    public static func diagonal(_ d: [Double]) -> Matrix {
        var m = Matrix(rows: d.count, columns: d.count)
        for i in d.indices { m[i, i] = d[i] }
        return m
    }

    public subscript(row: Int, column: Int) -> Double {
        get {
            precondition(row >= 0 && row < rows && column >= 0 && column < columns, "Matrix index out of range")
            return storage[row + column * rows]
        }
        set {
            precondition(row >= 0 && row < rows && column >= 0 && column < columns, "Matrix index out of range")
            storage[row + column * rows] = newValue
        }
    }

    public var isSquare: Bool { rows == columns }

    /// True when every element is finite (no NaN, no ±∞).
    public var isFinite: Bool { storage.allSatisfy { $0.isFinite } }

    public func column(_ j: Int) -> [Double] { Array(storage[(j * rows)..<((j + 1) * rows)]) }

    public func row(_ i: Int) -> [Double] { (0..<columns).map { self[i, $0] } }

    public var diagonalElements: [Double] { (0..<min(rows, columns)).map { self[$0, $0] } }

    public var transposed: Matrix {
        var t = Matrix(rows: columns, columns: rows)
        for j in 0..<columns { for i in 0..<rows { t.storage[j + i * columns] = storage[i + j * rows] } }
        return t
    }

    /// Rows to an array of arrays (row-major), for printing and JSON.
    public var rowArrays: [[Double]] { (0..<rows).map(row) }
}

// MARK: - Products

extension Matrix {
    /// The matrix product A·B.
    public static func * (a: Matrix, b: Matrix) -> Matrix {
        precondition(a.columns == b.rows, "Matrix product needs a.columns == b.rows (\(a.columns) vs \(b.rows))")
        var c = Matrix(rows: a.rows, columns: b.columns)
        for j in 0..<b.columns {
            for l in 0..<a.columns {
                let blj = b.storage[l + j * b.rows]
                if blj == 0 { continue }
                let aOffset = l * a.rows
                let cOffset = j * a.rows
                for i in 0..<a.rows { c.storage[cOffset + i] += a.storage[aOffset + i] * blj }
            }
        }
        return c
    }

    /// The matrix–vector product A·x.
    public static func * (a: Matrix, x: [Double]) -> [Double] {
        precondition(a.columns == x.count, "Matrix–vector product needs a.columns == x.count")
        var y = [Double](repeating: 0, count: a.rows)
        for j in 0..<a.columns {
            let xj = x[j]
            if xj == 0 { continue }
            let offset = j * a.rows
            for i in 0..<a.rows { y[i] += a.storage[offset + i] * xj }
        }
        return y
    }

    public static func + (a: Matrix, b: Matrix) -> Matrix {
        precondition(a.rows == b.rows && a.columns == b.columns, "Matrix sum needs equal shapes")
        return Matrix(rows: a.rows, columns: a.columns, columnMajor: zip(a.storage, b.storage).map(+))
    }

    public static func - (a: Matrix, b: Matrix) -> Matrix {
        precondition(a.rows == b.rows && a.columns == b.columns, "Matrix difference needs equal shapes")
        return Matrix(rows: a.rows, columns: a.columns, columnMajor: zip(a.storage, b.storage).map(-))
    }

    public static func * (s: Double, a: Matrix) -> Matrix {
        Matrix(rows: a.rows, columns: a.columns, columnMajor: a.storage.map { s * $0 })
    }

    /// Xᵀ·diag(w)·X, the p × p cross-product of weighted least squares (symmetric; both triangles filled).
    public func weightedGram(_ w: [Double]) -> Matrix {
        precondition(w.count == rows, "weightedGram needs one weight per row")
        var g = Matrix(rows: columns, columns: columns)
        for a in 0..<columns {
            let ca = a * rows
            for b in 0...a {
                let cb = b * rows
                var s = 0.0
                for i in 0..<rows { s += storage[ca + i] * w[i] * storage[cb + i] }
                g.storage[a + b * columns] = s
                g.storage[b + a * columns] = s
            }
        }
        return g
    }

    /// Xᵀ·diag(w)·y, the right-hand side of weighted least squares.
    public func weightedCross(_ w: [Double], _ y: [Double]) -> [Double] {
        precondition(w.count == rows && y.count == rows, "weightedCross needs one weight and one y per row")
        var out = [Double](repeating: 0, count: columns)
        for a in 0..<columns {
            let ca = a * rows
            var s = 0.0
            for i in 0..<rows { s += storage[ca + i] * w[i] * y[i] }
            out[a] = s
        }
        return out
    }

    /// The quadratic form xᵀ·A·x for a square A.
    public func quadraticForm(_ x: [Double]) -> Double {
        precondition(isSquare && x.count == rows, "quadraticForm needs a square matrix and a matching vector")
        var s = 0.0
        for j in 0..<columns {
            var t = 0.0
            let offset = j * rows
            for i in 0..<rows { t += storage[offset + i] * x[i] }
            s += t * x[j]
        }
        return s
    }

    /// The submatrix of the given rows and columns (in the order given).
    public func submatrix(rows rowIndices: [Int], columns columnIndices: [Int]) -> Matrix {
        var m = Matrix(rows: rowIndices.count, columns: columnIndices.count)
        for (jj, j) in columnIndices.enumerated() {
            for (ii, i) in rowIndices.enumerated() { m[ii, jj] = self[i, j] }
        }
        return m
    }
}
