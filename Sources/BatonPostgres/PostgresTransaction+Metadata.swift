import BatonModel
import BatonPersistence
import Foundation

extension PostgresTransaction {
    func taskDef(named name: String) throws -> TaskDef? {
        try column(String.self, "SELECT json FROM task_defs WHERE name = $1", [name]).first
            .map { try StoredJSON.decode(TaskDef.self, from: $0) }
    }

    func taskDefs() throws -> [TaskDef] {
        try column(String.self, "SELECT json FROM task_defs ORDER BY name").map { try StoredJSON.decode(TaskDef.self, from: $0) }
    }

    func workflowDef(named name: String, version: Int?) throws -> WorkflowDef? {
        let json: String?
        if let version {
            json = try column(String.self, "SELECT json FROM workflow_defs WHERE name = $1 AND version = $2",
                              [name, version]).first
        } else {
            json = try column(String.self, "SELECT json FROM workflow_defs WHERE name = $1 ORDER BY version DESC LIMIT 1",
                              [name]).first
        }
        return try json.map { try StoredJSON.decode(WorkflowDef.self, from: $0) }
    }

    func workflowDefs() throws -> [WorkflowDef] {
        try column(String.self, "SELECT json FROM workflow_defs ORDER BY name, version")
            .map { try StoredJSON.decode(WorkflowDef.self, from: $0) }
    }

    func save(_ taskDef: TaskDef) throws {
        try execute("INSERT INTO task_defs (name, json) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET json = EXCLUDED.json",
                    [taskDef.name, try StoredJSON.encode(taskDef)])
    }

    func deleteTaskDef(named name: String) throws -> Bool {
        try changes("DELETE FROM task_defs WHERE name = $1", [name]) > 0
    }

    func save(_ workflowDef: WorkflowDef) throws {
        try execute("""
            INSERT INTO workflow_defs (name, version, json) VALUES ($1, $2, $3)
            ON CONFLICT (name, version) DO UPDATE SET json = EXCLUDED.json
            """, [workflowDef.name, workflowDef.version, try StoredJSON.encode(workflowDef)])
    }

    func deleteWorkflowDef(named name: String, version: Int) throws -> Bool {
        try changes("DELETE FROM workflow_defs WHERE name = $1 AND version = $2", [name, version]) > 0
    }
}

extension PostgresTransaction {
    func queueSize(_ queueName: String) throws -> Int {
        try column(Int.self, "SELECT COUNT(*) FROM queue WHERE queue_name = $1", [queueName]).first ?? 0
    }

    func queueSizes() throws -> [String: Int] {
        var sizes: [String: Int] = [:]
        for row in try rows("SELECT queue_name, COUNT(*) AS size FROM queue GROUP BY queue_name") {
            sizes[try row["queue_name"]] = try row["size"]
        }
        return sizes
    }

    func pollData(taskType: String) throws -> [PollData] {
        try rows("SELECT * FROM poll_data WHERE task_type = $1 ORDER BY queue_name, worker_id", [taskType]).map {
            PollData(queueName: try $0["queue_name"], domain: try $0["domain"], workerId: try $0["worker_id"],
                     lastPollTime: try $0["last_poll_time"])
        }
    }

