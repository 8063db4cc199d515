import Foundation
import WardenCore
import WardenHost

// MARK: - Client addresses of the test's own: network namespaces joined by veth pairs

/// Several client source addresses for real libpq logins.
///
/// On loopback a connection to 127.0.0.2 still leaves from 127.0.0.1, and libpq cannot
/// bind a source address; so each extra client lives in a network namespace of its own,
/// joined to this machine by a veth pair whose host end is an address the server listens
/// on. psql runs inside with `ip netns exec`. Nothing is routed anywhere else: the
/// addresses are private (10.x / fd7a::) and exist only on these veth pairs, which vanish
/// with their namespaces in ``remove()``.
struct ClientNamespaces {
    /// Where a client connects from and to.
    struct Source: Sendable, Hashable, CustomStringConvertible {
        /// The namespace to run the client in; nil for this machine's own 127.0.0.1.
        var namespace: String?
        var client: String
        var server: String
        var description: String { namespace.map { "\(client) (netns \($0))" } ?? client }
    }

    let sources: [Source]
    let namespaces: [String]
    /// The private second octet (IPv4) and group (IPv6) of this run's addresses.
    let subnet: Int

    /// Makes three namespaces: two IPv4 clients in different subnets and an IPv6 one.
    static func make() async throws -> ClientNamespaces {
        let tag = Int(getpid()) % 100_000
        let subnet = 100 + Int(getpid()) % 100
        let specs: [(client: String, server: String, prefix: Int, v6: Bool)] = [
            ("10.\(subnet).1.2", "10.\(subnet).1.1", 24, false),
            ("10.\(subnet).2.77", "10.\(subnet).2.1", 24, false),
            ("fd7a:\(subnet)::2", "fd7a:\(subnet)::1", 64, true),
        ]
        var sources = [Source(namespace: nil, client: "127.0.0.1", server: "127.0.0.1")]
        var made: [String] = []
        do {
            for (index, spec) in specs.enumerated() {
                let namespace = "pgwh\(tag)n\(index)"
                let host = "pgwh\(tag)h\(index)"
                let inside = "pgwh\(tag)c\(index)"
                try await ip(["netns", "add", namespace])
                made.append(namespace)
                try await ip(["link", "add", host, "type", "veth", "peer", "name", inside])
                try await ip(["link", "set", inside, "netns", namespace])
                let noDAD = spec.v6 ? ["nodad"] : []
                try await ip(["addr", "add", "\(spec.server)/\(spec.prefix)", "dev", host] + noDAD)
                try await ip(["link", "set", host, "up"])
                try await ip(["-n", namespace, "addr", "add", "\(spec.client)/\(spec.prefix)", "dev", inside] + noDAD)
                try await ip(["-n", namespace, "link", "set", inside, "up"])
                try await ip(["-n", namespace, "link", "set", "lo", "up"])
                sources.append(Source(namespace: namespace, client: spec.client, server: spec.server))
            }
        } catch {
            for namespace in made { _ = try? await ProcessRunner().run(try NetworkNamespace.ip(), ["netns", "del", namespace]) }
            throw error
        }
        return ClientNamespaces(sources: sources, namespaces: made, subnet: subnet)
    }

    /// Deletes the namespaces (their veth pairs go with them).
    func remove() async {
        for namespace in namespaces {
            _ = try? await ProcessRunner().run(try NetworkNamespace.ip(), ["netns", "del", namespace])
        }
    }

    /// This machine's interfaces (address and prefix), as the server sees them for
    /// `samehost` and `samenet`.
    static func serverInterfaces() async throws -> [IPAddressRange] {
        let result = try await ProcessRunner().run(try NetworkNamespace.ip(), ["-o", "addr", "show"])
        return result.standardOutput.split(separator: "\n").compactMap { line in
            let words = line.split(separator: " ", omittingEmptySubsequences: true)
            guard let index = words.firstIndex(where: { $0 == "inet" || $0 == "inet6" }), index + 1 < words.count else { return nil }
            return IPAddressRange(cidr: String(words[index + 1]))
        }
    }

    private static func ip(_ arguments: [String]) async throws {
        let result = try await ProcessRunner().run(try NetworkNamespace.ip(), arguments)
        guard result.succeeded else {
            throw HostError(.process, "ip \(arguments.joined(separator: " ")) failed: \(result.standardError)",
                            hint: "the differential test needs root and iproute2 (ip netns, veth)")
        }
    }
}
