import ArgumentParser
import CorridorInterchange
import CorridorModel
import CorridorPresentation
import CorridorStore

extension Corridor {
  struct ContainerGroup: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "container",
      abstract: "Check, register and look up ISO 6346 containers.",
      subcommands: [Check.self, Add.self, Show.self, List.self]
    )
  }
}

extension Corridor.ContainerGroup {
  struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Validate ISO 6346 container numbers (exit 65 if any is invalid). Needs no database.")
    @Argument(help: "Container numbers; spaces, hyphens and lower case are accepted (\"csqu 305438-3\").")
    var numbers: [String]
    @OptionGroup var output: FormatOptions
    /// Accepted and unused: scripts pass `--db` to every command.
    @OptionGroup var database: DatabaseOptions

    func run() throws {
      let checks = numbers.map(ContainerCheck.init)
      try Render.emit(
        output.format, json: checks, headers: ["number", "valid", "checkDigit", "expected", "reason"],
        rows: checks.map {
          [
            $0.number, $0.valid ? "yes" : "no", $0.checkDigit.map(String.init) ?? "", $0.expectedCheckDigit.map(String.init) ?? "",
            $0.reason ?? "",
          ]
        })
      if let bad = checks.first(where: { !$0.valid }) {
        let count = checks.filter { !$0.valid }.count
        throw CorridorError.invalid(
          "\(count) invalid container number(s); first: \(bad.number): \(bad.reason ?? "")", rule: .iso6346,
          hint: "compare with the number painted on the door: owner code, U/J/Z, 6-digit serial, check digit")
      }
    }
  }

  struct Add: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Register a container with its ISO 6346 size-type code.")
    @Argument(help: "Container number, e.g. CSQU3054383.") var number: String
    @Option(name: .customLong("type"), help: "ISO 6346 size-type code, e.g. 22G1, 42G1, 45G1, 45R1, 22T1, L5G1, 42GP.")
    var sizeType: String
    @Option(name: .customLong("tare-kg"), parsing: .unconditional, help: "Tare weight in kg.") var tareKg: Int?
    @Option(name: .customLong("max-gross-kg"), parsing: .unconditional, help: "Maximum gross weight in kg.") var maxGrossKg: Int?
    @Option(
      help: ArgumentHelp(
        "Who owns the box: carrier, or shipper (SOC: never pays detention). Given again for a registered box, it records a new owner."))
    var owner: ContainerOwnership?
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var op: OperatorOptions

    func run() throws {
      let number = try Parse.container(number)
      let type = try Parse.sizeType(sizeType)
      let db = try database.open()
      let existed = try db.containerStore.container(number) != nil
      let changed = try db.containerStore.addContainer(
        number, sizeType: type, tareKg: tareKg, maxGrossKg: maxGrossKg, owner: owner, operator: op.resolved)
      let owned = owner.map { ", owned by the \($0.rawValue)" } ?? ""
      switch (changed, existed) {
      case (true, false):
        Console.line(
          "registered \(number) \(type.code) (\(type.lengthFeet) ft, \(type.height.rawValue), \(type.typeGroup.rawValue), \(type.teu) TEU)\(owned)")
      case (true, true): Console.line("\(number) is now recorded as owned by the \(owner?.rawValue ?? "")")
      case (false, _): Console.line("\(number) is already registered with these details; nothing changed")
      }
    }
  }

  struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show one container.")
    @Argument(help: "Container number.") var number: String
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOptions

    func run() throws {
      let number = try Parse.container(number)
      let view = ContainerView(try database.open().containerStore.requireContainer(number))
      try Render.emit(output.format, json: view, headers: ContainerView.headers, rows: [view.row])
    }
  }

  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List registered containers.")
    @Option(parsing: .unconditional, help: "At most this many containers (a page).") var limit: Int?
    @Option(help: "Only containers numbered after this one (the last of the previous page).") var after: String?
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOptions

    func validate() throws {
      if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func run() throws {
      let after = try after.map { try ContainerNumber(parsing: $0) }
      let views = try database.open().containerStore.containers(after: after, limit: limit).map(ContainerView.init)
      try Render.emit(output.format, json: views, headers: ContainerView.headers, rows: views.map(\.row))
    }
  }
}

extension ContainerOwnership: ExpressibleByArgument {}
