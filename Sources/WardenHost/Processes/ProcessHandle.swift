import Foundation
#if canImport(Glibc)
import Glibc
#endif

// MARK: - A process addressed by pidfd, not by a number that can be recycled

/// One process, held by a Linux pidfd so that a signal reaches exactly the process that was
/// checked, even if it exits and its PID is handed to someone else in between.
///
/// The pidfd is opened first and the caller's identity check (cwd, exe) runs *after*: a
/// check that passes while the pidfd is still alive proves the pidfd is that process. Where
/// pidfds are missing (a kernel before 5.3, a seccomp filter), signals fall back to `kill`,
/// but only after the identity check is repeated right before each signal — a PID read
/// earlier is never signalled on its own word.
///
/// Swift cannot call C's variadic `syscall()` directly, so it is looked up once and called
/// through a fixed five-argument signature; on x86_64 and arm64 Linux the syscall wrapper
/// reads its arguments from registers either way. 424 and 434 are the same on both.
final class ProcessHandle {
    let pid: pid_t
    /// The pidfd, or -1 when pidfds are not available and `kill` is the fallback.
    private let descriptor: Int32
    private let stillOurs: () -> Bool

    private init(pid: pid_t, descriptor: Int32, stillOurs: @escaping () -> Bool) {
        self.pid = pid
        self.descriptor = descriptor
        self.stillOurs = stillOurs
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// Whether signals go through a pidfd (false: re-checked `kill`).
    var usesPIDFileDescriptor: Bool { descriptor >= 0 }

    /// Opens `pid` and confirms it with `belongs` after opening; nil when it is gone or is
    /// not (or no longer) the process `belongs` accepts.
    static func open(_ pid: pid_t, belongs: @escaping () -> Bool) -> ProcessHandle? {
        let descriptor = Syscalls.pidfdOpen(pid)
        if descriptor < 0 {
            // ESRCH: gone already. Anything else (ENOSYS, EPERM from a filter): fall back.
            guard errno != ESRCH, belongs() else { return nil }
            return ProcessHandle(pid: pid, descriptor: -1, stillOurs: belongs)
        }
        let handle = ProcessHandle(pid: pid, descriptor: descriptor, stillOurs: belongs)
        guard belongs(), handle.isAlive else { return nil }
        return handle
    }

    /// Sends `signal`; false when the process is gone (or, without a pidfd, when the PID
    /// no longer passes the identity check and so must not be signalled).
    @discardableResult
    func send(_ signal: Int32) -> Bool {
        if descriptor >= 0 {
            return Syscalls.pidfdSendSignal(descriptor, signal) == 0
        }
        guard stillOurs() else { return false }
        return kill(pid, signal) == 0
    }

    /// Signal 0: whether the process (possibly a zombie) still exists.
    var isAlive: Bool { send(0) }

    // MARK: Syscalls

    private enum Syscalls {
        typealias Syscall = @convention(c) (Int, Int, Int, Int, Int) -> Int
        static let pidfdSendSignalNumber = 424
        static let pidfdOpenNumber = 434

        static let function: Syscall? = {
            guard let library = dlopen(nil, RTLD_NOW), let symbol = dlsym(library, "syscall") else { return nil }
            return unsafeBitCast(symbol, to: Syscall.self)
        }()

        static func pidfdOpen(_ pid: pid_t) -> Int32 {
            guard let function else { errno = ENOSYS; return -1 }
            return Int32(truncatingIfNeeded: function(pidfdOpenNumber, Int(pid), 0, 0, 0))
        }

        static func pidfdSendSignal(_ descriptor: Int32, _ signal: Int32) -> Int {
            guard let function else { errno = ENOSYS; return -1 }
            return function(pidfdSendSignalNumber, Int(descriptor), Int(signal), 0, 0)
        }
    }
}
