import BatonHTTP
import BatonModel
import BatonServer
import BatonTesting
import Foundation
import GRDB
import NIOHTTP1
import Testing

/// Issue #20's findings 6, 7, 9 and 10: what a hostile web page, a hostile client or hostile input could do.
@Suite("Security: hostile input and connections")
struct HostileInputTests {
    /// The bulk terminate a hostile page would aim at.
    private static let terminate = "/api/workflow/bulk/terminate?reason=csrf"

    @Test("a cross-site write (Origin of another site, or Sec-Fetch-Site: cross-site) is a 403 and changes nothing")
    func crossSiteWrite() async throws {
        try await withRunningServer { server in
            try await server.registerChain("flow", refs: ["a"])
            let id = try await server.start("flow")
            let body = #"["\#(id)"]"#
            for headers in [[("Origin", "http://evil.example")], [("Sec-Fetch-Site", "cross-site")],
                            [("Origin", "null")], [("Sec-Fetch-Site", "same-site"), ("Sec-Fetch-Mode", "cors")]] {
                let reply = try await server.client.send(.POST, Self.terminate, body: body, headers: headers)
                #expect(reply.status == 403, "\(headers): \(reply.text)")
                #expect(try reply.object()["status"] as? Int == 403)
            }
            let pause = try await server.client.send(.PUT, "/api/workflow/\(id)/pause", headers: [("Origin", "http://evil.example")])
            #expect(pause.status == 403)
            // A cross-site GET that is not a navigation (a script's fetch, an <img>) is refused too: a poll hands out a task.
            let poll = try await server.client.send(.GET, "/api/tasks/poll/work", headers: [("Sec-Fetch-Site", "cross-site"),
                                                                                           ("Sec-Fetch-Mode", "no-cors")])
            #expect(poll.status == 403)
            let workflow = try await server.workflow(id)
            #expect(workflow.status == .running)
            #expect(workflow.tasks.first?.status == .scheduled)

            // Following a link from another site to the UI, and the UI's own same-origin calls, work.
            let link = try await server.client.send(.GET, "/", headers: [("Sec-Fetch-Site", "cross-site"), ("Sec-Fetch-Mode", "navigate")])
            #expect(link.status == 200)
            let sameOrigin = [("Origin", server.baseURL), ("Sec-Fetch-Site", "same-origin")]
            #expect(try await server.client.send(.PUT, "/api/workflow/\(id)/pause", headers: sameOrigin).status == 200)
            #expect(try await server.client.send(.POST, Self.terminate, body: body, headers: sameOrigin).status == 200)
            #expect(try await server.workflow(id).status == .terminated)
        }
    }

    @Test("a write whose body is not JSON (text/plain, a form) is a 415 and changes nothing; bodiless signals need no type")
    func nonJSONBody() async throws {
        try await withRunningServer { server in
            try await server.registerChain("flow", refs: ["a"])
            let id = try await server.start("flow")
            for type in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"] {
                let reply = try await server.client.send(.POST, Self.terminate, body: #"["\#(id)"]"#, contentType: type)
                #expect(reply.status == 415, "\(type): \(reply.text)")
                #expect((try reply.object()["message"] as? String ?? "").contains("application/json"))
            }
            #expect(try await server.workflow(id).status == .running)
            // What Baton's SDK and CLI send for a bodiless signal (no body, no content type), and what
            // conductor-python sends ({} as JSON, with a charset or not).
            #expect(try await server.client.send(.PUT, "/api/workflow/\(id)/pause").status == 200)
            let resume = try await server.client.send(.PUT, "/api/workflow/\(id)/resume", body: "{}",
                                                      contentType: "application/json; charset=utf-8")
            #expect(resume.status == 200, "\(resume.text)")
            // A task's log line is text, as Baton's SDK sends it.
            let task = try #require(try await server.poll("work"))
            let log = try await server.client.send(.POST, "/api/tasks/\(task.taskId)/log", body: "step one", contentType: "text/plain")
            #expect(log.status == 200, "\(log.text)")
        }
    }

    @Test("a Host outside the allowed hosts is refused (DNS rebinding); on loopback only the loopback names are allowed by default")
    func allowedHosts() async throws {
        try await withRunningServer(configure: { $0.allowedHosts = ["baton.internal"] }) { server in
            for (host, status) in [("baton.internal:8080", 200), ("BATON.internal", 200), ("rebound.evil.example:8080", 400),
                                   ("127.0.0.1", 400)] {
                let reply = try await Self.health(server, host: host)
                #expect(reply.hasPrefix("HTTP/1.1 \(status)"), "\(host): \(reply)")
            }
        }
        try await withRunningServer { server in
            for (host, status) in [("localhost:8080", 200), ("127.0.0.1", 200), ("[::1]:8080", 200),
                                   ("rebound.evil.example:8080", 400)] {
                let reply = try await Self.health(server, host: host)
                #expect(reply.hasPrefix("HTTP/1.1 \(status)"), "\(host): \(reply)")
            }
        }
    }

