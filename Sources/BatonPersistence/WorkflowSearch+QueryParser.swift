import BatonModel
import Foundation

// Reading Conductor's query syntax: tokens, clauses, and the values each field accepts.

// MARK: - Lexing

/// One lexical unit of a structured query.
enum QueryToken: Equatable {
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
enum QueryLexer {
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

/// The parts of a search request that name fields, parsed for either kind of search.
enum SearchSyntax {
    /// The AND-joined conditions of a structured query; none for an empty (or all-blank) query or `*`.
    static func conditions<Field: SearchField>(parsing query: String) throws(SearchError) -> [(Field, WorkflowSearch.Comparison)] {
        let trimmed = query.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty || trimmed == "*" { return [] }
        var parser = QueryParser(tokens: try QueryLexer.tokens(in: trimmed))
        return try parser.parseConditions()
    }

    /// Sort keys (`field`, `field:ASC`, `field:DESC`, several per entry joined by `|`), each with whether it is
    /// ascending; blank entries are ignored, directions are case-insensitive.
    static func sortKeys<Field: SearchField>(parsing specifications: [String]) throws(SearchError) -> [(Field, Bool)] {
        var keys: [(Field, Bool)] = []
        for specification in specifications {
            for part in specification.split(separator: "|", omittingEmptySubsequences: false) {
                let entry = part.trimmingCharacters(in: .whitespaces)
                if entry.isEmpty { continue }
                let parts = entry.split(separator: ":", omittingEmptySubsequences: false)
                    .map { $0.trimmingCharacters(in: .whitespaces) }
                guard parts.count <= 2 else {
                    throw SearchError("Invalid sort '\(entry)'; expected field:ASC or field:DESC")
                }
                let field = try Field.named(parts[0], purpose: "sort")
                switch parts.count == 2 ? parts[1].uppercased() : "ASC" {
                case "ASC": keys.append((field, true))
                case "DESC": keys.append((field, false))
                default:
                    throw SearchError("Invalid sort direction '\(parts[1])' in '\(entry)'; expected ASC or DESC")
                }
            }
        }
        return keys
    }
}

/// A recursive-descent parser for AND-joined `field OP value` clauses.
struct QueryParser {
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

    mutating func parseConditions<Field: SearchField>() throws(SearchError) -> [(Field, WorkflowSearch.Comparison)] {
        var conditions: [(Field, WorkflowSearch.Comparison)] = [try parseCondition()]
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

    mutating func parseCondition<Field: SearchField>() throws(SearchError) -> (Field, WorkflowSearch.Comparison) {
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
        let field = try Field.named(name, purpose: "search")
        let comparison = try parseComparison(after: name)
        return (field, try ValueNormaliser(name: field.rawValue, kind: field.valueKind).normalise(comparison))
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

/// A field a structured query may name: a workflow's (`WorkflowSearch.Field`) or a task's (`TaskSearch.Field`).
protocol SearchField: RawRepresentable<String> {
    /// The field called `name` (or an alias), or an error listing the valid ones.
    static func named(_ name: String, purpose: String) throws(SearchError) -> Self
    /// The kind of value it holds.
    var valueKind: SearchValueKind { get }
}

extension WorkflowSearch.Field: SearchField {}

/// Checks a comparison's values against its field's kind and puts them in canonical form.
struct ValueNormaliser {
    /// The field's name, for error messages.
    let name: String
    let kind: SearchValueKind

    func normalise(_ comparison: WorkflowSearch.Comparison) throws(SearchError) -> WorkflowSearch.Comparison {
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
                throw SearchError("STARTS_WITH applies only to text fields, not '\(name)'")
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
        if kind == .status || kind == .taskStatus {
            throw SearchError("Operator \(operation) cannot be used with status; use = or IN")
        }
    }

    func normalise(_ value: String) throws(SearchError) -> String {
        switch kind {
        case .text:
            return value
        case .status:
            return try status(value, valid: WorkflowStatus.allCases.map(\.rawValue))
        case .taskStatus:
            return try status(value, valid: TaskStatus.allCases.map(\.rawValue))
        case .integer:
            guard let number = Int(value) else {
                throw SearchError("Invalid \(name) '\(value)'; expected a whole number")
            }
            return String(number)
        case .timestamp:
            if let millis = Int64(value) {
                return String(millis)
            }
            guard let millis = ISO8601Timestamp.epochMilliseconds(of: value) else {
                throw SearchError(
                    "Invalid \(name) '\(value)'; expected epoch milliseconds or an ISO-8601 "
                        + "date-time such as 2024-01-31T12:00:00Z")
            }
            return String(millis)
        }
    }

    /// `value` in upper case when it is one of the `valid` statuses.
    func status(_ value: String, valid: [String]) throws(SearchError) -> String {
        let upper = value.uppercased()
        guard valid.contains(upper) else {
            throw SearchError("Invalid status '\(value)'; valid statuses are \(valid.joined(separator: ", "))")
        }
        return upper
    }
}

/// A strict ISO-8601 reader for the forms a person types into a query.
///
/// Accepts `YYYY-MM-DD`, optionally followed by `THH:MM:SS`, optional fractional seconds and an
/// optional zone (`Z`, `±HH:MM` or `±HHMM`); without a zone, UTC is assumed.
enum ISO8601Timestamp {
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
