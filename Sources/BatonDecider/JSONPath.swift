import BatonModel
import Foundation
import Synchronization

/// The subset of Jayway JSONPath that Conductor users write inside `${…}` expressions.
///
/// Supported: dotted keys (`a.b.c`), an optional leading `$` / `$.`, array indexes (`x[0]`, `x[-1]`),
/// index unions (`x[0,2]`), slices (`x[1:3]`), quoted keys (`['a b']`, `["k"]`), wildcards (`[*]`, `.*`),
/// deep scan (`..name`) and trailing functions (`length()` or `size()`, `keys()`, `first()`, `last()`, `min()`,
/// `max()`, `sum()`, `avg()`). Wildcards, unions, slices and deep scans make a path indefinite: it then
/// yields an array of every match. Filters (`[?(…)]`) are not supported and yield `nil`.
public enum JSONPath {
    /// Returns the value at `path` inside `root`, or `nil` when the path is missing or malformed.
    public static func evaluate(_ path: String, in root: JSONValue) -> JSONValue? {
        evaluate(path, member: { root.objectValue?[$0] }, root: { root })
    }

    /// Returns the value at `path` inside a root object that is built only as far as the path needs:
    /// `member` gives the root's member with a name, `root` the whole root (for paths that do not start
    /// with a key, such as `$..x`).
    public static func evaluate(_ path: String, member: (String) -> JSONValue?, root: () -> JSONValue) -> JSONValue? {
        guard let segments = Parser.segments(of: path) else { return nil }
        var remaining = segments[...]
        var matches: [JSONValue]
        if case .key(let name) = remaining.first {
            matches = member(name).map { [$0] } ?? []
            remaining = remaining.dropFirst()
        } else {
            matches = [root()]
        }
        var isIndefinite = false
        for segment in remaining {
            switch segment {
            case .function(let name):
                let subject = isIndefinite ? JSONValue.array(matches) : matches.first
                guard let subject, let result = apply(function: name, to: subject) else { return nil }
                matches = [result]
                isIndefinite = false
            default:
                if segment.isIndefinite { isIndefinite = true }
                matches = matches.flatMap { select(segment, in: $0) }
            }
        }
        if isIndefinite { return .array(matches) }
        return matches.first
    }

    /// One step of a parsed path.
    enum Segment: Equatable, Sendable {
        case key(String)
        case index(Int)
        case indexes([Int])
        case slice(start: Int?, end: Int?)
        case wildcard
        case deepScan(String?)
        case function(String)

        var isIndefinite: Bool {
            switch self {
            case .key, .index, .function: return false
            case .indexes, .slice, .wildcard, .deepScan: return true
            }
        }
    }

    private static func select(_ segment: Segment, in value: JSONValue) -> [JSONValue] {
        switch segment {
        case .key(let key):
            guard let member = value.objectValue?[key] else { return [] }
            return [member]
        case .index(let index):
            return element(at: index, of: value).map { [$0] } ?? []
        case .indexes(let indexes):
            return indexes.compactMap { element(at: $0, of: value) }
        case .slice(let start, let end):
            guard let elements = value.arrayValue else { return [] }
            let count = elements.count
            func clamp(_ bound: Int?, default fallback: Int) -> Int {
                guard let bound else { return fallback }
                return min(max(bound < 0 ? count + bound : bound, 0), count)
            }
            let lower = clamp(start, default: 0)
            let upper = clamp(end, default: count)
            return lower < upper ? Array(elements[lower..<upper]) : []
        case .wildcard:
            return children(of: value)
        case .deepScan(let key):
            var found: [JSONValue] = []
            collect(key, in: value, into: &found)
            return found
        case .function:
            return []
        }
    }

    private static func element(at index: Int, of value: JSONValue) -> JSONValue? {
        guard let elements = value.arrayValue else { return nil }
        let position = index < 0 ? elements.count + index : index
        guard elements.indices.contains(position) else { return nil }
        return elements[position]
    }

    /// The members of an object (in key order) or the elements of an array.
    private static func children(of value: JSONValue) -> [JSONValue] {
        switch value {
        case .array(let elements): return elements
        case .object(let members): return members.keys.sorted().compactMap { members[$0] }
        default: return []
        }
    }

    private static func collect(_ key: String?, in value: JSONValue, into found: inout [JSONValue]) {
        switch value {
        case .object(let members):
            for name in members.keys.sorted() {
                guard let member = members[name] else { continue }
                if key == nil || key == name { found.append(member) }
                collect(key, in: member, into: &found)
            }
        case .array(let elements):
            for element in elements {
                if key == nil { found.append(element) }
                collect(key, in: element, into: &found)
            }
        default:
            break
        }
    }

    private static func apply(function name: String, to value: JSONValue) -> JSONValue? {
        switch name {
        case "length", "size":
            switch value {
            case .array(let elements): return .int(Int64(elements.count))
            case .object(let members): return .int(Int64(members.count))
            case .string(let text): return .int(Int64(text.count))
            default: return nil
            }
        case "keys":
            guard let members = value.objectValue else { return nil }
            return .array(members.keys.sorted().map { .string($0) })
        case "first":
            return value.arrayValue?.first
        case "last":
            return value.arrayValue?.last
        case "min", "max", "sum", "avg":
            return aggregate(name, of: value)
        default:
            return nil
        }
    }