    /// The status line of `GET /health` sent with `Host: host`.
    private static func health(_ server: RunningServer, host: String) async throws -> String {
        let connection = try RawConnection(to: server.baseURL)
        await connection.send("GET /health HTTP/1.1\r\nHost: \(host)\r\nConnection: close\r\n\r\n")
        // Up to 30 s: a server starting beside the whole suite on two cores can be that slow to answer.
        await connection.receive(until: { $0.contains("\r\n\r\n") }, timeout: .seconds(30))
        return String(connection.text.prefix { $0 != "\r" })
    }

    @Test("the UI's responses carry a CSP without inline script or style, frame-ancestors none, nosniff and a referrer policy")
    func securityHeaders() async throws {
        try await withRunningServer { server in
            for path in ["/", "/index.html", "/js/core.js", "/styles.css", "/api/workflow/search", "/api/nothing-here"] {
                let reply = try await server.client.get(path)
                let policy = reply.headers.first(name: "Content-Security-Policy") ?? ""
                #expect(policy.contains("script-src 'self'") && policy.contains("style-src 'self'"), "\(path): \(policy)")
                #expect(policy.contains("frame-ancestors 'none'") && !policy.contains("unsafe-inline"), "\(path)")
                #expect(reply.headers.first(name: "X-Frame-Options") == "DENY", "\(path)")
                #expect(reply.headers.first(name: "X-Content-Type-Options") == "nosniff", "\(path)")
                #expect(reply.headers.first(name: "Referrer-Policy") == "no-referrer", "\(path)")
            }
            // The page itself has no inline script or style for that policy to block.
            let page = try await server.client.get("/").text
            #expect(page.components(separatedBy: "<script").dropFirst().allSatisfy { $0.hasPrefix(" src=") }, "\(page)")
            #expect(!page.contains("<style") && !page.contains("style="), "\(page)")
            #expect(page.range(of: #"\son[a-z]+="#, options: .regularExpression) == nil, "an inline event handler")
            let docs = try await server.client.get("/api/docs")
            #expect(docs.headers.first(name: "Content-Security-Policy")?.hasPrefix("default-src 'none'") == true)
        }
    }

    @Test("idle connections are closed after the idle timeout; beyond the connection limit one gets a 503 at once; /health answers")
    func idleConnectionsAndLimit() async throws {
        try await withRunningServer(configure: {
            $0.idleTimeout = .seconds(20)  // long enough that no connection of the test goes idle before it is meant to, under load too
            $0.maximumConnections = 4
        }) { server in
            // Generous waits: a server starting beside the whole suite on two cores answered its first /health after 5 s.
            let first = try RawConnection(to: server.baseURL)
            let healthRequest = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
            await first.send(healthRequest)
            #expect(await first.receive(until: { $0.contains(#"{"healthy":true}"#) }, timeout: .seconds(30)))
            // Three more connections, each answered once (so the server has surely counted it), then left idle.
            let idle = try (0..<3).map { _ in try RawConnection(to: server.baseURL) }
            for connection in idle {
                await connection.send(healthRequest)
                #expect(await connection.receive(until: { $0.contains(#"{"healthy":true}"#) }, timeout: .seconds(30)))
            }
            let beyond = try RawConnection(to: server.baseURL)
            #expect(await beyond.waitForClose(timeout: .seconds(20)), "the connection beyond the limit stayed open")
            #expect(beyond.text.hasPrefix("HTTP/1.1 503"), "\(beyond.text)")
            #expect(beyond.text.contains(#""retryable":true"#))
            // The connections within the limit are served.
            await first.send(healthRequest)
            #expect(await first.receive(until: { $0.components(separatedBy: "HTTP/1.1 200").count == 3 }, timeout: .seconds(30)))
            // The idle ones are closed once the idle timeout has passed, which frees their places.
            for connection in idle + [first] {
                #expect(await connection.waitForClose(timeout: .seconds(40)), "an idle connection stayed open")
            }
            #expect(try await server.client.get("/health").status == 200)
        }
    }

