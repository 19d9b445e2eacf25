import LinearAlgebra

/// Seeded minibatches for the trainings (the decoder by quadrature, the VAE): the rows are reshuffled once every
/// row has been used (an epoch) and taken `batchSize` at a time in that order; without a batch size (or with one of
/// at least N) every step uses all rows. The same generator state gives the same batches.
struct Minibatches {
    private var order: [Int]
    private var cursor: Int
    let batchSize: Int?

    init(rows: Int, batchSize: Int?) {
        order = Array(0..<rows)
        cursor = rows
        self.batchSize = batchSize
    }

    /// The rows of the next step.
    mutating func next(_ x: Matrix, using generator: inout some RandomNumberGenerator) -> Matrix {
        guard let b = batchSize, b < x.rows else { return x }
        if cursor + b > x.rows {
            order.shuffle(using: &generator)
            cursor = 0
        }
        defer { cursor += b }
        return NonlinearLVM.gather(x, rows: order[cursor..<(cursor + b)])
    }
}

/// A network with two dense layers W₁, b₁, W₂, b₂ (`MLPDecoder`, `GaussianEncoder`): its parameters as one flat vector
/// for the optimiser, in the order W₁ (row-major), b₁, W₂ (row-major), b₂.
protocol TwoLayerParameters {
    var w1: Matrix { get set }
    var b1: [Double] { get set }
    var w2: Matrix { get set }
    var b2: [Double] { get set }
}

extension TwoLayerParameters {
    var flatParameterCount: Int { w1.elements.count + b1.count + w2.elements.count + b2.count }

    var flatParameters: [Double] {
        get { w1.elements + b1 + w2.elements + b2 }
        set {
            precondition(newValue.count == flatParameterCount, "\(Self.self): \(newValue.count) parameters for \(flatParameterCount)")
            var offset = 0
            func take(_ n: Int) -> [Double] {
                defer { offset += n }
                return Array(newValue[offset..<(offset + n)])
            }
            w1.elements = take(w1.elements.count)
            b1 = take(b1.count)
            w2.elements = take(w2.elements.count)
            b2 = take(b2.count)
        }
    }
}
