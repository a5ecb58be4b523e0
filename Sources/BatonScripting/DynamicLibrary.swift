#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import BatonDecider

/// A shared library opened at run time with `dlopen`, so Baton builds and runs on machines without it.
///
/// The handle is never closed: the libraries keep global state (JavaScriptCore's heap)
/// that must outlive every evaluator, and `dlopen` counts references anyway.
struct DynamicLibrary: @unchecked Sendable {
    /// What a language needs: the library's file names to try, and where to get it.
    struct Requirement: Sendable {
        /// The language that needs the library, as users name it ("JavaScript").
        var language: String
        /// File names tried with `dlopen`, in order; the first is the one messages name.
        var fileNames: [String]
        /// The Debian package that installs the library.
        var debianPackage: String
    }

    let requirement: Requirement
    /// The file name that loaded.
    let fileName: String
    private let handle: UnsafeMutableRawPointer

    /// Opens the first of the requirement's file names that loads.
    init(_ requirement: Requirement) throws(ScriptError) {
        for fileName in requirement.fileNames {
            if let handle = dlopen(fileName, RTLD_NOW | RTLD_LOCAL) {
                self.requirement = requirement
                self.fileName = fileName
                self.handle = handle
                return
            }
        }
        let wanted = requirement.fileNames.first ?? "its library"
        throw ScriptError(
            .unavailable,
            "\(requirement.language) needs \(wanted) (Debian package \(requirement.debianPackage)), "
                + "which is not installed on this machine"
        )
    }

    /// The exported function `name` as the C function type the caller expects; throws if the library lacks it.
    func function<Function>(_ name: String) throws(ScriptError) -> Function {
        guard let address = dlsym(handle, name) else {
            throw ScriptError(
                .unavailable,
                "\(requirement.language) needs \(fileName) to export \(name), and the installed one does not "
                    + "(install a current Debian package \(requirement.debianPackage))"
            )
        }
        return unsafeBitCast(address, to: Function.self)
    }
}
