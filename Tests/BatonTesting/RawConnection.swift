import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A plain TCP connection to a test server, for what an HTTP client library will not do: keep a connection
/// idle, send a request's head a few bytes at a time, or go on sending a body the server has refused. Reads
/// and writes never block the calling thread (the in-process server's handlers share the test's threads).
public final class RawConnection {
    private let descriptor: Int32
    /// Everything the server has sent so far.
    public private(set) var received = Data()
    /// Whether the server has closed the connection (or reset it).
    public private(set) var isClosed = false

    /// Opens a connection to the server at `baseURL` (`http://127.0.0.1:PORT`).
    public init(to baseURL: String) throws {
        guard let port = URL(string: baseURL)?.port else { throw TestHarnessError("No port in \(baseURL)") }
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw TestHarnessError("socket() failed: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            close(descriptor)
            throw TestHarnessError("connect() failed: errno \(errno)")
        }
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
    }

    deinit {
        close(descriptor)
    }

    /// Sends `text`; returns false when the server has closed the connection (nothing more can be sent).
    @discardableResult
    public func send(_ text: String) async -> Bool {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written > 0 {
                bytes = bytes.dropFirst(written)
            } else if written < 0, errno == EAGAIN || errno == EWOULDBLOCK {
                try? await Task.sleep(for: .milliseconds(5))
            } else {
                isClosed = true
                return false
            }
        }
        return true
    }

    /// Reads what the server sends until `condition` holds of what was received, the connection closes, or
    /// `timeout` passes; returns whether `condition` held.
    @discardableResult
    public func receive(until condition: (String) -> Bool, timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while !condition(String(decoding: received, as: UTF8.self)) {
            guard !isClosed, ContinuousClock.now < deadline else { return false }
            readAvailable()
            if !isClosed { try? await Task.sleep(for: .milliseconds(10)) }
        }
        return true
    }

    /// Waits up to `timeout` for the server to close the connection; returns whether it did.
    public func waitForClose(timeout: Duration) async -> Bool {
        await receive(until: { _ in isClosed }, timeout: timeout) || isClosed
    }

    /// What the server sent, as text.
    public var text: String { String(decoding: received, as: UTF8.self) }

    private func readAvailable() {
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                received.append(contentsOf: buffer[0..<count])
            } else if count < 0, errno == EAGAIN || errno == EWOULDBLOCK {
                return
            } else {
                isClosed = true  // end of stream, or a reset
                return
            }
        }
    }
}