    func lockLimits(of taskDefName: String) throws {
        // Serializes the limit checks of one task definition across nodes until this transaction ends.
        try execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 11))", [taskDefName])
    }

    func occupiedSlots(of taskDefName: String, verifying: Bool) throws -> Int {
        if verifying {
            try execute("""
                DELETE FROM limited_slots AS slot WHERE slot.task_def_name = $1
                  AND NOT EXISTS (SELECT 1 FROM tasks WHERE tasks.id = slot.task_id AND tasks.status = 'IN_PROGRESS')
                """, [taskDefName])
        }
        return Int(try column(Int64.self, "SELECT count(*) FROM limited_slots WHERE task_def_name = $1", [taskDefName])
            .first ?? 0)
    }

    func occupySlot(of taskDefName: String, taskId: String) throws {
        try execute("""
            INSERT INTO limited_slots (task_id, task_def_name) VALUES ($1, $2)
            ON CONFLICT (task_id) DO UPDATE SET task_def_name = EXCLUDED.task_def_name
            """, [taskId, taskDefName])
    }

    func freeSlot(taskId: String) throws {
        try execute("DELETE FROM limited_slots WHERE task_id = $1", [taskId])
    }

    func rateLimitedStarts(of taskDefName: String, since: Int64) throws -> Int {
        Int(try column(Int64.self, "SELECT count(*) FROM limited_starts WHERE task_def_name = $1 AND started_at >= $2",
                       [taskDefName, since]).first ?? 0)
    }

    func recordRateLimitedStart(of taskDefName: String, taskId: String, at time: Int64, forgettingBefore keepSince: Int64) throws {
        try execute("DELETE FROM limited_starts WHERE task_def_name = $1 AND started_at < $2", [taskDefName, keepSince])
        try execute("""
            INSERT INTO limited_starts (task_def_name, started_at, task_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING
            """, [taskDefName, time, taskId])
    }

    func allPollData() throws -> [PollData] {
        try rows("SELECT * FROM poll_data ORDER BY queue_name, worker_id").map {
            PollData(queueName: try $0["queue_name"], domain: try $0["domain"], workerId: try $0["worker_id"],
                     lastPollTime: try $0["last_poll_time"])
        }
    }

    func queueEntry(taskId: String) throws -> QueueEntry? {
        try rows("SELECT task_id, workflow_id, queue_name, priority, visible_at FROM queue WHERE task_id = $1", [taskId])
            .first.map {
                QueueEntry(taskId: try $0["task_id"], workflowId: try $0["workflow_id"], queueName: try $0["queue_name"],
                           priority: Int(try $0["priority"] as Int64), visibleAt: try $0["visible_at"])
            }
    }

    func inProgressCounts() throws -> [String: Int] {
        // Through the live workflows: the tasks table has no index by status, and ended workflows run nothing.
        var counts: [String: Int] = [:]
        for row in try rows("""
            SELECT CASE WHEN t.domain IS NULL OR t.domain = '' THEN t.task_type ELSE t.domain || ':' || t.task_type END
                     AS queue_name, COUNT(*) AS size
            FROM workflows w JOIN tasks t ON t.workflow_id = w.id
            WHERE w.status IN ('RUNNING', 'PAUSED') AND t.status = 'IN_PROGRESS'
            GROUP BY 1
            """) {
            counts[try row["queue_name"]] = Int(try row["size"] as Int64)
        }
        return counts
    }

    func liveTaskIds(ofType taskType: String) throws -> [String] {
        try column(String.self, """
            SELECT t.id FROM workflows w JOIN tasks t ON t.workflow_id = w.id
            WHERE w.status IN ('RUNNING', 'PAUSED') AND t.task_type = $1 AND t.status IN ('SCHEDULED', 'IN_PROGRESS')
            ORDER BY t.scheduled_time, t.id
            """, [taskType])
    }

    func domainPolls(since time: Int64) throws -> [PollData] {
        try rows("SELECT * FROM poll_data WHERE domain <> '' AND last_poll_time >= $1", [time]).map {
            PollData(queueName: try $0["queue_name"], domain: try $0["domain"], workerId: try $0["worker_id"],
                     lastPollTime: try $0["last_poll_time"])
        }
    }

    func enqueue(_ entry: QueueEntry) throws {
        // A new seq on every enqueue: a moved entry counts as the newest of its priority and visibility.
        try execute("""
            INSERT INTO queue (task_id, workflow_id, queue_name, priority, visible_at) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (task_id) DO UPDATE SET workflow_id = EXCLUDED.workflow_id, queue_name = EXCLUDED.queue_name,
                priority = EXCLUDED.priority, visible_at = EXCLUDED.visible_at, seq = EXCLUDED.seq
            """, [entry.taskId, entry.workflowId, entry.queueName, entry.priority, entry.visibleAt])
        noteQueued(entry.queueName)
    }

    func dequeue(taskId: String) throws {
        try execute("DELETE FROM queue WHERE task_id = $1", [taskId])
    }

    func claim(queueName: String, count: Int, now: Int64) throws -> [String] {
        guard count > 0 else { return [] }
        // SKIP LOCKED: entries another transaction is claiming (or moving) are passed over, not waited for,
        // so concurrent polls on every node each get different tasks.
        return try column(String.self, """
            WITH picked AS (
                SELECT task_id, priority, visible_at, seq FROM queue
                WHERE queue_name = $1 AND visible_at <= $2
                ORDER BY priority DESC, visible_at, seq
                LIMIT $3
                FOR UPDATE SKIP LOCKED
            ), removed AS (
                DELETE FROM queue USING picked WHERE queue.task_id = picked.task_id
            )
            SELECT task_id FROM picked ORDER BY priority DESC, visible_at, seq
            """, [queueName, now, count])
    }

    func recordPoll(_ poll: PollData) throws {
        let taskType = poll.queueName.split(separator: ":").last.map(String.init) ?? poll.queueName
        try execute("""
            INSERT INTO poll_data (queue_name, task_type, domain, worker_id, last_poll_time) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (queue_name, worker_id) DO UPDATE SET task_type = EXCLUDED.task_type, domain = EXCLUDED.domain,
                last_poll_time = EXCLUDED.last_poll_time
            """, [poll.queueName, taskType, poll.domain, poll.workerId ?? "", poll.lastPollTime])
    }
}

extension PostgresTransaction {
    func claimDueWorkflowIds(at now: Int64, limit: Int, leaseUntil: Int64) throws -> [String] {
        guard limit > 0 else { return [] }
        // SKIP LOCKED: a workflow another node is claiming or changing right now is left to it.
        let claimed = try rows("""
            WITH due AS (
                SELECT id, wake_at FROM workflows
                WHERE wake_at IS NOT NULL AND wake_at <= $1 AND status = 'RUNNING'
                ORDER BY wake_at, id
                LIMIT $2
                FOR UPDATE SKIP LOCKED
            )
            UPDATE workflows SET wake_at = $3 FROM due WHERE workflows.id = due.id
            RETURNING workflows.id AS id, due.wake_at AS due_at
            """, [now, limit, leaseUntil])
        return try claimed.map { (id: try $0["id"] as String, dueAt: try $0["due_at"] as Int64) }
            .sorted { ($0.dueAt, $0.id) < ($1.dueAt, $1.id) }
            .map(\.id)
    }
}

extension PostgresTransaction {
    /// Remembers that `queueName` received a task, for ``notifyQueued(on:)``.
    func noteQueued(_ queueName: String) {
        queued.insert(queueName)
    }

    /// Sends the names of the queues that received tasks to `channel`'s listeners; PostgreSQL delivers
    /// the notification when (and only if) the transaction commits. Payloads stay under its 8000-byte limit.
    func notifyQueued(on channel: String) throws {
        guard !queued.isEmpty else { return }
        var payload = ""
        for name in queued.sorted() {
            if !payload.isEmpty, payload.utf8.count + name.utf8.count + 1 > 7_000 {
                try execute("SELECT pg_notify($1, $2)", [channel, payload])
                payload = ""
            }
            payload += payload.isEmpty ? name : "\n" + name
        }
        try execute("SELECT pg_notify($1, $2)", [channel, payload])
    }
}
