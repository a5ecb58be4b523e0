import BatonDecider
import Foundation
import Testing

/// Spring's cron expressions as Conductor's scheduler reads them: the scenarios of Spring's own
/// `CronExpressionTests` (its dates where it used today's), plus time-zone cases.
@Suite struct CronExpressionTests {
    /// The next `count` fire times of `expression` after the wall-clock time `from` in `zone`, as wall-clock
    /// times there (with their offset when `offsets`).
    static func fires(_ expression: String, from: String, zone: String = "UTC", count: Int = 1,
                      offsets: Bool = false) throws -> [String] {
        let timeZone = try #require(TimeZone(identifier: zone))
        let parser = DateFormatter()
        parser.locale = Locale(identifier: "en_US_POSIX")
        parser.timeZone = timeZone
        parser.dateFormat = from.count > 19 ? "yyyy-MM-dd'T'HH:mm:ssxxx" : "yyyy-MM-dd'T'HH:mm:ss"
        let start = try #require(parser.date(from: from), "\(from)")
        let printer = DateFormatter()
        printer.locale = Locale(identifier: "en_US_POSIX")
        printer.timeZone = timeZone
        printer.dateFormat = offsets ? "yyyy-MM-dd'T'HH:mm:ssxxx" : "yyyy-MM-dd'T'HH:mm:ss"
        let times = try CronExpression(expression)
            .nextFireTimes(after: Int64(start.timeIntervalSince1970 * 1000), in: timeZone, count: count)
        return times.map { printer.string(from: Date(timeIntervalSince1970: TimeInterval($0) / 1000)) }
    }

