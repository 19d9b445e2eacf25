import Foundation
import Plotting

/// Draws the Plotting module's gallery (one figure per kind of mark) into `folder`.
func renderGallery(into folder: URL, formats: [ImageFormat], scale: Double) throws -> [String] {
    try Gallery.render(into: folder, formats: formats, scale: scale)
}
