import BatonDecider
import Testing

@Suite("WaitSchedule")
struct WaitScheduleTests {
    @Test(
        "every unit spelling parses",
        arguments: [
            ("3days", 3 * 86_400), ("1 day", 86_400), ("2d", 2 * 86_400),
            ("2 hours", 7_200), ("1 hour", 3_600), ("3 hrs", 10_800), ("1hr", 3_600), ("4h", 14_400),
            ("2 minutes", 120), ("1 minute", 60), ("30 mins", 1_800), ("5min", 300), ("7m", 420),
            ("30 seconds", 30), ("1 second", 1), ("15 secs", 15), ("9sec", 9), ("10s", 10),
        ] as [(String, Int64)]
    )
    func unit(text: String, seconds: Int64) {
        #expect(WaitSchedule.durationSeconds(text) == seconds)
    }

    @Test(
        "units combine, in any case and with optional spaces",
        arguments: [
            ("1 hour 30 mins", 5_400),
            ("2d 3h", 2 * 86_400 + 3 * 3_600),
            ("1d2h30m", 86_400 + 7_200 + 1_800),
            ("1d 2h 3m 4s", 86_400 + 7_200 + 180 + 4),
            ("  10 S  ", 10),
            ("2 Hours 5 MINUTES", 7_500),
            ("1DAY", 86_400),
            ("0s", 0),
            ("30s 1m", 90),
            ("1\t h", 3_600),
        ] as [(String, Int64)]
    )
    func combined(text: String, seconds: Int64) {
        #expect(WaitSchedule.durationSeconds(text) == seconds)
    }

    @Test("a bare number is seconds")
    func bareNumber() {
        #expect(WaitSchedule.durationSeconds("45") == 45)
        #expect(WaitSchedule.durationSeconds(" 7 ") == 7)
    }

    @Test(
        "unparsable durations are nil",
        arguments: [
            "", "   ", "abc", "10x", "s", "1.5h", "-5s", "10 weeks", "1h 2h", "1h 30", "5 s m",
            "1h,30m", "99999999999999999999s", "9223372036854775807d", "ten seconds",
        ]
    )
    func badDuration(text: String) {
        #expect(WaitSchedule.durationSeconds(text) == nil)
    }

    @Test(
        "until forms parse to epoch milliseconds",
        arguments: [
            ("2024-03-15", 1_710_460_800_000),
            ("1970-01-01", 0),
            ("2024-03-15 10:30", 1_710_498_600_000),
            ("2024-03-15 10:30 UTC", 1_710_498_600_000),
            ("2024-03-15 10:30 GMT", 1_710_498_600_000),
            ("2024-03-15 10:30 Z", 1_710_498_600_000),
            ("2024-03-15 10:30 utc", 1_710_498_600_000),
            ("2024-03-15 10:30 +05:30", 1_710_498_600_000 - 19_800_000),
            ("2024-03-15 10:30 +0530", 1_710_498_600_000 - 19_800_000),
            ("2024-03-15 10:30 GMT+05:30", 1_710_498_600_000 - 19_800_000),
            ("2024-03-15 10:30 -08:00", 1_710_498_600_000 + 28_800_000),
            ("2024-03-15 10:30 -08", 1_710_498_600_000 + 28_800_000),
            ("2024-03-15 10:30 PST", 1_710_498_600_000 + 28_800_000),
            ("2024-03-15 10:30 IST", 1_710_498_600_000 - 19_800_000),
            ("2024-03-15 10:30 CET", 1_710_498_600_000 - 3_600_000),
            ("2024-02-29 00:00", 1_709_164_800_000),
            ("2000-02-29", 951_782_400_000),
            ("1969-12-31 23:59", -60_000),
            ("  2024-03-15   10:30  ", 1_710_498_600_000),
        ] as [(String, Int64)]
    )
    func until(text: String, millis: Int64) {
        #expect(WaitSchedule.untilMillis(text) == millis)
    }

    @Test("an IANA zone identifier applies its offset at that date")
    func ianaZone() {
        // Paris is UTC+1 in winter and UTC+2 in summer.
        #expect(WaitSchedule.untilMillis("2024-01-15 12:00 Europe/Paris") == 1_705_316_400_000)
        #expect(WaitSchedule.untilMillis("2024-07-15 12:00 Europe/Paris") == 1_721_037_600_000)
    }

    @Test(
        "unparsable until values are nil",
        arguments: [
            "", "tomorrow", "2024-13-01", "2024-02-30", "2023-02-29", "2024-00-10", "2024-03-15 24:00",
            "2024-03-15 10:60", "2024-03-15 10", "2024-03-15 10:30:15", "2024/03/15", "15-03-2024",
            "2024-03-15 10:30 XYZ", "2024-03-15 10:30 +25:00", "2024-03-15 10:30 UTC extra", "24-03-15",
            "2024-03-15T10:30", "2024-3-x",
        ]
    )
    func badUntil(text: String) {
        #expect(WaitSchedule.untilMillis(text) == nil)
    }
}
