import BatonClient
import BatonModel
import BatonTesting
import Foundation
import Hummingbird
import NIOCore
import Testing

@Suite("Reading the server's answers")
struct ClientReplyTests {
    /// Tasks with a definition node each, as a poll hands them out.
    private static var tasks: [BatonModel.TaskExecution] {
        var node = WorkflowTask(name: "work", taskReferenceName: "step", inputParameters: ["n": "${workflow.input.n}"])
        node.taskDefinition = TaskDef(name: "work", retryCount: 1)
        return (0..<3).map { index in
            var task = BatonModel.TaskExecution(taskId: "t-\(index)", taskType: "work", taskDefName: "work", referenceTaskName: "step",
                                       workflowInstanceId: "w-\(index)", seq: 1, scheduledTime: 1)
            task.status = .inProgress
            task.inputData = ["n": .int(Int64(index)), "text": "é \"quoted\""]
            task.workflowTask = node
            return task
        }
    }

    @Test("a poll's tasks read as they were sent; an answer that is not JSON, or not tasks, is an invalid response")
    func pollAnswers() async throws {
        let router = Router()
        let answers = ["good": String(decoding: try JSONEncoder().encode(Self.tasks), as: UTF8.self),
                       "garbage": "<html>not JSON</html>", "shape": #"{"taskId":"t-1"}"#]
        router.get("api/tasks/poll/batch/{taskType}") { _, context -> Response in
            let body = answers[context.parameters.get("taskType") ?? ""] ?? "[]"
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        let server = try await StubServer.start(router)
        try await withBatonClient(baseURL: server.baseURL) { client in
            let polled = try await client.tasks.batchPoll(taskType: "good", count: 3)
            #expect(polled == Self.tasks)
            for taskType in ["garbage", "shape"] {
                let error = await #expect(throws: ClientError.self) { try await client.tasks.batchPoll(taskType: taskType, count: 3) }
                #expect(error?.code == .invalidResponse, "\(taskType)")
                #expect(error?.message.contains("Expected Array<TaskExecution> in the answer") == true, "\(error?.message ?? "")")
            }
        }
        await server.stop()
    }
}
