// GaussianEncoder — the inference network q_φ(z|x) = N(z; m_φ(x), diag s_φ(x)²) of amortised variational inference,
// with its backward pass.
//
// What it implements (Kingma & Welling 2014, §2.4 and appendix C.2; Rezende, Mohamed & Wierstra 2014, §4):
//   [m_φ(x), log s_φ(x)] = W₂ᵀ tanh(W₁ᵀ x + b₁) + b₂,   x ∈ ℝ^D, hidden layer of H tanh units, 2d outputs,
// one network for every observation instead of one (m, S) per observation ("amortised" inference). The last layer's
// first d outputs are the mean m, the other d the log standard deviations log s (natural log), so s = e^{log s} > 0
// without constraints.
//
// Shapes (rows are samples, so a whole batch goes through two matrix products):
//   X (n, D) · W₁ (D, H) + b₁ → A (n, H);  Hd = tanh(A);  Hd · W₂ (H, 2d) + b₂ → P (n, 2d) = [M | log S].
//
// Backward (each operation's derivative next to its forward line, as in MLPDecoder), given the upstream gradients
// ∂L/∂M and ∂L/∂log S (n, d each):
//   ∂L/∂P  = [∂L/∂M | ∂L/∂log S]   (n, 2d)                  P is split column-wise, so its gradient is concatenated
//   ∂L/∂W₂ = Hdᵀ (∂L/∂P)   (H, 2d)     ∂L/∂b₂ = column sums of ∂L/∂P
//   ∂L/∂Hd = (∂L/∂P) W₂ᵀ    (n, H)
//   ∂L/∂A  = ∂L/∂Hd ⊙ (1 − Hd²)                             since tanh′ = 1 − tanh²
//   ∂L/∂W₁ = Xᵀ (∂L/∂A)     (D, H)     ∂L/∂b₁ = column sums of ∂L/∂A
//
// Initialisation (seeded, explicit generator): with x̃ = (x − c)/r a fixed standardisation of the inputs (c = centre,
// r = scale; c = 0, r = 1 by default), W̃₁ ~ N(0, gain²/D), b̃₁ ~ N(0, biasScale²), folded into the first layer as
// W₁ = W̃₁/r, b₁ = b̃₁ − cᵀW₁ so that W₁ᵀx + b₁ = W̃₁ᵀx̃ + b̃₁ exactly (the parameters stay the plain ones; digits with
// pixels in [0, 16] then start with unsaturated tanh units). W₂ ~ N(0, outputScale²/H), b₂ = [0…0 | log s₀…log s₀].
// Parameters are exposed as one flat vector for Adam, in the order W₁, b₁, W₂, b₂ (row-major inside each matrix).

import Foundation
import LinearAlgebra

/// A one-hidden-layer tanh network D → H → 2d giving the mean and log standard deviation of q(z|x).
public struct GaussianEncoder: Sendable, Equatable {
    public let inputDimension: Int    // D
    public let hiddenUnits: Int       // H
    public let latentDimension: Int   // d
    public var w1: Matrix             // (D, H)
    public var b1: [Double]           // (H)
    public var w2: Matrix             // (H, 2d): columns 0..<d give m, columns d..<2d give log s
    public var b2: [Double]           // (2d)

    /// Builds an encoder from explicit parameters (shapes are checked; W₂ must have an even number of columns).
    public init(w1: Matrix, b1: [Double], w2: Matrix, b2: [Double]) throws(NonlinearModelError) {
        guard w1.columns == b1.count, w2.rows == w1.columns, w2.columns == b2.count, w2.columns % 2 == 0, w2.columns > 0 else {
            throw .dimensionMismatch(
                "GaussianEncoder: W₁ is \(w1.rows)×\(w1.columns), b₁ has \(b1.count), W₂ is \(w2.rows)×\(w2.columns), b₂ has \(b2.count); expected (D, H), H, (H, 2d), 2d")
        }
        self.inputDimension = w1.rows
        self.hiddenUnits = w1.columns
        self.latentDimension = w2.columns / 2
        self.w1 = w1
        self.b1 = b1
        self.w2 = w2
        self.b2 = b2
    }

