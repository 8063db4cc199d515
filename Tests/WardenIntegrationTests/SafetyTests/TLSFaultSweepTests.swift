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

            for (index, point) in points.enumerated() {
                let crashed = try await CLIProcess.run(apply, fault: point)
                #expect(crashed.status == 137, "\(point): the fault switch did not fire: \(crashed.standardError)")
                if index % 3 == 2 {
                    let rerun = try await CLIProcess.run(apply)
                    #expect(rerun.status == 0, "\(point): re-run: \(rerun.standardOutput) \(rerun.standardError)")
                    let replan = try await CLIProcess.run(["plan", "--only", "tls"] + common)
                    #expect(replan.standardOutput.contains("No changes"), "\(point): the re-run did not converge: \(replan.standardOutput)")
                }
                let undo = try await CLIProcess.run(["undo"] + common)
                #expect(undo.status == 0, "\(point): undo: \(undo.standardOutput) \(undo.standardError)")
                let after = try await Self.state(admin, site)
                #expect(after == before, "\(point): the server is not as it was before the crashed run")
                #expect(await admin.login(LabSite.superuser, try admin.password(LabSite.superuser)) == nil, "\(point): the superuser is locked out")
                if after != before { return }
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
