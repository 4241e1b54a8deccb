import CorridorInterchange
import CorridorModel
import Foundation

/// Escapes text for HTML and SVG (element content and attribute values).
public func htmlEscape(_ text: String) -> String {
  var out = ""
  out.reserveCapacity(text.utf8.count)
  for character in text {
    switch character {
    case "&": out += "&amp;"
    case "<": out += "&lt;"
    case ">": out += "&gt;"
    case "\"": out += "&quot;"
    case "'": out += "&#39;"
    default: out.append(character)
    }
  }
  return out
}

/// A pixel coordinate with one decimal ("12.5", "40"), the same on every machine. Integer
/// arithmetic, not `String(format:)`: the network map writes tens of thousands of them, and
/// formatting through Foundation took most of its drawing time.
package func px(_ value: Double) -> String {
  let tenths = (value * 10).rounded(.toNearestOrEven)
  guard tenths.isFinite, abs(tenths) < 1e15 else { return String(format: "%.1f", value) }
  let magnitude = Int64(tenths).magnitude
  let text = magnitude % 10 == 0 ? String(magnitude / 10) : "\(magnitude / 10).\(magnitude % 10)"
  return tenths < 0 && magnitude != 0 ? "-" + text : text
}

/// Colours that stay apart for readers with the common colour-vision deficiencies (Okabe and Ito,
/// "Color Universal Design", 2008), in the order charts take them.
public enum Palette {
  public static let colors = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
  public static func color(_ index: Int) -> String { colors[index % colors.count] }
}

/// One series of values over a chart's categories; nil where a category has no value.
public struct ChartSeries: Sendable, Equatable {
  public var name: String
  public var values: [Double?]
  /// The value as a reader sees it (exact decimals with digits grouped), per category.
  public var labels: [String]
  /// A spread around each value (the middle half of a distribution whose value is the median),
  /// drawn as a whisker; empty or nil where there is none.
  public var intervals: [ClosedRange<Double>?]

  public init(name: String, values: [Double?], labels: [String], intervals: [ClosedRange<Double>?] = []) {
    self.name = name
    self.values = values
    self.labels = labels
    self.intervals = intervals
  }
}

/// What every chart has: a title, axis labels with units, categories and series. Rendered as an
/// inline SVG (with a `<title>` on every mark, so hovering or focusing a bar says what it is) and
/// a `<table>` with the same figures, for screen readers and copy-paste.
public struct ChartSpec: Sendable {
  public enum Kind: Sendable { case bars, stackedBars, lines }
  public var kind: Kind
  public var id: String
  public var title: String
  public var xLabel: String
  public var yLabel: String
  public var categories: [String]
  public var series: [ChartSeries]

  public init(kind: Kind, id: String, title: String, xLabel: String, yLabel: String, categories: [String], series: [ChartSeries]) {
    self.kind = kind
    self.id = id
    self.title = title
    self.xLabel = xLabel
    self.yLabel = yLabel
    self.categories = categories
    self.series = series
  }
}

/// Where a chart's parts go, in SVG user units (the SVG scales to its container's width).
public struct ChartLayout: Sendable, Equatable {
  public var width = 720.0
  public var height = 360.0
  public var left = 90.0
  public var right = 20.0
  public var top = 20.0
  public var bottom = 70.0

  public init() {}

  public var plotX: PixelSpan { PixelSpan(left, width - right) }
  /// SVG's y grows downwards: the span runs from the bottom of the plot to its top.
  public var plotY: PixelSpan { PixelSpan(height - bottom, top) }
}

/// Draws charts. The one place that writes SVG: pages only describe what to draw.
public enum ChartRenderer {
  /// Roughly how wide a label of 12-pixel text is (system fonts average about 7 pixels a
  /// character); enough to keep labels inside the drawing and apart.
  package static func textWidth(_ text: String) -> Double { Double(text.count) * 7 }