    @Test(arguments: [
        // seconds, minutes, hours
        ("* * * * * *", "2020-05-05T10:00:58", ["2020-05-05T10:00:59", "2020-05-05T10:01:00"]),
        ("10 * * * * *", "2020-05-05T10:00:09", ["2020-05-05T10:00:10"]),
        ("11 * * * * *", "2020-05-05T10:00:10", ["2020-05-05T10:00:11"]),
        ("10 * * * * *", "2020-05-05T10:00:11", ["2020-05-05T10:01:10"]),
        ("10-15 * * * * *", "2020-05-05T10:00:12", ["2020-05-05T10:00:13", "2020-05-05T10:00:14", "2020-05-05T10:00:15",
                                                    "2020-05-05T10:01:10"]),
        ("0 * * * * *", "2020-05-05T10:10:30", ["2020-05-05T10:11:00", "2020-05-05T10:12:00"]),
        ("0 11 * * * *", "2020-05-05T10:10:30", ["2020-05-05T10:11:00"]),
        ("0 10 * * * *", "2020-05-05T11:11:00", ["2020-05-05T12:10:00"]),
        ("0 0 * * * *", "2020-10-30T11:01:00", ["2020-10-30T12:00:00", "2020-10-30T13:00:00"]),
        ("0 0 * * * *", "2020-09-10T23:01:00", ["2020-09-11T00:00:00"]),
        ("55 5 * * * *", "2020-05-05T10:04:54", ["2020-05-05T10:05:55", "2020-05-05T11:05:55"]),
        ("55 * 10 * * *", "2020-05-05T09:30:54", ["2020-05-05T10:00:55", "2020-05-05T10:01:55"]),
        ("* 5 10 * * *", "2020-05-05T09:04:20", ["2020-05-05T10:05:00", "2020-05-05T10:05:01"]),
        // days and months
        ("0 0 0 * * *", "2020-09-30T08:00:00", ["2020-10-01T00:00:00", "2020-10-02T00:00:00"]),
        ("0 0 0 * * *", "2020-08-30T08:00:00", ["2020-08-31T00:00:00", "2020-09-01T00:00:00"]),
        ("* * * 10 * *", "2020-05-09T08:00:00", ["2020-05-10T00:00:00"]),
        ("* * * 10 * *", "2020-05-11T08:00:00", ["2020-06-10T00:00:00"]),
        ("55 * * 3 * *", "2020-05-02T08:30:54", ["2020-05-03T00:00:55", "2020-05-03T00:01:55"]),
        ("* * * 3 11 *", "2020-10-02T08:00:00", ["2020-11-03T00:00:00", "2020-11-03T00:00:01"]),
        ("0 0 0 1 * *", "2020-10-30T08:00:00", ["2020-11-01T00:00:00", "2020-12-01T00:00:00"]),
        ("0 0 0 1 * *", "2010-12-31T08:00:00", ["2011-01-01T00:00:00", "2011-02-01T00:00:00"]),
        ("0 0 0 31 * *", "2020-10-30T08:00:00", ["2020-10-31T00:00:00", "2020-12-31T00:00:00"]),
        ("0 0 0 29 2 *", "2007-02-10T08:00:00", ["2008-02-29T00:00:00", "2012-02-29T00:00:00"]),
        ("* * * * * 2", "2020-05-04T08:00:00", ["2020-05-05T00:00:00"]),  // Monday → Tuesday
        ("* * * * * 2", "2020-05-06T08:00:00", ["2020-05-12T00:00:00"]),  // Wednesday → next Tuesday
        ("0 0 7 ? * MON-FRI", "2009-09-26T12:00:00", ["2009-09-28T07:00:00", "2009-09-29T07:00:00", "2009-09-30T07:00:00"]),
        ("0 30 23 30 1/3 ?", "2010-12-30T12:00:00", ["2011-01-30T23:30:00", "2011-04-30T23:30:00", "2011-07-30T23:30:00"]),
        ("0 0 0 ? * SUN-FRI", "2021-02-25T15:00:00", ["2021-02-26T00:00:00", "2021-02-28T00:00:00"]),
        // both day fields must match
        ("0 0 0 29 2 WED", "2012-02-29T01:00:00", ["2040-02-29T00:00:00"]),
        ("0 0 0 13 * FRI", "2018-07-31T11:47:14", ["2019-09-13T00:00:00", "2019-12-13T00:00:00"]),
        ("0 15 12 */10 1-8 5", "2021-04-30T12:14:59", ["2021-05-21T12:15:00", "2021-06-11T12:15:00", "2022-01-21T12:15:00"]),
        ("3-57 13-28 17,18 1,15 3-12 6#1", "2022-09-15T17:44:11", ["2022-10-01T17:13:03"]),
        ("*/28 56 22 */6 * *", "2022-02-27T08:00:42", ["2022-03-01T22:56:00"]),
        // L, W and #
        ("0 0 0 L * *", "2008-01-04T08:00:00", ["2008-01-31T00:00:00", "2008-02-29T00:00:00", "2008-03-31T00:00:00",
                                                "2008-04-30T00:00:00"]),
        ("0 0 0 L-3 * *", "2008-01-04T08:00:00", ["2008-01-28T00:00:00", "2008-02-26T00:00:00", "2008-03-28T00:00:00",
                                                  "2008-04-27T00:00:00"]),
        ("0 0 0 LW * *", "2008-01-04T08:00:00", ["2008-01-31", "2008-02-29", "2008-03-31", "2008-04-30", "2008-05-30",
                                                 "2008-06-30", "2008-07-31", "2008-08-29", "2008-09-30", "2008-10-31",
                                                 "2008-11-28", "2008-12-31"].map { $0 + "T00:00:00" }),
        ("0 0 0 * * 5L", "2008-01-04T08:00:00", ["2008-01-25", "2008-02-29", "2008-03-28", "2008-04-25", "2008-05-30",
                                                 "2008-06-27", "2008-07-25", "2008-08-29", "2008-09-26", "2008-10-31",
                                                 "2008-11-28", "2008-12-26"].map { $0 + "T00:00:00" }),
        ("0 0 0 15W * ?", "2020-01-01T00:00:00", ["2020-01-15T00:00:00", "2020-02-14T00:00:00", "2020-03-16T00:00:00",
                                                  "2020-04-15T00:00:00"]),
        ("0 0 0 1W * ?", "2019-12-31T00:00:00", ["2020-01-01T00:00:00", "2020-02-03T00:00:00", "2020-03-02T00:00:00",
                                                 "2020-04-01T00:00:00"]),
        ("0 0 0 1W * ?", "2022-01-01T00:00:00", ["2022-01-03T00:00:00"]),
        ("0 0 0 1W * ?", "2021-08-01T00:00:00", ["2021-08-02T00:00:00"]),
        ("0 0 0 31W * ?", "2020-01-01T00:00:00", ["2020-01-31", "2020-03-31", "2020-07-31", "2020-08-31", "2020-10-30",
                                                  "2020-12-31"].map { $0 + "T00:00:00" }),
        ("0 0 0 ? * 5#2", "2020-01-01T00:00:00", ["2020-01-10T00:00:00", "2020-02-14T00:00:00", "2020-03-13T00:00:00",
                                                  "2020-04-10T00:00:00"]),
        ("0 0 0 ? * FRI#2", "2020-01-01T00:00:00", ["2020-01-10T00:00:00", "2020-02-14T00:00:00", "2020-03-13T00:00:00",
                                                    "2020-04-10T00:00:00"]),
        ("0 0 0 ? * 3#5", "2020-01-01T00:00:00", ["2020-01-29", "2020-04-29", "2020-07-29", "2020-09-30",
                                                  "2020-12-30"].map { $0 + "T00:00:00" }),
        ("0 0 0 1W,15,LW * ?", "2019-12-30T00:00:00", ["2019-12-31T00:00:00", "2020-01-01T00:00:00", "2020-01-15T00:00:00",
                                                       "2020-01-31T00:00:00"]),
        ("0 0 0 ? * THU#1,THU#3,THU#5", "2019-12-31T00:00:00", ["2020-01-02T00:00:00", "2020-01-16T00:00:00",
                                                                "2020-01-30T00:00:00"]),
        ("0 0 * L * *", "2021-01-30T00:01:00", ["2021-01-31T00:00:00", "2021-01-31T01:00:00"]),
        ("0 0 * L-1 * *", "2021-01-29T00:01:00", ["2021-01-30T00:00:00", "2021-01-30T01:00:00"]),
        ("0 0 * 1W * *", "2021-01-31T00:01:00", ["2021-02-01T00:00:00", "2021-02-01T01:00:00"]),
        ("0 0 * LW * *", "2021-01-28T00:01:00", ["2021-01-29T00:00:00", "2021-01-29T01:00:00"]),
        ("0 0 * ? * FRI#5", "2021-01-28T00:01:00", ["2021-01-29T00:00:00", "2021-01-29T01:00:00"]),
        ("0 0 * ? * FRIL", "2021-01-28T00:01:00", ["2021-01-29T00:00:00", "2021-01-29T01:00:00"]),
        // macros
        ("@yearly", "2020-10-10T08:00:00", ["2021-01-01T00:00:00", "2022-01-01T00:00:00"]),
        ("@monthly", "2020-10-10T08:00:00", ["2020-11-01T00:00:00", "2020-12-01T00:00:00"]),
        ("@weekly", "2020-05-06T08:00:00", ["2020-05-10T00:00:00", "2020-05-17T00:00:00"]),  // Sundays
        ("@daily", "2020-05-06T08:00:00", ["2020-05-07T00:00:00"]),
        ("@hourly", "2020-05-06T08:20:00", ["2020-05-06T09:00:00", "2020-05-06T10:00:00"]),
    ])
    func fireTimes(expression: String, from: String, expected: [String]) throws {
        #expect(try Self.fires(expression, from: from, count: expected.count) == expected, "\(expression) from \(from)")
    }

