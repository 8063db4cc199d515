import Foundation
import Testing
import WardenCore
import WardenHost
import WardenLab
import WardenPostgres

// MARK: - kill -9 inside apply --only tls

/// `apply --only tls` installs the issued certificate and key, turns ssl on and proves it on
/// the wire. Killed at each of its fault points, `undo` must leave the data directory's TLS
/// files, pg_hba.conf, postgresql.auto.conf and the live `ssl` setting as before, and the
/// superuser must log in; every third point also re-runs (converges) before the undo.
@Suite("Crash at every fault point of apply --only tls", .serialized)
struct TLSFaultSweepTests {
    @Test func crashAnywhereThenUndoOrRerun() async throws {
        try await withLab { site in
            let admin = LabAdmin(site: site)
            let common = ["--inventory", site.inventoryPath]
            let apply = ["apply", "--only", "tls"] + common
            try await TLSLab.pointConsumersAtHostName(site)
            #expect(try await CLIProcess.run(["tls", "ca", "init"] + common).status == 0)
            #expect(try await CLIProcess.run(["tls", "issue", "server", "--node", "db1", "--no-install"] + common).status == 0)
            let before = try await Self.state(admin, site)

            let trace = site.directory + "/tls-trace"
            let traced = try await CLIProcess.run(apply, trace: trace)
            #expect(traced.status == 0, "\(traced.standardOutput) \(traced.standardError)")
            let points = try CLIProcess.points(in: trace)
            #expect(points.contains { $0.hasPrefix("setting.before-reload") } && points.contains { $0.hasPrefix("file.renamed") })
            #expect(try await CLIProcess.run(["undo"] + common).status == 0)
            #expect(try await Self.state(admin, site) == before)

            let superuserPassword = try admin.password(LabSite.superuser)
            try await CLIProcess.sweep(["apply", "--only", "tls"], inventory: common, stateDirectory: try site.inventory().stateDirectory, points: points, rerunEvery: 3,
                                       replan: ["plan", "--only", "tls"], before: before, state: { try await Self.state(admin, site) }) { point in
                #expect(await admin.login(LabSite.superuser, superuserPassword) == nil, "\(point): the superuser is locked out")
            }
        }
    }

    struct ServerState: Equatable {
        var files: [String: [UInt8]?]
        var ssl: String?
    }

    static func state(_ admin: LabAdmin, _ site: LabSite) async throws -> ServerState {
        var files: [String: [UInt8]?] = [:]
        for name in ["pg_hba.conf", "postgresql.auto.conf", "server.crt", "server.key", "root.crt"] {
            let path = admin.dataDirectory + "/" + name
            files[name] = AtomicFile.exists(path) ? try AtomicFile.read(path) : nil
        }
        return ServerState(files: files, ssl: try await admin.rows("SHOW ssl").first?.first ?? nil)
    }
}
