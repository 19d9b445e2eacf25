import LessonKit

// How long each lesson's `run` takes with the default data, in seconds of one core of the 2-core build machine
// (release build, full settings, measured): the report starts the costliest lessons first when it computes several
// at once (`Lesson.computeCost`). A hint for the order of computing only; no result depends on it.

extension PCALesson { public var computeCost: Double { 0.2 } }
extension PPCALesson { public var computeCost: Double { 0.7 } }
extension LinearFamilyLesson { public var computeCost: Double { 3 } }
extension NonlinearLesson { public var computeCost: Double { 8 } }
extension VAELesson { public var computeCost: Double { 10 } }
