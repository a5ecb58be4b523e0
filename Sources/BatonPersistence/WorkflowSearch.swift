import BatonModel
import Foundation

/// A validated workflow search: what to match, how to order it and which page to return.
///
/// Build one from the parameters of `GET /api/workflow/search` (and `search-v2`) with
/// ``init(query:freeText:sort:start:size:topLevelOnly:)``, which parses Conductor's structured
/// query syntax as the UI and the SDKs send it:
///
/// ```
/// workflowType IN (a,b) AND status IN (RUNNING,FAILED) AND startTime>1700000000000
/// ```
///
/// Unlike Conductor, which silently drops what its index cannot handle, every unknown field,
/// malformed value or unsupported construct (`OR`, parentheses) is a ``SearchError``.
public struct WorkflowSearch: Sendable, Hashable {
    /// The page size used when the request names none.
    public static let defaultSize = 100

    /// The largest page size a request may ask for.
    public static let maximumSize = 5000

    /// The conditions a workflow must all meet (they are joined with AND).
    public var conditions: [Condition]

    /// The free-text query, or `nil` when the request asked for everything (`*` or empty).
    public var freeText: String?

    /// The result order, most significant key first; empty means the backend's default order.
    public var sort: [SortKey]

    /// The offset of the first result to return.
    public var start: Int

    /// The largest number of results to return.
    public var size: Int

    /// Creates a search from already-validated parts.
    public init(
        conditions: [Condition] = [],
        freeText: String? = nil,
        sort: [SortKey] = [],
        start: Int = 0,
        size: Int = WorkflowSearch.defaultSize
    ) {
        self.conditions = conditions
        self.freeText = freeText
        self.sort = sort
        self.start = start
        self.size = size
    }

    /// Creates a search from the raw request parameters, validating every one of them.
    ///
    /// - Parameters:
    ///   - query: The structured query: AND-joined `field OP value` clauses, or `nil`, empty or `*`
    ///     for no conditions.
    ///   - freeText: The free-text query; `*`, empty or `nil` means no free-text filter.
    ///   - sort: Sort specifications, each `field`, `field:ASC` or `field:DESC`; an entry may hold
    ///     several separated by `|`.
    ///   - start: The offset of the first result; `nil` means 0.
    ///   - size: The page size; `nil` means ``defaultSize``; at most ``maximumSize``.
    ///   - topLevelOnly: Whether to exclude sub-workflows, adding the condition `parentWorkflowId=""`.
    /// - Throws: ``SearchError`` describing the first invalid parameter.
    public init(
        query: String?,
        freeText: String?,
        sort: [String],
        start: Int?,
        size: Int?,
        topLevelOnly: Bool = false
    ) throws(SearchError) {
        let start = start ?? 0
        guard start >= 0 else {
            throw SearchError("start must not be negative (got \(start))")
        }
        let size = size ?? Self.defaultSize
        guard (0...Self.maximumSize).contains(size) else {
            throw SearchError("size must be between 0 and \(Self.maximumSize) (got \(size))")
        }
        var conditions = try Self.conditions(parsing: query ?? "")
        if topLevelOnly {
            conditions.append(Condition(field: .parentWorkflowId, comparison: .equals("")))
        }
        let trimmedFreeText = freeText?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        self.init(
            conditions: conditions,
            freeText: trimmedFreeText.isEmpty || trimmedFreeText == "*" ? nil : trimmedFreeText,
            sort: try Self.sortKeys(parsing: sort),
            start: start,
            size: size
        )
    }

    /// Parses a structured query into its AND-joined conditions.
    ///
    /// An empty (or all-blank) query, or `*`, has no conditions.
    /// - Throws: ``SearchError`` naming what is wrong with the query.
    public static func conditions(parsing query: String) throws(SearchError) -> [Condition] {
        let trimmed = query.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty || trimmed == "*" { return [] }
        var parser = QueryParser(tokens: try QueryLexer.tokens(in: trimmed))
        return try parser.parseConditions()
    }

