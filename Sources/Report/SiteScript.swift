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
/// - Self-test: with `?selftest` in the URL (or the fragment `#selftest`) the page checks itself after loading — every
///   math span rendered by KaTeX, no `katex-error`, no raw `$` in the text, the navigation reaches the last step,
///   no step wider than the window, every image and every frame loaded — and writes the result into `<pre id="selftest" data-status="pass|fail">`.
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
    each(doc.querySelectorAll(".math.display, .table-wrap"), function (el) {
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

  // ---- Frame sliders ----------------------------------------------------------------------------------------
  each(doc.querySelectorAll("figure.frames"), function (fig) {
    var img = fig.querySelector("img");
    var range = fig.querySelector("input[type=range]");
    var label = fig.querySelector(".frame-label");
    var button = fig.querySelector("button.play");
    var link = fig.querySelector("a.frame-link");
    var imageLink = fig.querySelector("a.figure-image");
    var items = fig.querySelectorAll(".frame-labels li");
    var count = items.length;
    var timer = null;
    function set(n) {
      n = Math.max(1, Math.min(count, n));
      range.value = String(n);
      var src = items[n - 1].getAttribute("data-src");
      img.setAttribute("src", src);
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
        problems.push(where + " is wider than the window (" + el.scrollWidth + " px > " + el.clientWidth + " px)");
      }
    }
    var reached = 0;
    if (!steps.length) { checkWidth("the page"); }
    if (steps.length) {
      go(0);
      checkWidth("step 1");
      for (var k = 1; k < steps.length; k++) { if (nextButton) { nextButton.click(); checkWidth("step " + (current + 1)); } }
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
      out.textContent = problems.join("\n");
      doc.body.appendChild(out);
    });
  }

  if (/[?&]selftest\b/.test(window.location.search) || window.location.hash === "#selftest") {
    if (doc.readyState === "complete") { selftest(); } else { window.addEventListener("load", selftest); }
  }
})();
"""#
}
