import Testing
@testable import WardenCore

// MARK: - The failover decision, every branch with plain values

@Suite("Failover decision")
struct FailoverDecisionTests {
    static func primary(_ name: String, at lsn: UInt64, reachable: Bool = true) -> NodeReplicationState {
        reachable ? NodeReplicationState(name: name, reachable: true, role: .primary, position: LSN(lsn))
                  : NodeReplicationState(name: name, reachable: false, role: .unknown, problem: "refused")
    }
    static func standby(_ name: String, replayed: UInt64, received: UInt64? = nil, reachable: Bool = true) -> NodeReplicationState {
        NodeReplicationState(name: name, reachable: reachable, role: reachable ? .standby : .unknown, position: LSN(replayed), receivedPosition: received.map(LSN.init))
    }

    @Test func picksTheMostAdvancedStandbyAndFencesAReachablePrimary() {
        let decision = FailoverDecision(inventoryPrimary: "db1", nodes: [
            Self.primary("db1", at: 500), Self.standby("db2", replayed: 400), Self.standby("db3", replayed: 300, received: 500),
        ], requestedTarget: nil, force: true)
        #expect(decision.outcome == .promote(target: "db3", fence: "db1", fenceReachable: true, lagBytes: 0))
    }

    @Test func deadPrimaryIsStillFencedButMarkedUnreachable() {
        let decision = FailoverDecision(inventoryPrimary: "db1", nodes: [
            Self.primary("db1", at: 0, reachable: false), Self.standby("db2", replayed: 700),
        ], requestedTarget: nil, force: false)
        #expect(decision.outcome == .promote(target: "db2", fence: "db1", fenceReachable: false, lagBytes: 0))
    }

    @Test func laggingTargetIsRefusedWithoutForce() {
        let nodes = [Self.primary("db1", at: 0, reachable: false), Self.standby("db2", replayed: 100), Self.standby("db3", replayed: 900)]
        let refused = FailoverDecision(inventoryPrimary: "db1", nodes: nodes, requestedTarget: "db2", force: false)
        guard case .refuse(let reason, let hint) = refused.outcome else { Issue.record("expected a refusal"); return }
        #expect(reason.contains("800 bytes behind"))
        #expect(hint.contains("--force"))
        let forced = FailoverDecision(inventoryPrimary: "db1", nodes: nodes, requestedTarget: "db2", force: true)
        #expect(forced.outcome == .promote(target: "db2", fence: "db1", fenceReachable: false, lagBytes: 800))
    }

    @Test func lagAgainstALivePrimaryCounts() {
        let decision = FailoverDecision(inventoryPrimary: "db1", nodes: [Self.primary("db1", at: 1000), Self.standby("db2", replayed: 999)],
                                        requestedTarget: nil, force: false)
        guard case .refuse = decision.outcome else { Issue.record("a standby 1 byte behind a live primary must not be promoted silently"); return }
        let tolerant = FailoverDecision(inventoryPrimary: "db1", nodes: [Self.primary("db1", at: 1000), Self.standby("db2", replayed: 999)],
                                        requestedTarget: nil, force: false, maximumLagBytes: 16)
        #expect(tolerant.outcome == .promote(target: "db2", fence: "db1", fenceReachable: true, lagBytes: 1))
    }

    @Test(arguments: [
        ("db9", "no database node named db9"),
        ("db1", "db1 is already the primary"),
        ("db3", "db3 is not a reachable standby"),
    ])
    func badTargetsAreRefused(_ target: String, _ reason: String) {
        let decision = FailoverDecision(inventoryPrimary: "db1", nodes: [
            Self.primary("db1", at: 10), Self.standby("db2", replayed: 10), Self.standby("db3", replayed: 10, reachable: false),
        ], requestedTarget: target, force: true)
        guard case .refuse(let actual, _) = decision.outcome else { Issue.record("expected a refusal"); return }
        #expect(actual.hasPrefix(reason), "\(actual)")
    }

    @Test func noStandbyAndSecondPrimaryAreRefused() {
        let none = FailoverDecision(inventoryPrimary: "db1", nodes: [Self.primary("db1", at: 1), Self.standby("db2", replayed: 1, reachable: false)], requestedTarget: nil, force: true)
        guard case .refuse(let reason, _) = none.outcome else { Issue.record("expected a refusal"); return }
        #expect(reason == "no reachable standby to promote")
        let split = FailoverDecision(inventoryPrimary: "db1", nodes: [Self.primary("db1", at: 1), Self.primary("db2", at: 5), Self.standby("db3", replayed: 1)], requestedTarget: nil, force: true)
        guard case .refuse(let splitReason, _) = split.outcome else { Issue.record("expected a refusal"); return }
        #expect(splitReason == "db2 is already a primary")
    }
}

@Suite("LSN")
struct LSNTests {
    @Test func parsesAndPrints() throws {
        let lsn = try #require(LSN("16/B374D848"))
        #expect(lsn.value == 0x16_B374_D848)
        #expect(lsn.description == "16/B374D848")
        #expect(LSN("0/0")?.value == 0)
        #expect(try #require(LSN("0/3000148")).bytes(since: try #require(LSN("0/3000000"))) == 0x148)
        #expect(LSN(5).bytes(since: LSN(9)) == 0)
    }

    @Test(arguments: ["", "0", "0/", "/1", "G/1", "1/2/3", "123456789/0", "-1/0"])
    func rejectsMalformed(_ text: String) {
        #expect(LSN(text) == nil)
    }
}

@Suite("Inventory role edit")
struct InventoryRoleEditTests {
    static let text = """
    site: s   # comment kept
    database_nodes:
      - name: db1
        host: 127.0.0.1
        port: 1
        data_dir: a
        role: primary    # the writer
      - {name: db2, host: 127.0.0.1, port: 2, data_dir: b, role: "standby"}
    """

    @Test func changesOnlyTheRoleValue() throws {
        let first = try InventoryRoleEdit.setRole(.fenced, ofNode: "db1", in: Self.text, path: "w.yaml")
        #expect(first == Self.text.replacingOccurrences(of: "role: primary    # the writer", with: "role: fenced    # the writer"))
        let second = try InventoryRoleEdit.setRole(.primary, ofNode: "db2", in: first, path: "w.yaml")
        #expect(second == first.replacingOccurrences(of: "role: \"standby\"}", with: "role: primary}"))
        let parsed = try InventoryParser.parse(second, path: "/w.yaml")
        #expect(parsed.databaseNodes.map(\.role) == [.fenced, .primary])
    }

    @Test func unknownNodeOrMissingRoleIsAnError() {
        #expect(throws: CoreError.self) { try InventoryRoleEdit.setRole(.primary, ofNode: "db9", in: Self.text, path: "w.yaml") }
        let noRole = "site: s\ndatabase_nodes:\n  - {name: db1, host: h, port: 1, data_dir: d}\n"
        #expect(throws: CoreError.self) { try InventoryRoleEdit.setRole(.primary, ofNode: "db1", in: noRole, path: "w.yaml") }
    }
}
