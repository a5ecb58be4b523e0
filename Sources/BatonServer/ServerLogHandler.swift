import Foundation
public import Logging

/// `baton server`'s swift-log handler: one line per message on standard error, as text (the default, the line
/// swift-log's `StreamLogHandler` writes: `time level label: key=value … [source] message`) or as a JSON object
/// (`--log-format json`: `{"time":…,"level":…,"label":…,"message":…}` plus one field per metadata key, e.g.
/// `hb.request.id`).
///
/// The metadata is written out when a line is logged, not each time it changes (as `StreamLogHandler` does):
/// every request sets its id on its logger, and most requests log nothing.
public struct ServerLogHandler: LogHandler {
    /// How a line is written.
    public enum Format: String, Sendable, CaseIterable {
        case text
        case json
    }

    /// The logger's label.
    public let label: String
    public let format: Format
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?

    /// Creates a handler for a logger labelled `label`, writing lines in `format`.
    public init(label: String, format: Format, metadataProvider: Logger.MetadataProvider? = nil) {
        self.label = label
        self.format = format
        self.metadataProvider = metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        guard let line = line(for: event) else { return }
        // A log reader that has gone (a closed pipe: EPIPE) must not take the server down with it; the line is
        // lost. (`write(_:)` traps on any error.)
        try? FileHandle.standardError.write(contentsOf: line)
    }

    /// The line `event` is written as, with its newline.
    func line(for event: LogEvent) -> Data? {
        let merged = Self.metadata(of: event, over: metadata, from: metadataProvider)
        guard var line = format == .text ? Data(textLine(event, merged).utf8) : jsonLine(event, merged) else { return nil }
        line.append(0x0A)
        return line
    }

    private func textLine(_ event: LogEvent, _ metadata: Logger.Metadata) -> String {
        let pairs = metadata.sorted { $0.key < $1.key }.map { " \($0.key)=\($0.value)" }.joined()
        return "\(Self.localTime()) \(event.level)\(label.isEmpty ? "" : " ")\(label):\(pairs) [\(event.source)] \(event.message)"
    }

    private func jsonLine(_ event: LogEvent, _ metadata: Logger.Metadata) -> Data? {
        var line: [String: String] = [
            "time": Date().formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted)),
            "level": event.level.rawValue,
            "label": label,
            "message": "\(event.message)",
        ]
        for (key, value) in metadata { line[key] = "\(value)" }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try? encoder.encode(line)
    }

    /// The metadata a line carries: the logger's, then its provider's, then the event's own, each replacing the
    /// keys before it, and the error the event reports, if any.
    private static func metadata(of event: LogEvent, over base: Logger.Metadata,
                                 from provider: Logger.MetadataProvider?) -> Logger.Metadata {
        var merged = base
        if let provided = provider?.get() { merged.merge(provided) { _, new in new } }
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        if let error = event.error {
            merged["error.message"] = "\(error)"
            merged["error.type"] = "\(String(reflecting: type(of: error)))"
        }
        return merged
    }

    /// The local time to the second, with its offset from UTC (`2026-11-28T02:15:07+0000`).
    private static func localTime() -> String {
        var now = time(nil)
        var local = tm()
        localtime_r(&now, &local)
        var buffer = [CChar](repeating: 0, count: 64)
        let length = strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%S%z", &local)
        return String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
