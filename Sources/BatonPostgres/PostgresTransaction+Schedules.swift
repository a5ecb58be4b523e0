import BatonModel
import BatonPersistence

extension PostgresTransaction {
    func schedule(named name: String) throws -> WorkflowSchedule? {
        try column(String.self, "SELECT json FROM schedules WHERE name = $1", [name]).first
            .map { try StoredJSON.decode(WorkflowSchedule.self, from: $0) }
    }

    func schedules(workflowName: String?) throws -> [WorkflowSchedule] {
        let json = if let workflowName {
            try column(String.self, "SELECT json FROM schedules WHERE workflow_name = $1 ORDER BY name", [workflowName])
        } else {
            try column(String.self, "SELECT json FROM schedules ORDER BY name")
        }
        return try json.map { try StoredJSON.decode(WorkflowSchedule.self, from: $0) }
    }

    func dueScheduleNames(at now: Int64, limit: Int) throws -> [String] {
        try column(String.self, """
            SELECT name FROM schedules WHERE next_run_time IS NOT NULL AND next_run_time <= $1
            ORDER BY next_run_time LIMIT $2
            """, [now, limit])
    }

    func save(_ schedule: WorkflowSchedule) throws {
        try execute("""
            INSERT INTO schedules (name, workflow_name, next_run_time, json) VALUES ($1, $2, $3, $4)
            ON CONFLICT (name) DO UPDATE SET workflow_name = EXCLUDED.workflow_name,
                next_run_time = EXCLUDED.next_run_time, json = EXCLUDED.json
            """, [schedule.name, schedule.workflowName, schedule.nextRunTime, try StoredJSON.encode(schedule)])
    }

    func deleteSchedule(named name: String) throws -> Bool {
        try execute("DELETE FROM schedule_executions WHERE schedule_name = $1", [name])
        return try changes("DELETE FROM schedules WHERE name = $1", [name]) > 0
    }

    /// `FOR UPDATE`: two servers' sweepers never fire the same slot; with `skippingIfBusy`, `SKIP LOCKED` leaves a
    /// schedule another transaction holds to it, without waiting.
    func lockSchedule(named name: String, skippingIfBusy: Bool) throws -> WorkflowSchedule? {
        let lock = skippingIfBusy ? " FOR UPDATE SKIP LOCKED" : " FOR UPDATE"
        return try column(String.self, "SELECT json FROM schedules WHERE name = $1" + lock, [name]).first
            .map { try StoredJSON.decode(WorkflowSchedule.self, from: $0) }
    }

    func append(_ execution: ScheduleExecution, keeping: Int) throws {
        try execute("""
            INSERT INTO schedule_executions
                (execution_id, schedule_name, workflow_name, workflow_id, state, scheduled_time, execution_time, reason, json)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            ON CONFLICT (execution_id) DO NOTHING
            """, [execution.executionId, execution.scheduleName, execution.workflowName, execution.workflowId,
                  execution.state.rawValue, execution.scheduledTime, execution.executionTime, execution.reason,
                  try StoredJSON.encode(execution)])
        try execute("""
            DELETE FROM schedule_executions WHERE schedule_name = $1 AND scheduled_time < (
                SELECT scheduled_time FROM schedule_executions WHERE schedule_name = $1
                ORDER BY scheduled_time DESC LIMIT 1 OFFSET $2)
            """, [execution.scheduleName, max(0, keeping - 1)])
    }
}
