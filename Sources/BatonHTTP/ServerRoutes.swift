import BatonEngine
import Foundation
import Hummingbird
import NIOCore

/// The server's own routes: health, version, metrics, the token exchange and the API document.
struct ServerRoutes {
    let engine: Engine
    let configuration: APIConfiguration

    func register(on router: Router<BatonRequestContext>) {
        router.on(.health) { _, _ in try await health() }
        router.on(.apiHealth) { _, _ in try await health() }
        router.on(.version) { _, _ in JSONResponse.text(BatonRouter.version) }
        router.on(.metrics) { _, _ in
            let text = await configuration.metrics.scrape(engine: engine)
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        router.on(.openAPIDocument) { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"],
                     body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.json)))
        }
        router.on(.openAPIPage) { _, _ in
            // The page has no script and one inline style sheet, which the UI's policy would block.
            Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8",
                                            .contentSecurityPolicy: "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"],
                     body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.html)))
        }
        if let authenticator = configuration.authenticator {
            router.on(.token) { request, context in
                struct Credentials: Decodable {
                    var keyId: String
                    var keySecret: String
                }
                let credentials = try await request.decode(Credentials.self)
                guard let application = authenticator.application(keyId: credentials.keyId,
                                                                  keySecret: credentials.keySecret) else {
                    throw Refusal(.unauthorized, "Unknown key id or wrong secret", code: "INVALID_CREDENTIALS",
                                  error: "INVALID_CREDENTIALS")
                }
                return try JSONResponse.make(["token": authenticator.token(for: application)])
            }
        }
    }

    private func health() async throws -> Response {
        struct Health: Encodable {
            var healthy: Bool
            var message: String?
        }
        do {
            try await engine.checkHealth()
        } catch {
            return try JSONResponse.make(Health(healthy: false, message: "The database cannot be read: \(error.message)"),
                                         status: .serviceUnavailable)
        }
        return try JSONResponse.make(Health(healthy: true))
    }
}
