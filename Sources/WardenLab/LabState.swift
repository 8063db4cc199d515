import Foundation
import WardenHost

// MARK: - What a lab made, so status and down can find it again

/// Written to `DIR/lab.json` by `lab up`; read by `lab status` and `lab down`.
/// It records processes and folders, never a password.
public struct LabState: Sendable, Codable, Hashable {
    public struct Node: Sendable, Codable, Hashable {
        public var name: String
        public var port: Int
        public var dataDirectory: String
        public var logFile: String
        /// `primary`, or `standby` for a node reserved for a later `replica add`.
        public var role: String
        public var provisioned: Bool
    }

    public var site: String
    public var binDirectory: String
    public var majorVersion: Int
    public var osUser: String
    public var nodes: [Node]

    static func read(from path: String) throws -> LabState {
        try JSONDecoder().decode(LabState.self, from: Data(try AtomicFile.read(path)))
    }

    func bytes() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(self)) + [0x0A]
    }
}
