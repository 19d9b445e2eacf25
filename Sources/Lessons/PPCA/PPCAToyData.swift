import Foundation
import LinearAlgebra

/// The 2-D example of the geometric steps. TEMPORARY: replaced by the PCA lesson's public seeded toy point cloud
/// once branch `pca` is merged (so both lessons show the same cloud).
enum PPCAToyData {
    static func pointCloud<G: RandomNumberGenerator>(using g: inout G) -> Matrix {
        let count = 200
        var rows: [[Double]] = []
        let angle = 0.5
        for _ in 0..<count {
            let a = 2.0 * g.nextStandardNormal()
            let b = 0.8 * g.nextStandardNormal()
            rows.append([1 + a * cos(angle) - b * sin(angle), 0.5 + a * sin(angle) + b * cos(angle)])
        }
        return Matrix(rows)
    }
}
