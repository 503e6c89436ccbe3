import Foundation
import StatNumerics
import Survival

/// Simulated two-arm trials, their KM figures "digitized as a person would", and the printed risk
/// tables: the round-trip truth for the reconstruction tests.
enum TrialSimulation {
    /// One arm's true patient data.
    struct Arm {
        var times: [Double]
        var events: [Bool]
        var eventCount: Int { events.reduce(0) { $0 + ($1 ? 1 : 0) } }
    }

    /// Exponential survival (control median 12 months, hazard ratio `hazardRatio` for the second
    /// arm), uniform accrual over 24 months with 12 months' minimum follow-up (administrative
    /// censoring between 12 and 36 months) and exponential drop-out at 1 % per month.
    static func trial(perArm n: Int, hazardRatio: Double, seed: UInt64) -> [Arm] {
        var g = SeededGenerator(seed: seed)
        let control = Foundation.log(2.0) / 12
        return [control, control * hazardRatio].map { rate in
            var times: [Double] = []
            var events: [Bool] = []
            for _ in 0..<n {
                let t = g.nextExponential(rate: rate)
                let admin = 12 + 24 * g.nextUniform()
                let drop = g.nextExponential(rate: 0.01)
                let c = min(admin, drop)
                times.append(min(t, c))
                events.append(t <= c)
            }
            return Arm(times: times, events: events)
        }
    }

    /// The printed risk table: #{time ≥ t} at t = 0, 6, …, 36.
    static func riskTable(_ arm: Arm, every step: Double = 6, until end: Double = 36) -> PrintedRiskTable {
        let times = stride(from: 0.0, through: end, by: step).map { $0 }
        return PrintedRiskTable(times: times, numberAtRisk: times.map { t in arm.times.filter { $0 >= t }.count })
    }

    /// Digitizes the arm's KM curve as a person clicking a figure would: the plot is 600 × 400
    /// pixels over 0–`xMax` months and 0–1 survival; the person clicks the corners of the visible
    /// steps (the top and bottom of each drop, at pixel resolution, so steps finer than a pixel
    /// merge), keeps about two thirds of them, always clicks the start and the end of the curve,
    /// and each click is off by a little Gaussian noise (σ = 0.3 pixel in x and y); about 2 % of
    /// clicks are misplaced upwards by 1.5 pixels (monotonicity violations).
    static func digitize(_ arm: Arm, seed: UInt64, xMax: Double = 36, keep: Double = 2.0 / 3.0) -> DigitizedCurve {
        var g = SeededGenerator(seed: seed)
        let width = 600.0, height = 400.0
        let order = arm.times.indices.sorted { arm.times[$0] < arm.times[$1] }
        var corners: [(x: Double, y: Double)] = [(0, height)]
        var atRisk = arm.times.count
        var s = 1.0
        var k = 0
        while k < order.count {
            let t = arm.times[order[k]]
            var d = 0, c = 0
            while k < order.count && arm.times[order[k]] == t {
                if arm.events[order[k]] { d += 1 } else { c += 1 }
                k += 1
            }
            if d > 0 {
                let before = s
                s *= 1 - Double(d) / Double(atRisk)
                let x = (t / xMax * width).rounded()
                corners.append((x, (before * height).rounded()))
                corners.append((x, (s * height).rounded()))
            }
            atRisk -= d + c
        }
        let last = arm.times.max() ?? 0
        corners.append(((last / xMax * width).rounded(), (s * height).rounded()))
        // Visible corners: consecutive clicks on the same pixel are one click; a run of corners on
        // one pixel column keeps its top and bottom.
        var visible: [(x: Double, y: Double)] = []
        for p in corners {
            if let q = visible.last, q.x == p.x && q.y == p.y { continue }
            if visible.count >= 2, visible[visible.count - 1].x == p.x, visible[visible.count - 2].x == p.x {
                visible[visible.count - 1] = p
                continue
            }
            if visible.count >= 2, visible[visible.count - 1].y == p.y, visible[visible.count - 2].y == p.y {
                visible[visible.count - 1] = p
                continue
            }
            visible.append(p)
        }
        var times: [Double] = []
        var survival: [Double] = []
        for (i, p) in visible.enumerated() {
            let ends = i == 0 || i == visible.count - 1
            if !ends && g.nextUniform() > keep { continue }
            var x = p.x + 0.3 * g.nextNormal()
            var y = p.y + 0.3 * g.nextNormal()
            if !ends && g.nextUniform() < 0.02 { y += 1.5 }
            if i == 0 { x = 0; y = height }
            times.append(x / width * xMax)
            survival.append(y / height)
        }
        return DigitizedCurve(times: times, survival: survival, scale: .proportion)
    }
}

