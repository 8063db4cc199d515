import Foundation
import Testing
import WardenCore
import WardenHost
import WardenLab
import WardenPostgres

// MARK: - InstanceFence on a real server

@Suite("InstanceFence ends every process of a local server")
struct InstanceFenceTests {
    static func systemIdentifier(_ site: LabSite) async throws -> String {
        let session = try await site.session(as: LabSite.superuser)
        let value = try await session.value("SELECT system_identifier::text FROM pg_control_system()")
        await session.close()
        return try #require(value)
    }

    @Test func fencesARunningServerWithAnIdleAndABusySession() async throws {
        try await withLab { site in
            let node = try #require(site.state.nodes.first)
            let idle = try await site.session(as: LabSite.superuser)
            let busy = try await site.session(as: LabSite.superuser)
            let sleeping = Task { try await busy.execute("SELECT pg_sleep(60)") }
            try await Task.sleep(for: .milliseconds(200))
            let before = InstanceFence.processes(of: node.dataDirectory)
            #expect(before.count >= 7, "postmaster, workers and two backends: \(before)")
            #expect(!before.contains(getpid()))

            let fence = InstanceFence(dataDirectory: node.dataDirectory, binaries: PostgresBinaries(directory: site.state.binDirectory))
            let report = try await fence.fence(expecting: .init(node: node.name, systemIdentifier: try await Self.systemIdentifier(site), port: node.port))
            print("InstanceFence: \(report.killed.count) processes in \(report.milliseconds) ms, \(report.rounds) scans")
            #expect(Set(report.killed).isSuperset(of: Set(before)))
            #expect(report.stuck.isEmpty && report.usedPIDFileDescriptors)
            #expect(InstanceFence.processes(of: node.dataDirectory).isEmpty)
            for pid in before { #expect(kill(pid, 0) != 0 || Self.isZombie(pid), "\(pid) still runs") }
            #expect(AtomicFile.exists(node.dataDirectory + "/standby.signal"))
            var info = stat()
            #expect(stat(node.dataDirectory + "/standby.signal", &info) == 0 && OSAccount.ids(of: site.state.osUser)?.uid == info.st_uid)

            // The sleeping query ends at once with the connection, not after 60 s.
            let ended = ContinuousClock.now
            await #expect(throws: (any Error).self) { try await sleeping.value }
            #expect(ContinuousClock.now - ended < .seconds(5))
            // The idle session can run nothing any more (its backend is gone).
            #expect(await BoundedOutcome.of(within: 3) { try await idle.execute("SELECT 1") } != .succeeded)

            // A second fence finds nothing left and succeeds.
            let again = try await fence.fence(expecting: .init(node: node.name, systemIdentifier: try await Self.identifierFromDisk(site), port: node.port))
            #expect(again.killed.isEmpty)
        }
    }

    @Test func refusesADirectoryThatIsNotTheExpectedServer() async throws {
        try await withLab { site in
            let node = try #require(site.state.nodes.first)
            let id = try await Self.systemIdentifier(site)
            let fence = InstanceFence(dataDirectory: node.dataDirectory, binaries: PostgresBinaries(directory: site.state.binDirectory))
            for (expectation, words) in [
                (InstanceFence.Expectation(node: node.name, systemIdentifier: "1234", port: node.port), "belongs to database system \(id)"),
                (InstanceFence.Expectation(node: node.name, systemIdentifier: id, port: node.port + 1), "postmaster.pid names port \(node.port)"),
            ] {
                let error = await #expect(throws: HostError.self) { _ = try await fence.fence(expecting: expectation) }
                #expect(error?.kind == .refused)
                #expect(error?.message.contains(words) == true, "\(String(describing: error))")
            }
            let missing = InstanceFence(dataDirectory: site.directory + "/nowhere", binaries: PostgresBinaries(directory: site.state.binDirectory))
            await #expect(throws: HostError.self) { _ = try await missing.fence(expecting: .init(node: node.name, systemIdentifier: id, port: node.port)) }
            #expect(!AtomicFile.exists(node.dataDirectory + "/standby.signal"), "nothing written")
            #expect(await site.status().first?.acceptsConnections == true, "nothing killed")
        }
    }

    @Test func anAdminShellInTheDataDirectoryIsNotKilled() async throws {
        try await withLab { site in
            let node = try #require(site.state.nodes.first)
            // A shell that sits in the data directory, as an admin's would.
            let shell = Process()
            shell.executableURL = URL(fileURLWithPath: "/bin/sleep")
            shell.arguments = ["30"]
            shell.currentDirectoryURL = URL(fileURLWithPath: node.dataDirectory)
            try shell.run()
            defer { shell.terminate() }
            let fence = InstanceFence(dataDirectory: node.dataDirectory, binaries: PostgresBinaries(directory: site.state.binDirectory))
            let report = try await fence.fence(expecting: .init(node: node.name, systemIdentifier: try await Self.systemIdentifier(site), port: node.port))
            #expect(!report.killed.contains(shell.processIdentifier))
            #expect(shell.isRunning)
            #expect(InstanceFence.processes(of: node.dataDirectory).isEmpty)
        }
    }

    static func identifierFromDisk(_ site: LabSite) async throws -> String {
        let node = try #require(site.state.nodes.first)
        return try #require(try await DataDirectoryInspector.controlData(of: node.dataDirectory, binaries: PostgresBinaries(directory: site.state.binDirectory)).systemIdentifier)
    }

    static func isZombie(_ pid: pid_t) -> Bool {
        (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)).flatMap(ProcessStatus.parse)?.isGone ?? true
    }
}
