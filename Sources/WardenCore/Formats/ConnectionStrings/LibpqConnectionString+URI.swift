// MARK: - The URI form

extension LibpqConnectionString {
    /// Where each part of `postgresql://user:pass@host1:5432,host2/db?key=value&…` is.
    struct URIParts: Sendable, Hashable {
        /// A piece of the URI: its raw (encoded) bytes and its decoded text.
        struct Component: Sendable, Hashable {
            var range: Range<Int>
            var text: String
        }

        struct Host: Sendable, Hashable {
            /// The host as written, brackets of an IPv6 address included.
            var range: Range<Int>
            /// Decoded, without brackets.
            var name: String
            /// The text after `:`, when there is a `:`.
            var port: Component?

            var portNumber: Int? { port.flatMap { ConnectionHostList.parsePortNumber(Array($0.text.utf8)) } }
        }

        struct QueryParameter: Sendable, Hashable {
            /// `key=value` as written.
            var range: Range<Int>
            var key: Component
            var value: Component
        }

        /// Offset just past `postgresql://` or `postgres://`.
        var prefixEnd: Int
        var user: Component?
        /// Present when the user info has a `:` (the password may be empty).
        var password: Component?
        /// Offset of the `@` ending the user info, if any.
        var atIndex: Int?
        /// At least one host, possibly empty (`postgresql:///db`), as in libpq.
        var hosts: [Host]
        /// Offset of the `/`, `?` or end that ends the host list.
        var authorityEnd: Int
        /// The database after `/`, when there is a `/`.
        var dbname: Component?
        /// Offset of the `?`, if any.
        var questionIndex: Int?
        var query: [QueryParameter]

        var hostsStart: Int { atIndex.map { $0 + 1 } ?? prefixEnd }

        func hasQueryParameter(_ key: String) -> Bool {
            query.contains { PlainTextBytes.sameBytes($0.key.text, key) }
        }
    }
}

// MARK: Parsing

extension LibpqConnectionString.URIParts {
    static let longPrefix = Array("postgresql://".utf8)
    static let shortPrefix = Array("postgres://".utf8)

    /// The length of the URI designator at `start`, if `bytes` has one (case-sensitive, as in libpq).
    static func prefixLength(_ bytes: [UInt8], from start: Int) -> Int? {
        let rest = bytes[start...]
        if rest.starts(with: longPrefix) { return longPrefix.count }
        if rest.starts(with: shortPrefix) { return shortPrefix.count }
        return nil
    }

