import LessonKit
// VAEConventions+LinearVAE — what step 8's numbers stand for, each stated once.

extension Convention {
    static let vaeLinearClosedFormELBO: Convention = "closed form from the 1/N scatter of all 1797 digits; natural log, nats per image (64 pixels, raw 0–16 units)"
    static let vaeLinearExactLikelihood: Convention = "PPCA's closed form N(x; μ, WWᵀ + σ²I), averaged over all 1797 digits; natural log, nats per image"
    static let vaeLinearMLOptimum: Convention = "−½[D log 2π + Σⱼ≤d log λⱼ + (D − d) log σ²_ML + D], λⱼ of the 1/N covariance (Tipping & Bishop 1999); natural log, nats per image"
    static let vaeNatsPerImage: Convention = "nats per image, averaged over all 1797 digits"
    static let vaeRawPixelUnits: Convention = "squared raw pixel units (0–16 scale)"
    static let vaeLinearDiscardedMean: Convention = "mean of the D − d = 62 smallest eigenvalues of the 1/N covariance"
}
