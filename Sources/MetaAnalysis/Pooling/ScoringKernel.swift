import Foundation
import StatNumerics

/// An allocation-free fit of τ² (ML, REML, EB by `TauSquaredEstimation.fisherScoring`'s algorithm;
/// DL and HE in closed form) for y = Xβ + u + ε with a small number of columns p, on buffers that are
/// allocated once and reused: the engine of the post-fit functions that refit a model hundreds or
/// thousands of times (leave-one-out, influence, cumulative, permutation tests).
///
/// Every quantity comes from p × p sums accumulated in two passes over the studies, with
/// W = diag(wᵢ), wᵢ = 1/(vᵢ + τ²), G = XᵀWX, M = G⁻¹, S = Xᵀ W² X, T = Xᵀ W³ X, c = XᵀW y_c
/// (y_c = y centred at its mean, metafor's `Ymc`), β = M c, rᵢ = y_cᵢ − xᵢᵀβ, uᵢ = wᵢ rᵢ = (P y_c)ᵢ:
///
/// - yᵀPy = Σ uᵢ rᵢ, yᵀP²y = Σ uᵢ², yᵀP³y = uᵀPu = Σ wᵢuᵢ² − c_uᵀ M c_u with c_u = Xᵀ W u;
/// - tr P = Σ wᵢ − tr(M S), tr P² = Σ wᵢ² − 2 tr(M T) + tr(M S M S);
/// - log det G = 2 Σ log Lⱼⱼ (G = LLᵀ by Cholesky), Σ log(vᵢ + τ²) by products of 8 terms.
///
/// These are the formulas of `WeightedProjection` (P = W − WX M XᵀW) rearranged so that no per-study
/// leverage is needed; the iteration (steps, halvings, Newton switch, `ll0check`) is the one of
/// `TauSquaredEstimation.fisherScoring`, so the optimum is the same up to rounding.
///
/// Not thread-safe: one workspace per thread (`ParallelMap.map(_:workspace:_:)`).
final class ScoringWorkspace {
    /// The largest number of studies the buffers hold, and the number of columns.
    let capacity: Int
    let p: Int
    /// The number of studies loaded (≤ capacity).
    var k = 0
    /// Evaluations made since the last `prepare` (each is O(k·p²)).
    var evaluations = 0
    /// Per-study buffers (capacity each); `x` is row-major: x[i·p + a].
    let y: UnsafeMutablePointer<Double>
    let v: UnsafeMutablePointer<Double>
    let x: UnsafeMutablePointer<Double>
    let yc: UnsafeMutablePointer<Double>
    /// wᵢ of the last evaluation.
    private let w: UnsafeMutablePointer<Double>
    /// Caller's scratch of `capacity` doubles and of `capacity` indices (e.g. a permutation).
    let scratch: UnsafeMutablePointer<Double>
    let indices: UnsafeMutablePointer<Int>
    // p × p and p-vectors: shared scratch and two result slots (M, c_y) for the trial/current states.
    private let g, s, t, l, ms, c, cu: UnsafeMutablePointer<Double>
    private let slotM: [UnsafeMutablePointer<Double>]
    private let slotCy: [UnsafeMutablePointer<Double>]
    /// The kernel's own small scratch: 4 p × p blocks and 4 p-vectors.
    private let work: UnsafeMutablePointer<Double>
    /// Caller's small scratch: 8 p × p blocks and 8 p-vectors.
    let small: UnsafeMutablePointer<Double>

