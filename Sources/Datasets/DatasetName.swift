/// The name a lesson asks the `DataCatalog` for: `try context.data.dataset(.digits)`.
///
/// The names themselves are declared where the data sets are (the Lessons module declares `.digits` beside its
/// catalogue entries, in `LessonData.swift`), as static members of this type, so a misspelt name does not compile.
public struct DatasetName: RawRepresentable, Hashable, Sendable, Comparable, ExpressibleByStringLiteral,
    CustomStringConvertible
{
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public var description: String { rawValue }
    public static func < (a: DatasetName, b: DatasetName) -> Bool { a.rawValue < b.rawValue }
}
