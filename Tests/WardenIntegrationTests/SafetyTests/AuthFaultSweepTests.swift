import Foundation
import Testing
import WardenCore
import WardenHost
import WardenLab
import WardenPostgres

// MARK: - kill -9 inside the md5 → SCRAM migration

/// Reproduction 1 of "Safe under faults": a crash in the auth migration followed by `undo`
/// once left pg_hba.conf on scram-sha-256 with md5 verifiers back — nobody could log in.
/// Here pgwarden is killed at every fault point of `apply --only auth`; after each crash,
/// `undo` must bring back pg_hba.conf, every verifier, password_encryption and every file
/// byte for byte, and the superuser and the services' role must log in. A re-run after the
/// crash must converge, and a re-run **then** undo must restore the state before the crash.
@Suite("Crash at every fault point of the auth migration", .serialized)
struct AuthFaultSweepTests {
    @Test func crashAnywhereThenUndoOrRerun() async throws {
        try await withLab { site in
            let admin = LabAdmin(site: site)
            let common = ["--inventory", site.inventoryPath]
            let apply = ["apply", "--only", "auth"] + common
            let before = try await Self.state(admin, site)

            let trace = site.directory + "/auth-trace"
            let traced = try await CLIProcess.run(apply, trace: trace)
            #expect(traced.status == 0, "\(traced.standardError)")
            // Every point: the steps of this run are all different kinds.
            let points = try CLIProcess.points(in: trace)
            #expect(points.contains { $0.hasPrefix("hba.before-reload") } && points.contains { $0.hasPrefix("setting.before-reload") })
            #expect(try await CLIProcess.run(["undo"] + common).status == 0)
            #expect(try await Self.state(admin, site) == before)
            print("auth sweep: \(points.count) crash points: \(points.joined(separator: " "))")

            let superuserPassword = try admin.password(LabSite.superuser)
            let repositoryPassword = try admin.password(LabSite.repositoryRole)
            try await CLIProcess.sweep(["apply", "--only", "auth"], inventory: common, stateDirectory: try site.inventory().stateDirectory, points: points, rerunEvery: 2,
                                       replan: ["plan", "--only", "auth"], before: before, state: { try await Self.state(admin, site) }) { point in
                #expect(await admin.login(LabSite.superuser, superuserPassword) == nil, "\(point): the superuser is locked out")
                #expect(await admin.login(LabSite.repositoryRole, repositoryPassword, database: "QSR") == nil,
                        "\(point): the services' role is locked out")
            }
        }
    }

    /// The superuser's own password: pgwarden must never cut itself off from its recovery.
    /// The inventory's copy is written first; whatever the crash point, `undo` (which logs in
    /// with the copy or its pre-run backup) puts the old verifier and the copy back.
    @Test func crashAnywhereInASuperuserPasswordChange() async throws {
        try await withLab { site in
            let admin = LabAdmin(site: site)
            let common = ["--inventory", site.inventoryPath]
            let set = ["password", "set", LabSite.superuser, "--password-stdin"] + common
            let newPassword = "a-new-superuser-password-for-the-sweep\n"
            let before = try await Self.state(admin, site)
            let oldPassword = try admin.password(LabSite.superuser)

            let trace = site.directory + "/set-trace"
            let traced = try await CLIProcess.run(set, trace: trace, stdin: newPassword)
            #expect(traced.status == 0, "\(traced.standardError)")
            let points = try CLIProcess.points(in: trace)
            #expect(try await CLIProcess.run(["undo"] + common).status == 0)
            #expect(try await Self.state(admin, site) == before)

            try await CLIProcess.sweep(["password", "set", LabSite.superuser, "--password-stdin"], inventory: common, stateDirectory: try site.inventory().stateDirectory, points: points,
                                       stdin: newPassword, before: before, state: { try await Self.state(admin, site) }) { point in
                #expect(await admin.login(LabSite.superuser, oldPassword) == nil, "\(point): the superuser is locked out")
            }
        }
    }

    /// A rotation rewrites the role's verifier and every consumer's config; the old
    /// password for undo is read back from what the consumers held before the run.
    @Test func crashAnywhereInARotation() async throws {
        try await withLab { site in
            let admin = LabAdmin(site: site)
            let common = ["--inventory", site.inventoryPath]
            let rotate = ["password", "rotate", LabSite.repositoryRole, "--password-stdin"] + common
            let newPassword = "a-rotated-repository-password-for-the-sweep\n"
            #expect(try await CLIProcess.run(["key", "init"] + common).status == 0)
            let before = try await Self.state(admin, site)

            let trace = site.directory + "/rotate-trace"
            let traced = try await CLIProcess.run(rotate, trace: trace, stdin: newPassword)
            #expect(traced.status == 0, "\(traced.standardError)")
            let points = CLIProcess.sweepPoints(try CLIProcess.points(in: trace))
            #expect(try await CLIProcess.run(["undo"] + common).status == 0)
            #expect(try await Self.state(admin, site) == before)

            let repositoryPassword = try admin.password(LabSite.repositoryRole)
            try await CLIProcess.sweep(["password", "rotate", LabSite.repositoryRole, "--password-stdin"], inventory: common, stateDirectory: try site.inventory().stateDirectory, points: points,
                                       stdin: newPassword, before: before, state: { try await Self.state(admin, site) }) { point in
                #expect(await admin.login(LabSite.repositoryRole, repositoryPassword, database: "QSR") == nil,
                        "\(point): the services' role is locked out")
            }
        }
    }

    struct SiteState: Equatable {
        var verifiers: [String: String?]
        var hba: [UInt8]
        var files: [String: [UInt8]]
        var passwordEncryption: String?
    }

    static func state(_ admin: LabAdmin, _ site: LabSite) async throws -> SiteState {
        SiteState(verifiers: try await admin.verifiers(), hba: try AtomicFile.read(admin.hbaPath),
                  files: try serviceAndSecretFiles(site),
                  passwordEncryption: try await admin.rows("SHOW password_encryption").first?.first ?? nil)
    }
}
