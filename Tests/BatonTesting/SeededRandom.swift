import Foundation
import Synchronization

/// Random numbers for tests that a run can repeat: the seed comes from `BATON_TEST_SEED` when set, else from the
/// system, and is printed, so that a failing run's kill times and pauses can be replayed.
public final class SeededRandom: Sendable {
    /// The seed this generator started from.
    public let seed: UInt64
    private let state: Mutex<UInt64>

    /// Creates a generator for `test`, printing the seed it uses.
    public init(for test: String) {
        let given = ProcessInfo.processInfo.environment["BATON_TEST_SEED"].flatMap { UInt64($0) }
        seed = given ?? UInt64.random(in: 1...UInt64.max)
        state = Mutex(seed)
        print("\(test): random seed \(seed) (set BATON_TEST_SEED=\(seed) to repeat)")
    }

    /// A number in `range`, from the next SplitMix64 step.
    public func next(in range: ClosedRange<Int>) -> Int {
        let value = state.withLock { state -> UInt64 in
            state &+= 0x9E37_79B9_7F4A_7C15
            var mixed = state
            mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
            mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
            return mixed ^ (mixed >> 31)
        }
        let width = UInt64(range.upperBound - range.lowerBound) + 1
        return range.lowerBound + Int(value % width)
    }
}