    init(capacity: Int, p: Int) {
        precondition(capacity >= 1 && p >= 1)
        self.capacity = capacity
        self.p = p
        y = .allocate(capacity: capacity)
        v = .allocate(capacity: capacity)
        x = .allocate(capacity: capacity * p)
        yc = .allocate(capacity: capacity)
        w = .allocate(capacity: capacity)
        scratch = .allocate(capacity: capacity)
        indices = .allocate(capacity: capacity)
        let pp = p * p
        g = .allocate(capacity: pp); s = .allocate(capacity: pp); t = .allocate(capacity: pp)
        l = .allocate(capacity: pp); ms = .allocate(capacity: pp)
        c = .allocate(capacity: p); cu = .allocate(capacity: p)
        slotM = [.allocate(capacity: pp), .allocate(capacity: pp)]
        slotCy = [.allocate(capacity: p), .allocate(capacity: p)]
        small = .allocate(capacity: 8 * pp + 8 * p)
        work = .allocate(capacity: 4 * pp + 4 * p)
    }

    deinit {
        indices.deallocate()
        w.deallocate()
        for b in [y, v, x, yc, scratch, g, s, t, l, ms, c, cu, small, work] + slotM + slotCy { b.deallocate() }
    }

    /// Loads the intercept-only design x = 1 for the first `k` studies already in `y` and `v`.
    func setInterceptDesign(_ k: Int) {
        precondition(p == 1 && k <= capacity)
        for i in 0..<k { x[i] = 1 }
    }

    /// After y, v and x are filled for `k` studies: centres y (metafor's `Ymc`).
    func prepare(_ k: Int) {
        precondition(k >= 1 && k <= capacity)
        self.k = k
        evaluations = 0
        var mean = 0.0
        for i in 0..<k { mean += y[i] }
        mean /= Double(k)
        for i in 0..<k { yc[i] = y[i] - mean }
    }

    // MARK: - One evaluation at τ²

    /// The scalars of one evaluation; M and c_y (XᵀW y, uncentred) are kept in slot `slot`.
    struct State {
        var tau2: Double
        var slot: Int
        var sumW: Double, sumW2: Double
        /// yᵀPy, yᵀP²y, yᵀP³y of the centred y.
        var rss: Double, yPPy: Double, yPPPy: Double
        var traceP: Double, tracePP: Double
        var sumLog: Double, logDetG: Double
    }

