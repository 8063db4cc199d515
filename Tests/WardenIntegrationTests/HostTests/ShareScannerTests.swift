import Foundation
import Testing
import WardenCore
import WardenHost

@Suite("File share scanning on real folders")
struct ShareScannerTests {
    @Test func driftBetweenTwoRealTrees() throws {
        let root = try makeTemporaryDirectory()
        defer { try? Directories.remove(root) }
        for (path, text) in [("share/apps/1.qvf", "one"), ("share/apps/2.qvf", "two"), ("replica/apps/1.qvf", "one"), ("replica/apps/2.qvf", "TWO")] {
            try Directories.create((root + "/" + path as NSString).deletingLastPathComponent)
            try AtomicFile.write(Array(text.utf8), to: root + "/" + path)
        }
        let drift = try #require(try ShareScanner.drift(FileShare(path: root + "/share", replica: root + "/replica")))
        #expect(drift.differing == ["apps/2.qvf"])
        #expect(drift.missing.isEmpty && drift.extra.isEmpty)
        try AtomicFile.write(Array("two".utf8), to: root + "/replica/apps/2.qvf")
        #expect(try ShareScanner.drift(FileShare(path: root + "/share", replica: root + "/replica"))?.inStep == true)
        #expect(try ShareScanner.drift(nil) == nil)
    }

    @Test func missingReplicaFolderIsAnError() throws {
        let root = try makeTemporaryDirectory()
        defer { try? Directories.remove(root) }
        let error = #expect(throws: HostError.self) { try ShareScanner.drift(FileShare(path: root, replica: root + "/absent")) }
        #expect(error?.hint?.contains("file_share") == true)
    }
}
