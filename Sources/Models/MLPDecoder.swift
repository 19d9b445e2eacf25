// MLPDecoder — the neural decoder f_θ(z) of a nonlinear latent variable model, with its backward pass.
//
// What it implements
//   f_θ(z) = g(W₂ᵀ tanh(W₁ᵀ z + b₁) + b₂),   z ∈ ℝ^q, hidden layer of H tanh units, output in ℝ^D,
// where the output map g is either the identity (`.linear`, for the 2-D toy curve) or s·sigmoid(·)
// (`.scaledSigmoid(s)`, for digits whose pixels lie in [0, 16]: every decoded image is then a valid image).
// The decoder is the mean of the Gaussian observation model p(x|z) = N(x; f_θ(z), σ²I) (Kingma & Welling 2014,
// appendix C.2; Bishop PRML §12.4 for nonlinear latent variable models).
//
// Shapes (rows are samples, so a whole batch of latent points goes through two matrix products):
//   Z (n, q) · W₁ (q, H) + b₁ → A (n, H);  Hd = tanh(A);  Hd · W₂ (H, D) + b₂ → P (n, D);  F = g(P) (n, D).
//
// Backward (micrograd style: each operation's derivative next to its forward line), given G = ∂L/∂F (n, D):
//   linear:          ∂L/∂P = G
//   s·sigmoid:       ∂L/∂P = G ⊙ F ⊙ (1 − F/s)              since d(s·σ(p))/dp = s·σ(p)(1 − σ(p))
//   ∂L/∂W₂ = Hdᵀ (∂L/∂P)   (H, D)      ∂L/∂b₂ = column sums of ∂L/∂P
//   ∂L/∂Hd = (∂L/∂P) W₂ᵀ    (n, H)
//   ∂L/∂A  = ∂L/∂Hd ⊙ (1 − Hd²)                              since tanh′ = 1 − tanh²
//   ∂L/∂W₁ = Zᵀ (∂L/∂A)     (q, H)      ∂L/∂b₁ = column sums of ∂L/∂A
//   ∂L/∂Z  = (∂L/∂A) W₁ᵀ    (n, q)      (used for posterior modes / Laplace approximations)
//
// Initialisation (seeded, explicit generator): W₁ ~ N(0, gain²/q), W₂ ~ N(0, outputScale²/H), b₁ ~ N(0, biasScale²),
// b₂ given (e.g. the data mean, mapped through g⁻¹). Parameters are also exposed as one flat vector for Adam, in the
// fixed order W₁, b₁, W₂, b₂ (row-major inside each matrix).

import Foundation
import LinearAlgebra

/// A one-hidden-layer tanh network q → H → D used as the mean of p(x|z).
public struct MLPDecoder: Sendable, Equatable {
    /// The map applied to the last layer's pre-activation.
    public enum Output: Sendable, Equatable {
        /// f = P: unbounded outputs (the toy curve in ℝ²).
        case linear
        /// f = s·sigmoid(P): outputs in (0, s), e.g. s = 16 for 8×8 digits with pixel values 0…16.
        case scaledSigmoid(Double)
    }

    public let latentDimension: Int   // q
    public let hiddenUnits: Int       // H
    public let outputDimension: Int   // D
    public let output: Output
    public var w1: Matrix             // (q, H)
    public var b1: [Double]           // (H)
    public var w2: Matrix             // (H, D)
    public var b2: [Double]           // (D)

    /// Builds a decoder from explicit parameters (shapes are checked).
    public init(w1: Matrix, b1: [Double], w2: Matrix, b2: [Double], output: Output = .linear) throws(NonlinearModelError) {
        guard w1.columns == b1.count, w2.rows == w1.columns, w2.columns == b2.count else {
            throw .dimensionMismatch(
                "MLPDecoder: W₁ is \(w1.rows)×\(w1.columns), b₁ has \(b1.count), W₂ is \(w2.rows)×\(w2.columns), b₂ has \(b2.count); expected (q, H), H, (H, D), D")
        }
        self.latentDimension = w1.rows
        self.hiddenUnits = w1.columns
        self.outputDimension = w2.columns
        self.output = output
        self.w1 = w1
        self.b1 = b1
        self.w2 = w2
        self.b2 = b2
    }

