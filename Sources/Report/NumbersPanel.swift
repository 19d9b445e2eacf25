/// The panel under a step that lists every value the step shows: quantity, value and convention.
///
/// - It is a `<details>`, open in the HTML (readers without JavaScript, print) and folded by the script on phones
///   (`SiteScript`: ≤ 600 px), so a phone reader sees the step first and opens the numbers when wanted.
/// - Conventions shared by two or more rows are stated once, in a "Conventions" line above the table, each with a
///   letter that the rows it applies to carry; a row keeps only the conventions that are its own. A convention is
///   split into its clauses at `; ` (outside brackets), so "ML fit with the 1/N covariance; natural log, per image"
///   shares its second clause with a row that says only "natural log, per image". Clauses that apply to the same rows
///   form one entry. Nothing is dropped: every clause of every row is in its row or in an entry that row names.
/// - The `results.json` key of each value is hidden behind a checkbox ("show each value’s key"), which works without a server
///   and without JavaScript (`:checked ~` in the style sheet) and from the keyboard; print never shows the keys.
/// - Values are `<span class="value">` (numbers, never wrapped) or `<span class="value text">`; the table scrolls
///   sideways inside the panel when a phone is too narrow for it.
struct NumbersPanel {
    struct Row {
        var label: String
        /// The value's HTML, a `<span class="value">` (see `ValueText.spanHTML`).
        var valueHTML: String
        var convention: String?
        var path: String
    }

    /// A convention stated once for the rows it applies to (indices into the rows), with the letter they carry.
    struct SharedConvention: Equatable {
        var marker: String
        var text: String
        var rows: [Int]
    }

    /// What each row shows in its convention column: the letters of the shared entries it follows, then its own
    /// clauses.
    struct RowConventions: Equatable {
        var markers: [String]
        var own: String
    }

    var rows: [Row]
    /// The step's number (1-based), for ids that are unique on the page.
    var step: Int

    /// The clauses of a convention: split at `; ` outside (), [] and {}; trimmed; empty ones dropped.
    static func clauses(_ convention: String) -> [String] {
        var parts: [String] = [], current = "", depth = 0
        let characters = Array(convention)
        var i = 0
        while i < characters.count {
            let ch = characters[i]
            if "([{".contains(ch) { depth += 1 }
            if ")]}".contains(ch) { depth = max(0, depth - 1) }
            if ch == ";", depth == 0, i + 1 < characters.count, characters[i + 1] == " " {
                parts.append(current)
                current = ""
                i += 2
                continue
            }
            current.append(ch)
            i += 1
        }
        parts.append(current)
        return parts.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// The shared entries (clauses found in two or more rows, grouped by the rows they apply to, in order of first
    /// appearance, lettered a, b, …) and what each row keeps.
    static func conventions(_ conventions: [String?]) -> (shared: [SharedConvention], rows: [RowConventions]) {
        let perRow: [[String]] = conventions.map { c in
            var seen = Set<String>()
            return clauses(c ?? "").filter { seen.insert($0).inserted }
        }
        var rowsOf: [String: [Int]] = [:], order: [String] = []
        for (k, clauses) in perRow.enumerated() {
            for clause in clauses {
                if rowsOf[clause] == nil { order.append(clause) }
                rowsOf[clause, default: []].append(k)
            }
        }
        var groups: [(rows: [Int], clauses: [String])] = []
        for clause in order {
            guard let rows = rowsOf[clause], rows.count >= 2 else { continue }
            if let g = groups.firstIndex(where: { $0.rows == rows }) { groups[g].clauses.append(clause) } else { groups.append((rows, [clause])) }
        }
        let shared = groups.enumerated().map { k, g in
            SharedConvention(marker: marker(k), text: g.clauses.joined(separator: "; "), rows: g.rows)
        }
        let sharedClauses = Set(groups.flatMap(\.clauses))
        let rows = perRow.enumerated().map { k, clauses in
            RowConventions(markers: shared.filter { $0.rows.contains(k) }.map(\.marker),
                           own: clauses.filter { !sharedClauses.contains($0) }.joined(separator: "; "))
        }
        return (shared, rows)
    }

    /// a, b, …, z, aa, ab, …
    static func marker(_ k: Int) -> String {
        let letters = Array("abcdefghijklmnopqrstuvwxyz")
        return k < letters.count ? String(letters[k]) : marker(k / letters.count - 1) + String(letters[k % letters.count])
    }

    func html() -> String {
        let (shared, conventions) = Self.conventions(rows.map(\.convention))
        // One entry that every row follows needs no letters.
        let lettered = !(shared.count == 1 && shared[0].rows.count == rows.count)
        let hasConventionColumn = conventions.contains { !$0.own.isEmpty || (lettered && !$0.markers.isEmpty) }
        var html = "<aside class=\"numbers\" aria-label=\"Numbers in this step\">\n<details class=\"numbers-panel\" open>\n"
        html += "<summary><h3>Numbers in this step <span class=\"count\">(\(rows.count))</span></h3></summary>\n"
        if !shared.isEmpty {
            html += "<p class=\"conventions\"><span class=\"conventions-title\">\(lettered ? "Conventions" : "Convention of every value"):</span> "
            html += shared.map { entry in
                (lettered ? "<span class=\"marker\">\(entry.marker)</span> " : "") + Escaping.html(entry.text)
            }.joined(separator: "; ")
            html += "</p>\n"
        }
        let id = "keys-step-\(step)"
        html += "<input type=\"checkbox\" class=\"show-keys\" id=\"\(id)\"><label class=\"key-toggle\" for=\"\(id)\">show each value’s key</label>\n"
        html += "<div class=\"numbers-table\"><table>\n<thead><tr><th scope=\"col\">quantity</th><th scope=\"col\">value</th>"
        html += hasConventionColumn ? "<th scope=\"col\">convention</th></tr></thead>\n<tbody>\n" : "</tr></thead>\n<tbody>\n"
        for (row, convention) in zip(rows, conventions) {
            html += "<tr><td>\(Escaping.html(row.label)) <code class=\"key\">\(Escaping.html(row.path))</code></td>"
            html += "<td class=\"num\">\(row.valueHTML)</td>"
            if hasConventionColumn {
                var cell = lettered ? convention.markers.map { "<span class=\"marker\">\($0)</span>" }.joined(separator: " ") : ""
                if !convention.own.isEmpty { cell += (cell.isEmpty ? "" : " ") + Escaping.html(convention.own) }
                html += "<td>\(cell)</td>"
            }
            html += "</tr>\n"
        }
        return html + "</tbody>\n</table></div>\n</details>\n</aside>\n"
    }
}
