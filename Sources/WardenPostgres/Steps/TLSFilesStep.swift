import Foundation
import WardenCore
import WardenHost
#if canImport(Glibc)
import Glibc
#endif

// MARK: - TLS files into the data directory, verified and undoable

/// Carries out ``StepAction/installTLSFiles(node:files:)``.
///
/// - prepare: checks the certificate before anything is written — key matches, chains to
///   the site CA, names every host name services use to reach the node, valid now — and
///   refuses otherwise; refuses a source re-issued since the plan or a target edited since;
///   asks the server whether ssl is on (so an unreachable server is refused before any
///   copy); keeps each target's old bytes under `STATE_DIR/backups/tls/SHA256`.
/// - act: copies each file atomically, owned by the data directory's owner with the planned
///   mode (a file already right is left alone); then, when ssl is on, reloads (existing
///   sessions keep their TLS session; new ones get the new files). A failure part-way is
///   rolled back by the executor through undo, like any step that may have acted.
/// - verify: every target re-read holds the source's bytes, owner and mode; with ssl on and
///   the server reading these files, a new connection is presented the new certificate
///   (fingerprint read from the wire). A reload PostgreSQL rejected (it keeps the old
///   context and only logs) fails here.
/// - undo: restores the old bytes, mode and owner (removes files that did not exist) and
///   reloads when ssl is on; files the step never reached are left as they are.
struct TLSFilesStep: Sendable {
    let access: SiteAccess
    /// Old keys are secrets: their backups are sealed when the site has a key.
    let vault: BackupVault

    // MARK: Prepare and act

    func prepare(_ step: PlannedStep) async throws -> PreparedStep {
        guard case .installTLSFiles(let nodeName, let copies) = step.action else {
            throw HostError(.verification, "step \(step.id) is not a TLS file installation")
        }
        let node = try access.node(nodeName)
        try await checkCertificate(for: node, copies: copies)
        let owner = try TLSFileSurvey.dataDirectoryOwner(node)
        let reload = try await sslIsOn(node)
        let planned = try copies.map(prepareCopy)
        let record = UndoRecord.tlsFiles(node: nodeName, files: planned.map(\.undo))
        return PreparedStep(undo: record) {
            for (copy, bytes, undo) in planned {
                try Self.install(copy, bytes: bytes, before: undo, owner: owner)
            }
            if reload { try await access.reload(node) }
        }
    }

    /// Refuses a certificate that would break verifying clients or the server itself.
    private func checkCertificate(for node: DatabaseNode, copies: [TLSFileCopy]) async throws {
        let issued = TLSFileLocations.issued(node: node.name, inventory: access.inventory)
        func source(_ role: TLSFileRole) -> String { copies.first { $0.role == role }?.source ?? issued[role] ?? "" }
        let names = ServerCertificateNames.forNode(node, in: access.inventory, serviceHosts: ServiceHostNames.read(access.inventory).hosts)
        let problems = try await CertificateImportCheck.check(
            certificatePEM: try AtomicFile.readText(source(.certificate)),
            keyPEM: Secret(try AtomicFile.readText(source(.key))),
            caPEM: try AtomicFile.readText(source(.rootCertificate)),
            hostNames: names.dnsNames, now: Date(),
            certificateFile: source(.certificate), keyFile: source(.key))
        guard problems.isEmpty else { throw CertificateImportCheck.refusal(problems, node: node.name) }
    }

    /// Reads the source and the target's state, refuses what changed since the plan, and
    /// keeps the target's old bytes.
    private func prepareCopy(_ copy: TLSFileCopy) throws -> (copy: TLSFileCopy, bytes: [UInt8], undo: TLSFileUndo) {
        let bytes = try AtomicFile.read(copy.source)
        guard FileDigest.sha256(bytes) == copy.sourceSHA256 else {
            throw HostError(.verification, "\(copy.source) changed since the plan was made (issued again?); refused",
                            hint: "run the command again to plan with the current files")
        }
        let before = try TLSFileSurvey.state(copy.target)
        let record = TLSFileUndo(
            target: copy.target,
            backupPath: before.sha256.map { vault.path(kind: "tls", sha256: $0) },
            previousSHA256: before.sha256, writtenSHA256: copy.sourceSHA256, previousMode: before.mode, previousOwner: before.owner)
        guard before.sha256 == copy.sourceSHA256 || before.sha256 == copy.expectedSHA256 else {
            throw HostError(.verification, "\(copy.target) changed on disk since the plan was made; refused",
                            hint: "run the command again to plan with the file as it is now")
        }
        if let backup = record.backupPath, before.sha256 != copy.sourceSHA256 {
            try vault.keep(try AtomicFile.read(copy.target), at: backup)
        }
        return (copy, bytes, record)
    }

