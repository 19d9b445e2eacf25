import Foundation

/// Skeleton: filled by its lesson issue.
public struct PPCALesson: Lesson {
    public init() {}
    public var slug: String { "ppca" }
    public var textFileName: String { "02-ppca.md" }
    public var acceptsUserData: Bool { true }
    public func run(_ context: LessonContext) throws -> LessonResult { LessonResult() }
}
