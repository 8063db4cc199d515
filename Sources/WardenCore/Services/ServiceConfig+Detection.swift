// MARK: - Telling a file's format and profile from its contents

extension ServiceConfig {
    /// Opens a file whose profile is not given (`pgwarden connstr show FILE`): the format is
    /// told from the first meaningful character, the profile from the file's shape.
    ///
    /// - `<` → a .NET config: the `repository` profile when it has QSR/QSMQ Devart entries,
    ///   otherwise a profile with one entry per `<add>`, driver from `providerName`.
    /// - `{`, `//`, `/*` → appsettings.json: the built-in JSON profile whose entry objects are
    ///   all present and that matches the most keys; ties go to the profile whose folder the
    ///   path names (`HybridDeploymentService/…`).
    /// - a `[section]` line → services.conf.
    /// - otherwise a libpq connection string.
    /// Throws `.parse` with file:line:col for a malformed file and `.invalid` when no profile fits.
    public static func detect(text: String, file: String? = nil) throws -> ServiceConfig {
        let format = detectFormat(text)
        switch format {
        case .dotnetConfig:
            let parsed = try named(file) { try DotNetConfigFile(parsing: text) }
            return try ServiceConfig(text: text, profile: dotnetProfile(for: parsed), file: file)
        case .json:
            let parsed = try named(file) { try JSONCDocument(parsing: text) }
            return try ServiceConfig(text: text, profile: try jsonProfile(for: parsed, file: file), file: file)
        case .ini:
            return try ServiceConfig(text: text, profile: .serviceDispatcher, file: file)
        case .libpq:
            return try ServiceConfig(text: text, profile: .libpqFile, file: file)
        }
    }

    /// The format the text is in, from its first character that is not a BOM or a blank.
    public static func detectFormat(_ text: String) -> ServiceFileFormat {
        var scalars = Substring(text).unicodeScalars.drop(while: { $0 == "\u{FEFF}" || $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" })
        guard let first = scalars.first else { return .libpq }
        if first == "<" { return .dotnetConfig }
        if first == "{" { return .json }
        if first == "[" { return .ini }
        if first == "/" {
            scalars = scalars.dropFirst()
            if scalars.first == "/" || scalars.first == "*" { return .json }
        }
        if looksLikeINI(text) { return .ini }
        return .libpq
    }

    private static func looksLikeINI(_ text: String) -> Bool {
        text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }).contains { line in
            let trimmed = String(line).trimmingBlanks.trimmingCharacter("\r")
            return trimmed.hasPrefix("[") && trimmed.hasSuffix("]")
        }
    }

    static func dotnetProfile(for file: DotNetConfigFile) -> ServiceProfile {
        let names = file.entries.map(\.name)
        let devart = file.entries.allSatisfy { ($0.providerName ?? "").lowercased().hasPrefix("devart") }
        if devart, names.contains(where: { $0.lowercased() == "qsr" }) {
            return .repository
        }
        let driver: ServiceDriver = file.entries.contains { ($0.providerName ?? "").lowercased().contains("npgsql") } ? .npgsql : .devart
        return ServiceProfile(
            name: "dotnet-config", summary: "a .NET config with \(names.count) connection string(s)",
            format: .dotnetConfig, driver: driver,
            entries: names.map { ServiceProfile.Entry(name: $0, location: .connectionString(name: $0)) })
    }

    static func jsonProfile(for document: JSONCDocument, file: String?) throws -> ServiceProfile {
        var best: (profile: ServiceProfile, score: Int, named: Bool)?
        for profile in ServiceProfile.builtIn where profile.format == .json {
            var score = 0
            var complete = true
            for entry in profile.entries {
                guard case .jsonObject(let path, let keys) = entry.location,
                      document.node(at: JSONCPath(path.map { .key($0) }))?.members != nil
                else { complete = false; break }
                for keyPath in keys.values where document.node(at: JSONCPath((path + keyPath).map { .key($0) })) != nil {
                    score += 1
                }
            }
            guard complete else { continue }
            let folder = profile.summary.split(separator: "/").first.map(String.init) ?? profile.name
            let named = file?.contains(folder + "/") ?? false
            if let current = best, (current.score, current.named ? 1 : 0) >= (score, named ? 1 : 0) { continue }
            best = (profile, score, named)
        }
        guard let best else {
            throw CoreError(.invalid, "no known service profile matches this JSON file",
                            hint: "pgwarden knows: \(ServiceProfile.builtIn.filter { $0.format == .json }.map(\.name).joined(separator: ", ")); pass --profile NAME",
                            file: file)
        }
        return best.profile
    }
}

extension String {
    func trimmingCharacter(_ character: Unicode.Scalar) -> String {
        var scalars = Substring(self).unicodeScalars
        while scalars.last == character { scalars.removeLast() }
        return String(scalars)
    }
}
