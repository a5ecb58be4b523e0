import BatonModel
import BatonPersistence
import Foundation
import GRDB

extension SQLiteTransaction {
    func schedule(named name: String) throws -> WorkflowSchedule? {
        try String.fetchOne(db, sql: "SELECT json FROM schedules WHERE name = ?", arguments: [name])
            .map { try StoredJSON.decode(WorkflowSchedule.self, from: $0) }
    }

    func schedules(workflowName: String?) throws -> [WorkflowSchedule] {
        let json = if let workflowName {
            try String.fetchAll(db, sql: "SELECT json FROM schedules WHERE workflow_name = ? ORDER BY name",
                                arguments: [workflowName])
        } else {
            try String.fetchAll(db, sql: "SELECT json FROM schedules ORDER BY name")
        }
        return try json.map { try StoredJSON.decode(WorkflowSchedule.self, from: $0) }
    }

    func dueScheduleNames(at now: Int64, limit: Int) throws -> [String] {
        try String.fetchAll(db, sql: """
            SELECT name FROM schedules WHERE next_run_time IS NOT NULL AND next_run_time <= ?
            ORDER BY next_run_time LIMIT ?
            """, arguments: [now, limit])
    }

    func save(_ schedule: WorkflowSchedule) throws {
        try db.execute(sql: "INSERT OR REPLACE INTO schedules (name, workflow_name, next_run_time, json) VALUES (?, ?, ?, ?)",
                       arguments: [schedule.name, schedule.workflowName, schedule.nextRunTime,
                                   try StoredJSON.encode(schedule)])
    }

    func deleteSchedule(named name: String) throws -> Bool {
        try db.execute(sql: "DELETE FROM schedule_executions WHERE schedule_name = ?", arguments: [name])
        try db.execute(sql: "DELETE FROM schedules WHERE name = ?", arguments: [name])
        return db.changesCount > 0
    }

    /// One writer at a time: the schedule is never busy.
    func lockSchedule(named name: String, skippingIfBusy: Bool) throws -> WorkflowSchedule? {
        try schedule(named: name)
    }

    func append(_ execution: ScheduleExecution, keeping: Int) throws {
        try db.execute(sql: """
            INSERT OR REPLACE INTO schedule_executions
                (execution_id, schedule_name, workflow_name, workflow_id, state, scheduled_time, execution_time, reason, json)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [execution.executionId, execution.scheduleName, execution.workflowName, execution.workflowId,
                             execution.state.rawValue, execution.scheduledTime, execution.executionTime, execution.reason,
                             try StoredJSON.encode(execution)])
        try db.execute(sql: """
            DELETE FROM schedule_executions WHERE schedule_name = ? AND scheduled_time < (
                SELECT scheduled_time FROM schedule_executions WHERE schedule_name = ?
                ORDER BY scheduled_time DESC LIMIT 1 OFFSET ?)
            """, arguments: [execution.scheduleName, execution.scheduleName, max(0, keeping - 1)])
    }
}