    /// Parses sort specifications (`field`, `field:ASC`, `field:DESC`, several per entry joined by `|`).
    ///
    /// Blank entries are ignored; directions are case-insensitive.
    /// - Throws: ``SearchError`` for an unknown field or direction.
    public static func sortKeys(parsing specifications: [String]) throws(SearchError) -> [SortKey] {
        var keys: [SortKey] = []
        for specification in specifications {
            for part in specification.split(separator: "|", omittingEmptySubsequences: false) {
                let entry = part.trimmingCharacters(in: .whitespaces)
                if entry.isEmpty { continue }
                keys.append(try SortKey(parsing: entry))
            }
        }
        return keys
    }
}

// MARK: - Fields

extension WorkflowSearch {
    /// A workflow attribute that a search can filter or sort on.
    public enum Field: String, Sendable, CaseIterable {
        /// The workflow's id.
        case workflowId
        /// The correlation id given at start.
        case correlationId
        /// The workflow definition's name.
        case workflowType
        /// The workflow's status (one of ``WorkflowStatus``'s raw values).
        case status
        /// When the workflow started, in epoch milliseconds.
        case startTime
        /// When the workflow ended, in epoch milliseconds.
        case endTime
        /// When the workflow last changed, in epoch milliseconds (also spelled `modifiedTime`).
        case updateTime
        /// The id of the parent workflow; `""` stands for top-level workflows.
        case parentWorkflowId
        /// The idempotency key given at start.
        case idempotencyKey
        /// The workflow definition's version.
        case version
        /// The workflow's priority.
        case priority
        /// Why the workflow failed or was terminated.
        case reasonForIncompletion

        /// The kinds of value a field holds, which decide how its query values are validated.
        public enum ValueKind: Sendable, Hashable {
            /// Free text; `*` in an `=` value is a wildcard.
            case text
            /// A ``WorkflowStatus`` raw value, normalised to upper case.
            case status
            /// An instant, normalised to epoch milliseconds.
            case timestamp
            /// A whole number.
            case integer
        }

        /// Alternative spellings accepted in queries and sort keys.
        static let aliases: [String: Field] = ["modifiedtime": .updateTime]

        /// Looks up a field by its name or an alias, ignoring case; `nil` when there is none.
        public init?(name: String) {
            let lowercased = name.lowercased()
            if let field = Field.allCases.first(where: { $0.rawValue.lowercased() == lowercased }) {
                self = field
            } else if let field = Field.aliases[lowercased] {
                self = field
            } else {
                return nil
            }
        }

        /// The column that holds this field in the stores' `workflows` table (the same in every store).
        public var columnName: String {
            switch self {
            case .workflowId: return "id"
            case .correlationId: return "correlation_id"
            case .workflowType: return "name"
            case .status: return "status"
            case .startTime: return "create_time"
            case .endTime: return "end_time"
            case .updateTime: return "update_time"
            case .parentWorkflowId: return "parent_workflow_id"
            case .idempotencyKey: return "idempotency_key"
            case .version: return "version"
            case .priority: return "priority"
            case .reasonForIncompletion: return "reason"
            }
        }

        /// The kind of value this field holds.
        public var valueKind: ValueKind {
            switch self {
            case .workflowId, .correlationId, .workflowType, .parentWorkflowId, .idempotencyKey,
                .reasonForIncompletion:
                return .text
            case .status: return .status
            case .startTime, .endTime, .updateTime: return .timestamp
            case .version, .priority: return .integer
            }
        }

        /// The valid field names, for error messages.
        static var validNames: String {
            Field.allCases.map { field in
                field == .updateTime ? "updateTime (or modifiedTime)" : field.rawValue
            }
            .joined(separator: ", ")
        }

        /// Looks up a field by name, or throws an error that lists the valid ones.
        static func named(_ name: String, purpose: String) throws(SearchError) -> Field {
            guard let field = Field(name: name) else {
                throw SearchError("Unknown \(purpose) field '\(name)'; valid fields are \(validNames)")
            }
            return field
        }
    }
}

// MARK: - Conditions

extension WorkflowSearch {
    /// One clause of a query: a field and the comparison its value must satisfy.
    public struct Condition: Sendable, Hashable {
        /// The field compared.
        public var field: Field
        /// The comparison applied to the field's value.
        public var comparison: Comparison

