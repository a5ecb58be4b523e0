import BatonEngine
@testable import BatonHTTP
import BatonModel
import BatonServer
import BatonTesting
import Foundation
import HTTPTypes
import NIOHTTP1
import Testing

/// The value of the sample of `metric` whose labels include every one of `labels`, from Prometheus text.
func sample(_ text: String, _ metric: String, _ labels: [String: String] = [:]) -> Double? {
    for line in text.split(separator: "\n") where line.hasPrefix(metric + "{") || line.hasPrefix(metric + " ") {
        guard labels.allSatisfy({ line.contains("\($0.key)=\"\($0.value)\"") }),
              let value = line.split(separator: " ").last else { continue }
        return Double(value)
    }
    return nil
}

@Suite("Observability: /metrics and /health")
struct ObservabilityTests {
    @Test("/health reads the database")
    func health() async throws {
        try await withRunningServer { server in
            let reply = try await server.client.get("/health")
            #expect(reply.status == 200)
            #expect(try reply.object()["healthy"] as? Bool == true)
            #expect(try await server.client.get("/api/health").status == 200)
        }
    }

    @Test("/metrics counts requests, starts, completions and signals, and reports queue depth")
    func metrics() async throws {
        try await withRunningServer { server in
            let name = "metrics-\(UUID().uuidString.prefix(8).lowercased())"
            let taskType = "\(name)-work"
            try await server.registerChain(name, taskType: taskType, refs: ["a"])
            let first = try await server.start(name)
            let second = try await server.start(name)
            _ = try await server.start(name)
            var scrape = try await server.client.get("/metrics")
            #expect(scrape.status == 200)
            #expect(scrape.headers.first(name: "Content-Type")?.hasPrefix("text/plain") == true)
            #expect(sample(scrape.text, "baton_queue_depth", ["queue": taskType]) == 3, "\(scrape.text)")
            #expect(sample(scrape.text, "baton_workflow_starts_total", ["name": name]) == 3)

            let task = try #require(try await server.poll(taskType))
            #expect(try await server.report(task, "COMPLETED").status == 200)
            #expect(try await server.client.send(.PUT, "/api/workflow/\(first == task.workflowInstanceId ? second : first)/pause",
                                                 body: "{}").status == 200)
            #expect(try await server.client.send(.PUT, "/api/workflow/no-such-id/pause", body: "{}").status == 404)
            scrape = try await server.client.get("/metrics")
            let text = scrape.text
            #expect(sample(text, "baton_workflow_completions_total", ["name": name, "status": "COMPLETED"]) == 1, "\(text)")
            #expect(sample(text, "baton_queue_depth", ["queue": taskType]) == 1)
            #expect((sample(text, "baton_signals_total", ["signal": "pause", "outcome": "accepted"]) ?? 0) >= 1)
            #expect((sample(text, "baton_signals_total", ["signal": "pause", "outcome": "refused"]) ?? 0) >= 1)
            #expect((sample(text, "baton_http_requests_total",
                            ["method": "POST", "route": "/api/workflow/{id}", "status": "200"]) ?? 0) >= 3)
            #expect((sample(text, "baton_http_request_duration_seconds_count",
                            ["method": "GET", "route": "/api/tasks/poll/{taskType}"]) ?? 0) >= 1)
            #expect(sample(text, "baton_sweeper_backlog") != nil)
            #expect(sample(text, "baton_store_up") == 1)
        }
    }

    @Test("the sweeper's backlog and lag show timers that are due but not yet fired")
    func sweeperLag() async throws {
        try await withRunningServer { server in
            try await server.registerChain("lagging", refs: ["a"], extra: #","timeoutSeconds":10,"timeoutPolicy":"TIME_OUT_WF""#)
            _ = try await server.start("lagging")
            server.clock.advance(by: 70_000)
            var text = try await server.client.get("/metrics").text
            #expect((sample(text, "baton_sweeper_backlog") ?? 0) >= 1, "\(text)")
            let lag = sample(text, "baton_sweeper_lag_seconds") ?? 0
            #expect(lag >= 59 && lag <= 61, "lag \(lag)")
            await server.sweep()
            text = try await server.client.get("/metrics").text
            #expect(sample(text, "baton_sweeper_backlog") == 0)
        }
    }
}

@Suite("OpenAPI document")
struct OpenAPITests {
    @Test("every registered route is in the OpenAPI document, and the document names no route that does not exist")
    func documentMatchesRoutes() async throws {
        try await withRunningServer { server in
            let registered = Set(BatonRouter.routes(engine: server.engine))
            let documented = OpenAPIDocument.documentedRoutes
            let missing = registered.subtracting(documented).sorted()
            #expect(missing.isEmpty, "routes missing from the OpenAPI document: \(missing)")
            let stale = documented.subtracting(registered).sorted()
            #expect(stale.isEmpty, "documented routes that do not exist: \(stale)")
            #expect(registered.count > 60)
            let routes = BatonRouter.routes(engine: server.engine)
            #expect(routes.count == registered.count, "no route is registered twice")
        }
    }

    @Test("each endpoint is declared once, and a request finds its endpoint by the route it matched, with or without the leading slash")
    func endpointsDeclaredOnce() {
        let routes = Endpoint.all.map(\.route)
        #expect(Set(routes).count == routes.count, "declared twice: \(Dictionary(grouping: routes) { $0 }.filter { $1.count > 1 }.keys)")
        #expect(Endpoint.matching(method: .put, route: "api/workflow/{id}/pause")?.signal == .pause)
        #expect(Endpoint.matching(method: .put, route: "/api/workflow/{id}/pause")?.permission == .operate)
        #expect(Endpoint.matching(method: .get, route: "/api/workflow/{id}/pause") == nil)
        #expect(Endpoint.matching(method: .post, route: nil) == nil)
    }

    @Test("the document is served as OpenAPI 3 JSON, with a browsable page")
    func served() async throws {
        try await withRunningServer { server in
            let reply = try await server.client.get("/api/openapi.json")
            #expect(reply.status == 200)
            let document = try reply.object()
            #expect((document["openapi"] as? String)?.hasPrefix("3.") == true)
            let paths = try #require(document["paths"] as? [String: Any])
            let workflow = try #require(paths["/api/workflow/{id}"] as? [String: Any])
            #expect(Set(workflow.keys) == ["get", "post", "delete"])
            let page = try await server.client.get("/api/docs")
            #expect(page.status == 200)
            #expect(page.text.contains("/api/tasks/poll/{taskType}"))
            #expect(!page.text.contains("<script"))
        }
    }
}
