// MARK: - Seeded randomness for the wire tests

/// SplitMix64: a tiny, well-mixed seeded generator so property tests are repeatable.
struct WireSplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Splits `bytes` into random-sized pieces (1…maxPiece bytes), as a network might deliver them.
func wireChunks(_ bytes: [UInt8], maxPiece: Int, using rng: inout WireSplitMix64) -> [[UInt8]] {
    var pieces: [[UInt8]] = []
    var index = 0
    while index < bytes.count {
        let size = Int.random(in: 1...maxPiece, using: &rng)
        pieces.append(Array(bytes[index..<min(bytes.count, index + size)]))
        index += size
    }
    return pieces
}
