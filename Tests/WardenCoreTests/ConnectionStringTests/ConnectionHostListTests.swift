import Testing
@testable import WardenCore

@Suite("Multi-host lists")
struct ConnectionHostListTests {
    typealias Host = ConnectionHostList.Host
    typealias Support = ConnectionStringTestSupport

    @Test("ADO.NET host values split into hosts with optional ports", arguments: [
        ("db1", [Host(name: "db1")]),
        ("db1:5432, db2:5433 ,db3", [Host(name: "db1", port: 5432), Host(name: "db2", port: 5433), Host(name: "db3")]),
        ("[::1]:4432,[fd00::2]", [Host(name: "::1", port: 4432), Host(name: "fd00::2")]),
        ("fd00::1", [Host(name: "fd00::1")]),
        ("10.0.0.1:4432", [Host(name: "10.0.0.1", port: 4432)]),
    ])
    func split(value: String, hosts: [Host]) throws {
        #expect(try ConnectionHostList.split(value) == hosts)
        #expect(try ConnectionHostList.split(ConnectionHostList.join(hosts)) == hosts)
    }

    @Test("join writes brackets for IPv6 and ports where given")
    func join() {
        let hosts = [Host(name: "db1", port: 4432), Host(name: "::1"), Host(name: "fd00::2", port: 5432)]
        #expect(ConnectionHostList.join(hosts) == "db1:4432,[::1],[fd00::2]:5432")
    }

    @Test("bad host lists are refused with a hint", arguments: [
        "db1,,db2", "db1:0", "db1:65536", "db1:44x", "[::1", "[::1]x", "db1:", " ",
    ])
    func failures(value: String) {
        let error = Support.coreError { _ = try ConnectionHostList.split(value) }
        #expect(error?.kind == .invalid)
        #expect(error?.hint != nil)
    }

    @Test("libpq's parallel lists: one port for all, or one per host")
    func libpqLists() throws {
        #expect(try ConnectionHostList.split(hosts: "a,b", ports: "4432") == [Host(name: "a", port: 4432), Host(name: "b", port: 4432)])
        #expect(try ConnectionHostList.split(hosts: "a,b", ports: "1,") == [Host(name: "a", port: 1), Host(name: "b")])
        #expect(try ConnectionHostList.split(hosts: "a", ports: nil) == [Host(name: "a")])
        #expect(Support.coreError { _ = try ConnectionHostList.split(hosts: "a,b,c", ports: "1,2") }?.kind == .invalid)
        #expect(Support.coreError { _ = try ConnectionHostList.split(hosts: "a", ports: "http") }?.kind == .invalid)

        #expect(ConnectionHostList.joinSeparately([Host(name: "a"), Host(name: "b")]) == ("a,b", nil))
        #expect(ConnectionHostList.joinSeparately([Host(name: "a", port: 1), Host(name: "b", port: 1)]) == ("a,b", "1"))
        #expect(ConnectionHostList.joinSeparately([Host(name: "a", port: 1), Host(name: "b")]) == ("a,b", "1,"))
    }

    @Test("an ADO.NET connection string's Host value is edited through the list")
    func throughConnectionString() throws {
        let text = "Host=db1;Port=4432;Target Session=Primary;"
        var string = try ADOConnectionString(parsing: text)
        var hosts = try ConnectionHostList.split(string.value(for: .host) ?? "")
        hosts.append(Host(name: "db2", port: 4432))
        try string.set(.host, to: ConnectionHostList.join(hosts))
        Support.expectSplice(text, string.render(), replacing: "=db1;", with: "=db1,db2:4432;")
    }
}
