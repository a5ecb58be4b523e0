import GRDB

/// An UPDATE of just the columns whose values changed. SQLite rewrites the entries of every index that
/// covers a column named in `SET`, whether or not its value changed, so naming only the changed columns
/// spares the indexes (and triggers) a row change does not concern.
struct RowUpdate {
    private var assignments: [String] = []
    private var arguments = StatementArguments()

    /// Whether no column changed.
    var isEmpty: Bool { assignments.isEmpty }

    /// Sets `column` to `value` when `new` differs from `old`; `value` is computed only then.
    mutating func set<Value: Equatable>(_ column: String, from old: Value, to new: Value,
                                         as value: @autoclosure () -> (any DatabaseValueConvertible)?) {
        guard old != new else { return }
        set(column, value())
    }

    /// Sets `column` to `value`.
    mutating func set(_ column: String, _ value: (any DatabaseValueConvertible)?) {
        assignments.append("\(column) = ?")
        arguments += [value]
    }

    /// Runs `UPDATE table SET … WHERE key = id`, or nothing when no column changed. Each distinct set of
    /// columns is one cached statement.
    func execute(in db: Database, table: String, key: String, id: String) throws {
        guard !isEmpty else { return }
        try db.cachedStatement(sql: "UPDATE \(table) SET \(assignments.joined(separator: ", ")) WHERE \(key) = ?")
            .execute(arguments: arguments + [id])
    }
}
