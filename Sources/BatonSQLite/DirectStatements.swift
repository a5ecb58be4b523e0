import GRDB
import GRDBSQLite

/// A value bound straight into an SQLite statement. On the hot path GRDB's `StatementArguments` (an array of
/// `DatabaseValue`s, validated, then bound through generic code) cost more than executing the statement.
protocol SQLiteBindable {
    /// Binds the value to parameter `index` (1-based) of `statement`, returning SQLite's result code.
    func bind(to statement: SQLiteStatement, at index: CInt) -> CInt
}

/// SQLite copies the bytes of a bound text before the call returns.
private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

extension Int64: SQLiteBindable {
    func bind(to statement: SQLiteStatement, at index: CInt) -> CInt { sqlite3_bind_int64(statement, index, self) }
}

extension Int: SQLiteBindable {
    func bind(to statement: SQLiteStatement, at index: CInt) -> CInt { sqlite3_bind_int64(statement, index, Int64(self)) }
}

extension Bool: SQLiteBindable {
    func bind(to statement: SQLiteStatement, at index: CInt) -> CInt { sqlite3_bind_int64(statement, index, self ? 1 : 0) }
}

extension String: SQLiteBindable {
    func bind(to statement: SQLiteStatement, at index: CInt) -> CInt {
        withCString { sqlite3_bind_text(statement, index, $0, CInt(utf8.count), transient) }
    }
}

extension Optional: SQLiteBindable where Wrapped: SQLiteBindable {
    func bind(to statement: SQLiteStatement, at index: CInt) -> CInt {
        switch self {
        case .some(let value): value.bind(to: statement, at: index)
        case .none: sqlite3_bind_null(statement, index)
        }
    }
}

/// The hot path's statements, run with values bound straight into SQLite and rows read in place
/// (`StatementRow`), bypassing GRDB's argument and row types.
extension Statement {
    /// Runs the statement (which returns no rows) once, with `values` bound to its parameters in order.
    func run(_ values: any SQLiteBindable...) throws {
        try run(values)
    }

    /// Runs the statement once with `values` bound, like `run(_:)`.
    func run(_ values: [any SQLiteBindable]) throws {
        try bind(values)
        defer { sqlite3_reset(sqliteStatement) }
        _ = try step()
    }

    /// `body` applied to each row the statement selects with `values` bound.
    func rows<Value>(_ values: any SQLiteBindable..., as body: (StatementRow) throws -> Value) throws -> [Value] {
        try bind(values)
        defer { sqlite3_reset(sqliteStatement) }
        var rows: [Value] = []
        while try step() { rows.append(try body(StatementRow(statement: sqliteStatement))) }
        return rows
    }

    /// `body` applied to the first row the statement selects with `values` bound, or nil when there is none.
    func firstRow<Value>(_ values: any SQLiteBindable..., as body: (StatementRow) throws -> Value) throws -> Value? {
        try bind(values)
        defer { sqlite3_reset(sqliteStatement) }
        return try step() ? body(StatementRow(statement: sqliteStatement)) : nil
    }

    /// Steps the statement with GRDB's `arguments` (for SQL built per call), handing each row to `body` while it
    /// is current.
    func forEachRow(arguments: StatementArguments, _ body: (StatementRow) throws -> Void) throws {
        try setArguments(arguments)
        defer { sqlite3_reset(sqliteStatement) }
        while try step() { try body(StatementRow(statement: sqliteStatement)) }
    }

    /// Resets the statement and binds `values` to its parameters in order.
    private func bind(_ values: [any SQLiteBindable]) throws {
        sqlite3_reset(sqliteStatement)
        for (offset, value) in values.enumerated() {
            let code = value.bind(to: sqliteStatement, at: CInt(offset + 1))
            guard code == SQLITE_OK else { throw failure(code) }
        }
    }

    /// Steps the statement once: true when a row is current, false at the end.
    private func step() throws -> Bool {
        let code = sqlite3_step(sqliteStatement)
        switch code {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw failure(code)
        }
    }

    /// SQLite's error for `code`, as GRDB reports it (the store maps it to busy, full, constraint…).
    private func failure(_ code: CInt) -> DatabaseError {
        // The extended code tells a primary-key conflict from other constraints.
        let connection = sqlite3_db_handle(sqliteStatement)
        let extended = sqlite3_extended_errcode(connection)
        return DatabaseError(resultCode: ResultCode(rawValue: (extended & 0xFF) == code ? extended : code),
                             message: String(cString: sqlite3_errmsg(connection)), sql: sql)
    }
}
