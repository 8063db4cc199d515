import ArgumentParser
import Foundation
import WardenCore
import WardenHost
import WardenPostgres

// MARK: - pgwarden services plan | apply

struct ServicesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "services",
        abstract: "Change every service config file of the site at once: require SSL, pin TLS, repoint, seal passwords.",
        discussion: """
        One verified, reversible step per file; all-or-nothing. Examples:
          pgwarden services plan --require-ssl --tls-min 1.2 --seal
          pgwarden services apply --host-from-cert server.pem --root-cert /etc/pki/root.pem
          pgwarden services apply --verify-full --root-cert /etc/pki/root.pem
          pgwarden services apply --repoint db2.example.com:4432
          pgwarden services apply --multi-host db1:4432,db2:4432
          pgwarden undo
        """,
        subcommands: [Plan.self, Apply.self])

    struct Plan: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the per-file changes (secrets redacted). Changes nothing.")
        @OptionGroup var inventoryOptions: InventoryOptions
        @OptionGroup var change: ServiceChangeOptions
        @OptionGroup var keyOptions: KeyOptions
        @OptionGroup var output: FormatOptions

        func run() async throws {
            try await reportingErrors {
                let inventory = try inventoryOptions.load()
                let plan = try ServiceFleet.plan(inventory, request: try change.request(), keyFile: try keyOptions.keyFile(inventory: inventoryOptions))
                if output.format == .json { try Console.json(plan); return }
                PlanPrinter.print(plan)
            }
        }
    }

    struct Apply: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Apply the per-file changes, verify each by re-reading it; roll every file back if one fails.")
        @OptionGroup var inventoryOptions: InventoryOptions
        @OptionGroup var change: ServiceChangeOptions
        @OptionGroup var keyOptions: KeyOptions
        @OptionGroup var output: FormatOptions

        func run() async throws {
            try await reportingErrors {
                let inventory = try inventoryOptions.loadForChange("services apply")
                let keyFile = try keyOptions.keyFile(inventory: inventoryOptions)
                let plan = try ServiceFleet.plan(inventory, request: try change.request(), keyFile: keyFile)
                let performer = SiteStepPerformer(access: SiteAccess(inventory: inventory), keyFile: keyFile)
                try await PlanRunner.run(plan, inventory: inventory, command: "services apply", performer: performer, format: output.format)
            }
        }
    }
}

/// The flags of a fleet change.
struct ServiceChangeOptions: ParsableArguments {
    @Flag(name: .customLong("require-ssl"), help: "Require TLS in each driver's spelling (Ssl Mode=Require, sslMode: require, ssl: \"true\", SSL: 1, Security.Enable).")
    var requireSSL = false
    @Flag(name: .customLong("verify-full"), help: "SSL mode verify-full in each driver's spelling (Ssl Mode=VerifyFull, sslmode=verify-full, \"Mode\": \"verify-full\"); needs --root-cert, written alongside.")
    var verifyFull = false
    @Option(name: .customLong("tls-min"), help: ArgumentHelp("Oldest TLS version, where the driver has a setting (Devart SSL TLS Protocol, libpq ssl_min_protocol_version, node --ssl= bitmask).", valueName: "1.2|1.3"))
    var tlsMin: String?
    @Option(name: .customLong("host-from-cert"), help: ArgumentHelp("Set every host to the subject CN of this PEM certificate (the server's).", valueName: "pem"))
    var hostFromCert: String?
    @Option(help: ArgumentHelp("Point every service at this database server.", valueName: "host:port"))
    var repoint: String?
    @Option(name: .customLong("multi-host"), help: ArgumentHelp("Write a multi-host list where the driver supports one (Devart, Npgsql, libpq); the first host elsewhere.", valueName: "host:port,host:port"))
    var multiHost: String?
    @Option(name: .customLong("root-cert"), help: ArgumentHelp("Root certificate path to write where the shape has one.", valueName: "path"))
    var rootCert: String?
    @Option(name: .customLong("client-cert"), help: ArgumentHelp("Client certificate path to write where the shape has one.", valueName: "path"))
    var clientCert: String?
    @Option(name: .customLong("client-key"), help: ArgumentHelp("Client key path to write where the shape has one.", valueName: "path"))
    var clientKey: String?
    @Flag(help: "Seal every plaintext password with the site's key (pgwarden key init).")
    var seal = false

