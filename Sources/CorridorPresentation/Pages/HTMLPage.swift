import CorridorInterchange
import CorridorModel

/// A self-contained HTML page: inline CSS and SVG, no script, no font, no request to anywhere
/// (a Content-Security-Policy of `default-src 'none'` says so to the browser too), so it opens
/// offline behind any firewall. Deterministic: the same data gives the same bytes.
public struct HTMLPage: Sendable {
  public var title: String
  /// What the page was made from (database, filters, as-of), under the title.
  public var subtitle: String
  /// Sections of HTML, each a chart with its table, or a table.
  public var sections: [String] = []
  /// The language the page is written in (its `lang`, and its footer).
  public var language: PageLanguage

  /// The page's Content-Security-Policy: in its `<meta>` and, when served, in the response.
  public static let contentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'"

  public init(title: String, subtitle: String, language: PageLanguage = .english) {
    self.title = title
    self.subtitle = subtitle
    self.language = language
  }

  /// A chart and, below it, the same figures as a table.
  public mutating func add(_ chart: ChartSpec, unit: String, note: String? = nil) {
    var html = ["<section class=\"chart-section\">", "<h2>\(htmlEscape(chart.title))</h2>"]
    if let note { html.append("<p class=\"note\">\(htmlEscape(note))</p>") }
    html.append("<div class=\"chart-wrap\">\(ChartRenderer.render(chart))</div>")
    html.append("<div class=\"table-wrap\">\(ChartRenderer.table(chart, unit: unit))</div>")
    html.append("</section>")
    sections.append(html.joined(separator: "\n"))
  }

  /// A section with a heading and a table (or a sentence when there are no rows).
  public mutating func addTable(_ heading: String, id: String, headers: [String], rows: [[String]], empty: String) {
    var html = ["<section>", "<h2>\(htmlEscape(heading))</h2>"]
    if rows.isEmpty {
      html.append("<p class=\"note\">\(htmlEscape(empty))</p>")
    } else {
      html.append("<div class=\"table-wrap\"><table class=\"figures\" id=\"\(id)\"><thead><tr>")
      html.append(headers.map { "<th scope=\"col\">\(htmlEscape($0))</th>" }.joined())
      html.append("</tr></thead><tbody>")
      for row in rows { html.append("<tr>" + row.map { "<td>\(htmlEscape($0))</td>" }.joined() + "</tr>") }
      html.append("</tbody></table></div>")
    }
    html.append("</section>")
    sections.append(html.joined(separator: "\n"))
  }

  public mutating func addHTML(_ html: String) { sections.append(html) }

  public func render() -> String {
    """
    <!DOCTYPE html>
    <html lang="\(language.htmlTag)">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta http-equiv="Content-Security-Policy" content="\(Self.contentSecurityPolicy)">
    <title>\(htmlEscape(title))</title>
    <style>\(Self.style)</style>
    </head>
    <body>
    <main>
    <h1>\(htmlEscape(title))</h1>
    <p class="subtitle">\(htmlEscape(subtitle))</p>
    \(sections.joined(separator: "\n"))
    <p class="footer">\(htmlEscape(Words(language)(.footer)))</p>
    </main>
    </body>
    </html>

    """
  }

  /// System fonts only; charts and tables shrink to the screen, wide tables scroll inside their
  /// box. Printed, a page is A4 landscape: the tables unfold (no scrolling on paper), their cells
  /// wrap, and a row or chart is not split across two sheets.
  static let style = """
    body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;color:#1a1a1a;background:#fff}
    main{max-width:960px;margin:0 auto;padding:16px;box-sizing:border-box}
    h1{font-size:1.5rem;margin:.5rem 0}h2{font-size:1.15rem;margin:1.5rem 0 .5rem}
    .subtitle,.note,.footer{color:#555;font-size:.9rem}
    .chart-wrap svg{width:100%;height:auto;display:block}
    .table-wrap{overflow-x:auto;max-width:100%}
    table{border-collapse:collapse;font-size:.85rem;margin:.5rem 0}
    caption{text-align:left;font-weight:600;padding:.25rem 0}
    th,td{border-bottom:1px solid #ddd;padding:.25rem .6rem;text-align:right;white-space:nowrap}
    th:first-child,td:first-child{text-align:left}
    .grid{stroke:#e3e3e3;stroke-width:1}.axis{stroke:#333;stroke-width:1}
    .tick,.legend-label{font-size:12px;fill:#333}.axis-label{font-size:13px;fill:#111}
    .bar:focus,.point:focus{outline:2px solid #000}
    .whisker{fill:none;stroke-width:1.5}
    .edge{fill:none;stroke-width:3;stroke-linecap:round}
    .node-label{font-size:11px;fill:#222}
    .sea{fill:#eef4f8}.land{fill:#fbfaf5;stroke:#9fb3c2;stroke-width:.6}.border{fill:none;stroke:#b39c9c;stroke-width:.7;stroke-dasharray:3 2}
    .label{fill:#1a1a1a;paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}
    .country-label{fill:#8b8178;font-style:italic;letter-spacing:.04em}.box-count{font-weight:600}
    .leader{stroke:#555;stroke-width:.8}.inset-outline{fill:none;stroke:#444;stroke-dasharray:4 3}
    .insets{display:flex;flex-wrap:wrap;gap:12px;margin-top:12px}.inset{flex:1 1 300px;max-width:460px;margin:0}
    .inset svg{width:100%;height:auto;display:block;border:1px solid #ccc}figcaption{font-size:.85rem;color:#555}
    @media print{@page{size:A4 landscape;margin:12mm}main{max-width:none;padding:0}.table-wrap{overflow:visible}
    table{font-size:.7rem}th,td{white-space:normal}tr,.chart-wrap{break-inside:avoid}}
    """
}
