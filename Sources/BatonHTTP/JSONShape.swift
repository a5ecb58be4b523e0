/// What one linear scan of a JSON text finds, without validating it (the decoder does that): how deep it
/// nests, and what Baton refuses in any body — a NUL
/// character in a string (`\u0000`: SQLite and C end text there, so a name holding one could never be found
/// again) and a number beyond a double's range (`1e999999`, which would be stored as infinity or null).
struct JSONShape {
    var depth = 0
    /// Whether a string holds the escape `\u0000`.
    var hasNUL = false
    /// The first number that is not a finite double, as written.
    var outOfRangeNumber: String?

    init(_ bytes: some Collection<UInt8>) {
        var depth = 0
        var inString = false
        var escaped = false
        var unicodeEscape: Int?  // how many hex digits of a `\u` escape have been read, all of them zeros
        var number: [UInt8] = []
        var index = bytes.startIndex
        while index != bytes.endIndex {
            let byte = bytes[index]
            index = bytes.index(after: index)
            if inString {
                if let digits = unicodeEscape {
                    unicodeEscape = byte == UInt8(ascii: "0") && digits < 3 ? digits + 1 : nil
                    if byte == UInt8(ascii: "0") && digits == 3 { hasNUL = true }
                } else if escaped {
                    escaped = false
                    if byte == UInt8(ascii: "u") { unicodeEscape = 0 }
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            if Self.isNumberByte(byte), !number.isEmpty || byte == UInt8(ascii: "-") || Self.isDigit(byte) {
                number.append(byte)
                continue
            }
            checkNumber(&number)
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                self.depth = max(self.depth, depth)
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                depth -= 1
            default: break
            }
        }
        checkNumber(&number)
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    /// Whether `byte` may be part of a number (which starts with a digit or a minus).
    private static func isNumberByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."),
             UInt8(ascii: "e"), UInt8(ascii: "E"): true
        default: false
        }
    }

    /// Notes `number` when it overflows a double, and empties it. Only numbers with an exponent or more
    /// digits than a double's range has can overflow, so the others are not converted.
    private mutating func checkNumber(_ number: inout [UInt8]) {
        defer { number.removeAll(keepingCapacity: true) }
        guard outOfRangeNumber == nil, !number.isEmpty,
              number.count > 300 || number.contains(UInt8(ascii: "e")) || number.contains(UInt8(ascii: "E")) else { return }
        let text = String(decoding: number, as: UTF8.self)
        if let value = Double(text), !value.isFinite { outOfRangeNumber = text }
    }
}
