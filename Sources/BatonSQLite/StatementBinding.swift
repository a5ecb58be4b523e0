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

extension Statement {
    /// Runs the statement (which returns no rows) once, with `values` bound to its parameters in order.
    func run(_ values: any SQLiteBindable...) throws {
        try bind(values)
        let code = sqlite3_step(sqliteStatement)
        sqlite3_reset(sqliteStatement)
        guard code == SQLITE_DONE || code == SQLITE_ROW else { throw failure(code) }
    }

    /// Resets the statement and binds `values` to its parameters in order.
    func bind(_ values: [any SQLiteBindable]) throws {
        sqlite3_reset(sqliteStatement)
        for (offset, value) in values.enumerated() {
            let code = value.bind(to: sqliteStatement, at: CInt(offset + 1))
            guard code == SQLITE_OK else { throw failure(code) }
        }
    }

    /// SQLite's error for `code`, as GRDB reports it (the store maps it to busy, full, constraint…).
    func failure(_ code: CInt) -> DatabaseError {
        // The extended code tells a primary-key conflict from other constraints.
        let connection = sqlite3_db_handle(sqliteStatement)
        let extended = sqlite3_extended_errcode(connection)
        return DatabaseError(resultCode: ResultCode(rawValue: (extended & 0xFF) == code ? extended : code),
                             message: String(cString: sqlite3_errmsg(connection)), sql: sql)
    }
}
