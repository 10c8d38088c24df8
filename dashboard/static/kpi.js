/* Pantau — KPI pages: draw the server-built Plotly figures.
 *
 * Each chart is a <script type="application/json" data-chart="name" data-target="id">
 * block holding a figure ({data, layout}) next to the <div id="id"> it is drawn into.
 * No inline script, no inline handlers (a Content-Security-Policy is coming).
 * htmx swaps the summary's fragment every 60 s: charts in the old fragment are
 * purged before the swap and the new fragment's charts drawn after it.
 */
(function () {
  "use strict";

  // Indonesian month and day names for date axes ("8 Nov", "1 Des", "3 Agu"),
  // unless the page is in English (the portal's switch): <html lang>.
  var LOCALE = (document.documentElement.lang || "id").slice(0, 2) === "en" ? "en" : "id";

  var CONFIG = {
    responsive: true,
    displaylogo: false,
    modeBarButtons: [["toImage"]],
    toImageButtonOptions: { format: "png", scale: 2 },
    locale: LOCALE,
  };

  function registerIndonesian() {
    if (typeof window.Plotly === "undefined" || registerIndonesian.done) return;
    registerIndonesian.done = true;
    window.Plotly.register({
      moduleType: "locale",
      name: "id",
      dictionary: {},
      format: {
        days: ["Minggu", "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu"],
        shortDays: ["Min", "Sen", "Sel", "Rab", "Kam", "Jum", "Sab"],
        months: [
          "Januari", "Februari", "Maret", "April", "Mei", "Juni",
          "Juli", "Agustus", "September", "Oktober", "November", "Desember",
        ],
        shortMonths: [
          "Jan", "Feb", "Mar", "Apr", "Mei", "Jun",
          "Jul", "Agu", "Sep", "Okt", "Nov", "Des",
        ],
        date: "%d/%m/%Y",
        decimal: ",",
        thousands: ".",
      },
    });
  }

  function draw(block) {
    if (block.dataset.drawn === "1") return;
    var target = document.getElementById(block.dataset.target);
    if (!target || typeof window.Plotly === "undefined") return;
    var figure;
    try {
      figure = JSON.parse(block.textContent);
    } catch (err) {
      target.textContent = "Grafik tidak dapat dibaca.";
      return;
    }
    block.dataset.drawn = "1";
    registerIndonesian();
    window.Plotly.newPlot(target, figure.data || [], figure.layout || {}, CONFIG);
  }

  function drawAll(root) {
    var scope = root && root.querySelectorAll ? root : document;
    var blocks = scope.querySelectorAll('script[type="application/json"][data-chart]');
    for (var i = 0; i < blocks.length; i++) draw(blocks[i]);
  }

  function purge(root) {
    if (!root || !root.querySelectorAll || typeof window.Plotly === "undefined") return;
    var plots = root.querySelectorAll(".js-plotly-plot");
    for (var i = 0; i < plots.length; i++) window.Plotly.purge(plots[i]);
  }

  // A chart drawn while its <details> or tab was hidden has no width: redraw on open.
  document.addEventListener(
    "toggle",
    function (event) {
      var el = event.target;
      if (!el.open || typeof window.Plotly === "undefined") return;
      var plots = el.querySelectorAll(".js-plotly-plot");
      for (var i = 0; i < plots.length; i++) window.Plotly.Plots.resize(plots[i]);
    },
    true
  );

  if (window.htmx) {
    document.body.addEventListener("htmx:beforeSwap", function (event) {
      purge(event.detail.target);
    });
    // Called for the initial page and for every swapped-in fragment.
    window.htmx.onLoad(drawAll);
  }
  drawAll(document);
})();
