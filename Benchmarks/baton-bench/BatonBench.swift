import ArgumentParser
import AsyncHTTPClient
import BatonTesting
import Foundation
import NIOCore
import NIOHTTP1

/// `baton-bench`: Baton's load generator. Starts its own `baton server` on a fresh SQLite file (or targets
/// `--server`), and measures workflow starts/s, end-to-end task executions/s of 1- and 5-task SIMPLE
/// workflows with batch-polling workers, latencies of start, poll, update and the signals at half of the
/// maximum load, and the server's peak RSS; then the machine's ceiling on the same stack and, when a
/// Python with `dbos` is at hand, the DBOS peer. Prints a table and updates BENCHMARKS.md.
@main
struct BatonBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "baton-bench", abstract: "Measure Baton's throughput and latency.",
        subcommands: [Run.self, CeilingServer.self, Hammer.self, EngineLoad.self, Soak.self, JSONCost.self], defaultSubcommand: Run.self)
}

struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Run the benchmark (the default).")

    @Option(help: "The baton executable to start.") var batonBinary = ".build/release/baton"
    @Option(help: "Target this running server instead of starting one (its durability is reported as unknown).")
    var server: String?
    @Flag(help: "A run of seconds that only checks that everything works (no BENCHMARKS.md update).") var smoke = false
    @Option(help: "Durability modes to measure, comma-separated.") var durability = "FULL,NORMAL"
    @Option(help: "Seconds each phase measures.") var seconds = 5.0
    @Option(help: "Seconds of warm-up before each end-to-end phase.") var warmUp = 1.0
    @Option(help: "Concurrent clients starting workflows (starts/s and the ceiling).") var clients = 64
    @Option(help: "Concurrent starters feeding the 5-task end-to-end phases (twice as many feed the 1-task ones).")
    var starters = 32
    @Option(help: "Concurrent worker loops (batch poll, then update-v2 or one batch of results).") var workers = 32
    @Option(help: "Tasks per batch poll.") var pollCount = 16
    @Option(help: "Most tasks waiting or running in the end-to-end phases (5-task workflows: a fifth as many workflows).")
    var backlog = 1000
    @Option(help: "Signal probes at half load.") var probes = 2
    @Option(help: "Fractions of the maximum load to sweep for the chart, comma-separated (0.5 is always run).")
    var loadLevels = "0.25,0.5,0.75"
    @Option(help: "Stored-workflow counts to measure latencies and search at (growth), comma-separated; first mode only.")
    var growth = "0,100000,1000000"
    @Flag(help: "Skip the ceiling measurement.") var skipCeiling = false
    @Option(help: "A Python with dbos (the peer) and matplotlib (the chart); Benchmarks/setup-python.sh makes one.")
    var python = FileManager.default.fileExists(atPath: "Benchmarks/.venv/bin/python") ? "Benchmarks/.venv/bin/python" : "python3"
    @Flag(help: "Skip the DBOS peer.") var skipPeer = false
    @Option(help: "The file whose generated section is rewritten.") var output = "BENCHMARKS.md"
    @Option(help: "Where the chart is written (needs matplotlib in --python).") var chart = "Benchmarks/chart.png"
    @Option(help: "Build configuration reported for the server (default: from the binary's path).")
    var buildLabel: String?

    mutating func run() async throws {
        if server == nil, !FileManager.default.isExecutableFile(atPath: batonBinary) {
            throw ValidationError("No baton executable at \(batonBinary): build it first "
                + "(swift build -c release --product baton), or pass --baton-binary PATH or --server URL")
        }
        if smoke {
            seconds = min(seconds, 1); warmUp = 0; clients = 4; starters = 2; workers = 4; pollCount = 4
            probes = 1; loadLevels = "0.5"; skipPeer = true; growth = "0,50"
            if durability == "FULL,NORMAL" { durability = "FULL" }
        }
        let build = buildLabel ?? (server != nil ? "unknown" : (batonBinary.contains("release") ? "release" : "debug"))
        let modes = server != nil ? ["as configured"] : durability.split(separator: ",").map { $0.uppercased() }
        let report = Report(machine: Machine.summary, build: build, smoke: smoke)
        print("baton-bench on \(Machine.summary), server build \(build)\(smoke ? " (smoke run)" : "")")

        let http = Endpoint.client(connections: max(clients, starters(forTasksPerWorkflow: 1) + workers + probes) + 8)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("baton-bench-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var children: [LoggedChild] = []
        do {
            for mode in modes {
                var child: LoggedChild?
                let base: String
                if let server {
                    base = server.hasSuffix("/") ? String(server.dropLast()) : server
                } else {
                    let port = try freePort()
                    base = "http://127.0.0.1:\(port)"
                    child = try LoggedChild(
                        executable: batonBinary,
                        arguments: ["server", "--host", "127.0.0.1", "--port", String(port), "--database",
                                    "\(directory)/baton-\(mode).sqlite", "--sqlite-synchronous", mode, "--log-level", "warning"],
                        logPath: "\(directory)/baton-\(mode).log")
                    children.append(child!)
                }
                let endpoint = try Endpoint(http: http, baseURL: base)
                try await waitUntilUp(endpoint, path: "/health", process: child)
                try await Definitions.register(on: endpoint)
                // The ceiling's server runs beside Baton's, idle but for the slices measured next to each phase.
                let ceiling = !skipCeiling && server == nil
                    ? try await startCeiling(http: http, mode: mode, directory: directory, children: &children) : nil
                let yardstick = ceiling.map { Yardstick(load: Load(endpoint: $0.endpoint), clients: clients, slice: duration / 5) }
                try await measureBaton(Load(endpoint: endpoint), mode: mode, report: report, yardstick: yardstick)
                if mode == modes.first { try await measureGrowth(Load(endpoint: endpoint), mode: mode, report: report) }
                endpoint.close()
                if let child {
                    report.add(mode, "server peak RSS (VmHWM)", child.peakRSSMiB().map { String(format: "%.0f MiB", $0) } ?? "n/a")
                    await child.stop()
                }
                if let ceiling {
                    await measureCeiling(Load(endpoint: ceiling.endpoint), mode: mode, report: report)
                    ceiling.endpoint.close()
                    await ceiling.child.stop()
                }
            }
            if !skipPeer { await measurePeer(report: report, directory: directory) }
        } catch {
            for child in children { await child.stop(grace: .seconds(2)) }
            try? await http.shutdown()
            throw error
        }
        for child in children { await child.stop(grace: .seconds(2)) }
        try await http.shutdown()
        try? FileManager.default.removeItem(atPath: directory)

        report.printTable()
        if !smoke {
            try report.write(to: output, command: CommandLine.arguments.joined(separator: " "))
            await report.drawChart(python: python, path: chart, directory: FileManager.default.temporaryDirectory.path)
            print("Updated \(output)")
        }
    }

    private var duration: Duration { .milliseconds(Int(seconds * 1000)) }

    /// Each task of a 1-task workflow needs a start request: with as few starters as the 5-task phases, the
    /// starters' round trips, not the server, bounded those phases (32 starters at ~5 ms a start).
    private func starters(forTasksPerWorkflow tasks: Int) -> Int { tasks == 1 ? 2 * starters : starters }
    private var warmUpDuration: Duration { .milliseconds(Int(warmUp * 1000)) }

    private func measureBaton(_ load: Load, mode: String, report: Report, yardstick: Yardstick?) async throws {
        // Starts in five slices, each after a slice of the ceiling: both see the machine of the same moments.
        var starts = PhaseResult(seconds: 0)
        var ceilingBeside = PhaseResult(seconds: 0)
        for _ in 0..<5 {
            if let yardstick { ceilingBeside.absorb(await yardstick.measure()) }
            starts.absorb(await load.starts(clients: clients, duration: duration / 5))
        }
        report.check(starts, "starts")
        report.add(mode, "workflow starts/s (\(clients) clients)", Report.rate(starts.startsPerSecond), value: starts.startsPerSecond,
                   key: "starts")
        if yardstick != nil { report.ceiling(mode, beside: "starts", ceilingBeside) }

        // Each end-to-end phase between two slices of the ceiling (the one after a phase is the next one's before).
        var before = await yardstick?.measure()
        func beside(_ key: String, _ phase: () async -> PhaseResult) async -> PhaseResult {
            let result = await phase()
            if let yardstick, var slices = before {
                let after = await yardstick.measure()
                slices.absorb(after)
                report.ceiling(mode, beside: key, slices)
                before = after
            }
            return result
        }

        let one = await beside("tasks1") {
            await load.endToEnd(workflow: "bench_e2e1", taskType: "bench_e2e1_t", tasksPerWorkflow: 1,
                                starters: starters(forTasksPerWorkflow: 1), workers: workers, pollCount: pollCount, backlog: backlog,
                                rate: nil, warmUp: warmUpDuration, duration: duration)
        }
        report.check(one, "1-task end to end")
        if smoke, one.tasksDone == 0 { throw BenchError("The smoke run completed no task: \(one.firstError ?? "no error reported")") }
        report.add(mode, "1-task workflows: task executions/s", Report.rate(one.tasksPerSecond), value: one.tasksPerSecond,
                   key: "tasks1")
        report.add(mode, "1-task workflows: workflows completed/s", Report.rate(one.workflowsPerSecond))

        let five = await beside("tasks5") {
            await load.endToEnd(workflow: "bench_e2e5", taskType: "bench_e2e5_t", tasksPerWorkflow: 5,
                                starters: starters, workers: workers, pollCount: pollCount, backlog: max(1, backlog / 5),
                                rate: nil, warmUp: warmUpDuration, duration: duration)
        }
        report.check(five, "5-task end to end")
        report.add(mode, "5-task workflows: task executions/s", Report.rate(five.tasksPerSecond), value: five.tasksPerSecond,
                   key: "tasks5")
        report.add(mode, "5-task workflows: workflows completed/s", Report.rate(five.workflowsPerSecond))

        // The same workloads with the results of each polled batch reported in one request, as Baton's worker
        // host does when many are ready; then run by Baton's worker framework itself (BatonWorker's WorkerHost
        // over BatonClient): what a Swift worker process gets, its decoding of whole tasks included.
        for (reporting, how, key) in [(Load.Reporting.inBatches, "results in batches", "batch"),
                                      (.byWorkerHost, "Baton's worker host", "host")] {
            for (tasks, workflow) in [(1, "bench_e2e1"), (5, "bench_e2e5")] {
                let result = await beside("tasks\(tasks)\(key)") {
                    await load.endToEnd(workflow: workflow, taskType: "\(workflow)_t", tasksPerWorkflow: tasks,
                                        starters: starters(forTasksPerWorkflow: tasks), workers: workers, pollCount: pollCount,
                                        backlog: max(1, backlog / tasks), rate: nil, warmUp: warmUpDuration,
                                        duration: duration, reporting: reporting)
                }
                report.check(result, "\(tasks)-task end to end, \(how)")
                report.add(mode, "\(tasks)-task workflows, \(how): task executions/s",
                           Report.rate(result.tasksPerSecond), value: result.tasksPerSecond, key: "tasks\(tasks)\(key)")
                if reporting == .inBatches {
                    report.latency(mode, "\(tasks)-task workflows: report of a batch of up to \(pollCount) results", result.update)
                }
            }
        }

        // Latency under load: the 1-task workload paced at fractions of its maximum workflow rate.
        let maximum = max(one.workflowsPerSecond, 1)
        var levels = loadLevels.split(separator: ",").compactMap { Double($0) }
        if !levels.contains(0.5) { levels.append(0.5) }
        for level in levels.sorted() {
            let paced = await load.endToEnd(workflow: "bench_lat", taskType: "bench_lat_t", tasksPerWorkflow: 1,
                                            starters: starters, workers: workers, pollCount: pollCount, backlog: backlog,
                                            rate: maximum * level, warmUp: warmUpDuration, duration: duration,
                                            signalProbes: level == 0.5 ? probes : 0)
            report.check(paced, "paced at \(level)")
            report.point(mode: mode, level: level, result: paced)
            guard level == 0.5 else { continue }
            let label = String(format: "at half load (%.0f tasks/s)", paced.tasksPerSecond)
            report.latency(mode, "start \(label)", paced.start)
            report.latency(mode, "batch poll \(label)", paced.poll)
            report.latency(mode, "update-v2 \(label)", paced.update)
            for name in Load.signalNames { report.latency(mode, "signal \(name) \(label)", paced.signals[name] ?? Samples()) }
        }
    }

    /// Latencies of start, poll and update, and of searches, with 0, 100k and 1M workflows stored: seeds
    /// completed workflows through the API up to each level, then probes at a light load.
    private func measureGrowth(_ load: Load, mode: String, report: Report) async throws {
        let levels = growth.split(separator: ",").compactMap { Int($0) }.sorted()
        var stored = 0
        var baseline: GrowthProbe?
        for level in levels {
            if level > stored {
                let began = ContinuousClock.now
                let seeded = await load.seed(level - stored, clients: clients)
                guard seeded == level - stored else { throw BenchError("Seeding \(level) workflows acknowledged only \(seeded) more") }
                print(String(format: "  seeded %d workflows in %.0f s", level, baton_bench.seconds(since: began)))
                stored = level
            }
            let probe = await load.probeGrowth(clients: 4, duration: duration)
            let label = "with \(level.formatted()) stored"
            report.latency(mode, "start \(label) (4 clients)", probe.start)
            report.latency(mode, "poll \(label) (4 clients)", probe.poll)
            report.latency(mode, "update \(label) (4 clients)", probe.update)
            for (search, _) in GrowthProbe.searches {
                report.latency(mode, "\(search) \(label)", probe.searches[search] ?? Samples())
            }
            if let baseline, let stored = probe.start.percentile(0.5), let empty = baseline.start.percentile(0.5),
               let polled = probe.poll.percentile(0.5), let emptyPoll = baseline.poll.percentile(0.5),
               let updated = probe.update.percentile(0.5), let emptyUpdate = baseline.update.percentile(0.5) {
                report.add(mode, "p50 \(label) / empty store: start, poll, update",
                           String(format: "%.2f× / %.2f× / %.2f×", stored / empty, polled / emptyPoll, updated / emptyUpdate))
            } else {
                baseline = probe
            }
        }
    }

    /// Starts the ceiling's server (`ceiling-server`) with the durability `mode`.
    private func startCeiling(http: HTTPClient, mode: String, directory: String,
                              children: inout [LoggedChild]) async throws -> (child: LoggedChild, endpoint: Endpoint) {
        let port = try freePort()
        let child = try LoggedChild(
            executable: Bundle.main.executablePath ?? CommandLine.arguments[0],
            arguments: ["ceiling-server", "--port", String(port), "--database", "\(directory)/ceiling-\(mode).sqlite",
                        "--sqlite-synchronous", mode],
            logPath: "\(directory)/ceiling-\(mode).log")
        children.append(child)
        let endpoint = try Endpoint(http: http, baseURL: "http://127.0.0.1:\(port)")
        try await waitUntilUp(endpoint, path: "/health", process: child)
        return (child, endpoint)
    }

    /// The ceiling over a whole phase's time: `GET /hello`, then `POST /commit`.
    private func measureCeiling(_ load: Load, mode: String, report: Report) async {
        let hello = await load.requests(.GET, "/hello", clients: clients, duration: duration)
        report.check(hello, "ceiling hello")
        report.add(mode, "ceiling: GET hello requests/s (same HTTP stack)", Report.rate(hello.startsPerSecond))
        let commit = await load.requests(.POST, "/commit", clients: clients, duration: duration)
        report.check(commit, "ceiling commit")
        report.add(mode, "ceiling: one durable commit per request, requests/s", Report.rate(commit.startsPerSecond),
                   value: commit.startsPerSecond, key: "ceiling")
    }

    private func measurePeer(report: Report, directory: String) async {
        let script = "Benchmarks/dbos/dbos_bench.py"
        guard FileManager.default.fileExists(atPath: script) else { return }
        for steps in [1, 5] {
            let run: CommandLineRun
            do {
                run = try await CommandLineRun.run(
                    executable: "/usr/bin/env",
                    arguments: [python, script, "--steps", String(steps), "--seconds", String(seconds), "--warm-up",
                                String(warmUp), "--database", "\(directory)/dbos-\(steps).sqlite"],
                    timeout: .seconds(120) + self.duration + warmUpDuration)
            } catch {
                report.note("DBOS peer not run: \(error)")
                return
            }
            guard run.status == 0,
                  let line = run.standardOutput.split(separator: "\n").last(where: { $0.hasPrefix("{") }),
                  let figures = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let stepsPerSecond = figures["steps_per_second"] as? Double,
                  let workflowsPerSecond = figures["workflows_per_second"] as? Double else {
                report.note("DBOS peer not run (\(python) \(script) failed; it needs `pip install dbos`): \((run.standardOutput + run.standardError).suffix(300))")
                return
            }
            let mode = figures["durability"] as? String ?? "FULL"
            report.add("DBOS \(mode)", "DBOS \(figures["version"] ?? "?"): \(steps)-step workflows, step executions/s",
                       Report.rate(stepsPerSecond), value: stepsPerSecond, key: "dbos\(steps)")
            report.add("DBOS \(mode)", "DBOS: \(steps)-step workflows completed/s", Report.rate(workflowsPerSecond))
        }
    }
}