    @Test("an expression that names a date that never comes never fires")
    func neverFires() throws {
        #expect(try Self.fires("0 0 0 31 6 *", from: "2020-03-10T00:00:00").isEmpty)
        #expect(try Self.fires("0 0 0 30 2 *", from: "2020-03-10T00:00:00").isEmpty)
    }

    @Test("macros and names are the expressions they stand for")
    func equivalents() throws {
        #expect(try CronExpression("@yearly") == CronExpression("0 0 0 1 1 *"))
        #expect(try CronExpression("@annually") == CronExpression("@yearly"))
        #expect(try CronExpression("@monthly") == CronExpression("0 0 0 1 * *"))
        #expect(try CronExpression("@weekly") == CronExpression("0 0 0 * * 0"))
        #expect(try CronExpression("@weekly") == CronExpression("0 0 0 * * SUN"))
        #expect(try CronExpression("@daily") == CronExpression("0 0 0 * * *"))
        #expect(try CronExpression("@midnight") == CronExpression("@daily"))
        #expect(try CronExpression("@hourly") == CronExpression("0 0 * * * *"))
        #expect(try CronExpression("0 0 0 * JAN-MAR mon-fri") == CronExpression("0 0 0 * 1-3 1-5"))
        #expect(try CronExpression("0 0 0 * * 7") == CronExpression("0 0 0 * * 0"))
    }

