import Foundation
import Logging
@testable import BatonServer
import Testing

/// `baton server`'s log lines, as text and as JSON: which metadata a line carries, and in what shape.
@Suite("Server log lines")
struct ServerLogHandlerTests {
    struct Refusal: Error, CustomStringConvertible {
        var description: String { "no disk left" }
    }

    /// A handler with metadata of its own and from a provider, and an event with metadata and an error: the
    /// event's replace the provider's, which replace the logger's.
    static func line(_ format: ServerLogHandler.Format) throws -> String {
        var handler = ServerLogHandler(label: "baton.test", format: format,
                                       metadataProvider: .init { ["shared": "provided", "provided": "yes"] })
        handler[metadataKey: "shared"] = "logger"
        handler[metadataKey: "logger"] = "own"
        handler[metadataKey: "event"] = "overridden"
        let event = LogEvent(level: .warning, message: "Saving failed", error: Refusal(),
                             metadata: ["event": "given", "hb.request.id": "r-1"], source: "BatonEngine",
                             file: #fileID, function: #function, line: #line)
        let data = try #require(handler.line(for: event))
        return String(decoding: data, as: UTF8.self)
    }

    @Test("text: time, level, label, the metadata sorted by key, the source, the message, one line")
    func text() throws {
        let line = try Self.line(.text)
        #expect(line.hasSuffix("\n") && line.dropLast().firstIndex(of: "\n") == nil)
        let pattern = #/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4} warning baton\.test: (.*) \[BatonEngine\] Saving failed\n$/#
        let match = try #require(line.wholeMatch(of: pattern), "\(line)")
        #expect(match.1 == "error.message=no disk left error.type=\(String(reflecting: Refusal.self)) event=given "
                + "hb.request.id=r-1 logger=own provided=yes shared=provided")
    }

    @Test("JSON: one object a line, the metadata as fields beside time, level, label and message")
    func json() throws {
        let line = try Self.line(.json)
        #expect(line.hasSuffix("\n") && line.dropLast().firstIndex(of: "\n") == nil)
        var object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String], "\(line)")
        let removed = object.removeValue(forKey: "time")
        let time = try #require(removed)
        #expect(time.wholeMatch(of: #/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+(Z|[+-]\d{4})/#) != nil, "\(time)")
        #expect(object == ["level": "warning", "label": "baton.test", "message": "Saving failed",
                           "error.message": "no disk left", "error.type": String(reflecting: Refusal.self),
                           "event": "given", "hb.request.id": "r-1", "logger": "own", "provided": "yes",
                           "shared": "provided"])
    }
}
