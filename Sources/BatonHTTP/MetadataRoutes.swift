import BatonEngine
import BatonModel
import Hummingbird

/// `/api/metadata`: task and workflow definitions.
struct MetadataRoutes {
    let engine: Engine

    func register(on group: RouterGroup<BatonRequestContext>) {
        group.post("taskdefs") { request, context in
            let definitions = try await request.decode([TaskDef].self)
            try await engine.register(taskDefs: definitions, actor: context.actor)
            return JSONResponse.empty()
        }
        group.put("taskdefs") { request, context in
            try await engine.update(taskDef: request.decode(TaskDef.self), actor: context.actor)
            return JSONResponse.empty()
        }
        group.get("taskdefs") { _, _ in
            try JSONResponse.make(await engine.taskDefs())
        }
        group.get("taskdefs/{taskType}") { _, context in
            try JSONResponse.make(await engine.taskDef(named: context.parameters.path("taskType")))
        }
        group.delete("taskdefs/{taskType}") { _, context in
            try await engine.deleteTaskDef(named: context.parameters.path("taskType"))
            return JSONResponse.empty()
        }
        group.post("workflow") { request, context in
            let definition = try await request.decode(WorkflowDef.self)
            try await engine.register(workflowDef: definition, overwrite: request.flag("overwrite", default: false),
                                      actor: context.actor)
            return JSONResponse.empty()
        }
        group.post("workflow/validate") { request, _ in
            let definition = try await request.decode(WorkflowDef.self)
            try engine.validate(definition)
            return JSONResponse.empty()
        }
        group.put("workflow") { request, context in
            let definitions = try await request.decode([WorkflowDef].self)
            return try JSONResponse.make(await engine.upsert(workflowDefs: definitions, actor: context.actor))
        }
        group.get("workflow") { _, _ in
            try JSONResponse.make(await engine.workflowDefs())
        }
        group.get("workflow/names") { _, _ in
            try JSONResponse.make(Array(Set(await engine.workflowDefs().map(\.name))).sorted())
        }
        group.get("workflow/latest-versions") { _, _ in
            let latest = Dictionary(try await engine.workflowDefs().map { ($0.name, $0) }) { $0.version >= $1.version ? $0 : $1 }
            return try JSONResponse.make(latest.values.sorted { $0.name < $1.name })
        }
        group.get("workflow/names-and-versions") { _, _ in
            let summaries = Dictionary(grouping: try await engine.workflowDefs().map(Self.summary), by: \.name)
            return try JSONResponse.make(summaries)
        }
        group.get("workflow/{name}/versions") { _, context in
            let name = try context.parameters.path("name")
            let versions = try await engine.workflowDefs().filter { $0.name == name }.map(Self.summary)
            return try JSONResponse.make(versions.sorted { $0.version < $1.version })
        }
        group.get("workflow/{name}") { request, context in
            try JSONResponse.make(await engine.workflowDef(named: context.parameters.path("name"),
                                                           version: request.integer("version")))
        }
        group.delete("workflow/{name}/{version}") { _, context in
            guard let version = Int(try context.parameters.path("version")) else {
                throw BadRequest("version must be a whole number")
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
