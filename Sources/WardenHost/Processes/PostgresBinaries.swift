import Foundation
#if canImport(Glibc)
import Glibc
#endif

// MARK: - Finding PostgreSQL's programs

/// The folder holding `initdb`, `pg_ctl`, `postgres`, `pg_basebackup`, `pg_rewind`.
public struct PostgresBinaries: Sendable, Hashable {
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    public func path(_ program: String) -> String { directory + "/" + program }

    /// An explicit folder if given; else Debian's newest `/usr/lib/postgresql/N/bin` with a
    /// server in it; else the folder `pg_config --bindir` names.
    public static func locate(explicit: String? = nil) async throws(HostError) -> PostgresBinaries {
        if let explicit {
            guard access(explicit + "/postgres", X_OK) == 0 else {
                throw HostError(.process, "no PostgreSQL server in \(explicit)", hint: "point bin_dir at the folder holding postgres, initdb and pg_ctl")
            }
            return PostgresBinaries(directory: explicit)
        }
        let debianRoot = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: debianRoot)) ?? [])
            .compactMap(Int.init).sorted(by: >)
        for version in versions where access("\(debianRoot)/\(version)/bin/postgres", X_OK) == 0 {
            return PostgresBinaries(directory: "\(debianRoot)/\(version)/bin")
        }
        if let result = try? await ProcessRunner().run("/usr/bin/env", ["pg_config", "--bindir"]), result.succeeded {
            let directory = result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
            if access(directory + "/postgres", X_OK) == 0 { return PostgresBinaries(directory: directory) }
        }
        throw HostError(.process, "no PostgreSQL server installation found", hint: "install it: apt-get install -y postgresql (or run `make deps`)")
    }

    /// The major version, from `postgres --version` ("postgres (PostgreSQL) 15.18 …").
    public func majorVersion() async throws(HostError) -> Int {
        let result = try await ProcessRunner().run(path("postgres"), ["--version"])
        let words = result.standardOutput.split(separator: " ")
        guard let versionWord = words.first(where: { $0.first?.isNumber == true }),
              let major = Int(versionWord.split(separator: ".").first ?? "") else {
            throw HostError(.process, "cannot read the version of \(path("postgres"))")
        }
        return major
    }
}