    /// Evaluates every sum at τ² into `slot`; nil when XᵀWX is not positive definite.
    func evaluate(_ tau2: Double, slot: Int) -> State? {
        evaluations += 1
        let k = self.k, p = self.p
        let m = slotM[slot], cy = slotCy[slot]
        var sumW = 0.0, sumW2 = 0.0, sumLog = 0.0
        var logSum = LogSum()
        if p == 1 {
            var g0 = 0.0, s0 = 0.0, t0 = 0.0, c0 = 0.0, cy0 = 0.0
            for i in 0..<k {
                let vt = v[i] + tau2
                let w = 1 / vt
                self.w[i] = w
                let xi = x[i]
                let w2 = w * w
                sumW += w; sumW2 += w2
                let wx = w * xi, wxx = wx * xi
                g0 += wxx; s0 += w * wxx; t0 += w2 * wxx
                c0 += wx * yc[i]; cy0 += wx * y[i]
                logSum.add(vt, at: i, v, tau2)
            }
            sumLog = logSum.total(v, tau2)
            guard g0 > 0, g0.isFinite else { return nil }
            let m0 = 1 / g0
            m[0] = m0; cy[0] = cy0
            let beta = m0 * c0
            var rss = 0.0, yPPy = 0.0, wuu = 0.0, cu0 = 0.0
            for i in 0..<k {
                let w = self.w[i]
                let r = yc[i] - x[i] * beta
                let u = w * r
                rss += u * r; yPPy += u * u
                let wu = w * u
                wuu += wu * u; cu0 += wu * x[i]
            }
            let ms0 = m0 * s0
            return State(tau2: tau2, slot: slot, sumW: sumW, sumW2: sumW2, rss: rss, yPPy: yPPy,
                         yPPPy: wuu - cu0 * cu0 * m0, traceP: sumW - ms0,
                         tracePP: sumW2 - 2 * m0 * t0 + ms0 * ms0, sumLog: sumLog, logDetG: log(g0))
        }
        if p == 2 { return evaluate2(tau2, slot: slot) }
        let pp = p * p
        for a in 0..<pp { g[a] = 0; s[a] = 0; t[a] = 0 }
        for a in 0..<p { c[a] = 0; cy[a] = 0; cu[a] = 0 }
        for i in 0..<k {
            let vt = v[i] + tau2
            let w = 1 / vt
            self.w[i] = w
            let w2 = w * w, w3 = w2 * w
            sumW += w; sumW2 += w2
            let xi = x + i * p
            let wyc = w * yc[i], wy = w * y[i]
            for a in 0..<p {
                let xa = xi[a]
                c[a] += wyc * xa; cy[a] += wy * xa
                for b in 0...a {
                    let xab = xa * xi[b]
                    g[a * p + b] += w * xab; s[a * p + b] += w2 * xab; t[a * p + b] += w3 * xab
                }
            }
            logSum.add(vt, at: i, v, tau2)
        }
        sumLog = logSum.total(v, tau2)
        for a in 0..<p { for b in 0..<a { g[b * p + a] = g[a * p + b]; s[b * p + a] = s[a * p + b]; t[b * p + a] = t[a * p + b] } }
        guard let logDet = ScoringWorkspace.choleskyInverse(g, p, l: l, into: m) else { return nil }
        let beta = work + 4 * pp + 3 * p
        for a in 0..<p {
            var sum = 0.0
            for b in 0..<p { sum += m[a * p + b] * c[b] }
            beta[a] = sum
        }
        var rss = 0.0, yPPy = 0.0, wuu = 0.0
        for i in 0..<k {
            let w = self.w[i]
            let xi = x + i * p
            var fit = 0.0
            for a in 0..<p { fit += xi[a] * beta[a] }
            let r = yc[i] - fit
            let u = w * r
            rss += u * r; yPPy += u * u
            let wu = w * u
            wuu += wu * u
            for a in 0..<p { cu[a] += wu * xi[a] }
        }
        // tr(MS), tr(MT), tr(MSMS), c_uᵀ M c_u
        SmallMatrix.product(m, s, p, into: ms)
        var trMS = 0.0, trMT = 0.0
        for a in 0..<p {
            for b in 0..<p {
                trMS += m[a * p + b] * s[b * p + a]
                trMT += m[a * p + b] * t[b * p + a]
            }
        }
        var trMSMS = 0.0, cuMcu = 0.0
        for a in 0..<p {
            for b in 0..<p {
                trMSMS += ms[a * p + b] * ms[b * p + a]
                cuMcu += cu[a] * m[a * p + b] * cu[b]
            }
        }
        return State(tau2: tau2, slot: slot, sumW: sumW, sumW2: sumW2, rss: rss, yPPy: yPPy,
                     yPPPy: wuu - cuMcu, traceP: sumW - trMS, tracePP: sumW2 - 2 * trMT + trMSMS,
                     sumLog: sumLog, logDetG: logDet)
    }