    private static func install(_ copy: TLSFileCopy, bytes: [UInt8], before: TLSFileUndo, owner: FileOwner) throws {
        if before.previousSHA256 == copy.sourceSHA256 {
            if before.previousOwner != owner || before.previousMode != copy.mode { try setOwnerAndMode(copy.target, owner: owner, mode: copy.mode) }
            return
        }
        try AtomicFile.write(bytes, to: copy.target, mode: mode_t(copy.mode), owner: owner)
    }

    // MARK: Verify

    func verify(_ step: PlannedStep) async throws {
        guard case .installTLSFiles(let nodeName, let copies) = step.action else { return }
        let node = try access.node(nodeName)
        let owner = try TLSFileSurvey.dataDirectoryOwner(node)
        for copy in copies {
            let state = try TLSFileSurvey.state(copy.target)
            guard state.sha256 == copy.sourceSHA256 else {
                throw HostError(.verification, "\(copy.target) re-read after writing does not hold the issued file")
            }
            guard state.owner == owner, state.mode == copy.mode else {
                throw HostError(.verification, "\(copy.target) is not owned by \(owner) with mode \(String(copy.mode, radix: 8))",
                                hint: "PostgreSQL refuses a key that is not owned by the server's user and owner-only")
            }
        }
        guard let certificate = copies.first(where: { $0.role == .certificate }), try await servesFiles(node, certificate: certificate.target) else { return }
        let expected = try CertificateSummary(pem: try AtomicFile.readText(certificate.target)).fingerprint
        let served = CertificatePEM.fingerprint(der: try await WireProbe(host: node.host, port: node.port).servedCertificate())
        guard served == expected else {
            throw HostError(.verification, "\(node.name) still presents another certificate after the reload (fingerprint \(served.prefix(23))…)",
                            hint: "the server rejected the new files; see its log (key and certificate must match and the key must be readable by the server)")
        }
    }

    // MARK: Undo

    func undo(_ record: UndoRecord) async throws {
        guard case .tlsFiles(let nodeName, let files) = record else { return }
        for file in files.reversed() { try Self.restore(file, vault: vault) }
        let node = try access.node(nodeName)
        if try await sslIsOn(node) { try await access.reload(node) }
    }

    /// Puts one file back as it was: old bytes (or no file), old mode and owner.
    static func restore(_ file: TLSFileUndo, vault: BackupVault) throws {
        guard let previous = file.previousSHA256, let backup = file.backupPath else {
            let current = try TLSFileSurvey.state(file.target).sha256
            guard current != nil else { return }
            guard current == file.writtenSHA256 else {
                throw HostError(.verification, "\(file.target) changed after pgwarden wrote it; not removing someone else's file")
            }
            guard unlink(file.target) == 0 else { throw HostError.posix("remove", file.target, errno: errno) }
            return
        }
        if previous != file.writtenSHA256 {
            try AtomicFile.restore(file.target, from: backup, previousSHA256: previous, writtenSHA256: file.writtenSHA256, vault: vault)
        }
        if let owner = file.previousOwner, let mode = file.previousMode {
            try setOwnerAndMode(file.target, owner: owner, mode: mode)
        }
    }

    static func setOwnerAndMode(_ path: String, owner: FileOwner, mode: Int) throws(HostError) {
        guard chown(path, owner.uid, owner.gid) == 0 else { throw HostError.posix("set the owner of", path, errno: errno) }
        guard chmod(path, mode_t(mode)) == 0 else { throw HostError.posix("set the mode of", path, errno: errno) }
    }

    // MARK: The server's TLS state

    private func sslIsOn(_ node: DatabaseNode) async throws -> Bool {
        try await access.withSuperuser(on: node) { session in try await session.value("SHOW ssl") } == "on"
    }

    /// ssl is on and the server's `ssl_cert_file` is `certificate`.
    private func servesFiles(_ node: DatabaseNode, certificate: String) async throws -> Bool {
        let row = try await access.withSuperuser(on: node) { session in
            try await session.rows("SELECT current_setting('ssl'), current_setting('ssl_cert_file'), current_setting('data_directory')").first
        }
        guard let row, row.count == 3, row[0] == "on", let file = row[1], let dataDirectory = row[2] else { return false }
        let path = file.hasPrefix("/") ? file : dataDirectory + "/" + file
        return (path as NSString).resolvingSymlinksInPath == (certificate as NSString).resolvingSymlinksInPath
    }
}
