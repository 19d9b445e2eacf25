/// A closed form checked against an independent computation, with both sides kept.
/// `expected` is the closed form (or the reference), `computed` the independent computation, `method` says how each
/// side was obtained. Tests never read `difference` back: they recompute both sides themselves.
public struct Check: Sendable, Equatable {
    /// A stable, dot-separated name (`pca.identity.q1`); `results.json` sorts the checks by it.
    public var name: String
    public var method: String
    public var expected: Double
    public var computed: Double
    public var tolerance: Double
    public var relative: Bool

    public init(name: String, method: String, expected: Double, computed: Double, tolerance: Double, relative: Bool = false) {
        self.name = name
        self.method = method
        self.expected = expected
        self.computed = computed
        self.tolerance = tolerance
        self.relative = relative
    }

    public var difference: Double {
        let absolute = abs(expected - computed)
        return relative ? absolute / abs(expected) : absolute
    }

    /// True when the difference is within the tolerance (false for NaN).
    public var holds: Bool { difference <= tolerance }

    var json: JSONValue {
        var members: [String: JSONValue] = [
            "name": .string(name), "method": .string(method), "expected": .number(expected),
            "computed": .number(computed), "difference": .number(difference), "tolerance": .number(tolerance),
        ]
        if relative { members["relative"] = .bool(true) }
        return .object(members)
    }
}
