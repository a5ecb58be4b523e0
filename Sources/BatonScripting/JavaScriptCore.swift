import BatonDecider

/// The slice of JavaScriptCore's C API that Baton uses, resolved at run time from the installed library.
///
/// Every reference type of the C API (`JSContextGroupRef`, `JSGlobalContextRef`, `JSValueRef`, `JSStringRef`,
/// …) is an `OpaquePointer` here; the C signatures are in JavaScriptCore's `JSContextRef.h`, `JSValueRef.h`,
/// `JSStringRef.h`, `JSObjectRef.h` and `JSContextRefPrivate.h`.
struct JavaScriptCore: Sendable {
    /// Where Baton looks for JavaScriptCore.
    static let requirement = DynamicLibrary.Requirement(
        language: "JavaScript",
        fileNames: platformFileNames,
        debianPackage: "libjavascriptcoregtk-4.1-0"
    )

    #if canImport(Darwin)
    static let platformFileNames = ["/System/Library/Frameworks/JavaScriptCore.framework/JavaScriptCore"]
    #else
    static let platformFileNames = ["libjavascriptcoregtk-4.1.so.0", "libjavascriptcoregtk-6.0.so.1"]
    #endif

    /// `JSType` values returned by `JSValueGetType`.
    enum ValueType: UInt32 {
        case undefined = 0, null, boolean, number, string, object, symbol, bigInt
    }

    /// `JSPropertyAttributes` for a read-only, non-enumerable, non-deletable property.
    static let constantAttributes: UInt32 = 2 | 4 | 8

    typealias ExceptionSlot = UnsafeMutablePointer<OpaquePointer?>
    /// `bool (*JSShouldTerminateCallback)(JSContextRef, void *)`.
    typealias ShouldTerminate = @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?) -> Bool

    let contextGroupCreate: @convention(c) () -> OpaquePointer?
    let contextGroupRelease: @convention(c) (OpaquePointer?) -> Void
    let contextGroupSetExecutionTimeLimit:
        @convention(c) (OpaquePointer?, Double, ShouldTerminate?, UnsafeMutableRawPointer?) -> Void
    let globalContextCreateInGroup: @convention(c) (OpaquePointer?, OpaquePointer?) -> OpaquePointer?
    let globalContextRelease: @convention(c) (OpaquePointer?) -> Void
    let contextGetGlobalObject: @convention(c) (OpaquePointer?) -> OpaquePointer?
    let evaluateScript:
        @convention(c) (OpaquePointer?, OpaquePointer?, OpaquePointer?, OpaquePointer?, Int32, ExceptionSlot?) -> OpaquePointer?
    let stringCreateWithCharacters: @convention(c) (UnsafePointer<UInt16>?, Int) -> OpaquePointer?
    let stringRelease: @convention(c) (OpaquePointer?) -> Void
    let stringGetLength: @convention(c) (OpaquePointer?) -> Int
    let stringGetCharactersPtr: @convention(c) (OpaquePointer?) -> UnsafePointer<UInt16>?
    let valueMakeFromJSONString: @convention(c) (OpaquePointer?, OpaquePointer?) -> OpaquePointer?
    let valueCreateJSONString: @convention(c) (OpaquePointer?, OpaquePointer?, UInt32, ExceptionSlot?) -> OpaquePointer?
    let valueGetType: @convention(c) (OpaquePointer?, OpaquePointer?) -> UInt32
    let valueToBoolean: @convention(c) (OpaquePointer?, OpaquePointer?) -> Bool
    let valueToNumber: @convention(c) (OpaquePointer?, OpaquePointer?, ExceptionSlot?) -> Double
    let valueToStringCopy: @convention(c) (OpaquePointer?, OpaquePointer?, ExceptionSlot?) -> OpaquePointer?
    let objectSetProperty:
        @convention(c) (OpaquePointer?, OpaquePointer?, OpaquePointer?, OpaquePointer?, UInt32, ExceptionSlot?) -> Void

    /// Resolves every function from `library`; throws `.unavailable` naming the first one missing.
    init(library: DynamicLibrary) throws(ScriptError) {
        contextGroupCreate = try library.function("JSContextGroupCreate")
        contextGroupRelease = try library.function("JSContextGroupRelease")
        contextGroupSetExecutionTimeLimit = try library.function("JSContextGroupSetExecutionTimeLimit")
        globalContextCreateInGroup = try library.function("JSGlobalContextCreateInGroup")
        globalContextRelease = try library.function("JSGlobalContextRelease")
        contextGetGlobalObject = try library.function("JSContextGetGlobalObject")
        evaluateScript = try library.function("JSEvaluateScript")
        stringCreateWithCharacters = try library.function("JSStringCreateWithCharacters")
        stringRelease = try library.function("JSStringRelease")
        stringGetLength = try library.function("JSStringGetLength")
        stringGetCharactersPtr = try library.function("JSStringGetCharactersPtr")
        valueMakeFromJSONString = try library.function("JSValueMakeFromJSONString")
        valueCreateJSONString = try library.function("JSValueCreateJSONString")
        valueGetType = try library.function("JSValueGetType")
        valueToBoolean = try library.function("JSValueToBoolean")
        valueToNumber = try library.function("JSValueToNumber")
        valueToStringCopy = try library.function("JSValueToStringCopy")
        objectSetProperty = try library.function("JSObjectSetProperty")
    }

    /// A new `JSStringRef` holding `text` (UTF-16, so embedded NULs survive); the caller releases it.
    func makeString(_ text: String) -> OpaquePointer? {
        var units = Array(text.utf16)
        return units.withUnsafeMutableBufferPointer { buffer in
            stringCreateWithCharacters(buffer.baseAddress, buffer.count)
        }
    }

    /// The text of `string`, which is then released.
    func consumeString(_ string: OpaquePointer?) -> String? {
        guard let string else { return nil }
        defer { stringRelease(string) }
        let length = stringGetLength(string)
        guard length > 0, let characters = stringGetCharactersPtr(string) else { return "" }
        return String(decoding: UnsafeBufferPointer(start: characters, count: length), as: UTF16.self)
    }
}