    /// `evaluate` for p = 2 with every sum in a register.
    private func evaluate2(_ tau2: Double, slot: Int) -> State? {
        let k = self.k
        let m = slotM[slot], cy = slotCy[slot]
        var sumW = 0.0, sumW2 = 0.0, sumLog = 0.0
        var logSum = LogSum()
        var g00 = 0.0, g01 = 0.0, g11 = 0.0, s00 = 0.0, s01 = 0.0, s11 = 0.0, t00 = 0.0, t01 = 0.0, t11 = 0.0
        var c0 = 0.0, c1 = 0.0, cy0 = 0.0, cy1 = 0.0
        for i in 0..<k {
            let vt = v[i] + tau2
            let wi = 1 / vt
            w[i] = wi
            let w2 = wi * wi, w3 = w2 * wi
            sumW += wi; sumW2 += w2
            let x0 = x[2 * i], x1 = x[2 * i + 1]
            let a = x0 * x0, b = x0 * x1, c = x1 * x1
            g00 += wi * a; g01 += wi * b; g11 += wi * c
            s00 += w2 * a; s01 += w2 * b; s11 += w2 * c
            t00 += w3 * a; t01 += w3 * b; t11 += w3 * c
            let wyc = wi * yc[i], wy = wi * y[i]
            c0 += wyc * x0; c1 += wyc * x1; cy0 += wy * x0; cy1 += wy * x1
            logSum.add(vt, at: i, v, tau2)
        }
        sumLog = logSum.total(v, tau2)
        guard let (m00, m01, m11, detG) = Self.inverse2(g00, g01, g11) else { return nil }
        m[0] = m00; m[1] = m01; m[2] = m01; m[3] = m11
        cy[0] = cy0; cy[1] = cy1
        let b0 = m00 * c0 + m01 * c1, b1 = m01 * c0 + m11 * c1
        var rss = 0.0, yPPy = 0.0, wuu = 0.0, cu0 = 0.0, cu1 = 0.0
        for i in 0..<k {
            let wi = w[i]
            let x0 = x[2 * i], x1 = x[2 * i + 1]
            let r = yc[i] - (x0 * b0 + x1 * b1)
            let u = wi * r
            rss += u * r; yPPy += u * u
            let wu = wi * u
            wuu += wu * u; cu0 += wu * x0; cu1 += wu * x1
        }
        // tr(MS), tr(MT), tr(MSMS) for symmetric 2 × 2 M, S, T.
        let ms00 = m00 * s00 + m01 * s01, ms01 = m00 * s01 + m01 * s11
        let ms10 = m01 * s00 + m11 * s01, ms11 = m01 * s01 + m11 * s11
        let trMS = ms00 + ms11
        let trMT = m00 * t00 + 2 * m01 * t01 + m11 * t11
        let trMSMS = ms00 * ms00 + 2 * ms01 * ms10 + ms11 * ms11
        let cuMcu = m00 * cu0 * cu0 + 2 * m01 * cu0 * cu1 + m11 * cu1 * cu1
        return State(tau2: tau2, slot: slot, sumW: sumW, sumW2: sumW2, rss: rss, yPPy: yPPy,
                     yPPPy: wuu - cuMcu, traceP: sumW - trMS, tracePP: sumW2 - 2 * trMT + trMSMS,
                     sumLog: sumLog, logDetG: log(detG))
    }

    /// M = A⁻¹ for a symmetric 2 × 2 A = [a00 a01; a01 a11] by Cholesky A = LLᵀ, M = L⁻ᵀL⁻¹:
    /// (m00, m01, m11) and det A = L₀₀²·L₁₁²; nil unless A is positive definite.
    @inline(__always)
    static func inverse2(_ a00: Double, _ a01: Double, _ a11: Double) -> (Double, Double, Double, Double)? {
        guard a00 > 0, a00.isFinite else { return nil }
        let l00 = a00.squareRoot(), l10 = a01 / l00
        let d = a11 - l10 * l10
        guard d > 0, d.isFinite else { return nil }
        let l11 = d.squareRoot()
        let i00 = 1 / l00, i11 = 1 / l11, i10 = -l10 * i00 * i11
        return (i00 * i00 + i10 * i10, i10 * i11, i11 * i11, a00 * d)
    }

