import Foundation
import NIOPosix
#if canImport(Glibc)
import Glibc
#endif

/// The addresses HTTP tasks may call. A definition's HTTP task runs from inside the server's network, so by
/// default it may not reach the server's own host (loopback) or link-local addresses (cloud metadata services,
/// `169.254.169.254`); `allowed` ranges are exempt from `denied` ones. A host name is resolved and refused
/// when any of its addresses is.
public struct HTTPTargetPolicy: Sendable, Hashable {
    /// Ranges no HTTP task may call, unless `allowed` holds them.
    public var denied: [AddressRange]
    /// Ranges exempt from `denied`.
    public var allowed: [AddressRange]

    /// Loopback and link-local addresses, IPv4 and IPv6.
    public static let defaultDenied: [AddressRange] = ["127.0.0.0/8", "::1/128", "169.254.0.0/16", "fe80::/10", "0.0.0.0/32",
                                                      "::/128"].compactMap(AddressRange.init)

    /// Every address but loopback and link-local ones.
    public static let standard = HTTPTargetPolicy(denied: defaultDenied, allowed: [])
    /// Every address (for tests that call back into the server).
    public static let unrestricted = HTTPTargetPolicy(denied: [], allowed: [])

    public init(denied: [AddressRange], allowed: [AddressRange]) {
        self.denied = denied
        self.allowed = allowed
    }

    /// Why a call to `host` is refused, nil when it may be made.
    func refusal(forHost host: String) async -> String? {
        guard !denied.isEmpty else { return nil }
        let name = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        let addresses: [IPAddress]
        if let literal = IPAddress(name) {
            addresses = [literal]
        } else {
            do {
                addresses = try await NIOThreadPool.singleton.runIfActive { try IPAddress.resolve(name) }
            } catch {
                return "cannot resolve '\(name)': \(error)"
            }
        }
        for address in addresses where isDenied(address) {
            return "'\(name)' is \(address), which HTTP tasks may not call (loopback and link-local addresses are refused "
                + "unless the server's --http-task-allow names them)"
        }
        return nil
    }

    func isDenied(_ address: IPAddress) -> Bool {
        denied.contains { $0.contains(address) } && !allowed.contains { $0.contains(address) }
    }
}

/// An IPv4 or IPv6 address, as its bytes.
public struct IPAddress: Sendable, Hashable, CustomStringConvertible {
    /// 4 bytes for IPv4, 16 for IPv6.
    public let bytes: [UInt8]

    /// Parses a textual address; nil when `text` is none.
    public init?(_ text: String) {
        var v4 = in_addr()
        var v6 = in6_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            bytes = withUnsafeBytes(of: &v4) { Array($0) }
        } else if inet_pton(AF_INET6, text, &v6) == 1 {
            let raw = withUnsafeBytes(of: &v6) { Array($0) }
            // An IPv4-mapped address (::ffff:a.b.c.d) is that IPv4 address.
            bytes = raw.prefix(12) == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff] ? Array(raw.suffix(4)) : raw
        } else {
            return nil
        }
    }

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    public var description: String {
        if bytes.count == 4 { return bytes.map(String.init).joined(separator: ".") }
        return stride(from: 0, to: bytes.count, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
            .joined(separator: ":")
    }

    /// Every address `host` resolves to (blocking: run off the cooperative pool).
    static func resolve(_ host: String) throws -> [IPAddress] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &list)
        guard status == 0 else { throw ResolutionError(message: String(cString: gai_strerror(status))) }
        defer { freeaddrinfo(list) }
        var addresses: [IPAddress] = []
        var entry = list
        while let info = entry?.pointee {
            if info.ai_family == AF_INET, let raw = info.ai_addr {
                let address = raw.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr }
                addresses.append(IPAddress(bytes: withUnsafeBytes(of: address) { Array($0) }))
            } else if info.ai_family == AF_INET6, let raw = info.ai_addr {
                let address = raw.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_addr }
                var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
                var copy = address
                if inet_ntop(AF_INET6, &copy, &text, socklen_t(text.count)) != nil,
                   let parsed = IPAddress(String(decoding: text.prefix { $0 != 0 }.map(UInt8.init(bitPattern:)), as: UTF8.self)) {
                    addresses.append(parsed)
                }
            }
            entry = info.ai_next
        }
        return addresses
    }

    struct ResolutionError: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }
}

/// A range of addresses in CIDR notation (`10.0.0.0/8`, `fe80::/10`, or one address).
public struct AddressRange: Sendable, Hashable, CustomStringConvertible {
    let network: IPAddress
    let prefixLength: Int

    /// Parses `ADDRESS/LENGTH` or a single address; nil when malformed.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1).map(String.init)
        guard let first = parts.first, let address = IPAddress(first) else { return nil }
        let bits = address.bytes.count * 8
        // An IPv4-mapped IPv6 range given as ::ffff:a.b.c.d/N counts its prefix over 128 bits.
        let mapped = first.contains(":") && address.bytes.count == 4
        guard var length = parts.count == 2 ? Int(parts[1]) : (mapped ? 128 : bits) else { return nil }
        if mapped { length -= 96 }
        guard (0...bits).contains(length) else { return nil }
        network = address
        prefixLength = length
    }

    /// Whether `address` lies in this range.
    public func contains(_ address: IPAddress) -> Bool {
        guard address.bytes.count == network.bytes.count else { return false }
        var remaining = prefixLength
        for (candidate, base) in zip(address.bytes, network.bytes) where remaining > 0 {
            let mask: UInt8 = remaining >= 8 ? 0xff : ~(0xff >> UInt8(remaining))
            if candidate & mask != base & mask { return false }
            remaining -= 8
        }
        return true
    }

    public var description: String { "\(network)/\(prefixLength)" }
}
