@_spi(Engine) import BatonModel
import BatonPersistence
import BatonStoreConformance
@testable import BatonSQLite
import Foundation
import GRDB
import Testing

/// What only the SQLite store promises: a file that survives reopening, in WAL mode, with idempotent migrations.
@Suite("SQLite store")
struct SQLiteStoreTests {
    static let definition: WorkflowDef = {
        var charge = WorkflowTask(name: "charge", taskReferenceName: "charge_ref")
        charge.taskDefinition = TaskDef(name: "charge", retryCount: 1)
        var definition = WorkflowDef(name: "durable", version: 3, tasks: [charge])
        definition.description = "Survives a restart ✓"
        return definition
    }()

    static func workflow(_ id: String, definition: WorkflowDef = definition) -> Workflow {
        var workflow = Workflow(workflowId: id, definition: definition, input: ["n": 1, "x": 2.5, "s": "日本"],
                                createTime: 1_000)
        workflow.correlationId = "corr-\(id)"
        workflow.pausedMillis = 77
        return workflow
    }

    static func task(_ id: String, of workflow: Workflow) -> TaskExecution {
        var task = TaskExecution(taskId: id, taskType: "SIMPLE", taskDefName: "charge", referenceTaskName: "charge_ref",
                        workflowInstanceId: workflow.workflowId, seq: 1, scheduledTime: 1_001)
        task.workflowType = workflow.workflowName
        task.correlationId = workflow.correlationId
        task.waitUntil = 9_000
        task.workflowTask = definition.tasks[0]
        return task
    }

    /// Runs `sql` on the closed database at `path` (to make it what an older Baton left), then opens the store
    /// on it, which migrates it.
    static func reopen(_ path: String, after sql: String) async throws -> SQLiteStore {
        let raw = try DatabaseQueue(path: path)
        try await raw.write { db in try db.execute(sql: sql) }
        try raw.close()
        return try SQLiteStore(path: path)
    }

    @Test func reopeningTheFileKeepsEverything() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("baton.sqlite").path
            let workflow = Self.workflow("wf-durable")
            let task = Self.task("t-durable", of: workflow)
            let event = WorkflowEvent(workflowId: "wf-durable", time: 5, kind: "workflow.started", actor: "api")
            let log = TaskExecLog(log: "working", taskId: "t-durable", createdTime: 6)
            let first = try SQLiteStore(path: path)
            try await first.write { tx in
                try tx.save(workflow, previous: nil)
                try tx.save(task, previous: nil)
                try tx.enqueue(QueueEntry(taskId: "t-durable", workflowId: "wf-durable", queueName: "charge", priority: 2,
                                          visibleAt: 10))
                try tx.setWakeUp(workflowId: "wf-durable", at: 50)
                try tx.append(event)
                try tx.append([log], taskId: "t-durable")
                try tx.save(TaskDef(name: "charge", retryCount: 1))
                try tx.save(Self.definition)
            }
            try await first.close()

