// MARK: - The built-in profiles

/// Profiles for every service in the reference deployment (`reference/database-security.txt`).
extension ServiceProfile {
    /// All built-in profiles, in the order the reference page lists the services.
    public static let builtIn: [ServiceProfile] = [
        repository, licenses, appDistribution, hybridDeployment, notifier, mobilityRegistrar,
        nlBroker, nlAppSearch, dataPrep, precedents, serviceDispatcher, libpqFile,
    ]

    public static func named(_ name: String) -> ServiceProfile? {
        builtIn.first { $0.name == name }
    }

    // MARK: Devart (repository)

    public static let repository = ServiceProfile(
        name: "repository",
        summary: "Repository.exe.config: QSR and QSMQ Devart connection strings",
        format: .dotnetConfig, driver: .devart,
        entries: [
            Entry(name: "QSR", location: .connectionString(name: "QSR")),
            Entry(name: "QSMQ", location: .connectionString(name: "QSMQ")),
        ]
    )

    // MARK: appsettings.json shapes

    public static let licenses = ServiceProfile(
        name: "licenses",
        summary: "Licenses/appsettings.json: licenses and messageQueue objects",
        format: .json, driver: .nodePostgres,
        entries: ["licenses", "messageQueue"].map { object in
            Entry(name: object, location: .jsonObject(path: [object], keys: [
                .host: ["host"], .port: ["port"], .database: ["dbName"], .user: ["user"],
                .password: ["password"], .sslMode: ["sslMode"],
            ]))
        }
    )

    public static let appDistribution = postgresWithCertificatePaths(
        name: "app-distribution", file: "AppDistributionService/appsettings.json")
    public static let hybridDeployment = postgresWithCertificatePaths(
        name: "hybrid-deployment", file: "HybridDeploymentService/appsettings.json")

    public static let notifier = ServiceProfile(
        name: "notifier",
        summary: "NotifierService/appsettings.json: qsmq and senseServices objects, \"ssl\": \"true\"",
        format: .json, driver: .nodePostgres,
        entries: ["qsmq", "senseServices"].map { object in
            Entry(name: object, location: .jsonObject(path: [object], keys: [
                .host: ["host"], .port: ["port"], .database: ["database"], .user: ["user"],
                .password: ["password"], .sslEnabled: ["ssl"],
            ]))
        }
    )

    public static let mobilityRegistrar = ServiceProfile(
        name: "mobility-registrar",
        summary: "MobilityRegistrarService/appsettings.json: Postgres object, \"SSL\": 0|1",
        format: .json, driver: .npgsql,
        entries: [Entry(name: "Postgres", location: .jsonObject(path: ["Postgres"], keys: [
            .host: ["Host"], .port: ["Port"], .database: ["Database"], .user: ["Username"],
            .password: ["Password"], .sslEnabled: ["SSL"],
        ]))]
    )

    public static let nlBroker = postgresWithSecurityMode(name: "nl-broker", file: "NLBroker/appsettings.json")
    public static let nlAppSearch = postgresWithSecurityMode(name: "nl-app-search", file: "NLAppSearch/appsettings.json")
    public static let dataPrep = postgresWithSecurityMode(name: "dataprep", file: "DataPrepService/appsettings.json")
    public static let precedents = postgresWithSecurityMode(name: "precedents", file: "PrecedentsService/appsettings.json")

    // MARK: INI and libpq

    public static let serviceDispatcher = ServiceProfile(
        name: "service-dispatcher",
        summary: "ServiceDispatcher/services.conf: --ssl=<SSL_OP_* bitmask> per node.js service",
        format: .ini, driver: .nodeTLS,
        entries: [Entry(name: "parameters", location: .iniParameters(flag: "--ssl"))]
    )

    public static let libpqFile = ServiceProfile(
        name: "libpq",
        summary: "a file holding one libpq connection string (backup jobs, psql wrappers)",
        format: .libpq, driver: .libpq,
        entries: [Entry(name: "conninfo", location: .libpqConnectionString)]
    )

    // MARK: Shared shapes

    /// `"Postgres": {Host, Port, Database, Username, Password, Security: {Enable, …Path}}`.
    private static func postgresWithCertificatePaths(name: String, file: String) -> ServiceProfile {
        ServiceProfile(
            name: name, summary: "\(file): Postgres object, Security.Enable and certificate paths",
            format: .json, driver: .npgsql,
            entries: [Entry(name: "Postgres", location: .jsonObject(path: ["Postgres"], keys: [
                .host: ["Host"], .port: ["Port"], .database: ["Database"], .user: ["Username"],
                .password: ["Password"], .sslEnabled: ["Security", "Enable"],
                .rootCertificate: ["Security", "RootCertificate", "Path"],
            ]))]
        )
    }

    /// `"Postgres": {…, Security: {Enable, Mode, Certificate, Key, RootCertificate}}` (node-postgres).
    private static func postgresWithSecurityMode(name: String, file: String) -> ServiceProfile {
        ServiceProfile(
            name: name, summary: "\(file): Postgres object, Security.Enable and Security.Mode",
            format: .json, driver: .nodePostgres,
            entries: [Entry(name: "Postgres", location: .jsonObject(path: ["Postgres"], keys: [
                .host: ["Host"], .port: ["Port"], .database: ["Database"], .user: ["Username"],
                .password: ["Password"], .sslEnabled: ["Security", "Enable"], .sslMode: ["Security", "Mode"],
                .clientCertificate: ["Security", "Certificate"], .clientKey: ["Security", "Key"],
                .rootCertificate: ["Security", "RootCertificate"],
            ]))]
        )
    }
}
