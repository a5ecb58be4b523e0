import BatonModel
import Foundation

/// Parses the `duration` and `until` inputs of a WAIT task, as Conductor's `DateTimeUtils` does.
public enum WaitSchedule {
    /// Returns the number of seconds a duration such as `"10s"`, `"1 hour 30 mins"` or `"2d 3h"` spans,
    /// or `nil` when the text is empty or not a duration.
    ///
    /// Units are days/day/d, hours/hour/hrs/hr/h, minutes/minute/mins/min/m and
    /// seconds/second/secs/sec/s, in any case, with or without spaces; each unit may appear once.
    /// A bare number counts as seconds.
    public static func durationSeconds(_ text: String) -> Int64? {
        let characters = Array(text.lowercased())
        var position = 0
        var total: Int64 = 0
        var seenUnits: Set<Int64> = []
        var componentCount = 0

        func skipSpaces() {
            while position < characters.count, characters[position].isWhitespace { position += 1 }
        }

        skipSpaces()
        while position < characters.count {
            var digits = ""
            while position < characters.count, let digit = characters[position].asciiDigit {
                digits.append(digit)
                position += 1
            }
            guard !digits.isEmpty, let amount = Int64(digits) else { return nil }
            skipSpaces()
            var unit = ""
            while position < characters.count, characters[position].isASCII, characters[position].isLetter {
                unit.append(characters[position])
                position += 1
            }
            componentCount += 1
            if unit.isEmpty {
                // A bare number is seconds, but only as the whole text.
                skipSpaces()
                guard componentCount == 1, position == characters.count else { return nil }
                return amount
            }
            guard let scale = unitScales[unit], seenUnits.insert(scale).inserted else { return nil }
            let (product, productOverflow) = amount.multipliedReportingOverflow(by: scale)
            let (sum, sumOverflow) = total.addingReportingOverflow(product)
            guard !productOverflow, !sumOverflow else { return nil }
            total = sum
            skipSpaces()
        }
        return componentCount > 0 ? total : nil
    }

    /// Returns the epoch milliseconds of an `until` instant written `yyyy-MM-dd HH:mm`,
    /// `yyyy-MM-dd HH:mm z` or `yyyy-MM-dd`, or `nil` when the text is none of those.
    ///
    /// Zone-less forms are UTC. The zone `z` may be `UTC`, `GMT`, `Z`, a common abbreviation (`PST`,
    /// `CET`, `IST`…), an offset (`+05:30`, `+0530`, `-08`, `GMT+5`) or an IANA identifier (`Europe/Paris`).
    public static func untilMillis(_ text: String) -> Int64? {
        let parts = text.split(whereSeparator: \.isWhitespace).map(String.init)
        guard (1...3).contains(parts.count), let day = epochDay(fromDate: parts[0]) else { return nil }
        var seconds = day * 86_400
        if parts.count >= 2 {
            guard let minutes = minuteOfDay(fromTime: parts[1]) else { return nil }
            seconds += minutes * 60
        }
        if parts.count == 3 {
            guard let offset = offsetSeconds(fromZone: parts[2], atUTCSeconds: seconds) else { return nil }
            seconds -= offset
        }
        return seconds * 1000
    }

    private static let unitScales: [String: Int64] = {
        var scales: [String: Int64] = [:]
        for name in ["days", "day", "d"] { scales[name] = 86_400 }
        for name in ["hours", "hour", "hrs", "hr", "h"] { scales[name] = 3_600 }
        for name in ["minutes", "minute", "mins", "min", "m"] { scales[name] = 60 }
        for name in ["seconds", "second", "secs", "sec", "s"] { scales[name] = 1 }
        return scales
    }()

