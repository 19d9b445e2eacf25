import Foundation
import LinearAlgebra
import Models

/// The PCA of a lesson's data set, fitted once per build: the PCA lesson and the PPCA lesson both decompose the 1/N
/// covariance of the same matrix (the digits, or `--data`), so the second one takes the first one's fit instead of
/// scanning the rows again.
///
/// `PCA(fitting:)` is a deterministic function of the matrix, so a reused fit is the same bits as a new one: the
/// cache changes no number, only the time. It is keyed by the *identity* of the matrix's storage and keeps that
/// matrix alive while it holds the fit: a live buffer cannot be reused for other data, and a copy that still shares
/// it holds the same values (any change would have copied it first), so the same storage means the same data. Only
/// the latest fit is kept (one data set per build); other matrices are fitted as usual.
enum SharedPCA {
    /// The PCA of `x`, from the cache when `x` is the matrix of the latest fit.
    static func fit(_ x: Matrix) throws(PCAError) -> PCA {
        if let cached = cache.lookUp(x) { return cached }
        let pca = try PCA(fitting: x)
        cache.store(pca, of: x)
        return pca
    }

    private static let cache = Cache()

    private final class Cache: @unchecked Sendable {
        private let lock = NSLock()
        private var entry: (data: Matrix, pca: PCA)?

        func lookUp(_ x: Matrix) -> PCA? {
            lock.lock()
            defer { lock.unlock() }
            guard let entry, Self.sameStorage(entry.data, x) else { return nil }
            return entry.pca
        }

        func store(_ pca: PCA, of x: Matrix) {
            guard !x.elements.isEmpty else { return }
            lock.lock()
            defer { lock.unlock() }
            entry = (x, pca)
        }

        /// True when both matrices have the same shape and their elements live in the same buffer.
        private static func sameStorage(_ a: Matrix, _ b: Matrix) -> Bool {
            guard a.rows == b.rows, a.columns == b.columns, !a.elements.isEmpty else { return false }
            let pa = a.elements.withUnsafeBufferPointer { $0.baseAddress }
            let pb = b.elements.withUnsafeBufferPointer { $0.baseAddress }
            return pa == pb
        }
    }
}
