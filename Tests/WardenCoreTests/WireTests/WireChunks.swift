/// Splits `bytes` into random-sized pieces (1…maxPiece bytes), as a network might deliver them.
func wireChunks(_ bytes: [UInt8], maxPiece: Int, using rng: inout SplitMix64) -> [[UInt8]] {
    var pieces: [[UInt8]] = []
    var index = 0
    while index < bytes.count {
        let size = Int.random(in: 1...maxPiece, using: &rng)
        pieces.append(Array(bytes[index..<min(bytes.count, index + size)]))
        index += size
    }
    return pieces
}
