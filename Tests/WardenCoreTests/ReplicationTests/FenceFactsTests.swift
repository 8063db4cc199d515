import Testing
@testable import WardenCore

// MARK: - What a fence reads from /proc, pg_controldata and postmaster.pid

@Suite("Fence facts: /proc status, pg_controldata, postmaster.pid, identity")
struct FenceFactsTests {
    static let status = """
        Name:\tpostgres
        Umask:\t0077
        State:\tD (disk sleep)
        Tgid:\t4242
        Pid:\t4242
        SigQ:\t1/63471
        SigPnd:\t0000000000000000
        ShdPnd:\t0000000000000100
        SigBlk:\t0000000000000000
        """

    @Test func stuckProcessWithKillPendingCountsAsFenced() throws {
        let parsed = try #require(ProcessStatus.parse(Self.status))
        #expect(parsed.state == "D")
        #expect(parsed.sharedPendingSignals == 0x100)
        #expect(parsed.hasKillPending && parsed.isStuckButFenced && !parsed.isGone)
    }

    @Test func otherStatesAreNotStuckButFenced() throws {
        let noKill = try #require(ProcessStatus.parse(Self.status.replacingOccurrences(of: "ShdPnd:\t0000000000000100", with: "ShdPnd:\t0000000000004000")))
        #expect(!noKill.hasKillPending && !noKill.isStuckButFenced, "SIGTERM pending is not SIGKILL")
        let threadPending = try #require(ProcessStatus.parse(Self.status.replacingOccurrences(of: "SigPnd:\t0000000000000000", with: "SigPnd:\t0000000000000100")
            .replacingOccurrences(of: "ShdPnd:\t0000000000000100", with: "ShdPnd:\t0000000000000000")))
        #expect(threadPending.isStuckButFenced)
        let sleeping = try #require(ProcessStatus.parse(Self.status.replacingOccurrences(of: "D (disk sleep)", with: "S (sleeping)")))
        #expect(!sleeping.isStuckButFenced, "a sleeping process with SIGKILL pending is about to die, not stuck")
        let zombie = try #require(ProcessStatus.parse("Name:\tpostgres\nState:\tZ (zombie)\n"))
        #expect(zombie.isGone)
        #expect(ProcessStatus.parse("") == nil)
        #expect(ProcessStatus.parse("Name:\tx\n") == nil)
    }

    @Test func programNameIgnoresDeletedSuffix() {
        #expect(ProcessStatus.programName(executableLink: "/usr/lib/postgresql/15/bin/postgres") == "postgres")
        #expect(ProcessStatus.programName(executableLink: "/usr/lib/postgresql/15/bin/postgres (deleted)") == "postgres")
        #expect(ProcessStatus.programName(executableLink: "/usr/bin/bash") == "bash")
    }

    static let controldata = """
        pg_control version number:            1300
        Catalog version number:               202209061
        Database system identifier:           7449383320612419610
        Database cluster state:               in production
        pg_control last modified:             Mon 07 Dec 2026 10:00:00 PM UTC
        Latest checkpoint location:           0/3000148
        Latest checkpoint's REDO location:    0/3000110
        """

    @Test func controlDataReadsIdentifierCheckpointAndState() {
        let data = ControlData.parse(Self.controldata)
        #expect(data.systemIdentifier == "7449383320612419610")
        #expect(data.latestCheckpoint == LSN("0/3000148"))
        #expect(data.clusterState == "in production")
        #expect(ControlData.parse("Database system identifier: abc\n").systemIdentifier == nil)
        #expect(ControlData.parse("pg_controldata: error: could not open file").systemIdentifier == nil)
    }

    @Test func postmasterPIDFileNeedsPIDDirectoryAndPort() throws {
        let file = try #require(PostmasterPIDFile.parse("4242\n/var/lib/postgresql/15/main\n1765140000\n4432\n/var/run/postgresql\n127.0.0.1\n  5432001    65538\nready   \n"))
        #expect(file == PostmasterPIDFile(pid: 4242, dataDirectory: "/var/lib/postgresql/15/main", port: 4432))
        #expect(PostmasterPIDFile.parse("4242\n/d\n") == nil, "a file being written")
        #expect(PostmasterPIDFile.parse("x\n/d\n1\n4432\n") == nil)
        #expect(PostmasterPIDFile.parse("4242\n/d\n1\n99999\n") == nil)
    }

    // MARK: Identity

    static func identity(_ observed: DataDirectoryIdentity.Observed, server: String? = nil, site: String? = "7") -> DataDirectoryIdentity.Verdict {
        DataDirectoryIdentity(node: "db1", port: 4432, observed: observed, serverSystemIdentifier: server,
                              siteSystemIdentifier: site.map { DataDirectoryIdentity.Reference(node: "db2", identifier: $0) }).verdict
    }

    static func dir(id: String? = "7", pid: DataDirectoryIdentity.Observed.PIDFile = .absent, shared: String? = nil, exists: Bool = true) -> DataDirectoryIdentity.Observed {
        .init(path: "/d", isDataDirectory: exists, controlData: id.map { ControlData(systemIdentifier: $0) }, controlDataProblem: id == nil ? "no such file" : nil,
              pidFile: pid, sharedWithNode: shared)
    }

    @Test func identityVerdicts() {
        #expect(Self.identity(Self.dir()) == .verified(systemIdentifier: "7"))
        #expect(Self.identity(Self.dir(), server: "7", site: nil) == .verified(systemIdentifier: "7"))
        #expect(Self.identity(Self.dir(pid: .present(.init(pid: 9, dataDirectory: "/d", port: 4432)))) == .verified(systemIdentifier: "7"))
        guard case .missing = Self.identity(Self.dir(exists: false)) else { Issue.record("missing"); return }
        guard case .foreign(let other) = Self.identity(Self.dir(id: "8")) else { Issue.record("another cluster"); return }
        #expect(other.contains("system 8") && other.contains("site is system 7"))
        guard case .foreign(let answering) = Self.identity(Self.dir(), server: "9") else { Issue.record("another server answers"); return }
        #expect(answering.contains("answers as system 9"))
        guard case .foreign(let port) = Self.identity(Self.dir(pid: .present(.init(pid: 9, dataDirectory: "/d", port: 4433)))) else { Issue.record("port"); return }
        #expect(port.contains("port 4433"))
        guard case .foreign(let shared) = Self.identity(Self.dir(shared: "db2")) else { Issue.record("shared"); return }
        #expect(shared.contains("also db2's data directory"))
        guard case .foreign = Self.identity(Self.dir(id: nil)) else { Issue.record("unreadable control file"); return }
        guard case .pidFileUnreadable = Self.identity(Self.dir(pid: .unreadable("Permission denied"))) else { Issue.record("pid file"); return }
        guard case .unproven = Self.identity(Self.dir(), server: nil, site: nil) else { Issue.record("nothing to compare with"); return }
    }

    // MARK: fence_command in warden.yaml

    static func inventory(_ fence: String) throws -> Inventory {
        try InventoryParser.parse("""
            site: s
            database_nodes:
              - name: db1
                host: 127.0.0.1
                port: 4432
                data_dir: /d
                role: primary
            \(fence)
            """, path: "/w.yaml")
    }

    @Test func fenceCommandAsListOrMapping() throws {
        let list = try Self.inventory("    fence_command: [/usr/bin/ipmitool, -H, db1-ipmi, chassis, power, off]")
        #expect(list.databaseNodes[0].fenceCommand == FenceCommand(arguments: ["/usr/bin/ipmitool", "-H", "db1-ipmi", "chassis", "power", "off"], timeoutSeconds: 60))
        let mapping = try Self.inventory("    fence_command: {argv: [/usr/local/bin/poweroff-vm, db1], timeout: 15}")
        #expect(mapping.databaseNodes[0].fenceCommand == FenceCommand(arguments: ["/usr/local/bin/poweroff-vm", "db1"], timeoutSeconds: 15))
        #expect(try Self.inventory("").databaseNodes[0].fenceCommand == nil)
    }

    @Test(arguments: [
        ("    fence_command: [ipmitool, off]", "absolute program path"),
        ("    fence_command: []", "fence_command is empty"),
        ("    fence_command: {timeout: 5}", "needs argv"),
        ("    fence_command: {argv: [/bin/true], timeout: 0}", "timeout must be"),
        ("    fence_command: {argv: [/bin/true], wait: 3}", "wait"),
        ("    fence_command: /bin/true", "must be a list"),
    ])
    func badFenceCommandsAreErrorsWithAPosition(_ text: String, _ expected: String) {
        let error = #expect(throws: CoreError.self) { try Self.inventory(text) }
        #expect(error?.description.contains(expected) == true, "\(String(describing: error))")
    }
}
