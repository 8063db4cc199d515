import Testing
@testable import WardenCore

@Suite("File share manifests")
struct ShareManifestTests {
    static let a = ShareManifest.Entry(size: 3, sha256: "aa")
    static let b = ShareManifest.Entry(size: 3, sha256: "bb")

    @Test func driftNamesMissingExtraAndDifferingFiles() {
        let share = ShareManifest(entries: ["apps/1.qvf": Self.a, "apps/2.qvf": Self.a, "static/x": Self.a])
        let replica = ShareManifest(entries: ["apps/1.qvf": Self.a, "apps/2.qvf": Self.b, "old/y": Self.a])
        let drift = ShareManifest.drift(share: share, replica: replica)
        #expect(drift.missing == ["static/x"])
        #expect(drift.differing == ["apps/2.qvf"])
        #expect(drift.extra == ["old/y"])
        #expect(!drift.inStep)
        #expect(drift.summary == "1 missing on the replica, 1 differing, 1 only on the replica")
        #expect(ShareManifest.drift(share: share, replica: share).inStep)
    }

    @Test func inventoryNamesAShareAndItsReplica() throws {
        let text = "site: s\ndatabase_nodes:\n  - {name: db1, host: h, port: 1, data_dir: d, role: primary}\nfile_share: {path: share, replica: /mnt/replica}\n"
        let inventory = try InventoryParser.parse(text, path: "/site/warden.yaml")
        #expect(inventory.fileShare == FileShare(path: "/site/share", replica: "/mnt/replica"))
        #expect(throws: CoreError.self) {
            try InventoryParser.parse(text.replacingOccurrences(of: "replica: /mnt/replica", with: "copy: /mnt/replica"), path: "/w.yaml")
        }
    }
}
