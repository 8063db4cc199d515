import Foundation
import Testing
import WardenCore
import WardenHost

// MARK: - Atomic writes on the real file system

@Suite("Atomic file writes")
struct AtomicFileTests {
    @Test func replaceKeepsModeAndMakesABackup() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? Directories.remove(dir) }
        let path = dir + "/appsettings.json"
        try AtomicFile.write(Array("old\r\n".utf8), to: path, mode: 0o640)
        let backup = try AtomicFile.write(Array("new".utf8), to: path, backupPath: dir + "/backups/appsettings.json.1")
        #expect(try AtomicFile.read(path) == Array("new".utf8))
        #expect(backup == dir + "/backups/appsettings.json.1")
        #expect(try AtomicFile.read(dir + "/backups/appsettings.json.1") == Array("old\r\n".utf8))
        var info = stat()
        #expect(stat(path, &info) == 0 && info.st_mode & 0o777 == 0o640)
        #expect(try leftovers(in: dir) == ["appsettings.json", "backups"])
    }

    @Test func failureBeforeRenameLeavesTheOriginalIntact() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? Directories.remove(dir) }
        let path = dir + "/Repository.exe.config"
        let original: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("<configuration/>\r\n".utf8)
        try AtomicFile.write(original, to: path)
        struct Crash: Error {}
        #expect(throws: HostError.self) {
            try AtomicFile.write(Array("half".utf8), to: path) { temporary in
                #expect(AtomicFile.exists(temporary), "the temporary file is complete before the rename")
                throw Crash()
            }
        }
        #expect(try AtomicFile.read(path) == original)
        #expect(try leftovers(in: dir) == ["Repository.exe.config"], "no temporary file left behind")
    }

    @Test func aSymlinkIsFollowedAndKept() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? Directories.remove(dir) }
        try Directories.create(dir + "/managed")
        try AtomicFile.write(Array("old\n".utf8), to: dir + "/managed/pg_hba.conf")
        #expect(symlink(dir + "/managed/pg_hba.conf", dir + "/pg_hba.conf") == 0)
        try AtomicFile.write(Array("new\n".utf8), to: dir + "/pg_hba.conf")
        var info = stat()
        #expect(lstat(dir + "/pg_hba.conf", &info) == 0 && info.st_mode & S_IFMT == S_IFLNK, "the link is still a link")
        #expect(try AtomicFile.readText(dir + "/managed/pg_hba.conf") == "new\n", "its target got the new bytes")
        #expect(try leftovers(in: dir) == ["managed", "pg_hba.conf"])
    }

    @Test func aFileWithHardLinksIsRefused() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? Directories.remove(dir) }
        try AtomicFile.write(Array("old\n".utf8), to: dir + "/a.conf")
        #expect(link(dir + "/a.conf", dir + "/b.conf") == 0)
        let error = #expect(throws: HostError.self) { try AtomicFile.write(Array("new\n".utf8), to: dir + "/a.conf") }
        #expect(error?.message.contains("2 hard links") == true)
        #expect(try AtomicFile.readText(dir + "/b.conf") == "old\n")
    }

    @Test func extendedAttributesSurviveAWrite() async throws {
        let dir = try makeTemporaryDirectory()
        defer { try? Directories.remove(dir) }
        let path = dir + "/appsettings.json"
        try AtomicFile.write(Array("{}\n".utf8), to: path)
        let python = "import os,sys; p=sys.argv[1]; os.setxattr(p, b'user.pgwarden', b'keep-me') if sys.argv[2]=='set' else print(os.getxattr(p, b'user.pgwarden').decode())"
        let set = try await ProcessRunner().run("/usr/bin/python3", ["-c", python, path, "set"])
        guard set.status == 0 else {
            print("skipped: this filesystem takes no user xattrs (\(set.standardError))")
            return
        }
        try AtomicFile.write(Array("{\"a\": 1}\n".utf8), to: path)
        let read = try await ProcessRunner().run("/usr/bin/python3", ["-c", python, path, "get"])
        #expect(read.standardOutput == "keep-me\n", "\(read.standardError)")
    }

    @Test func writingIntoAMissingFolderFailsCleanly() {
        let error = #expect(throws: HostError.self) {
            try AtomicFile.write(Array("x".utf8), to: "/nonexistent-pgwarden/dir/file")
        }
        #expect(error?.message.contains("/nonexistent-pgwarden/dir/file") == true)
    }

    @Test func createRefusesToOverwrite() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? Directories.remove(dir) }
        try AtomicFile.create(Array("key".utf8), at: dir + "/key", mode: 0o600)
        #expect(throws: HostError.self) { try AtomicFile.create(Array("other".utf8), at: dir + "/key", mode: 0o600) }
        #expect(try AtomicFile.read(dir + "/key") == Array("key".utf8))
    }

    @Test func nonUTF8TextIsRefused() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? Directories.remove(dir) }
        try AtomicFile.write([0x61, 0xFF, 0x62], to: dir + "/latin1.conf")
        let error = #expect(throws: HostError.self) { try AtomicFile.readText(dir + "/latin1.conf") }
        #expect(error?.hint?.contains("UTF-8") == true)
    }

    private func leftovers(in dir: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
    }
}

