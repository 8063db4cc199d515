// MARK: - Service config files as a fresh install leaves them

/// The service config files of the reference deployment, in the shapes the vendor page
/// shows (reference/database-security.txt), pointing at the lab's primary.
///
/// They are deliberately written the way Windows tools write them — a UTF-8 BOM and CRLF
/// line endings for the XML config and services.conf — so every lab exercises the lossless
/// editors on the awkward cases, not just the tidy ones.
enum LabTemplates {
    struct Values {
        var host: String
        var port: Int
        var user: String
        var password: String
    }

    /// A file to write under a node's root: relative path, profile name, contents.
    struct File {
        var path: String
        var profile: String
        var contents: String
    }

    static func centralNode(_ v: Values) -> [File] {
        [
            File(path: "Repository/Repository.exe.config", profile: "repository", contents: repositoryConfig(v)),
            File(path: "Licenses/appsettings.json", profile: "licenses", contents: licenses(v)),
            File(path: "AppDistributionService/appsettings.json", profile: "app-distribution", contents: postgresWithCertificatePaths(v, extra: retryPolicy)),
            File(path: "HybridDeploymentService/appsettings.json", profile: "hybrid-deployment", contents: postgresWithCertificatePaths(v, extra: "")),
            File(path: "NotifierService/appsettings.json", profile: "notifier", contents: notifier(v)),
            File(path: "MobilityRegistrarService/appsettings.json", profile: "mobility-registrar", contents: mobilityRegistrar(v)),
            File(path: "NLBroker/appsettings.json", profile: "nl-broker", contents: postgresWithSecurityMode(v, database: "SenseServices", schema: "nl_broker")),
            File(path: "NLAppSearch/appsettings.json", profile: "nl-app-search", contents: postgresWithSecurityMode(v, database: "QSMQ", schema: nil)),
            File(path: "DataPrepService/appsettings.json", profile: "dataprep", contents: postgresWithSecurityMode(v, database: "SenseServices", schema: "dataprep_service")),
            File(path: "PrecedentsService/appsettings.json", profile: "precedents", contents: postgresWithSecurityMode(v, database: "SenseServices", schema: "precedents_service")),
            File(path: "ServiceDispatcher/services.conf", profile: "service-dispatcher", contents: servicesConf),
        ]
    }

    static func rimNode(_ v: Values) -> [File] {
        [
            File(path: "Repository/Repository.exe.config", profile: "repository", contents: repositoryConfig(v)),
            File(path: "NotifierService/appsettings.json", profile: "notifier", contents: notifier(v)),
            File(path: "ServiceDispatcher/services.conf", profile: "service-dispatcher", contents: servicesConf),
        ]
    }

    /// pgAdmin's "store password" file (`%APPDATA%\postgresql\pgpass.conf`).
    static func pgpass(host: String, port: Int, superuser: String, password: String) -> String {
        "\(host):\(port):*:\(superuser):\(password)\n"
    }

    // MARK: Shapes

    private static func crlf(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\r\n")
    }

    static func repositoryConfig(_ v: Values) -> String {
        func add(_ name: String) -> String {
            "    <add name=\"\(name)\" connectionString=\"User ID=\(v.user);Host=\(v.host);Port=\(v.port);Database=\(name);Pooling=true;Min Pool Size=0;Max Pool Size=90;Connection Lifetime=3600;Unicode=true;Password=\(v.password);\" providerName=\"Devart.Data.PostgreSql\" />"
        }
        return "\u{FEFF}" + crlf("""
        <?xml version="1.0" encoding="utf-8"?>
        <configuration>
          <configSections>
            <section name="log4net" type="log4net.Config.Log4NetConfigurationSectionHandler, log4net" />
          </configSections>
          <!-- Written by the installer. Edit with the Connection String Editor (QlikSenseUtil.exe). -->
          <connectionStrings>
        \(add("QSR"))
        \(add("QSMQ"))
          </connectionStrings>
          <appSettings>
            <add key="RepositoryPort" value="4242" />
          </appSettings>
        </configuration>

        """)
    }

    static func licenses(_ v: Values) -> String {
        func object(_ name: String, _ database: String) -> String {
            """
              "\(name)": {
                "host": "\(v.host)",
                "port": \(v.port),
                "dbName": "\(database)",
                "user": "\(v.user)",
                "password": "\(v.password)",
                "sslMode": "disable"
              }
            """
        }
        return "{\n\(object("licenses", "Licenses")),\n\(object("messageQueue", "QSMQ"))\n}\n"
    }

    private static let retryPolicy = """
        ,
            "ConnectionRetryPolicy": {
              "MaxRetries": 10,
              "RetryTimeMs": 100
            }
        """

    static func postgresWithCertificatePaths(_ v: Values, extra: String) -> String {
        let certificates = #"C:\\ProgramData\\Qlik\\Sense\\Repository\\Exported Certificates\\.Local Certificates"#
        return """
        {
          "Postgres": {
            "Host": "\(v.host)",
            "Port": \(v.port),
            "Database": "SenseServices",
            "Username": "\(v.user)",
            "Password": "\(v.password)"\(extra),
            "Security": {
              "Enable": false,
              "ServerCertificate": {
                "Path": "\(certificates)\\\\server.pem",
                "PrivateKeyPath": "\(certificates)\\\\server_key.pem"
              },
              "RootCertificate": {
                "Path": "\(certificates)\\\\root.pem"
              }
            }
          }
        }

        """
    }

    static func notifier(_ v: Values) -> String {
        func object(_ name: String, _ database: String) -> String {
            """
              "\(name)": {
                "host": "\(v.host)",
                "port": \(v.port),
                "database": "\(database)",
                "user": "\(v.user)",
                "password": "\(v.password)",
                "ssl": "false"
              }
            """
        }
        return "{\n\(object("qsmq", "QSMQ")),\n\(object("senseServices", "SenseServices"))\n}\n"
    }

    static func mobilityRegistrar(_ v: Values) -> String {
        """
        {
          "Postgres": {
            "Host": "\(v.host)",
            "Port": \(v.port),
            "Database": "SenseServices",
            "Schema": "qlik_mobility_registrar_service",
            "Username": "\(v.user)",
            "Password": "\(v.password)",
            "SSL": 0
          }
        }

        """
    }

    static func postgresWithSecurityMode(_ v: Values, database: String, schema: String?) -> String {
        let certificates = #"C:\\ProgramData\\Qlik\\Sense\\Repository\\Exported Certificates\\.Local Certificates"#
        let schemaLine = schema.map { "\n    \"Schema\": \"\($0)\"," } ?? ""
        return """
        {
          "Postgres": {
            "Host": "\(v.host)",
            "Port": \(v.port),
            "Database": "\(database)",\(schemaLine)
            "Username": "\(v.user)",
            "Password": "\(v.password)",
            "Security": {
              // See sslmode descriptions in the libpq documentation.
              "Enable": false,
              "Mode": "disable",
              "Certificate": "\(certificates)\\\\client.pem",
              "Key": "\(certificates)\\\\client_key.pem",
              "RootCertificate": "\(certificates)\\\\root.pem"
            }
          }
        }

        """
    }

    static let servicesConf = crlf(#"""
    [resource-distribution]
    Identity=Qlik.resource-distribution
    DisplayName=Resource Distribution
    ExePath=Node\node.exe
    Script=..\ResourceDistributionService\server.js

    [resource-distribution.parameters]
    --secure
    --wes-port=${WESPort}
    --mode=server
    --log-path=${LogPath}
    --log-level=info

    """#)
}