        /// Creates a condition on a field.
        public init(field: Field, comparison: Comparison) {
            self.field = field
            self.comparison = comparison
        }
    }

    /// How a field's value is compared.
    ///
    /// Values are normalised for their field's ``Field/ValueKind``: statuses are upper-case
    /// ``WorkflowStatus`` raw values, timestamps are epoch milliseconds in decimal and integers are
    /// in decimal. Text comparisons (`>`, `<`, `BETWEEN`) are lexicographic.
    public enum Comparison: Sendable, Hashable {
        /// The value equals this one (`=`). `parentWorkflowId=""` selects top-level workflows.
        case equals(String)
        /// The value differs from this one (`!=` or `<>`); `*` has no special meaning here.
        case notEquals(String)
        /// The value is greater than this one (`>`).
        case greaterThan(String)
        /// The value is less than this one (`<`).
        case lessThan(String)
        /// The value is one of these (`IN (a,b,c)`); `*` has no special meaning here.
        case oneOf([String])
        /// The value matches this pattern, where each `*` stands for any run of characters
        /// (an `=` on a text field whose value contains `*`).
        case like(String)
        /// The field has no value (`IS NULL`).
        case isNull
        /// The field has a value (`IS NOT NULL`).
        case isNotNull
        /// The value lies in this inclusive range (`BETWEEN lower AND upper`).
        case between(lower: String, upper: String)
        /// The value begins with this prefix (`STARTS_WITH prefix`); text fields only.
        case startsWith(String)
    }
}

// MARK: - Sorting

extension WorkflowSearch {
    /// One key of a search's result order.
    public struct SortKey: Sendable, Hashable {
        /// The field sorted on.
        public var field: Field
        /// Whether smaller values come first.
        public var ascending: Bool

        /// Creates a sort key.
        public init(field: Field, ascending: Bool = true) {
            self.field = field
            self.ascending = ascending
        }

        /// Parses one `field`, `field:ASC` or `field:DESC` specification.
        init(parsing specification: String) throws(SearchError) {
            let parts = specification.split(separator: ":", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count <= 2 else {
                throw SearchError("Invalid sort '\(specification)'; expected field:ASC or field:DESC")
            }
            let field = try Field.named(parts[0], purpose: "sort")
            var ascending = true
            if parts.count == 2 {
                switch parts[1].uppercased() {
                case "ASC": ascending = true
                case "DESC": ascending = false
                default:
                    throw SearchError(
                        "Invalid sort direction '\(parts[1])' in '\(specification)'; expected ASC or DESC")
                }
            }
            self.init(field: field, ascending: ascending)
        }
    }
}

// MARK: - Errors

/// Why a search request was rejected; the message is meant for the client.
public struct SearchError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A human-readable explanation naming the offending input.
    public var message: String

    /// Creates an error with a message.
    public init(_ message: String) {
        self.message = message
    }

    /// The message.
    public var description: String { message }
}

// MARK: - Lexing

/// One lexical unit of a structured query.
private enum QueryToken: Equatable {
    /// An unquoted run of characters: a field name, keyword or bare value.
    case word(String)
    /// The contents of a `'…'` or `"…"` string.
    case quoted(String)
    /// `=`.
    case equals
    /// `!=` or `<>`.
    case notEquals
    /// `>`.
    case greaterThan
    /// `<`.
    case lessThan
    /// `(`.
    case openParenthesis
    /// `)`.
    case closeParenthesis
    /// `,`.
    case comma

    /// The token as it could be written in a query, for error messages.
    var spelling: String {
        switch self {
        case .word(let text): return text
        case .quoted(let text): return "'\(text)'"
        case .equals: return "="
        case .notEquals: return "!="
        case .greaterThan: return ">"
        case .lessThan: return "<"
        case .openParenthesis: return "("
        case .closeParenthesis: return ")"
        case .comma: return ","
        }
    }

    /// Whether this is the given keyword, unquoted and in any case.
    func isKeyword(_ keyword: String) -> Bool {
        if case .word(let text) = self { return text.uppercased() == keyword }
        return false
    }
}