  public static func render(_ spec: ChartSpec, layout given: ChartLayout = ChartLayout()) -> String {
    var svg: [String] = []
    var layout = given
    let totals: [Double] =
      switch spec.kind {
      case .stackedBars:
        spec.categories.indices.map { i in spec.series.reduce(0) { $0 + max(0, ($1.values[safe: i] ?? nil) ?? 0) } }
      case .bars, .lines:
        spec.series.flatMap { $0.values.compactMap { $0 } + $0.intervals.compactMap { $0?.upperBound } }
      }
    // Room for the widest tick label on the left; category labels turned when they would touch.
    let ticks = LinearScale(covering: totals, range: layout.plotY)
    layout.left = max(layout.left, 40 + (ticks.ticks.map { textWidth(tickLabel($0, step: ticks.step)) }.max() ?? 0))
    let x = BandScale(spec.categories, range: layout.plotX, padding: spec.kind == .lines ? 0 : 0.25)
    let widest = spec.categories.map(textWidth).max() ?? 0
    let turned = widest > x.band - 4
    if turned {
      layout.bottom += widest * 0.6
      layout.height += widest * 0.6
    }
    let y = LinearScale(covering: totals, range: layout.plotY)
    let titleID = "\(spec.id)-title"
    svg.append(
      "<svg class=\"chart\" id=\"\(spec.id)\" viewBox=\"0 0 \(px(layout.width)) \(px(layout.height))\" role=\"img\" aria-labelledby=\"\(titleID)\">")
    svg.append("<title id=\"\(titleID)\">\(htmlEscape(spec.title))</title>")
    // Grid and y axis with its ticks.
    for tick in y.ticks {
      let ty = px(y(tick))
      svg.append(
        "<line class=\"grid\" x1=\"\(px(layout.left))\" y1=\"\(ty)\" x2=\"\(px(layout.width - layout.right))\" y2=\"\(ty)\"/>"
          + "<text class=\"tick\" x=\"\(px(layout.left - 6))\" y=\"\(ty)\" text-anchor=\"end\" dominant-baseline=\"middle\">\(htmlEscape(tickLabel(tick, step: y.step)))</text>"
      )
    }
    svg.append(
      "<text class=\"axis-label\" transform=\"translate(16 \(px((layout.top + layout.height - layout.bottom) / 2))) rotate(-90)\" text-anchor=\"middle\">\(htmlEscape(spec.yLabel))</text>"
    )
    // x axis: category labels, and its title.
    let baseline = px(y(0))
    svg.append("<line class=\"axis\" x1=\"\(px(layout.left))\" y1=\"\(baseline)\" x2=\"\(px(layout.width - layout.right))\" y2=\"\(baseline)\"/>")
    for (index, category) in spec.categories.enumerated() {
      let lx = px(x.center(index))
      let ly = px(layout.height - layout.bottom + 16)
      svg.append(
        turned
          ? "<text class=\"tick\" x=\"\(lx)\" y=\"\(ly)\" text-anchor=\"end\" transform=\"rotate(-35 \(lx) \(ly))\">\(htmlEscape(category))</text>"
          : "<text class=\"tick\" x=\"\(lx)\" y=\"\(ly)\" text-anchor=\"middle\">\(htmlEscape(category))</text>")
    }
    svg.append(
      "<text class=\"axis-label\" x=\"\(px((layout.left + layout.width - layout.right) / 2))\" y=\"\(px(layout.height - 30))\" text-anchor=\"middle\">\(htmlEscape(spec.xLabel))</text>"
    )
    switch spec.kind {
    case .bars: svg += groupedBars(spec, x: x, y: y)
    case .stackedBars: svg += stackedBars(spec, x: x, y: y)
    case .lines: svg += lines(spec, x: x, y: y)
    }
    if spec.series.count > 1 { svg += legend(spec.series.map(\.name), layout: layout) }
    svg.append("</svg>")
    return svg.joined(separator: "\n")
  }

  package static func groupedBars(_ spec: ChartSpec, x: BandScale, y: LinearScale) -> [String] {
    var out: [String] = []
    let width = x.bandwidth / Double(max(1, spec.series.count))
    for (s, series) in spec.series.enumerated() {
      for (i, category) in spec.categories.enumerated() {
        guard let value = series.values[safe: i] ?? nil else { continue }
        let top = y(max(value, 0))
        let bottom = y(min(value, 0))
        out.append(
          "<rect class=\"bar\" data-series=\"\(htmlEscape(series.name))\" data-category=\"\(htmlEscape(category))\" x=\"\(px(x.start(i) + Double(s) * width))\" y=\"\(px(top))\" width=\"\(px(width))\" height=\"\(px(bottom - top))\" fill=\"\(Palette.color(s))\" tabindex=\"0\"><title>\(htmlEscape(markTitle(series, category, i, spec)))</title></rect>"
        )
        if let interval = series.intervals[safe: i] ?? nil {
          out.append(whisker(interval, at: x.start(i) + (Double(s) + 0.5) * width, halfWidth: min(6, width / 4), color: "#111", y: y))
        }
      }
    }
    return out
  }

  /// A vertical line from an interval's lower to its upper value, with caps: the spread around a
  /// bar or a point.
  package static func whisker(_ interval: ClosedRange<Double>, at cx: Double, halfWidth: Double, color: String, y: LinearScale) -> String {
    let (low, high) = (px(y(interval.lowerBound)), px(y(interval.upperBound)))
    let (left, right, middle) = (px(cx - halfWidth), px(cx + halfWidth), px(cx))
    return "<path class=\"whisker\" d=\"M\(left) \(low)H\(right)M\(middle) \(low)V\(high)M\(left) \(high)H\(right)\" stroke=\"\(color)\"/>"
  }

  package static func stackedBars(_ spec: ChartSpec, x: BandScale, y: LinearScale) -> [String] {
    var out: [String] = []
    for (i, category) in spec.categories.enumerated() {
      var base = 0.0
      for (s, series) in spec.series.enumerated() {
        guard let value = series.values[safe: i] ?? nil, value > 0 else { continue }
        let top = y(base + value)
        out.append(
          "<rect class=\"bar\" data-series=\"\(htmlEscape(series.name))\" data-category=\"\(htmlEscape(category))\" x=\"\(px(x.start(i)))\" y=\"\(px(top))\" width=\"\(px(x.bandwidth))\" height=\"\(px(y(base) - top))\" fill=\"\(Palette.color(s))\" tabindex=\"0\"><title>\(htmlEscape(markTitle(series, category, i, spec)))</title></rect>"
        )
        base += value
      }
    }
    return out
  }