    @Test("a request head sent slowly is cut at the idle timeout")
    func slowHead() async throws {
        try await withRunningServer(configure: { $0.idleTimeout = .seconds(4) }) { server in
            let slowHead = try RawConnection(to: server.baseURL)
            for piece in ["GET /health HTTP/1.1\r\n"] + (0..<20).map({ "X-Slow-\($0): 1\r\n" }) + ["\r\n"] {
                guard await slowHead.send(piece) else { break }
                try await Task.sleep(for: .milliseconds(250))
                await slowHead.receive(until: { _ in false }, timeout: .milliseconds(1))
                if slowHead.isClosed { break }
            }
            let headCut = slowHead.isClosed ? true : await slowHead.waitForClose(timeout: .seconds(3))
            #expect(headCut, "the slow head was not cut")
            #expect(!slowHead.text.contains("200 OK"), "\(slowHead.text)")
        }
    }

    @Test("a body sent slowly gets 408 at the body timeout and is cut")
    func slowBody() async throws {
        try await withRunningServer(configure: {
            // An idle timer far longer than the body's, so that on a machine busy with other suites the connection
            // is not closed as idle before its body's own bound is met.
            $0.idleTimeout = .seconds(60)
            $0.requestLimits.bodyReadTimeout = .seconds(1)
        }) { server in
            let slowBody = try RawConnection(to: server.baseURL)
            await slowBody.send("POST /api/metadata/taskdefs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: 100\r\n\r\n[{\"name\":")
            for _ in 0..<75 where !slowBody.isClosed && !slowBody.text.contains("408") {
                await slowBody.send(" ")  // every 0.4 s: the body's whole time passes before it is complete
                await slowBody.receive(until: { $0.contains("408") }, timeout: .milliseconds(400))
            }
            #expect(slowBody.text.hasPrefix("HTTP/1.1 408"), "\(slowBody.text)")
            #expect(await slowBody.waitForClose(timeout: .seconds(10)))
            #expect(try await server.client.get("/api/metadata/taskdefs").text == "[]")
        }
    }

    @Test("after a 413 the server closes the connection rather than reading the rest of the body")
    func closeAfterTooLarge() async throws {
        try await withRunningServer(configure: {
            $0.requestLimits.maximumBodySize = 1024
            $0.requestLimits.bodyReadTimeout = .seconds(1)
        }) { server in
            let connection = try RawConnection(to: server.baseURL)
            await connection.send("POST /api/metadata/taskdefs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: 100000000\r\n\r\n[")
            // The 413 comes once the server has waited two seconds for the rest of the body.
            #expect(await connection.receive(until: { $0.contains("maximumBodySize") }, timeout: .seconds(15)), "\(connection.text)")
            #expect(connection.text.hasPrefix("HTTP/1.1 413"))
            // The client goes on sending its body; within a few seconds the server has closed the connection.
            let chunk = String(repeating: " ", count: 16 * 1024)
            let start = ContinuousClock.now
            while ContinuousClock.now - start < .seconds(5), await connection.send(chunk) {
                await connection.receive(until: { _ in false }, timeout: .milliseconds(20))
                if connection.isClosed { break }
            }
            let closed = connection.isClosed ? true : await connection.waitForClose(timeout: .seconds(1))
            #expect(closed, "the connection stayed open")
            #expect(ContinuousClock.now - start < .seconds(5))
            // A body over the limit without a declared length (chunked) is read to its end before the 413, and the
            // connection serves on; one that does not end is cut at the body timeout.
            let chunked = try RawConnection(to: server.baseURL)
            let head = "POST /api/metadata/taskdefs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n"
            await chunked.send(head + "4000\r\n" + chunk + "\r\n0\r\n\r\n")
            #expect(await chunked.receive(until: { $0.contains("maximumBodySize") }, timeout: .seconds(5)), "\(chunked.text)")
            await chunked.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            #expect(await chunked.receive(until: { $0.contains(#"{"healthy":true}"#) }, timeout: .seconds(5)), "\(chunked.text)")
            let endless = try RawConnection(to: server.baseURL)
            await endless.send(head + "4000\r\n" + chunk + "\r\n")
            #expect(await endless.waitForClose(timeout: .seconds(5)))
            #expect(endless.text.hasPrefix("HTTP/1.1 408"), "\(endless.text)")
        }
    }

    @Test("freeText or STARTS_WITH of 60,000 characters (past SQLite's LIKE limit) is a 400 naming the limit, without any SQL")
    func longSearchText() async throws {
        try await withRunningServer { server in
            try await server.registerChain("flow", refs: ["a"])
            _ = try await server.start("flow")  // with no row to match, SQLite never evaluates the pattern
            let long = String(repeating: "a", count: 60_000)
            for query in ["freeText=\(long)", "query=workflowId%20STARTS_WITH%20\(long)"] {
                let reply = try await server.client.get("/api/workflow/search?\(query)")
                #expect(reply.status == 400, "\(reply.text.prefix(300))")
                let message = try reply.object()["message"] as? String ?? ""
                #expect(message.contains("8192") && message.contains("maximumTextLength"), "\(message.prefix(300))")
                #expect(!reply.text.contains("SELECT") && !reply.text.contains("LIKE"))
            }
            #expect(try await server.client.get("/api/workflow/search?freeText=\(String(repeating: "a", count: 8000))").status == 200)
        }
    }

