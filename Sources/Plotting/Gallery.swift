import Foundation

/// One figure of each mark, drawn from fixed synthetic data (seeded), for looking at the plotting layer as a whole:
/// `lvm-lessons gallery --out DIR`. The same call gives the same bytes.
public enum Gallery {
    /// The gallery's figures by file stem, in display order.
    public static func figures() -> [(name: String, figure: Figure)] {
        var rng = GallerySeededGenerator(seed: 20_261_126)
        return [
            ("scatter", scatter(&rng)),
            ("lines-legend", lines()),
            ("arrows", arrows(&rng)),
            ("ellipses", ellipses(&rng)),
            ("contours", contours()),
            ("heatmap", heatmap()),
            ("image-grid", imageGrid(&rng)),
            ("image-grid-axes", imageGridAxes()),
            ("bars-scree", bars()),
            ("bands", bands()),
            ("text", text()),
            ("log-scale", logScale()),
            ("subplots", subplots(&rng)),
        ]
    }

    /// Writes every figure as `NAME.EXT` for each format into `directory` (created if needed) and returns the
    /// written file names in order. PNGs use `scale` pixels per point.
    public static func render(into directory: URL, formats: [ImageFormat], scale: Double) throws -> [String] {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var written: [String] = []
        for (name, figure) in figures() {
            for format in formats {
                let file = "\(name).\(format.fileExtension)"
                try figure.write(to: directory.appendingPathComponent(file).path, format: format, scale: scale)
                written.append(file)
            }
        }
        return written
    }

    // MARK: - Figures

    static func scatter(_ rng: inout GallerySeededGenerator) -> Figure {
        let figure = Figure(title: "Scatter: three classes with markers and transparency")
        let ax = figure.addAxes()
        let centres = [(-2.0, 0.0), (1.5, 1.5), (1.0, -2.0)]
        let markers: [Marker] = [.circle, .square, .triangle]
        for (c, centre) in centres.enumerated() {
            var xs: [Double] = [], ys: [Double] = []
            for _ in 0..<60 {
                xs.append(centre.0 + 0.8 * rng.normal())
                ys.append(centre.1 + 0.6 * rng.normal())
            }
            ax.scatter(x: xs, y: ys, color: .category(c), size: 3.2, marker: markers[c], alpha: 0.7, label: "class \(c)")
        }
        ax.xLabel = "x₁"
        ax.yLabel = "x₂"
        ax.title = "n = 180, α = 0.7"
        return figure
    }

    static func lines() -> Figure {
        let figure = Figure(title: "Lines and a legend")
        let ax = figure.addAxes()
        let xs = (0...200).map { -4 + 8 * Double($0) / 200 }
        ax.line(x: xs, y: xs.map { exp(-$0 * $0 / 2) / (2 * Double.pi).squareRoot() }, color: .model, label: "N(0, 1)")
        ax.line(x: xs, y: xs.map { exp(-$0 * $0 / 8) / (8 * Double.pi).squareRoot() }, color: .posterior, dash: .dashed, label: "N(0, 4)")
        ax.line(x: xs, y: xs.map { 1 / (Double.pi * (1 + $0 * $0)) }, color: .reference, width: 1.2, dash: .dotted, label: "Cauchy")
        ax.xLabel = "z"
        ax.yLabel = "p(z)"
        ax.title = "Densities with σ² = 1 and σ² = 4"
        return figure
    }

    static func correlatedCloud(_ rng: inout GallerySeededGenerator, n: Int) -> (xs: [Double], ys: [Double]) {
        var xs: [Double] = [], ys: [Double] = []
        for _ in 0..<n {
            let a = 2 * rng.normal(), b = 0.6 * rng.normal()
            let c = cos(0.5), s = sin(0.5)
            xs.append(1 + c * a - s * b)
            ys.append(0.5 + s * a + c * b)
        }
        return (xs, ys)
    }

