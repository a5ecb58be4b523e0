public import Foundation

/// A cron expression in Spring's six-field form — `second minute hour day-of-month month day-of-week` — as
/// Conductor's scheduler reads `cronExpression`, and the instants it fires at in a time zone.
///
/// Each field takes `*`, a value, a range `a-b`, a step `*/n`, `a/n` or `a-b/n`, or a list of those; months
/// and days of the week also by name (`JAN`, `MON`, in any case). Days of the week count from Monday (1) to
/// Sunday (7, or 0). The day-of-month field also takes `?` (any), `L` (the last day), `L-n` (n days before
/// it), `LW` (the last weekday) and `nW` (the weekday nearest day n within its month); the day-of-week field
/// `?`, `dL` (the last such day of the month) and `d#n` (its n-th in the month). A day must match both day
/// fields. `@yearly`, `@annually`, `@monthly`, `@weekly`, `@daily`, `@midnight` and `@hourly` stand for
/// their expressions.
///
/// Fire times are wall-clock times in the schedule's zone: a time that a daylight-saving change skips does
/// not fire that day, and one that it repeats fires once, at its first occurrence.
public struct CronExpression: Sendable, Hashable, CustomStringConvertible {
    /// The text it was parsed from.
    public let description: String
    private let seconds: Set<Int>
    private let minutes: Set<Int>
    private let hours: Set<Int>
    private let months: Set<Int>
    private let daysOfMonth: [DayOfMonth]
    private let daysOfWeek: [DayOfWeek]

    /// Two expressions are equal when they fire at the same times, whatever their text (`@daily` and `0 0 0 * * *`).
    public static func == (lhs: CronExpression, rhs: CronExpression) -> Bool {
        lhs.seconds == rhs.seconds && lhs.minutes == rhs.minutes && lhs.hours == rhs.hours && lhs.months == rhs.months
            && lhs.daysOfMonth == rhs.daysOfMonth && lhs.daysOfWeek == rhs.daysOfWeek
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(seconds)
        hasher.combine(minutes)
        hasher.combine(hours)
        hasher.combine(months)
        hasher.combine(daysOfMonth)
        hasher.combine(daysOfWeek)
    }

    /// Why a text is not a cron expression.
    public struct ParseError: Error, Sendable, Hashable, CustomStringConvertible {
        public let description: String
    }

    /// Parses `text`; throws a `ParseError` naming the field at fault.
    public init(_ text: String) throws(ParseError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let expanded = Self.macros[trimmed.lowercased()] ?? trimmed
        let fields = expanded.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard fields.count == 6 else {
            throw ParseError(description: "A cron expression has six fields (second minute hour day-of-month month "
                + "day-of-week), or is one of \(Self.macros.keys.sorted().joined(separator: ", ")); '\(text)' has \(fields.count)")
        }
        description = text
        seconds = try Self.values(fields[0], field: "second", in: 0...59)
        minutes = try Self.values(fields[1], field: "minute", in: 0...59)
        hours = try Self.values(fields[2], field: "hour", in: 0...23)
        var daysOfMonth: [DayOfMonth] = []
        for element in fields[3].split(separator: ",", omittingEmptySubsequences: false) {
            daysOfMonth.append(try DayOfMonth(String(element)))
        }
        self.daysOfMonth = daysOfMonth
        months = try Self.values(fields[4], field: "month", in: 1...12, names: Self.monthNames)
        var daysOfWeek: [DayOfWeek] = []
        for element in fields[5].split(separator: ",", omittingEmptySubsequences: false) {
            daysOfWeek.append(try DayOfWeek(String(element)))
        }
        self.daysOfWeek = daysOfWeek
    }