    /// M = A⁻¹ for a symmetric p × p A (full storage) by Cholesky A = LLᵀ; returns log det A, or nil
    /// when A is not (numerically) positive definite.
    static func choleskyInverse(_ a: UnsafeMutablePointer<Double>, _ p: Int, l: UnsafeMutablePointer<Double>,
                                into m: UnsafeMutablePointer<Double>) -> Double? {
        guard cholesky(a, p, into: l) else { return nil }
        var logDet = 0.0
        for j in 0..<p { logDet += 2 * log(l[j * p + j]) }
        // L⁻¹ in place of m (lower), then M = L⁻ᵀ L⁻¹.
        for j in 0..<p {
            for i in 0..<p { m[i * p + j] = 0 }
            m[j * p + j] = 1 / l[j * p + j]
            if j + 1 < p {
                for i in (j + 1)..<p {
                    var sum = 0.0
                    for e in j..<i { sum -= l[i * p + e] * m[e * p + j] }
                    m[i * p + j] = sum / l[i * p + i]
                }
            }
        }
        // M_ab = Σ_e Linv[e][a]·Linv[e][b] for e ≥ max(a, b); fill the upper triangle of l as scratch-free
        // by computing into l (no longer needed).
        for a in 0..<p {
            for b in 0...a {
                var sum = 0.0
                for e in a..<p { sum += m[e * p + a] * m[e * p + b] }
                l[a * p + b] = sum
            }
        }
        for a in 0..<p { for b in 0...a { m[a * p + b] = l[a * p + b]; m[b * p + a] = l[a * p + b] } }
        return logDet
    }

    /// Cholesky factor L (lower, full p × p storage) of a symmetric A; false when A is not positive definite.
    static func cholesky(_ a: UnsafeMutablePointer<Double>, _ p: Int, into l: UnsafeMutablePointer<Double>) -> Bool {
        for j in 0..<p {
            var d = a[j * p + j]
            for e in 0..<j { d -= l[j * p + e] * l[j * p + e] }
            guard d > 0, d.isFinite else { return false }
            let ljj = d.squareRoot()
            l[j * p + j] = ljj
            for i in 0..<j { l[i * p + j] = 0 }
            if j + 1 < p {
                for i in (j + 1)..<p {
                    var sum = a[i * p + j]
                    for e in 0..<j { sum -= l[i * p + e] * l[j * p + e] }
                    l[i * p + j] = sum / ljj
                }
            }
        }
        return true
    }

    /// (Restricted) log-likelihood at the state's τ², as `TauSquaredEstimation.logLikelihood`.
    func logLikelihood(_ st: State, reml: Bool) -> Double {
        if reml {
            return -0.5 * Double(k - p) * log(2 * Double.pi) - 0.5 * st.sumLog - 0.5 * st.logDetG - 0.5 * st.rss
        }
        return -0.5 * Double(k) * log(2 * Double.pi) - 0.5 * st.sumLog - 0.5 * st.rss
    }

    // MARK: - τ²

    /// The outcome of `fitTau2`: the state at τ̂² (its M and c_y in `state.slot`).
    struct Tau2Result {
        var state: State
        var iterations: Int
        /// τ² was set to 0 by the likelihood-at-zero check.
        var setToZero: Bool
        /// The evaluation at τ² = 0 when it was made (QE and tr P₀ of the equal-effects weights).
        var atZero: State?
    }

    /// Hedges' estimate (unweighted OLS): (y_cᵀP₁y_c − tr(P₁V))/(k − p), not truncated; nil when XᵀX is singular.
    func hedges() -> Double? {
        let k = self.k, p = self.p
        if p == 2 { return hedges2() }
        let pp = p * p
        let a = work, mInv = work + pp, sv = work + 2 * pp, scr = work + 3 * pp
        let cvec = work + 4 * pp, beta = cvec + p
        for e in 0..<pp { a[e] = 0; sv[e] = 0 }
        for e in 0..<p { cvec[e] = 0 }
        var sumV = 0.0
        for i in 0..<k {
            let xi = x + i * p
            sumV += v[i]
            for e in 0..<p {
                cvec[e] += xi[e] * yc[i]
                for b in 0...e { a[e * p + b] += xi[e] * xi[b]; sv[e * p + b] += v[i] * xi[e] * xi[b] }
            }
        }
        for e in 0..<p { for b in 0..<e { a[b * p + e] = a[e * p + b]; sv[b * p + e] = sv[e * p + b] } }
        guard ScoringWorkspace.choleskyInverse(a, p, l: scr, into: mInv) != nil else { return nil }
        for e in 0..<p {
            var sum = 0.0
            for b in 0..<p { sum += mInv[e * p + b] * cvec[b] }
            beta[e] = sum
        }
        var rss = 0.0
        for i in 0..<k {
            let xi = x + i * p
            var fit = 0.0
            for e in 0..<p { fit += xi[e] * beta[e] }
            let r = yc[i] - fit
            rss += r * r
        }
        var trMSv = 0.0
        for e in 0..<p { for b in 0..<p { trMSv += mInv[e * p + b] * sv[b * p + e] } }
        return (rss - (sumV - trMSv)) / Double(k - p)
    }

