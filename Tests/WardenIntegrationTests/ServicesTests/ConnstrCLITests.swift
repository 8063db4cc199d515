import Foundation
import Testing
import WardenCore
import WardenHost

/// Runs the built `pgwarden` binary: what the user sees is what is asserted on.
@Suite("pgwarden connstr and services: the CLI's real output", .serialized)
struct ConnstrCLITests {
    static let binary: String = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().path
        return root + "/.build/debug/pgwarden"
    }()

    static func run(_ arguments: [String], stdin: String? = nil) async throws -> ProcessRunner.Result {
        try #require(AtomicFile.exists(binary), "build pgwarden first (swift build --build-tests)")
        return try await ProcessRunner().run(binary, arguments, standardInput: stdin.map { Array($0.utf8) },
                                             environment: ["PATH": "/usr/bin:/bin"])
    }

    static func file(_ site: ServiceSiteFixture, _ profile: String, node: String = "central") throws -> String {
        try #require(site.services.first { $0.name == "\(node)/\(profile)" }).file
    }

    @Test("connstr show never prints a password without --reveal, in text or JSON, for every shape")
    func showRedacts() async throws {
        try await ServiceSiteFixture.with("show") { site in
            for service in site.services {
                for format in ["text", "json"] {
                    let result = try await Self.run(["connstr", "show", service.file, "--key", site.keyFile.path, "--format", format])
                    #expect(result.status == 0, "\(service.file): \(result.standardError)")
                    #expect(!result.standardOutput.contains(ServiceSiteFixture.password))
                    #expect(!result.standardError.contains(ServiceSiteFixture.password))
                }
            }
            let repository = try Self.file(site, "repository")
            let plain = try await Self.run(["connstr", "show", repository, "QSR", "--key", site.keyFile.path])
            #expect(plain.standardOutput.contains("password: plaintext"))
            let revealed = try await Self.run(["connstr", "show", repository, "QSR", "--reveal", "--key", site.keyFile.path])
            #expect(revealed.standardOutput.contains(ServiceSiteFixture.password))
        }
    }

    @Test("connstr set writes the driver's spelling, seals a password read from stdin, and shows it sealed")
    func setAndSeal() async throws {
        try await ServiceSiteFixture.with("set") { site in
            let repository = try Self.file(site, "repository")
            let result = try await Self.run(["connstr", "set", repository, "QSR", "ssl_mode=require", "tls_protocol=1.2", "password", "--seal", "--key", site.keyFile.path], stdin: "n3w-secret\n")
            #expect(result.status == 0, "\(result.standardError)")
            let text = try AtomicFile.readText(repository)
            #expect(text.contains("Ssl Mode=Require;"))
            #expect(text.contains("SSL TLS Protocol=1.2;"))
            #expect(!text.contains("n3w-secret"))
            #expect(AtomicFile.exists(repository + ".pgwarden-backup"))
            let shown = try await Self.run(["connstr", "show", repository, "QSR", "--key", site.keyFile.path])
            #expect(shown.standardOutput.contains("password: sealed"))
            #expect(!shown.standardOutput.contains("n3w-secret"))
            let revealed = try await Self.run(["connstr", "show", repository, "QSR", "--reveal", "--key", site.keyFile.path, "--format", "json"])
            #expect(revealed.standardOutput.contains("n3w-secret"))
            // services.conf takes the TLS minimum as the --ssl bitmask.
            let conf = try Self.file(site, "service-dispatcher")
            let ssl = try await Self.run(["connstr", "set", conf, "resource-distribution", "tls_protocol=1.2"])
            #expect(ssl.status == 0, "\(ssl.standardError)")
            #expect(try AtomicFile.readText(conf).contains("--ssl=369098752\r\n"))
        }
    }

    @Test("a password on the command line is refused, and not echoed")
    func refusesPasswordInArgv() async throws {
        try await ServiceSiteFixture.with("argv") { site in
            let repository = try Self.file(site, "repository")
            let before = try AtomicFile.read(repository)
            for spelling in ["password=hunter2xyz", "Pwd=hunter2xyz"] {
                let result = try await Self.run(["connstr", "set", repository, "QSR", spelling])
                #expect(result.status != 0)
                #expect(result.standardError.contains("command line"))
                #expect(!result.standardError.contains("hunter2xyz"))
            }
            #expect(try AtomicFile.read(repository) == before)
        }
    }

    @Test("a Windows DPAPI password is reported as Windows-protected and never replaced unasked")
    func dpapiLeftAlone() async throws {
        try await ServiceSiteFixture.with("dpapi") { site in
            let licenses = try Self.file(site, "licenses")
            let dpapi = "AQAAANCMnd8BFdERjHoAwE/Cl+sBAAAABuvYPntQ2k+cR8K7frd+MQQAAAACAAAAAAAQZgAAAAEAACAAAAD8"
            let text = try AtomicFile.readText(licenses).replacingOccurrences(of: ServiceSiteFixture.password, with: dpapi)
            try AtomicFile.write(Array(text.utf8), to: licenses)
            let shown = try await Self.run(["connstr", "show", licenses, "licenses", "--reveal", "--key", site.keyFile.path])
            #expect(shown.standardOutput.contains("password: windows-protected"))
            #expect(!shown.standardOutput.contains(dpapi))
            let refused = try await Self.run(["connstr", "set", licenses, "licenses", "password", "--key", site.keyFile.path], stdin: "new\n")
            #expect(refused.status == 2)
            #expect(refused.standardError.contains("Windows"))
            let sealNothing = try await Self.run(["connstr", "set", licenses, "licenses", "--seal", "--key", site.keyFile.path])
            #expect(sealNothing.status == 0)
            #expect(try AtomicFile.readText(licenses) == text)
        }
    }

    @Test("bad input: unknown entry, unknown key, bad value, malformed file → exit 2 with a hint, nothing written")
    func badInput() async throws {
        try await ServiceSiteFixture.with("bad") { site in
            let licenses = try Self.file(site, "licenses")
            let before = try AtomicFile.read(licenses)
            for arguments in [["connstr", "set", licenses, "Nope", "port=1"], ["connstr", "set", licenses, "licenses", "colour=red"],
                              ["connstr", "set", licenses, "licenses", "ssl_mode=maybe"]] {
                let result = try await Self.run(arguments)
                #expect(result.status == 2, "\(arguments): \(result.standardError)")
                #expect(result.standardError.contains("hint:"))
            }
            #expect(try AtomicFile.read(licenses) == before)
            try AtomicFile.write(Array("{\n  \"licenses\": {,\n}\n".utf8), to: licenses)
            let malformed = try await Self.run(["connstr", "show", licenses])
            #expect(malformed.status == 2)
            #expect(malformed.standardError.contains("\(licenses):2:"))
            let missing = try await Self.run(["connstr", "show", site.root + "/nope.json"])
            #expect(missing.status == 2)
        }
    }
}
