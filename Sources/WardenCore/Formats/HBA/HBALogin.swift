// MARK: - A login: one or two connection attempts

/// The records a client's login reaches, attempt by attempt: a driver that retries over
/// the other transport (libpq `prefer`/`allow`) makes a second attempt only when the first
/// fails, and each attempt is matched against `pg_hba.conf` on its own.
public struct HBALogin: Sendable, Hashable {
    /// One connection and the record it got.
    public struct Attempt: Sendable, Hashable {
        public var transport: HBATransport
        public var decision: HBAEvaluator.Decision
    }

    public var attempts: [Attempt]

    /// The attempt that settles the login (the last one made); nil when none was made.
    public var final: Attempt? { attempts.last }

    /// Whether an attempt with `decision` fails, so that a driver may try again:
    /// no entry, `reject`, or a method that wants a credential the client does not get
    /// accepted (`credentialsAccepted` false; trust needs none).
    static func fails(_ decision: HBAEvaluator.Decision, credentialsAccepted: Bool) -> Bool? {
        switch decision {
        case .noEntry: return true
        case .undecidable: return nil
        case .matched(let numbered):
            switch numbered.rule.effectiveMethod {
            case .reject: return true
            case .trust: return false
            default: return !credentialsAccepted
            }
        }
    }
}

extension HBAEvaluator {
    /// The records `attempt` (its transport ignored) reaches over `transports`, trying the
    /// next one only after a failure; an undecidable attempt ends the trace (what follows
    /// would be a guess). `credentialsAccepted`: whether the client's password (or other
    /// credential) is right; the audit assumes so, the differential test uses a wrong one.
    public func login(_ attempt: HBAConnectionAttempt, over transports: [HBATransport], credentialsAccepted: Bool = true) -> HBALogin {
        var attempts: [HBALogin.Attempt] = []
        for transport in transports {
            let decision = evaluate(attempt.over(transport))
            attempts.append(HBALogin.Attempt(transport: transport, decision: decision))
            guard HBALogin.fails(decision, credentialsAccepted: credentialsAccepted) == true else { break }
        }
        return HBALogin(attempts: attempts)
    }
}
