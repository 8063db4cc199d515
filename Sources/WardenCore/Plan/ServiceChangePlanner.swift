// MARK: - Fleet-wide service changes

/// Plans one ``StepAction/editServiceFile(service:file:profile:expectedSHA256:edits:)`` step per
/// file that needs a change. Pure: files come in as text, the plan goes out.
///
/// All-or-nothing at planning: a malformed file throws (file:line:col) and there is no plan,
/// so nothing is written; every non-secret edit is tried on a copy first, so a plan that
/// cannot be applied is never produced.
public enum ServiceChangePlanner {
    public static func plan(site: String, files: [ServiceFileContents], request: ServiceChangeRequest, currentKeyID: String?) throws -> Plan {
        var steps: [PlannedStep] = []
        var notes: [String] = []
        for file in files {
            let config = try ServiceConfig(text: file.text, profile: file.service.profile, file: file.service.file)
            if config.isWindowsProtected {
                notes.append("\(file.service.name): the connection strings of \(file.service.file) are protected by Windows; left alone")
                continue
            }
            for missing in config.missingEntries {
                notes.append("\(file.service.name): \(file.service.file) has no entry '\(missing)'")
            }
            var edits: [ServiceEdit] = []
            var before: [String: ConnectionSettings] = [:]
            for entry in config.entries {
                let settings = try config.settings(of: entry.name)
                before[entry.name] = settings
                edits += editsFor(settings, request: request, currentKeyID: currentKeyID, service: file.service.name, notes: &notes)
            }
            guard !edits.isEmpty else { continue }
            // Try the non-secret edits on a copy: an edit the file cannot take fails the plan,
            // and the copy shows each new value in the driver's own spelling for the diff.
            var trial = config
            try trial.apply(edits.filter { if case .set = $0 { return true } else { return false } }, key: nil)
            var diff: [String] = []
            for entry in config.entries {
                guard let settings = before[entry.name] else { continue }
                let planned = edits.filter { $0.entry == entry.name }
                guard !planned.isEmpty else { continue }
                diff += describe(planned, before: settings, after: try trial.settings(of: entry.name), currentKeyID: currentKeyID)
            }
            steps.append(PlannedStep(
                id: "services/\(file.service.name)",
                title: "\(file.service.name): \(summary(edits)) in \(file.service.file)",
                reason: reason(request),
                diff: diff,
                action: .editServiceFile(service: file.service.name, file: file.service.file, profile: file.service.profile.name,
                                         expectedSHA256: file.sha256, edits: edits)))
        }
        return Plan(site: site, steps: steps, notes: notes)
    }

    // MARK: Edits per entry

    static func editsFor(_ settings: ConnectionSettings, request: ServiceChangeRequest, currentKeyID: String?, service: String, notes: inout [String]) -> [ServiceEdit] {
        let has = Set(settings.supportedFields)
        let entry = settings.entry
        var edits: [ServiceEdit] = []
        func set(_ field: ConnectionField, _ value: ConnectionValue) {
            if !ServiceConfig.holds(field, value, in: settings) { edits.append(.set(entry: entry, field: field, value: value)) }
        }
        // verify-full only where the entry can also name the CA: without it the driver
        // would check the server against the system's CAs and fail.
        let verifies = request.verifyFull && has.contains(.sslMode) && has.contains(.rootCertificate)
        if request.verifyFull && !verifies {
            notes.append("\(service) \(entry): \(settings.driver.rawValue) has no place for \(has.contains(.sslMode) ? "the CA certificate" : "an SSL mode") in this shape; left at \(request.requireSSL ? "require" : "its current mode")")
        }
        if verifies {
            set(.sslMode, .sslMode(.verifyFull))
        } else if request.requireSSL, has.contains(.sslMode), !(settings.sslMode?.requiresTLS ?? false) {
            set(.sslMode, .sslMode(.require))
        }
        if request.requireSSL || verifies, has.contains(.sslEnabled) { set(.sslEnabled, .switchedOn(true)) }
        if let version = request.tlsMinimum {
            if has.contains(.tlsOptions) {
                set(.tlsOptions, .tlsMinimum(version))
            } else if has.contains(.tlsProtocol) {
                if settings.driver == .devart && version > .tls1_2 {
                    notes.append("\(service) \(entry): Devart's SSL TLS Protocol tops out at 1.2; pinned 1.2")
                    set(.tlsProtocol, .tlsMinimum(.tls1_2))
                } else {
                    set(.tlsProtocol, .tlsMinimum(version))
                }
            } else if settings.driver != .nodeTLS {
                notes.append("\(service) \(entry): \(settings.driver.rawValue) has no TLS version setting here; the server's ssl_min_protocol_version decides")
            }
        }
        if has.contains(.host) {
            if let hosts = request.hosts, let first = hosts.first {
                let multi = hosts.count > 1
                let supportsMulti = settings.driver == .devart || settings.driver == .npgsql || settings.driver == .libpq
                if multi && supportsMulti {
                    set(.host, .hosts(hosts))
                } else {
                    if multi {
                        notes.append("\(service) \(entry): \(settings.driver.rawValue) has no multi-host connections; pointed at \(first.name) only")
                    }
                    set(.host, .hosts([ConnectionHostList.Host(name: first.name)]))
                    if let port = first.port, has.contains(.port) { set(.port, .port(port)) }
                }
            } else if let host = request.host {
                set(.host, .hosts([ConnectionHostList.Host(name: host)]))
            }
        }
        for (field, path) in [(ConnectionField.rootCertificate, request.rootCertificate),
                              (.clientCertificate, request.clientCertificate), (.clientKey, request.clientKey)] {
            guard let path else { continue }
            if has.contains(field) { set(field, .text(path)) } else if settings.driver != .nodeTLS {
                notes.append("\(service) \(entry): no place for \(field.rawValue) in this shape")
            }
        }
        switch settings.passwordKind {
        case .plaintext where request.sealPasswords:
            edits.append(.sealPassword(entry: entry))
        case .sealed(let keyID) where request.resealPasswords && keyID != currentKeyID:
            edits.append(.resealPassword(entry: entry))
        case .windowsDPAPI where request.sealPasswords:
            notes.append("\(service) \(entry): the password is protected by Windows (DPAPI); left alone")
        default:
            break
        }
        return edits
    }

