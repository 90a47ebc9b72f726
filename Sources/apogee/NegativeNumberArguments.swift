/// `--cash -5`: ArgumentParser reads `-5` as a short flag and says "Missing value for
/// '--cash'", which sends the user looking for the wrong mistake. A negative number
/// right after a `--option` is joined to it (`--cash=-5`) before parsing, so the
/// option's own range check answers with what is wrong ("--cash must be above 0").
enum NegativeNumberArguments {
    static func attached(_ arguments: [String]) -> [String] {
        var result: [String] = []
        result.reserveCapacity(arguments.count)
        var afterTerminator = false
        for argument in arguments {
            if !afterTerminator, looksNegative(argument), let previous = result.last,
               previous.hasPrefix("--"), previous.count > 2, !previous.contains("=") {
                result[result.count - 1] = previous + "=" + argument
                continue
            }
            if argument == "--" { afterTerminator = true }
            result.append(argument)
        }
        return result
    }

    /// `-5`, `-0.25`, `-.5`, `-1e3`, `-inf`, `-nan`: a number, not a short flag.
    static func looksNegative(_ argument: String) -> Bool {
        guard argument.hasPrefix("-"), !argument.hasPrefix("--") else { return false }
        let rest = argument.dropFirst().lowercased()
        if ["inf", "infinity", "nan"].contains(rest) { return true }
        let first = rest.first
        return first.map { $0.isNumber || ($0 == "." && rest.dropFirst().first?.isNumber == true) } ?? false
    }
}
