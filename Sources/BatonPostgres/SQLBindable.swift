import BatonPersistence
import PostgresNIO

/// A row whose cells are read by column name, decoded to the type the caller expects.
struct Columns {
    let row: PostgresRandomAccessRow

    subscript<Value: PostgresDecodable>(_ name: String) -> Value {
        get throws {
            guard row.contains(name) else { throw StoreError(.corrupt, "Column \(name) is missing") }
            return try row[name].decode(Value.self)
        }
    }
}

/// A value that can be bound to a statement parameter.
protocol SQLBindable {
    func bind(into bindings: inout PostgresBindings) throws
}

extension String: SQLBindable {
    func bind(into bindings: inout PostgresBindings) throws { bindings.append(self) }
}

extension Int: SQLBindable {
    func bind(into bindings: inout PostgresBindings) throws { bindings.append(Int64(self)) }
}

extension Int64: SQLBindable {
    func bind(into bindings: inout PostgresBindings) throws { bindings.append(self) }
}

extension Bool: SQLBindable {
    func bind(into bindings: inout PostgresBindings) throws { bindings.append(self) }
}

extension Optional: SQLBindable where Wrapped: SQLBindable {
    func bind(into bindings: inout PostgresBindings) throws {
        switch self {
        case .none: bindings.appendNull()
        case .some(let value): try value.bind(into: &bindings)
        }
    }
}

/// A `text[]` parameter.
struct PostgresTextArray: SQLBindable {
    let values: [String]

    init(_ values: [String]) { self.values = values }

    func bind(into bindings: inout PostgresBindings) throws { bindings.append(values) }
}
