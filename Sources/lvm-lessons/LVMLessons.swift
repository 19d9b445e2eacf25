import ArgumentParser
import Report

/// `lvm-lessons`: builds the step-through lessons on latent variable models as a static site.
@main
struct LVMLessons: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lvm-lessons",
        abstract: "Build step-through lessons on latent variable models (PCA → probabilistic PCA → nonlinear LVM) as a static site.",
        discussion: """
            Run `lvm-lessons build` and open output/index.html in a browser (it works offline, from file://). \
            Every number on the pages is computed by the tool and saved in output/LESSON/results.json; every figure is \
            in output/LESSON/figures/ as PNG (and SVG/PDF with --format).
            """,
        version: ToolInfo.version,
        subcommands: [BuildCommand.self, FiguresCommand.self, ListCommand.self, GalleryCommand.self, HandoutCommand.self])
}
