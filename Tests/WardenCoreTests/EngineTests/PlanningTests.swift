import Testing
@testable import WardenCore

// MARK: - Server settings planner and the journal's undo reading

@Suite("Server settings planner")
struct ServerSettingsPlannerTests {
    static func setting(_ name: String, _ value: String, context: String = "sighup", vartype: String = "bool") -> ServerSetting {
        ServerSetting(name: name, setting: value, unit: nil, context: context, vartype: vartype)
    }

    @Test func plansOnlyWhatDiffers() {
        let current = [
            "log_connections": Self.setting("log_connections", "off", context: "superuser-backend"),
            "log_disconnections": Self.setting("log_disconnections", "on", context: "superuser-backend"),
        ]
        let result = ServerSettingsPlanner.plan(node: "db1", current: current, wanted: ["log_connections": "on", "log_disconnections": "true"])
        #expect(result.steps.map(\.id) == ["db1/setting/log_connections"])
        #expect(result.steps.first?.action == .setServerParameter(node: "db1", name: "log_connections", value: "on"))
        #expect(result.steps.first?.diff == ["- log_connections = off", "+ log_connections = on"])
        #expect(result.notes.isEmpty)
    }

    @Test func restartSettingsAreNotedNotPlanned() {
        let current = ["ssl_ciphers": Self.setting("ssl_ciphers", "HIGH", context: "sighup", vartype: "string"),
                       "wal_level": Self.setting("wal_level", "minimal", context: "postmaster", vartype: "enum")]
        let result = ServerSettingsPlanner.plan(node: "db1", current: current, wanted: ["wal_level": "replica"])
        #expect(result.steps.isEmpty)
        #expect(result.notes == ["db1: wal_level = replica needs a server restart (context postmaster); not planned"])
    }

    @Test func unknownSettingIsNoted() {
        let result = ServerSettingsPlanner.plan(node: "db1", current: [:], wanted: ["no_such_thing": "1"])
        #expect(result.steps.isEmpty)
        #expect(result.notes.count == 1)
    }

    @Test(arguments: [("on", "true", true), ("off", "0", true), ("on", "off", false), ("on", "banana", false)])
    func booleanSpellings(_ current: String, _ wanted: String, _ same: Bool) {
        #expect(Self.setting("x", current).matches(wanted) == same)
    }

    @Test func enumsCompareCaseInsensitively() {
        let setting = Self.setting("ssl_min_protocol_version", "TLSv1.2", vartype: "enum")
        #expect(setting.matches("tlsv1.2"))
        #expect(!setting.matches("TLSv1.3"))
    }
}

@Suite("Reading the journal for undo")
struct UndoWorkTests {
    static func step(_ id: String) -> PlannedStep {
        PlannedStep(id: id, title: id, reason: "test", diff: [], action: .setServerParameter(node: "db1", name: id, value: "on"))
    }
    static func undo(_ id: String) -> UndoRecord { .serverParameter(node: "db1", name: id, previousAutoConfValue: nil) }
    static func record(_ run: String, _ event: JournalRecord.Event, _ id: String? = nil) -> JournalRecord {
        JournalRecord(time: "t", run: run, event: event, stepID: id, step: id.map(step), undo: event == .applied ? id.map(undo) : nil)
    }

    @Test func latestRunIsUndoneInReverseOrder() throws {
        let records = [
            Self.record("r1", .runStarted), Self.record("r1", .applied, "a"), Self.record("r1", .runFinished),
            Self.record("r2", .runStarted), Self.record("r2", .applied, "b"), Self.record("r2", .verified, "b"),
            Self.record("r2", .applied, "c"), Self.record("r2", .runFinished),
        ]
        let work = try #require(UndoWork.latest(in: records))
        #expect(work.run == "r2")
        #expect(work.steps.map(\.step.id) == ["c", "b"])
    }

    @Test func undoneAndRolledBackRunsAreSkipped() throws {
        let records = [
            Self.record("r1", .applied, "a"), Self.record("r1", .runFinished),
            Self.record("r2", .applied, "b"), Self.record("r2", .runUndone),
            Self.record("r3", .applied, "c"), Self.record("r3", .failed, "d"), Self.record("r3", .undone, "c"), Self.record("r3", .runRolledBack),
        ]
        let work = try #require(UndoWork.latest(in: records))
        #expect(work.run == "r1")
        #expect(work.steps.map(\.step.id) == ["a"])
    }

