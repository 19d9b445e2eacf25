/// Marching squares on a `ScalarGrid` (Lorensen & Cline's marching cubes in two dimensions).
///
/// Each grid cell has corners c₀ = (i, j), c₁ = (i+1, j), c₂ = (i+1, j+1), c₃ = (i, j+1) (counter-clockwise for y
/// up). A corner is *inside* the level set when f ≥ level. Where the level crosses an edge, the crossing point is
/// linear interpolation along that edge, always computed from the edge's lower-index node so that the two cells
/// sharing an edge get bit-identical points (no cracks between cells).
///
/// Saddle cells (inside corners on one diagonal only) are ambiguous; they are resolved by the average of the four
/// corners, the value of the bilinear interpolant at the cell centre: if it is inside, the two inside corners are
/// joined through the centre, otherwise they are separated. Lines and filled regions use the same rule, so the lines
/// lie exactly on the edges of the filled bands.
enum MarchingSquares {
    /// A point in data coordinates.
    typealias DataPoint = (x: Double, y: Double)

    // MARK: - Edges

    /// Identifier of the horizontal edge from node (i, j) to (i+1, j) or the vertical edge from (i, j) to (i, j+1).
    @inline(__always) static func horizontalEdge(_ i: Int, _ j: Int, nx: Int) -> Int { 2 * (j * nx + i) }
    @inline(__always) static func verticalEdge(_ i: Int, _ j: Int, nx: Int) -> Int { 2 * (j * nx + i) + 1 }

    /// The crossing of `level` on edge `id`.
    @inline(__always) static func crossing(_ grid: ScalarGrid, edge id: Int, level: Double) -> DataPoint {
        let nx = grid.xs.count
        let node = id / 2, i = node % nx, j = node / nx
        let a = grid.values[node]
        if id % 2 == 0 {
            let b = grid.values[node + 1]
            let t = b == a ? 0.5 : (level - a) / (b - a)
            return (grid.xs[i] + t * (grid.xs[i + 1] - grid.xs[i]), grid.ys[j])
        } else {
            let b = grid.values[node + nx]
            let t = b == a ? 0.5 : (level - a) / (b - a)
            return (grid.xs[i], grid.ys[j] + t * (grid.ys[j + 1] - grid.ys[j]))
        }
    }

    /// The four edges of cell (i, j) in order e₀ = c₀c₁ (bottom), e₁ = c₁c₂ (right), e₂ = c₂c₃ (top), e₃ = c₃c₀ (left).
    @inline(__always) static func cellEdges(_ i: Int, _ j: Int, nx: Int) -> (Int, Int, Int, Int) {
        (horizontalEdge(i, j, nx: nx), verticalEdge(i + 1, j, nx: nx),
         horizontalEdge(i, j + 1, nx: nx), verticalEdge(i, j, nx: nx))
    }

    // MARK: - Lines

    /// Contour lines of `level` as polylines in data coordinates (closed loops repeat their first point).
    static func lines(_ grid: ScalarGrid, level: Double) -> [[DataPoint]] {
        let nx = grid.xs.count, ny = grid.ys.count
        var segments: [(Int, Int)] = []
        for j in 0..<(ny - 1) {
            for i in 0..<(nx - 1) {
                let f = (grid.value(i, j), grid.value(i + 1, j), grid.value(i + 1, j + 1), grid.value(i, j + 1))
                let inside = [f.0 >= level, f.1 >= level, f.2 >= level, f.3 >= level]
                let count = inside.filter { $0 }.count
                if count == 0 || count == 4 { continue }
                let e = cellEdges(i, j, nx: nx)
                let edges = [e.0, e.1, e.2, e.3]
                let isSaddle = count == 2 && inside[0] == inside[2]
                if isSaddle {
                    let centreInside = (f.0 + f.1 + f.2 + f.3) / 4 >= level
                    // Cut off the corners that are isolated: outside ones if the centre is inside, else inside ones.
                    for k in 0..<4 where inside[k] != centreInside {
                        segments.append((edges[(k + 3) % 4], edges[k]))
                    }
                } else {
                    var crossed: [Int] = []
                    for k in 0..<4 where inside[k] != inside[(k + 1) % 4] { crossed.append(edges[k]) }
                    segments.append((crossed[0], crossed[1]))
                }
            }
        }
        return chain(segments).map { ids in ids.map { crossing(grid, edge: $0, level: level) } }
    }

