import Foundation

/// Places text labels near their anchor points so that they cover no data point (or other obstacle) and no earlier
/// label: a greedy search over candidate positions, one label after another, in the order given.
///
/// Everything is in one coordinate system, the caller's: data units (on an equal-aspect data plane, one data unit per
/// `k` points in both directions) or points. A label of `w` × `h` points in data units is `w·u` × `h·u`, where `u` is
/// the data units per point of the plot (e.g. the data span over the plot area's width in points).
///
/// For label i with text position p = anchor + offset c (c = the candidates `offsets` in order, nearest first), the
/// text's box B(p) is `width` × `height` with p at the middle of its left edge (`.left`), its centre (`.center`) or the
/// middle of its right edge (`.right`) — where `Axes.text(_:x:y:anchor:)` draws it. Around B the search keeps a
/// `margin`: E(p) = B(p) grown by `margin` on every side. A candidate is scored by
/// - overlaps: the earlier labels whose boxes meet E(p) (touching edges do not count),
/// - covered: the obstacles strictly inside E(p),
/// - clearance: the distance from B(p) to the nearest obstacle or earlier label box (∞ if there is none).
///
/// `.nearestFree` takes the candidate with the fewest overlaps, then the fewest covered obstacles, then the earliest
/// in `offsets`: the nearest free candidate when there is one, else the least bad. `.mostClearance` takes the fewest
/// overlaps, then the fewest covered, then the largest clearance, then the earliest. The result is deterministic: the
/// same input gives the same positions (no randomness, ties go to the earlier candidate). Cost: labels × candidates ×
/// (obstacles + labels). Leaders (a dotted line from an arrow's tip to its label) and widening the limits so the
/// labels fit stay with the caller, which gets each label's box.
///
/// The two searches the lessons wrote by hand map onto it as follows.
///
/// *PCA, `principalAxesFigure`* (a label on each principal axis beyond the 2σ ellipse, at the first distance whose
/// box covers no data point): one request per axis i with anchor μ, `width: 48 * unit, height: 15 * unit`, the
/// alignment it chooses from uᵢ, `offsets: LabelPlacement.along(uᵢ, distances: gaps.map { 2 * √λᵢ + $0 })`; the
/// obstacles are the data points, `margin: 3 * unit`, rule `.nearestFree`. It reproduces the hand-written search
/// exactly (the same box, the same strict count, the first minimum), and also keeps the two labels apart.
///
/// *Nonlinear, untrained-decoder labels* (“z = …” next to the marks on fθ(z), at the one of eight positions around the
/// mark farthest from the curve, the marks and earlier labels): one request per kept mark with anchor fθ(z),
/// `width: 0.56, height: 0.12` (data units), `.center`, `offsets: LabelPlacement.around(radiusX: 0.42, radiusY: 0.18,
/// count: 8)`; the obstacles are every third vertex of the curve and all the marks, `margin: 0`, rule
/// `.mostClearance`. It measures clearance exactly from the box (the hand-written search sampled 5 × 3 points of it)
/// and keeps away from earlier labels' boxes (not their centres), so a label may land on a different one of the
/// eight positions than before.
public enum LabelPlacement {
    /// How to choose among candidates with no overlap and no covered obstacle (see the type's documentation).
    public enum Rule: Sendable, Equatable {
        /// The earliest free candidate (give the offsets nearest first).
        case nearestFree
        /// The free candidate farthest from every obstacle and earlier label.
        case mostClearance
    }

    /// Places every request in order; the result has one `PlacedLabel` per request. `obstaclesX` and `obstaclesY`
    /// are the obstacles' coordinates (the shorter array decides their number; NaN coordinates are ignored). A
    /// request without offsets is placed at its anchor.
    public static func place(_ requests: [LabelRequest], obstaclesX: [Double], obstaclesY: [Double], margin: Double = 0,
                             rule: Rule = .nearestFree) -> [PlacedLabel] {
        let obstacles = zip(obstaclesX, obstaclesY).filter { $0.0.isFinite && $0.1.isFinite }
        var placed: [PlacedLabel] = []
        placed.reserveCapacity(requests.count)
        for request in requests {
            let offsets = request.offsets.isEmpty ? [LabelOffset(dx: 0, dy: 0)] : request.offsets
            var best: PlacedLabel?
            for (index, offset) in offsets.enumerated() {
                let x = request.anchorX + offset.dx, y = request.anchorY + offset.dy
                let box = LabelBox(textAt: x, y, width: request.width, height: request.height, alignment: request.alignment)
                let guarded = box.grown(by: margin)
                var covered = 0
                var clearance = Double.infinity
                for (ox, oy) in obstacles {
                    if guarded.strictlyContains(ox, oy) { covered += 1 }
                    clearance = min(clearance, box.distance(toX: ox, y: oy))
                }
                var overlaps = 0
                for other in placed {
                    if guarded.intersects(other.box) { overlaps += 1 }
                    clearance = min(clearance, box.distance(to: other.box))
                }
                let candidate = PlacedLabel(x: x, y: y, box: box, candidate: index, overlappedLabels: overlaps,
                                            coveredObstacles: covered, clearance: clearance)
                if let current = best, !candidate.isBetter(than: current, rule: rule) { continue }
                best = candidate
            }
            placed.append(best!)  // offsets is never empty
        }
        return placed
    }

