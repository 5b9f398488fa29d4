// reconcile report: filters that show and hide the events already on the page, by their data-
// attributes. No data is read from anywhere else and nothing is ever written as HTML.
(function () {
  "use strict";
  var form = document.getElementById("filters");
  var events = Array.prototype.slice.call(document.querySelectorAll("details.event"));
  var shown = document.getElementById("shown");
  var nothing = document.getElementById("nothing");
  var field = function (id) { return document.getElementById(id); };

  // The same folding as reconciler/report.py's _fold: NFKD, marks dropped, lower case,
  // letters and digits only.
  function fold(text) {
    return text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase().replace(/[^\p{L}\p{N}]/gu, "");
  }

  function matches(keys, wanted) {
    return wanted === "" || keys.split("|").some(function (key) { return key.indexOf(wanted) !== -1; });
  }

  function apply() {
    var grades = {};
    form.querySelectorAll("input[name=grade]").forEach(function (box) { grades[box.value] = box.checked; });
    var from = field("from").value, to = field("to").value;
    var place = fold(field("place").value), source = fold(field("source").value);
    var count = 0;
    events.forEach(function (event) {
      var d = event.dataset;
      var dated = d.start !== "";
      var show = grades[d.status] === true &&
        (from === "" || (dated && d.end >= from)) && (to === "" || (dated && d.start <= to)) &&
        matches(d.place, place) && matches(d.source, source);
      event.hidden = !show;
      if (show) { count += 1; }
    });
    shown.textContent = "Showing " + count + " of " + events.length + " event" + (events.length === 1 ? "" : "s");
    nothing.hidden = count !== 0;
  }

  function openFromHash() {
    var match = /^#event-(\d+)$/.exec(window.location.hash);
    var event = match && document.getElementById("event-" + match[1]);
    if (!event) { return; }
    if (event.hidden) { form.reset(); apply(); }
    event.open = true;
    event.scrollIntoView({ block: "start" });
  }

  function showOnly(bar) {
    field("from").value = bar.getAttribute("data-first");
    field("to").value = bar.getAttribute("data-last");
    apply();
    form.scrollIntoView({ block: "start" });
  }

  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
  field("expand").addEventListener("click", function () {
    events.forEach(function (event) { if (!event.hidden) { event.open = true; } });
  });
  field("collapse").addEventListener("click", function () {
    events.forEach(function (event) { event.open = false; });
  });
  events.forEach(function (event) {
    // An open event is deep-linkable: the address names it (#event-ID) without a new history entry.
    event.addEventListener("toggle", function () {
      if (printing) { return; }
      var here = window.location.href.split("#")[0];
      if (event.open) {
        window.history.replaceState(null, "", here + "#" + event.id);
      } else if (window.location.hash === "#" + event.id) {
        window.history.replaceState(null, "", here);
      }
    });
  });
  document.querySelectorAll(".chart .bar").forEach(function (bar) {
    bar.addEventListener("click", function () { showOnly(bar); });
    bar.addEventListener("keydown", function (e) {
      if (e.key === "Enter" || e.key === " ") { e.preventDefault(); showOnly(bar); }
    });
  });
  // Printing shows every event still shown, opened; closed again afterwards.
  var openedForPrint = [], printing = false;
  window.addEventListener("beforeprint", function () {
    printing = true;
    openedForPrint = events.filter(function (event) { return !event.hidden && !event.open; });
    openedForPrint.forEach(function (event) { event.open = true; });
  });
  window.addEventListener("afterprint", function () {
    openedForPrint.forEach(function (event) { event.open = false; });
    openedForPrint = [];
    window.setTimeout(function () { printing = false; }, 0);
  });
  window.addEventListener("hashchange", openFromHash);
  apply();
  openFromHash();
}());
