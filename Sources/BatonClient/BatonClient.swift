import Foundation

/// The Swift SDK for Baton's (and Conductor's) REST API.
public enum BatonClientPlaceholder {}
