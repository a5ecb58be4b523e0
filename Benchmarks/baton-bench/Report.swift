import BatonTesting
import Foundation
import Synchronization

/// The figures of one run: printed as a table, written as BENCHMARKS.md rows and a chart.
final class Report: Sendable {
    struct Row: Sendable {
        var durability: String
        var measure: String
        var value: String
    }

    /// One paced run, for the chart.
    struct Point: Sendable {
        var durability: String
        var level: Double
        var tasksPerSecond: Double
        var updateP50: Double
        var updateP99: Double
        var pollP99: Double
        var startP99: Double
    }

    private struct State {
        var rows: [Row] = []
        var values: [String: Double] = [:]
        var points: [Point] = []
        var notes: [String] = []
    }

    let machine: String
    let build: String
    let smoke: Bool
    private let state = Mutex(State())

    init(machine: String, build: String, smoke: Bool) {
        self.machine = machine
        self.build = build
        self.smoke = smoke
    }

    static func rate(_ value: Double) -> String { String(format: "%.0f/s", value) }

    func add(_ durability: String, _ measure: String, _ value: String, value number: Double? = nil, key: String? = nil) {
        state.withLock { state in
            state.rows.append(Row(durability: durability, measure: measure, value: value))
            if let number, let key { state.values["\(durability)/\(key)"] = number }
        }
        print("  " + durability.padding(toLength: 14, withPad: " ", startingAt: 0) + " "
              + measure.padding(toLength: 70, withPad: " ", startingAt: 0) + " " + value)
    }

    /// Notes the ceiling's slices measured beside the phase whose figure is `key`: that figure's yardstick.
    func ceiling(_ durability: String, beside key: String, _ slices: PhaseResult) {
        check(slices, "ceiling beside \(key)")
        state.withLock { $0.values["\(durability)/ceiling/\(key)"] = slices.startsPerSecond }
    }

    func latency(_ durability: String, _ measure: String, _ samples: Samples) {
        guard let p50 = samples.percentile(0.5), let p99 = samples.percentile(0.99) else {
            add(durability, measure + " p50 / p99", "no samples")
            return
        }
        add(durability, measure + " p50 / p99", String(format: "%.2f / %.2f ms (n=%d)", p50, p99, samples.values.count))
    }

    func point(mode: String, level: Double, result: PhaseResult) {
        let point = Point(durability: mode, level: level, tasksPerSecond: result.tasksPerSecond,
                          updateP50: result.update.percentile(0.5) ?? 0, updateP99: result.update.percentile(0.99) ?? 0,
                          pollP99: result.poll.percentile(0.99) ?? 0, startP99: result.start.percentile(0.99) ?? 0)
        state.withLock { $0.points.append(point) }
    }

    func note(_ text: String) {
        state.withLock { $0.notes.append(text) }
        print("  note: \(text)")
    }

    /// Notes a phase's errors; a phase that did nothing at all is a failure of the run.
    func check(_ result: PhaseResult, _ phase: String) {
        if result.errors > 0 { note("\(phase): \(result.errors) failed calls, first: \(result.firstError ?? "?")") }
    }