    static func arrows(_ rng: inout GallerySeededGenerator) -> Figure {
        let figure = Figure(title: "Principal axes as arrows")
        let ax = figure.addAxes()
        let (xs, ys) = correlatedCloud(&rng, n: 200)
        ax.scatter(x: xs, y: ys, size: 2.5, alpha: 0.5, label: "data")
        let c = cos(0.5), s = sin(0.5)
        ax.arrow(from: (1, 0.5), to: (1 + 2 * 2 * c, 0.5 + 2 * 2 * s), label: "2√λ₁ u₁")
        ax.arrow(from: (1, 0.5), to: (1 - 2 * 0.6 * s, 0.5 + 2 * 0.6 * c), color: .projection, label: "2√λ₂ u₂")
        ax.equalAspect = true
        ax.xLabel = "x₁"
        ax.yLabel = "x₂"
        ax.legend = .upperLeft
        return figure
    }

    static func ellipses(_ rng: inout GallerySeededGenerator) -> Figure {
        let figure = Figure(title: "Covariance ellipses at 1σ and 2σ")
        let ax = figure.addAxes()
        let (xs, ys) = correlatedCloud(&rng, n: 300)
        ax.scatter(x: xs, y: ys, size: 2.2, alpha: 0.45, label: "samples")
        let c = cos(0.5), s = sin(0.5)
        let l1 = 4.0, l2 = 0.36
        let cov = [[c * c * l1 + s * s * l2, c * s * (l1 - l2)], [c * s * (l1 - l2), s * s * l1 + c * c * l2]]
        ax.ellipse(mean: (1, 0.5), covariance: cov, k: 1, color: .posterior, fill: Color.posterior.withAlpha(0.12), label: "1σ")
        ax.ellipse(mean: (1, 0.5), covariance: cov, k: 2, color: .posterior, dash: .dashed, label: "2σ")
        ax.scatter(x: [1], y: [0.5], color: .reference, size: 3.5, marker: .plus, alpha: 1, label: "mean μ")
        ax.equalAspect = true
        ax.xLabel = "x₁"
        ax.yLabel = "x₂"
        return figure
    }

    /// A two-component Gaussian mixture density on [−4, 4] × [−3, 3].
    static func mixture(_ x: Double, _ y: Double) -> Double {
        func g(_ mx: Double, _ my: Double, _ sx: Double, _ sy: Double, _ rho: Double) -> Double {
            let dx = (x - mx) / sx, dy = (y - my) / sy
            let q = (dx * dx - 2 * rho * dx * dy + dy * dy) / (1 - rho * rho)
            return exp(-q / 2) / (2 * Double.pi * sx * sy * (1 - rho * rho).squareRoot())
        }
        return 0.6 * g(-1.2, -0.5, 1.0, 0.7, 0.5) + 0.4 * g(1.6, 1.0, 0.8, 1.1, -0.4)
    }

    static func contours() -> Figure {
        let figure = Figure(title: "Filled contours and contour lines of a mixture")
        let ax = figure.addAxes()
        let grid = ScalarGrid(x: -4...4, y: -3...3, nx: 161, ny: 121, mixture)
        ax.filledContour(grid, levelCount: 9, colorBarLabel: "p(x)")
        ax.contour(grid, levels: [0.02, 0.06, 0.10, 0.14], color: Color.white.withAlpha(0.8), width: 0.7)
        ax.xLabel = "x₁"
        ax.yLabel = "x₂"
        ax.equalAspect = true
        return figure
    }

    static func heatmap() -> Figure {
        let figure = Figure(title: "Heatmap of a correlation matrix")
        let ax = figure.addAxes()
        let n = 12
        var values: [Double] = []
        for i in 0..<n { for j in 0..<n { values.append(cos(Double(i - j) * 0.45) * exp(-Double(abs(i - j)) / 6)) } }
        ax.heatmap(values: values, rows: n, columns: n, colorMap: .diverging, colorBarLabel: "ρᵢⱼ")
        ax.xLabel = "column j"
        ax.yLabel = "row i"
        ax.equalAspect = true
        return figure
    }

    /// Synthetic 8×8 "digits": a ring, a bar, a cross … with noise, values in [0, 16] like the UCI digits.
    static func syntheticImage(_ kind: Int, _ rng: inout GallerySeededGenerator) -> [Double] {
        (0..<64).map { k in
            let r = Double(k / 8) - 3.5, c = Double(k % 8) - 3.5
            let v: Double
            switch kind % 5 {
            case 0: v = abs(hypot(r, c) - 2.6) < 0.9 ? 1 : 0
            case 1: v = abs(c) < 1 ? 1 : 0
            case 2: v = abs(r - c) < 1 || abs(r + c) < 1 ? 1 : 0
            case 3: v = abs(r) < 1 || abs(c + 2.5) < 1 ? 1 : 0
            default: v = (abs(r) > 2.4 || abs(c) > 2.4) ? 1 : 0
            }
            return min(16, max(0, 14 * v + 1.5 * rng.normal().magnitude))
        }
    }