  package static func lines(_ spec: ChartSpec, x: BandScale, y: LinearScale) -> [String] {
    var out: [String] = []
    let dashes = ["", "6 3", "2 3", "8 3 2 3"]
    // With whiskers, each series is set a little aside so that the whiskers of one month do not
    // cover each other.
    let spread = spec.series.contains { !$0.intervals.isEmpty }
    for (s, series) in spec.series.enumerated() {
      let points = spec.categories.indices.compactMap { i in (series.values[safe: i] ?? nil).map { (i, $0) } }
      guard !points.isEmpty else { continue }
      let aside = spread ? (Double(s) - Double(spec.series.count - 1) / 2) * min(6, x.band / Double(spec.series.count + 1)) : 0
      let cx = { (i: Int) in x.center(i) + aside }
      let path = points.map { "\(px(cx($0.0))),\(px(y($0.1)))" }.joined(separator: " ")
      // Dashes as well as colours: lines stay apart in grey print and for colour-blind readers.
      let dash = dashes[s % dashes.count].isEmpty ? "" : " stroke-dasharray=\"\(dashes[s % dashes.count])\""
      out.append(
        "<polyline class=\"line\" data-series=\"\(htmlEscape(series.name))\" points=\"\(path)\" fill=\"none\" stroke=\"\(Palette.color(s))\" stroke-width=\"2.5\"\(dash)/>"
      )
      for (i, value) in points {
        if let interval = series.intervals[safe: i] ?? nil { out.append(whisker(interval, at: cx(i), halfWidth: 3, color: Palette.color(s), y: y)) }
        out.append(
          "<circle class=\"point\" data-series=\"\(htmlEscape(series.name))\" cx=\"\(px(cx(i)))\" cy=\"\(px(y(value)))\" r=\"3.5\" fill=\"\(Palette.color(s))\" tabindex=\"0\"><title>\(htmlEscape(markTitle(series, spec.categories[i], i, spec)))</title></circle>"
        )
      }
    }
    return out
  }

  package static func legend(_ names: [String], layout: ChartLayout) -> [String] {
    var out: [String] = ["<g class=\"legend\">"]
    let step = (layout.width - layout.left - layout.right) / Double(max(1, names.count))
    for (index, name) in names.enumerated() {
      let lx = layout.left + Double(index) * step
      let ly = layout.height - 12
      out.append(
        "<rect x=\"\(px(lx))\" y=\"\(px(ly - 9))\" width=\"12\" height=\"12\" fill=\"\(Palette.color(index))\"/><text class=\"legend-label\" x=\"\(px(lx + 16))\" y=\"\(px(ly + 1))\">\(htmlEscape(name))</text>"
      )
    }
    out.append("</g>")
    return out
  }

  package static func markTitle(_ series: ChartSeries, _ category: String, _ index: Int, _ spec: ChartSpec) -> String {
    let label = series.labels[safe: index] ?? ""
    return spec.series.count > 1 ? "\(series.name), \(category): \(label)" : "\(category): \(label)"
  }

  /// A tick's label: digits grouped, as many decimals as the step needs.
  package static func tickLabel(_ value: Double, step: Double) -> String {
    let decimals = step >= 1 ? 0 : min(6, Int((-log10(step)).rounded(.up)))
    let scaled = (value * pow(10, Double(decimals))).rounded()
    let digits = String(Int64(abs(scaled)))
    let padded = String(repeating: "0", count: max(0, decimals + 1 - digits.count)) + digits
    let whole = String(padded.dropLast(decimals))
    var grouped = ""
    for (offset, character) in whole.enumerated() {
      if offset > 0 && (whole.count - offset) % 3 == 0 { grouped.append(",") }
      grouped.append(character)
    }
    let sign = scaled < 0 ? "-" : ""
    return decimals == 0 ? sign + grouped : sign + grouped + "." + padded.suffix(decimals)
  }

  /// The chart's figures as a table: one row per category, one column per series.
  public static func table(_ spec: ChartSpec, unit: String) -> String {
    var rows = ["<table class=\"figures\" data-chart=\"\(spec.id)\">", "<caption>\(htmlEscape(spec.title))</caption>"]
    rows.append(
      "<thead><tr><th scope=\"col\">\(htmlEscape(spec.xLabel))</th>"
        + spec.series.map { "<th scope=\"col\">\(htmlEscape($0.name)) (\(htmlEscape(unit)))</th>" }.joined() + "</tr></thead><tbody>")
    for (index, category) in spec.categories.enumerated() {
      rows.append(
        "<tr><th scope=\"row\">\(htmlEscape(category))</th>"
          + spec.series.map { "<td>\(htmlEscape($0.labels[safe: index] ?? ""))</td>" }.joined() + "</tr>")
    }
    rows.append("</tbody></table>")
    return rows.joined(separator: "\n")
  }
}

extension Array {
  package subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
