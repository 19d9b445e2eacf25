// NonlinearModelError — what the nonlinear latent variable model code throws when its input cannot be used.

/// Typed errors of the nonlinear model code: each says what was wrong and what was expected.
public enum NonlinearModelError: Error, Equatable, Sendable {
    /// Shapes that do not fit together (e.g. data with 3 columns for a decoder with D = 2).
    case dimensionMismatch(String)
    /// An argument outside its domain (a non-positive count, a negative variance...).
    case invalidArgument(String)
    /// NaN or ±∞ where a finite number is needed.
    case nonFinite(String)
}
