import Foundation

/// What Linux's /proc tells about this test process: its helper children, its threads' CPU time, its memory.
public enum ProcessInspection {
    /// How many children of this process have `text` in their command line (NUL-separated arguments
    /// joined by spaces).
    public static func children(runningCommandContaining text: String) -> Int {
        childNiceness(runningCommandContaining: text).count
    }

    /// The niceness of each child of this process that has `text` in its command line.
    public static func childNiceness(runningCommandContaining text: String) -> [Int] {
        childStatField(nicenessField, runningCommandContaining: text)
    }

    /// The scheduling policy of each child of this process that has `text` in its command line (0 normal,
    /// 5 idle).
    public static func childPolicy(runningCommandContaining text: String) -> [Int] {
        childStatField(policyField, runningCommandContaining: text)
    }

    /// The niceness of each thread of this process whose name starts with `prefix`.
    public static func threadNiceness(namedWith prefix: String) -> [Int] {
        threadStatField(nicenessField, namedWith: prefix)
    }

    /// The scheduling policy (0 normal, 5 idle) of each thread of this process whose name starts with `prefix`.
    public static func threadPolicy(namedWith prefix: String) -> [Int] {
        threadStatField(policyField, namedWith: prefix)
    }

    /// Where the niceness and the scheduling policy are in a stat line: its 19th and 41st fields, counted
    /// here after the command name (the 2nd).
    private static let nicenessField = 16
    private static let policyField = 38

    private static func childStatField(_ field: Int, runningCommandContaining text: String) -> [Int] {
        let me = String(getpid())
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry in
            guard Int(entry) != nil, let (_, fields) = stat(of: "/proc/\(entry)/stat"), fields.count > field, fields[1] == me,
                  let arguments = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline"),
                  String(decoding: arguments.map { $0 == 0 ? 32 : $0 }, as: UTF8.self).contains(text) else { return nil }
            return Int(fields[field])
        }
    }

    private static func threadStatField(_ field: Int, namedWith prefix: String) -> [Int] {
        let threads = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        return threads.compactMap { thread in
            guard let (name, fields) = stat(of: "/proc/self/task/\(thread)/stat"), name.hasPrefix(prefix),
                  fields.count > field else { return nil }
            return Int(fields[field])
        }
    }

    /// CPU time (user + system, in clock ticks) each thread of this process whose name starts with `prefix`
    /// has used, by thread id.
    public static func threadCPUTicks(namedWith prefix: String) -> [String: Int] {
        let threads = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        var ticks: [String: Int] = [:]
        for thread in threads {
            // After the command name: state, ppid, … utime is the 14th field of the line, the 12th after it.
            guard let (name, fields) = stat(of: "/proc/self/task/\(thread)/stat"), name.hasPrefix(prefix), fields.count > 12,
                  let user = Int(fields[11]), let system = Int(fields[12]) else { continue }
            ticks[thread] = user + system
        }
        return ticks
    }

    /// A line of /proc/self/status in bytes (`VmRSS`, `VmHWM`), read from its kB figure.
    public static func memory(_ field: String) -> Int {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix(field + ":") } ?? ""
        return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) * 1024
    }

    /// Resets the peak resident size (`VmHWM`) to the current one.
    public static func resetPeakMemory() {
        try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
    }

    /// The command name and the fields after it of a /proc stat file.
    private static func stat(of path: String) -> (String, [Substring])? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
              let open = text.firstIndex(of: "("), let close = text.range(of: ")", options: .backwards) else { return nil }
        let name = String(text[text.index(after: open)..<close.lowerBound])
        return (name, text[close.upperBound...].split(separator: " "))
    }
}