/// Guyot et al. (2012) as published: the iterative per-interval algorithm with Guyot's
/// rounding d = round(n̂·(1 − S/Ŝ_last)), censoring spread evenly between the first clicks of
/// consecutive intervals and written at the middle of click intervals, the last interval censored
/// at the average rate of the earlier ones, and the total of events (if given) matched by the
/// censoring of the last interval only. Test-only baseline.
///
/// What it needs to run at all, and nothing more: clicks rescaled and clipped to [0, 1], negative
/// times set to 0, sorted by time, (0, 1) added, a flat click added at a risk-table time with no
/// click in its interval, negative event counts (from rises, which it does not repair) set to 0,
/// and its adjustment loops capped at 1,000 rounds.
enum GuyotBaseline {
    static func reconstruct(curve: DigitizedCurve, riskTable: PrintedRiskTable, totalEvents: Int?) -> (times: [Double], events: [Bool]) {
        var pts = zip(curve.times, curve.survival).map { (t: max($0.0, 0), s: min(max($0.1 / curve.scale.full, 0), 1)) }
        pts.sort { $0.t < $1.t }
        if pts[0].t > 0 || pts[0].s < 1 { pts.insert((0, 1), at: 0) }
        let lastClick = pts[pts.count - 1].t
        var tRisk: [Double] = []
        var nRisk: [Int] = []
        for (t, n) in zip(riskTable.times, riskTable.numberAtRisk) where t <= lastClick {
            tRisk.append(t); nRisk.append(n)
        }
        // A click at each risk time whose interval has none.
        for (i, t) in tRisk.enumerated() {
            let next = i + 1 < tRisk.count ? tRisk[i + 1] : .infinity
            if !pts.contains(where: { $0.t >= t && $0.t < next }) {
                let s = pts.last(where: { $0.t <= t })?.s ?? 1
                let at = pts.firstIndex(where: { $0.t > t }) ?? pts.count
                pts.insert((t, s), at: at)
            }
        }
        let tS = pts.map(\.t), S = pts.map(\.s)
        let m = tRisk.count
        let lower = tRisk.map { t in tS.firstIndex { $0 >= t }! }
        let upper = (0..<m).map { i in (i + 1 < m ? tS.lastIndex { $0 < tRisk[i + 1] }! : tS.count - 1) }
        let nt = tS.count
        var d = [Int](repeating: 0, count: nt)
        var cen = [Int](repeating: 0, count: nt)
        var nHat = [Int](repeating: nRisk[0] + 1, count: nt + 1)
        var kmHat = [Double](repeating: 1, count: nt)
        var lastIdx = [Int](repeating: 0, count: m + 1)
        var nCensor = [Int](repeating: 0, count: m)

        func spread(_ count: Int, from a: Int, to b: Int, bins: ClosedRange<Int>) {
            for k in bins { cen[k] = 0 }
            guard count > 0 else { return }
            for j in 1...count {
                let ct = tS[a] + Double(j) * (tS[b] - tS[a]) / Double(count + 1)
                if let k = bins.last(where: { tS[$0] <= ct }) { cen[k] += 1 }
            }
        }
        func events(_ i: Int, first: Bool) {
            nHat[lower[i]] = nRisk[i]
            var last = lastIdx[i]
            for k in lower[i]...upper[i] {
                if first && k == lower[i] {
                    d[k] = 0; kmHat[k] = 1
                } else {
                    d[k] = kmHat[last] > 0 ? Int((Double(nHat[k]) * (1 - S[k] / kmHat[last])).rounded()) : 0
                    d[k] = min(max(d[k], 0), max(nHat[k], 0))
                    kmHat[k] = nHat[k] > 0 ? kmHat[last] * (1 - Double(d[k]) / Double(nHat[k])) : kmHat[last]
                }
                nHat[k + 1] = nHat[k] - d[k] - cen[k]
                if nHat[k + 1] < 0 { cen[k] = max(0, nHat[k] - d[k]); nHat[k + 1] = 0 }
                if d[k] != 0 { last = k }
            }
            lastIdx[i + 1] = last
        }
        if m > 1 {
            for i in 0..<(m - 1) {
                nCensor[i] = Int((Double(nRisk[i]) * S[lower[i + 1]] / max(S[lower[i]], 1e-12) - Double(nRisk[i + 1])).rounded())
                var rounds = 0
                repeat {
                    if nCensor[i] <= 0 { nCensor[i] = 0 }
                    spread(nCensor[i], from: lower[i], to: lower[i + 1], bins: lower[i]...upper[i])
                    events(i, first: i == 0)
                    let gap = nHat[lower[i + 1]] - nRisk[i + 1]
                    if gap == 0 || (gap < 0 && nCensor[i] == 0) { break }
                    nCensor[i] += gap
                    rounds += 1
                } while rounds < 1000
                if nHat[lower[i + 1]] < nRisk[i + 1] { nRisk[i + 1] = nHat[lower[i + 1]] }
            }
        }
        let L = m - 1
        if m > 1 {
            let span = tS[upper[m - 2]] - tS[lower[0]]
            let rate = span > 0 ? Double(nCensor[0..<(m - 1)].reduce(0, +)) / span : 0
            nCensor[L] = min(Int((rate * (tS[upper[L]] - tS[lower[L]])).rounded()), nRisk[L])
        }
        func lastInterval() {
            if upper[L] > lower[L] {
                spread(max(nCensor[L], 0), from: lower[L], to: upper[L], bins: lower[L]...(upper[L] - 1))
            }
            events(L, first: m == 1)
        }
        lastInterval()
        if let total = totalEvents {
            let before = upper[L] >= 0 && L > 0 ? d[0...upper[L - 1]].reduce(0, +) : 0
            if L > 0 && before >= total {
                for k in lower[L]...upper[L] { d[k] = 0 }
                for k in lower[L]..<upper[L] { cen[k] = 0 }
            } else {
                var rounds = 0
                var sum = d.reduce(0, +)
                while (sum > total || (sum < total && nCensor[L] > 0)) && rounds < 1000 {
                    nCensor[L] += sum - total
                    if nCensor[L] < 0 { nCensor[L] = 0 }
                    lastInterval()
                    sum = d.reduce(0, +)
                    rounds += 1
                }
            }
        }
        var times: [Double] = []
        var flags: [Bool] = []
        for k in 0..<nt where d[k] > 0 {
            times += Array(repeating: tS[k], count: d[k]); flags += Array(repeating: true, count: d[k])
        }
        for k in 0..<(nt - 1) where cen[k] > 0 {
            times += Array(repeating: (tS[k] + tS[k + 1]) / 2, count: cen[k]); flags += Array(repeating: false, count: cen[k])
        }
        let rest = max(0, nRisk[0] - times.count)
        times += Array(repeating: tS[nt - 1], count: rest)
        flags += Array(repeating: false, count: rest)
        return (times, flags)
    }
}
