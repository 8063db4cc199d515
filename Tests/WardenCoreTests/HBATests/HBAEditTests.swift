import Foundation
import Testing
import WardenCore

@Suite("pg_hba.conf: planned edits (HBAEdit)")
struct HBAEditTests {
    static let file = """
    # header
    local all all peer
    host all all 127.0.0.1/32 md5
    host all all 0.0.0.0/0 md5

    """

    @Test("line numbers refer to the planned file, whatever order the edits come in")
    func linesReferToTheOriginal() throws {
        let original = try HBAFile(parsing: Self.file)
        let edits: [HBAEdit] = [
            .insert(rule: "hostssl all all 10.0.4.17/32 scram-sha-256", beforeLine: 2),
            .setMethod(line: 3, method: "scram-sha-256"),
            .disable(line: 4, reason: "too wide"),
            .insert(rule: "hostnossl all all all reject", beforeLine: 3),
            .insert(rule: "host replication replicator 127.0.0.2/32 scram-sha-256", beforeLine: nil),
        ]
        for order in [edits, edits.reversed(), [edits[3], edits[0], edits[4], edits[2], edits[1]]] {
            let edited = try original.applying(order)
            #expect(edited.render() == """
            # header
            hostssl all all 10.0.4.17/32 scram-sha-256
            local all all peer
            hostnossl all all all reject
            host all all 127.0.0.1/32 scram-sha-256
            # pgwarden: disabled: too wide
            # host all all 0.0.0.0/0 md5
            host replication replicator 127.0.0.2/32 scram-sha-256

            """)
        }
    }

    @Test("an insertion above a changed line leaves the change on that line")
    func sameAnchor() throws {
        let edited = try HBAFile(parsing: Self.file).applying([
            .insert(rule: "host all alice 127.0.0.1/32 md5", beforeLine: 3),
            .setMethod(line: 3, method: "scram-sha-256"),
        ])
        #expect(edited.rules.map(\.rule.text) == [
            "local all all peer", "host all alice 127.0.0.1/32 md5",
            "host all all 127.0.0.1/32 scram-sha-256", "host all all 0.0.0.0/0 md5",
        ])
    }

    @Test("no edits: the same bytes")
    func noEdits() throws {
        let original = try HBAFile(parsing: Self.file)
        #expect(try original.applying([]).bytes == original.bytes)
    }

    @Test("bad edits are refused with a reason")
    func badEdits() throws {
        let original = try HBAFile(parsing: Self.file)
        #expect(throws: CoreError.self) { try original.applying([.setMethod(line: 1, method: "md5")]) }
        #expect(throws: CoreError.self) { try original.applying([.setMethod(line: 3, method: "banana")]) }
        #expect(throws: CoreError.self) { try original.applying([.disable(line: 99, reason: "x")]) }
        #expect(throws: CoreError.self) { try original.applying([.insert(rule: "host all all", beforeLine: nil)]) }
        #expect(throws: CoreError.self) { try original.applying([.insert(rule: "host all all 127.0.0.1/32 peer", beforeLine: nil)]) }
    }

    @Test("edits survive a JSON round trip (they travel in plans and journals)")
    func codable() throws {
        let edits: [HBAEdit] = [.insert(rule: "hostnossl all all all reject", beforeLine: 2), .disable(line: 4, reason: "r"), .setMethod(line: 3, method: "scram-sha-256")]
        let data = try JSONEncoder().encode(edits)
        #expect(try JSONDecoder().decode([HBAEdit].self, from: data) == edits)
    }
}
