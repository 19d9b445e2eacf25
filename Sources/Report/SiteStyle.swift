/// `OUT/assets/site.css`: the typography and layout of every page.
///
/// A system font stack, text at most 52rem wide, dark text on a light background, a step list beside the text on
/// wide screens and above it on phones, a bar of step buttons (opaque and sticky at the bottom on phones, in the flow
/// after the step on wide screens, where the step list stays in view), wide equations and tables that scroll sideways
/// with edge shadows, figures at their nominal size in CSS px (capped at the column, a click opens the PNG), a dark
/// mode that follows `prefers-color-scheme` (figures on a light card), and a print style for handouts: every step,
/// figures and number panels not split across pages, compact number panels, links as text, page numbers.
enum SiteStyle {
    static let css = #"""
:root {
  --text: #1c2127; --muted: #5a6470; --line: #d8dde3; --bg: #ffffff; --panel: #f5f7f9;
  --accent: #1f5f99; --accent-soft: #e6eff8;
  --font: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "Noto Sans", "Liberation Sans", "DejaVu Sans", Arial, sans-serif;
  --mono: ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", "Liberation Mono", monospace;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; scroll-padding-bottom: 4rem; }
body { margin: 0; background: var(--bg); color: var(--text); font-family: var(--font); font-size: 1.0625rem; line-height: 1.6; }
a { color: var(--accent); }
a:focus-visible, button:focus-visible, input:focus-visible, summary:focus-visible { outline: 3px solid #f0a500; outline-offset: 2px; }
code, pre { font-family: var(--mono); font-size: 0.9em; }
pre { background: var(--panel); padding: 0.75rem 1rem; overflow-x: auto; border-radius: 6px; }
h1, h2, h3 { line-height: 1.25; }
h1 { font-size: 2rem; margin: 0.5rem 0 1rem; }
h2 { font-size: 1.5rem; margin: 0.25rem 0 0.75rem; }
h3 { font-size: 1.1rem; }
.site-header { border-bottom: 1px solid var(--line); padding: 0.6rem 1.25rem; background: var(--panel); }
.site-header .home { font-weight: 600; text-decoration: none; color: var(--text); }
.layout { display: block; max-width: 76rem; margin: 0 auto; padding: 0 1.25rem; }
main { max-width: 52rem; margin: 0 auto; padding-bottom: 4.5rem; }
.index-main { padding: 0 1.25rem 3rem; }
.step-list { margin: 1rem 0 0; border: 1px solid var(--line); border-radius: 6px; padding: 0.5rem 0.75rem; background: var(--panel); }
.step-list summary { cursor: pointer; font-weight: 600; }
.step-list ol { margin: 0.5rem 0 0.25rem; padding-left: 1.5rem; }
.step-list li { padding: 0.12rem 0; }
.step-list a { text-decoration: none; }
.step-list a[aria-current] { font-weight: 700; color: var(--text); }
.step { padding-top: 0.5rem; }
.js .step { display: none; }
.js .step.current { display: block; }
.step-count { color: var(--muted); font-size: 0.9rem; margin: 0.75rem 0 0; text-transform: uppercase; letter-spacing: 0.04em; }
.step-buttons { display: none; }
.js .step-buttons { display: flex; align-items: center; justify-content: space-between; gap: 0.5rem; position: sticky; bottom: 0;
  background: var(--bg); border-top: 1px solid var(--line); box-shadow: 0 -6px 10px -6px rgba(0, 0, 0, 0.18);
  padding: 0.5rem 0; margin-top: 1.5rem; z-index: 2; }
.step-buttons button, .frame-controls button { font: inherit; font-size: 0.95rem; padding: 0.45rem 0.9rem; border-radius: 6px;
  border: 1px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer; min-height: 2.5rem; }
.step-buttons button:disabled { background: var(--panel); color: var(--muted); border-color: var(--line); cursor: default; }
.step-buttons .position { color: var(--muted); font-size: 0.9rem; }
.lesson-links { display: flex; flex-wrap: wrap; gap: 0.5rem 1.25rem; margin-top: 1.5rem; font-size: 0.95rem; }
figure { margin: 1.5rem 0; }
figure .figure-image { display: block; width: fit-content; max-width: 100%; cursor: zoom-in; }
figure .figure-image.embedded { cursor: auto; }
figure picture { display: contents; }
/* The title of a figure with a phone version: the phone image has none (it would end in "…"), so it is text here. */
.figure-title { display: none; margin: 0 0 0.35rem; font-weight: 650; font-size: 0.95rem; line-height: 1.35; }
figure img { display: block; max-width: 100%; height: auto; border: 1px solid var(--line); border-radius: 4px; background: #fff; }
figcaption { color: var(--muted); font-size: 0.92rem; margin-top: 0.4rem; }
figcaption .caption { color: var(--text); }
.downloads { white-space: nowrap; margin-left: 0.6rem; font-size: 0.88rem; }
.downloads::before { content: "Files: "; }
.downloads.print-version::before { content: ""; }
.frame-controls { display: flex; align-items: center; gap: 0.75rem; margin-top: 0.5rem; flex-wrap: wrap; }
.frame-controls input[type=range] { flex: 1 1 12rem; min-width: 8rem; accent-color: var(--accent); }
.frame-label { font-variant-numeric: tabular-nums; color: var(--muted); font-size: 0.92rem; }
.numbers { background: var(--panel); border-left: 4px solid var(--accent); border-radius: 4px; padding: 0.5rem 1rem 0.6rem; margin: 1.5rem 0; }
.numbers summary { cursor: pointer; }
.numbers summary h3 { display: inline; margin: 0; font-size: 1rem; }
.numbers summary .count { color: var(--muted); font-weight: 400; }
.numbers .conventions { font-size: 0.88rem; margin: 0.5rem 0 0.2rem; }
.numbers .conventions-title { font-weight: 600; color: var(--muted); }
.numbers .marker { display: inline-block; min-width: 1.35em; padding: 0 0.3em; border: 1px solid var(--accent); border-radius: 0.7em;
  color: var(--accent); background: var(--bg); font-size: 0.78em; font-weight: 600; line-height: 1.35; text-align: center; }
.numbers .show-keys { margin: 0.35rem 0.3rem 0.35rem 0; vertical-align: middle; accent-color: var(--accent); }
.numbers .key-toggle { font-size: 0.82rem; color: var(--muted); cursor: pointer; vertical-align: middle; }
.numbers-table { overflow-x: auto; }
.numbers table { border-collapse: collapse; width: 100%; font-size: 0.92rem; }
.numbers th, .numbers td { text-align: left; padding: 0.3rem 0.5rem 0.3rem 0; border-bottom: 1px solid var(--line); vertical-align: top; }
.numbers th { color: var(--muted); font-weight: 600; }
/* The key of each value (its path in the lesson results), shown by the panel's checkbox (no script needed). */
.numbers .key { display: none; color: var(--muted); font-size: 0.8em; overflow-wrap: anywhere; }
.numbers .show-keys:checked ~ .numbers-table .key { display: block; }
/* A number never breaks: not between its digits, its sign or its "× 10ⁿ" (tables scroll sideways instead). */
.num, .value { font-variant-numeric: tabular-nums; white-space: nowrap; }
.value.text { white-space: normal; }
.table-wrap, .math.display { overflow-x: auto; overflow-y: hidden; scrollbar-width: thin; scrollbar-color: #9aa4ae transparent;
  /* Scroll shadows: a fade at an edge where more content is hidden (white covers, attached to the content, move away). */
  background: linear-gradient(to right, var(--bg) 30%, rgba(255, 255, 255, 0)) left / 2.5rem 100% no-repeat local,
    linear-gradient(to left, var(--bg) 30%, rgba(255, 255, 255, 0)) right / 2.5rem 100% no-repeat local,
    radial-gradient(farthest-side at 0 50%, rgba(0, 0, 0, 0.22), rgba(0, 0, 0, 0)) left / 0.9rem 100% no-repeat scroll,
    radial-gradient(farthest-side at 100% 50%, rgba(0, 0, 0, 0.22), rgba(0, 0, 0, 0)) right / 0.9rem 100% no-repeat scroll; }
.table-wrap::-webkit-scrollbar, .math.display::-webkit-scrollbar { height: 6px; }
.table-wrap::-webkit-scrollbar-thumb, .math.display::-webkit-scrollbar-thumb { background: #9aa4ae; border-radius: 3px; }
.table-wrap { margin: 1.25rem 0; }
.scroll-hint { display: none; color: var(--muted); font-size: 0.8rem; text-align: right; margin: -0.2rem 0 0.6rem; }
.overflows + .scroll-hint { display: block; }
table { border-collapse: collapse; }
.table-wrap table, main > table, .index-main table { border-collapse: collapse; font-size: 0.95rem; }
.table-wrap th, .table-wrap td, .index-main table th, .index-main table td { border-bottom: 1px solid var(--line); padding: 0.4rem 0.75rem 0.4rem 0; text-align: left; vertical-align: top; }
.table-caption { color: var(--muted); font-size: 0.92rem; margin: 1.25rem 0 -0.75rem; }
caption { caption-side: top; text-align: left; color: var(--muted); font-size: 0.92rem; padding-bottom: 0.3rem; }
.math.display { display: block; margin: 0.75rem 0; padding: 0.1rem 0 0.35rem; text-align: center; }
.no-katex .math { font-family: var(--mono); font-size: 0.92em; background: var(--panel); padding: 0 0.2em; }
.katex { font-size: 1.08em; }
.cards { list-style: none; padding: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(15rem, 1fr)); gap: 1rem; margin: 1.5rem 0 2rem; }
.card a { display: flex; flex-direction: column; gap: 0.35rem; height: 100%; padding: 1rem 1.1rem; border: 1px solid var(--line); border-radius: 8px;
  text-decoration: none; color: var(--text); background: var(--bg); }
.card a:hover { border-color: var(--accent); background: var(--accent-soft); }
.card-number { color: var(--muted); font-size: 0.85rem; text-transform: uppercase; letter-spacing: 0.04em; }
.card-title { font-size: 1.2rem; font-weight: 650; color: var(--accent); }
.card-summary { font-size: 0.95rem; }
#selftest { display: none; }
@media (min-width: 64rem) {
  .layout { display: grid; grid-template-columns: 15rem minmax(0, 52rem); gap: 2.5rem; justify-content: center; }
  .step-list { position: sticky; top: 1rem; align-self: start; margin-top: 1.5rem; max-height: calc(100vh - 2rem); overflow-y: auto; }
  .layout main { margin: 0; }
  /* The step list beside the text is always in view here, so the Previous/Next bar need not stick over figures. */
  .js .step-buttons { position: static; box-shadow: none; }
}
@media (max-width: 40rem) {
  body { font-size: 1rem; }
  h1 { font-size: 1.6rem; }
  h2 { font-size: 1.3rem; }
  .layout, .index-main { padding: 0 0.9rem; }
  .numbers th:last-child, .numbers td:last-child { min-width: 6rem; }
  .math.display .katex-display, .math.display > .katex { font-size: 0.92em; }
}
@media (max-width: 600px) {
  .figure-title { display: block; }
  /* The file links may wrap between links (on one line they overflow a 390 px phone). */
  .downloads { white-space: normal; margin-left: 0.3rem; }
  /* A figure whose columns cannot re-flow keeps its size and pans sideways inside its box. */
  figure.pans .figure-image { overflow-x: auto; }
  figure.pans img { max-width: none; }
}
/* Dark mode follows the reader's system setting. The figures keep their own colours on a light card: they are the
   same PNG, SVG and PDF files that go into course notes and onto paper (drawn for white), so one set of files serves
   every reader, and their colour maps and ink stay as designed instead of being inverted. */
:root { color-scheme: light dark; }
@media (prefers-color-scheme: dark) {
  :root { --text: #e3e7eb; --muted: #a7b1bc; --line: #3b444e; --bg: #14181d; --panel: #1e242b;
    --accent: #8fc0f2; --accent-soft: #1c2c3d; }
  .step-buttons button, .frame-controls button { color: #0b1a29; }
  .step-buttons button:disabled { color: var(--muted); }
  figure .figure-image { background: #fff; padding: 0.45rem; border-radius: 6px; }
  figure img { border-color: #fff; }
  .table-wrap, .math.display { scrollbar-color: #6c7681 transparent;
    background: linear-gradient(to right, var(--bg) 30%, rgba(20, 24, 29, 0)) left / 2.5rem 100% no-repeat local,
      linear-gradient(to left, var(--bg) 30%, rgba(20, 24, 29, 0)) right / 2.5rem 100% no-repeat local,
      radial-gradient(farthest-side at 0 50%, rgba(255, 255, 255, 0.2), rgba(255, 255, 255, 0)) left / 0.9rem 100% no-repeat scroll,
      radial-gradient(farthest-side at 100% 50%, rgba(255, 255, 255, 0.2), rgba(255, 255, 255, 0)) right / 0.9rem 100% no-repeat scroll; }
  .table-wrap::-webkit-scrollbar-thumb, .math.display::-webkit-scrollbar-thumb { background: #6c7681; }
}
/* Print (and `lvm-lessons handout`): a handout on white paper — every step one after the other, figures and number
   panels never split across pages, compact number panels, links as plain text (web addresses written out), the page
   number at the foot of every page. */
@page { margin: 16mm 15mm 18mm; @bottom-center { content: counter(page) " / " counter(pages); font: 9pt var(--font); color: #444; } }
@media print {
  :root { color-scheme: light; --text: #000; --muted: #444; --line: #c4c9ce; --bg: #fff; --panel: #f4f5f6; --accent: #000; }
  body { font-size: 10.5pt; line-height: 1.45; color: #000; background: #fff; }
  .site-header, .step-list, .step-buttons, .lesson-links, .downloads, .scroll-hint, .figure-title,
  .frame-controls button, .frame-controls input { display: none !important; }
  .js .step, .step { display: block !important; break-before: auto; }
  .step + .step { border-top: 1px solid var(--line); margin-top: 1.2rem; }
  h1, h2, h3, .step-count { break-after: avoid; }
  .layout { display: block; max-width: none; padding: 0; }
  main { max-width: none; padding-bottom: 0; }
  figure, .numbers, table, .math.display { break-inside: avoid; }
  figure { margin: 0.9rem 0; }
  figure .figure-image { padding: 0; background: none; }
  figure img { border: none; }
  .frame-controls { margin-top: 0.2rem; }
  .table-wrap, .math.display, .numbers-table { overflow: visible; background: none; }
  .numbers { background: none; border: 1px solid var(--line); border-left: 3px solid #000; padding: 0.15rem 0.6rem 0.3rem;
    margin: 0.7rem 0; overflow: visible; font-size: 8.5pt; line-height: 1.3; }
  .numbers h3 { font-size: 8.5pt; display: block; margin: 0.15rem 0; text-transform: uppercase; letter-spacing: 0.04em; }
  .numbers table { font-size: 8.5pt; }
  .numbers th, .numbers td { padding: 0.05rem 0.6rem 0.05rem 0; }
  .numbers .key, .numbers .show-keys, .numbers .key-toggle { display: none !important; }
  /* A panel folded on a phone is printed open. */
  .numbers-panel::details-content { content-visibility: visible; display: block; }
  .numbers summary { list-style: none; }
  .numbers summary::-webkit-details-marker { display: none; }
  a { color: inherit; text-decoration: none; }
  a[href^="http://"]::after, a[href^="https://"]::after { content: " (" attr(href) ")"; font-size: 0.85em; overflow-wrap: anywhere; }
}
"""#
}
