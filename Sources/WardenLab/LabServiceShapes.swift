// MARK: - The lab's service file shapes, for benchmarks and other tools

/// The service config files a lab's central node gets (every shape of the reference page),
/// as public values: benchmarks generate large fleets from them.
public enum LabServiceShapes {
    public struct File: Sendable {
        /// Path relative to a node's folder, e.g. `Licenses/appsettings.json`.
        public var path: String
        public var profile: String
        public var contents: String
    }

    public static func centralNode(host: String, port: Int, user: String, password: String) -> [File] {
        LabTemplates.centralNode(LabTemplates.Values(host: host, port: port, user: user, password: password))
            .map { File(path: $0.path, profile: $0.profile, contents: $0.contents) }
    }
}