    private static func aggregate(_ name: String, of value: JSONValue) -> JSONValue? {
        guard let elements = value.arrayValue else { return nil }
        var numbers: [Double] = []
        var allIntegers = true
        for element in elements {
            switch element {
            case .int(let number): numbers.append(Double(number))
            case .double(let number):
                numbers.append(number)
                allIntegers = false
            default: continue
            }
        }
        guard !numbers.isEmpty else { return nil }
        let result: Double
        switch name {
        case "min": result = numbers.min() ?? 0
        case "max": result = numbers.max() ?? 0
        case "sum": result = numbers.reduce(0, +)
        default: return .double(numbers.reduce(0, +) / Double(numbers.count))
        }
        if allIntegers, abs(result) < 9.2e18 { return .int(Int64(result)) }
        return .double(result)
    }

    /// Turns path text into segments; `nil` when the text is not a path this subset understands.
    enum Parser {
        /// Paths parsed before: definitions repeat the same few expressions for every execution.
        private static let parsed = Mutex<[String: [Segment]]>([:])

        static func segments(of path: String) -> [Segment]? {
            if let known = parsed.withLock({ $0[path] }) { return known }
            guard let segments = parse(path) else { return nil }
            parsed.withLock { cache in
                if cache.count >= 4096 { cache.removeAll() }
                cache[path] = segments
            }
            return segments
        }

        private static func parse(_ path: String) -> [Segment]? {
            var text = Substring(path.trimmingCharacters(in: .whitespaces))
            if text.first == "$" {
                text = text.dropFirst()
            } else if !text.isEmpty, text.first != "[", text.first != "." {
                // A bare path such as `workflow.input` reads as `$.workflow.input`.
                text = "." + text
            }
            var scanner = PathScanner(characters: Array(text))
            return scanner.parse()
        }
    }

    private struct PathScanner {
        let characters: [Character]
        var position = 0

        init(characters: [Character]) {
            self.characters = characters
        }

        var current: Character? { position < characters.count ? characters[position] : nil }

        mutating func parse() -> [Segment]? {
            var segments: [Segment] = []
            while let character = current {
                switch character {
                case ".":
                    position += 1
                    if current == "." {
                        position += 1
                        if current == "[" {
                            // `..[…]`: a deep scan followed by a bracket selector.
                            segments.append(.deepScan(nil))
                            continue
                        }
                        guard let name = readName() else { return nil }
                        segments.append(.deepScan(name == "*" ? nil : name))
                        continue
                    }
                    guard let name = readName() else { return nil }
                    if name == "*" {
                        segments.append(.wildcard)
                    } else if name.hasSuffix("()") {
                        segments.append(.function(String(name.dropLast(2))))
                    } else {
                        segments.append(.key(name))
                    }
                case "[":
                    position += 1
                    guard let segment = readBracket() else { return nil }
                    segments.append(segment)
                default:
                    return nil
                }
            }
            return segments
        }

        /// Reads a dotted name up to the next `.` or `[` (a trailing `()` stays part of it).
        mutating func readName() -> String? {
            var name = ""
            while let character = current, character != ".", character != "[" {
                name.append(character)
                position += 1
            }
            return name.isEmpty ? nil : name
        }

        /// Reads the inside of `[…]` and its closing bracket.
        mutating func readBracket() -> Segment? {
            skipSpaces()
            guard let first = current else { return nil }
            if first == "'" || first == "\"" {
                var keys: [String] = []
                while true {
                    skipSpaces()
                    guard let key = readQuoted() else { return nil }
                    keys.append(key)
                    skipSpaces()
                    if current == "," {
                        position += 1
                        continue
                    }
                    break
                }
                guard current == "]", keys.count == 1, let key = keys.first else { return nil }
                position += 1
                return .key(key)
            }
            var body = ""
            while let character = current, character != "]" {
                body.append(character)
                position += 1
            }
            guard current == "]" else { return nil }
            position += 1
            return Self.segment(fromBracketBody: body.filter { !$0.isWhitespace })
        }

        static func segment(fromBracketBody body: String) -> Segment? {
            if body == "*" { return .wildcard }
            if body.contains(":") {
                let bounds = body.split(separator: ":", omittingEmptySubsequences: false)
                guard bounds.count == 2 else { return nil }
                let start = bounds[0].isEmpty ? nil : Int(bounds[0])
                let end = bounds[1].isEmpty ? nil : Int(bounds[1])
                if !bounds[0].isEmpty && start == nil || !bounds[1].isEmpty && end == nil { return nil }
                return .slice(start: start, end: end)
            }
            if body.contains(",") {
                let indexes = body.split(separator: ",").compactMap { Int($0) }
                guard indexes.count == body.split(separator: ",").count, !indexes.isEmpty else { return nil }
                return .indexes(indexes)
            }
            guard let index = Int(body) else { return nil }
            return .index(index)
        }

        mutating func readQuoted() -> String? {
            guard let quote = current, quote == "'" || quote == "\"" else { return nil }
            position += 1
            var text = ""
            while let character = current {
                position += 1
                if character == "\\", let escaped = current {
                    text.append(escaped)
                    position += 1
                } else if character == quote {
                    return text
                } else {
                    text.append(character)
                }
            }
            return nil
        }

        mutating func skipSpaces() {
            while let character = current, character == " " { position += 1 }
        }
    }
}
