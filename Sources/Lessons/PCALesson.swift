import Foundation

/// Skeleton: filled by its lesson issue.
public struct PCALesson: Lesson {
    public init() {}
    public var slug: String { "pca" }
    public var textFileName: String { "01-pca.md" }
    public var acceptsUserData: Bool { true }
    public func run(_ context: LessonContext) throws -> LessonResult { LessonResult() }
}
