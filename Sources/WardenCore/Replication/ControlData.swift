import Foundation

// MARK: - What pg_controldata says about a data directory

/// The lines of `pg_controldata` (run with `LC_ALL=C`) pgwarden relies on.
///
/// The system identifier is what proves a data directory belongs to a node: it is set once
/// by initdb and copied by every base backup, so a primary, its standbys and nothing else
/// share it. Pure parsing, so the format is tested without a server.
public struct ControlData: Sendable, Hashable {
    /// `Database system identifier`, as decimal text (it does not fit an Int64 reliably).
    public var systemIdentifier: String?
    /// `Latest checkpoint location`.
    public var latestCheckpoint: LSN?
    /// `Database cluster state`, e.g. "in production", "shut down", "in archive recovery".
    public var clusterState: String?

    public init(systemIdentifier: String? = nil, latestCheckpoint: LSN? = nil, clusterState: String? = nil) {
        self.systemIdentifier = systemIdentifier
        self.latestCheckpoint = latestCheckpoint
        self.clusterState = clusterState
    }

    public static func parse(_ output: String) -> ControlData {
        var data = ControlData()
        for line in output.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            switch key {
            case "Database system identifier":
                if !value.isEmpty, value.allSatisfy(\.isNumber) { data.systemIdentifier = value }
            case "Latest checkpoint location": data.latestCheckpoint = LSN(value)
            case "Database cluster state": data.clusterState = value
            default: continue
            }
        }
        return data
    }
}