    /// The first instant (milliseconds since the epoch) after `instant` at which the expression fires in
    /// `zone`, or nil if it never does (`0 0 0 31 6 *`: June has no 31st).
    public func nextFireTime(after instant: Int64, in zone: TimeZone) -> Int64? {
        // Fire times are looked for between the years 1 and 9999.
        guard instant < Self.latestInstant else { return nil }
        let afterSeconds = Self.floorDivide(max(instant, Self.earliestInstant), 1000)
        let start = afterSeconds + 1
        let startLocal = start + Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(start))))
        var day = Self.floorDivide(startLocal, 86_400)
        var fromTime = Int(startLocal - day * 86_400)
        // 40 years: a 29 February on a given weekday comes back within 28, or 40 across a century.
        for _ in 0..<(40 * 366) {
            let date = Self.civilDate(day)
            if months.contains(date.month), matches(date) {
                var time = fromTime
                while let next = nextTime(from: time) {
                    if let fire = Self.instant(ofLocal: day * 86_400 + Int64(next), in: zone), fire > afterSeconds {
                        return fire * 1000 <= Self.latestInstant ? fire * 1000 : nil
                    }
                    time = next + 1
                }
            }
            day += 1
            fromTime = 0
        }
        return nil
    }

    /// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z, in milliseconds.
    static let earliestInstant: Int64 = -62_135_596_800_000
    static let latestInstant: Int64 = 253_402_300_799_999

    /// The next `count` fire times after `instant`, fewer if the expression stops firing.
    public func nextFireTimes(after instant: Int64, in zone: TimeZone, count: Int) -> [Int64] {
        var times: [Int64] = []
        var last = instant
        while times.count < count, let next = nextFireTime(after: last, in: zone) {
            times.append(next)
            last = next
        }
        return times
    }

    // MARK: Matching

    /// The first second of the day at or after `time` (seconds since midnight) that the time fields match.
    private func nextTime(from time: Int) -> Int? {
        guard time < 86_400 else { return nil }
        var hour = time / 3600, minute = time / 60 % 60, second = time % 60
        while hour < 24 {
            if hours.contains(hour) {
                while minute < 60 {
                    if minutes.contains(minute), let found = (second..<60).first(where: seconds.contains) {
                        return hour * 3600 + minute * 60 + found
                    }
                    minute += 1
                    second = 0
                }
            }
            hour += 1
            minute = 0
            second = 0
        }
        return nil
    }

    private func matches(_ date: MonthDay) -> Bool {
        daysOfMonth.contains { $0.matches(date) } && daysOfWeek.contains { $0.matches(date) }
    }

    /// A day of a month: its month, its number, its weekday (1 Monday … 7 Sunday) and how many days its month has.
    struct MonthDay {
        let month: Int
        let day: Int
        let weekday: Int
        let length: Int

        /// The weekday of day `other` of the same month.
        func weekday(of other: Int) -> Int {
            ((weekday - 1 + other - day) % 7 + 7) % 7 + 1
        }
    }

    /// One element of the day-of-month field.
    enum DayOfMonth: Hashable, Sendable {
        case days(Set<Int>)
        /// `L` (0) or `L-n`.
        case last(offset: Int)
        case lastWeekday
        /// `nW`.
        case nearestWeekday(Int)

        init(_ text: String) throws(ParseError) {
            let upper = text.uppercased()
            if upper == "?" { self = .days(Set(1...31)); return }
            if upper == "L" { self = .last(offset: 0); return }
            if upper == "LW" { self = .lastWeekday; return }
            if upper.hasPrefix("L-") {
                guard let offset = Int(upper.dropFirst(2)), (0...30).contains(offset) else {
                    throw ParseError(description: "day-of-month '\(text)': L-n needs n from 0 to 30")
                }
                self = .last(offset: offset)
                return
            }
            if upper.hasSuffix("W") {
                guard let day = Int(upper.dropLast()), (1...31).contains(day) else {
                    throw ParseError(description: "day-of-month '\(text)': nW needs a day from 1 to 31")
                }
                self = .nearestWeekday(day)
                return
            }
            self = .days(try CronExpression.values(text, field: "day-of-month", in: 1...31))
        }

        func matches(_ date: MonthDay) -> Bool {
            switch self {
            case .days(let days): return days.contains(date.day)
            case .last(let offset): return date.day == date.length - offset
            case .lastWeekday:
                switch date.weekday(of: date.length) {
                case 6: return date.day == date.length - 1
                case 7: return date.day == date.length - 2
                default: return date.day == date.length
                }
            case .nearestWeekday(let target):
                guard target <= date.length else { return false }
                switch date.weekday(of: target) {
                case 6: return date.day == (target == 1 ? 3 : target - 1)
                case 7: return target < date.length && date.day == target + 1
                default: return date.day == target
                }
            }
        }
    }

    /// One element of the day-of-week field (weekdays 1 Monday … 7 Sunday).
    enum DayOfWeek: Hashable, Sendable {
        case weekdays(Set<Int>)
        /// `dL`: the last such weekday of the month.
        case last(Int)
        /// `d#n`: the n-th such weekday of the month.
        case nth(Int, Int)

        init(_ text: String) throws(ParseError) {
            let upper = text.uppercased()
            if upper == "?" { self = .weekdays(Set(1...7)); return }
            if upper.count > 1, upper.hasSuffix("L") {
                self = .last(try Self.weekday(String(upper.dropLast()), in: text))
                return
            }
            if let hash = upper.firstIndex(of: "#") {
                guard let ordinal = Int(upper[upper.index(after: hash)...]), (1...5).contains(ordinal) else {
                    throw ParseError(description: "day-of-week '\(text)': d#n needs n from 1 to 5")
                }
                self = .nth(try Self.weekday(String(upper[..<hash]), in: text), ordinal)
                return
            }
            let values = try CronExpression.values(text, field: "day-of-week", in: 0...7, names: CronExpression.dayNames)
            self = .weekdays(Set(values.map { $0 == 0 ? 7 : $0 }))
        }

        private static func weekday(_ text: String, in element: String) throws(ParseError) -> Int {
            let value = Int(text) ?? CronExpression.dayNames[text]
            guard let value, (0...7).contains(value) else {
                throw ParseError(description: "day-of-week '\(element)': '\(text)' is not a day of the week")
            }
            return value == 0 ? 7 : value
        }

        func matches(_ date: MonthDay) -> Bool {
            switch self {
            case .weekdays(let days): days.contains(date.weekday)
            case .last(let weekday): date.weekday == weekday && date.day + 7 > date.length
            case .nth(let weekday, let ordinal): date.weekday == weekday && (date.day - 1) / 7 + 1 == ordinal
            }
        }
    }

    // MARK: Parsing

    static let macros: [String: String] = [
        "@yearly": "0 0 0 1 1 *", "@annually": "0 0 0 1 1 *", "@monthly": "0 0 0 1 * *", "@weekly": "0 0 0 * * 0",
        "@daily": "0 0 0 * * *", "@midnight": "0 0 0 * * *", "@hourly": "0 0 * * * *",
    ]
    static let monthNames = ["JAN": 1, "FEB": 2, "MAR": 3, "APR": 4, "MAY": 5, "JUN": 6, "JUL": 7, "AUG": 8, "SEP": 9,
                             "OCT": 10, "NOV": 11, "DEC": 12]
    static let dayNames = ["MON": 1, "TUE": 2, "WED": 3, "THU": 4, "FRI": 5, "SAT": 6, "SUN": 7]

    /// The values a comma-separated field names within `range`.
    static func values(_ text: String, field: String, in range: ClosedRange<Int>,
                       names: [String: Int] = [:]) throws(ParseError) -> Set<Int> {
        var values: Set<Int> = []
        for element in text.uppercased().split(separator: ",", omittingEmptySubsequences: false) {
            func failure(_ why: String) -> ParseError {
                ParseError(description: "\(field) '\(text)': \(why)")
            }
            func number(_ part: Substring) throws(ParseError) -> Int {
                guard let value = Int(part) ?? names[String(part)] else { throw failure("'\(part)' is not a \(field)") }
                guard range.contains(value) else {
                    throw failure("\(value) is outside \(range.lowerBound)-\(range.upperBound)")
                }
                return value
            }
            let parts = element.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count <= 2 else { throw failure("more than one '/'") }
            var step = 1
            if parts.count == 2 {
                guard let value = Int(parts[1]), value > 0 else { throw failure("'\(parts[1])' is not a step") }
                step = value
            }
            let span = parts[0]
            let first: Int, last: Int
            if span == "*" || (span == "?" && field.hasPrefix("day")) {
                (first, last) = (range.lowerBound, range.upperBound)
            } else if let dash = span.firstIndex(of: "-"), dash != span.startIndex {
                var (low, high) = (try number(span[..<dash]), try number(span[span.index(after: dash)...]))
                if field == "day-of-week" {  // Sunday is 0 and 7: SUN-FRI runs from 0, MON-SUN to 7
                    if low == 7 && high < 7 { low = 0 }
                    if high == 0 { high = 7 }
                }
                guard low <= high else { throw failure("the range \(span) runs backwards") }
                (first, last) = (low, high)
            } else {
                first = try number(span)
                last = parts.count == 2 ? range.upperBound : first
            }
            values.formUnion(stride(from: first, through: last, by: step))
        }
        return values
    }

    // MARK: Time

    /// The instant (seconds) at which the wall clock of `zone` shows `local` (seconds since the epoch, read as
    /// a wall-clock time): the earlier one when it shows it twice, nil when it never does.
    static func instant(ofLocal local: Int64, in zone: TimeZone) -> Int64? {
        let offsets = Set([-86_400, 0, 86_400].map {
            Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(local + Int64($0)))))
        })
        return offsets.map { local - $0 }
            .filter { Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval($0)))) == local - $0 }
            .min()
    }

    /// The date of the day `days` after 1970-01-01 (the civil calendar's arithmetic on days).
    static func civilDate(_ days: Int64) -> MonthDay {
        let shifted = days + 719_468  // days from 0000-03-01
        let era = floorDivide(shifted, 146_097)
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153  // 0 is March
        let day = Int(dayOfYear - (153 * shiftedMonth + 2) / 5 + 1)
        let month = Int(shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9)
        let year = Int(yearOfEra + era * 400) + (month <= 2 ? 1 : 0)
        let weekday = Int((floorDivide(days, 7) * -7 + days + 3) % 7) + 1  // 1970-01-01 was a Thursday (4)
        let isLeap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let length = month == 2 ? (isLeap ? 29 : 28) : [4, 6, 9, 11].contains(month) ? 30 : 31
        return MonthDay(month: month, day: day, weekday: weekday, length: length)
    }

    static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        value >= 0 ? value / divisor : -((-value + divisor - 1) / divisor)
    }
}
