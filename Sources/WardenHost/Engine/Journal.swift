import Foundation
import WardenCore
#if canImport(Glibc)
import Glibc
#endif

// MARK: - The apply journal on disk

/// Appends ``JournalRecord``s as JSON lines to `STATE_DIR/journal.jsonl` and reads them back.
///
/// Each record is flushed before the step it describes goes on, so after a crash the
/// journal tells exactly which steps had acted.
public struct Journal: Sendable {
    public let path: String

    public init(stateDirectory: String) {
        self.path = stateDirectory + "/journal.jsonl"
    }

    public func append(_ record: JournalRecord) throws(HostError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let line: Data
        do { line = try encoder.encode(record) } catch {
            throw HostError(.journal, "cannot encode a journal record: \(error)")
        }
        try Directories.create((path as NSString).deletingLastPathComponent, mode: 0o700)
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw HostError.posix("open the journal", path, errno: errno) }
        defer { close(fd) }
        var bytes = [UInt8](line)
        bytes.append(0x0A)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count, fsync(fd) == 0 else { throw HostError.posix("write the journal", path, errno: errno) }
    }

    /// Every record, oldest first. A torn last line (crash mid-write) is ignored.
    public func records() throws(HostError) -> [JournalRecord] {
        guard AtomicFile.exists(path) else { return [] }
        let text = String(decoding: try AtomicFile.read(path), as: UTF8.self)
        let decoder = JSONDecoder()
        var records: [JournalRecord] = []
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true)
        for (index, line) in lines.enumerated() {
            do {
                records.append(try decoder.decode(JournalRecord.self, from: Data(line.utf8)))
            } catch {
                if index == lines.count - 1 { break }
                throw HostError(.journal, "journal \(path) line \(index + 1) is damaged", hint: "inspect the file; pgwarden will not guess what was applied")
            }
        }
        return records
    }

    /// The current time as ISO 8601 UTC, for records.
    public static func now() -> String {
        ISO8601DateFormatter().string(from: Date())
    }
}
