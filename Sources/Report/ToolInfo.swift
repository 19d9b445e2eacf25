/// The name and version of the tool, written into `manifest.json` and printed by `lvm-lessons --version`.
public enum ToolInfo {
    public static let name = "lvm-lessons"
    public static let version = "0.1.0"
    /// The seed used when `--seed` is not given (Tipping & Bishop's year).
    public static let defaultSeed: UInt64 = 1999
}
