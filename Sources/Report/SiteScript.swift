/// `OUT/assets/site.js`: math rendering, step navigation, frame sliders and the self-test used by the browser test.
///
/// Plain ES5-style script, no modules and no loading of other files, so it works from `file://`.
/// - Math: every `<span class="math inline|display">` holds TeX as text; `katex.render` replaces it (errors are shown
///   in place by KaTeX, `throwOnError: false`). Without KaTeX the TeX stays, marked by the class `no-katex`.
/// - Steps: one `section.step` is shown at a time; Previous/Next buttons, ←/→ keys (not while a slider has the
///   focus) and `#step-N` fragments move between them. Without JavaScript, or when printing, all steps are shown.
/// - Wide display equations and tables scroll sideways; those that do get the class `overflows` and a small
///   "scroll sideways" hint after them (checked when a step is shown, on load and on resize).
/// - Frames: a range input and a Play/Pause button step through `figure.frames`.
/// - Numbers panels (`details.numbers-panel`): folded on phones (≤ 600 px) when the page loads, opened for printing.
/// - Self-test: with `?selftest` in the URL (or the fragment `#selftest`) the page checks itself after loading — every
///   math span rendered by KaTeX, no `katex-error`, no raw `$` in the text, the numbers panels folded on a phone and
///   open elsewhere, then for each step shown by the navigation: no step wider than the window, none taller than
///   4,000 px on a 1,280 px screen, no number (`.value` not `.text`) on more than one line, no display equation wider
///   than its box, figure text (`data-text-pt` at the width shown) at least 8 CSS px — the navigation reaches the
///   last step, every image and every frame loaded — and writes the result into `<pre id="selftest" data-status="pass|fail">`.
enum SiteScript {
    static let js = #"""
(function () {
  "use strict";
  var doc = document;
  var root = doc.documentElement;
  root.classList.add("js");

  function each(list, f) { Array.prototype.forEach.call(list, f); }

  // ---- Math -------------------------------------------------------------------------------------------------
  function renderMath() {
    var spans = doc.querySelectorAll("span.math");
    if (typeof katex === "undefined") {
      if (spans.length) { root.classList.add("no-katex"); }
      return;
    }
    each(spans, function (el) {
      var tex = el.textContent;
      el.setAttribute("data-tex", tex);
      katex.render(tex, el, { displayMode: el.classList.contains("display"), throwOnError: false, output: "htmlAndMathml" });
    });
  }

  // ---- Wide equations and tables: a hint when they scroll sideways (the CSS adds edge shadows) --------------
  function markOverflow() {
    each(doc.querySelectorAll(".math.display, .table-wrap, figure.pans .figure-image"), function (el) {
      if (el.clientWidth === 0) { return; }                       // in a hidden step: checked when it is shown
      var wide = el.scrollWidth > el.clientWidth + 1;
      el.classList.toggle("overflows", wide);
      var next = el.nextElementSibling;
      if (wide && !(next && next.classList.contains("scroll-hint"))) {
        var hint = doc.createElement("span");
        hint.className = "scroll-hint";
        hint.setAttribute("aria-hidden", "true");
        hint.textContent = "scroll sideways for more \u2192";
        el.parentNode.insertBefore(hint, el.nextSibling);
      }
    });
  }
  window.addEventListener("resize", markOverflow);
  window.addEventListener("load", markOverflow);

  // ---- Steps ------------------------------------------------------------------------------------------------
  var steps = Array.prototype.slice.call(doc.querySelectorAll("section.step"));
  var navLinks = Array.prototype.slice.call(doc.querySelectorAll(".step-list a"));
  var prevButton = doc.querySelector(".step-buttons .prev");
  var nextButton = doc.querySelector(".step-buttons .next");
  var position = doc.querySelector(".step-buttons .position");
  var current = -1;

  function stepFromHash() {
    var m = /^#step-(\d+)$/.exec(window.location.hash);
    if (!m) { return null; }
    var n = parseInt(m[1], 10);
    return n >= 1 && n <= steps.length ? n - 1 : null;
  }

  function show(i) {
    if (!steps.length) { return; }
    i = Math.max(0, Math.min(steps.length - 1, i));
    if (i === current) { return; }
    current = i;
    each(steps, function (s, k) { s.classList.toggle("current", k === current); });
    each(navLinks, function (a, k) {
      if (k === current) { a.setAttribute("aria-current", "step"); } else { a.removeAttribute("aria-current"); }
    });
    if (prevButton) { prevButton.disabled = current === 0; }
    if (nextButton) { nextButton.disabled = current === steps.length - 1; }
    if (position) { position.textContent = "Step " + (current + 1) + " of " + steps.length; }
    markOverflow();
  }

  function go(i) {
    if (!steps.length) { return; }
    i = Math.max(0, Math.min(steps.length - 1, i));
    show(i);
    var hash = "#step-" + (i + 1);
    if (window.location.hash !== hash) {
      if (window.history && window.history.replaceState) {
        try { window.history.replaceState(null, "", hash); } catch (e) { window.location.hash = hash; }
      } else {
        window.location.hash = hash;
      }
    }
    var top = steps[i].getBoundingClientRect().top;
    if (top < 0) { steps[i].scrollIntoView(); }
  }

  if (prevButton) { prevButton.addEventListener("click", function () { go(current - 1); }); }
  if (nextButton) { nextButton.addEventListener("click", function () { go(current + 1); }); }
  each(navLinks, function (a, k) {
    a.addEventListener("click", function (e) { e.preventDefault(); go(k); });
  });
  window.addEventListener("hashchange", function () {
    var i = stepFromHash();
    if (i !== null) { show(i); }
  });
  doc.addEventListener("keydown", function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey || e.shiftKey || !steps.length) { return; }
    var t = e.target;
    if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable)) { return; }
    if (e.key === "ArrowRight") { go(current + 1); e.preventDefault(); }
    else if (e.key === "ArrowLeft") { go(current - 1); e.preventDefault(); }
  });

  // The step list is a <details>: open beside the text on wide screens, folded on phones.
  var list = doc.querySelector(".step-list");
  if (list && window.matchMedia && !window.matchMedia("(min-width: 64rem)").matches) { list.open = false; }

  // The numbers panels are <details>, open in the HTML (no script, print); on a phone they start folded so the step
  // comes first. Printing opens them all, and afterwards they are as the reader left them.
  var phone = !!(window.matchMedia && window.matchMedia("(max-width: 600px)").matches);
  var panels = Array.prototype.slice.call(doc.querySelectorAll("details.numbers-panel"));
  if (phone) { each(panels, function (d) { d.open = false; }); }
  var openBeforePrint = null;
  window.addEventListener("beforeprint", function () {
    openBeforePrint = panels.map(function (d) { return d.open; });
    each(panels, function (d) { d.open = true; });
  });
  window.addEventListener("afterprint", function () {
    if (openBeforePrint) { each(panels, function (d, k) { d.open = openBeforePrint[k]; }); openBeforePrint = null; }
  });

  // ---- Frame sliders ----------------------------------------------------------------------------------------
  each(doc.querySelectorAll("figure.frames"), function (fig) {
    var img = fig.querySelector("img");
    var range = fig.querySelector("input[type=range]");
    var label = fig.querySelector(".frame-label");
    var button = fig.querySelector("button.play");
    var link = fig.querySelector("a.frame-link");
    var imageLink = fig.querySelector("a.figure-image");
    var narrowSource = fig.querySelector("picture source");
    var items = fig.querySelectorAll(".frame-labels li");
    var count = items.length;
    var timer = null;
    function set(n) {
      n = Math.max(1, Math.min(count, n));
      range.value = String(n);
      var src = items[n - 1].getAttribute("data-src");
      img.setAttribute("src", src);
      var narrowSrc = items[n - 1].getAttribute("data-narrow-src");
      if (narrowSource && narrowSrc) { narrowSource.setAttribute("srcset", narrowSrc); }
      if (link) { link.setAttribute("href", src); }
      if (imageLink) { imageLink.setAttribute("href", src); }
      label.textContent = items[n - 1].textContent + " (" + n + "/" + count + ")";
    }
    function stop() {
      if (timer !== null) { window.clearInterval(timer); timer = null; }
      button.textContent = "\u25B6 Play";
      button.setAttribute("aria-label", "Play the frames");
    }
    function play() {
      if (parseInt(range.value, 10) >= count) { set(1); }
      button.textContent = "\u275A\u275A Pause";
      button.setAttribute("aria-label", "Pause");
      timer = window.setInterval(function () {
        var n = parseInt(range.value, 10) + 1;
        if (n > count) { stop(); return; }
        set(n);
      }, 450);
    }
    range.addEventListener("input", function () { stop(); set(parseInt(range.value, 10)); });
    button.addEventListener("click", function () { if (timer === null) { play(); } else { stop(); } });
    fig.frameSet = set;
    fig.frameCount = count;
  });

  renderMath();
  var start = stepFromHash();
  show(start === null ? 0 : start);
  // Opening page.html#step-N shows that step with the lesson's title in view. The browser would keep scrolling to
  // the element named by the fragment while fonts and images load, so the sections give up their ids (kept for
  // readers without JavaScript, where every step is shown and the fragment is a plain anchor).
  each(steps, function (s) { s.setAttribute("data-id", s.id); s.removeAttribute("id"); });
  if (start !== null) { window.scrollTo(0, 0); }

  // ---- Self-test (browser test) -----------------------------------------------------------------------------
  function loads(src) {
    return new Promise(function (resolve) {
      var probe = new Image();
      probe.onload = function () { resolve(probe.naturalWidth > 0 ? null : src + " has no pixels"); };
      probe.onerror = function () { resolve(src + " did not load"); };
      probe.src = src;
    });
  }

  function selftest() {
    var problems = [];
    var maths = doc.querySelectorAll("span.math");
    var rendered = 0;
    each(maths, function (m) {
      if (m.querySelector(".katex")) { rendered += 1; } else { problems.push("math not rendered: " + m.textContent); }
    });
    each(doc.querySelectorAll(".katex-error"), function (e) { problems.push("KaTeX error: " + e.getAttribute("title")); });
    var walker = doc.createTreeWalker(doc.body, NodeFilter.SHOW_TEXT, null);
    var node;
    while ((node = walker.nextNode())) {
      if (node.nodeValue.indexOf("$") < 0) { continue; }
      var p = node.parentElement;
      if (p && p.closest(".katex, .dollar, code, pre, script, #selftest")) { continue; }
      problems.push("raw $ in text: " + node.nodeValue.trim().slice(0, 60));
    }
    // Nothing may make the page wider than the window (a phone would cut it off): wide equations and tables
    // scroll inside their own boxes.
    function checkWidth(where) {
      var el = doc.documentElement;
      if (el.scrollWidth > el.clientWidth + 1) {
        // Name the outermost elements that stick out, so that the failure says what to fix.
        var out = [];
        each(doc.querySelectorAll("body *"), function (e) {
          if (out.length >= 3 || e.closest("#selftest")) { return; }
          var r = e.getBoundingClientRect();
          if (r.width > 0 && r.right > el.clientWidth + 1 && !(e.parentElement && e.parentElement.getBoundingClientRect().right > el.clientWidth + 1)) {
            out.push(e.tagName.toLowerCase() + (e.className && typeof e.className === "string" ? "." + e.className.split(" ").join(".") : "") + " to " + Math.round(r.right) + " px");
          }
        });
        problems.push(where + " is wider than the window (" + el.scrollWidth + " px > " + el.clientWidth + " px): " + out.join(", "));
      }
    }
    // The numbers panels start folded on a phone and open elsewhere; then all are opened for the checks below.
    each(panels, function (d, k) {
      if (d.open === phone) {
        problems.push("numbers panel " + (k + 1) + " starts " + (phone ? "open on a phone" : "folded on a wide screen"));
      }
      d.open = true;
    });
    // What a reader sees of one step: at most maxStepHeight px tall on a 1280 px screen; no number broken over two
    // lines (a value is one inline box on one line); no display equation wider than its box (it would need sideways
    // scrolling); figure text at least minTextPx CSS px (the image shown, phone version or not, at its shown width).
    var maxStepHeight = 4000, minTextPx = 8;
    function checkStep(where, step) {
      checkWidth(where);
      var height = step.getBoundingClientRect().height;
      if (window.innerWidth >= 1280 && height > maxStepHeight) {
        problems.push(where + " is " + Math.round(height) + " px tall (at most " + maxStepHeight + " px at " + window.innerWidth + " px wide)");
      }
      each(step.querySelectorAll(".value:not(.text)"), function (v) {
        var lines = v.getClientRects().length;
        if (lines > 1) { problems.push(where + ": the number \u201c" + v.textContent + "\u201d wraps over " + lines + " lines"); }
      });
      each(step.querySelectorAll(".math.display"), function (m) {
        if (m.clientWidth > 0 && m.scrollWidth > m.clientWidth + 1) {
          problems.push(where + ": display equation wider than its box (" + m.scrollWidth + " px > " + m.clientWidth + " px): " + (m.getAttribute("data-tex") || "").slice(0, 60));
        }
      });
      each(step.querySelectorAll("figure img[data-width-pt]"), function (img) {
        var shownBy = img, source = img.parentNode.tagName === "PICTURE" ? img.parentNode.querySelector("source") : null;
        if (source && window.matchMedia(source.getAttribute("media")).matches) { shownBy = source; }
        var width = img.getBoundingClientRect().width;
        var px = parseFloat(shownBy.getAttribute("data-text-pt")) * width / parseFloat(shownBy.getAttribute("data-width-pt"));
        if (width > 0 && px < minTextPx - 0.05) {
          problems.push(where + ": text of " + (img.getAttribute("src") || "").slice(0, 60) + " is " + px.toFixed(1) + " px (at least " + minTextPx + ")");
        }
      });
    }
    var reached = 0;
    if (!steps.length) { checkWidth("the page"); }
    if (steps.length) {
      go(0);
      checkStep("step 1", steps[0]);
      for (var k = 1; k < steps.length; k++) { if (nextButton) { nextButton.click(); checkStep("step " + (current + 1), steps[current]); } }
      reached = current + 1;
      var visible = steps.filter(function (s) { return s.offsetParent !== null; });
      if (reached !== steps.length) { problems.push("navigation stopped at step " + reached + " of " + steps.length); }
      if (visible.length !== 1 || visible[0] !== steps[steps.length - 1]) { problems.push("the last step is not the only one shown"); }
      if (window.location.hash !== "#step-" + steps.length) { problems.push("fragment is " + window.location.hash); }
    }
    var images = doc.querySelectorAll("img");
    each(images, function (img) {
      if (!img.complete || img.naturalWidth === 0) { problems.push("image not loaded: " + img.getAttribute("src")); }
    });
    var probes = [];
    each(doc.querySelectorAll(".frame-labels li"), function (li) { probes.push(loads(li.getAttribute("data-src"))); });
    each(doc.querySelectorAll(".downloads a"), function (a) {
      var href = a.getAttribute("href");
      if (/\.png$/.test(href)) { probes.push(loads(href)); }
    });
    Promise.all(probes).then(function (results) {
      results.forEach(function (r) { if (r) { problems.push(r); } });
      var out = doc.createElement("pre");
      out.id = "selftest";
      out.setAttribute("data-status", problems.length ? "fail" : "pass");
      out.setAttribute("data-math", maths.length + "/" + rendered);
      out.setAttribute("data-steps", reached + "/" + steps.length);
      out.setAttribute("data-images", images.length + "+" + probes.length);
      out.setAttribute("data-width", String(window.innerWidth));
      out.textContent = problems.join("\n");
      doc.body.appendChild(out);
      // Inside a frame (scripts/browser-test shows a phone-sized page in a 390 px <iframe>, since headless Chromium's
      // window is at least 500 px wide), the verdict also goes to the page around it.
      if (window.parent && window.parent !== window) {
        var verdict = {};
        each(out.attributes, function (a) { verdict[a.name] = a.value; });
        window.parent.postMessage({ selftest: verdict, text: out.textContent }, "*");
      }
    });
  }

  if (/[?&]selftest\b/.test(window.location.search) || window.location.hash === "#selftest") {
    if (doc.readyState === "complete") { selftest(); } else { window.addEventListener("load", selftest); }
  }
})();
"""#
}