    static func imageGrid(_ rng: inout GallerySeededGenerator) -> Figure {
        let figure = Figure(width: 460, height: 520, title: "Image grid: 100 synthetic 8×8 images")
        let ax = figure.addAxes()
        var images: [[Double]] = []
        var captions: [String] = []
        for k in 0..<100 {
            images.append(syntheticImage(k, &rng))
            captions.append("\(k % 5)")
        }
        ax.imageGrid(images: images, imageRows: 8, imageColumns: 8, gridColumns: 10, captions: captions, range: 0...16)
        return figure
    }

    /// A 10 × 10 "manifold" grid: image (i, j) blends a ring into a bar along z₁ and a cross along z₂, with the
    /// latent coordinates on edge axes (`ImageGridAxis`) and a colour bar for the shared range.
    static func imageGridAxes() -> Figure {
        let figure = Figure(width: 460, height: 420, title: "Image grid with latent axes z₁, z₂")
        let ax = figure.addAxes()
        let n = 10
        let zs = (0..<n).map { -2 + 4 * Double($0) / Double(n - 1) }
        var zero = GallerySeededGenerator(seed: 1)
        let ring = syntheticImage(0, &zero), bar = syntheticImage(1, &zero), cross = syntheticImage(2, &zero)
        var images: [[Double]] = []
        for row in 0..<n {                                   // top row first: z₂ = +2 at the top
            let z2 = zs[n - 1 - row]
            for col in 0..<n {
                let a = (zs[col] + 2) / 4, b = (z2 + 2) / 4
                images.append((0..<64).map { k in (1 - b) * ((1 - a) * ring[k] + a * bar[k]) + b * cross[k] })
            }
        }
        ax.imageGrid(images: images, imageRows: 8, imageColumns: 8, gridColumns: n, range: 0...16,
                     xAxis: ImageGridAxis(label: "z₁", cellValues: zs, ticks: [-2, -1, 0, 1, 2]),
                     yAxis: ImageGridAxis(label: "z₂", cellValues: zs.reversed(), ticks: [-2, -1, 0, 1, 2]),
                     colorBar: true, colorBarLabel: "pixel value")
        return figure
    }

    static func bars() -> Figure {
        let figure = Figure(title: "Scree plot: eigenvalues and cumulative variance")
        let ax = figure.addAxes()
        let eigen = (1...12).map { 9 * exp(-0.45 * Double($0 - 1)) + 0.3 }
        let total = eigen.reduce(0, +)
        var cumulative: [Double] = []
        var acc = 0.0
        for e in eigen { acc += e; cumulative.append(10 * acc / total) }
        let xs = (1...12).map(Double.init)
        ax.bars(x: xs, heights: eigen, label: "λₖ")
        ax.line(x: xs, y: cumulative, color: .model, label: "10 × cumulative fraction")
        ax.scatter(x: xs, y: cumulative, color: .model, size: 2.5, alpha: 1)
        ax.horizontalLine(at: 9, label: "90 %")
        ax.xLabel = "component k"
        ax.yLabel = "eigenvalue λₖ"
        return figure
    }

    static func bands() -> Figure {
        let figure = Figure(width: 560, height: 345, title: "Bands: a density and a ±2σ error band")
        let axes = figure.subplots(rows: 1, columns: 2)
        let xs = (0...200).map { -4 + 8 * Double($0) / 200 }
        let p = xs.map { exp(-$0 * $0 / 2) / (2 * Double.pi).squareRoot() }
        axes[0].band(x: xs, lower: xs.map { _ in 0 }, upper: p, color: .model, alpha: 0.3, label: "∫ p(z) dz = 1")
        axes[0].line(x: xs, y: p, color: .model)
        axes[0].xLabel = "z"
        axes[0].yLabel = "p(z)"
        axes[0].title = "Area under a density"
        let ts = (0...100).map { Double($0) / 10 }
        let mean = ts.map { sin($0) * exp(-$0 / 8) }
        let sd = ts.map { 0.15 + 0.04 * $0 }
        axes[1].band(x: ts, lower: zip(mean, sd).map { $0 - 2 * $1 }, upper: zip(mean, sd).map { $0 + 2 * $1 },
                     color: .posterior, alpha: 0.2, label: "μ ± 2σ")
        axes[1].line(x: ts, y: mean, color: .posterior, label: "μ(t)")
        axes[1].xLabel = "t"
        axes[1].yLabel = "f(t)"
        axes[1].title = "Posterior mean and band"
        return figure
    }