    /// Candidates along a direction: the text positions `d · (direction.x, direction.y)` from the anchor, for each
    /// distance d in order (e.g. beyond the tip of an arrow along it: give the distances ascending, nearest first).
    /// The direction is used as given (not normalised).
    public static func along(_ direction: (x: Double, y: Double), distances: [Double]) -> [LabelOffset] {
        distances.map { LabelOffset(dx: $0 * direction.x, dy: $0 * direction.y) }
    }

    /// `count` candidates on an ellipse around the anchor: (radiusX cos θₖ, radiusY sin θₖ) with θₖ = 2πk / count,
    /// k = 0 … count − 1 (to the right first, then counter-clockwise in data space).
    public static func around(radiusX: Double, radiusY: Double, count: Int = 8) -> [LabelOffset] {
        (0..<max(count, 0)).map { k in
            let angle = Double(k) * 2 * Double.pi / Double(count)
            return LabelOffset(dx: radiusX * cos(angle), dy: radiusY * sin(angle))
        }
    }
}

/// One label to place: its anchor, the size of its text box and where the text may go.
public struct LabelRequest: Sendable, Equatable {
    /// The point the label belongs to (an arrow's base, a marker).
    public var anchorX: Double
    public var anchorY: Double
    /// The text box's size, in the same units as the anchor.
    public var width: Double
    public var height: Double
    /// How the text is drawn at its position (the `anchor:` of `Axes.text`): fixes the box around the position.
    public var alignment: TextAnchor
    /// Candidate text positions relative to the anchor, in order of preference (nearest first).
    public var offsets: [LabelOffset]

    public init(anchorX: Double, anchorY: Double, width: Double, height: Double, alignment: TextAnchor = .center,
                offsets: [LabelOffset]) {
        self.anchorX = anchorX
        self.anchorY = anchorY
        self.width = width
        self.height = height
        self.alignment = alignment
        self.offsets = offsets
    }
}

/// A candidate text position relative to a label's anchor.
public struct LabelOffset: Sendable, Equatable {
    public var dx: Double
    public var dy: Double
    public init(dx: Double, dy: Double) {
        self.dx = dx
        self.dy = dy
    }
}

/// An axis-aligned box in the caller's coordinates.
public struct LabelBox: Sendable, Equatable {
    public var minX: Double, maxX: Double, minY: Double, maxY: Double

    public init(minX: Double, maxX: Double, minY: Double, maxY: Double) {
        self.minX = minX
        self.maxX = maxX
        self.minY = minY
        self.maxY = maxY
    }

    /// The box of text drawn at (x, y) with `alignment`, vertically centred on y.
    init(textAt x: Double, _ y: Double, width: Double, height: Double, alignment: TextAnchor) {
        let left = alignment == .left ? x : (alignment == .right ? x - width : x - width / 2)
        self.init(minX: left, maxX: left + width, minY: y - height / 2, maxY: y + height / 2)
    }

    /// The box grown by `d` on every side.
    public func grown(by d: Double) -> LabelBox { LabelBox(minX: minX - d, maxX: maxX + d, minY: minY - d, maxY: maxY + d) }

    /// Whether (x, y) lies inside, not on the edge.
    public func strictlyContains(_ x: Double, _ y: Double) -> Bool { x > minX && x < maxX && y > minY && y < maxY }

    /// Whether the interiors meet (boxes that only touch do not intersect).
    public func intersects(_ other: LabelBox) -> Bool {
        other.minX < maxX && other.maxX > minX && other.minY < maxY && other.maxY > minY
    }

    /// Euclidean distance from the box to the point (0 inside).
    public func distance(toX x: Double, y: Double) -> Double {
        hypot(max(minX - x, 0, x - maxX), max(minY - y, 0, y - maxY))
    }

    /// Euclidean distance between the two boxes (0 if they meet).
    public func distance(to other: LabelBox) -> Double {
        hypot(max(other.minX - maxX, 0, minX - other.maxX), max(other.minY - maxY, 0, minY - other.maxY))
    }
}

/// Where a label went, and how good the spot is.
public struct PlacedLabel: Sendable, Equatable {
    /// The text position: pass it to `Axes.text(_:x:y:anchor:)` with the request's alignment.
    public var x: Double
    public var y: Double
    /// The text's box at that position (e.g. to widen the axes limits so it fits).
    public var box: LabelBox
    /// The index of the chosen offset in the request's `offsets`.
    public var candidate: Int
    /// Earlier labels whose boxes meet this one's box grown by the margin (0 unless no candidate was free of them).
    public var overlappedLabels: Int
    /// Obstacles strictly inside the box grown by the margin (0 when a free candidate existed).
    public var coveredObstacles: Int
    /// Distance from the box to the nearest obstacle or earlier label box.
    public var clearance: Double

    func isBetter(than other: PlacedLabel, rule: LabelPlacement.Rule) -> Bool {
        if overlappedLabels != other.overlappedLabels { return overlappedLabels < other.overlappedLabels }
        if coveredObstacles != other.coveredObstacles { return coveredObstacles < other.coveredObstacles }
        if rule == .mostClearance { return clearance > other.clearance }
        return false  // `.nearestFree`: the earlier candidate stays
    }
}