    @Test func partlyUndoneRunKeepsOnlyStandingSteps() throws {
        let records = [Self.record("r1", .applied, "a"), Self.record("r1", .applied, "b"), Self.record("r1", .undone, "b")]
        let work = try #require(UndoWork.latest(in: records))
        #expect(work.steps.map(\.step.id) == ["a"])
    }

    @Test func nothingToUndo() {
        #expect(UndoWork.latest(in: []) == nil)
        #expect(UndoWork.latest(in: [Self.record("r1", .runStarted), Self.record("r1", .runFinished)]) == nil)
    }

    // MARK: Write-ahead intents

    static func intent(_ run: String, _ id: String) -> JournalRecord {
        JournalRecord(time: "t", run: run, event: .begin, stepID: id, step: step(id), undo: undo(id))
    }
    static func started(_ run: String, command: String = "apply", resumes: String? = nil) -> JournalRecord {
        JournalRecord(time: "t", run: run, event: .runStarted, command: command, resumes: resumes)
    }

    @Test func anIntentWithoutOutcomeStandsAsInFlight() throws {
        let records = [Self.started("r1"), Self.intent("r1", "a"), Self.record("r1", .applied, "a"), Self.intent("r1", "b")]
        let work = try #require(UndoWork.latest(in: records))
        #expect(work.steps.map(\.step.id) == ["b", "a"])
        #expect(work.steps.map(\.inFlight) == [true, false])
    }

    @Test func aFailedStepStillStands() throws {
        // `failed` is not "did nothing": the step may have acted in part.
        let records = [Self.started("r1"), Self.intent("r1", "a"), Self.record("r1", .failed, "a")]
        #expect(try #require(UndoWork.latest(in: records)).steps.map(\.step.id) == ["a"])
    }

    @Test func checkStepsLeaveNothingToUndo() {
        let check = JournalRecord(time: "t", run: "r1", event: .begin, stepID: "p", step: Self.step("p"), undo: .nothing)
        #expect(UndoWork.latest(in: [Self.started("r1"), check]) == nil)
        #expect(UndoWork.interrupted(in: [Self.started("r1"), check]) == nil)
    }

    @Test func aResumingRunIsUndoneWithTheRunItResumed() throws {
        let records = [
            Self.started("r1"), Self.intent("r1", "a"), Self.record("r1", .applied, "a"), Self.intent("r1", "b"),
            Self.started("r2", resumes: "r1"), Self.intent("r2", "c"), Self.record("r2", .applied, "c"), Self.record("r2", .runFinished),
        ]
        let work = try #require(UndoWork.latest(in: records))
        #expect(work.runs == ["r2", "r1"])
        #expect(work.steps.map(\.step.id) == ["c", "b", "a"], "newest run first, so the oldest recorded state is restored last")
        #expect(work.steps.map(\.run) == ["r2", "r1", "r1"])
    }

    @Test func interruptedRunsAreFound() throws {
        let crashed = [Self.started("r1", command: "services apply"), Self.intent("r1", "a")]
        let found = try #require(UndoWork.interrupted(in: crashed))
        #expect(found.run == "r1")
        #expect(found.command == "services apply")
        #expect(!found.undoStopped)

        let finished = crashed + [Self.record("r1", .applied, "a"), Self.record("r1", .runFinished)]
        #expect(UndoWork.interrupted(in: finished) == nil, "a finished run is undoable, not interrupted")

        let undoStopped = finished + [Self.intent("r1", "b"), Self.record("r1", .undone, "a")]
        #expect(try #require(UndoWork.interrupted(in: undoStopped)).undoStopped)

        let undoBegan = finished + [JournalRecord(time: "t", run: "r1", event: .undoStarted)]
        #expect(try #require(UndoWork.interrupted(in: undoBegan)).undoStopped, "an undo killed before its first step still counts")

        let rolledBack = crashed + [Self.record("r1", .undone, "a"), Self.record("r1", .runRolledBack)]
        #expect(UndoWork.interrupted(in: rolledBack) == nil)
    }

    @Test func failoverRunsAreMarked() throws {
        let records = [Self.started("f1", command: "failover"), Self.intent("f1", "svc"), Self.record("f1", .applied, "svc"), Self.record("f1", .runFinished)]
        let work = try #require(UndoWork.latest(in: records))
        #expect(work.command.map(UndoWork.topologyCommands.contains) == true)
    }
}

@Suite("CRC-32C")
struct CRC32CTests {
    @Test func knownVectors() {
        // RFC 3720 B.4 test vectors.
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum(Array(0...31).map(UInt8.init)) == 0x46DD_794E)
        #expect(CRC32C.hex(Array("123456789".utf8)) == "e3069283")
    }
}
