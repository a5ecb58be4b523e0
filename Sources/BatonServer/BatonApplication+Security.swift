import BatonDecider
import BatonEngine
import BatonHTTP
import BatonModel

extension BatonApplication {
    /// The API's auth, limits, allowed hosts and metrics for `configuration`; loads and checks the auth file, and
    /// checks the limits and timeouts.
    static func apiConfiguration(for configuration: ServerConfiguration) throws(ConfigurationError) -> APIConfiguration {
        var authentication = configuration.authConfiguration
        if authentication == nil, let path = configuration.authConfigurationPath, !path.isEmpty {
            do {
                authentication = try AuthConfiguration.load(contentsOf: path)
            } catch {
                throw ConfigurationError(error.message)
            }
        }
        if let authentication {
            do {
                try authentication.validate()
            } catch {
                throw ConfigurationError(error.message)
            }
        }
        let limits = configuration.requestLimits
        guard (1...HTTPLimits.ceiling).contains(limits.maximumBodySize) else {
            throw ConfigurationError("The body size limit must be from 1 to \(HTTPLimits.ceiling) bytes")
        }
        guard limits.maximumJSONDepth > 0 else {
            throw ConfigurationError("The JSON depth limit must be positive")
        }
        if let problem = configuration.executionLimits.payloads.problem {
            throw ConfigurationError("Payload limits: \(problem)")
        }
        guard limits.bodyReadTimeout > .zero, configuration.idleTimeout > .zero else {
            throw ConfigurationError("Timeouts must be positive")
        }
        guard configuration.maximumConnections > 0 else {
            throw ConfigurationError("The connection limit must be positive")
        }
        let metrics = BatonMetrics()
        return APIConfiguration(authenticator: authentication.map(Authenticator.init), limits: limits, metrics: metrics,
                                publicMetrics: configuration.publicMetrics, allowedHosts: configuration.effectiveAllowedHosts)
    }
}
