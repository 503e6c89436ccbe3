import Foundation

/// Relative difference |a − b| / max(|b|, tiny); equal infinities and two NaNs count as 0.
public func relativeError(_ a: Double, _ b: Double) -> Double {
    if a == b { return 0 }
    if a.isNaN && b.isNaN { return 0 }
    return abs(a - b) / max(abs(b), Double.leastNormalMagnitude)
}

/// True when `a` matches the reference `b` to `rel` relative error, or to `abs` absolute error
/// (for references at or near zero, where a relative error means nothing).
public func isClose(_ a: Double, _ b: Double, rel: Double, abs absTol: Double = 0) -> Bool {
    if a == b { return true }
    if a.isNaN || b.isNaN { return false }
    return Swift.abs(a - b) <= absTol || relativeError(a, b) <= rel
}

/// Same as `isClose` for optionals: nil matches only nil (R's NA).
public func isClose(_ a: Double?, _ b: Double?, rel: Double, abs absTol: Double = 0) -> Bool {
    switch (a, b) {
    case (nil, nil): return true
    case let (x?, y?): return isClose(x, y, rel: rel, abs: absTol)
    default: return false
    }
}