    /// A seeded random decoder: W₁ ~ N(0, gain²/q), b₁ ~ N(0, biasScale²), W₂ ~ N(0, outputScale²/H),
    /// b₂ = `outputBias` (the pre-activation bias; zeros when nil).
    public init<G: RandomNumberGenerator>(
        latentDimension q: Int, hiddenUnits h: Int, outputDimension d: Int, output: Output = .linear,
        gain: Double = 1, biasScale: Double = 1, outputScale: Double = 1, outputBias: [Double]? = nil,
        using generator: inout G
    ) {
        precondition(q > 0 && h > 0 && d > 0, "MLPDecoder: dimensions must be positive (q = \(q), H = \(h), D = \(d))")
        precondition(outputBias == nil || outputBias!.count == d, "MLPDecoder: output bias needs \(d) entries")
        latentDimension = q
        hiddenUnits = h
        outputDimension = d
        self.output = output
        let s1 = gain / Double(q).squareRoot()
        w1 = Matrix(rows: q, columns: h, elements: (0..<(q * h)).map { _ in s1 * generator.nextStandardNormal() })
        b1 = (0..<h).map { _ in biasScale * generator.nextStandardNormal() }
        let s2 = outputScale / Double(h).squareRoot()
        w2 = Matrix(rows: h, columns: d, elements: (0..<(h * d)).map { _ in s2 * generator.nextStandardNormal() })
        b2 = outputBias ?? [Double](repeating: 0, count: d)
    }

    // MARK: - Forward

    /// What the backward pass needs from the forward pass.
    public struct ForwardPass: Sendable {
        public let z: Matrix        // (n, q)
        public let hidden: Matrix   // (n, H)  tanh(Z W₁ + b₁)
        public let output: Matrix   // (n, D)  f_θ(z) row by row
    }

    /// f_θ applied to every row of `z` (n, q) → (n, D), keeping the activations for `backward`.
    public func forward(_ z: Matrix) -> ForwardPass {
        precondition(z.columns == latentDimension, "MLPDecoder: z has \(z.columns) columns, expected \(latentDimension)")
        var a = z * w1                                               // (n, H)   A = Z W₁
        NonlinearKernels.addRowVector(&a, b1)                                           //          A += b₁
        NonlinearKernels.apply(&a) { tanh($0) }                                         //          Hd = tanh(A)
        var p = a * w2                                               // (n, D)   P = Hd W₂
        NonlinearKernels.addRowVector(&p, b2)                                           //          P += b₂
        switch output {
        case .linear: break                                          //          F = P
        case .scaledSigmoid(let s): NonlinearKernels.apply(&p) { s / (1 + exp(-$0)) }  //          F = s·σ(P)
        }
        return ForwardPass(z: z, hidden: a, output: p)
    }

    /// f_θ applied to every row of `z` (n, q) → (n, D).
    public func callAsFunction(_ z: Matrix) -> Matrix { forward(z).output }

    // MARK: - Backward

    /// ∂L/∂θ for every parameter group, same shapes as the parameters.
    public struct Gradient: Sendable, Equatable {
        public var w1: Matrix
        public var b1: [Double]
        public var w2: Matrix
        public var b2: [Double]
        /// W₁, b₁, W₂, b₂ in the order of `MLPDecoder.parameters`.
        public var flattened: [Double] { w1.elements + b1 + w2.elements + b2 }
    }

    /// Backpropagates G = ∂L/∂F (n, D) through the pass; returns ∂L/∂θ and ∂L/∂Z (n, q).
    public func backward(_ pass: ForwardPass, outputGradient g: Matrix) -> (parameters: Gradient, latent: Matrix) {
        precondition(g.rows == pass.output.rows && g.columns == outputDimension, "MLPDecoder.backward: gradient shape")
        var gp = g                                                   // ∂L/∂P
        switch output {
        case .linear: break
        case .scaledSigmoid(let s):
            gp.elements.withUnsafeMutableBufferPointer { gb in
                pass.output.elements.withUnsafeBufferPointer { fb in
                    for i in 0..<gb.count { gb[i] *= fb[i] * (1 - fb[i] / s) }   // s·σ′ = F(1 − F/s)
                }
            }
        }
        let layers = NonlinearKernels.tanhLayersBackward(input: pass.z, hidden: pass.hidden, outputGradient: gp, w2: w2)
        let dZ = layers.preActivationGradient.timesTranspose(w1)      // (n, q) ∂L/∂A W₁ᵀ
        return (Gradient(w1: layers.w1, b1: layers.b1, w2: layers.w2, b2: layers.b2), dZ)
    }

