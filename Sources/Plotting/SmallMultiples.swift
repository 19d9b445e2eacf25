/// Small multiples of an animation, for print (in the spirit of PRML Fig. 12.12): chosen frames side by side.
extension FrozenFigure {
    /// The frames laid out `columns` to a row, each frame's own grid of axes kept together as one block; each frame's
    /// first axes is titled with its label (and its own title, if it had one), and only the first frame keeps its
    /// legends (those inside the plot: one beside a small panel would squeeze it). Every frame must have the same grid; their count must be a multiple of `columns`. The height follows
    /// the frames' aspect at `width`.
    /// `cellAspect` (height / width of one frame's block) overrides the frames' own aspect, e.g. for frames whose
    /// legend, dropped here, made them wide.
    public static func smallMultiples(_ frames: [FrozenFigure], labels: [String], columns: Int, width: Double,
                                      title: String?, cellAspect: Double? = nil) -> FrozenFigure {
        precondition(!frames.isEmpty && frames.count == labels.count, "smallMultiples: one label per frame")
        precondition(columns >= 1 && frames.count % columns == 0, "smallMultiples: the frames fill whole rows")
        let (r, c) = (frames[0].rows, frames[0].columns)
        precondition(frames.allSatisfy { $0.rows == r && $0.columns == c }, "smallMultiples: every frame has the same grid")
        let frameRows = frames.count / columns
        var axes: [FrozenAxes] = []
        for bigRow in 0..<(frameRows * r) {
            for bigColumn in 0..<(columns * c) {
                let f = (bigRow / r) * columns + bigColumn / c
                let k = (bigRow % r) * c + bigColumn % c
                var a = k < frames[f].axes.count ? frames[f].axes[k] : FrozenAxes()     // a figure with no axes yet
                // The label, and the frame's own title when it is short enough for a panel.
                if k == 0 { a.title = labels[f] + (a.title.flatMap { $0.count <= 24 ? ": " + $0 : nil } ?? "") }
                // One legend, the first frame's, and only inside its plot: a legend beside a small panel squeezes it.
                if f > 0 || a.legend == .outsideRight { a.legend = .none }
                axes.append(a)
            }
        }
        let titleBlock = title == nil ? 0.0 : 26
        let frameTitleBlock = frames[0].title == nil ? 0.0 : 26
        let cellWidth = width / Double(columns)
        let cellHeight = cellAspect.map { $0 * cellWidth } ?? (frames[0].height - frameTitleBlock) * cellWidth / frames[0].width
        let height = titleBlock + Double(frameRows) * cellHeight
        return FrozenFigure(width: width, height: height.rounded(), title: title, rows: frameRows * r, columns: columns * c,
                            axes: axes)
    }
}
