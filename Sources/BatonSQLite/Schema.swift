import GRDB

/// The SQLite schema, as named migrations. A migration is never edited once released: add a new one.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-initial") { db in
            try db.execute(sql: """
                CREATE TABLE task_defs (
                    name TEXT PRIMARY KEY NOT NULL,
                    json TEXT NOT NULL
                );
                CREATE TABLE workflow_defs (
                    name TEXT NOT NULL,
                    version INTEGER NOT NULL,
                    json TEXT NOT NULL,
                    PRIMARY KEY (name, version)
                );
                CREATE TABLE definition_snapshots (
                    key TEXT PRIMARY KEY NOT NULL,
                    json TEXT NOT NULL
                );
                CREATE TABLE workflows (
                    id TEXT PRIMARY KEY NOT NULL,
                    name TEXT NOT NULL,
                    version INTEGER NOT NULL,
                    status TEXT NOT NULL,
                    correlation_id TEXT,
                    parent_workflow_id TEXT,
                    parent_workflow_task_id TEXT,
                    rerun_from_workflow_id TEXT,
                    idempotency_key TEXT,
                    event TEXT,
                    created_by TEXT,
                    priority INTEGER NOT NULL DEFAULT 0,
                    create_time INTEGER NOT NULL,
                    update_time INTEGER NOT NULL,
                    end_time INTEGER NOT NULL DEFAULT 0,
                    last_retried_time INTEGER NOT NULL DEFAULT 0,
                    paused_at INTEGER NOT NULL DEFAULT 0,
                    paused_millis INTEGER NOT NULL DEFAULT 0,
                    reason TEXT,
                    definition_key TEXT NOT NULL REFERENCES definition_snapshots(key),
                    input TEXT NOT NULL,
                    output TEXT NOT NULL,
                    variables TEXT NOT NULL,
                    task_to_domain TEXT NOT NULL,
                    failed_reference_task_names TEXT NOT NULL,
                    failed_task_names TEXT NOT NULL,
                    wake_at INTEGER
                );
                CREATE INDEX workflows_by_name ON workflows(name, create_time);
                CREATE INDEX workflows_by_status ON workflows(status, create_time);
                CREATE INDEX workflows_by_create_time ON workflows(create_time);
                CREATE INDEX workflows_by_correlation ON workflows(correlation_id) WHERE correlation_id IS NOT NULL;
                CREATE INDEX workflows_by_idempotency ON workflows(idempotency_key) WHERE idempotency_key IS NOT NULL;
                CREATE INDEX workflows_by_parent ON workflows(parent_workflow_id) WHERE parent_workflow_id IS NOT NULL;
                CREATE INDEX workflows_by_wake ON workflows(wake_at) WHERE wake_at IS NOT NULL;
                CREATE TABLE tasks (
                    id TEXT PRIMARY KEY NOT NULL,
                    workflow_id TEXT NOT NULL,
                    seq INTEGER NOT NULL,
                    task_type TEXT NOT NULL,
                    task_def_name TEXT NOT NULL,
                    reference_name TEXT NOT NULL,
                    status TEXT NOT NULL,
                    input TEXT NOT NULL,
                    output TEXT NOT NULL,
                    retry_count INTEGER NOT NULL,
                    retried INTEGER NOT NULL,
                    retried_task_id TEXT,
                    executed INTEGER NOT NULL,
                    poll_count INTEGER NOT NULL,
                    scheduled_time INTEGER NOT NULL,
                    start_time INTEGER NOT NULL,
                    end_time INTEGER NOT NULL,
                    update_time INTEGER NOT NULL,
                    first_start_time INTEGER NOT NULL,
                    start_delay_seconds INTEGER NOT NULL,
                    callback_after_seconds INTEGER NOT NULL,
                    response_timeout_seconds INTEGER NOT NULL,
                    worker_id TEXT,
                    reason TEXT,
                    domain TEXT,
                    workflow_priority INTEGER NOT NULL,
                    iteration INTEGER NOT NULL,
                    sub_workflow_id TEXT,
                    parent_task_id TEXT,
                    rate_limit_per_frequency INTEGER NOT NULL,
                    rate_limit_frequency_seconds INTEGER NOT NULL,
                    execution_namespace TEXT,
                    isolation_group_id TEXT,
                    wait_until INTEGER NOT NULL,
                    paused_millis INTEGER NOT NULL
                );
                CREATE INDEX tasks_by_workflow ON tasks(workflow_id, seq);
                CREATE TABLE queue (
                    task_id TEXT PRIMARY KEY NOT NULL,
                    workflow_id TEXT NOT NULL,
                    queue_name TEXT NOT NULL,
                    priority INTEGER NOT NULL,
                    visible_at INTEGER NOT NULL
                );
                CREATE INDEX queue_by_visibility ON queue(queue_name, visible_at);
                CREATE INDEX queue_by_workflow ON queue(workflow_id);
                CREATE TABLE task_logs (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    task_id TEXT NOT NULL,
                    log TEXT NOT NULL,
                    created_time INTEGER NOT NULL
                );
                CREATE INDEX task_logs_by_task ON task_logs(task_id);
                CREATE TABLE events (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    workflow_id TEXT NOT NULL,
                    time INTEGER NOT NULL,
                    kind TEXT NOT NULL,
                    actor TEXT NOT NULL,
                    task_id TEXT,
                    detail TEXT
                );
                CREATE INDEX events_by_workflow ON events(workflow_id, id);
                CREATE TABLE poll_data (
                    queue_name TEXT NOT NULL,
                    task_type TEXT NOT NULL,
                    domain TEXT,
                    worker_id TEXT NOT NULL,
                    last_poll_time INTEGER NOT NULL,
                    PRIMARY KEY (queue_name, worker_id)
                );
                CREATE INDEX poll_data_by_type ON poll_data(task_type);
                """)
        }
        // Searching by name and status (the executions page's usual filter) reads one index range, and its
        // total comes from counts that triggers keep per name and status, instead of counting up to millions
        // of index entries per search.
        migrator.registerMigration("v2-search-by-name-and-status") { db in
            try db.execute(sql: """
                CREATE INDEX workflows_by_name_status ON workflows(name, status, create_time);
                CREATE TABLE workflow_counts (
                    name TEXT NOT NULL,
                    status TEXT NOT NULL,
                    count INTEGER NOT NULL,
                    PRIMARY KEY (name, status)
                ) WITHOUT ROWID;
                INSERT INTO workflow_counts (name, status, count)
                    SELECT name, status, COUNT(*) FROM workflows GROUP BY name, status;
                CREATE TRIGGER workflows_counted_on_insert AFTER INSERT ON workflows BEGIN
                    INSERT INTO workflow_counts (name, status, count) VALUES (NEW.name, NEW.status, 1)
                        ON CONFLICT (name, status) DO UPDATE SET count = count + 1;
                END;
                CREATE TRIGGER workflows_counted_on_delete AFTER DELETE ON workflows BEGIN
                    UPDATE workflow_counts SET count = count - 1 WHERE name = OLD.name AND status = OLD.status;
                END;
                CREATE TRIGGER workflows_counted_on_update AFTER UPDATE OF name, status ON workflows
                    WHEN OLD.name IS NOT NEW.name OR OLD.status IS NOT NEW.status BEGIN
                    UPDATE workflow_counts SET count = count - 1 WHERE name = OLD.name AND status = OLD.status;
                    INSERT INTO workflow_counts (name, status, count) VALUES (NEW.name, NEW.status, 1)
                        ON CONFLICT (name, status) DO UPDATE SET count = count + 1;
                END;
                """)
        }
        // A claim walks the queue in the order it hands tasks out (priority, then visibility, then arrival),
        // stopping after the first `count` visible entries, instead of sorting every visible entry of the queue.
        migrator.registerMigration("v3-queue-in-claim-order") { db in
            try db.execute(sql: """
                CREATE INDEX queue_in_claim_order ON queue(queue_name, priority DESC, visible_at);
                DROP INDEX queue_by_visibility;
                """)
        }
        // The queue is written twice per task (in when scheduled, out when claimed): kept in its primary key's
        // b-tree (no rowid table beside it) and without the index by workflow (a workflow's entries are found
        // through its tasks), each of those writes touches two b-trees instead of four. Ties in the claim
        // order fall to the task ids, which are time-ordered, instead of the rowids.
        migrator.registerMigration("v4-queue-without-rowid") { db in
            try db.execute(sql: """
                CREATE TABLE queue_v4 (
                    task_id TEXT PRIMARY KEY NOT NULL,
                    workflow_id TEXT NOT NULL,
                    queue_name TEXT NOT NULL,
                    priority INTEGER NOT NULL,
                    visible_at INTEGER NOT NULL
                ) WITHOUT ROWID;
                INSERT INTO queue_v4 (task_id, workflow_id, queue_name, priority, visible_at)
                    SELECT task_id, workflow_id, queue_name, priority, visible_at FROM queue;
                DROP TABLE queue;
                ALTER TABLE queue_v4 RENAME TO queue;
                CREATE INDEX queue_in_claim_order ON queue(queue_name, priority DESC, visible_at);
                """)
        }
        // The audit trail gets two rows per workflow at least (started, ended), each of which wrote three b-trees
        // (the rowid table, the index by workflow, and `sqlite_sequence` for AUTOINCREMENT). Kept in one b-tree
        // ordered by workflow, a workflow's events are numbered in the order they were appended: the copied ones
        // keep their old ids, a new one takes its workflow's last number + 1 (from 1). (Copied in key order, read
        // from the old index by workflow: a million workflows' trails are appended, not sorted in.)
        migrator.registerMigration("v5-events-by-workflow") { db in
            try db.execute(sql: """
                CREATE TABLE events_v5 (
                    workflow_id TEXT NOT NULL,
                    id INTEGER NOT NULL,
                    time INTEGER NOT NULL,
                    kind TEXT NOT NULL,
                    actor TEXT NOT NULL,
                    task_id TEXT,
                    detail TEXT,
                    PRIMARY KEY (workflow_id, id)
                ) WITHOUT ROWID;
                INSERT INTO events_v5 (workflow_id, id, time, kind, actor, task_id, detail)
                    SELECT workflow_id, id, time, kind, actor, task_id, detail FROM events ORDER BY workflow_id, id;
                DROP TABLE events;
                ALTER TABLE events_v5 RENAME TO events;
                """)
        }
        // The concurrency slots of tasks running under a task definition's concurrentExecLimit, and the hand-outs
        // under a rate limit within its window (only those: tasks of unlimited types never touch them).
        migrator.registerMigration("v6-task-limits") { db in
            try db.execute(sql: """
                CREATE TABLE limited_slots (
                    task_id TEXT PRIMARY KEY NOT NULL,
                    task_def_name TEXT NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX limited_slots_by_definition ON limited_slots(task_def_name);
                CREATE TABLE limited_starts (
                    task_def_name TEXT NOT NULL,
                    started_at INTEGER NOT NULL,
                    task_id TEXT NOT NULL,
                    PRIMARY KEY (task_def_name, started_at, task_id)
                ) WITHOUT ROWID;
                """)
        }
        // Payloads larger than their threshold, apart from the rows that reference them (`StoredPayloads`): one per
        // workflow or task and kind, found by its owner, removed with its workflow.
        migrator.registerMigration("v7-payloads-apart") { db in
            try db.execute(sql: """
                CREATE TABLE payloads (
                    owner_id TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    workflow_id TEXT NOT NULL,
                    version TEXT NOT NULL,
                    json TEXT NOT NULL,
                    PRIMARY KEY (owner_id, kind)
                );
                CREATE INDEX payloads_by_workflow ON payloads(workflow_id);
                """)
        }
        // Schedules, found due by their next run time (NULL while paused or past their end), and the record of what
        // each slot did, newest first per schedule.
        migrator.registerMigration("v8-schedules") { db in
            try db.execute(sql: """
                CREATE TABLE schedules (
                    name TEXT PRIMARY KEY NOT NULL,
                    workflow_name TEXT NOT NULL,
                    next_run_time INTEGER,
                    json TEXT NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX schedules_by_next_run_time ON schedules(next_run_time) WHERE next_run_time IS NOT NULL;
                CREATE TABLE schedule_executions (
                    execution_id TEXT PRIMARY KEY NOT NULL,
                    schedule_name TEXT NOT NULL,
                    workflow_name TEXT NOT NULL,
                    workflow_id TEXT,
                    state TEXT NOT NULL,
                    scheduled_time INTEGER NOT NULL,
                    execution_time INTEGER NOT NULL,
                    reason TEXT,
                    json TEXT NOT NULL
                );
                CREATE INDEX schedule_executions_by_schedule ON schedule_executions(schedule_name, scheduled_time);
                CREATE INDEX schedule_executions_by_time ON schedule_executions(scheduled_time);
                """)
        }
        return migrator
    }
}