    /// The derived figures: Baton against the ceiling and against DBOS.
    private func ratios(_ state: State) -> [Row] {
        var rows: [Row] = []
        let modes = Array(Set(state.rows.map(\.durability))).filter { !$0.hasPrefix("DBOS") }.sorted()
        for mode in modes {
            for (key, label) in [("tasks1", "1-task"), ("tasks5", "5-task"), ("tasks1batch", "1-task, results in batches"),
                                 ("tasks5batch", "5-task, results in batches"), ("tasks1host", "1-task, Baton's worker host"),
                                 ("tasks5host", "5-task, Baton's worker host"), ("starts", "starts")] {
                // Against the ceiling measured beside the phase when it was; the whole-phase ceiling otherwise.
                guard let value = state.values["\(mode)/\(key)"],
                      let ceiling = state.values["\(mode)/ceiling/\(key)"] ?? state.values["\(mode)/ceiling"] else { continue }
                rows.append(Row(durability: mode, measure: "\(label) throughput as a fraction of the commit ceiling",
                                value: String(format: "%.0f%% (of %.0f/s)", 100 * value / ceiling, ceiling)))
            }
            for steps in [1, 5] {
                for (suffix, how) in [("", ""), ("batch", ", results in batches"), ("host", ", Baton's worker host")] {
                    guard let baton = state.values["\(mode)/tasks\(steps)\(suffix)"] else { continue }
                    for (key, peer) in state.values where key.hasSuffix("/dbos\(steps)") {
                        rows.append(Row(durability: mode,
                                        measure: "Baton / DBOS (\(key.split(separator: "/")[0])), \(steps)-task task executions/s\(how)",
                                        value: String(format: "%.1f×", baton / peer)))
                    }
                }
            }
        }
        return rows
    }

    func printTable() {
        let (rows, notes) = state.withLock { ($0.rows + ratios($0), $0.notes) }
        let width = rows.map(\.measure.count).max() ?? 10
        print("\nbaton-bench results — \(machine), build \(build)\(smoke ? ", smoke run (figures not meaningful)" : "")")
        print("durability      " + "measure".padding(toLength: width, withPad: " ", startingAt: 0) + "  value")
        for row in rows {
            print(row.durability.padding(toLength: 16, withPad: " ", startingAt: 0)
                  + row.measure.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + row.value)
        }
        for note in notes { print("note: \(note)") }
    }

    static let begin = "<!-- baton-bench:begin (generated; edit outside these markers) -->"
    static let end = "<!-- baton-bench:end -->"

    /// Rewrites the generated section of `path` (creating the file when missing), keeping the rest.
    func write(to path: String, command: String) throws {
        let (rows, notes) = state.withLock { ($0.rows + ratios($0), $0.notes) }
        let formatter = ISO8601DateFormatter()
        var section = Self.begin + "\n"
        section += "Latest run: \(formatter.string(from: Date())), `\(command)`\n\n"
        section += "| machine | build | durability | measure | value |\n|---|---|---|---|---|\n"
        for row in rows {
            section += "| \(machine) | \(build) | \(row.durability) | \(row.measure) | \(row.value) |\n"
        }
        if !notes.isEmpty { section += "\n" + notes.map { "- \($0)" }.joined(separator: "\n") + "\n" }
        section += Self.end
        var text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? "# Benchmarks\n\n"
        if let start = text.range(of: Self.begin), let stop = text.range(of: Self.end), start.lowerBound < stop.upperBound {
            text.replaceSubrange(start.lowerBound..<stop.upperBound, with: section)
        } else {
            text += "\n" + section + "\n"
        }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// Draws throughput and latency against the offered load with matplotlib (skipped, with a note, without it).
    func drawChart(python: String, path: String, directory: String) async {
        let points = state.withLock { $0.points }
        guard !points.isEmpty, FileManager.default.fileExists(atPath: "Benchmarks/chart.py") else { return }
        let csv = directory + "/baton-bench-points.csv"
        var text = "durability,level,tasks_per_second,update_p50_ms,update_p99_ms,poll_p99_ms,start_p99_ms\n"
        for point in points {
            text += "\(point.durability),\(point.level),\(point.tasksPerSecond),\(point.updateP50),\(point.updateP99),"
                + "\(point.pollP99),\(point.startP99)\n"
        }
        do {
            try text.write(toFile: csv, atomically: true, encoding: .utf8)
            let run = try await CommandLineRun.run(executable: "/usr/bin/env", arguments: [
                python, "Benchmarks/chart.py", csv, path, "\(machine), \(build) build"], timeout: .seconds(120))
            if run.status == 0 { print("Wrote \(path)") } else { print("note: no chart (\(python) needs matplotlib)") }
            try? FileManager.default.removeItem(atPath: csv)
        } catch {
            print("note: no chart: \(error)")
        }
    }
}