    /// libpq's `conninfo_uri_parse_options`, plus a check that every port is a number.
    static func parse(_ bytes: [UInt8]) throws -> Self {
        let locator = PlainTextBytes.Locator(bytes)
        let start = PlainTextBytes.byteOrderMarkLength(bytes)
        let prefixEnd = start + (prefixLength(bytes, from: start) ?? 0)
        func decode(_ range: Range<Int>, _ part: String) throws -> Component {
            Component(range: range, text: try URIPercentEncoding.decode(bytes, range, part: part, locator: locator))
        }

        // User info: libpq looks ahead for `@` up to the first `/` (not `?`).
        var index = prefixEnd
        var user: Component?
        var password: Component?
        var atIndex: Int?
        var lookahead = prefixEnd
        while lookahead < bytes.count, bytes[lookahead] != 0x40, bytes[lookahead] != 0x2F { lookahead += 1 }
        if lookahead < bytes.count, bytes[lookahead] == 0x40 {
            var userEnd = prefixEnd
            while bytes[userEnd] != 0x3A, bytes[userEnd] != 0x40 { userEnd += 1 }
            user = try decode(prefixEnd..<userEnd, "user name")
            if bytes[userEnd] == 0x3A {
                password = try decode((userEnd + 1)..<lookahead, "password")
            }
            atIndex = lookahead
            index = lookahead + 1
        }

        // Hosts: `host[:port]` separated by commas; `[…]` is an IPv6 address.
        var hosts: [Host] = []
        while true {
            let hostStart = index
            var name: String
            if index < bytes.count, bytes[index] == 0x5B {
                while index < bytes.count, bytes[index] != 0x5D { index += 1 }
                guard index < bytes.count else {
                    throw CoreError(.parse, "the IPv6 address in the URI has no closing \"]\"",
                                    hint: "write IPv6 addresses as [address] or [address]:port",
                                    position: locator.position(of: hostStart))
                }
                guard index > hostStart + 1 else {
                    throw CoreError(.parse, "the IPv6 address in the URI is empty",
                                    hint: "write IPv6 addresses as [address] or [address]:port",
                                    position: locator.position(of: hostStart))
                }
                name = try decode((hostStart + 1)..<index, "host").text
                index += 1
                if index < bytes.count, ![0x3A, 0x2F, 0x3F, 0x2C].contains(bytes[index]) {
                    throw CoreError(.parse, "unexpected character after the IPv6 address in the URI (expected \":\" or \"/\")",
                                    hint: "write IPv6 addresses as [address] or [address]:port",
                                    position: locator.position(of: index))
                }
            } else {
                while index < bytes.count, ![0x3A, 0x2F, 0x3F, 0x2C].contains(bytes[index]) { index += 1 }
                name = try decode(hostStart..<index, "host").text
            }
            var host = Host(range: hostStart..<index, name: name, port: nil)
            if index < bytes.count, bytes[index] == 0x3A {
                let portStart = index + 1
                index = portStart
                while index < bytes.count, ![0x2F, 0x3F, 0x2C].contains(bytes[index]) { index += 1 }
                let port = try decode(portStart..<index, "port")
                if !port.text.isEmpty, ConnectionHostList.parsePortNumber(Array(port.text.utf8)) == nil {
                    throw CoreError(.parse, "invalid port \"\(port.text)\" in the URI",
                                    hint: "a port is a number from 1 to 65535",
                                    position: locator.position(of: portStart))
                }
                host.port = port
            }
            hosts.append(host)
            guard index < bytes.count, bytes[index] == 0x2C else { break }
            index += 1
        }
        let authorityEnd = index

        var dbname: Component?
        if index < bytes.count, bytes[index] == 0x2F {
            let dbStart = index + 1
            index = dbStart
            while index < bytes.count, bytes[index] != 0x3F { index += 1 }
            dbname = try decode(dbStart..<index, "database name")
        }

        var questionIndex: Int?
        var query: [QueryParameter] = []
        if index < bytes.count, bytes[index] == 0x3F {
            questionIndex = index
            index += 1
            while index < bytes.count {
                let itemStart = index
                var equals: Int?
                while index < bytes.count, bytes[index] != 0x26 {
                    if bytes[index] == 0x3D {
                        guard equals == nil else {
                            throw CoreError(.parse, "extra key/value separator \"=\" in a URI query parameter",
                                            hint: "percent-encode '=' inside values as %3D",
                                            position: locator.position(of: index))
                        }
                        equals = index
                    }
                    index += 1
                }
                guard let equals else {
                    throw CoreError(.parse, "missing key/value separator \"=\" in a URI query parameter",
                                    hint: "write query parameters as key=value, separated by '&'",
                                    position: locator.position(of: itemStart))
                }
                query.append(QueryParameter(
                    range: itemStart..<index,
                    key: try decode(itemStart..<equals, "query parameter name"),
                    value: try decode((equals + 1)..<index, "query parameter value")
                ))
                if index < bytes.count { index += 1 }  // past `&`
            }
        }

        return Self(
            prefixEnd: prefixEnd, user: user, password: password, atIndex: atIndex, hosts: hosts,
            authorityEnd: authorityEnd, dbname: dbname, questionIndex: questionIndex, query: query
        )
    }

    /// The settings libpq would store, in order, with where each is written; empty user,
    /// password, host list, port list and database are not stored, as in libpq.
    var settings: [(keyword: String, value: String, offset: Int)] {
        var result: [(keyword: String, value: String, offset: Int)] = []
        if let user, !user.text.isEmpty {
            result.append(("user", user.text, user.range.lowerBound))
        }
        if let password, !password.text.isEmpty {
            result.append(("password", password.text, password.range.lowerBound))
        }
        let hostList = hosts.map(\.name).joined(separator: ",")
        if !hostList.isEmpty, let first = hosts.first {
            result.append(("host", hostList, first.range.lowerBound))
        }
        let portList = hosts.map { $0.port?.text ?? "" }.joined(separator: ",")
        if !portList.isEmpty, let first = hosts.first(where: { $0.port != nil })?.port {
            result.append(("port", portList, first.range.lowerBound))
        }
        if let dbname, !dbname.text.isEmpty {
            result.append(("dbname", dbname.text, dbname.range.lowerBound))
        }
        for parameter in query {
            result.append((parameter.key.text, parameter.value.text, parameter.range.lowerBound))
        }
        return result
    }
}

// MARK: Editing

