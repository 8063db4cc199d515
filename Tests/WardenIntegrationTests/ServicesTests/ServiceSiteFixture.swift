import Foundation
import WardenCore
import WardenHost
@testable import WardenLab

/// A folder of service files in every shape the lab writes (central and rim node), with a
/// state directory and a sealing key: the fleet-change tests' site, no database needed.
struct ServiceSiteFixture {
    let root: String
    let services: [ServiceSpec]
    let keyFile: SealingKeyFile
    var stateDirectory: String { root + "/state" }

    static let password = "lab-Pa55word~x"

    init(name: String) throws {
        root = NSTemporaryDirectory() + "pgwarden-svc-\(name)-\(UInt32.random(in: 0...UInt32.max))"
        try Directories.create(root, mode: 0o700)
        let values = LabTemplates.Values(host: "127.0.0.1", port: 4432, user: "qliksenserepository", password: Self.password)
        var services: [ServiceSpec] = []
        for (node, files) in [("central", LabTemplates.centralNode(values)), ("rim1", LabTemplates.rimNode(values))] {
            for file in files {
                let path = "\(root)/nodes/\(node)/\(file.path)"
                try Directories.create((path as NSString).deletingLastPathComponent)
                try AtomicFile.write(Array(file.contents.utf8), to: path)
                guard let profile = ServiceProfile.named(file.profile) else { throw HostError(.io, "no profile \(file.profile)") }
                services.append(ServiceSpec(name: "\(node)/\(file.profile)", node: node, profile: profile, file: path))
            }
        }
        self.services = services
        keyFile = .default(stateDirectory: root + "/state")
        try keyFile.create()
    }

    /// Every file's bytes, by path.
    func snapshot() throws -> [String: [UInt8]] {
        var bytes: [String: [UInt8]] = [:]
        for service in services { bytes[service.file] = try AtomicFile.read(service.file) }
        return bytes
    }

    func inventory() -> Inventory {
        Inventory(site: "svc-test", baseDirectory: root, stateDirectory: stateDirectory, superuser: "postgres",
                  replicationRole: "replicator", secrets: [:], databaseNodes: [], serviceNodes: [],
                  services: services, storedPasswordFiles: [], policy: Policy())
    }

    func remove() {
        try? Directories.remove(root)
    }

    /// Runs `body` with a fresh fixture and always removes it.
    static func with(_ name: String, _ body: (ServiceSiteFixture) async throws -> Void) async throws {
        let fixture = try ServiceSiteFixture(name: name)
        defer { fixture.remove() }
        try await body(fixture)
    }
}

struct InjectedFault: Error, CustomStringConvertible {
    var description: String { "injected fault before rename" }
}

/// Fails the `n`th write (counting from 1), once.
final class NthWriteFault: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    let failing: Int
    init(failing: Int) { self.failing = failing }

    var hook: AtomicFile.BeforeRename {
        { [self] _ in
            lock.lock()
            count += 1
            let current = count
            lock.unlock()
            if current == failing { throw InjectedFault() }
        }
    }
}
