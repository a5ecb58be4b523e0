import BatonModel
import BatonPersistence
import Foundation
import GRDB

extension SQLiteTransaction {
    func taskDef(named name: String) throws -> TaskDef? {
        try db.cachedStatement(sql: "SELECT json FROM task_defs WHERE name = ?").firstRow(name) { try $0.value(at: 0) as String }
            .map { try decode(TaskDef.self, from: $0) }
    }

    func taskDefs() throws -> [TaskDef] {
        try String.fetchAll(db, sql: "SELECT json FROM task_defs ORDER BY name").map { try decode(TaskDef.self, from: $0) }
    }

    func workflowDef(named name: String, version: Int?) throws -> WorkflowDef? {
        // Read on every start: the statement stepped in place, not through GRDB's rows.
        let json: String?
        if let version {
            json = try db.cachedStatement(sql: "SELECT json FROM workflow_defs WHERE name = ? AND version = ?")
                .firstRow(name, version) { try $0.value(at: 0) as String }
        } else {
            json = try db.cachedStatement(sql: "SELECT json FROM workflow_defs WHERE name = ? ORDER BY version DESC LIMIT 1")
                .firstRow(name) { try $0.value(at: 0) as String }
        }
        return try json.map { try decode(WorkflowDef.self, from: $0) }
    }

    func workflowDefs() throws -> [WorkflowDef] {
        try String.fetchAll(db, sql: "SELECT json FROM workflow_defs ORDER BY name, version")
            .map { try decode(WorkflowDef.self, from: $0) }
    }

    func save(_ taskDef: TaskDef) throws {
        try db.execute(sql: "INSERT OR REPLACE INTO task_defs (name, json) VALUES (?, ?)",
                       arguments: [taskDef.name, try StoredJSON.encode(taskDef)])
    }

    func deleteTaskDef(named name: String) throws -> Bool {
        try db.execute(sql: "DELETE FROM task_defs WHERE name = ?", arguments: [name])
        return db.changesCount > 0
    }

    func save(_ workflowDef: WorkflowDef) throws {
        try db.execute(sql: "INSERT OR REPLACE INTO workflow_defs (name, version, json) VALUES (?, ?, ?)",
                       arguments: [workflowDef.name, workflowDef.version, try StoredJSON.encode(workflowDef)])
    }

    func deleteWorkflowDef(named name: String, version: Int) throws -> Bool {
        try db.execute(sql: "DELETE FROM workflow_defs WHERE name = ? AND version = ?", arguments: [name, version])
        return db.changesCount > 0
    }

    /// Decodes a stored definition; each distinct JSON text is decoded once (starts read their definition
    /// every time, and Foundation's decoder would dominate them).
    private func decode<T: Decodable & Sendable>(_ type: T.Type, from json: String) throws -> T {
        if let decoded = definitions.decoded(T.self, json: json) { return decoded }
        let decoded = try StoredJSON.decode(T.self, from: json)
        definitions.remember(decoded, json: json)
        return decoded
    }
}

