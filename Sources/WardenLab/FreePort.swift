#if canImport(Glibc)
import Glibc
#endif

// MARK: - A free TCP port on loopback

enum FreePort {
    /// Asks the kernel for a free port on 127.0.0.1 (bind to port 0) and releases it.
    /// Another process could take it before the server binds; `lab up` retries then.
    static func find() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw LabError("cannot open a socket to find a free port") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw LabError("cannot bind a socket on 127.0.0.1 to find a free port") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { throw LabError("cannot read the port the kernel chose") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
