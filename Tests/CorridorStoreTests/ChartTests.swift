import CorridorInterchange
import CorridorPresentation
import Foundation
import Testing

@testable import CorridorModel
@testable import CorridorStore

/// The chart module on its own: scales, ticks, layout, and that the same data draws the same bytes.
@Suite struct ChartTests {
  @Test func niceStepsAreOneTwoOrFiveTimesAPowerOfTen() {
    #expect(LinearScale.niceStep(for: 0.7) == 1)
    #expect(LinearScale.niceStep(for: 1.3) == 2)
    #expect(LinearScale.niceStep(for: 3) == 5)
    #expect(LinearScale.niceStep(for: 5_106.78) == 10_000)
    #expect(LinearScale.niceStep(for: 4_000) == 5_000)
    #expect(LinearScale.niceStep(for: 0.012) == 0.02)
    #expect(LinearScale.niceStep(for: 0) == 1)
  }

  @Test func aScaleCoversItsDataFromZeroWithNiceTicks() {
    // 25,533.90 per TEU at most: 5 ticks of 10,000 would overshoot; steps of 10,000 up to 30,000.
    let scale = LinearScale(covering: [25_533.90, 10_230.68, 8_060.45, 5_006.55], range: PixelSpan(290, 20))
    #expect(scale.domain == 0...30_000)
    #expect(scale.ticks == [0, 10_000, 20_000, 30_000])
    #expect(scale(0) == 290 && scale(30_000) == 20 && scale(15_000) == 155)
    // Negative values take the scale below zero; no data at all still draws an axis.
    #expect(LinearScale(covering: [-3, 8], range: PixelSpan(0, 100)).domain == -5...10)
    #expect(LinearScale(covering: [], range: PixelSpan(0, 100)).ticks == [0, 1])
  }

  @Test func bandsShareTheWidthWithPadding() {
    let bands = BandScale(["CN-EU", "CN-LA", "CN-VN", "ILSTC"], range: PixelSpan(90, 700), padding: 0.25)
    #expect(bands.band == 152.5)
    #expect(bands.bandwidth == 114.375)
    #expect(bands.start(0) == 90 + 152.5 * 0.125)
    #expect(bands.center(3) == 90 + 3.5 * 152.5)
  }

  @Test func tickLabelsGroupDigitsAndKeepTheDecimalsTheStepNeeds() {
    #expect(ChartRenderer.tickLabel(30_000, step: 10_000) == "30,000")
    #expect(ChartRenderer.tickLabel(1_234_567, step: 1) == "1,234,567")
    #expect(ChartRenderer.tickLabel(0.25, step: 0.05) == "0.25")
    #expect(ChartRenderer.tickLabel(-2_000, step: 1_000) == "-2,000")
    #expect(ChartRenderer.tickLabel(0, step: 0.5) == "0.0")
    #expect(px(12.25) == "12.3" || px(12.25) == "12.2")
    #expect(px(40) == "40" && px(-3.5) == "-3.5")
  }

  @Test func aChartHasItsTitleAxesMarksAndTheSameFiguresAsATable() {
    let spec = ChartSpec(
      kind: .stackedBars, id: "c", title: "Cost <by> corridor", xLabel: "Corridor", yLabel: "CNY per TEU", categories: ["A", "B"],
      series: [
        ChartSeries(name: "net", values: [10, 20], labels: ["10.00", "20.00"]),
        ChartSeries(name: "saved", values: [5, nil], labels: ["5.00", "–"]),
      ])
    let svg = ChartRenderer.render(spec)
    #expect(svg.contains("<title id=\"c-title\">Cost &lt;by&gt; corridor</title>"))
    #expect(svg.components(separatedBy: "<rect class=\"bar\"").count - 1 == 3)
    #expect(svg.contains(">CNY per TEU</text>") && svg.contains(">Corridor</text>"))
    #expect(svg.contains("<title>saved, A: 5.00</title>"))
    #expect(svg.contains("class=\"legend\""))
    // Same data, same bytes.
    #expect(ChartRenderer.render(spec) == svg)
    let table = ChartRenderer.table(spec, unit: "CNY")
    #expect(table.contains("<th scope=\"row\">B</th><td>20.00</td><td>–</td>"))
  }

