import Foundation
import Testing

/// `--lang zh-CN` (and the locale) on the tables of the reports and `track`: headers, kinds,
/// states and details in Chinese, columns lined up; JSON and CSV byte for byte the same in every
/// language; an unknown language refused.
@Suite struct LanguageCLITests {
  @Test func chineseTablesAndUnchangedContracts() throws {
    let (_, db) = try PageBrowserTests.demo()
    let asOf = "2024-12-20T00:00:00Z"
    let reports: [[String]] = [
      ["report", "costs", "--from", "2024-01-01", "--to", "2024-12-31", "--as-of", asOf], ["report", "transit"],
      ["report", "exceptions", "--as-of", asOf], ["report", "network", "--as-of", asOf],
      ["report", "exports", "--year", "2024", "--compare", "2023"], ["report", "emissions"],
      ["report", "free-time", "--as-of", asOf, "--within", "3650"],
      ["report", "policy-impact", "--from", "2024-01-01", "--to", "2024-12-31", "--policies-as-of", "2025-01-01"],
    ]
    for report in reports {
      let english = try CLI.run(report + ["--db", db])
      let chinese = try CLI.run(report + ["--db", db, "--lang", "zh-CN"])
      #expect(english.status == 0 && chinese.status == 0, "\(report): \(chinese.stderr)")
      let header = chinese.stdout.split(separator: "\n").first.map(String.init) ?? ""
      #expect(header.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) }, "\(report): \(header)")
      #expect(!header.contains(where: { $0.isLowercase && $0.isASCII }), "\(report): English left in \(header)")
      // The same number of lines: only words change.
      #expect(english.stdout.split(separator: "\n").count == chinese.stdout.split(separator: "\n").count, "\(report)")
      for format in ["json", "csv"] {
        let en = try CLI.run(report + ["--db", db, "--format", format, "--lang", "en"]).stdout
        let zh = try CLI.run(report + ["--db", db, "--format", format, "--lang", "zh-CN"]).stdout
        #expect(en == zh && !en.isEmpty, "\(report) \(format) changed with the language")
      }
    }
    // Kinds and details in Chinese; the CSV keeps the English detail of the JSON.
    // A day after the demo's clock, the box whose feed went silent after it left Chongqing is stale.
    let later = "2024-12-21T00:00:00Z"
    let exceptions = try CLI.run(["report", "exceptions", "--as-of", later, "--db", db, "--lang", "zh-CN"]).stdout
    #expect(exceptions.contains("无消息") && exceptions.contains("小时无实际事件"), "\(exceptions.prefix(400))")
    #expect(
      try CLI.run(["report", "exceptions", "--as-of", later, "--db", db, "--format", "csv", "--lang", "zh-CN"]).stdout.contains("no actual event"))
    // Columns line up on a terminal: every line of the costs table puts its second column at the
    // same cell (a Chinese character takes two).
    let costs = try CLI.run(["report", "costs", "--db", db, "--lang", "zh-CN"]).stdout.split(separator: "\n").map(String.init)
    let starts = costs.map { line -> Int in
      var width = 0
      var seenGap = false
      for scalar in line.unicodeScalars {
        if scalar == " " { seenGap = true } else if seenGap { return width }
        width += (0x3000...0x9FFF).contains(scalar.value) || (0xFF00...0xFF60).contains(scalar.value) ? 2 : 1
      }
      return width
    }
    #expect(Set(starts).count == 1, "\(costs)")
  }

  @Test func trackInChineseAndTheLocaleAsDefault() throws {
    let (_, db) = try PageBrowserTests.demo()
    let box = "CQXU1000017"
    let chinese = try CLI.run(["track", box, "--db", db, "--lang", "zh-CN"])
    #expect(chinese.status == 0, "\(chinese.stderr)")
    for word in ["集装箱", "运单", "状态", "最近事件", "已交付"] { #expect(chinese.stdout.contains(word), "\(word): \(chinese.stdout)") }
    #expect(!chinese.stdout.contains("last event") && !chinese.stdout.contains("delivered"))
    // The locale chooses when --lang does not; LC_ALL before LANG; --lang before both.
    let byLocale = try CLI.run(["track", box, "--db", db], environment: ["LANG": "zh_CN.UTF-8"]).stdout
    #expect(byLocale == chinese.stdout)
    #expect(try CLI.run(["track", box, "--db", db], environment: ["LANG": "zh_CN.UTF-8", "LC_ALL": "C"]).stdout.contains("last event"))
    #expect(try CLI.run(["track", box, "--db", db, "--lang", "en"], environment: ["LANG": "zh_CN.UTF-8"]).stdout.contains("last event"))
    #expect(
      try CLI.run(["track", box, "--db", db, "--format", "json"], environment: ["LANG": "zh_CN.UTF-8"]).stdout
        == CLI.run(["track", box, "--db", db, "--format", "json"]).stdout)
    // A language we do not have is a usage error, said in one line; an unknown locale is English.
    let refused = try CLI.run(["report", "transit", "--db", db, "--lang", "fr"])
    #expect(refused.status == 64 && refused.stderr.contains("unknown language"), "\(refused.status) \(refused.stderr)")
    #expect(try CLI.run(["track", box, "--db", db], environment: ["LANG": "fr_FR.UTF-8"]).stdout.contains("last event"))
  }
}