/// Splits a structured query into tokens.
private enum QueryLexer {
    /// Characters that end a bare word.
    static let delimiters: Set<Character> = ["=", "!", "<", ">", "(", ")", ","]

    static func tokens(in query: String) throws(SearchError) -> [QueryToken] {
        var tokens: [QueryToken] = []
        var index = query.startIndex
        func peek(after position: String.Index) -> Character? {
            let next = query.index(after: position)
            return next < query.endIndex ? query[next] : nil
        }
        while index < query.endIndex {
            let character = query[index]
            if character.isWhitespace {
                index = query.index(after: index)
                continue
            }
            switch character {
            case "'", "\"":
                let (text, end) = try quoted(in: query, from: index)
                tokens.append(.quoted(text))
                index = end
                continue
            case "=":
                tokens.append(.equals)
            case "!":
                guard peek(after: index) == "=" else {
                    throw SearchError("Unexpected '!' in query; use != for 'not equal'")
                }
                tokens.append(.notEquals)
                index = query.index(after: index)
            case "<", ">":
                let next = peek(after: index)
                if next == "=" {
                    throw SearchError(
                        "Operator '\(character)=' is not supported; use '\(character)' or BETWEEN")
                }
                if character == "<" && next == ">" {
                    tokens.append(.notEquals)
                    index = query.index(after: index)
                } else {
                    tokens.append(character == "<" ? .lessThan : .greaterThan)
                }
            case "(": tokens.append(.openParenthesis)
            case ")": tokens.append(.closeParenthesis)
            case ",": tokens.append(.comma)
            default:
                var end = index
                while end < query.endIndex, !query[end].isWhitespace, !delimiters.contains(query[end]) {
                    end = query.index(after: end)
                }
                tokens.append(.word(String(query[index..<end])))
                index = end
                continue
            }
            index = query.index(after: index)
        }
        return tokens
    }

    /// Reads a quoted string starting at `start` (the opening quote); a backslash escapes the quote
    /// character or another backslash.
    static func quoted(
        in query: String, from start: String.Index
    ) throws(SearchError) -> (text: String, end: String.Index) {
        let quote = query[start]
        var text = ""
        var index = query.index(after: start)
        while index < query.endIndex {
            let character = query[index]
            if character == quote {
                return (text, query.index(after: index))
            }
            if character == "\\" {
                let next = query.index(after: index)
                if next < query.endIndex, query[next] == quote || query[next] == "\\" {
                    text.append(query[next])
                    index = query.index(after: next)
                    continue
                }
            }
            text.append(character)
            index = query.index(after: index)
        }
        throw SearchError("Unterminated quoted value starting \(quote)\(text)")
    }
}

// MARK: - Parsing

/// A recursive-descent parser for AND-joined `field OP value` clauses.
private struct QueryParser {
    static let unsupportedGrouping = "OR and parentheses are not supported; join conditions with AND"

    let tokens: [QueryToken]
    var position = 0

    init(tokens: [QueryToken]) {
        self.tokens = tokens
    }

    var current: QueryToken? { position < tokens.count ? tokens[position] : nil }

    mutating func advance() -> QueryToken? {
        defer { position += 1 }
        return current
    }

    mutating func parseConditions() throws(SearchError) -> [WorkflowSearch.Condition] {
        var conditions = [try parseCondition()]
        while let token = advance() {
            if token.isKeyword("AND") {
                guard current != nil else {
                    throw SearchError("Expected a condition after the final AND")
                }
                conditions.append(try parseCondition())
            } else if token.isKeyword("OR") || token == .openParenthesis || token == .closeParenthesis {
                throw SearchError(Self.unsupportedGrouping)
            } else {
                throw SearchError("Expected AND between conditions but found '\(token.spelling)'")
            }
        }
        return conditions
    }