            let second = try SQLiteStore(path: path)
            let read = try await second.read { reader in
                (try reader.workflow(id: "wf-durable", includeTasks: true), try reader.queueSizes(),
                 try reader.dueWorkflowIds(at: 50, limit: 10), try reader.events(workflowId: "wf-durable"),
                 try reader.logs(taskId: "t-durable"), try reader.taskDef(named: "charge"),
                 try reader.workflowDef(named: "durable", version: nil))
            }
            var expected = workflow
            expected.tasks = [task]
            #expect(read.0 == expected)
            #expect(read.0?.workflowDefinition == Self.definition)
            #expect(read.1 == ["charge": 1])
            #expect(read.2 == ["wf-durable"])
            #expect(read.3 == [event])
            #expect(read.4 == [log])
            #expect(read.5 == TaskDef(name: "charge", retryCount: 1))
            #expect(read.6 == Self.definition)
            #expect(try await second.write { try $0.claim(queueName: "charge", count: 5, now: 10) } == ["t-durable"])
            try await second.close()
        }
    }

    @Test func migrationsAreIdempotentOnReopen() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("baton.sqlite").path
            let first = try SQLiteStore(path: path)
            try await first.write { try $0.save(Self.workflow("wf-1"), previous: nil) }
            try await first.close()
            for _ in 0..<3 {
                let reopened = try SQLiteStore(path: path)
                #expect(try await reopened.read { try $0.workflow(id: "wf-1", includeTasks: false) }?.workflowId == "wf-1")
                try await reopened.close()
            }
            let raw = try DatabaseQueue(path: path)
            try await raw.read { db in
                let applied = try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier")
                #expect(applied == ["v1-initial", "v2-search-by-name-and-status", "v3-queue-in-claim-order",
                                    "v4-queue-without-rowid", "v5-events-by-workflow", "v6-task-limits", "v7-payloads-apart", "v8-schedules"])
                #expect(try Schema.migrator.hasCompletedMigrations(db))
                #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM workflows") == 1)
            }
            try raw.close()
        }
    }

    @Test("a database from before the search counts gets them counted when it is opened")
    func searchCountsAreBackfilled() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("baton.sqlite").path
            let first = try SQLiteStore(path: path)
            try await first.write { tx in
                for id in ["wf-1", "wf-2", "wf-3"] { try tx.save(Self.workflow(id), previous: nil) }
            }
            try await first.close()
            // Take the database back to the first schema, as an older Baton left it.
            let reopened = try await Self.reopen(path, after: """
                DROP TRIGGER workflows_counted_on_insert; DROP TRIGGER workflows_counted_on_delete;
                DROP TRIGGER workflows_counted_on_update; DROP TABLE workflow_counts;
                DROP INDEX workflows_by_name_status;
                DELETE FROM grdb_migrations WHERE identifier = 'v2-search-by-name-and-status';
                """)
            let all = try WorkflowSearch(query: nil, freeText: nil, sort: [], start: 0, size: 0)
            let byName = try WorkflowSearch(query: "workflowType = \(Self.workflow("wf-1").workflowName)",
                                            freeText: nil, sort: [], start: 0, size: 0)
            #expect(try await reopened.read { try $0.search(all) }.totalHits == 3)
            #expect(try await reopened.read { try $0.search(byName) }.totalHits == 3)
            try await reopened.close()
        }
    }

    @Test("a queue from before the rowid-less table keeps its entries, claimed in the same order, once opened")
    func queueEntriesSurviveTheRebuild() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("baton.sqlite").path
            try await SQLiteStore(path: path).close()
            // Take the queue back to the third schema, as an older Baton left it, with entries in it.
            let reopened = try await Self.reopen(path, after: """
                DROP TABLE queue;
                CREATE TABLE queue (task_id TEXT PRIMARY KEY NOT NULL, workflow_id TEXT NOT NULL,
                    queue_name TEXT NOT NULL, priority INTEGER NOT NULL, visible_at INTEGER NOT NULL);
                CREATE INDEX queue_by_workflow ON queue(workflow_id);
                CREATE INDEX queue_in_claim_order ON queue(queue_name, priority DESC, visible_at);
                INSERT INTO queue VALUES ('t-late', 'wf', 'charge', 0, 30), ('t-urgent', 'wf', 'charge', 5, 20),
                    ('t-early', 'wf', 'charge', 0, 10), ('t-hidden', 'wf', 'charge', 9, 500),
                    ('t-other', 'wf', 'refund', 0, 1);
                DELETE FROM grdb_migrations WHERE identifier = 'v4-queue-without-rowid';
                """)
            #expect(try await reopened.write { try $0.claim(queueName: "charge", count: 10, now: 100) }
                    == ["t-urgent", "t-early", "t-late"])
            #expect(try await reopened.read { try $0.queueSizes() } == ["charge": 1, "refund": 1])
            try await reopened.close()
        }
    }

    @Test("an audit trail from before the trail was kept by workflow reads back in order, and goes on after it")
    func eventsSurviveTheRebuild() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("baton.sqlite").path
            try await SQLiteStore(path: path).close()
            // Take the trail back to the first schema, as an older Baton left it: ids shared by every workflow.
            let reopened = try await Self.reopen(path, after: """
                DROP TABLE events;
                CREATE TABLE events (id INTEGER PRIMARY KEY AUTOINCREMENT, workflow_id TEXT NOT NULL,
                    time INTEGER NOT NULL, kind TEXT NOT NULL, actor TEXT NOT NULL, task_id TEXT, detail TEXT);
                CREATE INDEX events_by_workflow ON events(workflow_id, id);
                INSERT INTO events (workflow_id, time, kind, actor, task_id, detail) VALUES
                    ('wf-a', 10, 'workflow.started', 'api', NULL, NULL),
                    ('wf-b', 11, 'workflow.started', 'api', NULL, NULL),
                    ('wf-a', 12, 'signal.pause', 'ops', NULL, 'deploy'),
                    ('wf-a', 12, 'status.paused', 'ops', NULL, NULL),
                    ('wf-b', 13, 'task.result_ignored', 'worker', 't-1', 'late');
                DELETE FROM grdb_migrations WHERE identifier = 'v5-events-by-workflow';
                """)
            try await reopened.write { tx in
                try tx.append(WorkflowEvent(workflowId: "wf-a", time: 12, kind: "signal.resume", actor: "ops"))
                try tx.append(WorkflowEvent(workflowId: "wf-c", time: 14, kind: "workflow.started", actor: "api"))
            }
            let trailOfA = try await reopened.read { try $0.events(workflowId: "wf-a") }
            #expect(trailOfA.map(\.kind) == ["workflow.started", "signal.pause", "status.paused", "signal.resume"])
            #expect(trailOfA.map(\.detail) == [nil, "deploy", nil, nil])
            let trailOfB = try await reopened.read { try $0.events(workflowId: "wf-b") }
            #expect(trailOfB == [WorkflowEvent(workflowId: "wf-b", time: 11, kind: "workflow.started", actor: "api"),
                                 WorkflowEvent(workflowId: "wf-b", time: 13, kind: "task.result_ignored", actor: "worker",
                                               taskId: "t-1", detail: "late")])
            #expect(try await reopened.read { try $0.events(workflowId: "wf-c") }.map(\.kind) == ["workflow.started"])
            try await reopened.close()
        }
    }

    @Test("the writer commits with the durability the store was opened with (FULL syncs the log at each commit)",
          arguments: SQLiteStore.Durability.allCases)
    func commitsHaveTheDurabilityAskedFor(durability: SQLiteStore.Durability) async throws {
        try await withTemporaryDirectory { directory in
            let store = try SQLiteStore(path: directory.appendingPathComponent("baton.sqlite").path, durability: durability)
            let setting = try await store.write { tx in
                try tx.save(Self.workflow("wf-durable"), previous: nil)
                return try (tx as? SQLiteTransaction).flatMap { try Int.fetchOne($0.db, sql: "PRAGMA synchronous") }
            }
            #expect(setting == (durability == .full ? 2 : 1), "PRAGMA synchronous on the writer: \(setting.map(String.init) ?? "none")")
            try await store.close()
        }
    }

    /// GRDB prepares each connection and then may set pragmas of its own (it set `synchronous` on the writer,
    /// which the test above reads back): the store's other settings for its writer, read back from inside a write.
    @Test func theWriterKeepsItsSettings() async throws {
        try await withTemporaryDirectory { directory in
            let store = try SQLiteStore(path: directory.appendingPathComponent("baton.sqlite").path)
            let settings = try await store.write { tx -> [String: Int] in
                guard let db = (tx as? SQLiteTransaction)?.db else { return [:] }
                var settings: [String: Int] = [:]
                for pragma in ["cache_size", "temp_store", "foreign_keys", "wal_autocheckpoint"] {
                    settings[pragma] = try Int.fetchOne(db, sql: "PRAGMA \(pragma)")
                }
                return settings
            }
            #expect(settings == ["cache_size": -65536, "temp_store": 2, "foreign_keys": 1,
                                 "wal_autocheckpoint": Checkpointer.writerCheckpointPages])
            try await store.close()
        }
    }

    @Test func theDatabaseIsInWALMode() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("baton.sqlite").path
            let store = try SQLiteStore(path: path)
            try await store.write { try $0.save(Self.workflow("wf-wal"), previous: nil) }
            let raw = try DatabaseQueue(path: path)
            let mode = try await raw.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
            #expect(mode == "wal")
            #expect(FileManager.default.fileExists(atPath: path + "-wal"))
            try raw.close()
            try await store.close()
        }
    }

    /// Closing copies the log into the database file and removes it: a closed store leaves the file alone.
    @Test func closingRemovesTheLogAndItsIndex() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("baton.sqlite").path
            let store = try SQLiteStore(path: path)
            try await store.write { try $0.save(Self.workflow("wf-closed"), previous: nil) }
            #expect(try await store.read { try $0.workflow(id: "wf-closed", includeTasks: false) } != nil)
            #expect(FileManager.default.fileExists(atPath: path + "-wal"))
            try await store.close()
            #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
            #expect(!FileManager.default.fileExists(atPath: path + "-shm"))
            let reopened = try SQLiteStore(path: path)
            #expect(try await reopened.read { try $0.workflow(id: "wf-closed", includeTasks: false) } != nil)
            try await reopened.close()
        }
    }

    /// The writer leaves checkpoints to a connection of its own: a commit far below the writer's checkpoint
    /// threshold still reaches the database file itself (not only the log) shortly afterwards.
    @Test func commitsReachTheDatabaseFileWithoutTheWriterCheckpointing() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("baton.sqlite").path
            let store = try SQLiteStore(path: path)
            let writerThreshold = try await store.write { tx in
                try tx.save(Self.workflow("wf-checkpointed"), previous: nil)
                return try (tx as? SQLiteTransaction).flatMap { try Int.fetchOne($0.db, sql: "PRAGMA wal_autocheckpoint") }
            }
            #expect(writerThreshold == Checkpointer.writerCheckpointPages)
            let copy = directory.appendingPathComponent("copy.sqlite").path
            var found = false
            for _ in 0..<100 where !found {
                try? await Task.sleep(for: .milliseconds(50))
                // The main file alone, as it would be if the log were lost: what a checkpoint has copied into it.
                try? FileManager.default.removeItem(atPath: copy)
                try? FileManager.default.removeItem(atPath: copy + "-wal")
                try FileManager.default.copyItem(atPath: path, toPath: copy)
                // A copy taken while a checkpoint writes may be torn: that is not yet, and the next one is read.
                guard let raw = try? DatabaseQueue(path: copy) else { continue }
                found = (try? await raw.read { db in
                    try Int.fetchOne(db, sql: "SELECT count(*) FROM workflows WHERE id = 'wf-checkpointed'") == 1
                }) ?? false
                try raw.close()
            }
            #expect(found, "the commit never reached the database file")
            try await store.close()
        }
    }

    @Test func aPathInAMissingDirectoryIsCreated() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("not/yet/there/baton.sqlite").path
            #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("not").path))
            let store = try SQLiteStore(path: path)
            try await store.write { try $0.save(Self.workflow("wf-new-dir"), previous: nil) }
            #expect(try await store.read { try $0.workflow(id: "wf-new-dir", includeTasks: false) } != nil)
            try await store.close()
            #expect(FileManager.default.fileExists(atPath: path))
        }
    }

    @Test func anUnopenablePathIsAStoreError() throws {
        let error = #expect(throws: StoreError.self) {
            _ = try SQLiteStore(path: "/dev/null/baton.sqlite")
        }
        #expect(error?.code == .failed)
    }

    @Test func executionsShareOneSnapshotRowPerDistinctDefinition() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("baton.sqlite").path
            let store = try SQLiteStore(path: path)
            var changed = Self.definition
            changed.description = "changed"
            try await store.write { [changed] tx in
                try tx.save(Self.workflow("wf-1"), previous: nil)
                try tx.save(Self.workflow("wf-2"), previous: nil)
                try tx.save(Self.workflow("wf-3", definition: changed), previous: nil)
            }
            try await store.close()
            let raw = try DatabaseQueue(path: path)
            let counts = try await raw.read { db in
                (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM definition_snapshots"),
                 try Int.fetchOne(db, sql: "SELECT COUNT(DISTINCT definition_key) FROM workflows"))
            }
            #expect(counts.0 == 2)
            #expect(counts.1 == 2)
            try raw.close()
        }
    }

    @Test("a large input is written once, apart from its row, and read from memory by the decisions that follow")
    func largePayloadsAreKeptApart() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("baton.sqlite").path
            var limits = PayloadLimits()
            limits.workflowInput.threshold = 1_000
            let store = try SQLiteStore(path: path, payloads: limits)
            var workflow = Self.workflow("wf-large")
            workflow.input = ["blob": .string(String(repeating: "z", count: 5_000))]
            try await store.write { [workflow] in try $0.save(workflow, previous: nil) }
            let raw = try DatabaseQueue(path: path)
            let stored = { try raw.read { db in
                (try String.fetchOne(db, sql: "SELECT substr(input, 1, 1) FROM workflows"),
                 try String.fetchOne(db, sql: "SELECT version FROM payloads WHERE owner_id = 'wf-large'"))
            } }
            let (column, version) = try stored()
            #expect(column == "@", "the row references the payload")
            try await store.touch("wf-large", rounds: 3)  // what decisions that change something else do
            #expect(try stored().1 == version, "saves that kept the input did not write it again")
            // With the copy apart gone behind the store's back, the store still has it: decisions do not read it again.
            try await raw.write { try $0.execute(sql: "UPDATE payloads SET json = '{}'") }
            #expect(try await store.read { try $0.workflow(id: "wf-large", includeTasks: false) }?.input == workflow.input)
            try await store.close()
            // A store opened afresh reads the copy apart (here, the emptied one).
            let reopened = try SQLiteStore(path: path, payloads: limits)
            #expect(try await reopened.read { try $0.workflow(id: "wf-large", includeTasks: false) }?.input == [:])
            try await reopened.close()
            try raw.close()
        }
    }
}
