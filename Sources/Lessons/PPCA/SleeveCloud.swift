import Foundation
import LessonKit
import LinearAlgebra

/// Step 3's D = 3 example, where PPCA (q = 1) is *not* the full Gaussian: a cigar along x₁ (standard deviation 2) in
/// a flattened sleeve (1 along x₂, 0.3 along x₃). PPCA keeps the cigar's axis but replaces the two discarded
/// variances by their mean, σ² = (λ₂ + λ₃)/2, so its sleeve is round where the data's is flat.
enum SleeveCloud {
    static let standardDeviations = [2.0, 1.0, 0.3]
    static let count = 300

    /// (300, 3): xₙ = (2 g₁, g₂, 0.3 g₃) with g drawn by `nextStandardNormal()` in that order from `random`.
    static func sample(using random: inout some RandomNumberGenerator) -> Matrix {
        var elements: [Double] = []
        elements.reserveCapacity(3 * count)
        for _ in 0..<count {
            for sd in standardDeviations { elements.append(sd * random.nextStandardNormal()) }
        }
        return Matrix(rows: count, columns: 3, elements: elements)
    }
}
