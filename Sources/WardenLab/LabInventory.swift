import WardenCore

// MARK: - The lab's warden.yaml

/// Writes the lab's inventory: a commented example of the format as much as a config.
enum LabInventory {
    struct Service {
        var node: String
        var profile: String
        var file: String
    }

    static func text(state: LabState, services: [Service]) -> String {
        var lines: [String] = [
            "# pgwarden inventory for a lab site (made by `pgwarden lab up`).",
            "# Paths are relative to this file. Secrets are references, never values.",
            "site: \(state.site)",
            "state_dir: state",
            "superuser: \(LabSite.superuser)",
            "replication_role: \(LabSite.replicationRole)",
            "",
            "secrets:",
            "  \(LabSite.superuser): file:secrets/\(LabSite.superuser).password",
            "  \(LabSite.repositoryRole): file:secrets/\(LabSite.repositoryRole).password",
            "  \(LabSite.replicationRole): file:secrets/\(LabSite.replicationRole).password",
            "",
            "database_nodes:",
        ]
        for node in state.nodes {
            lines += [
                "  - name: \(node.name)",
                "    host: 127.0.0.1",
                "    port: \(node.port)",
                "    data_dir: \(node.name)/data",
                "    bin_dir: \(state.binDirectory)",
                "    role: \(node.role)",
                "    access: local",
            ]
        }
        lines += [
            "",
            "service_nodes:",
            "  - name: central",
            "    address: 127.0.0.1",
            "  - name: rim1",
            "    address: 127.0.0.2",
            "",
            "services:",
        ]
        for service in services {
            lines += ["  - node: \(service.node)", "    profile: \(service.profile)", "    file: \(service.file)"]
        }
        lines += [
            "",
            "stored_password_files:",
            "  - node: central",
            "    file: nodes/central/AppData/postgresql/pgpass.conf",
            "",
            "policy:",
            "  password_encryption: scram-sha-256",
            "  tls_min_version: TLSv1.2",
            "  client_networks: [127.0.0.1/32, 127.0.0.2/32]",
            "  server_settings:",
            "    log_connections: \"on\"",
            "",
        ]
        return lines.joined(separator: "\n")
    }
}
