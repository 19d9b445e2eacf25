/// Errors raised while drawing or writing a figure. Each names what failed and, where there is one, the file.
public enum PlotError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Cairo reported a failure; `status` is Cairo's own description of it.
    case cairo(operation: String, status: String, path: String?)
    /// Encoding the image failed (e.g. zlib reported an error while compressing a PNG).
    case encoding(operation: String, status: String, path: String?)
    /// The figure could not be written to `path`.
    case unwritable(path: String, reason: String)
    /// The data handed to a mark are not usable (mismatched lengths, non-finite values, ...).
    case invalidData(String)

    public var description: String {
        switch self {
        case let .cairo(operation, status, path):
            return "Cairo failed in \(operation)\(path.map { " for \($0)" } ?? ""): \(status)"
        case let .encoding(operation, status, path):
            return "encoding failed in \(operation)\(path.map { " for \($0)" } ?? ""): \(status)"
        case let .unwritable(path, reason):
            return "cannot write the figure to \(path): \(reason)"
        case let .invalidData(message):
            return "invalid plot data: \(message)"
        }
    }
}
