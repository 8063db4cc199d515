@testable import WardenCore

/// Service files in the shapes of the reference page (plaintext passwords, as a site looks
/// before pgwarden seals them), for the facade and planner tests.
enum ServiceFixtures {
    static let password = "S3cret;pa'ss"

    static let repository = "\u{FEFF}<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<configuration>\r\n  <!-- installer -->\r\n  <connectionStrings>\r\n"
        + "    <add name=\"QSR\" connectionString=\"User ID=qliksenserepository;Host='fullhostname.com';Port='4432';Database=QSR;Pooling=true;Min Pool Size=0;Max Pool Size=90;Connection Lifetime=3600;Unicode=true;Password=&quot;S3cret;pa'ss&quot;;\" providerName=\"Devart.Data.PostgreSql\" />\r\n"
        + "    <add name=\"QSMQ\" connectionString=\"User ID=qliksenserepository;Ssl Mode=Require;Host='fullhostname.com';Port='4432';Database=QSMQ;Password='plain';\" providerName=\"Devart.Data.PostgreSql\" />\r\n"
        + "  </connectionStrings>\r\n</configuration>\r\n"

    static let licenses = """
        {
          "licenses": {
            "host": "localhost",
            "port": 4432,
            "dbName": "Licenses",
            "user": "qliksenserepository",
            "password": "plain-licenses",
            "sslMode": "disable"
          },
          // the message queue
          "messageQueue": {
            "host": "localhost",
            "port": 4432,
            "dbName": "QSMQ",
            "user": "qliksenserepository",
            "password": "AQAAANCMnd8BFdERjHoAwE/Cl+sBAAAABuvYPntQ2k+cR8K7frd+MQQAAAACAAAAAAAQZgAAAAEAACAAAAD8",
            "sslMode": "require",
          },
        }

        """

    static let notifier = """
        {
          "qsmq": { "host": "localhost", "port": 4432, "database": "QSMQ", "user": "qliksenserepository", "password": "p1", "ssl": "false" },
          "senseServices": { "host": "localhost", "port": 4432, "database": "SenseServices", "user": "qliksenserepository", "password": "p2", "ssl": "false" }
        }

        """

    static let mobility = """
        {
          "Postgres": {
            "Host": "localhost",
            "Port": 4432,
            "Database": "SenseServices",
            "Schema": "qlik_mobility_registrar_service",
            "Username": "qliksenserepository",
            "Password": "p3",
            "SSL": 0
          }
        }

        """

    static let appDistribution = """
        {
          "Postgres": {
            "Host": "localhost",
            "Port": 4432,
            "Database": "SenseServices",
            "Username": "qliksenserepository",
            "Password": "p4",
            "ConnectionRetryPolicy": { "MaxRetries": 10, "RetryTimeMs": 100 }
          }
        }

        """

    static let nlBroker = """
        {
          "Postgres": {
            "Host": "localhost",
            "Port": 4432,
            "Database": "SenseServices",
            "Schema": "nl_broker",
            "Username": "qliksenserepository",
            "Password": "p5",
            "Security": {
              "comment": "See sslmode descriptions",
              "Enable": false,
              "Mode": "disable",
              "Certificate": "C:\\\\certs\\\\client.pem",
              "Key": "C:\\\\certs\\\\client_key.pem",
              "RootCertificate": "C:\\\\certs\\\\root.pem"
            }
          }
        }

        """

    static let servicesConf = "[resource-distribution]\r\nIdentity=Qlik.resource-distribution\r\nExePath=Node\\node.exe\r\n\r\n[resource-distribution.parameters]\r\n--secure\r\n--mode=server\r\n\r\n[odag]\r\nIdentity=Qlik.odag\r\n\r\n[odag.parameters]\r\n--ssl=33554432\r\n"

    static let libpq = "host=db1 port=4432 dbname=QSR user=qliksenserepository password=plain sslmode=prefer\n"

    /// (profile, path, text) for every shape.
    static let all: [(profile: ServiceProfile, file: String, text: String)] = [
        (.repository, "/site/Repository/Repository.exe.config", repository),
        (.licenses, "/site/Licenses/appsettings.json", licenses),
        (.notifier, "/site/NotifierService/appsettings.json", notifier),
        (.mobilityRegistrar, "/site/MobilityRegistrarService/appsettings.json", mobility),
        (.appDistribution, "/site/AppDistributionService/appsettings.json", appDistribution),
        (.nlBroker, "/site/NLBroker/appsettings.json", nlBroker),
        (.serviceDispatcher, "/site/ServiceDispatcher/services.conf", servicesConf),
        (.libpqFile, "/site/backup/conninfo", libpq),
    ]

    static let key = try! SealingKey(bytes: Array(repeating: 7, count: 32))
    static let otherKey = try! SealingKey(bytes: Array(repeating: 9, count: 32))

    /// A self-signed certificate with subject CN db1.example.test (made with openssl for these tests).
    static let certificatePEM = """
        -----BEGIN CERTIFICATE-----
        MIIBuzCCAWGgAwIBAgIUfkYAc+2S3vvPtp/WKLujhqIUwecwCgYIKoZIzj0EAwIw
        MzEWMBQGA1UECgwNcGd3YXJkZW4gdGVzdDEZMBcGA1UEAwwQZGIxLmV4YW1wbGUu
        dGVzdDAeFw0yNjExMjcyMzMzNDdaFw0zNjExMjQyMzMzNDdaMDMxFjAUBgNVBAoM
        DXBnd2FyZGVuIHRlc3QxGTAXBgNVBAMMEGRiMS5leGFtcGxlLnRlc3QwWTATBgcq
        hkjOPQIBBggqhkjOPQMBBwNCAARfDcJ4Pz9aJsPp3HrvO+FcmuD7hA+3+4+W8vu8
        3tIJzAFJ0Sk0RjKmWfypB93q6Z3QAZsHYw8DIIefWxFvfAQro1MwUTAdBgNVHQ4E
        FgQU26ds4dHRmr6T6Q//wwYeYuu4W5kwHwYDVR0jBBgwFoAU26ds4dHRmr6T6Q//
        wwYeYuu4W5kwDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNIADBFAiBsytNh
        h3oHYW3RWSWrKc/8rUQVvs+VeNkESgAnHK77IwIhAIfjdBMxUih22E6riUr9Wz3u
        A5AlSc2quwdG+b9bIYpZ
        -----END CERTIFICATE-----

        """
}
