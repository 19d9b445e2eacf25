/// Keeps a title or label inside the space it has: first shrinks it (never below 9 pt, the smallest size the notes
/// allow), then shortens it with an ellipsis.
func fitText(_ text: String, size: Double, weight: FontWeight, maxWidth: Double, renderer r: Renderer) -> (text: String, size: Double) {
    let width = r.measure(text, size: size, weight: weight).width
    guard width > maxWidth, maxWidth > 0 else { return (text, size) }
    let smallest = min(size, 9)
    let shrunk = max(smallest, size * maxWidth / width)
    if r.measure(text, size: shrunk, weight: weight).width <= maxWidth { return (text, shrunk) }
    var characters = Array(text)
    while !characters.isEmpty {
        characters.removeLast()
        let candidate = String(characters).trimmingTrailingSpaces + "…"
        if r.measure(candidate, size: smallest, weight: weight).width <= maxWidth { return (candidate, smallest) }
    }
    return ("…", smallest)
}

/// `value` clamped to [lower, upper] (lower wins if the interval is empty).
func clamp(_ value: Double, _ lower: Double, _ upper: Double) -> Double { max(lower, min(value, upper)) }

extension String {
    var trimmingTrailingSpaces: String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