    // MARK: - Flat parameter vector (for the optimiser)

    /// Number of scalar parameters: qH + H + HD + D.
    public var parameterCount: Int { flatParameterCount }

    /// All parameters as one vector, in the order W₁ (row-major), b₁, W₂ (row-major), b₂ (`TwoLayerParameters`).
    public var parameters: [Double] {
        get { flatParameters }
        set { flatParameters = newValue }
    }
}

// MARK: - Small row-wise kernels used by the nonlinear model (internal to Models)

/// Row-wise helpers on `Matrix` for the decoder and the quadrature marginal; loops run in a fixed order, so results are
/// deterministic.
enum NonlinearKernels {
    /// The backward pass of the two dense layers X → A = XW₁ + b₁ → Hd = tanh A → P = HdW₂ + b₂ shared by
    /// `MLPDecoder` and `GaussianEncoder`, from ∂L/∂P (n × out): ∂W₂ = Hdᵀ ∂L/∂P, ∂b₂ = column sums, ∂L/∂A =
    /// (∂L/∂P W₂ᵀ) ⊙ (1 − Hd²), ∂W₁ = Xᵀ ∂L/∂A, ∂b₁ = column sums; ∂L/∂A is returned for a gradient with respect to X.
    static func tanhLayersBackward(input x: Matrix, hidden: Matrix, outputGradient gp: Matrix, w2: Matrix)
        -> (w1: Matrix, b1: [Double], w2: Matrix, b2: [Double], preActivationGradient: Matrix) {
        let dW2 = hidden.transposeTimes(gp)                           // (H, out) Hdᵀ ∂L/∂P
        let db2 = columnSums(gp)                                      // (out)
        var ga = gp.timesTranspose(w2)                                // (n, H) ∂L/∂Hd = ∂L/∂P W₂ᵀ
        ga.elements.withUnsafeMutableBufferPointer { gb in
            hidden.elements.withUnsafeBufferPointer { hb in
                for i in 0..<gb.count { gb[i] *= 1 - hb[i] * hb[i] }  // ∂L/∂A = ∂L/∂Hd ⊙ (1 − Hd²)
            }
        }
        let dW1 = x.transposeTimes(ga)                                // (in, H) Xᵀ ∂L/∂A
        return (dW1, columnSums(ga), dW2, db2, ga)
    }

    /// Adds v to every row of m (broadcast over rows).
    static func addRowVector(_ m: inout Matrix, _ v: [Double]) {
        precondition(v.count == m.columns)
        let c = m.columns, r = m.rows
        m.elements.withUnsafeMutableBufferPointer { e in
            v.withUnsafeBufferPointer { vb in
                for i in 0..<r { for j in 0..<c { e[i * c + j] += vb[j] } }
            }
        }
    }

    /// Applies f to every element of m.
    static func apply(_ m: inout Matrix, _ f: (Double) -> Double) {
        m.elements.withUnsafeMutableBufferPointer { e in for i in 0..<e.count { e[i] = f(e[i]) } }
    }

    /// Σᵢ rows of m (length `columns`), summed in row order.
    static func columnSums(_ m: Matrix) -> [Double] {
        var s = [Double](repeating: 0, count: m.columns)
        let c = m.columns
        m.elements.withUnsafeBufferPointer { e in
            for i in 0..<m.rows { for j in 0..<c { s[j] += e[i * c + j] } }
        }
        return s
    }

    /// ‖row i‖² for every row of m (length `rows`).
    static func rowSquaredNorms(_ m: Matrix) -> [Double] {
        let c = m.columns
        return m.elements.withUnsafeBufferPointer { e in
            (0..<m.rows).map { i in
                var s = 0.0
                for j in 0..<c { s += e[i * c + j] * e[i * c + j] }
                return s
            }
        }
    }
}

extension MLPDecoder: TwoLayerParameters {}
