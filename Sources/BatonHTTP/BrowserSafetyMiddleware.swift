import Foundation
public import Hummingbird
public import HTTPTypes

/// Refuses what a hostile web page could make the operator's browser send, which matters most while auth is
/// off (the default), when nothing else stands between such a page and the API:
///
/// - a `Host` that is not one of `allowedHosts` (when some are given): a page on a domain whose name was
///   re-pointed at Baton's address (DNS rebinding) is same-origin in the browser's eyes, and only its host
///   name gives it away (400);
/// - a cross-site request — `Sec-Fetch-Site: cross-site` or `same-site`, or an `Origin` other than the request's
///   own host — unless it is a browser following a link to a page (a GET navigation), which changes nothing
///   (403);
/// - a body on a write that is not `application/json` (`text/plain` is what a page can send without the
///   browser asking first), except on the routes whose body is text (415).
///
/// Clients that are not browsers send neither `Origin` nor `Sec-Fetch-Site`, and those checks leave them
/// alone: conductor-python sends `{}` as `application/json` on every POST, PUT and DELETE, and Baton's SDK and
/// CLI send no body (and no content type) on bodiless signals. Baton's own UI is served by the server it
/// calls, so its requests are same-origin.
public struct BrowserSafetyMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The host names (lowercased, no port) requests may name in `Host`; empty allows any.
    let allowedHosts: Set<String>

    /// Creates the middleware; `allowedHosts` are host names without ports, in any case (none: any host).
    public init(allowedHosts: [String]) {
        self.allowedHosts = Set(allowedHosts.map { $0.lowercased() })
    }

    public func handle(_ request: Request, context: Context,
                       next: (Request, Context) async throws -> Response) async throws -> Response {
        let authority = request.head.authority ?? ""
        if !allowedHosts.isEmpty, !allowedHosts.contains(Self.hostName(of: authority)) {
            throw Refusal.badRequest("Host '\(authority)' is not one this server answers to (--allowed-hosts)")
        }
        let isSafe = request.method == .get || request.method == .head || request.method == .options
        if isCrossSite(request, authority: authority), !(isSafe && request.headers[.secFetchMode] == "navigate") {
            throw HTTPError(.forbidden, message: "Cross-site requests are refused: this request came from a page "
                + "of another site (Origin or Sec-Fetch-Site)")
        }
        if !isSafe, Self.hasBody(request), !Self.isJSON(request.headers[.contentType]),
           Endpoint.matching(method: request.method, route: context.endpointPath)?.body != .text {
            throw HTTPError(.unsupportedMediaType, message: "A request body must be JSON, sent with Content-Type: "
                + "application/json (not '\(request.headers[.contentType] ?? "none")')")
        }
        return try await next(request, context)
    }

    /// Whether a browser says the request comes from another site than the one it is sent to. `Sec-Fetch-Site`,
    /// which a page cannot set, settles it when present (it holds behind a proxy that rewrites `Host`); else
    /// an `Origin` must name the address the request was sent to (`Host`, or the `X-Forwarded-Host` a proxy
    /// adds).
    private func isCrossSite(_ request: Request, authority: String) -> Bool {
        if let site = request.headers[.secFetchSite] { return site != "same-origin" && site != "none" }
        guard let origin = request.headers[.origin] else { return false }
        guard let separator = origin.range(of: "://") else { return true }  // "null", from a sandboxed page or file
        let originAuthority = origin[separator.upperBound...].lowercased()
        return originAuthority != authority.lowercased()
            && originAuthority != request.headers[.xForwardedHost]?.lowercased()
    }

    /// The host name of a `Host` value: `example.com:8080` → `example.com`, `[::1]:8080` → `[::1]`.
    static func hostName(of authority: String) -> String {
        let lowercased = authority.lowercased()
        if lowercased.hasPrefix("["), let end = lowercased.firstIndex(of: "]") {
            return String(lowercased[...end])
        }
        return String(lowercased.prefix { $0 != ":" })
    }

    /// Whether a request carries a body (a length above zero, or a chunked one).
    private static func hasBody(_ request: Request) -> Bool {
        if let length = request.headers[.contentLength] { return length != "0" }
        return request.headers[.transferEncoding] != nil
    }

    /// Whether a `Content-Type` value is JSON: `application/json`, with parameters or not.
    private static func isJSON(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        let mediaType = contentType.prefix { $0 != ";" }.trimmingCharacters(in: .whitespaces).lowercased()
        return mediaType == "application/json"
    }
}

extension HTTPField.Name {
    /// `Sec-Fetch-Site`: where a browser's request comes from (`same-origin`, `same-site`, `cross-site`, `none`).
    public static let secFetchSite = Self("Sec-Fetch-Site")!
    /// `Sec-Fetch-Mode`: how a browser sends a request (`navigate` when it follows a link or submits a form).
    public static let secFetchMode = Self("Sec-Fetch-Mode")!
    /// `X-Forwarded-Host`: the `Host` a client sent to the proxy in front of the server.
    public static let xForwardedHost = Self("X-Forwarded-Host")!
}