    mutating func parseCondition() throws(SearchError) -> WorkflowSearch.Condition {
        let name: String
        switch advance() {
        case .word(let text) where text.uppercased() == "OR":
            throw SearchError(Self.unsupportedGrouping)
        case .word(let text):
            name = text
        case .openParenthesis, .closeParenthesis:
            throw SearchError(Self.unsupportedGrouping)
        case .some(let token):
            throw SearchError("Expected a field name but found '\(token.spelling)'")
        case nil:
            throw SearchError("Expected a condition")
        }
        let field = try WorkflowSearch.Field.named(name, purpose: "search")
        let comparison = try parseComparison(after: name)
        return WorkflowSearch.Condition(
            field: field, comparison: try ValueNormaliser(field: field).normalise(comparison))
    }

    mutating func parseComparison(after name: String) throws(SearchError) -> WorkflowSearch.Comparison {
        guard let token = advance() else {
            throw SearchError("Expected an operator after '\(name)'")
        }
        switch token {
        case .equals:
            let value = try parseValue(after: "\(name) =")
            return value.contains("*") ? .like(value) : .equals(value)
        case .notEquals:
            return .notEquals(try parseValue(after: "\(name) !="))
        case .greaterThan:
            return .greaterThan(try parseValue(after: "\(name) >"))
        case .lessThan:
            return .lessThan(try parseValue(after: "\(name) <"))
        case _ where token.isKeyword("IN"):
            return .oneOf(try parseList(after: "\(name) IN"))
        case _ where token.isKeyword("IS"):
            let negated = current?.isKeyword("NOT") ?? false
            if negated { position += 1 }
            guard advance()?.isKeyword("NULL") ?? false else {
                throw SearchError("Expected NULL after '\(name) IS\(negated ? " NOT" : "")'")
            }
            return negated ? .isNotNull : .isNull
        case _ where token.isKeyword("BETWEEN"):
            let lower = try parseValue(after: "\(name) BETWEEN")
            guard advance()?.isKeyword("AND") ?? false else {
                throw SearchError("Expected AND after '\(name) BETWEEN \(lower)'")
            }
            let upper = try parseValue(after: "\(name) BETWEEN \(lower) AND")
            return .between(lower: lower, upper: upper)
        case _ where token.isKeyword("STARTS_WITH"):
            return .startsWith(try parseValue(after: "\(name) STARTS_WITH"))
        default:
            throw SearchError(
                "Expected an operator (=, !=, >, <, IN, IS, BETWEEN, STARTS_WITH) after '\(name)' "
                    + "but found '\(token.spelling)'")
        }
    }

    mutating func parseValue(after context: String) throws(SearchError) -> String {
        switch advance() {
        case .word(let text), .quoted(let text):
            return text
        case .some(let token):
            throw SearchError("Expected a value after '\(context)' but found '\(token.spelling)'")
        case nil:
            throw SearchError("Expected a value after '\(context)'")
        }
    }

    mutating func parseList(after context: String) throws(SearchError) -> [String] {
        guard advance() == .openParenthesis else {
            throw SearchError("Expected '(' after '\(context)'")
        }
        if current == .closeParenthesis {
            throw SearchError("Expected at least one value in '\(context) ()'")
        }
        var values: [String] = []
        while true {
            values.append(try parseValue(after: values.isEmpty ? "\(context) (" : ","))
            switch advance() {
            case .comma: continue
            case .closeParenthesis: return values
            case .some(let token):
                throw SearchError("Expected ',' or ')' in '\(context) (…)' but found '\(token.spelling)'")
            case nil:
                throw SearchError("Missing ')' after '\(context) (\(values.joined(separator: ","))'")
            }
        }
    }
}

// MARK: - Value validation

/// Checks a comparison's values against its field's kind and puts them in canonical form.
private struct ValueNormaliser {
    let field: WorkflowSearch.Field