    static func text() -> Figure {
        let figure = Figure(title: "Text annotations in Unicode math")
        let ax = figure.addAxes()
        let xs = (0...100).map { -3 + 6 * Double($0) / 100 }
        ax.line(x: xs, y: xs.map { 0.5 * $0 * $0 }, color: .model, label: "½ z₁²")
        ax.scatter(x: [1.5], y: [1.125], color: .highlight, size: 4, alpha: 1, label: "chosen point")
        ax.text("x = Wz + μ + ε", x: -1.1, y: 4.2)
        ax.text("ε ~ N(0, σ²I)", x: -1.1, y: 3.6)
        ax.text("M = WᵀW + σ²I", x: -1.1, y: 3.0, color: .posterior)
        ax.text("p(x) = ∫ p(x|z) p(z) dz", x: 0, y: -0.6, anchor: .center)
        ax.text("← z₁ = 1.5", x: 1.75, y: 1.125, color: .highlight, anchor: .left)
        ax.xLabel = "latent z₁"
        ax.yLabel = "−log p(z₁) + const"
        ax.legend = .lowerRight
        return figure
    }

    static func logScale() -> Figure {
        let figure = Figure(title: "Log scale: eigenvalue decay")
        let ax = figure.addAxes()
        let ks = (1...40).map(Double.init)
        let lambda = ks.map { 50 * exp(-0.3 * $0) + 0.002 }
        ax.line(x: ks, y: lambda, color: .model, label: "λₖ")
        ax.scatter(x: ks, y: lambda, color: .model, size: 2.2, alpha: 1)
        ax.horizontalLine(at: 0.002, color: .posterior, label: "σ² = 0.002")
        ax.yScale = .log10
        ax.xLabel = "index k"
        ax.yLabel = "λₖ (log scale)"
        return figure
    }

    static func subplots(_ rng: inout GallerySeededGenerator) -> Figure {
        let figure = Figure(width: 560, height: 460, title: "Subplots: a 2 × 2 grid")
        let axes = figure.subplots(rows: 2, columns: 2)
        let (xs, ys) = correlatedCloud(&rng, n: 150)
        axes[0].scatter(x: xs, y: ys, color: .data, size: 2.2, alpha: 0.6)
        axes[0].title = "Data x"
        axes[0].xLabel = "x₁"; axes[0].yLabel = "x₂"
        let zs = (0...100).map { -3 + 6 * Double($0) / 100 }
        axes[1].line(x: zs, y: zs.map { tanh($0) }, color: .model, label: "tanh z")
        axes[1].line(x: zs, y: zs.map { $0 / 3 }, color: .reference, dash: .dashed, label: "z / 3")
        axes[1].title = "Two curves"
        axes[1].xLabel = "z"; axes[1].yLabel = "f(z)"
        let grid = ScalarGrid(x: -3...3, y: -3...3, nx: 81, ny: 81) { x, y in x * x - y * y }
        axes[2].contour(grid, levelCount: 8, color: .model)
        axes[2].title = "Saddle x₁² − x₂²"
        axes[2].xLabel = "x₁"; axes[2].yLabel = "x₂"
        axes[2].equalAspect = true
        axes[3].bars(x: (1...6).map(Double.init), heights: [5, 3.2, 1.8, 0.9, 0.5, 0.2], color: .projection)
        axes[3].title = "Bars"
        axes[3].xLabel = "k"; axes[3].yLabel = "λₖ"
        return figure
    }
}

/// SplitMix64 (Steele, Lea & Flood 2014) with Box–Muller normals: a small seeded generator so the gallery does not
/// depend on other modules. Not for statistics.
struct GallerySeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func uniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }
    mutating func normal() -> Double {
        let u = max(uniform(), 0x1.0p-53), v = uniform()
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
    }
}
