import Foundation

/// Skeleton: filled by its lesson issue.
public struct NonlinearLesson: Lesson {
    public init() {}
    public var slug: String { "nonlinear" }
    public var textFileName: String { "03-nonlinear-lvm.md" }
    public var acceptsUserData: Bool { false }
    public func run(_ context: LessonContext) throws -> LessonResult { LessonResult() }
}