extension SQLiteTransaction {
    func queueSize(_ queueName: String) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM queue WHERE queue_name = ?", arguments: [queueName]) ?? 0
    }

    func queueSizes() throws -> [String: Int] {
        var sizes: [String: Int] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT queue_name, COUNT(*) AS size FROM queue GROUP BY queue_name") {
            sizes[row["queue_name"]] = row["size"]
        }
        return sizes
    }

    func pollData(taskType: String) throws -> [PollData] {
        try Row.fetchAll(db, sql: "SELECT * FROM poll_data WHERE task_type = ? ORDER BY queue_name, worker_id",
                         arguments: [taskType]).map {
            PollData(queueName: $0["queue_name"], domain: $0["domain"], workerId: $0["worker_id"],
                     lastPollTime: $0["last_poll_time"])
        }
    }

    func lockLimits(of taskDefName: String) throws {}  // one writer at a time

    func occupiedSlots(of taskDefName: String, verifying: Bool) throws -> Int {
        if verifying {
            try db.cachedStatement(sql: """
                DELETE FROM limited_slots WHERE task_def_name = ?
                  AND NOT EXISTS (SELECT 1 FROM tasks WHERE tasks.id = limited_slots.task_id AND tasks.status = 'IN_PROGRESS')
                """).run(taskDefName)
        }
        return try db.cachedStatement(sql: "SELECT count(*) FROM limited_slots WHERE task_def_name = ?")
            .rows(taskDefName) { try $0.value(at: 0) as Int }.first ?? 0
    }

    func occupySlot(of taskDefName: String, taskId: String) throws {
        try db.cachedStatement(sql: "INSERT OR REPLACE INTO limited_slots (task_id, task_def_name) VALUES (?, ?)")
            .run(taskId, taskDefName)
    }

    func freeSlot(taskId: String) throws {
        try db.cachedStatement(sql: "DELETE FROM limited_slots WHERE task_id = ?").run(taskId)
    }

    func rateLimitedStarts(of taskDefName: String, since: Int64) throws -> Int {
        try db.cachedStatement(sql: "SELECT count(*) FROM limited_starts WHERE task_def_name = ? AND started_at >= ?")
            .rows(taskDefName, since) { try $0.value(at: 0) as Int }.first ?? 0
    }

    func recordRateLimitedStart(of taskDefName: String, taskId: String, at time: Int64, forgettingBefore keepSince: Int64) throws {
        try db.cachedStatement(sql: "DELETE FROM limited_starts WHERE task_def_name = ? AND started_at < ?")
            .run(taskDefName, keepSince)
        try db.cachedStatement(sql: "INSERT OR REPLACE INTO limited_starts (task_def_name, started_at, task_id) VALUES (?, ?, ?)")
            .run(taskDefName, time, taskId)
    }

    func allPollData() throws -> [PollData] {
        try Row.fetchAll(db, sql: "SELECT * FROM poll_data ORDER BY queue_name, worker_id").map {
            PollData(queueName: $0["queue_name"], domain: $0["domain"], workerId: $0["worker_id"],
                     lastPollTime: $0["last_poll_time"])
        }
    }

    func queueEntry(taskId: String) throws -> QueueEntry? {
        try Row.fetchOne(db, sql: "SELECT * FROM queue WHERE task_id = ?", arguments: [taskId]).map {
            QueueEntry(taskId: $0["task_id"], workflowId: $0["workflow_id"], queueName: $0["queue_name"],
                       priority: $0["priority"], visibleAt: $0["visible_at"])
        }
    }

    func inProgressCounts() throws -> [String: Int] {
        // Through the live workflows: the tasks table has no index by status, and ended workflows run nothing.
        var counts: [String: Int] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT CASE WHEN t.domain IS NULL OR t.domain = '' THEN t.task_type ELSE t.domain || ':' || t.task_type END
                     AS queue_name, COUNT(*) AS size
            FROM workflows w JOIN tasks t ON t.workflow_id = w.id
            WHERE w.status IN ('RUNNING', 'PAUSED') AND t.status = 'IN_PROGRESS'
            GROUP BY queue_name
            """) {
            counts[row["queue_name"]] = row["size"]
        }
        return counts
    }

    func liveTaskIds(ofType taskType: String) throws -> [String] {
        try String.fetchAll(db, sql: """
            SELECT t.id FROM workflows w JOIN tasks t ON t.workflow_id = w.id
            WHERE w.status IN ('RUNNING', 'PAUSED') AND t.task_type = ? AND t.status IN ('SCHEDULED', 'IN_PROGRESS')
            ORDER BY t.scheduled_time, t.id
            """, arguments: [taskType])
    }

    func domainPolls(since time: Int64) throws -> [PollData] {
        try Row.fetchAll(db, sql: "SELECT * FROM poll_data WHERE domain <> '' AND last_poll_time >= ?",
                         arguments: [time]).map {
            PollData(queueName: $0["queue_name"], domain: $0["domain"], workerId: $0["worker_id"],
                     lastPollTime: $0["last_poll_time"])
        }
    }

    func enqueue(_ entry: QueueEntry) throws {
        try db.cachedStatement(sql: """
            INSERT OR REPLACE INTO queue (task_id, workflow_id, queue_name, priority, visible_at) VALUES (?, ?, ?, ?, ?)
            """).run(entry.taskId, entry.workflowId, entry.queueName, entry.priority, entry.visibleAt)
    }

    func dequeue(taskId: String) throws {
        try db.cachedStatement(sql: "DELETE FROM queue WHERE task_id = ?").run(taskId)
    }

    func claim(queueName: String, count: Int, now: Int64) throws -> [String] {
        let ids = try db.cachedStatement(sql: """
            SELECT task_id FROM queue WHERE queue_name = ? AND visible_at <= ?
            ORDER BY priority DESC, visible_at LIMIT ?
            """).rows(queueName, now, count) { try $0.value(at: 0) as String }
        for id in ids { try dequeue(taskId: id) }
        return ids
    }

    func recordPoll(_ poll: PollData) throws {
        let taskType = poll.queueName.split(separator: ":").last.map(String.init) ?? poll.queueName
        try db.cachedStatement(sql: """
            INSERT OR REPLACE INTO poll_data (queue_name, task_type, domain, worker_id, last_poll_time) VALUES (?, ?, ?, ?, ?)
            """).run(poll.queueName, taskType, poll.domain, poll.workerId ?? "", poll.lastPollTime)
    }
}
