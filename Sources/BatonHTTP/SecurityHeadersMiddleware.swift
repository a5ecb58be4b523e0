public import Hummingbird
public import HTTPTypes

/// Gives every response the headers that keep a browser from misusing it: no content-type sniffing, no
/// framing by another page (clickjacking), no referrer sent on, and — unless the route set its own — a
/// Content-Security-Policy that lets a page run only the server's own script and style files (no inline
/// script or style, no other origin, no plug-ins).
public struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The policy of the web UI, and of any response whose route did not set one.
    public static var contentSecurityPolicy: String {
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
            + "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    }

    public init() {}

    public func handle(_ request: Request, context: Context,
                       next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.xFrameOptions] = "DENY"
        response.headers[.referrerPolicy] = "no-referrer"
        if response.headers[.contentSecurityPolicy] == nil {
            response.headers[.contentSecurityPolicy] = Self.contentSecurityPolicy
        }
        return response
    }
}

extension HTTPField.Name {
    /// `X-Frame-Options`: whether other pages may show the response in a frame.
    public static let xFrameOptions = Self("X-Frame-Options")!
    /// `Referrer-Policy`: what a browser says about this page when it leaves it.
    public static let referrerPolicy = Self("Referrer-Policy")!
}
