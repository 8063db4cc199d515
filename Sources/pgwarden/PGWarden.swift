import ArgumentParser
import WardenCore

// MARK: - pgwarden

@main
struct PGWarden: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pgwarden",
        abstract: "Secure, replicate and fail over a shared PostgreSQL database, and keep every service's connection settings in step.",
        discussion: """
        A typical day:
          pgwarden lab up            # a disposable local site to try things on
          pgwarden inventory check   # validate warden.yaml
          pgwarden audit             # read-only findings (text, json, sarif)
          pgwarden plan              # what apply would change, step by step
          pgwarden apply             # do it, verifying every step
          pgwarden undo              # roll the last apply back
          pgwarden apply --only auth # md5 → SCRAM without locking anyone out
          pgwarden password rotate qliksenserepository --generate   # DB + every service config
          pgwarden services apply --require-ssl --seal   # every service config at once
          pgwarden tls ca init && pgwarden tls issue server --node db1   # certificates
          pgwarden replica add db2 && pgwarden failover  # standby, then fail over and repoint

        Exit codes: 0 ok, 1 findings at/above --fail-on, 2 bad input, 3 failed and rolled
        back, 4 failed and NOT rolled back (the manual steps are printed).
        """,
        version: WardenCoreVersion.string,
        subcommands: [
            LabCommand.self, InventoryCommand.self, AuditCommand.self, PlanCommand.self, ApplyCommand.self, UndoCommand.self,
            PasswordCommand.self, ServicesCommand.self, ConnstrCommand.self, KeyCommand.self, SecretCommand.self, TLSCommand.self,
            ReplicaCommand.self, StatusCommand.self, FailoverCommand.self, SwitchoverCommand.self, RejoinCommand.self,
        ]
    )
}
