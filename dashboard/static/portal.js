/* Pantau — public portal: the kecamatan filter follows the chosen kota.
 *
 * Without JavaScript the form still works (the server answers a kecamatan outside
 * the chosen kota with a clear message). No inline script, no inline handlers:
 * the page runs under a Content-Security-Policy without 'unsafe-inline'.
 */
(function () {
  "use strict";

  function syncKecamatan(kota, kecamatan, keepSelection) {
    var chosen = kota.value;
    var options = kecamatan.querySelectorAll("option[data-kota]");
    for (var i = 0; i < options.length; i++) {
      var fits = !chosen || options[i].getAttribute("data-kota") === chosen;
      options[i].hidden = !fits;
      options[i].disabled = !fits;
      if (!fits && options[i].selected && !keepSelection) kecamatan.value = "";
    }
  }

  function init() {
    var kota = document.getElementById("pf-kota");
    var kecamatan = document.getElementById("pf-kecamatan");
    if (!kota || !kecamatan) return;
    syncKecamatan(kota, kecamatan, true);
    kota.addEventListener("change", function () {
      syncKecamatan(kota, kecamatan, false);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
