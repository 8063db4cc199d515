import ArgumentParser

// MARK: - pgwarden tls

struct TLSCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tls",
        abstract: "The site's certificates: a CA, server and client certificates, import, expiry, rotation.",
        discussion: """
        A site CA signs a certificate per database node that names every host the services
        dial, so services can use verify-full. Installing copies server.crt, server.key (0600,
        owned by the data directory's owner) and root.crt into the data directory as a
        journaled step (`pgwarden undo` reverts it) and reloads a server that has ssl on.

          pgwarden tls ca init                       # STATE_DIR/tls/ca.crt + ca.key (0600); --rsa for RSA 3072
          pgwarden tls issue server --node db1       # issue and install; --ip-san adds addresses
          pgwarden tls issue client --user ROLE      # for cert authentication
          pgwarden tls import --node db1 --cert server.pem --key server_key.pem --ca root.pem
          pgwarden tls show                          # issued vs installed, expiry
          pgwarden tls rotate                        # renew what is inside tls.warning_days, reload, no session dropped

        Turning ssl on and hostssl-only pg_hba are `pgwarden apply --only tls`.
        """,
        subcommands: [TLSCACommand.self, TLSIssueCommand.self, TLSImportCommand.self, TLSShowCommand.self, TLSRotateCommand.self])
}

struct TLSIssueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "issue",
        abstract: "Issue a server certificate for a node, or a client certificate for a role, with the site CA.",
        subcommands: [TLSIssueServerCommand.self, TLSIssueClientCommand.self])
}
