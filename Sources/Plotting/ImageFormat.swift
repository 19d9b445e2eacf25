/// The file formats a `Figure` renders to. PNG is raster (scaled by a pixel factor); SVG and PDF are vector.
public enum ImageFormat: String, Sendable, CaseIterable, Codable {
    case png, svg, pdf

    /// The file-name extension, without the dot.
    public var fileExtension: String { rawValue }
}
