import Foundation

/// The worker framework.
public enum BatonWorkerPlaceholder {}