    /// `hedges` for p = 2 with every sum in a register.
    private func hedges2() -> Double? {
        var a00 = 0.0, a01 = 0.0, a11 = 0.0, v00 = 0.0, v01 = 0.0, v11 = 0.0, c0 = 0.0, c1 = 0.0, sumV = 0.0
        for i in 0..<k {
            let x0 = x[2 * i], x1 = x[2 * i + 1], vi = v[i], yi = yc[i]
            let q00 = x0 * x0, q01 = x0 * x1, q11 = x1 * x1
            a00 += q00; a01 += q01; a11 += q11
            v00 += vi * q00; v01 += vi * q01; v11 += vi * q11
            c0 += x0 * yi; c1 += x1 * yi
            sumV += vi
        }
        guard let (m00, m01, m11, _) = Self.inverse2(a00, a01, a11) else { return nil }
        let b0 = m00 * c0 + m01 * c1, b1 = m01 * c0 + m11 * c1
        var rss = 0.0
        for i in 0..<k {
            let r = yc[i] - (x[2 * i] * b0 + x[2 * i + 1] * b1)
            rss += r * r
        }
        let trMSv = m00 * v00 + 2 * m01 * v01 + m11 * v11
        return (rss - (sumV - trMSv)) / Double(k - 2)
    }

