/// Money and quantities for people: integer digits in groups of three (tables and pages; JSON and
/// CSV keep the plain decimal text).
public enum DigitGrouping {
  /// A decimal amount with its integer digits in groups of three; anything else unchanged.
  public static func grouped(_ amount: String) -> String {
    let sign = amount.hasPrefix("-") ? "-" : ""
    let body = amount.dropFirst(sign.count)
    let integer = body.prefix { $0 != "." }
    let fraction = body.dropFirst(integer.count)
    guard !integer.isEmpty, integer.allSatisfy(\.isASCII), integer.allSatisfy(\.isNumber),
      fraction.isEmpty || (fraction.dropFirst().allSatisfy(\.isNumber) && fraction.count > 1)
    else { return amount }
    var groups: [Substring] = []
    var end = integer.endIndex
    while end > integer.startIndex {
      let start = integer.index(end, offsetBy: -3, limitedBy: integer.startIndex) ?? integer.startIndex
      groups.insert(integer[start..<end], at: 0)
      end = start
    }
    return sign + groups.joined(separator: ",") + fraction
  }
}
