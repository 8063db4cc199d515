import Foundation
import Testing
import WardenCore
import WardenHost
import WardenLab
import WardenPostgres

// MARK: - A lab is a real, insecure-by-default site, and leaves nothing behind

@Suite("Lab sites on real PostgreSQL")
struct LabSiteTests {
    @Test func labLooksLikeAFreshInstallAndTearsDownCompletely() async throws {
        let parent = try makeTemporaryDirectory()
        defer { try? Directories.remove(parent) }
        let site = try await LabSite.up(directory: parent + "/lab", standby: true)
        var postmaster: pid_t?
        do {
            let inventory = try site.inventory()
            #expect(inventory.databaseNodes.map(\.role) == [.primary, .standby])
            #expect(inventory.services.count == 14)
            for service in inventory.services { #expect(AtomicFile.exists(service.file), "\(service.file)") }
            #expect(AtomicFile.exists(site.directory + "/nodes/central/AppData/postgresql/pgpass.conf"))

            // The repository role logs in over TCP with the md5 password the inventory refers to.
            let repository = try await site.session(as: LabSite.repositoryRole, database: "QSR")
            #expect(try await repository.value("SELECT current_user") == LabSite.repositoryRole)
            await repository.close()

            let admin = try await site.session(as: LabSite.superuser)
            defer { Task { await admin.close() } }
            let verifiers = try await admin.rows("SELECT rolname, rolpassword FROM pg_authid WHERE rolname IN ('postgres', 'qliksenserepository') ORDER BY 1")
            #expect(verifiers.count == 2)
            for row in verifiers {
                #expect(RolePasswordKind(rolpassword: row[1]) == .md5, "\(row[0] ?? "")")
            }
            #expect(try await admin.value("SHOW password_encryption") == "md5")
            #expect(try await admin.value("SHOW ssl") == "off")
            #expect(try await admin.value("SHOW listen_addresses") == "127.0.0.1")
            let owned = try await admin.rows("SELECT datname FROM pg_database WHERE pg_get_userbyid(datdba) = 'qliksenserepository' ORDER BY 1")
            #expect(owned.compactMap { $0[0] } == ["Licenses", "QSMQ", "QSR", "SenseServices"])
            let hba = try await admin.rows("SELECT type, database::text, user_name::text, address, auth_method FROM pg_hba_file_rules")
            #expect(hba.map { $0.compactMap { $0 } } == [["host", "{all}", "{all}", "0.0.0.0", "md5"]])

            // Secrets are owner-only files; service configs hold the plaintext password.
            var info = stat()
            #expect(stat(site.directory + "/secrets/postgres.password", &info) == 0 && info.st_mode & 0o077 == 0)
            let licenses = try AtomicFile.readText(site.directory + "/nodes/central/Licenses/appsettings.json")
            #expect(licenses.contains(try site.secretText(LabSite.repositoryRole)))

            let status = await site.status()
            #expect(status.map(\.acceptsConnections) == [true, false])
            #expect(status.map(\.provisioned) == [true, false])
            postmaster = PostgresServerControl(binaries: PostgresBinaries(directory: site.state.binDirectory), dataDirectory: site.state.nodes[0].dataDirectory, osUser: site.state.osUser).postmasterPID()
        } catch {
            try? await site.down()
            throw error
        }
        try await site.down()
        let pid = try #require(postmaster)
        #expect(!OSProcess.isAlive(pid), "postmaster \(pid) still running after down")
        #expect(!AtomicFile.exists(site.directory), "lab folder left behind")
    }

    @Test func secondUpInTheSameFolderIsRefused() async throws {
        try await withLab { site in
            let error = try await #require(throws: LabError.self) {
                _ = try await LabSite.up(directory: site.directory)
            }
            #expect(error.message.contains("already exists"))
            #expect(error.hint?.contains("lab down") == true)
            // The refused attempt did not disturb the running lab.
            #expect(await site.status().first?.acceptsConnections == true)
        }
    }

    @Test func wrongPasswordIsReportedAsSuch() async throws {
        try await withLab { site in
            let node = try #require(try site.inventory().primary)
            let target = ConnectionTarget(host: node.host, port: node.port, user: LabSite.repositoryRole, password: Secret("not-the-password"), database: "QSR", sslMode: .disable)
            let error = try await #require(throws: PostgresError.self) { _ = try await PostgresSession.connect(target) }
            #expect(error.kind == .badPassword)
            #expect(error.sqlState == "28P01")
            #expect(!error.message.contains("not-the-password"))
        }
    }

    @Test func requiringTLSFromAServerWithoutItFailsClearly() async throws {
        try await withLab { site in
            let node = try #require(try site.inventory().primary)
            var target = try site.access().target(node: node)
            target.sslMode = .require
            let error = try await #require(throws: PostgresError.self) { _ = try await PostgresSession.connect(target) }
            #expect(error.kind == .tlsUnavailable)
        }
    }

    @Test func deadServerIsReportedByStatusAndRefusesConnections() async throws {
        try await withLab { site in
            let node = site.state.nodes[0]
            try await PostgresServerControl(binaries: PostgresBinaries(directory: site.state.binDirectory), dataDirectory: node.dataDirectory, osUser: site.state.osUser).stop(mode: "immediate")
            let status = await site.status()
            #expect(status.first?.running == false)
            #expect(status.first?.problem?.contains("not running") == true)
            let error = try await #require(throws: PostgresError.self) { _ = try await site.session(as: LabSite.superuser) }
            #expect(error.kind == .refused)
        }
    }

    @Test func openingAFolderWithoutALabFails() throws {
        let error = try #require(throws: LabError.self) { _ = try LabSite.open(directory: "/nonexistent/pgwarden-lab") }
        #expect(error.hint?.contains("lab up") == true)
    }
}