@Suite("Secrets from files and the environment")
struct SecretResolverTests {
    @Test func ownerOnlyFileIsReadWithoutTrailingNewline() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? Directories.remove(dir) }
        try AtomicFile.create(Array("s3cret\n".utf8), at: dir + "/pw", mode: 0o600)
        #expect(try SecretResolver().resolve(.file(path: dir + "/pw"), role: "postgres").revealed == "s3cret")
    }

    @Test func fileReadableByOthersIsRefused() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? Directories.remove(dir) }
        try AtomicFile.create(Array("s3cret\n".utf8), at: dir + "/pw", mode: 0o644)
        let error = #expect(throws: HostError.self) { try SecretResolver().resolve(.file(path: dir + "/pw"), role: "postgres") }
        #expect(error?.kind == .secret)
        #expect(error?.hint == "run: chmod 600 \(dir)/pw")
        #expect(error?.message.contains("s3cret") == false)
    }

    @Test func missingFileAndEmptyFileAndMissingVariable() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? Directories.remove(dir) }
        #expect(throws: HostError.self) { try SecretResolver().resolve(.file(path: dir + "/none"), role: "r") }
        try AtomicFile.create(Array("\n".utf8), at: dir + "/empty", mode: 0o600)
        #expect(throws: HostError.self) { try SecretResolver().resolve(.file(path: dir + "/empty"), role: "r") }
        let resolver = SecretResolver(environment: ["PRESENT": "value"])
        #expect(try resolver.resolve(.environment(name: "PRESENT"), role: "r").revealed == "value")
        #expect(throws: HostError.self) { try resolver.resolve(.environment(name: "ABSENT"), role: "r") }
    }
}

@Suite("Running programs")
struct ProcessRunnerTests {
    @Test func capturesOutputErrorsAndExitCode() async throws {
        let result = try await ProcessRunner().run("/bin/sh", ["-c", "echo out; echo err >&2; exit 3"])
        #expect(result.standardOutput == "out\n")
        #expect(result.standardError == "err\n")
        #expect(result.status == 3)
    }

    @Test func feedsStandardInputWithoutArgv() async throws {
        let big = String(repeating: "0123456789", count: 50_000)
        let result = try await ProcessRunner().run("/bin/cat", [], standardInput: Array(big.utf8))
        #expect(result.standardOutput == big)
    }

    @Test func missingProgramIsAnError() async {
        await #expect(throws: HostError.self) { _ = try await ProcessRunner().run("/nonexistent/program", []) }
    }

