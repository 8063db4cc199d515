// MARK: - A few logins at a time

/// Runs `body` over `items` with at most `width` running at once, starting the next as soon
/// as one finishes, and returns the results in the order of `items`.
///
/// Logins are what this is for: each costs the server a backend and a SCRAM exchange and
/// the client a key derivation, so a thousand at once would only queue on two cores, and
/// one at a time leaves both sides waiting on the network.
enum SlidingWindow {
    static func map<Item: Sendable, Output: Sendable>(
        _ items: [Item], width: Int, _ body: @escaping @Sendable (Item) async -> Output
    ) async -> [Output] {
        await withTaskGroup(of: (Int, Output).self) { group in
            var results: [Int: Output] = [:]
            var next = 0
            func start() {
                guard next < items.count else { return }
                let index = next
                let item = items[index]
                group.addTask { (index, await body(item)) }
                next += 1
            }
            for _ in 0..<max(1, width) { start() }
            while let (index, output) = await group.next() {
                results[index] = output
                start()
            }
            return (0..<items.count).compactMap { results[$0] }
        }
    }
}
