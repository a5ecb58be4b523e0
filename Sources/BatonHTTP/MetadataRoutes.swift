import BatonEngine
import BatonModel
import Hummingbird

/// `/api/metadata`: task and workflow definitions.
struct MetadataRoutes {
    let engine: Engine

    func register(on router: Router<BatonRequestContext>) {
        router.on(.registerTaskDefinitions) { request, context in
            let definitions = try await request.decode([TaskDef].self)
            try await engine.register(taskDefs: definitions, actor: context.actor)
            return JSONResponse.empty()
        }
        router.on(.updateTaskDefinition) { request, context in
            try await engine.update(taskDef: request.decode(TaskDef.self), actor: context.actor)
            return JSONResponse.empty()
        }
        router.on(.taskDefinitions) { _, _ in
            try JSONResponse.make(await engine.taskDefs())
        }
        router.on(.taskDefinition) { _, context in
            try JSONResponse.make(await engine.taskDef(named: context.parameters.path("taskType")))
        }
        router.on(.deleteTaskDefinition) { _, context in
            try await engine.deleteTaskDef(named: context.parameters.path("taskType"))
            return JSONResponse.empty()
        }
        router.on(.registerWorkflowDefinition) { request, context in
            let definition = try await request.decode(WorkflowDef.self)
            try await engine.register(workflowDef: definition, overwrite: request.flag("overwrite", default: false),
                                      actor: context.actor)
            return JSONResponse.empty()
        }
        router.on(.validateWorkflowDefinition) { request, _ in
            let definition = try await request.decode(WorkflowDef.self)
            try engine.validate(definition)
            return JSONResponse.empty()
        }
        router.on(.updateWorkflowDefinitions) { request, context in
            let definitions = try await request.decode([WorkflowDef].self)
            return try JSONResponse.make(await engine.upsert(workflowDefs: definitions, actor: context.actor))
        }
        router.on(.workflowDefinitions) { _, _ in
            try JSONResponse.make(await engine.workflowDefs())
        }
        router.on(.workflowNames) { _, _ in
            try JSONResponse.make(Array(Set(await engine.workflowDefs().map(\.name))).sorted())
        }
        router.on(.latestWorkflowDefinitions) { _, _ in
            let latest = Dictionary(try await engine.workflowDefs().map { ($0.name, $0) }) { $0.version >= $1.version ? $0 : $1 }
            return try JSONResponse.make(latest.values.sorted { $0.name < $1.name })
        }
        router.on(.workflowNamesAndVersions) { _, _ in
            let summaries = Dictionary(grouping: try await engine.workflowDefs().map(Self.summary), by: \.name)
            return try JSONResponse.make(summaries)
        }
        router.on(.workflowVersions) { _, context in
            let name = try context.parameters.path("name")
            let versions = try await engine.workflowDefs().filter { $0.name == name }.map(Self.summary)
            return try JSONResponse.make(versions.sorted { $0.version < $1.version })
        }
        router.on(.workflowDefinition) { request, context in
            try JSONResponse.make(await engine.workflowDef(named: context.parameters.path("name"),
                                                           version: request.integer("version")))
        }
        router.on(.deleteWorkflowDefinition) { _, context in
            guard let version = Int(try context.parameters.path("version")) else {
                throw Refusal.badRequest("version must be a whole number")
            }
            try await engine.deleteWorkflowDef(named: context.parameters.path("name"), version: version)
            return JSONResponse.empty()
        }
    }

    static func summary(_ definition: WorkflowDef) -> WorkflowDefSummary {
        WorkflowDefSummary(name: definition.name, version: definition.version, createTime: definition.createTime,
                           updateTime: definition.updateTime)
    }
}
