import Foundation
import Plotting

/// Until the plotting branch (which provides `Gallery.render(into:formats:scale:)`) is merged, the gallery says so.
/// After the merge this file is replaced by a call to `Gallery.render`.
func renderGallery(into folder: URL, formats: [ImageFormat], scale: Double) throws {
    struct NotAvailable: Error, CustomStringConvertible {
        var description: String { "the plotting gallery is not part of this build yet (it comes with the Plotting module's Gallery)" }
    }
    throw NotAvailable()
}
