import GRDB

/// An UPDATE of just the columns whose values changed between two versions of a row's model. SQLite
/// rewrites the entries of every index that covers a column named in `SET`, whether or not its value
/// changed, so naming only the changed columns spares the indexes (and triggers) a change does not concern.
struct RowUpdate<Model> {
    private let old: Model
    private let new: Model
    private var assignments: [String] = []
    private var arguments: [any SQLiteBindable] = []

    /// An update from the stored version `old` to `new`.
    init(from old: Model, to new: Model) {
        self.old = old
        self.new = new
    }

    /// Sets `column` to the new value at `path` (NULL for nil) when it differs from the old one.
    mutating func set<Value: Equatable & SQLiteBindable>(_ column: String, _ path: KeyPath<Model, Value>) {
        set(column, path) { $0 }
    }

    /// Sets `column` to `value` of the new value at `path` when it differs from the old one; `value` runs
    /// only then (it may be costly, e.g. JSON text).
    mutating func set<Value: Equatable>(_ column: String, _ path: KeyPath<Model, Value>,
                                         as value: (Value) -> any SQLiteBindable) {
        let newValue = new[keyPath: path]
        guard old[keyPath: path] != newValue else { return }
        set(column, value(newValue))
    }

    /// Sets `column` to `value`.
    mutating func set(_ column: String, _ value: any SQLiteBindable) {
        assignments.append("\(column) = ?")
        arguments.append(value)
    }

    /// Runs `UPDATE table SET … WHERE key = id`, or nothing when no column changed. Each distinct set of
    /// columns is one cached statement.
    func execute(in db: Database, table: String, key: String, id: String) throws {
        guard !assignments.isEmpty else { return }
        try db.cachedStatement(sql: "UPDATE \(table) SET \(assignments.joined(separator: ", ")) WHERE \(key) = ?")
            .run(arguments + [id])
    }
}
