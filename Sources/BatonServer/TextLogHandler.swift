import Foundation
public import Logging

/// A swift-log handler writing one line of text per message to standard error (`baton server`'s default
/// format), as swift-log's `StreamLogHandler` writes it: `time level label: key=value … [source] message`.
///
/// Unlike that handler, it writes the metadata out when a line is logged, not each time the metadata
/// changes: every request sets its id on its logger, and most requests log nothing.
public struct TextLogHandler: LogHandler {
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
        let pairs = event.metadata(over: metadata, from: metadataProvider).sorted { $0.key < $1.key }.map { " \($0.key)=\($0.value)" }.joined()
        let line = "\(Self.timestamp()) \(event.level)\(label.isEmpty ? "" : " ")\(label):\(pairs) [\(event.source)] \(event.message)\n"
        // As the JSON handler: a log reader that has gone (EPIPE) loses the line, and the server goes on.
        try? FileHandle.standardError.write(contentsOf: Data(line.utf8))
    }

    /// The local time to the second, with its offset from UTC (`2026-11-28T02:15:07+0000`).
    private static func timestamp() -> String {
        var now = time(nil)
        var local = tm()
        localtime_r(&now, &local)
        var buffer = [CChar](repeating: 0, count: 64)
        let length = strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%S%z", &local)
        return String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

extension LogEvent {
    /// The metadata a line carries: the logger's, then its provider's, then the event's own, each replacing
    /// the keys before it, and the error the event reports, if any.
    func metadata(over base: Logger.Metadata, from provider: Logger.MetadataProvider?) -> Logger.Metadata {
        var merged = base
        if let provided = provider?.get() { merged.merge(provided) { _, new in new } }
        if let extra = metadata { merged.merge(extra) { _, new in new } }
        if let error {
            merged["error.message"] = "\(error)"
            merged["error.type"] = "\(String(reflecting: type(of: error)))"
        }
        return merged
    }
}