extension LibpqConnectionString.URIParts {
    /// Sets `keyword`: a query parameter that is present is edited there (it overrides the
    /// authority in libpq); user, password, host, port and dbname are edited in their URI
    /// parts; anything else is appended as a query parameter.
    func setting(_ keyword: String, to value: String, in bytes: [UInt8]) throws -> [UInt8] {
        let encoded = URIPercentEncoding.encode(value)
        let inQuery = query.filter { PlainTextBytes.sameBytes($0.key.text, keyword) }
        if !inQuery.isEmpty {
            return PlainTextBytes.splicing(bytes, inQuery.map { ($0.value.range, encoded) })
        }
        switch keyword {
        case "user":
            if let user { return PlainTextBytes.splicing(bytes, user.range, with: encoded) }
            return PlainTextBytes.splicing(bytes, prefixEnd..<prefixEnd, with: encoded + [0x40])
        case "password":
            if let password { return PlainTextBytes.splicing(bytes, password.range, with: encoded) }
            if let user { return PlainTextBytes.splicing(bytes, user.range.upperBound..<user.range.upperBound, with: [0x3A] + encoded) }
            return PlainTextBytes.splicing(bytes, prefixEnd..<prefixEnd, with: [0x3A] + encoded + [0x40])
        case "host":
            // libpq's host list has no ports; each host keeps the port in its position.
            let names = ConnectionHostList.splitOnCommas(Array(value.utf8)).map { PlainTextBytes.string($0) }
            let list = names.enumerated().map { index, name in
                (name, index < hosts.count ? hosts[index].port?.text : nil)
            }
            return replacingHosts(list, in: bytes)
        case "port":
            let ports = ConnectionHostList.splitOnCommas(Array(value.utf8))
            for port in ports where !port.isEmpty && ConnectionHostList.parsePortNumber(port) == nil {
                throw CoreError(.invalid, "invalid port \"\(PlainTextBytes.string(port))\"",
                                hint: "a port is a number from 1 to 65535")
            }
            guard ports.count == 1 || ports.count == hosts.count else {
                throw CoreError(.invalid, "the port list has \(ports.count) entries for \(hosts.count) hosts",
                                hint: "give one port for all hosts, or one port per host in the same order")
            }
            let list = hosts.enumerated().map { index, host in
                let port = ports.count == 1 ? ports[0] : ports[index]
                return (host.name, port.isEmpty ? nil : PlainTextBytes.string(port))
            }
            return replacingHosts(list, in: bytes)
        case "dbname":
            if let dbname { return PlainTextBytes.splicing(bytes, dbname.range, with: encoded) }
            return PlainTextBytes.splicing(bytes, authorityEnd..<authorityEnd, with: [0x2F] + encoded)
        default:
            let item = URIPercentEncoding.encode(keyword) + [0x3D] + encoded
            guard questionIndex != nil else { return bytes + [0x3F] + item }
            let endsOpen = bytes.last == 0x3F || bytes.last == 0x26
            return bytes + (endsOpen ? [] : [0x26]) + item
        }
    }

    func removing(_ keyword: String, from bytes: [UInt8]) -> [UInt8]? {
        let inQuery = query.filter { PlainTextBytes.sameBytes($0.key.text, keyword) }
        if !inQuery.isEmpty, let questionIndex {
            let kept = query.filter { !PlainTextBytes.sameBytes($0.key.text, keyword) }
            let rebuilt = kept.isEmpty ? [] : [0x3F] + Array(kept.map { Array(bytes[$0.range]) }.joined(separator: [0x26]))
            return PlainTextBytes.splicing(bytes, questionIndex..<bytes.count, with: rebuilt)
        }
        switch keyword {
        case "user":
            guard let user, let atIndex else { return nil }
            if password != nil { return PlainTextBytes.splicing(bytes, user.range, with: []) }
            return PlainTextBytes.splicing(bytes, prefixEnd..<(atIndex + 1), with: [])
        case "password":
            guard let password else { return nil }
            return PlainTextBytes.splicing(bytes, (password.range.lowerBound - 1)..<password.range.upperBound, with: [])
        case "host":
            guard hosts.contains(where: { !$0.range.isEmpty || $0.port != nil }) else { return nil }
            return PlainTextBytes.splicing(bytes, hostsStart..<authorityEnd, with: [])
        case "port":
            guard hosts.contains(where: { $0.port != nil }) else { return nil }
            return replacingHosts(hosts.map { ($0.name, nil) }, in: bytes)
        case "dbname":
            guard let dbname else { return nil }
            return PlainTextBytes.splicing(bytes, (dbname.range.lowerBound - 1)..<dbname.range.upperBound, with: [])
        default:
            return nil
        }
    }

    /// Rewrites only the host list of the authority.
    func replacingHosts(_ list: [(name: String, port: String?)], in bytes: [UInt8]) -> [UInt8] {
        let text = list.map { name, port -> [UInt8] in
            var entry = Self.encodeHost(name)
            if let port { entry += [0x3A] + URIPercentEncoding.encode(port) }
            return entry
        }.joined(separator: [0x2C])
        return PlainTextBytes.splicing(bytes, hostsStart..<authorityEnd, with: Array(text))
    }

    /// An IPv6 address goes in brackets; anything else is percent-encoded (a socket
    /// directory `/tmp` becomes `%2Ftmp`).
    static func encodeHost(_ name: String) -> [UInt8] {
        guard name.utf8.contains(0x3A) else { return URIPercentEncoding.encode(name) }
        let inner = name.utf8.flatMap { byte -> [UInt8] in
            byte == 0x25 ? Array("%25".utf8) : [byte]
        }
        return [0x5B] + inner + [0x5D]
    }
}