    /// Days since 1970-01-01 of a `yyyy-MM-dd` date, validating month and day.
    private static func epochDay(fromDate text: String) -> Int64? {
        let fields = text.split(separator: "-", omittingEmptySubsequences: false)
        guard fields.count == 3, fields[0].count == 4, (1...2).contains(fields[1].count), (1...2).contains(fields[2].count),
            let year = number(fields[0]), let month = number(fields[1]), let day = number(fields[2]),
            (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year)
        else { return nil }
        // Howard Hinnant's days_from_civil.
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Minutes since midnight of an `HH:mm` time.
    private static func minuteOfDay(fromTime text: String) -> Int64? {
        let fields = text.split(separator: ":", omittingEmptySubsequences: false)
        guard fields.count == 2, (1...2).contains(fields[0].count), fields[1].count == 2,
            let hour = number(fields[0]), let minute = number(fields[1]),
            (0...23).contains(hour), (0...59).contains(minute)
        else { return nil }
        return hour * 60 + minute
    }

    /// Seconds east of UTC that `zone` names, at the instant that reads `utcSeconds` as UTC wall time.
    private static func offsetSeconds(fromZone zone: String, atUTCSeconds utcSeconds: Int64) -> Int64? {
        let upper = zone.uppercased()
        if let hours = abbreviationOffsets[upper] { return Int64(hours * 3_600) }
        for prefix in ["UTC", "GMT", "UT"] where upper.hasPrefix(prefix) {
            return numericOffset(String(upper.dropFirst(prefix.count)))
        }
        if let offset = numericOffset(upper) { return offset }
        guard zone.contains("/"), let timeZone = TimeZone(identifier: zone) else { return nil }
        let wallTime = Date(timeIntervalSince1970: Double(utcSeconds))
        let firstGuess = Int64(timeZone.secondsFromGMT(for: wallTime))
        let instant = Date(timeIntervalSince1970: Double(utcSeconds - firstGuess))
        return Int64(timeZone.secondsFromGMT(for: instant))
    }

    /// Seconds of an offset written `+05:30`, `+0530`, `+05` or `-8`.
    private static func numericOffset(_ text: String) -> Int64? {
        guard let sign = text.first, sign == "+" || sign == "-" else { return nil }
        let body = text.dropFirst()
        let hours: Int64
        let minutes: Int64
        if body.contains(":") {
            let fields = body.split(separator: ":", omittingEmptySubsequences: false)
            guard fields.count == 2, (1...2).contains(fields[0].count), fields[1].count == 2,
                let parsedHours = number(fields[0]), let parsedMinutes = number(fields[1])
            else { return nil }
            (hours, minutes) = (parsedHours, parsedMinutes)
        } else if body.count == 4, let hhmm = number(body) {
            (hours, minutes) = (hhmm / 100, hhmm % 100)
        } else if (1...2).contains(body.count), let parsedHours = number(body) {
            (hours, minutes) = (parsedHours, 0)
        } else {
            return nil
        }
        guard hours <= 18, minutes <= 59 else { return nil }
        let seconds = hours * 3_600 + minutes * 60
        return sign == "-" ? -seconds : seconds
    }

    /// Fixed offsets, in hours, of the zone abbreviations people commonly write.
    private static let abbreviationOffsets: [String: Double] = [
        "Z": 0, "UTC": 0, "GMT": 0, "UT": 0, "WET": 0,
        "BST": 1, "CET": 1, "WEST": 1, "CEST": 2, "EET": 2, "EEST": 3, "MSK": 3,
        "IST": 5.5, "SGT": 8, "HKT": 8, "JST": 9, "KST": 9,
        "AEST": 10, "AEDT": 11, "NZST": 12, "NZDT": 13,
        "AST": -4, "ADT": -3, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5,
        "MST": -7, "MDT": -6, "PST": -8, "PDT": -7, "AKST": -9, "AKDT": -8, "HST": -10,
    ]

    /// The value of a run of ASCII digits.
    private static func number(_ text: some StringProtocol) -> Int64? {
        guard !text.isEmpty, text.allSatisfy({ $0.asciiDigit != nil }) else { return nil }
        return Int64(text)
    }
}

extension Character {
    /// The character itself when it is an ASCII digit `0`–`9`.
    fileprivate var asciiDigit: Character? {
        isASCII && isNumber ? self : nil
    }
}
