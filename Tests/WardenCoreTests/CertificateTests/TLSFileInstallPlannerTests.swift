import Testing
@testable import WardenCore

// MARK: - Deciding whether a data directory needs the issued TLS files

@Suite("TLS file install planning")
struct TLSFileInstallPlannerTests {
    let postgres = FileOwner(uid: 112, gid: 120)

    var issued: TLSFileSet {
        TLSFileSet(
            certificate: TLSFileState(path: "/state/tls/nodes/db1/server.crt", sha256: "c1", mode: 0o644, owner: FileOwner(uid: 0, gid: 0)),
            key: TLSFileState(path: "/state/tls/nodes/db1/server.key", sha256: "k1", mode: 0o600, owner: FileOwner(uid: 0, gid: 0)),
            rootCertificate: TLSFileState(path: "/state/tls/ca.crt", sha256: "r1", mode: 0o644, owner: FileOwner(uid: 0, gid: 0)))
    }

    func installed(certificate: String? = "c1", key: String? = "k1", root: String? = "r1", keyMode: Int = 0o600, keyOwner: FileOwner? = nil) -> TLSFileSet {
        TLSFileSet(
            certificate: TLSFileState(path: "/data/server.crt", sha256: certificate, mode: certificate == nil ? nil : 0o644, owner: certificate == nil ? nil : postgres),
            key: TLSFileState(path: "/data/server.key", sha256: key, mode: key == nil ? nil : keyMode, owner: key == nil ? nil : (keyOwner ?? postgres)),
            rootCertificate: TLSFileState(path: "/data/root.crt", sha256: root, mode: root == nil ? nil : 0o644, owner: root == nil ? nil : postgres))
    }

    @Test("nothing installed yet: one step copying all three files, new files marked +")
    func fresh() throws {
        let step = try #require(TLSFileInstallPlanner.step(node: "db1", issued: issued, installed: installed(certificate: nil, key: nil, root: nil), owner: postgres))
        #expect(step.id == "db1/tls/files")
        guard case .installTLSFiles(let node, let files) = step.action else { Issue.record("wrong action"); return }
        #expect(node == "db1")
        #expect(files.map(\.role) == [.certificate, .key, .rootCertificate])
        #expect(files.map(\.target) == ["/data/server.crt", "/data/server.key", "/data/root.crt"])
        #expect(files.allSatisfy { $0.expectedSHA256 == nil })
        #expect(files.map(\.mode) == [0o644, 0o600, 0o644])
        #expect(step.diff.count == 3 && step.diff.allSatisfy { $0.hasPrefix("+ ") })
    }

    @Test("already installed with the right owner and mode: no step")
    func converged() {
        #expect(TLSFileInstallPlanner.step(node: "db1", issued: issued, installed: installed(), owner: postgres) == nil)
    }

    @Test("a re-issued certificate replaces only what changed, expecting what is there now")
    func replaced() throws {
        let step = try #require(TLSFileInstallPlanner.step(node: "db1", issued: issued, installed: installed(certificate: "c0", key: "k0"), owner: postgres))
        guard case .installTLSFiles(_, let files) = step.action else { return }
        #expect(files.map(\.role) == [.certificate, .key])
        #expect(files.map(\.expectedSHA256) == ["c0", "k0"])
        #expect(step.diff.filter { $0.hasPrefix("- ") }.count == 2)
    }

    @Test("a key others can read, or owned by someone else, is fixed even when its bytes are right", arguments: [0o644, 0o640, 0o000])
    func wrongMode(mode: Int) throws {
        let step = try #require(TLSFileInstallPlanner.step(node: "db1", issued: issued, installed: installed(keyMode: mode), owner: postgres))
        guard case .installTLSFiles(_, let files) = step.action else { return }
        #expect(files.map(\.role) == [.key])
        #expect(step.diff.first?.hasPrefix("~ server.key") == true)
        let owned = try #require(TLSFileInstallPlanner.step(node: "db1", issued: issued, installed: installed(keyOwner: FileOwner(uid: 0, gid: 0)), owner: postgres))
        guard case .installTLSFiles(_, let ownerFix) = owned.action else { return }
        #expect(ownerFix.map(\.role) == [.key])
    }

    @Test("an owner-only key with mode 0400 is acceptable as it is")
    func readOnlyKey() {
        #expect(TLSFileInstallPlanner.step(node: "db1", issued: issued, installed: installed(keyMode: 0o400), owner: postgres) == nil)
    }

    @Test("nothing issued (or only part of it): no step")
    func notIssued() {
        var partial = issued
        partial.key.sha256 = nil
        #expect(TLSFileInstallPlanner.step(node: "db1", issued: partial, installed: installed(certificate: nil, key: nil, root: nil), owner: postgres) == nil)
    }

    @Test("locations: issued under the state directory, the CA from the inventory, installed in the data directory")
    func locations() {
        var inventory = CertificateFixtures.inventory
        inventory.tls.caCertificate = "/pki/root.pem"
        let issued = TLSFileLocations.issued(node: "db1", inventory: inventory)
        #expect(issued[.certificate] == "/site/state/tls/nodes/db1/server.crt")
        #expect(issued[.key] == "/site/state/tls/nodes/db1/server.key")
        #expect(issued[.rootCertificate] == "/pki/root.pem")
        #expect(TLSFileLocations.installed(dataDirectory: "/srv/db1")[.key] == "/srv/db1/server.key")
    }
}
