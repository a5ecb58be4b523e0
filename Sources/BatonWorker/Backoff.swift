/// How long a worker host waits before trying again while the server cannot be reached: the delay
/// grows by `multiplier` per consecutive failure up to `maximumDelay`, and a random part (`jitter`)
/// keeps many workers from retrying in lockstep.
public struct Backoff: Sendable, Hashable {
    /// The delay after the first failure.
    public var initialDelay: Duration
    /// The longest delay.
    public var maximumDelay: Duration
    /// How much the delay grows per consecutive failure.
    public var multiplier: Double
    /// The fraction of each delay that is random, from 0 (none) to 1 (anything from zero to the delay).
    public var jitter: Double

    /// Creates a backoff starting at `initialDelay`, doubling up to `maximumDelay`, half of it random.
    public init(initialDelay: Duration = .milliseconds(250), maximumDelay: Duration = .seconds(30),
                multiplier: Double = 2, jitter: Double = 0.5) {
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
        self.multiplier = max(1, multiplier)
        self.jitter = min(1, max(0, jitter))
    }

    /// Returns the delay before the next attempt after `failures` consecutive failures (1 or more).
    public func delay(afterFailures failures: Int, using generator: inout some RandomNumberGenerator) -> Duration {
        let initial = Self.seconds(initialDelay)
        let maximum = Self.seconds(maximumDelay)
        let exponent = Double(max(0, min(failures, 64) - 1))
        let full = min(maximum, initial * pow(multiplier, exponent))
        let random = Double.random(in: 0..<1, using: &generator)
        let seconds = full * (1 - jitter * random)
        return .nanoseconds(Int64((seconds * 1e9).rounded()))
    }

    /// Returns the delay before the next attempt after `failures` consecutive failures, with system randomness.
    public func delay(afterFailures failures: Int) -> Duration {
        var generator = SystemRandomNumberGenerator()
        return delay(afterFailures: failures, using: &generator)
    }

    private static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    private func pow(_ base: Double, _ exponent: Double) -> Double {
        var result = 1.0
        var remaining = Int(exponent)
        while remaining > 0 && result < 1e12 {
            result *= base
            remaining -= 1
        }
        return result
    }
}
