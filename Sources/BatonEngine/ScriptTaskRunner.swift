public import BatonDecider
import BatonModel
public import ServiceLifecycle

/// Baton's own worker for script tasks (INLINE, JSON_JQ_TRANSFORM, JavaScript SWITCH and DO_WHILE
/// conditions): it polls the script queue like any worker, evaluates each script on a thread of its own
/// (never on the Swift concurrency pool, never inside a write transaction), and records the outcome as an
/// ordinary task update. At most `concurrency` scripts run at once; the evaluator's limits stop each one.
public struct ScriptTaskRunner: Service {
    let engine: Engine
    let scripts: any ScriptEvaluator
    let concurrency: Int

    /// Creates a runner that evaluates up to `concurrency` scripts at once with `scripts`.
    public init(engine: Engine, scripts: any ScriptEvaluator, concurrency: Int) {
        self.engine = engine
        self.scripts = scripts
        self.concurrency = max(1, concurrency)
    }

    public func run() async throws {
        let threads = (0..<concurrency).map { ScriptThread(name: "baton-script-\($0)") }
        defer { for thread in threads { thread.stop() } }
        let loops = SystemTaskLoops(engine: engine, taskType: ScriptTask.queueName, workerId: ScriptTask.workerId,
                                    concurrency: concurrency)
        await loops.run { [scripts] loop, task in
            await threads[loop].run { ScriptTask(task).evaluate(with: scripts) }
        }
    }
}
