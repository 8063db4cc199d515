import Foundation
import Synchronization
import WardenCore
#if canImport(Glibc)
import Glibc
#endif

// MARK: - The apply journal on disk

/// Appends ``JournalRecord``s as JSON lines to `STATE_DIR/journal.jsonl` and reads them back.
///
/// Every line ends in `"crc32c":"…"}` over the rest of the line, and carries the format
/// version, the site and a sequence number. That tells three cases apart after a crash or a
/// full disk:
/// - a **torn tail** — the last line lacks its newline or its checksum: a write that never
///   completed. The next writer (holding the site lock) cuts it with `ftruncate` back to the
///   last newline and says so;
/// - a **damaged line** with good records after it: reported and skipped, never a cut point;
/// - a well-formed record of a **newer format**: never cut, never guessed at — refused.
///
/// An append is fsync'd before it returns (and the folder too when the file is new); a
/// short or failed append is truncated back to where it started, so a full disk leaves no
/// half line behind.
public final class Journal: Sendable {
    public let path: String
    /// The site whose runs this journal holds; records of another site are refused.
    public let site: String?
    private let lastSequence = Mutex<Int?>(nil)

    public init(stateDirectory: String, site: String? = nil) {
        self.path = stateDirectory + "/journal.jsonl"
        self.site = site
    }

    /// The journal of an inventory's site (its state directory, records tagged with its name).
    public convenience init(inventory: Inventory) {
        self.init(stateDirectory: inventory.stateDirectory, site: inventory.site)
    }

    // MARK: Writing

