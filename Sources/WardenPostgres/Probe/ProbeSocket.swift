#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - A TCP socket with deadlines

/// A blocking-free TCP client socket for the wire probe: non-blocking file descriptor,
/// `poll()` for every wait, so no read or connect can hang past its deadline.
///
/// Plain POSIX rather than NIO because a probe is a short, strictly sequential exchange
/// of a few hundred bytes; a socket and `poll()` say exactly that. Non-copyable so the
/// descriptor is closed exactly once.
struct ProbeSocket: ~Copyable {
    private let descriptor: Int32

    // MARK: Connecting

    /// Resolves `host` and connects to the first address that answers before `deadline`.
    init(host: String, port: Int, deadline: ContinuousClock.Instant) throws(WireProbeError) {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        hints.ai_protocol = Int32(IPPROTO_TCP)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw WireProbeError(.resolveFailed, "cannot resolve host \(host)", hint: "check the host name")
        }
        defer { freeaddrinfo(list) }

        var lastError = WireProbeError(.connectFailed, "cannot connect to \(host):\(port)")
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let address = entry {
            entry = address.pointee.ai_next
            do {
                descriptor = try Self.connect(address.pointee, deadline: deadline, label: "\(host):\(port)")
                return
            } catch {
                lastError = error
            }
        }
        throw lastError
    }

    private static func connect(_ address: addrinfo, deadline: ContinuousClock.Instant, label: String) throws(WireProbeError) -> Int32 {
        let fd = socket(address.ai_family, address.ai_socktype, address.ai_protocol)
        guard fd >= 0 else { throw WireProbeError(.connectFailed, "cannot create a socket: \(errnoText())") }
        let flags = fcntl(fd, F_GETFL, 0)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
        #if canImport(Darwin)
        var one: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size))
        #endif
        if systemConnect(fd, address.ai_addr, address.ai_addrlen) != 0 {
            guard errno == EINPROGRESS else {
                let text = errnoText()
                close(fd)
                throw WireProbeError(.connectFailed, "cannot connect to \(label): \(text)",
                                     hint: "is the server running and listening on this address?")
            }
            guard (try? wait(fd, for: Int16(POLLOUT), until: deadline)) == true else {
                close(fd)
                throw WireProbeError(.timedOut, "connecting to \(label) timed out")
            }
            var socketError: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &socketError, &length)
            if socketError != 0 {
                close(fd)
                throw WireProbeError(.connectFailed, "cannot connect to \(label): \(String(cString: strerror(socketError)))",
                                     hint: "is the server running and listening on this address?")
            }
        }
        return fd
    }

    deinit {
        close(descriptor)
    }

    // MARK: Sending and receiving

    /// Sends all of `bytes` before `deadline`.
    func send(_ bytes: [UInt8], deadline: ContinuousClock.Instant) throws(WireProbeError) {
        var sent = 0
        while sent < bytes.count {
            guard try Self.wait(descriptor, for: Int16(POLLOUT), until: deadline) else {
                throw WireProbeError(.timedOut, "sending to the server timed out")
            }
            let count = bytes[sent...].withUnsafeBytes { buffer in
                systemSend(descriptor, buffer.baseAddress, buffer.count)
            }
            if count < 0 {
                if errno == EAGAIN || errno == EINTR { continue }
                throw WireProbeError(.closed, "the server closed the connection while we were sending: \(Self.errnoText())")
            }
            sent += count
        }
    }

    /// What one read produced.
    enum Received {
        case bytes([UInt8])
        /// Orderly close or reset by the server.
        case closed
        case timedOut
    }

    /// Waits for the next bytes until `deadline`.
    func receive(deadline: ContinuousClock.Instant) throws(WireProbeError) -> Received {
        while true {
            guard try Self.wait(descriptor, for: Int16(POLLIN), until: deadline) else { return .timedOut }
            var buffer = [UInt8](repeating: 0, count: 16_384)
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count > 0 { return .bytes(Array(buffer[0..<count])) }
            if count == 0 { return .closed }
            if errno == EAGAIN || errno == EINTR { continue }
            return .closed  // ECONNRESET and friends: the server hung up
        }
    }

    // MARK: Waiting

    /// Polls for `events`; false when the deadline passed first.
    private static func wait(_ fd: Int32, for events: Int16, until deadline: ContinuousClock.Instant) throws(WireProbeError) -> Bool {
        while true {
            let remaining = deadline - .now
            if remaining <= .zero { return false }
            let milliseconds = Int32(clamping: remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000 + 1)
            var request = pollfd(fd: fd, events: events, revents: 0)
            let ready = poll(&request, 1, milliseconds)
            if ready > 0 { return true }  // readable, writable, or hung up: the next call says which
            if ready == 0 { continue }
            if errno == EINTR { continue }
            throw WireProbeError(.closed, "waiting for the server failed: \(errnoText())")
        }
    }

    private static func errnoText() -> String { String(cString: strerror(errno)) }
}

// MARK: - Unambiguous libc names

// `connect` and `send` are also method names on ProbeSocket; these name the C functions.
@inline(__always)
private func systemConnect(_ fd: Int32, _ address: UnsafeMutablePointer<sockaddr>?, _ length: socklen_t) -> Int32 {
    connect(fd, address, length)
}

@inline(__always)
private func systemSend(_ fd: Int32, _ bytes: UnsafeRawPointer?, _ count: Int) -> Int {
    #if canImport(Glibc)
    send(fd, bytes, count, Int32(MSG_NOSIGNAL))
    #else
    send(fd, bytes, count, 0)
    #endif
}
