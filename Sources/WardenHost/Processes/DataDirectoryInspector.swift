import Foundation
import WardenCore
#if canImport(Glibc)
import Glibc
#endif

// MARK: - Reading a data directory's identity from disk

/// Gathers what ``DataDirectoryIdentity`` judges: whether the directory is a data directory,
/// its system identifier (pg_controldata, run as the directory's owner with `LC_ALL=C`, so
/// the labels are English whatever the locale), and its postmaster.pid.
///
/// Reads only; pg_controldata works on a running, stopped or frozen server alike.
public enum DataDirectoryInspector {
    public static func observe(_ path: String, binaries: PostgresBinaries?, sharedWithNode: String? = nil) async -> DataDirectoryIdentity.Observed {
        var observed = DataDirectoryIdentity.Observed(path: path, isDataDirectory: AtomicFile.exists(path + "/PG_VERSION"), sharedWithNode: sharedWithNode)
        guard observed.isDataDirectory else { return observed }
        do {
            let located: PostgresBinaries
            if let binaries { located = binaries } else { located = try await PostgresBinaries.locate() }
            observed.controlData = try await controlData(of: path, binaries: located)
        } catch {
            observed.controlDataProblem = error.message
        }
        observed.pidFile = pidFile(of: path)
        return observed
    }

    /// pg_controldata's view of `path`.
    public static func controlData(of path: String, binaries: PostgresBinaries) async throws(HostError) -> ControlData {
        var environment = ProcessInfo.processInfo.environment
        environment["LC_ALL"] = "C"
        let owner = OSAccount.owner(of: path) ?? PostgresServerControl.defaultOSUser
        let result = try await ProcessRunner().run(binaries.path("pg_controldata"), [path], user: owner, environment: environment, timeoutSeconds: 30)
        let data = ControlData.parse(result.standardOutput)
        guard result.succeeded, data.systemIdentifier != nil else {
            throw HostError(.process, "pg_controldata cannot read \(path): \(result.standardError.trimmingCharacters(in: .whitespacesAndNewlines))",
                            hint: "check that \(path) is a PostgreSQL data directory of the version in bin_dir")
        }
        return data
    }

    /// postmaster.pid: absent, unreadable (exists but cannot be read or parsed), or present.
    public static func pidFile(of path: String) -> DataDirectoryIdentity.Observed.PIDFile {
        let file = path + "/postmaster.pid"
        var info = stat()
        guard lstat(file, &info) == 0 else {
            return errno == ENOENT ? .absent : .unreadable(String(cString: strerror(errno)))
        }
        do {
            let text = try AtomicFile.readText(file)
            guard let parsed = PostmasterPIDFile.parse(text) else { return .unreadable("its first four lines are not PID, directory, start time and port") }
            return .present(parsed)
        } catch {
            return .unreadable(error.message)
        }
    }

    /// The directory with every symbolic link resolved (processes report their cwd that way).
    public static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