    func request() throws -> ServiceChangeRequest {
        var request = ServiceChangeRequest()
        request.requireSSL = requireSSL
        if verifyFull {
            guard rootCert != nil else {
                throw CoreError(.invalid, "--verify-full needs --root-cert", hint: "give the CA certificate services check the server against, e.g. --verify-full --root-cert /etc/pki/root.pem")
            }
            request.verifyFull = true
        }
        if let tlsMin {
            guard let version = DriverSpelling.tlsVersion(tlsMin), version >= .tls1_2 else {
                throw CoreError(.invalid, "--tls-min \(tlsMin) is not TLS 1.2 or 1.3", hint: "use --tls-min 1.2 (older versions are broken)")
            }
            request.tlsMinimum = version
        }
        if repoint != nil && multiHost != nil {
            throw CoreError(.invalid, "--repoint and --multi-host are exclusive", hint: "give one of them")
        }
        if let list = repoint ?? multiHost {
            let hosts = try ConnectionHostList.split(list)
            if repoint != nil && hosts.count != 1 {
                throw CoreError(.invalid, "--repoint takes one HOST:PORT", hint: "use --multi-host for a list")
            }
            request.hosts = hosts
        }
        if let hostFromCert {
            if request.hosts != nil { throw CoreError(.invalid, "--host-from-cert and --repoint/--multi-host are exclusive", hint: "give one of them") }
            let path = PathResolution.resolve(hostFromCert, against: FileManager.default.currentDirectoryPath)
            do {
                request.host = try PEMCertificates.subjectCommonName(in: try AtomicFile.readText(path))
            } catch let error as CoreError {
                throw error.file == nil ? error.inFile(path) : error
            }
        }
        request.rootCertificate = rootCert
        request.clientCertificate = clientCert
        request.clientKey = clientKey
        request.sealPasswords = seal
        guard !request.isEmpty else {
            throw CoreError(.invalid, "no change asked for", hint: "give at least one of --require-ssl, --verify-full, --tls-min, --host-from-cert, --repoint, --multi-host, --root-cert, --seal")
        }
        return request
    }
}

// MARK: - Running a plan and reporting like `apply`

enum PlanRunner {
    struct Report: Encodable {
        var outcome: String
        var applied: Int
        var failedStep: String?
        var error: String?
        var stillApplied: [String]?
        var notes: [String]?
        /// A generated password the user asked to see (`password … --generate --show`).
        var password: String?
    }

    /// A secret to print once after a completed run, and how to introduce it.
    struct Shown {
        var label: String
        var value: Secret
    }

    /// The report for an executor's outcome and the exit code to end with (nil: success).
    static func report(_ outcome: PlanExecutor.Outcome) -> (Report, ExitCode?) {
        switch outcome {
        case .completed(let applied):
            (Report(outcome: "completed", applied: applied), nil)
        case .rolledBack(let step, let error):
            (Report(outcome: "rolled-back", applied: 0, failedStep: step, error: error), ExitCode(3))
        case .rollbackFailed(let step, let error, let left):
            (Report(outcome: "rollback-failed", applied: left.count, failedStep: step, error: error, stillApplied: left.map(\.id)), ExitCode(4))
        }
    }

    /// Runs `plan` and reports as `apply` does. Notes come first: they say what was left out
    /// and why (a consumer hostssl-only waits for, a role whose password is not known).
    static func run(_ plan: WardenCore.Plan, inventory: Inventory, command: String, performer: any StepPerformer, format: OutputFormat, show: Shown? = nil,
                    nothingToDo: String = "Nothing to do: every file already matches.") async throws {
        let executor = PlanExecutor(journal: Journal(inventory: inventory), performer: performer, command: command) { Console.progress($0) }
        for note in plan.notes { Console.progress("note: \(note)") }
        if plan.isEmpty {
            // `run` checks the journal itself; with nothing to run, the refusal of a change on
            // top of an interrupted run must not depend on the plan being empty.
            try executor.checkJournal()
            if format == .json { try Console.json(Report(outcome: "nothing-to-do", applied: 0, notes: plan.notes)) } else { Console.out(nothingToDo) }
            return
        }
        let outcome = try await executor.run(plan)
        var (report, exit) = report(outcome)
        if format == .json {
            if exit == nil { (report.notes, report.password) = (plan.notes, show?.value.revealed) }
            try Console.json(report)
        } else {
            switch outcome {
            case .completed(let applied):
                Console.out("Applied and verified \(applied) step(s). Undo with: pgwarden undo")
                if let show { Console.out("\(show.label): \(show.value.revealed)") }
            case .rolledBack(let step, let error):
                Console.out("Step \(step) failed: \(error)\nEvery step of this run, the failed one included, was rolled back.")
            case .rollbackFailed(let step, let error, let left):
                Console.out("Step \(step) failed: \(error)\nRollback failed; these steps are still applied and must be reverted by hand:")
                for step in left { Console.out("  - \(step.title)") }
            }
        }
        if let exit { throw exit }
    }
}
