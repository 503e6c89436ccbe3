import Foundation
import StatNumerics

extension CoxModel {
    /// Newton–Raphson with step halving on the (centred, scaled) partial likelihood, following the
    /// control flow of survival's `coxfit6`.
    struct NewtonRaphson {
        let likelihood: CoxPartialLikelihood
        let maxIterations: Int
        let tolerance: Double
        let names: [String]

        /// R's `toler.chol`: a Cholesky pivot below this fraction of the largest diagonal element
        /// marks the information matrix singular.
        static let singularityTolerance = pow(Double.ulpOfOne, 0.75)

        struct Result {
            var beta: [Double]
            var score: [Double]
            var covariance: Matrix
            var initialLogLikelihood: Double
            var finalLogLikelihood: Double
            var scoreTest: Double
            var iterations: Int
            var converged: Bool
            var warnings: [String]
        }

        /// The Cholesky factor of I(β), or a `NumericalError` naming the term that makes it singular.
        func factor(_ information: Matrix, iteration: Int) throws -> CholeskyFactor {
            let largest = information.diagonalElements.max() ?? 0
            let remedy = "remove a constant or collinear term, or a group level with no subjects at risk at any event time"
            do {
                let factor = try information.cholesky()
                if let j = factor.lower.diagonalElements.firstIndex(where: { $0 * $0 < Self.singularityTolerance * largest }) {
                    throw NumericalError(routine: CoxModel.routine,
                                         reason: "the information matrix is singular: term '\(names[j])' carries no information beyond the terms before it",
                                         iteration: iteration, remedy: remedy)
                }
                return factor
            } catch let error as LinearAlgebraError {
                let which: String
                if case let .notPositiveDefinite(minor) = error, minor >= 1, minor <= names.count {
                    which = ": term '\(names[minor - 1])' carries no information beyond the terms before it"
                } else {
                    which = " (\(error))"
                }
                throw NumericalError(routine: CoxModel.routine, reason: "the information matrix is singular\(which)",
                                     iteration: iteration, remedy: remedy)
            }
        }

        func run() throws -> Result {
            let p = likelihood.parameterCount
            var beta = [Double](repeating: 0, count: p)
            let start = likelihood.evaluate(beta)
            guard start.logLikelihood.isFinite else {
                throw NumericalError(routine: CoxModel.routine, reason: "the log partial likelihood at β = 0 is not finite",
                                     iteration: 0, remedy: "check the covariates for extreme values")
            }
            let startFactor = try factor(start.information, iteration: 0)
            let firstStep = try startFactor.solve(start.score)
            let scoreTest = zip(start.score, firstStep).reduce(0) { $0 + $1.0 * $1.1 }
            if maxIterations == 0 {
                return Result(beta: beta, score: start.score, covariance: try startFactor.inverse(),
                              initialLogLikelihood: start.logLikelihood, finalLogLikelihood: start.logLikelihood,
                              scoreTest: scoreTest, iterations: 0, converged: true, warnings: [])
            }
            var best = start.logLikelihood
            var candidate = zip(beta, firstStep).map(+)
            var halving = 0.0
            for iteration in 1...maxIterations {
                let trial = likelihood.evaluate(candidate)
                let finite = trial.logLikelihood.isFinite && trial.score.allSatisfy(\.isFinite) && trial.information.isFinite
                if finite && abs(1 - best / trial.logLikelihood) <= tolerance {
                    let covariance = try factor(trial.information, iteration: iteration).inverse()
                    return Result(beta: candidate, score: trial.score, covariance: covariance,
                                  initialLogLikelihood: start.logLikelihood, finalLogLikelihood: trial.logLikelihood,
                                  scoreTest: scoreTest, iterations: iteration, converged: true, warnings: [])
                }
                if !finite || trial.logLikelihood < best {
                    // Step halving: pull the candidate back towards the last good β.
                    halving += 1
                    candidate = zip(candidate, beta).map { ($0 + halving * $1) / (halving + 1) }
                } else {
                    halving = 0
                    best = trial.logLikelihood
                    let step = try factor(trial.information, iteration: iteration).solve(trial.score)
                    beta = candidate
                    candidate = zip(candidate, step).map(+)
                }
            }
            // Out of iterations: report the last good β with its information.
            let last = likelihood.evaluate(beta)
            let covariance = try factor(last.information, iteration: maxIterations).inverse()
            return Result(beta: beta, score: last.score, covariance: covariance,
                          initialLogLikelihood: start.logLikelihood, finalLogLikelihood: last.logLikelihood,
                          scoreTest: scoreTest, iterations: maxIterations, converged: false,
                          warnings: ["Ran out of iterations and did not converge (\(maxIterations) Newton–Raphson iterations; relative change in the log partial likelihood still above \(tolerance))"])
        }
    }
}
