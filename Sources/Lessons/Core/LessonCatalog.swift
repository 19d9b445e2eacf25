import LessonKit
/// The lessons of the report, in the order of the story: PCA → PPCA → beyond one PPCA → nonlinear LVM → the ELBO and the VAE.
public enum LessonCatalog {
    public static let all: [any Lesson] = [PCALesson(), PPCALesson(), LinearFamilyLesson(), NonlinearLesson(), VAELesson()]

    public static func lesson(slug: String) -> (any Lesson)? { all.first { $0.slug == slug } }
}