    /// τ̂² for k > p by `estimator` (ML, REML, EB, DL or HE), or nil when the fit fails (singular
    /// design, or Fisher scoring out of iterations).
    /// - Parameters:
    ///   - start: the starting τ² of ML/REML/EB (nil = Hedges' estimate, as metafor).
    ///   - newtonAfter: Fisher-scoring steps before Newton steps may be taken (as `fisherScoring`:
    ///     10 from Hedges' start, 0 from a warm start).
    func fitTau2(_ estimator: TauSquaredEstimator, control: ModelControl, start: Double?, newtonAfter: Int) -> Tau2Result? {
        precondition(k > p)
        let kp = Double(k - p)
        switch estimator {
        case .DL:
            guard let z = evaluate(0, slot: 1) else { return nil }
            let tau2 = max(0, (z.rss - kp) / z.traceP)
            guard let st = evaluate(tau2, slot: 0) else { return nil }
            return Tau2Result(state: st, iterations: 0, setToZero: false, atZero: z)
        case .HE:
            guard let h = hedges() else { return nil }
            guard let st = evaluate(max(0, h), slot: 0) else { return nil }
            return Tau2Result(state: st, iterations: 0, setToZero: false, atZero: nil)
        case .ML, .REML, .EB:
            break
        default:
            return nil
        }
        let startValue: Double
        if let start { startValue = start.isFinite ? max(0, start) : 0 } else {
            guard let h = hedges() else { return nil }
            startValue = max(0, h)
        }
        var tau2 = startValue
        guard var cur = evaluate(tau2, slot: 0) else { return nil }
        let reml = estimator == .REML
        var change = Double.infinity
        var iteration = 0
        var currentLikelihood: Double? = nil
        let kd = Double(k)
        while change > control.threshold {
            if iteration >= control.maxIterations { return nil }
            iteration += 1
            let old = tau2
            let useNewton = iteration > newtonAfter
            var adj: Double
            switch estimator {
            case .ML:
                let score = cur.yPPy - cur.sumW
                adj = score / cur.sumW2
                if useNewton {
                    let observed = 2 * cur.yPPPy - cur.sumW2
                    if observed > 0 { adj = score / observed }
                }
            case .REML:
                let score = cur.yPPy - cur.traceP
                adj = score / cur.tracePP
                if useNewton {
                    let observed = 2 * cur.yPPPy - cur.tracePP
                    if observed > 0 { adj = score / observed }
                }
            default:
                let f = cur.rss * kd / kp - kd
                adj = f / cur.sumW
                if useNewton {
                    let slope = cur.yPPy * kd / kp
                    if slope > 0 { adj = f / slope }
                }
            }
            adj *= control.stepAdjustment
            if !adj.isFinite { adj = 0 }
            while tau2 + adj < 0 { adj /= 2 }
            let spare = 1 - cur.slot
            if estimator != .EB && adj != 0 {
                let current = currentLikelihood ?? logLikelihood(cur, reml: reml)
                var halvings = 0
                guard var trial = evaluate(tau2 + adj, slot: spare) else { return nil }
                var trialLikelihood = logLikelihood(trial, reml: reml)
                while halvings < 50, trialLikelihood < current - 1e-12 * max(1, abs(current)) {
                    adj /= 2
                    halvings += 1
                    guard let next = evaluate(tau2 + adj, slot: spare) else { return nil }
                    trial = next
                    trialLikelihood = logLikelihood(trial, reml: reml)
                }
                currentLikelihood = trialLikelihood
                tau2 += adj
                cur = trial
            } else {
                tau2 += adj
                guard let next = evaluate(tau2, slot: spare) else { return nil }
                cur = next
            }
            change = abs(old - tau2)
        }
        var setToZero = false
        var atZero: State? = nil
        if control.likelihoodAtZeroCheck, estimator != .EB {
            guard let z = evaluate(0, slot: 1 - cur.slot) else { return nil }
            atZero = z
            let ll0 = logLikelihood(z, reml: reml)
            let ll = logLikelihood(cur, reml: reml)
            if ll0 - ll > 1.220703125e-4 && tau2 > control.threshold {
                setToZero = true
                cur = z
            }
        }
        return Tau2Result(state: cur, iterations: iteration, setToZero: setToZero, atZero: atZero)
    }

    // MARK: - After τ²

    /// M = (XᵀWX)⁻¹ of a state, element (a, b).
    func m(_ st: State, _ a: Int, _ b: Int) -> Double { slotM[st.slot][a * p + b] }

    /// β̂ = M XᵀW y (uncentred y) of a state, into `beta` (p values).
    func coefficients(_ st: State, into beta: UnsafeMutablePointer<Double>) {
        let m = slotM[st.slot], cy = slotCy[st.slot]
        for a in 0..<p {
            var sum = 0.0
            for b in 0..<p { sum += m[a * p + b] * cy[b] }
            beta[a] = sum
        }
    }

    /// Σ wᵢ(yᵢ − xᵢᵀβ)² at τ² (the Knapp–Hartung residual sum of squares for β = β̂).
    func weightedResidualSquares(tau2: Double, beta: UnsafeMutablePointer<Double>) -> Double {
        var sum = 0.0
        for i in 0..<k {
            let xi = x + i * p
            var fit = 0.0
            for a in 0..<p { fit += xi[a] * beta[a] }
            let r = y[i] - fit
            sum += r * r / (v[i] + tau2)
        }
        return sum
    }

    /// The equal-effects evaluation (τ² = 0) behind QE and the typical variance, reusing `result.atZero`.
    func atZero(_ result: Tau2Result) -> State? {
        if let z = result.atZero { return z }
        return evaluate(0, slot: 1 - result.state.slot)
    }

