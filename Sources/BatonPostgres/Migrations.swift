/// Baton's PostgreSQL schema as numbered migrations, applied in order on start. A migration is never
/// edited once released: add a new one. Each is a list of statements (the extended query protocol runs
/// one statement per query).
enum Migrations {
    /// One schema change.
    struct Migration: Sendable {
        let version: Int64
        let name: String
        let statements: [String]
    }

    /// The key of the advisory lock that serializes migrations across nodes starting at once.
    static let lockKey: Int64 = 0x6261_746F_6E5F_6D69 // "baton_mi"

    static let all: [Migration] = [
        Migration(version: 1, name: "v1-initial", statements: [
            """
            CREATE TABLE task_defs (
                name TEXT COLLATE "C" PRIMARY KEY,
                json TEXT NOT NULL
            )
            """,
            """
            CREATE TABLE workflow_defs (
                name TEXT COLLATE "C" NOT NULL,
                version BIGINT NOT NULL,
                json TEXT NOT NULL,
                PRIMARY KEY (name, version)
            )
            """,
            """
            CREATE TABLE definition_snapshots (
                key TEXT COLLATE "C" PRIMARY KEY,
                json TEXT NOT NULL
            )
            """,
            """
            CREATE TABLE workflows (
                id TEXT COLLATE "C" PRIMARY KEY,
                name TEXT COLLATE "C" NOT NULL,
                version BIGINT NOT NULL,
                status TEXT COLLATE "C" NOT NULL,
                correlation_id TEXT COLLATE "C",
                parent_workflow_id TEXT COLLATE "C",
                parent_workflow_task_id TEXT COLLATE "C",
                rerun_from_workflow_id TEXT COLLATE "C",
                idempotency_key TEXT COLLATE "C",
                event TEXT COLLATE "C",
                created_by TEXT COLLATE "C",
                priority BIGINT NOT NULL DEFAULT 0,
                create_time BIGINT NOT NULL,
                update_time BIGINT NOT NULL,
                end_time BIGINT NOT NULL DEFAULT 0,
                last_retried_time BIGINT NOT NULL DEFAULT 0,
                paused_at BIGINT NOT NULL DEFAULT 0,
                paused_millis BIGINT NOT NULL DEFAULT 0,
                reason TEXT COLLATE "C",
                definition_key TEXT COLLATE "C" NOT NULL REFERENCES definition_snapshots(key),
                input TEXT NOT NULL,
                output TEXT NOT NULL,
                variables TEXT NOT NULL,
                task_to_domain TEXT NOT NULL,
                failed_reference_task_names TEXT NOT NULL,
                failed_task_names TEXT NOT NULL,
                wake_at BIGINT
            )
            """,
            "CREATE INDEX workflows_by_name ON workflows(name, create_time)",
            "CREATE INDEX workflows_by_status ON workflows(status, create_time)",
            "CREATE INDEX workflows_by_create_time ON workflows(create_time)",
            "CREATE INDEX workflows_by_correlation ON workflows(correlation_id) WHERE correlation_id IS NOT NULL",
            "CREATE INDEX workflows_by_idempotency ON workflows(idempotency_key) WHERE idempotency_key IS NOT NULL",
            "CREATE INDEX workflows_by_parent ON workflows(parent_workflow_id) WHERE parent_workflow_id IS NOT NULL",
            "CREATE INDEX workflows_by_wake ON workflows(wake_at) WHERE wake_at IS NOT NULL",
            """
            CREATE TABLE tasks (
                id TEXT COLLATE "C" PRIMARY KEY,
                workflow_id TEXT COLLATE "C" NOT NULL,
                seq BIGINT NOT NULL,
                task_type TEXT NOT NULL,
                task_def_name TEXT NOT NULL,
                reference_name TEXT NOT NULL,
                status TEXT NOT NULL,
                input TEXT NOT NULL,
                output TEXT NOT NULL,
                retry_count BIGINT NOT NULL,
                retried BOOLEAN NOT NULL,
                retried_task_id TEXT,
                executed BOOLEAN NOT NULL,
                poll_count BIGINT NOT NULL,
                scheduled_time BIGINT NOT NULL,
                start_time BIGINT NOT NULL,
                end_time BIGINT NOT NULL,
                update_time BIGINT NOT NULL,
                first_start_time BIGINT NOT NULL,
                start_delay_seconds BIGINT NOT NULL,
                callback_after_seconds BIGINT NOT NULL,
                response_timeout_seconds BIGINT NOT NULL,
                worker_id TEXT,
                reason TEXT,
                domain TEXT,
                workflow_priority BIGINT NOT NULL,
                iteration BIGINT NOT NULL,
                sub_workflow_id TEXT,
                parent_task_id TEXT,
                rate_limit_per_frequency BIGINT NOT NULL,
                rate_limit_frequency_seconds BIGINT NOT NULL,
                execution_namespace TEXT,
                isolation_group_id TEXT,
                wait_until BIGINT NOT NULL,
                paused_millis BIGINT NOT NULL
            )
            """,
            "CREATE INDEX tasks_by_workflow ON tasks(workflow_id, seq)",
            """
            CREATE TABLE queue (
                task_id TEXT COLLATE "C" PRIMARY KEY,
                workflow_id TEXT COLLATE "C" NOT NULL,
                queue_name TEXT COLLATE "C" NOT NULL,
                priority BIGINT NOT NULL,
                visible_at BIGINT NOT NULL,
                seq BIGSERIAL NOT NULL
            )
            """,
            "CREATE INDEX queue_by_visibility ON queue(queue_name, priority DESC, visible_at, seq)",
            "CREATE INDEX queue_by_workflow ON queue(workflow_id)",
            """
            CREATE TABLE task_logs (
                id BIGSERIAL PRIMARY KEY,
                task_id TEXT COLLATE "C" NOT NULL,
                log TEXT NOT NULL,
                created_time BIGINT NOT NULL
            )
            """,
            "CREATE INDEX task_logs_by_task ON task_logs(task_id, id)",
            """
            CREATE TABLE events (
                id BIGSERIAL PRIMARY KEY,
                workflow_id TEXT COLLATE "C" NOT NULL,
                time BIGINT NOT NULL,
                kind TEXT NOT NULL,
                actor TEXT NOT NULL,
                task_id TEXT,
                detail TEXT
            )
            """,
            "CREATE INDEX events_by_workflow ON events(workflow_id, id)",
            """
            CREATE TABLE poll_data (
                queue_name TEXT COLLATE "C" NOT NULL,
                task_type TEXT COLLATE "C" NOT NULL,
                domain TEXT,
                worker_id TEXT COLLATE "C" NOT NULL,
                last_poll_time BIGINT NOT NULL,
                PRIMARY KEY (queue_name, worker_id)
            )
            """,
            "CREATE INDEX poll_data_by_type ON poll_data(task_type)",
        ]),
        // Searching by name and status (the executions page's usual filter) reads one index range, and
        // counts its hits without visiting the rows.
        Migration(version: 2, name: "v2-search-by-name-and-status", statements: [
            "CREATE INDEX workflows_by_name_status ON workflows(name, status, create_time)",
        ]),
        // The concurrency slots of tasks running under a task definition's concurrentExecLimit, and the hand-outs
        // under a rate limit within its window (only those: tasks of unlimited types never touch them).
        Migration(version: 3, name: "v3-task-limits", statements: [
            """
            CREATE TABLE limited_slots (
                task_id TEXT COLLATE "C" PRIMARY KEY,
                task_def_name TEXT COLLATE "C" NOT NULL
            )
            """,
            "CREATE INDEX limited_slots_by_definition ON limited_slots(task_def_name)",
            """
            CREATE TABLE limited_starts (
                task_def_name TEXT COLLATE "C" NOT NULL,
                started_at BIGINT NOT NULL,
                task_id TEXT COLLATE "C" NOT NULL,
                PRIMARY KEY (task_def_name, started_at, task_id)
            )
            """,
        ]),
        // Payloads larger than their threshold, apart from the rows that reference them (`StoredPayloads`): one per
        // workflow or task and kind, found by its owner, removed with its workflow.
        Migration(version: 4, name: "v4-payloads-apart", statements: [
            """
            CREATE TABLE payloads (
                owner_id TEXT COLLATE "C" NOT NULL,
                kind TEXT COLLATE "C" NOT NULL,
                workflow_id TEXT COLLATE "C" NOT NULL,
                version TEXT COLLATE "C" NOT NULL,
                json TEXT NOT NULL,
                PRIMARY KEY (owner_id, kind)
            )
            """,
            "CREATE INDEX payloads_by_workflow ON payloads(workflow_id)",
        ]),
        // Schedules, found due by their next run time (NULL while paused or past their end), and the record of what
        // each slot did, newest first per schedule.
        Migration(version: 5, name: "v5-schedules", statements: [
            """
            CREATE TABLE schedules (
                name TEXT COLLATE "C" PRIMARY KEY,
                workflow_name TEXT COLLATE "C" NOT NULL,
                next_run_time BIGINT,
                json TEXT NOT NULL
            )
            """,
            "CREATE INDEX schedules_by_next_run_time ON schedules(next_run_time) WHERE next_run_time IS NOT NULL",
            """
            CREATE TABLE schedule_executions (
                execution_id TEXT COLLATE "C" PRIMARY KEY,
                schedule_name TEXT COLLATE "C" NOT NULL,
                workflow_name TEXT COLLATE "C" NOT NULL,
                workflow_id TEXT COLLATE "C",
                state TEXT COLLATE "C" NOT NULL,
                scheduled_time BIGINT NOT NULL,
                execution_time BIGINT NOT NULL,
                reason TEXT,
                json TEXT NOT NULL
            )
            """,
            "CREATE INDEX schedule_executions_by_schedule ON schedule_executions(schedule_name, scheduled_time)",
            "CREATE INDEX schedule_executions_by_time ON schedule_executions(scheduled_time)",
        ]),
    ]
}
