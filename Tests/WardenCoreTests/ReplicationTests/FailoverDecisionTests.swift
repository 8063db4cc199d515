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

    static let here = FailoverDecision.OldPrimary(directory: .verified(systemIdentifier: "7"))
    static let missing = FailoverDecision.OldPrimary(directory: .missing("db1's data_dir /x does not exist on this machine or holds no PG_VERSION"))
    static func local(_ name: String, reachable: Bool) -> FencePlan { FencePlan(node: name, reachable: reachable, method: .instance) }

    @Test func picksTheMostAdvancedStandbyAndFencesAReachablePrimary() {
        let decision = FailoverDecision(inventoryPrimary: "db1", nodes: [
            Self.primary("db1", at: 500), Self.standby("db2", replayed: 400), Self.standby("db3", replayed: 300, received: 500),
        ], requestedTarget: nil, oldPrimary: Self.here, acceptLag: true)
        #expect(decision.outcome == .promote(target: "db3", fence: Self.local("db1", reachable: true), lagBytes: 0, risks: []))
    }

    @Test func deadLocalPrimaryIsFencedHere() {
        let decision = FailoverDecision(inventoryPrimary: "db1", nodes: [
            Self.primary("db1", at: 0, reachable: false), Self.standby("db2", replayed: 700),
        ], requestedTarget: nil, oldPrimary: Self.here)
        #expect(decision.outcome == .promote(target: "db2", fence: Self.local("db1", reachable: false), lagBytes: 0, risks: []))
    }

    @Test func laggingTargetIsRefusedWithoutAcceptLag() {
        let nodes = [Self.primary("db1", at: 0, reachable: false), Self.standby("db2", replayed: 100), Self.standby("db3", replayed: 900)]
        let refused = FailoverDecision(inventoryPrimary: "db1", nodes: nodes, requestedTarget: "db2", oldPrimary: Self.here)
        guard case .refuse(let reason, let hint) = refused.outcome else { Issue.record("expected a refusal"); return }
        #expect(reason.contains("800 bytes behind"))
        #expect(hint.contains("--accept-lag"))
        #expect(!hint.contains("--force"))
        let accepted = FailoverDecision(inventoryPrimary: "db1", nodes: nodes, requestedTarget: "db2", oldPrimary: Self.here, acceptLag: true)
        guard case .promote(let target, let fence, let lag, let risks) = accepted.outcome else { Issue.record("expected a promotion"); return }
        #expect(target == "db2" && fence == Self.local("db1", reachable: false) && lag == 800)
        #expect(risks.count == 1 && risks[0].hasPrefix("--accept-lag: db2 was promoted 800 bytes behind") && risks[0].contains("lost"))
        // --unfenced does not accept lag: the two risks are separate words.
        let wrongFlag = FailoverDecision(inventoryPrimary: "db1", nodes: nodes, requestedTarget: "db2", oldPrimary: Self.missing, unfenced: "db1")
        guard case .refuse(let lagReason, _) = wrongFlag.outcome else { Issue.record("expected a refusal"); return }
        #expect(lagReason.contains("bytes behind"))
    }

    @Test func lagAgainstALivePrimaryCounts() {
        let decision = FailoverDecision(inventoryPrimary: "db1", nodes: [Self.primary("db1", at: 1000), Self.standby("db2", replayed: 999)],
                                        requestedTarget: nil, oldPrimary: Self.here)
        guard case .refuse = decision.outcome else { Issue.record("a standby 1 byte behind a live primary must not be promoted silently"); return }
        let tolerant = FailoverDecision(inventoryPrimary: "db1", nodes: [Self.primary("db1", at: 1000), Self.standby("db2", replayed: 999)],
                                        requestedTarget: nil, oldPrimary: Self.here, maximumLagBytes: 16)
        #expect(tolerant.outcome == .promote(target: "db2", fence: Self.local("db1", reachable: true), lagBytes: 1, risks: []))
    }

    @Test(arguments: [
        ("db9", "no database node named db9"),
        ("db1", "db1 is already the primary"),
        ("db3", "db3 is not a reachable standby"),
    ])
    func badTargetsAreRefused(_ target: String, _ reason: String) {
        let decision = FailoverDecision(inventoryPrimary: "db1", nodes: [
            Self.primary("db1", at: 10), Self.standby("db2", replayed: 10), Self.standby("db3", replayed: 10, reachable: false),
        ], requestedTarget: target, oldPrimary: Self.here, acceptLag: true)
        guard case .refuse(let actual, _) = decision.outcome else { Issue.record("expected a refusal"); return }
        #expect(actual.hasPrefix(reason), "\(actual)")
    }

    @Test func noStandbyAndSecondPrimaryAreRefused() {
        let none = FailoverDecision(inventoryPrimary: "db1", nodes: [Self.primary("db1", at: 1), Self.standby("db2", replayed: 1, reachable: false)], requestedTarget: nil, oldPrimary: Self.here, acceptLag: true)
        guard case .refuse(let reason, _) = none.outcome else { Issue.record("expected a refusal"); return }
        #expect(reason == "no reachable standby to promote")
        let split = FailoverDecision(inventoryPrimary: "db1", nodes: [Self.primary("db1", at: 1), Self.primary("db2", at: 5), Self.standby("db3", replayed: 1)], requestedTarget: nil, oldPrimary: Self.here, acceptLag: true)
        guard case .refuse(let splitReason, _) = split.outcome else { Issue.record("expected a refusal"); return }
        #expect(splitReason == "db2 is already a primary")
    }

    // MARK: Fencing refusals (issue 11, 4b)

    static let unprovable: [DataDirectoryIdentity.Verdict] = [
        .missing("db1's data_dir /gone does not exist on this machine or holds no PG_VERSION"),
        .foreign("/old belongs to database system 1, but the site is system 7 (reported by db2)"),
        .pidFileUnreadable("/d/postmaster.pid cannot be read (Permission denied): whether a server runs from it is unknown"),
        .unproven("no node answered to confirm that /d (system 7) is db1's data directory"),
    ]

    @Test(arguments: FailoverDecisionTests.unprovable)
    func unreachablePrimaryThatCannotBeFencedIsRefused(_ verdict: DataDirectoryIdentity.Verdict) {
        let nodes = [Self.primary("db1", at: 0, reachable: false), Self.standby("db2", replayed: 700)]
        let decision = FailoverDecision(inventoryPrimary: "db1", nodes: nodes, requestedTarget: "db2", oldPrimary: .init(directory: verdict))
        guard case .refuse(let reason, let hint) = decision.outcome else { Issue.record("expected a refusal for \(verdict)"); return }
        #expect(reason.hasPrefix("db1's state cannot be established: it does not answer"), "\(reason)")
        #expect(reason.contains(verdict.explanation))
        #expect(hint.contains("--unfenced db1") && hint.contains("fence_command"))
    }

    @Test(arguments: FailoverDecisionTests.unprovable)
    func reachablePrimaryThatCannotBeFencedIsRefused(_ verdict: DataDirectoryIdentity.Verdict) {
        let nodes = [Self.primary("db1", at: 700), Self.standby("db2", replayed: 700)]
        let decision = FailoverDecision(inventoryPrimary: "db1", nodes: nodes, requestedTarget: nil, oldPrimary: .init(directory: verdict))
        guard case .refuse(let reason, _) = decision.outcome else { Issue.record("expected a refusal"); return }
        #expect(reason.hasPrefix("db1 answers but cannot be fenced from here"), "\(reason)")
    }

    @Test func fenceCommandCountsAsAFence() {
        let nodes = [Self.primary("db1", at: 0, reachable: false), Self.standby("db2", replayed: 700)]
        let decision = FailoverDecision(inventoryPrimary: "db1", nodes: nodes, requestedTarget: nil,
                                        oldPrimary: .init(directory: Self.missing.directory, hasFenceCommand: true))
        #expect(decision.outcome == .promote(target: "db2", fence: FencePlan(node: "db1", reachable: false, method: .command), lagBytes: 0, risks: []))
        // A verified local directory wins over the command: the local fence proves more.
        let both = FailoverDecision(inventoryPrimary: "db1", nodes: nodes, requestedTarget: nil, oldPrimary: .init(directory: .verified(systemIdentifier: "7"), hasFenceCommand: true))
        #expect(both.outcome == .promote(target: "db2", fence: Self.local("db1", reachable: false), lagBytes: 0, risks: []))
    }

    @Test func unfencedNamesTheNodeAndSaysTheRisk() {
        let nodes = [Self.primary("db1", at: 0, reachable: false), Self.standby("db2", replayed: 700)]
        let decision = FailoverDecision(inventoryPrimary: "db1", nodes: nodes, requestedTarget: nil, oldPrimary: Self.missing, unfenced: "db1")
        guard case .promote(let target, let fence, _, let risks) = decision.outcome, case .unfenced(let risk) = fence?.method else {
            Issue.record("expected an unfenced promotion"); return
        }
        #expect(target == "db2")
        #expect(risks == [risk])
        #expect(risk.hasPrefix("--unfenced db1: db1 was NOT fenced"))
        #expect(risk.contains("second primary") && risk.contains("does not exist on this machine"))
        // Naming another node is not permission for this one.
        let other = FailoverDecision(inventoryPrimary: "db1", nodes: nodes, requestedTarget: nil, oldPrimary: Self.missing, unfenced: "db3")
        guard case .refuse(let reason, let hint) = other.outcome else { Issue.record("expected a refusal"); return }
        #expect(reason.contains("--unfenced names db3") && hint.contains("--unfenced db1"))
        // Without an old primary in the inventory nothing is fenced and nothing refused.
        let orphan = FailoverDecision(inventoryPrimary: nil, nodes: [Self.standby("db2", replayed: 1)], requestedTarget: nil, oldPrimary: nil)
        #expect(orphan.outcome == .promote(target: "db2", fence: nil, lagBytes: 0, risks: []))
    }

    @Test func unfencedIsNotNeededWhenTheFenceIsPossible() {
        let nodes = [Self.primary("db1", at: 0, reachable: false), Self.standby("db2", replayed: 700)]
        let decision = FailoverDecision(inventoryPrimary: "db1", nodes: nodes, requestedTarget: nil, oldPrimary: Self.here, unfenced: "db1")
        #expect(decision.outcome == .promote(target: "db2", fence: Self.local("db1", reachable: false), lagBytes: 0, risks: []))
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