    /// β = T β̃ and Var(β̂) = T (s² M) Tᵀ of a state, for a fit on X̃ = X·T (`DesignPreconditioner`;
    /// T row-major p × p).
    func mapBack(_ st: State, t: UnsafePointer<Double>, scale s2: Double, betaTilde: UnsafePointer<Double>,
                 beta: UnsafeMutablePointer<Double>, covariance: UnsafeMutablePointer<Double>) {
        let pp = p * p
        let scaled = work, tmp = work + pp
        let m = slotM[st.slot]
        for e in 0..<pp { scaled[e] = s2 * m[e] }
        for a in 0..<p {
            var sum = 0.0
            for b in 0..<p { sum += t[a * p + b] * betaTilde[b] }
            beta[a] = sum
        }
        SmallMatrix.sandwich(t, scaled, p, into: covariance, tmp: tmp)
    }

    /// The Knapp–Hartung factor s² for `test` (1 for z and t), as `MixedEffectsModel.fit`.
    func knappHartungScale(_ test: InferenceTest, tau2: Double, beta: UnsafeMutablePointer<Double>) -> Double {
        guard test == .knha || test == .adhoc else { return 1 }
        let rss = weightedResidualSquares(tau2: tau2, beta: beta)
        var s2w = rss <= Double.ulpOfOne ? 0 : rss / Double(k - p)
        if test == .adhoc { s2w = max(s2w, 1) }
        return s2w
    }
}

/// Products of small row-major p × p matrices, for the refit engine.
enum SmallMatrix {
    /// c = a·b.
    static func product(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ p: Int, into c: UnsafeMutablePointer<Double>) {
        for r in 0..<p {
            for col in 0..<p {
                var sum = 0.0
                for e in 0..<p { sum += a[r * p + e] * b[e * p + col] }
                c[r * p + col] = sum
            }
        }
    }

    /// out = T A Tᵀ (`tmp`: p × p scratch).
    static func sandwich(_ t: UnsafePointer<Double>, _ a: UnsafePointer<Double>, _ p: Int,
                         into out: UnsafeMutablePointer<Double>, tmp: UnsafeMutablePointer<Double>) {
        product(t, a, p, into: tmp)
        for r in 0..<p {
            for col in 0..<p {
                var sum = 0.0
                for e in 0..<p { sum += tmp[r * p + e] * t[col * p + e] }
                out[r * p + col] = sum
            }
        }
    }
}

/// Σ log(vᵢ + τ²) with one `log` per evaluation: the terms are multiplied, and every 8 terms the
/// running product is split into its significand and binary exponent (exact), so
/// Σ log = log(significand) + exponent·log 2. A block whose product left the normal range adds its
/// terms' logs one by one instead.
struct LogSum {
    private var product = 1.0, saved = 1.0, inBlock = 0, blockStart = 0, exponent = 0, extra = 0.0

    /// Adds the term vt = v[i] + τ² (terms in order i = 0, 1, …).
    @inline(__always)
    mutating func add(_ vt: Double, at i: Int, _ v: UnsafeMutablePointer<Double>, _ tau2: Double) {
        product *= vt
        inBlock += 1
        if inBlock == 8 {
            fold(v, tau2)
            blockStart = i + 1
        }
    }

    @inline(__always)
    private mutating func fold(_ v: UnsafeMutablePointer<Double>, _ tau2: Double) {
        if product.isNormal && product.isFinite {
            exponent += Int(product.exponent)
            product = product.significand
        } else {
            product = saved
            for i in blockStart..<(blockStart + inBlock) { extra += log(v[i] + tau2) }
        }
        saved = product
        inBlock = 0
    }

    /// The sum of the logs of every term added.
    mutating func total(_ v: UnsafeMutablePointer<Double>, _ tau2: Double) -> Double {
        if inBlock > 0 { fold(v, tau2) }
        return log(product) + Double(exponent) * M_LN2 + extra
    }
}
