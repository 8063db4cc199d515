import Foundation
#if canImport(Glibc)
import Glibc
#endif

// MARK: - Does anything still answer on host:port?

/// A plain TCP connect with a deadline: the proof, after a `fence_command`, that the node
/// is no longer there. Only whether the handshake completes matters, so no bytes are sent.
public enum TCPPortCheck {
    /// True when a TCP connection to any address of `host` completes within `timeoutSeconds`.
    public static func answers(host: String, port: Int, timeoutSeconds: Double = 0.5) -> Bool {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &list) == 0, let first = list else { return false }
        defer { freeaddrinfo(first) }
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let address = entry {
            if connects(address.pointee, timeoutSeconds: timeoutSeconds) { return true }
            entry = address.pointee.ai_next
        }
        return false
    }

    private static func connects(_ address: addrinfo, timeoutSeconds: Double) -> Bool {
        let fd = socket(address.ai_family, address.ai_socktype | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), address.ai_protocol)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        if connect(fd, address.ai_addr, address.ai_addrlen) == 0 { return true }
        guard errno == EINPROGRESS else { return false }
        var poller = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        guard poll(&poller, 1, Int32(timeoutSeconds * 1000)) == 1 else { return false }
        var failure: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_ERROR, &failure, &length) == 0 else { return false }
        return failure == 0
    }
}
