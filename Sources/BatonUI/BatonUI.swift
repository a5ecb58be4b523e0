import Foundation

/// The web UI's static files, served by `baton server` at `/`.
public enum BatonUI {
    /// The folder holding the UI's files.
    public static var assetsDirectory: URL? {
        Bundle.module.url(forResource: "Assets", withExtension: nil)
    }
}
