/// Weighted least-squares fit of a non-increasing sequence (antitonic regression) by the
/// pool-adjacent-violators algorithm (Ayer et al. 1955; Barlow et al. 1972, ch. 1).
///
/// Minimises Σ wᵢ (fᵢ − yᵢ)² subject to f₁ ≥ f₂ ≥ … ≥ fₙ. Each block of pooled points gets the
/// weighted mean of its values. O(n). Weights must be > 0 (an internal invariant).
struct AntitonicRegression {
    /// A maximal run of consecutive points sharing one fitted value.
    struct Block: Equatable {
        var range: ClosedRange<Int>
        var value: Double
        var weight: Double
    }

    let fitted: [Double]
    /// Every block, pooled (more than one point) or not, in order.
    let blocks: [Block]

    init(values: [Double], weights: [Double]) {
        precondition(values.count == weights.count, "values and weights must have equal length")
        var stack: [Block] = []
        stack.reserveCapacity(values.count)
        for i in values.indices {
            precondition(weights[i] > 0, "weights must be positive")
            var block = Block(range: i...i, value: values[i], weight: weights[i])
            // Pool while the previous block is lower than this one (a rise).
            while let last = stack.last, last.value < block.value {
                stack.removeLast()
                let w = last.weight + block.weight
                block = Block(range: last.range.lowerBound...block.range.upperBound,
                              value: (last.value * last.weight + block.value * block.weight) / w,
                              weight: w)
            }
            stack.append(block)
        }
        var fitted = [Double](repeating: 0, count: values.count)
        for block in stack { for i in block.range { fitted[i] = block.value } }
        self.fitted = fitted
        self.blocks = stack
    }
}
