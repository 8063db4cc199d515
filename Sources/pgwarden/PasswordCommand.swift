import ArgumentParser
import Foundation
import WardenCore
import WardenHost
import WardenPostgres

// MARK: - pgwarden password set | rotate

/// A role's password changed the safe way: only a SCRAM verifier computed here reaches the
/// server, the site's copies follow, logins prove it, and a failure rolls everything back.
struct PasswordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "password",
        abstract: "Set or rotate a role's password; the server only ever sees a SCRAM verifier computed here.",
        discussion: """
        The password comes from a no-echo prompt (asked twice), from stdin with \
        --password-stdin, or is generated with --generate (then kept sealed in the secret \
        store, and shown once only with --show). Never from the command line.
          pgwarden password set postgres                        # prompt, twice
          pgwarden password set postgres --password-stdin < pw.txt
          pgwarden password set reporting --generate --store reporting
          pgwarden password rotate qliksenserepository --generate
          pgwarden undo                                         # the last change, back
        A password is refused (exit 2, nothing changed) when it is empty, the role's name, \
        shorter than 16 characters, or holds a control character.
        """,
        subcommands: [Set.self, Rotate.self])

    // MARK: set

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Give ROLE a new password (its SCRAM verifier only); the inventory's file:/store: copy follows.",
            discussion: """
            `ALTER ROLE … PASSWORD 'SCRAM-SHA-256$…'` with a verifier computed here, even while \
            password_encryption is still md5 (md5 lines accept SCRAM verifiers). If warden.yaml's \
            secrets: names a file: or store: for ROLE, that copy is rewritten too; --store NAME \
            keeps a sealed copy under NAME as well. Verified by reading pg_authid and logging in. \
            Refused for a role that services log in as: use `pgwarden password rotate ROLE`.
            Exit codes: 0 done, 2 bad input (nothing changed), 3 failed and rolled back, \
            4 failed and NOT rolled back.
            """)
        @OptionGroup var change: PasswordChangeOptions

        func run() async throws {
            try await reportingErrors { try await change.run(.set) }
        }
    }

    // MARK: rotate

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "New password for ROLE in the database and in every service config that logs in as it, sealed; all-or-nothing.",
            discussion: """
            The role's verifier, the inventory's copy, and every service entry whose user is \
            ROLE (written sealed with the site key: run `pgwarden key init` first). Then each \
            service logs in with its own settings; if one cannot, the old verifier and every \
            file's old bytes come back. Windows-protected (DPAPI) passwords are refused: replace \
            them first with `pgwarden connstr set FILE ENTRY password --seal`.
            Exit codes: 0 done, 2 bad input (nothing changed), 3 failed and rolled back, \
            4 failed and NOT rolled back.
            """)
        @OptionGroup var change: PasswordChangeOptions

        func run() async throws {
            try await reportingErrors { try await change.run(.rotate) }
        }
    }
}

/// What `password set` and `password rotate` both take: the role, where the new password
/// comes from, the key, the inventory and the output format.
struct PasswordChangeOptions: ParsableArguments {
    @Argument(help: "The role (case-sensitive).")
    var role: String
    @OptionGroup var newPassword: NewPasswordOptions
    @OptionGroup var keyOptions: KeyOptions
    @OptionGroup var inventoryOptions: InventoryOptions
    @OptionGroup var output: FormatOptions

    /// Reads the new password, plans, and runs the plan with the password in memory only.
    func run(_ mode: PasswordChangePlanner.Mode) async throws {
        let inventory = try inventoryOptions.loadForChange("password")
        let keyFile = try keyOptions.keyFile(inventory: inventoryOptions)
        let password = try newPassword.read(role: role)
        let access = SiteAccess(inventory: inventory)
        let request = PasswordChangePlanner.Request(role: role, mode: mode, storeName: newPassword.store, generated: newPassword.generate)
        let plan = try await PasswordChange.plan(request, access: access, keyFile: keyFile)
        let performer = SiteStepPerformer(access: access, keyFile: keyFile, newPasswords: [role: password], progress: { Console.progress($0) })
        let shown = newPassword.show ? PlanRunner.Shown(label: "New password of \(role) (shown this once)", value: password) : nil
        try await PlanRunner.run(plan, inventory: inventory, command: "password \(role)", performer: performer, format: output.format, show: shown)
    }
}

/// Where the new password comes from.
struct NewPasswordOptions: ParsableArguments {
    @Flag(name: .customLong("password-stdin"), help: "Read the new password from stdin (a final line break is dropped).")
    var passwordStdin = false
    @Flag(help: "Generate the password (RFC 3986 unreserved characters) and keep it sealed in the secret store.")
    var generate = false
    @Option(help: ArgumentHelp("Length of a generated password (at least \(PasswordGenerator.minimumLength); default \(PasswordGenerator.defaultLength)).", valueName: "n"))
    var length: Int?
    @Flag(help: "Print the generated password once, after the change is verified.")
    var show = false
    @Option(help: ArgumentHelp("Also keep the new password sealed in the secret store under NAME (store:NAME).", valueName: "name"))
    var store: String?

    func validate() throws {
        if passwordStdin && generate { throw ValidationError("--password-stdin and --generate are exclusive") }
        if length != nil && !generate { throw ValidationError("--length goes with --generate") }
        if show && !generate { throw ValidationError("--show prints a generated password; a password you typed is already yours") }
    }

    /// The new password, checked against the password policy (exit 2 when refused).
    func read(role: String) throws -> Secret {
        if generate {
            return try PasswordGenerator(length: length ?? PasswordGenerator.defaultLength).generate()
        }
        let password = passwordStdin ? SecretInput.readStandardInput() : try SecretInput.promptTwice("New password for \(role):")
        try PasswordPolicy().check(password, role: role)
        return password
    }
}
