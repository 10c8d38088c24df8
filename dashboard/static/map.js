/* Pantau — maps: every element with data-map="…" becomes a Leaflet map.
 *
 * No tile server is needed: the maps draw the units' own shapes (imported
 * boundaries, or approximate cells around kelurahan centres) fetched from
 * /maps/*.json; a tile layer is drawn only when the page passes one
 * (data-tiles-url, from PANTAU_MAP_TILES). No inline scripts: everything comes
 * from data attributes. Kinds:
 *   pin         a point (data-lat/-lon) over the kelurahan cells, its own highlighted
 *   area        a kelurahan only (rahasia reports on public pages: no point exists here)
 *   picker      click-to-place and "Gunakan lokasi saya" filling the form's lat/lon inputs
 *   portal      recent public reports, grid-clustered here; rahasia ones as kelurahan
 *   choropleth  late / unworked open tickets per kota, kecamatan or kelurahan, refreshed
 * Each map has a text alternative next to it (a caption, a table), and the map
 * itself is one tab stop (arrow keys pan, +/- zoom), never a keyboard trap.
 */
(function () {
  "use strict";

  var L = window.L;
  // ColorBrewer OrRd (sequential, colour-blind safe); class 0 is a neutral grey.
  var SCALE = ["#eef0f3", "#fdd49e", "#fc8d59", "#d7301f", "#7f0000"];
  var CONTEXT = { color: "#7c8799", weight: 1, fillColor: "#dfe5ee", fillOpacity: 0.35 };
  var OWN = { color: "#0b5cad", weight: 3, fillColor: "#0b5cad", fillOpacity: 0.12 };
  var lang = (document.documentElement.lang || "id").slice(0, 2) === "en" ? "en" : "id";
  var number = new Intl.NumberFormat(lang === "en" ? "en-GB" : "id-ID");

  function fetchJson(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.json();
      });
  }

  function text(el, value) {
    if (el) el.textContent = value;
  }

  function make(tag, cls, content) {
    var el = document.createElement(tag);
    if (cls) el.className = cls;
    if (content !== undefined) el.textContent = content;
    return el;
  }

  function newMap(el, opts) {
    var canvas = el.querySelector("[data-map-canvas]") || el;
    var zoom = !(opts && opts.zoomControl === false);
    var map = L.map(canvas, Object.assign({
      zoomSnap: 0.25,
      scrollWheelZoom: false,   // the page scrolls; zoom with the buttons or +/-
      attributionControl: true,
      preferCanvas: false,
    }, opts || {}, { zoomControl: false }));
    map.attributionControl.setPrefix(false);
    if (zoom) {
      // Leaflet's own button titles are English.
      L.control.zoom(lang === "en" ? {} : { zoomInTitle: "Perbesar", zoomOutTitle: "Perkecil" })
        .addTo(map);
    }
    // A view before any layer: vector layers are clipped to the view's bounds.
    map.setView([-6.2, 106.83], 11);
    if (el.dataset.tilesUrl) {
      L.tileLayer(el.dataset.tilesUrl, {
        attribution: el.dataset.tilesAttribution || "", maxZoom: 19,
      }).addTo(map);
    }
    // The container is one tab stop with a name; Leaflet's own keyboard handling
    // pans and zooms, and Tab leaves the map as it entered.
    if (window.ResizeObserver) {
      // Panels that size themselves after the map (the board's side column).
      new window.ResizeObserver(function () {
        map.invalidateSize(false);
        if (map.pantauRefit) map.pantauRefit();
      }).observe(canvas);
    }
    canvas.setAttribute("role", "region");
    canvas.setAttribute("aria-label", el.dataset.label || "Peta");
    return map;
  }

  // The mainland's frame: areas flagged "inset" (Kepulauan Seribu's islands, far out
  // at sea) are drawn but left out of it, unless there is nothing else.
  function framed(layer) {
    var main = L.featureGroup(), all = L.featureGroup();
    layer.eachLayer(function (l) {
      all.addLayer(l);
      if (!(l.feature && l.feature.properties && l.feature.properties.inset)) main.addLayer(l);
    });
    return main.getLayers().length ? main : all;
  }

  function fit(map, layer, fallback) {
    if (layer && layer.eachLayer) layer = framed(layer);
    var b = layer && layer.getBounds && layer.getBounds();
    // No animation: a half-finished zoom scales every shape (and a screenshot, or a
    // wall that refreshes, would catch it mid-way).
    if (b && b.isValid()) map.fitBounds(b, { padding: [12, 12], maxZoom: 15, animate: false });
    else if (fallback) map.setView(fallback, 14, { animate: false });
    else map.setView([-6.2, 106.83], 11, { animate: false });
  }

  function pinMarker(latlng) {
    return L.circleMarker(latlng, {
      radius: 10, color: "#ffffff", weight: 3, fillColor: "#c2410c", fillOpacity: 1,
      className: "map-pin",
    });
  }

  function approxNote(el, approximate) {
    var note = el.querySelector("[data-map-approx]");
    if (note) note.hidden = !approximate;
  }

  // --- pin, area: one ticket ---------------------------------------------------------

  function mountPin(el) {
    var lat = parseFloat(el.dataset.lat), lon = parseFloat(el.dataset.lon);
    var point = isFinite(lat) && isFinite(lon) ? L.latLng(lat, lon) : null;
    var map = newMap(el);
    var own = el.dataset.areaId ? parseInt(el.dataset.areaId, 10) : null;
    var url = el.dataset.contextUrl;
    var after = function (layer) {
      var focus = null;
      if (layer && own !== null) {
        layer.eachLayer(function (l) { if (l.feature && l.feature.id === own) focus = l; });
      }
      if (point) {
        pinMarker(point).addTo(map).bindTooltip(el.dataset.pinLabel || "Lokasi laporan");
        map.setView(point, 14, { animate: false });
      } else {
        fit(map, focus || layer, null);
      }
    };
    if (!url) { after(null); return; }
    fetchJson(url).then(function (data) {
      var layer = L.geoJSON(data, {
        style: function (f) { return f.id === own ? OWN : CONTEXT; },
        onEachFeature: function (f, l) {
          l.bindTooltip(f.properties.name + (f.properties.approximate ? " (perkiraan)" : ""), { sticky: true });
        },
      }).addTo(map);
      approxNote(el, !!data.approximate || (data.properties && data.properties.approximate));
      after(layer);
    }).catch(function () { after(null); });
  }

  // --- picker: the intake form's lat/lon -------------------------------------------------

  function mountPicker(el) {
    var latInput = document.getElementById(el.dataset.latInput);
    var lonInput = document.getElementById(el.dataset.lonInput);
    var status = el.querySelector("[data-map-status]");
    var map = newMap(el);
    var marker = null;

    function place(latlng, message) {
      var lat = Math.round(latlng.lat * 1e6) / 1e6, lon = Math.round(latlng.lng * 1e6) / 1e6;
      if (latInput) latInput.value = lat.toFixed(6);
      if (lonInput) lonInput.value = lon.toFixed(6);
      if (marker) marker.setLatLng([lat, lon]);
      else marker = pinMarker([lat, lon]).addTo(map);
      text(status, (message || "Titik dipasang") + ": " + lat.toFixed(6) + ", " + lon.toFixed(6));
    }

    function fromInputs() {
      var lat = parseFloat(latInput && latInput.value), lon = parseFloat(lonInput && lonInput.value);
      if (!isFinite(lat) || !isFinite(lon)) return;
      if (marker) marker.setLatLng([lat, lon]);
      else marker = pinMarker([lat, lon]).addTo(map);
      map.setView([lat, lon], Math.max(map.getZoom(), 14), { animate: false });
    }

    map.on("click", function (e) { place(e.latlng, "Titik dipasang di peta"); });
    [latInput, lonInput].forEach(function (input) {
      if (input) input.addEventListener("change", fromInputs);
    });
    var mine = el.querySelector("[data-map-locate]");
    if (mine) {
      if (!("geolocation" in navigator)) mine.hidden = true;
      mine.addEventListener("click", function () {
        text(status, "Mencari lokasi Anda…");
        navigator.geolocation.getCurrentPosition(function (pos) {
          var here = L.latLng(pos.coords.latitude, pos.coords.longitude);
          place(here, "Lokasi Anda");
          map.setView(here, 16, { animate: false });
        }, function (err) {
          text(status, err && err.code === 1
            ? "Izin lokasi ditolak. Klik peta atau isi lintang/bujur."
            : "Lokasi tidak dapat ditentukan. Klik peta atau isi lintang/bujur.");
        }, { enableHighAccuracy: true, timeout: 10000 });
      });
    }
    var clear = el.querySelector("[data-map-clear]");
    if (clear) {
      clear.addEventListener("click", function () {
        if (latInput) latInput.value = "";
        if (lonInput) lonInput.value = "";
        if (marker) { map.removeLayer(marker); marker = null; }
        text(status, "Titik dihapus.");
      });
    }
    if (el.dataset.contextUrl) {
      fetchJson(el.dataset.contextUrl).then(function (data) {
        L.geoJSON(data, {
          style: function () { return CONTEXT; },
          onEachFeature: function (f, l) { l.bindTooltip(f.properties.name, { sticky: true }); },
        }).addTo(map).bringToBack();
        approxNote(el, data.approximate);
        fromInputs();
      }).catch(function () { fromInputs(); });
    } else {
      fromInputs();
    }
  }

  // --- portal: recent public reports, grid-clustered ---------------------------------------

  function mountPortal(el) {
    var map = newMap(el);
    var words = el.dataset;
    var points = [];
    var clusters = L.layerGroup().addTo(map);

    function cluster() {
      clusters.clearLayers();
      var cells = {}, size = 56;
      points.forEach(function (p) {
        var xy = map.latLngToLayerPoint(p.ll);
        var key = Math.floor(xy.x / size) + ":" + Math.floor(xy.y / size);
        (cells[key] = cells[key] || []).push(p);
      });
      Object.keys(cells).forEach(function (key) {
        var group = cells[key], lat = 0, lon = 0;
        group.forEach(function (p) { lat += p.ll.lat; lon += p.ll.lng; });
        var at = L.latLng(lat / group.length, lon / group.length);
        if (group.length === 1) {
          var p = group[0];
          pinMarker(at).setRadius(7).addTo(clusters).bindPopup(
            "<strong>" + escapeHtml(p.category) + "</strong><br>" + escapeHtml(p.stage) +
            '<br><a href="/t/' + encodeURIComponent(p.tracking) + '">' + escapeHtml(p.tracking) + "</a>");
          return;
        }
        var n = group.length;
        var icon = L.divIcon({
          className: "map-cluster map-cluster--" + (n < 10 ? "s" : n < 50 ? "m" : "l"),
          html: "<span>" + number.format(n) + "</span>",
          iconSize: n < 10 ? [34, 34] : n < 50 ? [42, 42] : [52, 52],
        });
        L.marker(at, { icon: icon, keyboard: false, title: n + " " + (words.reportsWord || "laporan") })
          .addTo(clusters)
          .on("click", function () { map.setView(at, Math.min(map.getZoom() + 2, 17)); });
      });
    }

    if (el.dataset.contextUrl) {
      fetchJson(el.dataset.contextUrl).then(function (data) {
        L.geoJSON(data, { style: function () {
          return { color: "#5b6577", weight: 1.5, fill: false, interactive: false };
        } }).addTo(map).bringToBack();
      }).catch(function () {});
    }
    fetchJson(el.dataset.src).then(function (data) {
      var rahasia = L.geoJSON(data.confidential, {
        style: function () {
          return { color: "#5b3a8c", weight: 1.5, dashArray: "4 3", fillColor: "#b9a5dc", fillOpacity: 0.35 };
        },
        onEachFeature: function (f, l) {
          l.bindTooltip(f.properties.name + ": " + number.format(f.properties.confidential) + " " +
            (words.confidentialWord || "laporan rahasia"), { sticky: true });
        },
      }).addTo(map);
      points = data.points.filter(function (p) { return p.at; }).map(function (p) {
        return { ll: L.latLng(p.at[0], p.at[1]), tracking: p.tracking, category: p.category,
                 stage: (words.stages ? JSON.parse(words.stages)[p.stage] : null) || p.stage };
      });
      var all = L.featureGroup(points.map(function (p) { return L.marker(p.ll); }));
      rahasia.eachLayer(function (l) { all.addLayer(l); });
      fit(map, all, null);
      cluster();
      map.on("zoomend", cluster);
      summariseKotas(el, data);
    }).catch(function () {
      text(el.querySelector("[data-map-status]"), el.dataset.errorText || "Peta tidak dapat dimuat.");
    });
  }

  function summariseKotas(el, data) {
    var body = el.querySelector("[data-map-table] tbody");
    if (!body) return;
    body.textContent = "";
    data.kotas.forEach(function (k) {
      var tr = document.createElement("tr");
      tr.appendChild(make("th", "", k.name)).setAttribute("scope", "row");
      tr.appendChild(make("td", "num", number.format(k.points)));
      tr.appendChild(make("td", "num", number.format(k.confidential)));
      body.appendChild(tr);
    });
    text(el.querySelector("[data-map-unplaced]"), number.format(data.unplaced));
  }

  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  // --- choropleth: late and unworked per area ------------------------------------------

  function classOf(value, classes) {
    for (var i = classes.length - 1; i >= 0; i--) {
      if (value >= classes[i][0]) return i;
    }
    return 0;
  }

  function rangeText(c) {
    if (c[1] === null) return "≥ " + number.format(c[0]);
    if (c[0] === c[1]) return number.format(c[0]);
    return number.format(c[0]) + "–" + number.format(c[1]);
  }

  function mountChoropleth(el) {
    var wall = el.dataset.variant === "wall";
    var map = newMap(el, wall
      ? { zoomControl: false, dragging: false, keyboard: false, doubleClickZoom: false,
          boxZoom: false, touchZoom: false, zoomSnap: 0.1 }
      : {});
    var state = { level: el.dataset.level || "kota", metric: el.dataset.metric || "late",
                  layer: null, data: null, fitted: null };
    var labels = L.layerGroup().addTo(map);
    map.pantauRefit = function () { if (state.layer) fit(map, state.layer, null); };

    function render() {
      var data = state.data;
      if (!data) return;
      var classes = data.classes[state.metric];
      if (state.layer) map.removeLayer(state.layer);
      labels.clearLayers();
      state.layer = L.geoJSON(data, {
        style: function (f) {
          var c = classOf(f.properties[state.metric], classes);
          return { color: wall ? "#f1f5fb" : "#ffffff", weight: wall ? 2.5 : 1.2,
                   fillColor: SCALE[c], fillOpacity: 0.92 };
        },
        onEachFeature: function (f, l) {
          var p = f.properties;
          if (!wall) {
            l.bindTooltip(p.name + " — " + data.metric_labels.late + ": " + number.format(p.late) +
              ", " + data.metric_labels.unworked + ": " + number.format(p.unworked), { sticky: true });
          }
        },
      }).addTo(map);
      var showNames = state.level === "kota" || (wall && state.level === "kecamatan");
      data.features.forEach(function (f) {
        var p = f.properties, v = p[state.metric];
        if (!showNames && v === 0) return;
        if (state.level === "kelurahan" && v === 0) return;
        var html = (showNames ? "<span class=\"map-label__name\">" + escapeHtml(p.short || p.name) + "</span>" : "") +
          "<span class=\"map-label__value\">" + number.format(v) + "</span>";
        L.marker(p.label, {
          icon: L.divIcon({ className: "map-label" + (wall ? " map-label--wall" : ""), html: html,
                            iconSize: null }),
          keyboard: false, interactive: false,
        }).addTo(labels);
      });
      var key = state.level + (data.features.length);
      if (state.fitted !== key) {
        state.fitted = key;
        fit(map, state.layer, null);
      }
      legend(classes);
      table();
      insets();
      approxNote(el, data.approximate);
      text(el.querySelector("[data-map-total]"), number.format(data.totals[state.metric]));
      text(el.querySelector("[data-map-unlocated]"), number.format(data.unlocated[state.metric]));
      text(el.querySelector("[data-map-metric-label]"), data.metric_labels[state.metric]);
      var stamp = el.querySelector("[data-map-stamp]");
      if (stamp) {
        var t = new Date(data.generated_at);
        stamp.textContent = t.toLocaleTimeString(lang === "en" ? "en-GB" : "id-ID",
          { hour: "2-digit", minute: "2-digit", timeZone: "Asia/Jakarta" });
      }
    }

    function legend(classes) {
      var box = el.querySelector("[data-map-legend]");
      if (!box) return;
      box.textContent = "";
      classes.forEach(function (c, i) {
        var item = make("li", "map-legend__item");
        var swatch = make("span", "map-legend__swatch map-legend__swatch--" + i);
        swatch.setAttribute("aria-hidden", "true");
        item.appendChild(swatch);
        item.appendChild(make("span", "map-legend__text", rangeText(c)));
        box.appendChild(item);
      });
    }

    function table() {
      var body = el.querySelector("[data-map-table] tbody");
      if (!body) return;
      var limit = parseInt(el.dataset.tableRows || "0", 10);
      var rows = state.data.features.map(function (f) { return f.properties; })
        .filter(function (p) { return p.open > 0; })
        .sort(function (a, b) { return b[state.metric] - a[state.metric] || a.name.localeCompare(b.name); });
      if (limit > 0) rows = rows.slice(0, limit);
      body.textContent = "";
      if (!rows.length) {
        var tr = document.createElement("tr");
        var td = make("td", "", el.dataset.emptyText || "Tidak ada tiket terbuka.");
        td.colSpan = 3;
        tr.appendChild(td);
        body.appendChild(tr);
      }
      rows.forEach(function (p) {
        var tr = document.createElement("tr");
        tr.appendChild(make("th", "", p.name)).setAttribute("scope", "row");
        tr.appendChild(make("td", "num", number.format(p.late)));
        tr.appendChild(make("td", "num", number.format(p.unworked)));
        body.appendChild(tr);
      });
    }

    function insets() {
      var box = el.querySelector("[data-map-inset]");
      if (!box) return;
      var parts = state.data.features.filter(function (f) { return f.properties.inset; })
        .map(function (f) { return f.properties.name + ": " + number.format(f.properties[state.metric]); });
      box.hidden = !parts.length;
      text(box, parts.length ? (el.dataset.insetText || "Di luar bingkai peta") + " — " + parts.join(", ") : "");
    }

    function url() {
      var u = new URL(el.dataset.src, window.location.href);
      u.searchParams.set("level", state.level);
      return u.toString();
    }

    function load() {
      return fetchJson(url()).then(function (data) {
        state.data = data;
        el.classList.remove("map--stale");
        render();
      }).catch(function () { el.classList.add("map--stale"); });
    }

    el.querySelectorAll("[data-map-choice]").forEach(function (button) {
      button.addEventListener("click", function () {
        var kind = button.dataset.mapChoice, value = button.value;
        el.querySelectorAll('[data-map-choice="' + kind + '"]').forEach(function (b) {
          b.setAttribute("aria-pressed", String(b === button));
        });
        state[kind] = value;
        if (kind === "level") load(); else render();
      });
    });
    load();
    var every = parseInt(el.dataset.refresh || "0", 10);
    if (every > 0) {
      var timer = window.setInterval(function () {
        if (!document.body.contains(el)) { window.clearInterval(timer); return; }
        load();
      }, every * 1000);
    }
  }

  // --- mounting ----------------------------------------------------------------------

  var KINDS = { pin: mountPin, area: mountPin, picker: mountPicker, portal: mountPortal,
                choropleth: mountChoropleth };

  function mountAll(root) {
    if (!L) return;
    (root || document).querySelectorAll("[data-map]").forEach(function (el) {
      if (el.dataset.mapMounted === "1" || !KINDS[el.dataset.map]) return;
      el.dataset.mapMounted = "1";
      el.classList.add("map--live");
      try { KINDS[el.dataset.map](el); } catch (err) {
        el.classList.add("map--stale");
        if (window.console) window.console.error(err);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { mountAll(document); });
  } else {
    mountAll(document);
  }
  // Maps inside fragments htmx swaps in (a ticket after an action).
  document.addEventListener("htmx:load", function (e) { mountAll(e.target); });
})();
