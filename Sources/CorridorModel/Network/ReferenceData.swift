/// What a reference load changed, per section of the reference file, in the order the sections
/// load. The sections are the features' own (see `ReferenceSection` in the store and docs/network.md
/// "Reference data format"); a section the load did not touch counts zero.
public struct ReferenceLoadSummary: Sendable, Equatable {
  public struct Counts: Sendable, Equatable {
    public var inserted = 0
    public var updated = 0
    public var unchanged = 0

    package init(inserted: Int = 0, updated: Int = 0, unchanged: Int = 0) {
      self.inserted = inserted
      self.updated = updated
      self.unchanged = unchanged
    }

    public var isZero: Bool { inserted == 0 && updated == 0 && unchanged == 0 }
  }

  public struct Section: Sendable, Equatable {
    /// The section's key in the file (`locations`, `tariffs`, …).
    public let key: String
    public var counts: Counts
  }

  /// Every section loaded, in load order.
  public private(set) var sections: [Section] = []

  package init() {}

  /// A section's counts; zero for a section not loaded.
  public subscript(key: String) -> Counts {
    get { sections.first { $0.key == key }?.counts ?? Counts() }
    set {
      if let index = sections.firstIndex(where: { $0.key == key }) {
        sections[index].counts = newValue
      } else {
        sections.append(Section(key: key, counts: newValue))
      }
    }
  }

  public var changed: Bool { sections.contains { $0.counts.inserted + $0.counts.updated > 0 } }

  /// Two loads' counts added section by section (the shipped files, loaded one after another).
  public static func + (a: Self, b: Self) -> Self {
    var sum = a
    for section in b.sections {
      let x = sum[section.key]
      let y = section.counts
      sum[section.key] = Counts(inserted: x.inserted + y.inserted, updated: x.updated + y.updated, unchanged: x.unchanged + y.unchanged)
    }
    return sum
  }
}
