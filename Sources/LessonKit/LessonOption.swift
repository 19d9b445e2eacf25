/// A command-line option that some lessons take, declared by each lesson that takes it (`Lesson.acceptedOptions`), so
/// the command line can check and explain which lesson takes which flag. Its value reaches only those lessons, as a
/// typed field of `LessonContext`; a new option needs a static member here, that field, and an `@Option` of the CLI.
public struct LessonOption: Hashable, Sendable, CustomStringConvertible {
    /// The flag as typed on the command line: `--data`.
    public let flag: String
    /// One line on what the option does for the lessons that take it.
    public let help: String

    public init(flag: String, help: String) {
        self.flag = flag
        self.help = help
    }

    public var description: String { flag }

    /// `--data FILE.csv`: the user's data instead of the lesson's default data set (`LessonContext.userData`).
    public static let data = LessonOption(flag: "--data", help: "your data instead of the digits")
    /// `--latent-dim Q`: the latent dimension of the lesson's model (`LessonContext.latentDimension`).
    public static let latentDimension = LessonOption(flag: "--latent-dim", help: "the latent dimension q of the model")

    public func takers(in lessons: [any Lesson]) -> [any Lesson] { lessons.filter { $0.acceptedOptions.contains(self) } }
}
