import Foundation
import WardenCore
import WardenHost
import WardenLab
import WardenPostgres

// MARK: - Labs for tests: random ports, temp folders, always torn down

/// A fresh temporary folder (removed by the caller or by ``withLab``).
func makeTemporaryDirectory(_ prefix: String = "pgwarden-test") throws -> String {
    var template = Array("\(NSTemporaryDirectory())/\(prefix)-XXXXXX".utf8CString)
    let made = template.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.flatMap { mkdtemp($0) } }
    guard made != nil else { throw HostError(.io, "mkdtemp failed") }
    let path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    chmod(path, 0o755)  // a lab's server runs as `postgres` and must reach its folder
    return path
}

/// Runs `body` with a new lab and always takes the lab down afterwards, whether `body`
/// succeeded, threw, or the lab itself failed halfway.
func withLab<T>(standby: Bool = false, _ body: (LabSite) async throws -> T) async throws -> T {
    let parent = try makeTemporaryDirectory()
    defer { try? Directories.remove(parent) }
    let site = try await LabSite.up(directory: parent + "/lab", standby: standby)
    do {
        let result = try await body(site)
        try await site.down()
        return result
    } catch {
        try? await site.down()
        throw error
    }
}

extension LabSite {
    /// Site access through the lab's own inventory, as the CLI would have it.
    func access() throws -> SiteAccess {
        SiteAccess(inventory: try inventory())
    }

    /// A session to the primary as `role`, with the password the inventory refers to.
    func session(as role: String, database: String = "postgres") async throws -> PostgresSession {
        let access = try access()
        guard let primary = access.inventory.primary else { throw LabError("lab has no primary") }
        return try await PostgresSession.connect(try access.target(node: primary, role: role, database: database))
    }

    func secretText(_ role: String) throws -> String {
        try SiteAccess(inventory: try inventory()).password(for: role).revealed
    }
}