    /// A program that hangs, or leaves a child holding its output open (what a daemon
    /// started without redirection does), ends in an error instead of a wait without end.
    @Test func aProgramThatDoesNotFinishIsKilledAtItsDeadline() async throws {
        let hung = await #expect(throws: HostError.self) { _ = try await ProcessRunner().run("/bin/sleep", ["30"], timeoutSeconds: 0.5) }
        #expect(hung?.kind == .timeout)
        #expect(hung?.message == "/bin/sleep 30 did not finish within 0.5 s")
        let orphan = await #expect(throws: HostError.self) {
            _ = try await ProcessRunner().run("/bin/sh", ["-c", "sleep 30 & echo started"], timeoutSeconds: 1)
        }
        #expect(orphan?.kind == .timeout)
        // A program that finishes in time is not affected.
        #expect(try await ProcessRunner().run("/bin/sh", ["-c", "echo quick"], timeoutSeconds: 5).standardOutput == "quick\n")
    }

    @Test func runsAsAnotherUserWhenRoot() async throws {
        guard OSAccount.isRoot, OSAccount.ids(of: "postgres") != nil else { return }
        let result = try await ProcessRunner().run("/usr/bin/id", ["-un"], user: "postgres")
        #expect(result.standardOutput == "postgres\n")
    }
}

@Suite("The apply journal on disk")
struct JournalTests {
    @Test func appendAndReadBackIgnoringATornLastLine() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? Directories.remove(dir) }
        let journal = Journal(stateDirectory: dir + "/state")
        try journal.append(JournalRecord(time: "t1", run: "r", event: .runStarted))
        try journal.append(JournalRecord(time: "t2", run: "r", event: .runFinished))
        #expect(try journal.records().map(\.event) == [.runStarted, .runFinished])
        var bytes = try AtomicFile.read(journal.path)
        bytes += Array("{\"event\":\"beg".utf8)
        try AtomicFile.write(bytes, to: journal.path)
        #expect(try journal.records().count == 2, "a crash mid-write loses only the torn record")
        var info = stat()
        #expect(stat(journal.path, &info) == 0 && info.st_mode & 0o777 == 0o600)
    }

    @Test func damagedMiddleLineIsSkippedAndNamedNeverCut() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? Directories.remove(dir) }
        let journal = Journal(stateDirectory: dir)
        let text = Array("{bad}\n{\"event\":\"run-started\",\"run\":\"r\",\"time\":\"t\"}\n".utf8)
        try AtomicFile.write(text, to: journal.path)
        let contents = try journal.read()
        #expect(contents.records.map(\.run) == ["r"])
        #expect(contents.damagedLines == [1])
        #expect(contents.tornTailOffset == nil)
        #expect(try journal.repairTail().note == nil)
        #expect(try AtomicFile.read(journal.path) == text, "a damaged line with good records after it is never a cut point")
    }

    @Test func checksumTellsATornOrFlippedLineFromAGoodOne() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? Directories.remove(dir) }
        let journal = Journal(stateDirectory: dir, site: "lab")
        for event in [JournalRecord.Event.runStarted, .runFinished, .runUndone] {
            try journal.append(JournalRecord(time: "t", run: "r", event: event))
        }
        let good = try AtomicFile.read(journal.path)
        #expect(try journal.records().map(\.seq) == [1, 2, 3])
        #expect(try journal.records().allSatisfy { $0.site == "lab" && $0.format == JournalRecord.currentFormat })
        // One flipped bit in a value the decoder would still accept: the checksum catches it.
        var flipped = good
        let index = try #require(flipped.firstIndex(of: UInt8(ascii: "r")))
        flipped[index] = UInt8(ascii: "s")
        try AtomicFile.write(flipped, to: journal.path)
        #expect(try journal.read().damagedLines.count == 1)
        // A torn tail is cut back to the last newline, and said.
        try AtomicFile.write(good + Array(good.prefix(20)), to: journal.path)
        #expect(try journal.read().tornTailOffset == good.count)
        #expect(try journal.repairTail().note != nil)
        #expect(try AtomicFile.read(journal.path) == good)
        // The next append continues the sequence.
        let again = Journal(stateDirectory: dir, site: "lab")
        try again.append(JournalRecord(time: "t", run: "r2", event: .runStarted))
        #expect(try again.records().last?.seq == 4)
    }
}