    /// A seeded random encoder (see the file header): W̃₁ ~ N(0, gain²/D) on the standardised inputs (x − centre)/scale,
    /// b̃₁ ~ N(0, biasScale²), W₂ ~ N(0, outputScale²/H), b₂ = 0 for the means and `initialLogStandardDeviation` for log s.
    public init<G: RandomNumberGenerator>(
        inputDimension dIn: Int, hiddenUnits h: Int, latentDimension d: Int,
        gain: Double = 1, biasScale: Double = 1, outputScale: Double = 1, initialLogStandardDeviation: Double = 0,
        inputCentre: [Double]? = nil, inputScale: Double = 1,
        using generator: inout G
    ) {
        precondition(dIn > 0 && h > 0 && d > 0, "GaussianEncoder: dimensions must be positive (D = \(dIn), H = \(h), d = \(d))")
        precondition(inputCentre == nil || inputCentre!.count == dIn, "GaussianEncoder: input centre needs \(dIn) entries")
        precondition(inputScale > 0 && inputScale.isFinite, "GaussianEncoder: input scale must be positive")
        inputDimension = dIn
        hiddenUnits = h
        latentDimension = d
        let s1 = gain / Double(dIn).squareRoot() / inputScale
        w1 = Matrix(rows: dIn, columns: h, elements: (0..<(dIn * h)).map { _ in s1 * generator.nextStandardNormal() })
        b1 = (0..<h).map { _ in biasScale * generator.nextStandardNormal() }
        if let c = inputCentre {
            let shift = w1.transposeTimes(c)                          // W₁ᵀ c
            for j in 0..<h { b1[j] -= shift[j] }                      // b₁ = b̃₁ − cᵀW₁
        }
        let s2 = outputScale / Double(h).squareRoot()
        w2 = Matrix(rows: h, columns: 2 * d, elements: (0..<(h * 2 * d)).map { _ in s2 * generator.nextStandardNormal() })
        b2 = [Double](repeating: 0, count: d) + [Double](repeating: initialLogStandardDeviation, count: d)
    }

    // MARK: - Forward

    /// What the backward pass needs from the forward pass.
    public struct ForwardPass: Sendable {
        public let input: Matrix                 // (n, D)
        public let hidden: Matrix                // (n, H)  tanh(X W₁ + b₁)
        public let mean: Matrix                  // (n, d)  m_φ(x) row by row
        public let logStandardDeviation: Matrix  // (n, d)  log s_φ(x) row by row
    }

    /// The network applied to every row of `x` (n, D), keeping the activations for `backward`.
    public func forwardPass(_ x: Matrix) -> ForwardPass {
        precondition(x.columns == inputDimension, "GaussianEncoder: x has \(x.columns) columns, expected \(inputDimension)")
        let n = x.rows, d = latentDimension
        var a = x * w1                                               // (n, H)   A = X W₁
        NonlinearKernels.addRowVector(&a, b1)                        //          A += b₁
        NonlinearKernels.apply(&a) { tanh($0) }                      //          Hd = tanh(A)
        var p = a * w2                                               // (n, 2d)  P = Hd W₂
        NonlinearKernels.addRowVector(&p, b2)                        //          P += b₂
        var m = [Double](repeating: 0, count: n * d)                 //          M = P[:, 0..<d]
        var l = m                                                    //          log S = P[:, d..<2d]
        for i in 0..<n {
            for j in 0..<d {
                m[i * d + j] = p.elements[i * 2 * d + j]
                l[i * d + j] = p.elements[i * 2 * d + d + j]
            }
        }
        return ForwardPass(input: x, hidden: a, mean: Matrix(rows: n, columns: d, elements: m),
                           logStandardDeviation: Matrix(rows: n, columns: d, elements: l))
    }

    /// m_φ(x) and log s_φ(x) for every row of `x` (n, D): (n, d) each.
    public func forward(_ x: Matrix) -> (mean: Matrix, logStandardDeviation: Matrix) {
        let pass = forwardPass(x)
        return (pass.mean, pass.logStandardDeviation)
    }

    // MARK: - Backward

    /// ∂L/∂φ for every parameter group, same shapes as the parameters.
    public struct Gradient: Sendable, Equatable {
        public var w1: Matrix
        public var b1: [Double]
        public var w2: Matrix
        public var b2: [Double]
        /// W₁, b₁, W₂, b₂ in the order of `GaussianEncoder.parameters`.
        public var flattened: [Double] { w1.elements + b1 + w2.elements + b2 }
    }

    /// Backpropagates the upstream gradients ∂L/∂M and ∂L/∂log S (n, d each) through the pass; returns ∂L/∂φ.
    public func backward(_ pass: ForwardPass, meanGradient gm: Matrix, logStandardDeviationGradient gl: Matrix) -> Gradient {
        let n = pass.input.rows, d = latentDimension
        precondition(gm.rows == n && gm.columns == d && gl.rows == n && gl.columns == d, "GaussianEncoder.backward: gradient shapes")
        var gp = Matrix.zeros(n, 2 * d)                              // ∂L/∂P = [∂L/∂M | ∂L/∂log S]
        for i in 0..<n {
            for j in 0..<d {
                gp.elements[i * 2 * d + j] = gm.elements[i * d + j]
                gp.elements[i * 2 * d + d + j] = gl.elements[i * d + j]
            }
        }
        let layers = NonlinearKernels.tanhLayersBackward(input: pass.input, hidden: pass.hidden, outputGradient: gp, w2: w2)
        return Gradient(w1: layers.w1, b1: layers.b1, w2: layers.w2, b2: layers.b2)
    }

    // MARK: - Flat parameter vector (for the optimiser)

    /// Number of scalar parameters: DH + H + 2Hd + 2d.
    public var parameterCount: Int { flatParameterCount }

    /// All parameters as one vector, in the order W₁ (row-major), b₁, W₂ (row-major), b₂ (`TwoLayerParameters`).
    public var parameters: [Double] {
        get { flatParameters }
        set { flatParameters = newValue }
    }
}

extension GaussianEncoder: TwoLayerParameters {}
