// MARK: - The columns a pg_hba.conf is aligned to

/// Where a file's records put their columns (TYPE, DATABASE, USER, ADDRESS, METHOD), so a
/// line pgwarden writes lines up with the lines around it.
///
/// Learned from the file's own one-line records: for each column, the display column it
/// most often starts at, and whether the gaps are mostly tabs. A file with no records gets
/// the layout of PostgreSQL's `pg_hba.conf.sample` (columns 0, 8, 24, 40, 64; spaces).
struct HBAColumnLayout: Hashable {
    /// Display columns where TYPE, DATABASE, USER, ADDRESS and METHOD start.
    var starts: [Int]
    var useTabs: Bool

    static let sample = HBAColumnLayout(starts: [0, 8, 24, 40, 64], useTabs: false)

    static func learned(from file: HBAFile) -> HBAColumnLayout {
        var counts = [[Int: Int]](repeating: [:], count: 5)
        var tabGaps = 0
        var spaceGaps = 0
        for line in file.lines where line.physicalLineCount == 1 {
            guard case .rule(let rule) = line.content else { continue }
            let lineStart = line.range.lowerBound
            let starts = line.fields.compactMap { $0.first?.range.lowerBound }
            let slots = slotsOfFields(rule: rule, methodField: line.methodFieldIndex ?? 0)
            for (fieldIndex, slot) in slots.enumerated() where fieldIndex < starts.count {
                let column = ServerConfigText.displayColumn(of: starts[fieldIndex], lineStart: lineStart, in: file.bytes)
                counts[slot][column, default: 0] += 1
            }
            for (previous, next) in zip(line.fields, line.fields.dropFirst()) {
                guard let gapStart = previous.last?.range.upperBound, let gapEnd = next.first?.range.lowerBound,
                      gapStart < gapEnd
                else { continue }
                if file.bytes[gapStart..<gapEnd].contains(ServerConfigText.tab) { tabGaps += 1 } else { spaceGaps += 1 }
            }
        }
        let observed = counts.map { histogram in
            histogram.max { lhs, rhs in lhs.value < rhs.value || (lhs.value == rhs.value && lhs.key > rhs.key) }?.key
        }
        return HBAColumnLayout(starts: filledIn(observed), useTabs: tabGaps > spaceGaps)
    }

    /// Observed columns as they are; a column never seen (ADDRESS in a file of local
    /// records only) takes the sample's position when that fits between its neighbours,
    /// else the middle of the gap. Finally every column is kept right of the one before.
    private static func filledIn(_ observed: [Int?]) -> [Int] {
        var starts = observed
        for slot in starts.indices where starts[slot] == nil {
            let previous = starts[..<slot].compactMap { $0 }.last ?? -1
            let next = starts[(slot + 1)...].compactMap { $0 }.first
            let sampleColumn = sample.starts[slot]
            if sampleColumn > previous, next.map({ sampleColumn < $0 }) ?? true {
                starts[slot] = sampleColumn
            } else if let next, next - previous >= 2 {
                starts[slot] = previous + (next - previous) / 2
            } else {
                starts[slot] = previous + 1
            }
        }
        var result: [Int] = []
        for column in starts.compactMap({ $0 }) {
            result.append(max(column, (result.last ?? -1) + 1))
        }
        return result
    }

    /// Which layout column each field of a one-line record sits in: the type, database and
    /// user fields in theirs; the address in ADDRESS (a separate mask follows it there);
    /// the method in METHOD. Options are not aligned.
    private static func slotsOfFields(rule: HBARule, methodField: Int) -> [Int] {
        if rule.connectionType == .local { return [0, 1, 2, 4] }
        return methodField == 4 ? [0, 1, 2, 3, 4] : [0, 1, 2, 3]
    }

    /// `rule` as one line laid out in these columns.
    func render(_ rule: HBARule) -> [UInt8] {
        let columns = rule.layoutColumns
        var cells: [(slot: Int, text: String)] = [(0, columns.type), (1, columns.databases), (2, columns.users)]
        if let address = columns.address { cells.append((3, address)) }
        cells.append((4, columns.methodAndOptions))
        var output: [UInt8] = []
        var column = 0
        for (index, cell) in cells.enumerated() {
            let target = starts[cell.slot]
            if index > 0 || target > 0 {
                let pad = ServerConfigText.padding(from: column, to: target, useTabs: useTabs)
                output += pad
                column = ServerConfigText.advance(column, over: pad)
            }
            let text = Array(cell.text.utf8)
            output += text
            column = ServerConfigText.advance(column, over: text)
        }
        return output
    }
}
