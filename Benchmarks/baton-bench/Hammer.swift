import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOHTTP1

/// `baton-bench hammer URL`: one request sent back to back by many clients, for profiling one route of a
/// running server (requests/s and latency; nothing written to BENCHMARKS.md).
struct Hammer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hammer", abstract: "Send one request back to back from many clients and print requests/s.")

    @Argument(help: "The URL, e.g. http://127.0.0.1:8080/api/version.") var url: String
    @Option(help: "GET, POST, PUT or DELETE.") var method = "GET"
    @Option(help: "The request body (POST and PUT).") var body: String?
    @Option(help: "Concurrent clients.") var clients = 64
    @Option(help: "Seconds.") var seconds = 5.0

    func run() async throws {
        guard let components = URLComponents(string: url), let host = components.host, let port = components.port
        else { throw ValidationError("Give a URL with a host and a port, e.g. http://127.0.0.1:8080/api/version") }
        let http = Endpoint.client(connections: clients + 8)
        let endpoint = try Endpoint(http: http, baseURL: "\(components.scheme ?? "http")://\(host):\(port)")
        var path = components.percentEncodedPath
        if let query = components.percentEncodedQuery { path += "?" + query }
        let load = Load(endpoint: endpoint)
        let result = await load.requests(HTTPMethod(rawValue: method.uppercased()), path, clients: clients,
                                         duration: .milliseconds(Int(seconds * 1000))) { [body] _, _ in body }
        endpoint.close()
        try await http.shutdown()
        print(String(format: "%@ %@: %.0f requests/s, p50 %.2f ms, p99 %.2f ms, %d errors%@", method, path,
                     result.startsPerSecond, result.start.percentile(0.5) ?? 0, result.start.percentile(0.99) ?? 0,
                     result.errors, result.firstError.map { " (first: \($0))" } ?? ""))
    }
}
