import Foundation
import Testing
@testable import Plotting

/// `LabelPlacement`: labels cover no obstacle and no other label, the nearest free candidate wins, and the same input
/// gives the same placement.
@Suite struct LabelPlacementTests {
    /// A seeded cloud of `n` points around the origin, spread `spread`.
    static func cloud(_ n: Int, seed: UInt64, spread: Double = 1) -> (x: [Double], y: [Double]) {
        var g = GallerySeededGenerator(seed: seed)
        return (0..<n).reduce(into: (x: [Double](), y: [Double]())) { acc, _ in
            acc.x.append(spread * g.normal()); acc.y.append(spread * g.normal())
        }
    }

    /// Candidates on rings of growing radius, nearest first.
    static let rings = [0.3, 0.6, 0.9, 1.2, 1.6, 2.0, 2.5].flatMap { LabelPlacement.around(radiusX: $0, radiusY: $0, count: 16) }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func labelsCoverNoPointAndNoOtherLabel(seed: UInt64) {
        let (xs, ys) = Self.cloud(80, seed: seed)
        // Labels anchored at six of the data points, all on the busy middle of the cloud.
        let requests = (0..<6).map { k in
            LabelRequest(anchorX: xs[k], anchorY: ys[k], width: 0.6, height: 0.2, alignment: [.left, .center, .right][k % 3],
                         offsets: Self.rings)
        }
        let margin = 0.02
        let placed = LabelPlacement.place(requests, obstaclesX: xs, obstaclesY: ys, margin: margin)
        #expect(placed.count == requests.count)
        for (i, label) in placed.enumerated() {
            #expect(label.coveredObstacles == 0 && label.overlappedLabels == 0)
            let guarded = label.box.grown(by: margin)
            #expect(!zip(xs, ys).contains { guarded.strictlyContains($0.0, $0.1) })
            for other in placed[..<i] { #expect(!label.box.intersects(other.box)) }
            // The box is where `Axes.text` draws the text: vertically centred on y, aligned horizontally by the anchor.
            #expect(abs(label.box.maxY - label.box.minY - 0.2) < 1e-12 && abs((label.box.minY + label.box.maxY) / 2 - label.y) < 1e-12)
            let expectedLeft = [label.x, label.x - 0.3, label.x - 0.6][i % 3]
            #expect(abs(label.box.minX - expectedLeft) < 1e-12)
        }
    }

    /// Obstacles on the first three candidates: the fourth (the nearest free one) is taken, even though later ones are
    /// farther from everything.
    @Test func takesTheNearestFreeCandidate() {
        let offsets = (1...8).map { LabelOffset(dx: Double($0), dy: 0) }
        let request = LabelRequest(anchorX: 0, anchorY: 0, width: 0.5, height: 0.5, alignment: .center, offsets: offsets)
        let placed = LabelPlacement.place([request], obstaclesX: [1, 2.1, 2.9], obstaclesY: [0, 0.1, -0.2])
        #expect(placed[0].candidate == 3 && placed[0].x == 4 && placed[0].y == 0)
        #expect(placed[0].coveredObstacles == 0)
        // The same spot under `.mostClearance` moves as far as it can: the last candidate.
        let far = LabelPlacement.place([request], obstaclesX: [1, 2.1, 2.9], obstaclesY: [0, 0.1, -0.2], rule: .mostClearance)
        #expect(far[0].candidate == 7)
        #expect(abs(far[0].clearance - (8 - 0.25 - 2.9)) < 1e-12)
    }

    /// The margin keeps obstacles away from the box: a point just outside the box but inside the margin blocks it.
    @Test func marginGuardsTheBox() {
        let offsets = [LabelOffset(dx: 0, dy: 0), LabelOffset(dx: 0, dy: 5)]
        let request = LabelRequest(anchorX: 0, anchorY: 0, width: 2, height: 1, alignment: .left, offsets: offsets)
        let obstacle = ([2.05], [0.0])
        #expect(LabelPlacement.place([request], obstaclesX: obstacle.0, obstaclesY: obstacle.1)[0].candidate == 0)
        #expect(LabelPlacement.place([request], obstaclesX: obstacle.0, obstaclesY: obstacle.1, margin: 0.1)[0].candidate == 1)
    }

    /// When every candidate covers something, the least covered one is taken (the earliest of equals).
    @Test func takesTheLeastCoveredWhenNothingIsFree() {
        let offsets = [LabelOffset(dx: 0, dy: 0), LabelOffset(dx: 10, dy: 0), LabelOffset(dx: 20, dy: 0)]
        let request = LabelRequest(anchorX: 0, anchorY: 0, width: 2, height: 2, alignment: .center, offsets: offsets)
        let placed = LabelPlacement.place([request], obstaclesX: [0, 0.5, 10, 19.5, 20.2], obstaclesY: [0, 0, 0, 0, 0])
        #expect(placed[0].candidate == 1 && placed[0].coveredObstacles == 1)
    }

    /// Two labels with the same anchor and candidates: the second moves on to the next free candidate.
    @Test func laterLabelsAvoidEarlierOnes() {
        let request = LabelRequest(anchorX: 0, anchorY: 0, width: 1, height: 0.4, alignment: .center,
                                   offsets: LabelPlacement.along((x: 0, y: 1), distances: [1, 1.2, 1.5, 2]))
        let placed = LabelPlacement.place([request, request], obstaclesX: [], obstaclesY: [])
        #expect(placed.map(\.candidate) == [0, 2])  // 1.2 would overlap the first label (box 0.8…1.2 vs 1.0…1.4)
        #expect(!placed[1].box.intersects(placed[0].box))
        #expect(abs(placed[1].clearance - 0.1) < 1e-12)
    }

    @Test func isDeterministic() {
        let (xs, ys) = Self.cloud(200, seed: 11, spread: 1.5)
        let requests = (0..<10).map { k in
            LabelRequest(anchorX: xs[k], anchorY: ys[k], width: 0.5, height: 0.15, offsets: Self.rings)
        }
        for rule in [LabelPlacement.Rule.nearestFree, .mostClearance] {
            let a = LabelPlacement.place(requests, obstaclesX: xs, obstaclesY: ys, margin: 0.01, rule: rule)
            let b = LabelPlacement.place(requests, obstaclesX: xs, obstaclesY: ys, margin: 0.01, rule: rule)
            #expect(a == b)
        }
    }

    /// The PCA lesson's search (first distance along the axis whose box, grown by 3 units, holds the fewest points):
    /// the same spots as the function.
    @Test func reproducesTheRaySearchOfThePCALesson() {
        let (xs, ys) = Self.cloud(200, seed: 5, spread: 1.2)
        let unit = 0.02, (w, h) = (48 * unit, 15 * unit)
        for (u, anchor) in [((0.8, 0.6), TextAnchor.left), ((-0.6, 0.8), .center), ((-0.8, -0.6), .right)] {
            let gaps = stride(from: 0.25, through: 2.5, by: 0.05).map { $0 * (unit * 40) }
            let spots = gaps.map { g in (0.1 + (2 * 1.3 + g) * u.0, -0.2 + (2 * 1.3 + g) * u.1) }
            let counts = spots.map { spot -> Int in
                let l = anchor == .left ? spot.0 : (anchor == .right ? spot.0 - w : spot.0 - w / 2)
                let (r, b, t) = (l + w, spot.1 - h / 2, spot.1 + h / 2)
                return xs.indices.filter { n in
                    xs[n] > l - unit * 3 && xs[n] < r + unit * 3 && ys[n] > b - unit * 3 && ys[n] < t + unit * 3
                }.count
            }
            let best = counts.firstIndex(of: counts.min()!)!
            let request = LabelRequest(anchorX: 0.1, anchorY: -0.2, width: w, height: h, alignment: anchor,
                                       offsets: LabelPlacement.along((x: u.0, y: u.1), distances: gaps.map { 2 * 1.3 + $0 }))
            let placed = LabelPlacement.place([request], obstaclesX: xs, obstaclesY: ys, margin: 3 * unit)[0]
            #expect(placed.candidate == best && placed.x == spots[best].0 && placed.y == spots[best].1)
            #expect(placed.coveredObstacles == counts[best])
        }
    }

    @Test func candidatesAroundAndAlong() {
        let ring = LabelPlacement.around(radiusX: 0.42, radiusY: 0.18, count: 8)
        #expect(ring.count == 8)
        for (k, o) in ring.enumerated() {  // the nonlinear lesson's eight positions, to the bit
            let angle = Double(k) * Double.pi / 4
            #expect(o.dx == 0.42 * cos(angle) && o.dy == 0.18 * sin(angle))
        }
        #expect(LabelPlacement.along((x: 0.6, y: -0.8), distances: [1, 2]) == [LabelOffset(dx: 0.6, dy: -0.8), LabelOffset(dx: 1.2, dy: -1.6)])
        let alone = LabelPlacement.place([LabelRequest(anchorX: 3, anchorY: 4, width: 1, height: 1, offsets: [])],
                                         obstaclesX: [], obstaclesY: [])
        #expect(alone[0].x == 3 && alone[0].y == 4 && alone[0].clearance == .infinity)
    }
}