    @Test(arguments: ["", "*", "* * * * *", "* * * * * * *", "60 * * * * *", "* 60 * * * *", "* * 24 * * *", "* * * 0 * *",
                      "* * * 32 * *", "* * * * 13 *", "* * * * 0 *", "* * * * * 8", "* * * L-31 * *", "* * * 32W * *",
                      "* * * * * MON#6", "* * * * * XYZ", "*/0 * * * * *", "5-1 * * * * *", "1/2/3 * * * * *",
                      "a * * * * *", "* * * ? * * ,"])
    func refused(_ text: String) {
        #expect(throws: CronExpression.ParseError.self, "\(text)") { try CronExpression(text) }
    }

    @Test("the refusal names the field and what is wrong")
    func refusalMessage() {
        let error = #expect(throws: CronExpression.ParseError.self) { try CronExpression("0 0 25 * * *") }
        #expect(error?.description == "hour '25': 25 is outside 0-23")
        let count = #expect(throws: CronExpression.ParseError.self) { try CronExpression("0 0 * * *") }
        #expect(count?.description.contains("has 5") == true)
    }

    @Test("daylight saving: wall-clock times across both changes; a time the spring change skips does not fire that day; a time the autumn change repeats fires once")
    func daylightSaving() throws {
        // Spring's own cases, in Amsterdam.
        #expect(try Self.fires("0 0 9 * * *", from: "2021-03-27T09:00:00+01:00", zone: "Europe/Amsterdam", offsets: true)
                == ["2021-03-28T09:00:00+02:00"])
        #expect(try Self.fires("0 0 9 * * *", from: "2021-10-30T09:00:00+02:00", zone: "Europe/Amsterdam", offsets: true)
                == ["2021-10-31T09:00:00+01:00"])
        #expect(try Self.fires("0 10 2 * * *", from: "2013-03-31T01:09:00+01:00", zone: "Europe/Amsterdam", offsets: true)
                == ["2013-04-01T02:10:00+02:00"])
        #expect(try Self.fires("0 5 0 * * *", from: "2021-03-28T01:00:00+01:00", zone: "Europe/Amsterdam", offsets: true)
                == ["2021-03-29T00:05:00+02:00"])
        // New York: 02:30 does not exist on 14 March 2021, and 01:30 happens twice on 7 November 2021.
        #expect(try Self.fires("0 30 2 * * *", from: "2021-03-13T02:30:00-05:00", zone: "America/New_York", count: 2,
                               offsets: true) == ["2021-03-15T02:30:00-04:00", "2021-03-16T02:30:00-04:00"])
        #expect(try Self.fires("0 30 1 * * *", from: "2021-11-06T01:30:00-04:00", zone: "America/New_York", count: 2,
                               offsets: true) == ["2021-11-07T01:30:00-04:00", "2021-11-08T01:30:00-05:00"])
        // Every 30 minutes through the autumn change: each wall-clock time once.
        #expect(try Self.fires("0 */30 * * * *", from: "2021-11-07T00:40:00-04:00", zone: "America/New_York", count: 4,
                               offsets: true)
                == ["2021-11-07T01:00:00-04:00", "2021-11-07T01:30:00-04:00", "2021-11-07T02:00:00-05:00",
                    "2021-11-07T02:30:00-05:00"])
        // Weekdays at 9 in New York, in UTC across the spring change.
        let utc = try Self.fires("0 0 9 * * MON-FRI", from: "2021-03-12T10:00:00-05:00", zone: "America/New_York",
                                 count: 2, offsets: true)
        #expect(utc == ["2021-03-15T09:00:00-04:00", "2021-03-16T09:00:00-04:00"])
    }

    @Test("a fire time is strictly after the instant asked about, to the second")
    func strictlyAfter() throws {
        let expression = try CronExpression("*/5 * * * * *")
        let zone = try #require(TimeZone(identifier: "UTC"))
        #expect(expression.nextFireTime(after: 10_000, in: zone) == 15_000)
        #expect(expression.nextFireTime(after: 9_999, in: zone) == 10_000)
        #expect(expression.nextFireTime(after: -1, in: zone) == 0)
        // Instants outside the years 1 to 9999 neither trap nor loop: past the end nothing fires, before the start
        // the first fire time is the first slot after 0001-01-01T00:00:00Z.
        #expect(expression.nextFireTime(after: .max, in: zone) == nil)
        #expect(expression.nextFireTime(after: 253_402_300_799_000, in: zone) == nil)
        #expect(expression.nextFireTime(after: .min, in: zone) == -62_135_596_795_000)
    }
}
