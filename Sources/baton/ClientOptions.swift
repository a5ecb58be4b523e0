import ArgumentParser
import BatonClient
import BatonModel
import Foundation

/// The options every client command takes: which server, which key, and whether to print JSON.
struct ClientOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The server's URL (default $BATON_SERVER_URL, else http://localhost:8080).",
                               valueName: "url"))
    var server: String?

    @Option(help: ArgumentHelp("An API key, sent as X-Authorization (default $BATON_API_KEY).", valueName: "key"))
    var apiKey: String?

    @Flag(help: "Print the server's answer as JSON instead of text.")
    var json = false

    /// The server URL from the flag, the environment or the default.
    var serverURL: String {
        if let server, !server.isEmpty { return server }
        if let url = ProcessInfo.processInfo.environment["BATON_SERVER_URL"], !url.isEmpty { return url }
        return "http://localhost:8080"
    }

    func validate() throws {
        guard let url = URL(string: serverURL), let scheme = url.scheme, ["http", "https"].contains(scheme),
              url.host != nil else {
            throw ValidationError("--server must be an http(s) URL such as http://localhost:8080, not '\(serverURL)'")
        }
    }

    /// Runs `body` with a client of the server, shutting it down afterwards; a server that does not answer is
    /// an `UnreachableError` naming it.
    func withClient<Result: Sendable>(_ body: (BatonClient) async throws -> Result) async throws -> Result {
        let key = apiKey ?? ProcessInfo.processInfo.environment["BATON_API_KEY"]
        do {
            return try await withBatonClient(baseURL: serverURL, apiKey: key,
                                             configuration: .init(requestTimeout: .seconds(30), connectTimeout: .seconds(5)),
                                             body)
        } catch let error as ClientError where error.isUnreachable {
            throw UnreachableError(server: serverURL, reason: error.message)
        }
    }
}

/// Reading JSON arguments and printing answers.
enum CLI {
    /// Parses a JSON object given inline or as `@file`; a usage error when it is not one.
    static func jsonObject(_ text: String, option: String) throws -> JSONObject {
        let source = try contents(text, option: option)
        do {
            return try JSONObject(parsingObject: source)
        } catch {
            throw ValidationError("\(option) must be a JSON object (or @file holding one): \(error)")
        }
    }

    /// The text of `argument`, read from a file when it starts with `@`.
    static func contents(_ argument: String, option: String) throws -> String {
        guard argument.hasPrefix("@") else { return argument }
        return try readFile(String(argument.dropFirst()), what: option)
    }

    /// The text of the file at `path`; a usage error when it cannot be read.
    static func readFile(_ path: String, what: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError("Cannot read \(what) file '\(path)'")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// Prints `value` as indented JSON with sorted keys.
    static func printJSON(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    /// An epoch-millis instant as ISO-8601 UTC, or `-` for 0.
    static func time(_ millis: Int64) -> String {
        millis > 0 ? ISOTime.string(fromMillis: millis) : "-"
    }

    /// Prints `rows` as columns under `headers`.
    static func printTable(_ headers: [String], _ rows: [[String]], indent: String = "") {
        var widths = headers.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.count)
            }
        }
        func line(_ cells: [String]) -> String {
            let padded = cells.enumerated().map { index, cell in
                index == cells.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }
            let text = indent + padded.joined(separator: "  ")
            return String(text.reversed().drop { $0 == " " }.reversed())
        }
        print(line(headers))
        for row in rows { print(line(row)) }
    }

    /// Applies a signal to one id (single endpoint) or several (bulk endpoint), prints the outcome, and
    /// throws a refusal when any id failed.
    static func signal(_ ids: [String], options: ClientOptions, done verb: String,
                       single: @escaping @Sendable (BatonClient, String) async throws -> Void,
                       bulk: @escaping @Sendable (BatonClient, [String]) async throws -> BulkResponse) async throws {
        let response: BulkResponse = try await options.withClient { client in
            if ids.count == 1 {
                try await single(client, ids[0])
                return BulkResponse(bulkSuccessfulResults: ids)
            }
            return try await bulk(client, ids)
        }
        if options.json {
            try printJSON(response)
        } else {
            for id in response.bulkSuccessfulResults { print("\(verb) \(id)") }
        }
        guard response.bulkErrorResults.isEmpty else {
            let lines = response.bulkErrorResults.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }
            throw RefusedError(message: "The server refused \(lines.count) of \(ids.count):\n"
                + lines.joined(separator: "\n"))
        }
    }
}
