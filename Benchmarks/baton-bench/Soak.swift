import ArgumentParser
import AsyncHTTPClient
import BatonTesting
import Foundation
import NIOHTTP1

/// `baton-bench soak`: hostile workflows beside a normal load. A fixed rate of 1-task workflows runs end to end
/// with a signal probe, first alone, then while runaway workflows — never-ending JavaScript and jq, a jq memory
/// bomb, a script returning a huge string, a dynamic fork far wider than allowed, a loop that never ends — are
/// started again and again. Prints the normal load's latencies in both phases and the server's resident memory
/// over the runaway phase; nothing is written to BENCHMARKS.md.
struct Soak: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "soak", abstract: "Normal load beside runaway workflows: latencies with and without them, and memory.")

    @Option(help: "The baton executable to start.") var batonBinary = ".build/release/baton"
    @Option(help: "Seconds of each phase (the runaway phase repeats the hostile starts for this long).") var seconds = 60.0
    @Option(help: "Workflows/s of the normal load (1-task, completed by update-v2).") var rate = 400.0
    @Option(help: "Seconds between two rounds of hostile starts.") var every = 2.0
    @Option(help: "Seconds the server may take to calm down after the runaway phase before memory is read again.")
    var settle = 15.0
    @Option(name: .customLong("runaway"), help: "Start only this runaway (by name without its soak_ prefix, e.g. endless_loop); repeatable. All of them by default.")
    var runawayNames: [String] = []

    /// The hostile definitions, by name; each is started once a round.
    static let runaways: [(name: String, tasks: String, input: String)] = [
        ("soak_js_forever", #"{"name":"js","taskReferenceName":"js","type":"INLINE","#
            + #""inputParameters":{"evaluatorType":"javascript","expression":"while(true){}"}}"#, "{}"),
        ("soak_jq_forever", #"{"name":"jq","taskReferenceName":"jq","type":"JSON_JQ_TRANSFORM","#
            + #""inputParameters":{"queryExpression":"def f: f; f"}}"#, "{}"),
        ("soak_jq_memory", #"{"name":"jq","taskReferenceName":"jq","type":"JSON_JQ_TRANSFORM","#
            + #""inputParameters":{"queryExpression":"[repeat(\"x\")]"}}"#, "{}"),
        ("soak_js_huge", #"{"name":"js","taskReferenceName":"js","type":"INLINE","#
            + #""inputParameters":{"evaluatorType":"javascript","expression":"'x'.repeat(4e8)"}}"#, "{}"),
        ("soak_wide_fork", #"{"name":"fork","taskReferenceName":"fork","type":"FORK_JOIN_DYNAMIC","#
            + #""inputParameters":{"forkTaskName":"leaf","forkTaskType":"NOOP","forkTaskInputs":"${workflow.input.items}"}},"#
            + #"{"name":"join","taskReferenceName":"join","type":"JOIN"}"#,
         #"{"items":[\#(Array(repeating: "{}", count: 100_000).joined(separator: ","))]}"#),
        ("soak_endless_loop", #"{"name":"loop","taskReferenceName":"loop","type":"DO_WHILE","loopCondition":"true","#
            + #""loopOver":[{"name":"step","taskReferenceName":"step","type":"NOOP"}]}"#, "{}"),
    ]

    /// The runaways this run starts: those named with `--runaway`, or all of them.
    private func selectedRunaways() throws -> [(name: String, tasks: String, input: String)] {
        if runawayNames.isEmpty { return Self.runaways }
        return try runawayNames.map { name in
            guard let runaway = Self.runaways.first(where: { $0.name == "soak_" + name }) else {
                let known = Self.runaways.map { $0.name.dropFirst("soak_".count) }.joined(separator: ", ")
                throw ValidationError("No runaway named \(name); the runaways are \(known)")
            }
            return runaway
        }
    }

    func run() async throws {
        let runaways = try selectedRunaways()
        guard FileManager.default.isExecutableFile(atPath: batonBinary) else {
            throw ValidationError("No baton executable at \(batonBinary): build it first (swift build -c release --product baton)")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("baton-soak-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let port = try freePort()
        let child = try LoggedChild(executable: batonBinary,
                                    arguments: ["server", "--host", "127.0.0.1", "--port", String(port), "--database",
                                                "\(directory)/baton.sqlite", "--log-level", "warning"],
                                    logPath: "\(directory)/baton.log")
        let http = Endpoint.client(connections: 96)
        do {
            let endpoint = try Endpoint(http: http, baseURL: "http://127.0.0.1:\(port)")
            try await waitUntilUp(endpoint, path: "/health", process: child)
            try await Definitions.register(on: endpoint)
            for runaway in runaways {
                try await endpoint.expect(.POST, "/api/metadata/workflow?overwrite=true",
                                          body: #"{"name":"\#(runaway.name)","version":1,"tasks":[\#(runaway.tasks)]}"#)
            }
            let load = Load(endpoint: endpoint)
            print("baton-bench soak on \(Machine.summary): \(Int(rate)) workflows/s of bench_e2e1, \(Int(seconds)) s a phase")
            let rssAtStart = Self.residentMiB(of: child)
            let calm = await normalLoad(load)
            Self.printLatencies("without runaways", calm)

            let end = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
            async let hostile = start(runaways, on: endpoint, until: end)
            async let memory = sampleMemory(of: child, until: end)
            let stormy = await normalLoad(load)
            let (rounds, refused) = await hostile
            let peak = await memory
            Self.printLatencies("beside runaways", stormy)
            print("runaway rounds started: \(rounds) (\(rounds * runaways.count) workflows; \(refused) starts refused)")
            for (label, value) in [("start", (calm.start, stormy.start)), ("update-v2", (calm.update, stormy.update))] {
                if let before = value.0.percentile(0.99), let after = value.1.percentile(0.99), before > 0 {
                    print(String(format: "p99 %@: %.2f ms → %.2f ms (%.2f×)", label, before, after, after / before))
                }
            }
            try await Task.sleep(for: .milliseconds(Int(settle * 1000)))
            print(String(format: "server RSS: %.0f MiB at start, %.0f MiB at most during the runaway phase, %.0f MiB %.0f s after it",
                         rssAtStart ?? 0, peak, Self.residentMiB(of: child) ?? 0, settle))
            endpoint.close()
        } catch {
            await child.stop(grace: .seconds(2))
            try? await http.shutdown()
            throw error
        }
        await child.stop(grace: .seconds(5))
        try await http.shutdown()
    }

    /// The normal load for one phase: `rate` 1-task workflows/s, completed one by one, with a signal probe.
    private func normalLoad(_ load: Load) async -> PhaseResult {
        await load.endToEnd(workflow: "bench_e2e1", taskType: "bench_e2e1_t", tasksPerWorkflow: 1, starters: 16, workers: 8,
                            pollCount: 16, backlog: 1000, rate: rate, warmUp: .seconds(1),
                            duration: .milliseconds(Int(seconds * 1000)), reporting: .oneByOne, signalProbes: 1)
    }

    /// Starts one of each runaway every `every` seconds until `end`; returns the rounds and the refused starts.
    private func start(_ runaways: [(name: String, tasks: String, input: String)], on endpoint: Endpoint,
                       until end: ContinuousClock.Instant) async -> (Int, Int) {
        var rounds = 0
        var refused = 0
        while ContinuousClock.now < end {
            for runaway in runaways {
                let answer = try? await endpoint.call(.POST, "/api/workflow/\(runaway.name)", body: runaway.input)
                if answer?.status != 200 { refused += 1 }
            }
            rounds += 1
            try? await Task.sleep(for: .milliseconds(Int(every * 1000)))
        }
        return (rounds, refused)
    }

    /// The largest resident set seen, sampled every 250 ms until `end`, in MiB.
    private func sampleMemory(of child: LoggedChild, until end: ContinuousClock.Instant) async -> Double {
        var peak = 0.0
        while ContinuousClock.now < end {
            peak = max(peak, Self.residentMiB(of: child) ?? 0)
            try? await Task.sleep(for: .milliseconds(250))
        }
        return peak
    }

    /// The process's resident set now (VmRSS), in MiB.
    static func residentMiB(of child: LoggedChild) -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/\(child.child.processIdentifier)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return line.split(separator: " ").compactMap { Double($0) }.first.map { $0 / 1024 }
        }
        return nil
    }

    static func printLatencies(_ label: String, _ result: PhaseResult) {
        func p(_ samples: Samples, _ fraction: Double) -> String {
            samples.percentile(fraction).map { String(format: "%.2f", $0) } ?? "n/a"
        }
        var line = String(format: "%@: %.0f tasks/s, %d errors; ms p50/p99: start %@/%@, update-v2 %@/%@", label,
                          result.tasksPerSecond, result.errors, p(result.start, 0.5), p(result.start, 0.99),
                          p(result.update, 0.5), p(result.update, 0.99))
        for (name, samples) in result.signals.sorted(by: { $0.key < $1.key }) {
            line += ", \(name) \(p(samples, 0.5))/\(p(samples, 0.99))"
        }
        print(line)
    }
}
