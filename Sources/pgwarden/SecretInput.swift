import ArgumentParser
import Foundation
import WardenCore
import WardenHost
#if canImport(Glibc)
import Glibc
#endif

// MARK: - Reading a secret from the user, never from argv

/// A password typed at a prompt without echo, or read from stdin when stdin is not a
/// terminal (`--password-stdin`, pipes). Never from the command line.
enum SecretInput {
    static func read(prompt: String) throws -> Secret {
        let text: String
        if isatty(STDIN_FILENO) == 1 {
            Console.progress(prompt)
            text = try readWithoutEcho()
        } else {
            let data = FileHandle.standardInput.readDataToEndOfFile()
            text = String(decoding: data, as: UTF8.self)
        }
        var value = Substring(text)
        while let last = value.unicodeScalars.last, last == "\n" || last == "\r" { value = Substring(value.unicodeScalars.dropLast()) }
        guard !value.isEmpty else {
            throw HostError(.secret, "no password given", hint: "type it at the prompt or pipe it on stdin; an empty password is refused")
        }
        return Secret(String(value))
    }

    /// `--password-stdin`: everything on stdin, without the final line break(s). An empty
    /// value is returned as is, for the password policy to refuse with its own message.
    static func readStandardInput() -> Secret {
        let text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        var value = Substring(text)
        while let last = value.unicodeScalars.last, last == "\n" || last == "\r" { value = Substring(value.unicodeScalars.dropLast()) }
        return Secret(String(value))
    }

    /// A new password typed twice at a no-echo prompt; refused when the two differ or there is
    /// no terminal to ask on (a pipe must say so with --password-stdin).
    static func promptTwice(_ prompt: String) throws -> Secret {
        guard isatty(STDIN_FILENO) == 1 else {
            throw CoreError(.invalid, "there is no terminal to ask for the new password on",
                            hint: "pipe it with --password-stdin, or let pgwarden make one with --generate")
        }
        Console.progress(prompt)
        let first = Secret(try readWithoutEcho())
        Console.progress("Again, to be sure:")
        let second = Secret(try readWithoutEcho())
        guard first == second else {
            throw CoreError(.invalid, "the two passwords typed differ; nothing was changed", hint: "run the command again")
        }
        return first
    }

    private static func readWithoutEcho() throws -> String {
        var saved = termios()
        guard tcgetattr(STDIN_FILENO, &saved) == 0 else { throw HostError(.io, "cannot read the terminal settings") }
        var quiet = saved
        quiet.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet)
        defer {
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved)
            Console.progress("")
        }
        return Swift.readLine(strippingNewline: true) ?? ""
    }
}
