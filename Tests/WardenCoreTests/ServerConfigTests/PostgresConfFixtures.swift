/// Representative `postgresql.conf` text in the shape Debian's packages install: long
/// comment blocks, commented-out defaults, tab-aligned trailing comments, quoted paths,
/// units, and an `include_dir`.
enum PostgresConfFixtures {
    static let debian = """
    # -----------------------------
    # PostgreSQL configuration file
    # -----------------------------
    #
    # This file consists of lines of the form:
    #
    #   name = value
    #
    # (The "=" is optional.)  Whitespace may be used.  Comments are introduced with
    # "#" anywhere on a line.  The complete list of parameter names and allowed
    # values can be found in the PostgreSQL documentation.
    #
    # Memory units:  B  = bytes            Time units:  us  = microseconds
    #                kB = kilobytes                     ms  = milliseconds
    #                MB = megabytes                     s   = seconds

    #------------------------------------------------------------------------------
    # FILE LOCATIONS
    #------------------------------------------------------------------------------

    data_directory = '/var/lib/postgresql/15/main'\t\t# use data in another directory
    \t\t\t\t\t# (change requires restart)
    hba_file = '/etc/postgresql/15/main/pg_hba.conf'\t# host-based authentication file
    \t\t\t\t\t# (change requires restart)
    ident_file = '/etc/postgresql/15/main/pg_ident.conf'\t# ident configuration file
    \t\t\t\t\t# (change requires restart)

    # If external_pid_file is not explicitly set, no extra PID file is written.
    external_pid_file = '/var/run/postgresql/15-main.pid'\t\t\t# write an extra PID file

    #------------------------------------------------------------------------------
    # CONNECTIONS AND AUTHENTICATION
    #------------------------------------------------------------------------------

    # - Connection Settings -

    #listen_addresses = 'localhost'\t\t# what IP address(es) to listen on;
    \t\t\t\t\t# comma-separated list of addresses;
    \t\t\t\t\t# defaults to 'localhost'; use '*' for all
    port = 5432\t\t\t\t# (change requires restart)
    max_connections = 100\t\t\t# (change requires restart)
    unix_socket_directories = '/var/run/postgresql'\t# comma-separated list of directories

    # - Authentication -

    #password_encryption = scram-sha-256\t# scram-sha-256 or md5

    # - SSL -

    ssl = on
    #ssl_ca_file = ''
    ssl_cert_file = '/etc/ssl/certs/ssl-cert-snakeoil.pem'
    #ssl_crl_file = ''
    ssl_key_file = '/etc/ssl/private/ssl-cert-snakeoil.key'
    #ssl_ciphers = 'HIGH:MEDIUM:+3DES:!aNULL' # allowed SSL ciphers
    #ssl_min_protocol_version = 'TLSv1.2'

    #------------------------------------------------------------------------------
    # RESOURCE USAGE (except WAL)
    #------------------------------------------------------------------------------

    shared_buffers = 128MB\t\t\t# min 128kB
    \t\t\t\t\t# (change requires restart)
    dynamic_shared_memory_type = posix\t# the default is usually the first option

    #wal_level = replica\t\t\t# minimal, replica, or logical
    max_wal_size = 1GB
    min_wal_size = 80MB
    #checkpoint_timeout = 5min\t\t# range 30s-1d

    log_line_prefix = '%m [%p] %q%u@%d '\t\t# special values:
    log_timezone = 'Etc/UTC'
    cluster_name = '15/main'\t\t\t# added to process titles if nonempty
    datestyle = 'iso, mdy'
    timezone = 'Etc/UTC'
    lc_messages = 'C.UTF-8'\t\t\t# locale for system error message
    default_text_search_config = 'pg_catalog.english'

    #------------------------------------------------------------------------------
    # CONFIG FILE INCLUDES
    #------------------------------------------------------------------------------

    # These options allow settings to be loaded from files other than the
    # default postgresql.conf.

    include_dir = 'conf.d'\t\t\t# include files ending in '.conf' from
    \t\t\t\t\t# a directory, e.g., 'conf.d'
    #include_if_exists = '...'\t\t# include file only if it exists
    #include = '...'\t\t\t# include file

    """

    /// `text` with every `\n` written as `\r\n`.
    static func crlf(_ text: String) -> String {
        String(decoding: Array(text.utf8).flatMap { $0 == 0x0A ? [0x0D, 0x0A] : [$0] }, as: UTF8.self)
    }
}
