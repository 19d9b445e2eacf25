import LinearAlgebra

/// A value a lesson records: anything with a `results.json` form.
public protocol JSONRepresentable {
    var json: JSONValue { get }
}

extension JSONValue: JSONRepresentable { public var json: JSONValue { self } }
extension Double: JSONRepresentable { public var json: JSONValue { .number(self) } }
extension Int: JSONRepresentable { public var json: JSONValue { .integer(self) } }
extension Bool: JSONRepresentable { public var json: JSONValue { .bool(self) } }
extension String: JSONRepresentable { public var json: JSONValue { .string(self) } }

extension Array: JSONRepresentable where Element: JSONRepresentable {
    public var json: JSONValue { .array(map(\.json)) }
}

extension Optional: JSONRepresentable where Wrapped: JSONRepresentable {
    public var json: JSONValue { self?.json ?? .null }
}

extension Matrix: JSONRepresentable {
    public var json: JSONValue { .rows(rowArrays) }
}
