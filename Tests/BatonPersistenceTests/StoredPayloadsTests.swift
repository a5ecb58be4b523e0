import BatonModel
import BatonPersistence
import Testing

/// `StoredPayloads`: which payloads go apart from their rows, and which of them are served from memory.
@Suite("Payloads stored apart")
struct StoredPayloadsTests {
    /// A store of versions kept apart, counting the reads that reach it.
    final class Apart: @unchecked Sendable {
        var texts: [String: String] = [:]
        var loads = 0

        func keep(_ version: String, _ json: String) { texts[version] = json }
        func load(_ version: String) -> String? {
            loads += 1
            return texts[version]
        }
    }

    static func limits(threshold: Int) -> PayloadLimits {
        var limits = PayloadLimits()
        for kind in PayloadKind.allCases { limits[kind].threshold = threshold }
        return limits
    }

    static func payload(_ tag: String, size: Int = 1_000) -> JSONObject {
        ["tag": .string(tag), "blob": .string(String(repeating: "p", count: size))]
    }

    @Test("a payload up to the threshold stays in its column; a larger one is kept apart and its column references it")
    func threshold() throws {
        let payloads = StoredPayloads(limits: Self.limits(threshold: 100))
        let apart = Apart()
        let small: JSONObject = ["n": 1]
        let inline = payloads.columnText(for: small, kind: .taskOutput, owner: "t", keepApart: apart.keep)
        #expect(inline == #"{"n":1}"# && apart.texts.isEmpty)
        let large = Self.payload("large")
        let reference = payloads.columnText(for: large, kind: .taskInput, owner: "t", keepApart: apart.keep)
        #expect(StoredPayloads.isReference(reference) && !StoredPayloads.isReference(inline))
        #expect(apart.texts.count == 1)
        #expect(try payloads.payload(fromColumn: inline, kind: .taskOutput, owner: "t", load: apart.load) == small)
        #expect(try payloads.payload(fromColumn: reference, kind: .taskInput, owner: "t", load: apart.load) == large)
        #expect(apart.loads == 0, "the input just written is served from memory")
        // Another version of the same owner and kind is another entry: a new value is never served an old one.
        let newer = payloads.columnText(for: Self.payload("newer"), kind: .taskInput, owner: "t", keepApart: apart.keep)
        #expect(newer != reference)
    }

    @Test("an output is kept in memory once read, not when written (outputs are rewritten often: a loop's at every iteration)")
    func outputsAreKeptOnceRead() throws {
        let payloads = StoredPayloads(limits: Self.limits(threshold: 100))
        let apart = Apart()
        let output = Self.payload("output")
        let reference = payloads.columnText(for: output, kind: .taskOutput, owner: "t", keepApart: apart.keep)
        #expect(try payloads.payload(fromColumn: reference, kind: .taskOutput, owner: "t", load: apart.load) == output)
        #expect(try payloads.payload(fromColumn: reference, kind: .taskOutput, owner: "t", load: apart.load) == output)
        #expect(apart.loads == 1)
    }

    @Test("payloads are kept in memory up to the capacity, the least recently used dropped first, and read again when needed")
    func leastRecentlyUsedGoFirst() throws {
        let payloads = StoredPayloads(limits: Self.limits(threshold: 100), cacheCapacity: 3_500)
        let apart = Apart()
        var references: [String: String] = [:]
        for tag in ["a", "b", "c"] {
            references[tag] = payloads.columnText(for: Self.payload(tag), kind: .workflowInput, owner: tag, keepApart: apart.keep)
        }
        func read(_ tag: String) throws -> JSONObject {
            try payloads.payload(fromColumn: references[tag]!, kind: .workflowInput, owner: tag, load: apart.load)
        }
        #expect(try read("a")["tag"] == "a")  // "a" is now the most recently used
        references["d"] = payloads.columnText(for: Self.payload("d"), kind: .workflowInput, owner: "d", keepApart: apart.keep)
        #expect(apart.loads == 0)
        #expect(try read("a")["tag"] == "a" && apart.loads == 0, "kept: used lately")
        #expect(try read("b")["tag"] == "b" && apart.loads == 1, "dropped as the least recently used, read again")
        for _ in 0..<1_000 { _ = try read("b") }
        #expect(apart.loads == 1, "many uses of one payload keep it, and cost no reads")
        let huge = payloads.columnText(for: Self.payload("huge", size: 5_000), kind: .workflowInput, owner: "h",
                                       keepApart: apart.keep)
        #expect(try payloads.payload(fromColumn: huge, kind: .workflowInput, owner: "h", load: apart.load)["tag"] == "huge")
        #expect(apart.loads == 2, "a payload larger than the whole capacity is not kept in memory")
    }

    @Test("a reference whose payload is missing is a corrupt store")
    func missing() {
        let payloads = StoredPayloads(limits: Self.limits(threshold: 100))
        let error = #expect(throws: StoreError.self) {
            _ = try payloads.payload(fromColumn: "@5eed", kind: .taskInput, owner: "t", load: { _ in nil })
        }
        #expect(error?.code == .corrupt)
    }
}