    @Test("an internal error's body says nothing of its cause and no error body names the host; instance is the request id")
    func internalErrorBody() async throws {
        try await withRunningServer { server in
            try await server.registerChain("flow", refs: ["a"])
            _ = try await server.start("flow")
            let task = try #require(try await server.poll("work"))
            // Break the database under the running server: reading a task's log now fails inside SQLite.
            let intruder = try DatabaseQueue(path: server.database)
            try await intruder.write { db in try db.execute(sql: "DROP TABLE task_logs") }
            try intruder.close()
            let reply = try await server.client.get("/api/tasks/\(task.taskId)/log")
            #expect(reply.status == 500, "\(reply.text)")
            let requestID = try #require(reply.headers.first(name: "X-Request-Id"))
            let body = try reply.object()
            #expect(body["instance"] as? String == requestID)
            #expect(body["message"] as? String == "Internal server error: the server's log has its cause under request id \(requestID)")
            for leak in ["task_logs", "SELECT", "SQLite", "no such table", ProcessInfo.processInfo.hostName] {
                #expect(!reply.text.contains(leak), "the body names '\(leak)': \(reply.text)")
            }
            let missing = try await server.client.get("/api/workflow/no-such-id")
            #expect(missing.status == 404)
            #expect(try missing.object()["instance"] as? String == missing.headers.first(name: "X-Request-Id"))
            #expect(!missing.text.contains(ProcessInfo.processInfo.hostName))
        }
    }

    @Test("a NUL character in a workflow name or an idempotency key is a 400, and nothing is stored")
    func nulCharacters() async throws {
        try await withRunningServer { server in
            let definition = #"{"name":"evil\u0000name","version":1,"tasks":[{"name":"work","taskReferenceName":"a"}]}"#
            let register = try await server.client.send(.POST, "/api/metadata/workflow", body: definition)
            #expect(register.status == 400, "\(register.text)")
            #expect((try register.object()["message"] as? String ?? "").contains("NUL"))
            #expect(try await server.client.get("/api/metadata/workflow/names").text == "[]")

            try await server.registerChain("flow", refs: ["a"])
            let start = #"{"name":"flow","idempotencyKey":"key\u0000","idempotencyStrategy":"RETURN_EXISTING"}"#
            for _ in 0..<2 {
                let reply = try await server.client.send(.POST, "/api/workflow", body: start)
                #expect(reply.status == 400, "\(reply.text)")
            }
            #expect(try await server.client.send(.POST, "/api/workflow/ev%00il", body: "{}").status == 400)
            let search = try await server.client.get("/api/workflow/search").decode(SearchResult<WorkflowSummary>.self)
            #expect(search.totalHits == 0)
            // An escaped backslash before u0000 is text, not a NUL.
            let text = try await server.client.send(.POST, "/api/workflow/flow", body: #"{"path":"C:\\u0000"}"#)
            #expect(text.status == 200, "\(text.text)")
        }
    }

    @Test("a number beyond a double's range (1e999999) is a 400, not stored as null")
    func outOfRangeNumber() async throws {
        try await withRunningServer { server in
            try await server.registerChain("flow", refs: ["a"])
            for number in ["1e999999", "-1e999999", "1" + String(repeating: "0", count: 400)] {
                let reply = try await server.client.send(.POST, "/api/workflow/flow", body: #"{"x":\#(number)}"#)
                #expect(reply.status == 400, "\(number.prefix(20)): \(reply.text)")
                #expect((try reply.object()["message"] as? String ?? "").contains("range"))
            }
            let search = try await server.client.get("/api/workflow/search").decode(SearchResult<WorkflowSummary>.self)
            #expect(search.totalHits == 0)
            #expect(try await server.client.send(.POST, "/api/workflow/flow", body: #"{"x":1e300,"y":-2.5E-3}"#).status == 200)
        }
    }

    @Test("a token whose signature has an extra '=' (or any other spelling of the same bytes) is a 401")
    func nonCanonicalToken() async throws {
        try await AuthFixtures.withAuthServer { server in
            let token = try await server.token("admin")
            #expect(try await server.send(.GET, "/api/metadata/taskdefs", as: token).status == 200)
            for altered in [token + "=", token + "==", token.replacingOccurrences(of: "v1.", with: "v1.=")] {
                let reply = try await server.send(.GET, "/api/metadata/taskdefs", as: altered)
                #expect(reply.status == 401, "\(altered)")
            }
        }
    }
}