    func normalise(_ comparison: WorkflowSearch.Comparison) throws(SearchError) -> WorkflowSearch.Comparison {
        let kind = field.valueKind
        switch comparison {
        case .equals(let value): return .equals(try normalise(value))
        case .notEquals(let value): return .notEquals(try normalise(value))
        case .oneOf(let values):
            var normalised: [String] = []
            for value in values { normalised.append(try normalise(value)) }
            return .oneOf(normalised)
        case .isNull, .isNotNull:
            return comparison
        case .like(let pattern):
            // Only text fields get wildcards; for the others, report the value as invalid.
            guard kind == .text else { return .equals(try normalise(pattern)) }
            return comparison
        case .startsWith(let prefix):
            guard kind == .text else {
                throw SearchError("STARTS_WITH applies only to text fields, not '\(field.rawValue)'")
            }
            return .startsWith(prefix)
        case .greaterThan(let value):
            try requireOrdered(">")
            return .greaterThan(try normalise(value))
        case .lessThan(let value):
            try requireOrdered("<")
            return .lessThan(try normalise(value))
        case .between(let lower, let upper):
            try requireOrdered("BETWEEN")
            return .between(lower: try normalise(lower), upper: try normalise(upper))
        }
    }

    func requireOrdered(_ operation: String) throws(SearchError) {
        if field.valueKind == .status {
            throw SearchError("Operator \(operation) cannot be used with status; use = or IN")
        }
    }

    func normalise(_ value: String) throws(SearchError) -> String {
        switch field.valueKind {
        case .text:
            return value
        case .status:
            let upper = value.uppercased()
            guard WorkflowStatus(rawValue: upper) != nil else {
                let valid = WorkflowStatus.allCases.map(\.rawValue).joined(separator: ", ")
                throw SearchError("Invalid status '\(value)'; valid statuses are \(valid)")
            }
            return upper
        case .integer:
            guard let number = Int(value) else {
                throw SearchError("Invalid \(field.rawValue) '\(value)'; expected a whole number")
            }
            return String(number)
        case .timestamp:
            if let millis = Int64(value) {
                return String(millis)
            }
            guard let millis = ISO8601Timestamp.epochMilliseconds(of: value) else {
                throw SearchError(
                    "Invalid \(field.rawValue) '\(value)'; expected epoch milliseconds or an ISO-8601 "
                        + "date-time such as 2024-01-31T12:00:00Z")
            }
            return String(millis)
        }
    }
}

/// A strict ISO-8601 reader for the forms a person types into a query.
///
/// Accepts `YYYY-MM-DD`, optionally followed by `THH:MM:SS`, optional fractional seconds and an
/// optional zone (`Z`, `±HH:MM` or `±HHMM`); without a zone, UTC is assumed.
private enum ISO8601Timestamp {
    static func epochMilliseconds(of text: String) -> Int64? {
        let pattern =
            /(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:?\d{2})?)?/
        guard let match = text.wholeMatch(of: pattern) else { return nil }
        let output = match.output
        guard let year = Int64(output.1), let month = Int64(output.2), let day = Int64(output.3),
            (1...12).contains(month), (1...daysInMonth(month, year: year)).contains(day)
        else { return nil }
        let hour = output.4.flatMap { Int64($0) } ?? 0
        let minute = output.5.flatMap { Int64($0) } ?? 0
        let second = output.6.flatMap { Int64($0) } ?? 0
        guard (0...23).contains(hour), (0...59).contains(minute), (0...59).contains(second) else {
            return nil
        }
        let fraction = output.7.map { String($0.prefix(3)).padding(toLength: 3, withPad: "0", startingAt: 0) }
        let millisecond = fraction.flatMap { Int64($0) } ?? 0
        guard let offsetSeconds = offset(of: output.8.map(String.init)) else { return nil }
        let days = daysSinceEpoch(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second - offsetSeconds
        return seconds * 1_000 + millisecond
    }

    /// The zone's offset from UTC in seconds (0 for none or `Z`), or `nil` when out of range.
    static func offset(of zone: String?) -> Int64? {
        guard let zone, zone.uppercased() != "Z" else { return 0 }
        let sign: Int64 = zone.hasPrefix("-") ? -1 : 1
        let digits = zone.dropFirst().filter(\.isNumber)
        guard let hours = Int64(digits.prefix(2)), let minutes = Int64(digits.suffix(2)),
            (0...23).contains(hours), (0...59).contains(minutes)
        else { return nil }
        return sign * (hours * 3_600 + minutes * 60)
    }

    static func daysInMonth(_ month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2:
            let isLeap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
            return isLeap ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
    static func daysSinceEpoch(year: Int64, month: Int64, day: Int64) -> Int64 {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