  @Test func aLineChartDrawsOnePolylinePerSeriesWithDashesAsWellAsColours() {
    let spec = ChartSpec(
      kind: .lines, id: "l", title: "Trend", xLabel: "Month", yLabel: "CNY", categories: ["2024-01", "2024-02", "2024-03"],
      series: [
        ChartSeries(name: "CN-EU", values: [1, 2, 3], labels: ["1", "2", "3"]),
        ChartSeries(name: "ILSTC", values: [3, nil, 1], labels: ["3", "–", "1"]),
      ])
    let svg = ChartRenderer.render(spec)
    #expect(svg.components(separatedBy: "<polyline").count - 1 == 2)
    #expect(svg.components(separatedBy: "<circle class=\"point\"").count - 1 == 5)
    #expect(svg.contains("stroke-dasharray=\"6 3\""))
  }

  @Test func valuesThatAreNotNumbersAreLeftOutOfTheScale() {
    let scale = LinearScale(covering: [.nan, 12, .infinity, -.infinity], range: PixelSpan(300, 20))
    #expect(scale.domain == 0...15 && scale.ticks == [0, 5, 10, 15])
    #expect(LinearScale(covering: [.nan], range: PixelSpan(300, 20)).domain == 0...1)
  }

  @Test func whiskersSpanTheIntervalAndTheScaleCoversTheirTops() throws {
    // Medians 10 and 20 with middle halves 8–30 and 15–25: the axis must reach 30, not 20.
    let spec = ChartSpec(
      kind: .bars, id: "d", title: "Dwell", xLabel: "Place", yLabel: "Hours", categories: ["KZDOS", "PLMAA"],
      series: [ChartSeries(name: "Median", values: [10, 20], labels: ["10", "20"], intervals: [8...30, 15...25])])
    let svg = ChartRenderer.render(spec)
    #expect(svg.components(separatedBy: "<path class=\"whisker\"").count - 1 == 2)
    let layout = ChartLayout()
    let y = LinearScale(covering: [10, 20, 30, 25], range: layout.plotY)
    #expect(y.domain.upperBound == 30)
    // The first whisker runs from y(8) to y(30), with caps at both ends.
    #expect(svg.contains("V\(px(y(30)))"), "\(svg)")
    #expect(svg.contains(" \(px(y(8)))H"))
    // A line chart with whiskers sets its series apart and draws one whisker per point.
    let lines = ChartSpec(
      kind: .lines, id: "t", title: "Transit", xLabel: "Month", yLabel: "Days", categories: ["2024-01", "2024-02"],
      series: [
        ChartSeries(name: "A", values: [10, 11], labels: ["10", "11"], intervals: [9...12, nil]),
        ChartSeries(name: "B", values: [10, nil], labels: ["10", "–"], intervals: [8...11, nil]),
      ])
    let drawn = ChartRenderer.render(lines)
    #expect(drawn.components(separatedBy: "<path class=\"whisker\"").count - 1 == 2)
    func firstPoint(_ series: String) -> Double? {
      guard let start = drawn.range(of: "<circle class=\"point\" data-series=\"\(series)\" cx=\"") else { return nil }
      return Double(drawn[start.upperBound...].prefix { $0 != "\"" })
    }
    let (a, b) = (try #require(firstPoint("A")), try #require(firstPoint("B")))
    #expect(abs(a - b) >= 3 && abs(a - b) <= 12, "points of two series at one month are set apart: \(a) \(b)")
  }
}

/// Pages of a database with nothing in it yet: drawn, not trapped.
@Suite struct EmptyPageTests {
  @Test func everyPageRendersForAnEmptyDatabase() throws {
    let db = try shippedLedger(operator: "test")
    let now = try EventTime(parsing: "2024-06-01T00:00:00Z")
    let pages = [
      try db.reportStore.costPage(), try db.reportStore.exportsPage(year: 2024, compare: 2023),
      try db.reportStore.exceptionsPage(staleHours: 72, now: now),
      try db.reportStore.networkPage(asOf: now), try db.reportStore.transitPage(),
    ]
    for page in pages {
      #expect(page.hasPrefix("<!DOCTYPE html>") && page.contains("</main>"))
      // No coordinate of a chart with nothing to show is NaN or infinite.
      for bad in ["\"nan", "\"-nan", "\"inf", "\"-inf", " nan", " inf"] { #expect(!page.contains(bad), "\(bad)") }
    }
    // The network is drawn from the shipped places even with no shipment: every route's legs.
    let legs = try db.networkStore.routes().reduce(0) { $0 + $1.legs.count }
    // On the main map once each (the insets draw some again, larger).
    let main = try #require(pages[3].components(separatedBy: "id=\"network-map\"").dropFirst().first?.components(separatedBy: "</svg>").first)
    #expect(main.components(separatedBy: "<line class=\"edge mode-").count - 1 == legs)
  }
}
