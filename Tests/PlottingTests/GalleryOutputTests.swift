import Foundation
import Testing
@testable import Plotting

/// Writes the gallery when `PLOTTING_GALLERY_DIR` is set (e.g. `PLOTTING_GALLERY_DIR=/tmp/gallery swift test
/// --filter GalleryOutputTests`), so the figures can be looked at before the CLI exists. Without the variable it
/// still renders every gallery figure to PNG in memory, checking that all marks draw without errors.
@Suite struct GalleryOutputTests {
    @Test func galleryRenders() throws {
        if let dir = ProcessInfo.processInfo.environment["PLOTTING_GALLERY_DIR"] {
            let scale = Double(ProcessInfo.processInfo.environment["PLOTTING_GALLERY_SCALE"] ?? "2") ?? 2
            let files = try Gallery.render(into: URL(fileURLWithPath: dir), formats: [.png, .svg, .pdf], scale: scale)
            #expect(files.count == 3 * Gallery.figures().count)
        } else {
            for (name, figure) in Gallery.figures() {
                let png = try figure.render(.png)
                #expect(png.count > 1000, "\(name)")
            }
        }
    }
}
