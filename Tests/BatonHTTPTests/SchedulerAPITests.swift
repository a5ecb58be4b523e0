import BatonClient
import BatonEngine
import BatonModel
import BatonTesting
import Foundation
import Testing

/// `GET /api/scheduler/nextFewSchedules`: when a cron expression fires, from the server's clock — the scenarios of
/// Conductor's `SchedulerServiceTest` for `getListOfNextSchedules`, and the refusals.
@Suite struct SchedulerAPITests {
    /// 2021-08-26T17:46:40Z, the instant Conductor's tests take as now.
    static let now: Int64 = 1_630_000_000_000

    static func nextFew(_ server: RunningServer, _ query: String) async throws -> (status: Int, times: [Int64], body: String) {
        let reply = try await server.client.get("/api/scheduler/nextFewSchedules?" + query)
        let body = reply.text
        return (Int(reply.status), reply.status == 200 ? try reply.decode([Int64].self) : [], body)
    }

    @Test("at most 5 fire times, ascending, each a slot of the expression after now, whatever the limit asked")
    func capsAtFive() async throws {
        try await withRunningServer { server in
            server.clock.advance(by: Self.now - server.clock.now())
            let every = try await Self.nextFew(server, "cronExpression=0%20*%20*%20*%20*%20%3F&limit=10")
            let minutes: [Int64] = (0..<5).map { 1_630_000_020_000 + Int64($0) * 60_000 }  // 17:47:00, 17:48:00, …
            #expect(every.times == minutes)
            let three = try await Self.nextFew(server, "cronExpression=0%200%209%20*%20*%20MON-FRI&limit=3")
            // Friday 27 August, Monday 30 and Tuesday 31 August 2021 at 09:00 UTC.
            #expect(three.times == [1_630_054_800_000, 1_630_314_000_000, 1_630_400_400_000])
            #expect(try await Self.nextFew(server, "cronExpression=0%200%209%20*%20*%20*").times.count == 5)
            #expect(try await Self.nextFew(server, "cronExpression=0%200%209%20*%20*%20*&limit=0").times.isEmpty)
        }
    }

    @Test("the end time stops the list early; a start time later than now is where it begins")
    func window() async throws {
        try await withRunningServer { server in
            server.clock.advance(by: Self.now - server.clock.now())
            let ended = try await Self.nextFew(server, "cronExpression=0%20*%20*%20*%20*%20%3F&scheduleEndTime=\(Self.now + 90_000)")
            #expect(ended.times == [1_630_000_020_000, 1_630_000_080_000], "only the fires before the end")
            let start = Self.now + 3_600_000  // 18:46:40
            let later = try await Self.nextFew(server, "cronExpression=0%20*%20*%20*%20*%20*&scheduleStartTime=\(start)&limit=2")
            #expect(later.times == [1_630_003_620_000, 1_630_003_680_000])
            // A start time exactly on a slot is that slot (Conductor looks from half a second before it).
            let onSlot = try await Self.nextFew(server, "cronExpression=0%20*%20*%20*%20*%20*&scheduleStartTime=1630003620000&limit=1")
            #expect(onSlot.times == [1_630_003_620_000])
            let past = try await Self.nextFew(server, "cronExpression=0%20*%20*%20*%20*%20*&scheduleStartTime=1&limit=1")
            #expect(past.times == [1_630_000_020_000], "a start time already passed changes nothing")
            let never = try await Self.nextFew(server, "cronExpression=0%200%200%2031%206%20*")
            #expect(never.status == 200 && never.times.isEmpty, "June has no 31st")
        }
    }

    @Test("an expression that is not Spring's cron, or none, is refused with a 400 naming what is wrong")
    func refusals() async throws {
        try await withRunningServer { server in
            let notCron = try await Self.nextFew(server, "cronExpression=not-a-cron")
            #expect(notCron.status == 400)
            #expect(notCron.body.contains("Invalid cron expression"), "\(notCron.body)")
            let fiveFields = try await Self.nextFew(server, "cronExpression=0%209%20*%20*%20*")
            #expect(fiveFields.status == 400 && fiveFields.body.contains("six fields"), "\(fiveFields.body)")
            let hour = try await Self.nextFew(server, "cronExpression=0%200%2025%20*%20*%20*")
            #expect(hour.status == 400 && hour.body.contains("hour '25': 25 is outside 0-23"), "\(hour.body)")
            #expect(try await Self.nextFew(server, "limit=3").status == 400)
            #expect(try await Self.nextFew(server, "cronExpression=*%20*%20*%20*%20*%20*&limit=x").status == 400)
        }
    }

    @Test("the SDK asks the same and gets the same; a refusal is a ClientError with the server's message")
    func sdk() async throws {
        try await withRunningServer { server in
            server.clock.advance(by: Self.now - server.clock.now())
            try await withBatonClient(baseURL: server.baseURL) { client in
                let times = try await client.scheduler.nextFireTimes(cronExpression: "0 * * * * ?", endTime: Self.now + 90_000)
                #expect(times == [1_630_000_020_000, 1_630_000_080_000])
                let error = await #expect(throws: ClientError.self) {
                    try await client.scheduler.nextFireTimes(cronExpression: "0 0 25 * * *")
                }
                #expect(error?.status == 400)
                #expect(error?.message.contains("hour '25'") == true, "\(String(describing: error))")
            }
        }
    }
}
