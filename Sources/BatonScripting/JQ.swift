#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import BatonDecider

/// The slice of libjq's C API that Baton uses, resolved at run time from the installed library.
///
/// jq passes its values (`jv`) by value: a 16-byte struct `{uint8 kind_flags; uint8 pad; uint16 offset;
/// int size; union { void *ptr; double number; } u;}`. Swift cannot declare a C struct, so `jv` travels as
/// Glibc's `timespec` (two 64-bit integers), which the x86-64 System V and AArch64 calling conventions pass
/// and return exactly like `jv`: 16 bytes in two general-purpose registers (the union holds a pointer, so
/// its eightbyte is INTEGER class). Baton never looks inside a `jv`; it only hands them back to libjq.
struct JQ: Sendable {
    /// Where Baton looks for libjq.
    static let requirement = DynamicLibrary.Requirement(
        language: "jq",
        fileNames: platformFileNames,
        debianPackage: "libjq1"
    )

    #if canImport(Darwin)
    static let platformFileNames = ["libjq.1.dylib", "/opt/homebrew/lib/libjq.1.dylib", "/usr/local/lib/libjq.1.dylib"]
    #else
    static let platformFileNames = ["libjq.so.1"]
    #endif

    /// A `jv`, passed the same way (see the type's documentation).
    typealias Value = timespec

    /// `jv_kind` values returned by `jv_get_kind`.
    enum Kind: UInt32 {
        case invalid = 0, null, falseValue, trueValue, number, string, array, object
    }

    /// `void (*jq_msg_cb)(void *, jv)`: receives (and must free) each compile error.
    typealias MessageCallback = @convention(c) (UnsafeMutableRawPointer?, Value) -> Void

    let initialize: @convention(c) () -> OpaquePointer?
    let teardown: @convention(c) (UnsafeMutablePointer<OpaquePointer?>?) -> Void
    let setErrorCallback: @convention(c) (OpaquePointer?, MessageCallback?, UnsafeMutableRawPointer?) -> Void
    let compile: @convention(c) (OpaquePointer?, UnsafePointer<CChar>?) -> Int32
    let start: @convention(c) (OpaquePointer?, Value, Int32) -> Void
    let next: @convention(c) (OpaquePointer?) -> Value
    let halted: @convention(c) (OpaquePointer?) -> Int32
    let getErrorMessage: @convention(c) (OpaquePointer?) -> Value
    let parseSized: @convention(c) (UnsafePointer<CChar>?, Int32) -> Value
    let dumpString: @convention(c) (Value, Int32) -> Value
    let stringValue: @convention(c) (Value) -> UnsafePointer<CChar>?
    let getKind: @convention(c) (Value) -> UInt32
    let invalidHasMessage: @convention(c) (Value) -> Int32
    let invalidGetMessage: @convention(c) (Value) -> Value
    let copy: @convention(c) (Value) -> Value
    let free: @convention(c) (Value) -> Void

    /// Resolves every function from `library`; throws `.unavailable` naming the first one missing.
    init(library: DynamicLibrary) throws(ScriptError) {
        guard MemoryLayout<Value>.size == 16 else {
            throw ScriptError(.unavailable, "jq is not supported on this platform (its values are not 16 bytes here)")
        }
        initialize = try library.function("jq_init")
        teardown = try library.function("jq_teardown")
        setErrorCallback = try library.function("jq_set_error_cb")
        compile = try library.function("jq_compile")
        start = try library.function("jq_start")
        next = try library.function("jq_next")
        halted = try library.function("jq_halted")
        getErrorMessage = try library.function("jq_get_error_message")
        parseSized = try library.function("jv_parse_sized")
        dumpString = try library.function("jv_dump_string")
        stringValue = try library.function("jv_string_value")
        getKind = try library.function("jv_get_kind")
        invalidHasMessage = try library.function("jv_invalid_has_msg")
        invalidGetMessage = try library.function("jv_invalid_get_msg")
        copy = try library.function("jv_copy")
        free = try library.function("jv_free")
    }

    /// The kind of `value` (borrowed, not freed).
    func kind(of value: Value) -> Kind? {
        Kind(rawValue: getKind(value))
    }

    /// Compact JSON text of `value`, which is consumed.
    func consumeAsJSON(_ value: Value) -> String {
        let dumped = dumpString(value, 0)
        defer { free(dumped) }
        return stringValue(dumped).map { String(cString: $0) } ?? "null"
    }

    /// A readable message for `value`, which is consumed: strings as they are, anything else as JSON.
    func consumeAsMessage(_ value: Value) -> String {
        if kind(of: value) == .string {
            defer { free(value) }
            return stringValue(value).map { String(cString: $0) } ?? ""
        }
        return consumeAsJSON(value)
    }
}
