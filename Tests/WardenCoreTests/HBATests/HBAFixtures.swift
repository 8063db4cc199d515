/// Representative `pg_hba.conf` text in the shape Debian's packages install: a long
/// header comment, a column header, and records aligned at columns 0, 8, 24, 40, 64.
enum HBAFixtures {
    static let debian = """
    # PostgreSQL Client Authentication Configuration File
    # ===================================================
    #
    # Refer to the "Client Authentication" section in the PostgreSQL
    # documentation for a complete description of this file.  A short
    # synopsis follows.
    #
    # This file controls: which hosts are allowed to connect, how clients
    # are authenticated, which PostgreSQL user names they can use, which
    # databases they can access.  Records take one of these forms:
    #
    # local         DATABASE  USER  METHOD  [OPTIONS]
    # host          DATABASE  USER  ADDRESS  METHOD  [OPTIONS]
    # hostssl       DATABASE  USER  ADDRESS  METHOD  [OPTIONS]
    # hostnossl     DATABASE  USER  ADDRESS  METHOD  [OPTIONS]
    #
    # (The uppercase items must be replaced by actual values.)




    # DO NOT DISABLE!
    # If you change this first entry you will need to make sure that the
    # database superuser can access the database using some other method.
    #
    # Database administrative login by Unix domain socket
    local   all             postgres                                peer

    # TYPE  DATABASE        USER            ADDRESS                 METHOD

    # "local" is for Unix domain socket connections only
    local   all             all                                     peer
    # IPv4 local connections:
    host    all             all             127.0.0.1/32            scram-sha-256
    # IPv6 local connections:
    host    all             all             ::1/128                 scram-sha-256
    # Allow replication connections from localhost, by a user with the
    # replication privilege.
    local   replication     all                                     peer
    host    replication     all             127.0.0.1/32            scram-sha-256
    host    replication     all             ::1/128                 scram-sha-256

    """

    /// The line numbers of the records in `debian`.
    static let debianRuleLines = [27, 32, 34, 36, 39, 40, 41]

    /// A hand-written file aligned with tabs, with a trailing comment and md5 lines, as
    /// found on the shared-persistence central node.
    static let tabAligned = """
    # site rules
    local\tall\tpostgres\t\tpeer
    host\tall\tall\t127.0.0.1/32\tmd5\t# loopback
    host\tQSR,QSMQ\tqliksenserepository\t10.0.0.0/8\tmd5
    host\treplication\treplicator\t0.0.0.0/0\tmd5

    """

    /// `text` with every `\n` written as `\r\n`.
    static func crlf(_ text: String) -> String {
        String(decoding: Array(text.utf8).flatMap { $0 == 0x0A ? [0x0D, 0x0A] : [$0] }, as: UTF8.self)
    }
}
