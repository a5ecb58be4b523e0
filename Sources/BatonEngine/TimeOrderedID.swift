import Foundation
import Synchronization

/// Makes the ids of workflows and tasks: version 7 UUIDs (RFC 9562), lower-case like Conductor's.
///
/// Their first 48 bits are the Unix time in milliseconds and the next 12 a counter, so ids made later sort
/// after ids made earlier. The store's indexes on ids then grow at their right edge, where one commit's new
/// rows share pages, instead of touching a random page per row as random UUIDs do.
public final class TimeOrderedID: Sendable {
    private struct State {
        var millisecond: UInt64 = 0
        var counter: UInt16 = 0
    }

    private let state = Mutex(State())

    /// The process's generator, which engines use unless given another.
    public static let standard = TimeOrderedID()

    public init() {}

    /// A new id, greater than every id this generator made before.
    public func make() -> String {
        let now = UInt64(max(0, Date().timeIntervalSince1970 * 1000))
        let (millisecond, counter) = state.withLock { state -> (UInt64, UInt16) in
            if now > state.millisecond {
                state.millisecond = now
                state.counter = UInt16.random(in: 0..<0x400)  // leaves room to count up within the millisecond
            } else if state.counter < 0xFFF {
                state.counter += 1
            } else {
                state.millisecond += 1  // 4,096 ids in one millisecond: borrow the next one
                state.counter = 0
            }
            return (state.millisecond, state.counter)
        }
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in 0..<6 { bytes[index] = UInt8(truncatingIfNeeded: millisecond >> (40 - 8 * index)) }
        bytes[6] = 0x70 | UInt8(counter >> 8)
        bytes[7] = UInt8(truncatingIfNeeded: counter)
        var random = SystemRandomNumberGenerator()
        let tail = random.next() as UInt64
        for index in 8..<16 { bytes[index] = UInt8(truncatingIfNeeded: tail >> (8 * (15 - index))) }
        bytes[8] = 0x80 | (bytes[8] & 0x3F)
        return Self.format(bytes)
    }

    private static let digits = Array("0123456789abcdef".utf8)

    /// `bytes` as `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`.
    private static func format(_ bytes: [UInt8]) -> String {
        String(unsafeUninitializedCapacity: 36) { buffer in
            var position = 0
            for (index, byte) in bytes.enumerated() {
                if index == 4 || index == 6 || index == 8 || index == 10 {
                    buffer[position] = UInt8(ascii: "-")
                    position += 1
                }
                buffer[position] = digits[Int(byte >> 4)]
                buffer[position + 1] = digits[Int(byte & 0x0F)]
                position += 2
            }
            return position
        }
    }
}
