import Testing
@testable import WardenCore

/// Addresses and ranges for tests, failing the test (not crashing) on a typo.
enum HBATestValues {
    static func ip(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> IPAddress {
        try #require(IPAddress(text), sourceLocation: sourceLocation)
    }

    static func range(_ address: String, mask: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> IPAddressRange {
        let address = try ip(address, sourceLocation: sourceLocation)
        let mask = try ip(mask, sourceLocation: sourceLocation)
        return try #require(IPAddressRange(address: address, mask: mask), sourceLocation: sourceLocation)
    }
}
