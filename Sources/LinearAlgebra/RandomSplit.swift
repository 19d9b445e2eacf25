/// Seeded shuffles of rows, and the 2/3 : 1/3 training/held-out split the lessons use.
public enum RandomSplit {
    /// A seeded shuffle of 0..<n (Fisher–Yates, from the last index down, j = ⌊u·(i + 1)⌋).
    public static func permutation(_ n: Int, using random: inout some RandomNumberGenerator) -> [Int] {
        var order = Array(0..<n)
        for i in stride(from: n - 1, to: 0, by: -1) {
            let j = min(Int(random.nextUniform() * Double(i + 1)), i)
            order.swapAt(i, j)
        }
        return order
    }

    /// The first ⌊2n/3⌋ rows of `order` train, the rest are held out; each set in ascending row order.
    public static func twoThirds(_ order: [Int]) -> (training: [Int], heldOut: [Int]) {
        let n = order.count
        let training = Set(order[..<((2 * n) / 3)])
        return ((0..<n).filter { training.contains($0) }, (0..<n).filter { !training.contains($0) })
    }
}
