/* Pantau MRO workstation (board/page.html, mode "workstation"): every open
 * ticket of the board, filtered by keadaan, kota, unit, category and status,
 * sorted, and paged (or all at once), with the row actions (warn, acknowledge,
 * note) in a dialog posted by htmx.
 *
 * Runs over live.js's model (window.pantauBoard): a render hook receives the
 * computed lists every second and on every delta; the filters live in the
 * address (?keadaan=chronic …) so the wall's chronic tile links straight here.
 */
(function () {
  "use strict";

  var board = window.pantauBoard;
  var tbody = document.getElementById("desk-list");
  if (!board || !tbody) return;
  var cfg = board.cfg, P = board.parts, esc = P.esc;
  var province = cfg.scope.kind === "province";
  var PAGE = cfg.pageSize, TW = cfg.timeWords;

  var form = document.getElementById("desk-filters");
  var els = {
    count: document.getElementById("desk-count"), page: document.getElementById("desk-page"),
    pager: document.getElementById("desk-pager"), dialog: document.getElementById("board-dialog"),
    toast: document.getElementById("board-toast")
  };
  // Filter fields and their address parameters ("kota" is the board's own narrowing).
  var FIELDS = { keadaan: "keadaan", kota: "kota_id", unit: "unit", kategori: "kategori",
    status: "status", urut: "urut", semua: "semua" };
  var state = { page: 1 };
  var shownSig = "", optionsSig = "", rowsShown = new Map(), firstRender = true;

  function field(name) { return form.elements[name]; }

  function readAddress() {
    var q = new URLSearchParams(window.location.search);
    Object.keys(FIELDS).forEach(function (name) {
      var el = field(name), v = q.get(FIELDS[name]);
      if (!el || v == null) return;
      if (el.type === "checkbox") {
        el.checked = v === "1";
      } else {
        el.setAttribute("data-want", v);  // unit and category options arrive with the snapshot
        el.value = v;
      }
    });
    state.page = Math.max(1, parseInt(q.get("hal"), 10) || 1);
  }

  function writeAddress() {
    var q = new URLSearchParams(window.location.search);
    Object.keys(FIELDS).forEach(function (name) {
      var el = field(name), def = name === "keadaan" ? "active" : (name === "urut" ? "priority" : "");
      if (!el) return;
      var v = el.type === "checkbox" ? (el.checked ? "1" : "") : el.value;
      if (v && v !== def) q.set(FIELDS[name], v); else q.delete(FIELDS[name]);
    });
    if (state.page > 1) q.set("hal", String(state.page)); else q.delete("hal");
    var s = q.toString();
    window.history.replaceState(null, "", window.location.pathname + (s ? "?" + s : ""));
  }

  function value(name) { var el = field(name); return el ? el.value : ""; }

  // Unit and category choices come from the tickets on the board (kept when re-filled).
  function fillOptions(all) {
    var units = new Map(), cats = new Map();
    all.forEach(function (x) {
      var r = x.e.row;
      units.set(r.unit_id == null ? "none" : String(r.unit_id), r.unit);
      cats.set(r.category, r.category);
    });
    var sig = Array.from(units.keys()).sort().join(",") + "|" + Array.from(cats.keys()).sort().join(",");
    if (sig === optionsSig) return;
    optionsSig = sig;
    [["unit", units], ["kategori", cats]].forEach(function (pair) {
      var el = field(pair[0]), keep = el.value || el.getAttribute("data-want") || "";
      var first = el.options[0].outerHTML;
      var entries = Array.from(pair[1].entries()).sort(function (a, b) { return a[1].localeCompare(b[1], "id"); });
      el.innerHTML = first + entries.map(function (kv) {
        return '<option value="' + esc(kv[0]) + '">' + esc(kv[1]) + "</option>";
      }).join("");
      if (keep && pair[1].has(keep)) el.value = keep;
    });
  }

  function inState(x, keadaan) {
    var d = x.d;
    switch (keadaan) {
      case "segera": return d.segera && !d.late;
      case "late": return d.late && !d.chronic;
      case "chronic": return d.chronic;
      case "unworked": return d.unworked;
      case "all": return true;
      default: return (d.segera && !d.late) || (d.late && !d.chronic);  // "active"
    }
  }

  function byReceived(a, b) { return (a.e.t.received - b.e.t.received) || (a.e.row.id - b.e.row.id); }
  // When each ticket is next due: the late ones first (longest late), then time left.
  function dueKey(x) { return x.d.late ? x.d.lateSince - 1e15 : (x.d.next ? x.d.next.at : 1e15 + x.e.t.received); }
  var SORTS = {
    priority: function (a, b) {
      var pa = a.d.late ? 0 : (a.d.next ? 1 : 2), pb = b.d.late ? 0 : (b.d.next ? 1 : 2);
      if (pa !== pb) return pa - pb;
      if (pa === 0) return (b.d.level - a.d.level) || (a.d.lateSince - b.d.lateSince) || (a.e.row.id - b.e.row.id);
      if (pa === 1) return (a.d.next.at - b.d.next.at) || (a.e.row.id - b.e.row.id);
      return byReceived(a, b);
    },
    deadline: function (a, b) { return (dueKey(a) - dueKey(b)) || (a.e.row.id - b.e.row.id); },
    newest: function (a, b) { return byReceived(b, a); },
    oldest: byReceived,
    unit: function (a, b) { return a.e.row.unit.localeCompare(b.e.row.unit, "id") || byReceived(a, b); }
  };

  function select(c) {
    var keadaan = value("keadaan"), kota = value("kota"), unit = value("unit"),
      kategori = value("kategori"), status = value("status");
    var rows = c.all.filter(function (x) {
      var r = x.e.row;
      if (!inState(x, keadaan)) return false;
      if (kota && String(r.kota_id) !== kota) return false;
      if (unit && (r.unit_id == null ? "none" : String(r.unit_id)) !== unit) return false;
      if (kategori && r.category !== kategori) return false;
      if (status && r.status !== status) return false;
      return true;
    });
    rows.sort(SORTS[value("urut")] || SORTS.priority);
    return rows;
  }

  function rowHtml(x, t) {
    var r = x.e.row, d = x.d, tm = P.timeOf(x, t);
    var canAck = d.tier >= 2 && !d.acked;
    return '<tr class="drow tier-' + d.tier + '" data-id="' + r.id + '">' +
      "<td>" + P.chipHtml(x) + (d.acked ? '<span class="lmark__ack" title="' + esc(cfg.words.acknowledged) + '">✓<span class="sr-only"> ' +
        esc(cfg.words.acknowledged) + "</span></span>" : "") + "</td>" +
      '<td class="drow__time drow__time--' + tm.mode + '"><span class="drow__tw">' + esc(TW[tm.mode]) + '</span> <span class="drow__clock">' +
        esc(tm.text) + "</span></td>" +
      '<td><span class="drow__cat">' + esc(r.category) + '</span> <span class="drow__tracking">' + esc(r.tracking) + "</span></td>" +
      "<td>" + esc(r.unit) + "</td>" +
      (province ? "<td>" + esc(r.kota || "—") + "</td>" : "") +
      "<td>" + P.statusHtml(r) + "</td>" +
      '<td class="drow__touch">' + P.touchHtml(x.e, t) + "</td>" +
      '<td class="drow__actions">' +
        '<a class="bbtn" href="' + esc(cfg.ticketUrl.replace(cfg.idPlaceholder, r.id)) + '" target="_blank" rel="noopener">Buka</a>' +
        '<button type="button" class="bbtn" data-act="warning" data-id="' + r.id + '">Tegur</button>' +
        '<button type="button" class="bbtn" data-act="acknowledge" data-id="' + r.id + '"' + (canAck ? "" : " disabled") + ">Tangani</button>" +
        '<button type="button" class="bbtn" data-act="note" data-id="' + r.id + '">Catat</button></td></tr>';
  }

  function render(c, t) {
    fillOptions(c.all);
    var rows = select(c), all = field("semua").checked;
    var pages = all ? 1 : Math.max(1, Math.ceil(rows.length / PAGE));
    if (state.page > pages) state.page = pages;
    var start = all ? 0 : (state.page - 1) * PAGE, shown = all ? rows : rows.slice(start, start + PAGE);
    var sig = shown.map(function (x) { return x.e.row.id + "=" + P.rowSig(x); }).join(",") + "|" + state.page + "|" + rows.length;
    if (sig !== shownSig) {
      shownSig = sig;
      tbody.innerHTML = shown.map(function (x) { return rowHtml(x, t); }).join("");
      var seen = new Map();
      Array.prototype.forEach.call(tbody.children, function (tr, i) {
        var id = shown[i].e.row.id, s = P.rowSig(shown[i]), before = rowsShown.get(id);
        seen.set(id, s);
        // Only a row whose content changed flashes, not one a filter or a page brought in.
        if (!firstRender && before !== undefined && before !== s) P.flash("row:" + id, tr, t);
        else P.keepFlash("row:" + id, tr, t);
      });
      rowsShown.forEach(function (s, id) { if (!seen.has(id) && board.model.has(id)) seen.set(id, s); });
      rowsShown = seen;
      firstRender = false;
      P.setText(els.count, rows.length ? (all || rows.length <= PAGE
        ? rows.length + " tiket"
        : (start + 1) + "–" + (start + shown.length) + " dari " + rows.length + " tiket")
        : "Tidak ada tiket yang cocok dengan saringan ini.");
      P.setText(els.page, all ? "" : state.page + " / " + pages);
      els.pager.hidden = all || pages < 2;
      els.pager.querySelector('[data-page="prev"]').disabled = state.page <= 1;
      els.pager.querySelector('[data-page="next"]').disabled = state.page >= pages;
      return;
    }
    Array.prototype.forEach.call(tbody.children, function (tr, i) {
      P.setText(tr.querySelector(".drow__clock"), P.timeOf(shown[i], t).text);
      P.keepFlash("row:" + shown[i].e.row.id, tr, t);
    });
  }

  function changed(resetPage) {
    if (resetPage) state.page = 1;
    shownSig = "";
    writeAddress();
    board.render();
  }

  readAddress();
  form.addEventListener("change", function () { changed(true); });
  form.addEventListener("submit", function (evt) { evt.preventDefault(); });
  form.addEventListener("reset", function () {
    Array.prototype.forEach.call(form.querySelectorAll("select"), function (el) { el.removeAttribute("data-want"); });
    window.setTimeout(function () { changed(true); }, 0);
  });
  els.pager.addEventListener("click", function (evt) {
    var btn = evt.target.closest("[data-page]");
    if (!btn || btn.disabled) return;
    state.page += btn.getAttribute("data-page") === "next" ? 1 : -1;
    changed(false);
    tbody.closest(".desk__main").scrollIntoView({ block: "start" });
  });
  // The chronic tile opens the chronic tickets' list.
  document.addEventListener("click", function (evt) {
    var tile = evt.target.closest("[data-state-filter]");
    if (!tile) return;
    field("keadaan").value = tile.getAttribute("data-state-filter");
    changed(true);
    field("keadaan").focus();
  });
  board.hooks.push(render);

  // --- row actions -------------------------------------------------------------

  var ACTIONS = {
    warning: { title: "Teguran ke unit", submit: "Kirim teguran", done: "Teguran terkirim",
      text: "Mohon segera ditindaklanjuti: laporan ini sudah melewati batas waktu." },
    acknowledge: { title: "Tangani eskalasi", submit: "Tandai ditangani", done: "Eskalasi ditandai ditangani",
      text: "Eskalasi diterima MRO; unit sudah dihubungi." },
    note: { title: "Catatan MRO", submit: "Simpan catatan", done: "Catatan tersimpan", text: "" }
  };

  function toast(text) {
    if (!els.toast) return;
    els.toast.textContent = text;
    els.toast.hidden = false;
    window.clearTimeout(toast.timer);
    toast.timer = window.setTimeout(function () { els.toast.hidden = true; }, 4000);
  }

  function openAction(kind, id) {
    var e = board.model.get(id), a = ACTIONS[kind];
    if (!e || !a) return;
    var r = e.row;
    els.dialog.innerHTML =
      '<form class="bform" method="post" hx-post="' + esc(cfg.noteUrl.replace(cfg.idPlaceholder, r.id)) +
      '" hx-swap="none" hx-disabled-elt="find button[type=submit]">' +
      '<h2 id="bdialog-title">' + esc(a.title) + ' <span class="mono">' + esc(r.tracking) + "</span></h2>" +
      '<p class="bform__meta">' + esc(r.category) + " · " + esc(r.unit) + (r.kota ? " · " + esc(r.kota) : "") + "</p>" +
      (r.touch ? '<p class="bform__meta">' + P.touchHtml(e, board.now()) + "</p>" : "") +
      '<input type="hidden" name="kind" value="' + esc(kind) + '">' +
      '<input type="hidden" name="version" value="' + r.version + '">' +
      '<label for="bform-text">Isi</label>' +
      '<textarea id="bform-text" name="text" rows="4" maxlength="2000" required>' + esc(a.text) + "</textarea>" +
      '<div class="bform__actions"><button type="submit" class="bbtn bbtn--primary">' + esc(a.submit) + "</button>" +
      '<button type="button" class="bbtn" data-close>Batal</button></div></form>';
    var f = els.dialog.querySelector("form");
    f.addEventListener("htmx:afterRequest", function (evt) {
      var status = evt.detail.xhr ? evt.detail.xhr.status : 0;
      els.dialog.close();  // a refusal is shown in #alerts (HX-Retarget)
      if (status >= 200 && status < 300) toast(a.done + " — " + r.tracking);
    });
    window.htmx.process(f);
    els.dialog.showModal();
    var text = els.dialog.querySelector("textarea");
    text.focus();
    text.setSelectionRange(text.value.length, text.value.length);
  }

  tbody.addEventListener("click", function (evt) {
    var btn = evt.target.closest("button[data-act]");
    if (btn) openAction(btn.getAttribute("data-act"), Number(btn.getAttribute("data-id")));
  });
  els.dialog.addEventListener("click", function (evt) {
    if (evt.target.closest("[data-close]")) els.dialog.close();
  });
})();