    public func append(_ record: JournalRecord) throws(HostError) {
        var record = record
        record.format = JournalRecord.currentFormat
        record.site = site
        record.seq = try nextSequence()
        let line = try Self.encode(record)
        try FaultPoint.reach("journal.append")
        let directory = (path as NSString).deletingLastPathComponent
        let created = !AtomicFile.exists(path)
        if created { try Directories.create(directory, mode: 0o700) }
        let fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw HostError.posix("open the journal", path, errno: errno) }
        defer { close(fd) }
        let start = lseek(fd, 0, SEEK_END)
        guard start >= 0 else { throw HostError.posix("seek in the journal", path, errno: errno) }
        let written = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        let code = errno
        if written != line.count || fsync(fd) != 0 {
            let failure = written == line.count ? errno : (written < 0 ? code : ENOSPC)
            _ = ftruncate(fd, start)
            _ = fsync(fd)
            throw HostError.posix("write the journal", path, errno: failure, hint: failure == ENOSPC ? "the state directory's filesystem is full; free space, then run `pgwarden undo` or the command again" : nil)
        }
        if created { try AtomicFile.syncDirectory(directory) }
        lastSequence.withLock { $0 = record.seq }
    }

    /// One more than the last record's (known from this journal's last read or append).
    private func nextSequence() throws(HostError) -> Int {
        if let last = lastSequence.withLock({ $0 }) { return last + 1 }
        _ = try read()
        return (lastSequence.withLock { $0 } ?? 0) + 1
    }

    /// One record as the journal writes it: a JSON line ending in its checksum and a newline.
    public static func encode(_ record: JournalRecord) throws(HostError) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var json: [UInt8]
        do { json = Array(try encoder.encode(record)) } catch {
            throw HostError(.journal, "cannot encode a journal record: \(error)")
        }
        guard json.last == UInt8(ascii: "}") else { throw HostError(.journal, "a journal record did not encode as an object") }
        json.removeLast()
        let body = json + Array(",\"crc32c\":\"".utf8)
        return body + Array(CRC32C.hex(body).utf8) + Array("\"}\n".utf8)
    }

    // MARK: Reading

    /// What a read found besides the records.
    public struct Contents: Sendable {
        public var records: [JournalRecord] = []
        /// 1-based numbers of damaged lines that have good records after them (skipped).
        public var damagedLines: [Int] = []
        /// Byte offset where a torn last line starts (nil: the file ends cleanly).
        public var tornTailOffset: Int?
    }

    /// Every record, oldest first. A torn tail is left out (``repairTail()`` cuts it); a
    /// damaged line in the middle is skipped and listed; a newer format or another site's
    /// record is refused.
    public func read() throws(HostError) -> Contents {
        guard AtomicFile.exists(path) else { return Contents() }
        let bytes = try AtomicFile.read(path)
        var contents = Contents()
        var lineStart = 0
        var lineNumber = 0
        var pendingDamage: [Int] = []
        var pendingOffset: Int?
        let decoder = JSONDecoder()
        while lineStart < bytes.count {
            lineNumber += 1
            let newline = bytes[lineStart...].firstIndex(of: 0x0A)
            let end = newline ?? bytes.count
            let line = Array(bytes[lineStart..<end])
            defer { lineStart = end + 1 }
            if line.isEmpty { continue }
            guard newline != nil, Self.checksumHolds(line), let record = try? decoder.decode(JournalRecord.self, from: Data(line)) else {
                if pendingOffset == nil { pendingOffset = lineStart }
                pendingDamage.append(lineNumber)
                continue
            }
            if let format = record.format, format > JournalRecord.currentFormat {
                throw HostError(.journal, "journal \(path) line \(lineNumber) was written by a newer pgwarden (format \(format); this one reads up to \(JournalRecord.currentFormat))",
                                hint: "use the pgwarden that wrote it; this one will not cut or guess at records it cannot read")
            }
            if let site, let other = record.site, other != site {
                throw HostError(.journal, "journal \(path) line \(lineNumber) belongs to site '\(other)', not '\(site)'",
                                hint: "give each inventory its own state_dir")
            }
            contents.damagedLines += pendingDamage
            pendingDamage = []
            pendingOffset = nil
            contents.records.append(record)
        }
        contents.tornTailOffset = pendingOffset
        let last = contents.records.last?.seq ?? 0
        lastSequence.withLock { if $0 == nil { $0 = last } }
        return contents
    }

    public func records() throws(HostError) -> [JournalRecord] {
        try read().records
    }

    /// Reads the journal and cuts a torn tail back to the last complete line. Call only
    /// while holding the site lock. Returns what was read (as it is after the cut) and a
    /// sentence saying what was cut, nil when the file ended cleanly.
    public func repairTail() throws(HostError) -> (contents: Contents, note: String?) {
        var contents = try read()
        guard let offset = contents.tornTailOffset else { return (contents, nil) }
        guard truncate(path, off_t(offset)) == 0 else { throw HostError.posix("cut the torn end of the journal", path, errno: errno) }
        contents.tornTailOffset = nil
        return (contents, "journal \(path): cut a torn last record at byte \(offset) (a run stopped while writing it)")
    }

    /// A line written by format 2 ends in `,"crc32c":"XXXXXXXX"}` over everything before the
    /// comma-quote; a line of format 1 has none and is taken as it is.
    static func checksumHolds(_ line: [UInt8]) -> Bool {
        let marker = Array(",\"crc32c\":\"".utf8)
        guard line.count >= marker.count + 10, line.suffix(2) == [UInt8(ascii: "\""), UInt8(ascii: "}")] else {
            return !line.contains(marker)  // format 1 (no checksum) or a torn line
        }
        let crcStart = line.count - 10
        let bodyEnd = crcStart - marker.count
        guard bodyEnd > 0, Array(line[bodyEnd..<crcStart]) == marker else { return !line.contains(marker) }
        let crc = String(decoding: line[crcStart..<(line.count - 2)], as: UTF8.self)
        return CRC32C.hex(line[0..<crcStart]) == crc
    }

    /// The current time as ISO 8601 UTC, for records.
    public static func now() -> String {
        ISO8601DateFormatter().string(from: Date())
    }
}