    // MARK: Describing (never a secret)

    static func describe(_ edits: [ServiceEdit], before: ConnectionSettings, after: ConnectionSettings, currentKeyID: String?) -> [String] {
        var lines: [String] = []
        for edit in edits {
            switch edit {
            case .set(let entry, let field, let value):
                lines.append("- \(entry) \(field.rawValue): \(before.written[field] ?? "(not set)")")
                lines.append("+ \(entry) \(field.rawValue): \(after.written[field] ?? value.description)")
            case .sealPassword(let entry):
                lines.append("- \(entry) password: plaintext (redacted)")
                lines.append("+ \(entry) password: sealed with key \(currentKeyID ?? "?") at apply")
            case .resealPassword(let entry):
                let old = if case .sealed(let id) = before.passwordKind { id } else { "?" }
                lines.append("- \(entry) password: sealed with key \(old)")
                lines.append("+ \(entry) password: sealed with key \(currentKeyID ?? "?") at apply")
            case .setNewPassword(let entry, let role):
                lines.append("- \(entry) password: \(before.passwordKind.summary)")
                lines.append("+ \(entry) password: the new password of \(role), sealed with key \(currentKeyID ?? "?") at apply")
            }
        }
        return lines
    }

    static func summary(_ edits: [ServiceEdit]) -> String {
        var parts: [String] = []
        let fields = Set(edits.compactMap { edit -> ConnectionField? in
            if case .set(_, let field, _) = edit { return field }
            return nil
        })
        let verifyFull = edits.contains { if case .set(_, .sslMode, .sslMode(.verifyFull)) = $0 { true } else { false } }
        if verifyFull { parts.append("verify the server (verify-full)") } else if fields.contains(.sslMode) || fields.contains(.sslEnabled) { parts.append("require SSL") }
        if fields.contains(.tlsProtocol) || fields.contains(.tlsOptions) { parts.append("set the TLS minimum") }
        if fields.contains(.host) || fields.contains(.port) { parts.append("set the host") }
        if fields.contains(.rootCertificate) || fields.contains(.clientCertificate) || fields.contains(.clientKey) { parts.append("set certificate paths") }
        if edits.contains(where: { if case .sealPassword = $0 { true } else { false } }) { parts.append("seal passwords") }
        if edits.contains(where: { if case .resealPassword = $0 { true } else { false } }) { parts.append("re-seal passwords") }
        if edits.contains(where: { if case .setNewPassword = $0 { true } else { false } }) { parts.append("write the new password (sealed)") }
        return parts.joined(separator: ", ")
    }

    static func reason(_ request: ServiceChangeRequest) -> String {
        var parts: [String] = []
        if request.requireSSL { parts.append("--require-ssl") }
        if request.verifyFull { parts.append("--verify-full") }
        if let version = request.tlsMinimum { parts.append("--tls-min \(version)") }
        if let host = request.host { parts.append("host from certificate CN \(host)") }
        if let hosts = request.hosts { parts.append((hosts.count > 1 ? "--multi-host " : "--repoint ") + ConnectionHostList.join(hosts)) }
        if request.rootCertificate != nil || request.clientCertificate != nil || request.clientKey != nil { parts.append("certificate paths") }
        if request.sealPasswords { parts.append("--seal") }
        if request.resealPasswords { parts.append("key rotation") }
        return parts.joined(separator: ", ")
    }
}
