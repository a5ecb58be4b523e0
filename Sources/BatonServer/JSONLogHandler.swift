import Foundation
public import Logging

/// A swift-log handler writing one JSON object per line to standard error (`baton server --log-format json`):
/// `{"time":…,"level":…,"label":…,"message":…}` plus one field per metadata key (e.g. `hb.request.id`).
public struct JSONLogHandler: LogHandler {
    /// The logger's label.
    public let label: String
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?

    /// Creates a handler for a logger labelled `label`.
    public init(label: String, metadataProvider: Logger.MetadataProvider? = nil) {
        self.label = label
        self.metadataProvider = metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let merged = event.metadata(over: metadata, from: metadataProvider)
        var line: [String: String] = [
            "time": Date().formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted)),
            "level": event.level.rawValue,
            "label": label,
            "message": "\(event.message)",
        ]
        for (key, value) in merged { line[key] = "\(value)" }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard var data = try? encoder.encode(line) else { return }
        data.append(0x0A)
        // A log reader that has gone (a closed pipe: EPIPE) must not take the server down with it; the line is
        // lost. (`write(_:)` traps on any error.)
        try? FileHandle.standardError.write(contentsOf: data)
    }
}
