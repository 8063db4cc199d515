import Foundation
import Testing
import WardenCore
import WardenHost
import WardenLab
import WardenPostgres

// MARK: - pgwarden's pg_hba evaluation against PostgreSQL itself

/// Generated pg_hba.conf files and a generated role graph, real libpq logins from several
/// source addresses, and for every attempt the line PostgreSQL used compared with the one
/// `HBAEvaluator` names.
///
/// PostgreSQL names the matched line only when a password login fails (the DETAIL
/// "Connection matched pg_hba.conf line N"); trust, reject and "no entry" leave no line
/// number. So each generated file is loaded as its *marker variant* — every method
/// `password`, same numbering — and every login uses a wrong password. "No entry" is told
/// apart by its own message. Log entries are matched to attempts by the client's address
/// (jsonlog `remote_host`), role and database, which are unique per attempt within a file,
/// so an attempt the server saw from another address than intended fails the test.
///
/// libpq's `prefer` and `allow` make a second connection after the first fails, and so
/// leave two entries: the evaluator's ``HBAEvaluator/login(_:over:credentialsAccepted:)``
/// must predict both, in order.
///
/// Each file starts with a sentinel line `host pgw_sentinel_N all all reject`; logins start
/// only when `pg_hba_file_rules` shows no error and a login to `pgw_sentinel_N` is
/// rejected, which proves the file is the one in force (a reload that fails keeps the old
/// rules silently).
///
/// Logins come from 127.0.0.1, from three network namespaces (two IPv4 subnets and IPv6,
/// see ``ClientNamespaces``) and over the Unix-domain socket (`local` lines); sessions,
/// physical (`replication=true`) and logical (`replication=database`) walsenders.
///
/// Runs on PostgreSQL 15, the only server this machine installs: `/regex` entries are
/// therefore proven to be plain names here, and the PostgreSQL 16 branches (regular
/// expressions, include files) are unit-tested only (HBAServerRulesTests). Host name
/// addresses are not generated (they depend on this machine's resolver), nor `include`
/// lines (PostgreSQL 15 refuses the whole file). A mismatch is reported with its seed,
/// attempt and file, not shrunk.
@Suite("pg_hba.conf: pgwarden's evaluator against PostgreSQL 15, differentially", .serialized)
struct HBADifferentialTests {
    static let psql = "/usr/lib/postgresql/15/bin/psql"
    static let wrongPassword = "wrong-password-for-the-differential-test"
    static let files = 14
    static let attemptsPerFile = 40

    /// The seed: `PGWARDEN_HBA_SEED` to replay a failure, else a new one per run.
    static let seed: UInt64 = ProcessInfo.processInfo.environment["PGWARDEN_HBA_SEED"].flatMap { UInt64($0) }
        ?? UInt64.random(in: 1...UInt64(UInt32.max))

    @Test("every login's pg_hba line, as PostgreSQL 15 logs it, is the evaluator's",
          .enabled(if: OSAccount.isRoot, "needs root (network namespaces)"),
          .enabled(if: FileManager.default.isExecutableFile(atPath: psql), "needs PostgreSQL 15's psql"),
          .enabled("network namespaces are not available here") { await NetworkNamespace.isAvailable() })
    func linesAgreeWithPostgres() async throws {
        let started = ContinuousClock.now
        let network = try await ClientNamespaces.make()
        do {
            let leftovers = try await withLab { site in
                let lab = try await DifferentialLab.prepare(site, network: network)
                var summary = DifferentialSummary()
                for index in 0..<Self.files {
                    try await lab.check(fileSeed: Self.seed &+ UInt64(index), index: index, attempts: Self.attemptsPerFile, summary: &summary)
                }
                let elapsed = ContinuousClock.now - started
                print("HBA differential: seed \(Self.seed), \(summary.files) files, \(summary.attempts) logins, \(summary.connections) connections, "
                      + "\(summary.rejectedFiles) files PostgreSQL refused, \(summary.mismatches) mismatches, \(elapsed)")
                print("HBA differential coverage (marker logins decided by): " + summary.coverage.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
                for feature in DifferentialSummary.required {
                    #expect(summary.coverage[feature, default: 0] > 0, "no login was decided by \(feature) (seed \(Self.seed)): the generator must reach it")
                }
                #expect(summary.mismatches == 0, "seed \(Self.seed): replay with PGWARDEN_HBA_SEED=\(Self.seed)")
                #expect(summary.attempts >= Self.files * Self.attemptsPerFile / 2, "too few attempts ran (seed \(Self.seed))")
                return [lab.home, lab.local.server]
            }
            for directory in leftovers { try? Directories.remove(directory) }
        } catch {
            await network.remove()
            throw error
        }
        await network.remove()
    }
}