    /// Joins segments that share an edge crossing into polylines of edge ids.
    static func chain(_ segments: [(Int, Int)]) -> [[Int]] {
        var incident: [Int: [Int]] = [:]
        for (s, seg) in segments.enumerated() {
            incident[seg.0, default: []].append(s)
            incident[seg.1, default: []].append(s)
        }
        var used = [Bool](repeating: false, count: segments.count)
        var result: [[Int]] = []

        func walk(from start: Int, segment first: Int) -> [Int] {
            var ids = [start]
            var current = start, s = first
            while true {
                used[s] = true
                let seg = segments[s]
                let next = seg.0 == current ? seg.1 : seg.0
                ids.append(next)
                current = next
                guard let candidates = incident[current], let n = candidates.first(where: { !used[$0] }) else { break }
                s = n
            }
            return ids
        }
        // Open chains start at an end that belongs to one segment (the grid boundary); sorted for determinism.
        let ends = incident.filter { $0.value.count == 1 }.keys.sorted()
        for end in ends {
            let s = incident[end]![0]
            if !used[s] { result.append(walk(from: end, segment: s)) }
        }
        for s in segments.indices where !used[s] {
            result.append(walk(from: segments[s].0, segment: s))
        }
        return result
    }

    // MARK: - Filled regions

    /// The superlevel set {f ≥ level} as polygons in data coordinates: one polygon per partially covered cell, and
    /// one rectangle per horizontal run of fully covered cells. Together they tile the region without overlaps, so
    /// filling them as ONE path (non-zero rule) gives a seamless area.
    static func superlevelPolygons(_ grid: ScalarGrid, level: Double, emit: ([DataPoint]) -> Void) {
        let nx = grid.xs.count, ny = grid.ys.count
        var polygon: [DataPoint] = []
        polygon.reserveCapacity(8)
        for j in 0..<(ny - 1) {
            var runStart: Int? = nil
            func flushRun(_ end: Int) {
                if let s = runStart {
                    emit([(grid.xs[s], grid.ys[j]), (grid.xs[end], grid.ys[j]),
                          (grid.xs[end], grid.ys[j + 1]), (grid.xs[s], grid.ys[j + 1])])
                    runStart = nil
                }
            }
            for i in 0..<(nx - 1) {
                let f0 = grid.value(i, j), f1 = grid.value(i + 1, j)
                let f2 = grid.value(i + 1, j + 1), f3 = grid.value(i, j + 1)
                let in0 = f0 >= level, in1 = f1 >= level, in2 = f2 >= level, in3 = f3 >= level
                if in0 && in1 && in2 && in3 {
                    if runStart == nil { runStart = i }
                    continue
                }
                flushRun(i)
                if !(in0 || in1 || in2 || in3) { continue }
                let inside = [in0, in1, in2, in3]
                let corners: [DataPoint] = [(grid.xs[i], grid.ys[j]), (grid.xs[i + 1], grid.ys[j]),
                                            (grid.xs[i + 1], grid.ys[j + 1]), (grid.xs[i], grid.ys[j + 1])]
                let e = cellEdges(i, j, nx: nx)
                let edges = [e.0, e.1, e.2, e.3]
                let isSaddle = in0 == in2 && in1 == in3 && in0 != in1
                if isSaddle && (f0 + f1 + f2 + f3) / 4 < level {
                    // Separated: one triangle around each inside corner.
                    for k in 0..<4 where inside[k] {
                        emit([crossing(grid, edge: edges[(k + 3) % 4], level: level), corners[k],
                              crossing(grid, edge: edges[k], level: level)])
                    }
                    continue
                }
                polygon.removeAll(keepingCapacity: true)
                for k in 0..<4 {
                    if inside[k] { polygon.append(corners[k]) }
                    if inside[k] != inside[(k + 1) % 4] { polygon.append(crossing(grid, edge: edges[k], level: level)) }
                }
                emit(polygon)
            }
            flushRun(nx - 1)
        }
    }

    /// Area of the superlevel set (shoelace formula over the polygons), for tests.
    static func superlevelArea(_ grid: ScalarGrid, level: Double) -> Double {
        var area = 0.0
        superlevelPolygons(grid, level: level) { poly in
            var s = 0.0
            for k in poly.indices {
                let a = poly[k], b = poly[(k + 1) % poly.count]
                s += a.x * b.y - b.x * a.y
            }
            area += abs(s) / 2
        }
        return area
    }
}
