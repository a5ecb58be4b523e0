import Foundation

/// Runs blocking `work` on a new thread of its own and returns its result, leaving the threads of the Swift
/// concurrency pool — which every in-process server of the test run shares — free meanwhile.
public func onOwnThread<Result: Sendable>(_ work: @escaping @Sendable () -> Result) async -> Result {
    await withCheckedContinuation { continuation in
        Thread { continuation.resume(returning: work()) }.start()
    }
}
