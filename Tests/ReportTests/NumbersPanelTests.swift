import LessonKit
import Testing
@testable import Report

/// The numbers panel: conventions shared by rows stated once (nothing lost), keys behind a checkbox, a `<details>`
/// that starts open in the HTML, readable labels for list elements.
@Suite struct NumbersPanelTests {
    @Test func clausesSplitAtSemicolonsOutsideBrackets() {
        #expect(NumbersPanel.clauses("ML fit; natural log, per image (64 pixels; raw)") == ["ML fit", "natural log, per image (64 pixels; raw)"])
        #expect(NumbersPanel.clauses("") == [])
        #expect(NumbersPanel.clauses(" a ;  b; ") == ["a", "b"])
        #expect(NumbersPanel.clauses("a;b") == ["a;b"], "only a semicolon and a space separate clauses")
    }

    /// The review's example: the same long convention on several rows, once whole and once as a clause.
    @Test func sharedClausesAreStatedOnceAndRowsKeepTheirOwn() {
        let log = "natural log, per image (64 pixels, raw 0–16 units), averaged over the 1198 digits"
        let (shared, rows) = NumbersPanel.conventions([log, nil, "trapezoid nodes on [−5.5, 5.5]²; " + log, log, "nats", "nats"])
        #expect(shared == [NumbersPanel.SharedConvention(marker: "a", text: log, rows: [0, 2, 3]),
                           NumbersPanel.SharedConvention(marker: "b", text: "nats", rows: [4, 5])])
        #expect(rows.map(\.markers) == [["a"], [], ["a"], ["a"], ["b"], ["b"]])
        #expect(rows.map(\.own) == ["", "", "trapezoid nodes on [−5.5, 5.5]²", "", "", ""])
    }

    /// Clauses that apply to the same rows form one entry, in the order they first appear.
    @Test func clausesOfTheSameRowsFormOneEntry() {
        let c = "log p(x) by the fine rule; KL on a separate z-grid; natural log"
        let (shared, rows) = NumbersPanel.conventions([c, c, "natural log"])
        #expect(shared.map(\.text) == ["log p(x) by the fine rule; KL on a separate z-grid", "natural log"])
        #expect(shared.map(\.rows) == [[0, 1], [0, 1, 2]])
        #expect(rows.map(\.markers) == [["a", "b"], ["a", "b"], ["b"]])
    }

    /// Every clause of every row is in its row or in an entry the row names.
    @Test(arguments: [
        ["a; b", "b; c", "c", nil, "a; b"],
        ["x", "x", "x"],
        ["one", "two", "three (a; b); four"],
    ] as [[String?]])
    func noClauseIsLost(_ conventions: [String?]) {
        let (shared, rows) = NumbersPanel.conventions(conventions)
        for (k, convention) in conventions.enumerated() {
            var shown = Set(NumbersPanel.clauses(rows[k].own))
            for entry in shared where rows[k].markers.contains(entry.marker) { shown.formUnion(NumbersPanel.clauses(entry.text)) }
            #expect(shown == Set(NumbersPanel.clauses(convention ?? "")), "row \(k)")
        }
    }

    @Test func markersRunPastZ() {
        #expect(NumbersPanel.marker(0) == "a" && NumbersPanel.marker(25) == "z" && NumbersPanel.marker(26) == "aa" && NumbersPanel.marker(27) == "ab")
    }

    @Test func panelHTMLHasTheSharedLineTheToggleAndNoRepeats() {
        let log = "natural log, averaged over the rows"
        let rows = [NumbersPanel.Row(label: "ℓ", valueHTML: "<span class=\"value\">−177.4</span>", convention: log, path: "log_likelihood"),
                    NumbersPanel.Row(label: "ℓ(x/s)", valueHTML: "<span class=\"value\">0.0057</span>", convention: log, path: "rescaled.ll"),
                    NumbersPanel.Row(label: "s", valueHTML: "<span class=\"value\">16</span>", convention: "the largest |value|", path: "rescaled.scale")]
        let html = NumbersPanel(rows: rows, step: 3).html()
        #expect(html.contains(#"<details class="numbers-panel" open>"#))
        #expect(html.contains(#"<summary><h3>Numbers in this step <span class="count">(3)</span></h3></summary>"#))
        #expect(html.components(separatedBy: log).count == 2, "the shared convention appears once")
        #expect(html.contains(#"<p class="conventions"><span class="conventions-title">Conventions:</span> <span class="marker">a</span> natural log, averaged over the rows</p>"#))
        #expect(html.contains(#"<input type="checkbox" class="show-keys" id="keys-step-3"><label class="key-toggle" for="keys-step-3">"#))
        #expect(html.contains(#"<td>ℓ <code class="key">log_likelihood</code></td><td class="num"><span class="value">−177.4</span></td><td><span class="marker">a</span></td>"#))
        #expect(html.contains(#"<td class="num"><span class="value">16</span></td><td>the largest |value|</td>"#))
        // The keys are hidden unless the box is ticked, and never printed.
        #expect(SiteStyle.css.contains(".numbers .key { display: none;"))
        #expect(SiteStyle.css.contains(".numbers .show-keys:checked ~ .numbers-table .key { display: block; }"))
        #expect(SiteScript.js.contains(#"matchMedia("(max-width: 600px)")"#))
    }

    /// One convention that every row follows is stated as such, without letters and without a convention column.
    @Test func oneConventionForEveryRowNeedsNoLetters() {
        let rows = (0..<3).map { NumbersPanel.Row(label: "λ\($0)", valueHTML: "1", convention: "1/N covariance", path: "l.\($0)") }
        let html = NumbersPanel(rows: rows, step: 1).html()
        #expect(html.contains(#"<span class="conventions-title">Convention of every value:</span> 1/N covariance</p>"#))
        #expect(!html.contains("class=\"marker\"") && !html.contains(">convention</th>"))
    }

    /// A list element's label counts from 1 and spells its names (the key itself is behind the toggle).
    @Test func labelsOfListElementsAreForReaders() {
        let quantities = ["probes": LessonKit.Quantity("posterior at A, B, C"), "eigenvalues": LessonKit.Quantity("eigenvalue λ")]
        #expect(ReportBuilder.quantity(for: "eigenvalues.1", in: quantities)?.label == "eigenvalue λ (no. 2)")
        #expect(ReportBuilder.quantity(for: "probes.0.log_px", in: quantities)?.label == "posterior at A, B, C (no. 1, log px)")
    }
}
