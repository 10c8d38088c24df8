/* Pantau live board: a snapshot on every (re)connect, then Socket.IO deltas.
 *
 * The client keeps a model keyed by ticket id (a row is applied only when its
 * version is newer; a null row drops the ticket), recomputes counters and the
 * late list from it, and ticks ages and lateness every second from the stored
 * deadlines and its own clock (corrected by the server's time), so a ticket
 * turns late on screen at its deadline without any server traffic.
 *
 * Exposed for tests: window.pantauBoard = {model, lastSeq, connected, ...}.
 * No framework; the socket.io client and (on the workstation) htmx are vendored.
 */
(function () {
  "use strict";

  var root = document.getElementById("board");
  if (!root) return;
  var cfg = JSON.parse(root.getAttribute("data-config"));
  var province = cfg.scope.kind === "province";
  var workstation = cfg.mode === "workstation";

  var MIN = 60e3, HOUR = 60 * MIN, DAY = 24 * HOUR, WIB = 7 * HOUR;
  // The escalation job's thresholds (domain/sla.py) and the markers' words
  // (domain/history.py) come with the page: this file spells neither.
  var LEVEL1 = cfg.rules.level1Ms, LEVEL2 = cfg.rules.level2Ms;
  var WORDS = cfg.words;
  var TICKER_MAX = 30;
  // The counters, in order: [key, glyph, short label] (views/board.py COUNTERS; the page's tiles).
  var COUNTER_TILES = cfg.counters;
  var COUNTERS = COUNTER_TILES.map(function (c) { return c[0]; });
  var GLYPH = { 3: "◆", 2: "▲", 1: "○" };
  var STATUS_GLYPH = { waiting: "●", dispositioned: "➜", coordinating: "⇄", in_progress: "◐",
    ews: "⚑", awaiting_validation: "◷", reopened: "↺", verified: "✓", rejected: "✕" };

  var board = window.pantauBoard = {
    model: new Map(),     // ticket id -> {row, t: parsed times}
    gone: new Map(),      // ticket id -> version at which it left this board
    lastSeq: 0,           // highest event seq applied (or the snapshot's)
    snapshotSeq: 0,
    connected: false,
    synced: false,
    kotas: [],
    completed: new Map(), // kota id (or "none") -> first completions today
    ticker: [],
    offset: 0,            // server clock minus client clock, ms
    day: null,            // the Jakarta day the counts belong to
    scope: cfg.scope,
    deltas: 0,
    snapshots: 0,
    chains: new Map(),    // publishing process -> seq of the last delta received from it
    gaps: 0,              // deltas found missing (each followed by a fresh snapshot)
    chainBroken: chainBroken,
    socket: null
  };
  var buffer = null;       // deltas held while a snapshot is in flight
  var fetchGen = 0;
  var retryTimer = null;
  var listSignature = "";
  var renderQueued = false;

  var $ = function (id) { return document.getElementById(id); };
  var els = {
    banner: $("board-banner"), bannerText: $("board-banner-text"), live: $("board-live"),
    liveText: $("board-live-text"), clock: $("board-clock"), kotas: $("board-kotas"),
    list: $("board-list"), more: $("board-more"), ticker: $("board-ticker"),
    revoked: $("board-revoked"), dialog: $("board-dialog"), toast: $("board-toast")
  };

  function now() { return Date.now() + board.offset; }
  function ms(iso) { return iso ? Date.parse(iso) : null; }
  function jakartaDay(t) { return Math.floor((t + WIB) / DAY); }
  function pad(n) { return n < 10 ? "0" + n : "" + n; }
  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function hhmm(t) { var d = new Date(t + WIB); return pad(d.getUTCHours()) + ":" + pad(d.getUTCMinutes()); }
  function clockText(t) { var d = new Date(t + WIB); return hhmm(t) + ":" + pad(d.getUTCSeconds()); }
  // An age as the wall shows it: "3 hari 04:12" ("hari" as formatting.duration_minutes
  // writes a day), under a day a ticking "04:12:09". No other duration words here.
  function ageText(a) {
    if (a < 0) a = 0;
    var s = Math.floor(a / 1000), d = Math.floor(s / 86400);
    s -= d * 86400;
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
    return d > 0 ? d + " hari " + pad(h) + ":" + pad(m) : pad(h) + ":" + pad(m) + ":" + pad(sec);
  }

  // --- the model ----------------------------------------------------------

  function entry(row) {
    return {
      row: row,
      t: {
        received: ms(row.received_at), clockStart: ms(row.clock_started_at),
        clockStop: ms(row.clock_stopped_at), responseDue: ms(row.response_due_at),
        firstResponse: ms(row.first_response_at), completionDue: ms(row.completion_due_at),
        ack: ms(row.escalation_ack_at)
      }
    };
  }

  function putRow(id, version, row) {
    var cur = board.model.get(id);
    if (version != null) {
      if (cur && cur.row.version >= version) return false;
      var left = board.gone.get(id);
      if (!cur && left != null && left >= version) return false;
    }
    if (row) {
      board.model.set(id, entry(row));
      board.gone.delete(id);
    } else {
      board.model.delete(id);
      if (version != null) board.gone.set(id, version);
    }
    return true;
  }

  function loadSnapshot(snap, serverTime) {
    board.offset = (ms(serverTime) || ms(snap.generated_at)) - Date.now();
    board.model.clear();
    board.gone.clear();
    snap.tickets.forEach(function (r) { board.model.set(r.id, entry(r)); });
    board.snapshotSeq = board.lastSeq = snap.seq;
    board.kotas = snap.kotas;
    board.completed = new Map();
    snap.completed_today.forEach(function (c) { board.completed.set(c.kota_id == null ? "none" : c.kota_id, c.count); });
    board.ticker = snap.ticker.slice(0, TICKER_MAX);
    board.day = jakartaDay(now());
    board.synced = true;
    board.snapshots += 1;
    buildKotaTiles();
    listSignature = "";
  }

  var checkTimer = null;
  var lastCheck = 0;
  function scheduleCheck() {
    if (checkTimer) return;
    var wait = Math.max(1000, 10000 - (Date.now() - lastCheck));  // at most one per 10 s
    checkTimer = setTimeout(function () {
      checkTimer = null;
      lastCheck = Date.now();
      resync();
    }, wait);
  }

  // Deltas lost on the way (Redis restarting) are noticed by their chain links: each
  // delta names, per room, the seq of the previous delta its process sent there
  // (publisher.py Chain). The link is broken when it does not point at the last delta
  // received from that process; for a process not heard from since (re)connecting,
  // when it points past the snapshot (an earlier delta is in the snapshot).
  // Call once per delta, in arrival order.
  function chainBroken(chains, d, room, snapshotSeq) {
    var c = d.chain;
    if (!c || !c.prev || !Object.prototype.hasOwnProperty.call(c.prev, room)) return false;
    var prev = c.prev[room], known = chains.has(c.src), last = chains.get(c.src);
    chains.set(c.src, d.seq);
    if (known) return prev !== last;
    return prev != null && prev > snapshotSeq;
  }

  var gapTimer = null;
  function noteChain(d) {
    if (!chainBroken(board.chains, d, cfg.scope.room, board.snapshotSeq)) return;
    board.gaps += 1;
    if (gapTimer) return;
    // Jittered: every board of the city notices the same gap at once.
    gapTimer = window.setTimeout(function () {
      gapTimer = null;
      if (board.connected) resync();
    }, Math.random() * 1000);
  }

  function applyDelta(d) {
    if (d.resync) { resync(); return; }
    var fresh = d.seq == null || d.seq > board.snapshotSeq;
    if (!fresh) {
      // Already in the snapshot, unless it updates a row the snapshot holds at an older version.
      var cur = board.model.get(d.id);
      if (!cur && d.row && !board.gone.has(d.id)) {
        // On PostgreSQL an event id is taken before its commit: a ticket committed just
        // after the snapshot can carry a smaller seq. Check with a fresh snapshot.
        scheduleCheck();
        return;
      }
      if (!(cur && d.version != null && d.version > cur.row.version)) return;
    }
    putRow(d.id, d.version, d.row || null);
    board.deltas += 1;
    if (d.seq != null && d.seq > board.lastSeq) board.lastSeq = d.seq;
    if (fresh && d.ticker && !board.ticker.some(function (x) { return x.seq === d.seq; })) {
      board.ticker.unshift(d.ticker);
      board.ticker.sort(function (a, b) { return b.seq - a.seq; });
      board.ticker.length = Math.min(board.ticker.length, TICKER_MAX);
    }
    if (fresh && d.kind === "completed" && d.first_completion && jakartaDay(ms(d.at)) === board.day) {
      var k = d.kota_id == null ? "none" : d.kota_id;
      board.completed.set(k, (board.completed.get(k) || 0) + 1);
    }
    scheduleRender();
  }

  // --- lateness, derived on the client --------------------------------------

  function derive(e, t) {
    var r = e.row, x = e.t, owes = r.owes_work;
    var unworked = owes && x.clockStop === null;
    var lateResponse = owes && x.firstResponse === null && x.responseDue <= t;
    var lateCompletion = owes && x.completionDue <= t;
    var level = r.escalation_level || 0;
    if (owes && r.unit_id !== null && x.clockStop === null) {
      // The same rule as the escalation job (sla.unworked_level) on the current clock.
      var a = t - x.clockStart;
      if (a >= LEVEL2) level = Math.max(level, 2);
      else if (a >= LEVEL1) level = Math.max(level, 1);
    }
    var tier = 0, marker = "";
    if (level >= 2) { tier = 3; marker = WORDS.level2; }
    else if (lateCompletion) { tier = 3; marker = WORDS.overdue; }
    else if (level === 1) { tier = 2; marker = WORDS.level1; }
    else if (lateResponse) { tier = 2; marker = WORDS.late; }
    else if (unworked) { tier = 1; marker = WORDS.unworked; }
    // When the lateness shown began: an acknowledgement counts only if it came after.
    var since = null;
    if (level >= 2) since = x.clockStart + LEVEL2;
    else if (lateCompletion) since = x.completionDue;
    else if (level === 1) since = x.clockStart + LEVEL1;
    else if (lateResponse) since = x.responseDue;
    return {
      unworked: unworked, lateResponse: lateResponse, lateCompletion: lateCompletion,
      level: level, tier: tier, marker: marker,
      acked: since !== null && x.ack !== null && x.ack >= since
    };
  }

  function emptyCounts() {
    var c = {};
    COUNTERS.forEach(function (k) { c[k] = 0; });
    return c;
  }

  function compute(t) {
    var total = emptyCounts(), perKota = new Map(), listed = [];
    board.model.forEach(function (e) {
      var d = derive(e, t), r = e.row;
      var k = perKota.get(r.kota_id);
      if (!k) { k = emptyCounts(); perKota.set(r.kota_id, k); }
      var add = function (key) { total[key] += 1; k[key] += 1; };
      if (d.unworked) add("unworked");
      if (d.lateResponse) add("late_response");
      if (d.lateCompletion) add("late_completion");
      if (d.level >= 1) add("escalated");
      if (r.status === "awaiting_validation") add("awaiting_validation");
      if (r.status === "reopened") add("reopened");
      if (d.tier > 0) listed.push({ e: e, d: d });
    });
    board.completed.forEach(function (n, kota) {
      total.completed_today += n;
      var k = perKota.get(kota === "none" ? null : kota);
      if (!k) { k = emptyCounts(); perKota.set(kota === "none" ? null : kota, k); }
      k.completed_today += n;
    });
    listed.sort(function (a, b) { return (a.e.t.received - b.e.t.received) || (a.e.row.id - b.e.row.id); });
    return { total: total, perKota: perKota, listed: listed };
  }

  // --- rendering ------------------------------------------------------------

  function setText(el, text) { if (el && el.textContent !== text) el.textContent = text; }

  function buildKotaTiles() {
    if (!els.kotas) return;
    if (!province || board.kotas.length < 2) { els.kotas.hidden = true; return; }
    els.kotas.hidden = false;
    els.kotas.innerHTML = board.kotas.map(function (k) {
      return '<div class="ktile" data-kota="' + k.id + '"><div class="ktile__name">' + esc(k.name) +
        '</div><div class="ktile__grid">' + COUNTER_TILES.map(function (m) {
          return '<span class="kstat kstat--' + m[0] + '" data-k="' + m[0] + '" title="' + esc(m[2]) +
            '"><span class="kstat__glyph" aria-hidden="true">' + esc(m[1]) + '</span><span class="kstat__num">0</span>' +
            '<span class="sr-only"> ' + esc(m[2]) + '</span></span>';
        }).join("") + "</div></div>";
    }).join("");
  }

  function renderCounters(c) {
    COUNTERS.forEach(function (key) {
      var tile = root.querySelector('[data-counter="' + key + '"]');
      if (!tile) return;
      setText(tile.querySelector(".ctile__value"), String(c.total[key]));
      tile.classList.toggle("is-zero", c.total[key] === 0);
    });
    if (!els.kotas || els.kotas.hidden) return;
    board.kotas.forEach(function (k) {
      var tile = els.kotas.querySelector('[data-kota="' + k.id + '"]');
      if (!tile) return;
      var counts = c.perKota.get(k.id) || emptyCounts();
      COUNTERS.forEach(function (key) {
        var s = tile.querySelector('[data-k="' + key + '"]');
        setText(s.querySelector(".kstat__num"), String(counts[key]));
        s.classList.toggle("is-zero", counts[key] === 0);
      });
    });
  }

  function rowHtml(item) {
    var r = item.e.row, d = item.d;
    var html = '<div class="blist__row tier-' + d.tier + '" role="row" data-id="' + r.id + '">' +
      '<span role="cell" class="blist__mark"><span class="lmark lmark--' + d.tier + '"><span class="lmark__icon" aria-hidden="true">' +
      GLYPH[d.tier] + "</span>" + esc(d.marker) + "</span>" +
      (d.acked ? '<span class="lmark__ack" title="' + esc(WORDS.acknowledged) + '">✓<span class="sr-only"> ' + esc(WORDS.acknowledged) + "</span></span>" : "") +
      "</span>" +
      '<span role="cell" class="blist__age" data-received="' + item.e.t.received + '"></span>' +
      '<span role="cell" class="blist__what"><span class="blist__cat">' + esc(r.category) +
      '</span> <span class="blist__tracking">' + esc(r.tracking) + "</span></span>" +
      '<span role="cell" class="blist__unit">' + esc(r.unit) + "</span>" +
      (province ? '<span role="cell" class="blist__kota">' + esc(r.kota || "—") + "</span>" : "") +
      '<span role="cell" class="blist__status"><span class="sbadge sbadge--' + esc(r.status) + '"><span aria-hidden="true">' +
      (STATUS_GLYPH[r.status] || "○") + "</span>" + esc(r.status_label) + "</span></span>";
    if (workstation) {
      var canAck = d.tier >= 2 && !d.acked;
      html += '<span role="cell" class="blist__actions">' +
        '<a class="bbtn" href="' + esc(cfg.ticketUrl.replace(cfg.idPlaceholder, r.id)) + '" target="_blank" rel="noopener">Buka</a>' +
        '<button type="button" class="bbtn" data-act="warning" data-id="' + r.id + '">Tegur</button>' +
        '<button type="button" class="bbtn" data-act="acknowledge" data-id="' + r.id + '"' + (canAck ? "" : " disabled") + ">Tangani</button>" +
        '<button type="button" class="bbtn" data-act="note" data-id="' + r.id + '">Catat</button></span>';
    }
    return html + "</div>";
  }

  function renderList(c, t) {
    var sig = c.listed.map(function (x) {
      return x.e.row.id + ":" + x.e.row.version + ":" + x.d.tier + ":" + x.d.level + ":" + (x.d.acked ? 1 : 0);
    }).join(",") + "|" + els.list.clientHeight;
    if (sig !== listSignature) {
      listSignature = sig;
      var cap = Math.min(c.listed.length, 120);
      els.list.innerHTML = c.listed.slice(0, cap).map(rowHtml).join("");
      // Keep only the rows that fit: the wall never scrolls.
      var rows = els.list.children, shown = rows.length;
      if (shown) {
        var h = rows[0].getBoundingClientRect().height || 1;
        var fit = Math.max(1, Math.floor((els.list.clientHeight + 1) / h));
        while (rows.length > fit) els.list.removeChild(els.list.lastChild);
        shown = rows.length;
      }
      var hidden = c.listed.length - shown;
      setText(els.more, hidden > 0 ? "+" + hidden + " lainnya" : (c.listed.length ? "" : "Tidak ada tiket terlambat atau belum dikerjakan."));
      els.more.classList.toggle("is-empty", !c.listed.length);
    }
    var ages = els.list.querySelectorAll(".blist__age");
    for (var i = 0; i < ages.length; i++) setText(ages[i], ageText(t - Number(ages[i].getAttribute("data-received"))));
  }

  function renderTicker() {
    var sig = board.ticker.map(function (x) { return x.seq; }).join(",") + "|" + els.ticker.clientHeight;
    if (els.ticker.getAttribute("data-sig") === sig) return;
    els.ticker.setAttribute("data-sig", sig);
    els.ticker.innerHTML = board.ticker.map(function (x) {
      return '<li class="tick tick--' + esc(x.tone) + '" data-seq="' + x.seq + '"><span class="tick__time">' + hhmm(ms(x.at)) +
        '</span><span class="tick__glyph" aria-hidden="true">' + esc(x.glyph) + '</span><span class="tick__body"><span class="tick__label">' +
        esc(x.label) + '</span><span class="tick__meta">' + esc(x.tracking) + " · " + esc(x.category) +
        (province && x.kota ? " · " + esc(x.kota) : "") + "</span></span></li>";
    }).join("");
    // Drop the lines that do not fit (no half-cut lines, no scrolling).
    while (els.ticker.lastChild && els.ticker.scrollHeight > els.ticker.clientHeight + 1) {
      els.ticker.removeChild(els.ticker.lastChild);
    }
  }

  function render() {
    renderQueued = false;
    var t = now();
    setText(els.clock, clockText(t));
    if (!board.synced) return;
    var c = compute(t);
    renderCounters(c);
    renderList(c, t);
    renderTicker();
    root.setAttribute("aria-busy", "false");
  }

  function scheduleRender() {
    if (renderQueued) return;
    renderQueued = true;
    window.requestAnimationFrame(render);
  }

  // --- connection -----------------------------------------------------------

  function setConnected(on, message) {
    board.connected = on;
    els.banner.hidden = on;
    document.body.classList.toggle("is-offline", !on);
    if (!on) setText(els.bannerText, message || "Koneksi terputus — menyambung ulang…");
    els.live.setAttribute("data-state", on ? "live" : "offline");
    setText(els.liveText, on ? "Langsung" : "Terputus");
  }

  function resync() {
    buffer = buffer || [];
    var gen = ++fetchGen;
    fetch(cfg.snapshotUrl, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } })
      .then(function (res) {
        if (!res.ok) throw new Error("snapshot " + res.status);
        var serverTime = res.headers.get("X-Server-Time");
        return res.json().then(function (snap) { return [snap, serverTime]; });
      })
      .then(function (pair) {
        if (gen !== fetchGen) return;
        loadSnapshot(pair[0], pair[1]);
        var held = buffer || [];
        buffer = null;
        held.forEach(noteChain);  // in arrival order, before sorting
        held.sort(function (a, b) { return (a.seq || 0) - (b.seq || 0); }).forEach(applyDelta);
        render();
      })
      .catch(function () {
        if (gen !== fetchGen) return;
        // Keep buffering; try again shortly (jittered so that boards do not stampede).
        window.setTimeout(function () { if (gen === fetchGen && board.connected) resync(); }, 2000 + Math.random() * 3000);
      });
  }

  function retryLater(delay) {
    window.clearTimeout(retryTimer);
    retryTimer = window.setTimeout(function () { if (!board.connected) socket.connect(); }, delay);
  }

  var socket = board.socket = window.io({
    transports: ["websocket", "polling"],
    auth: cfg.auth || {},
    reconnectionDelay: 1000,
    reconnectionDelayMax: 5000,
    randomizationFactor: 0.5
  });
  socket.on("connect", function () {
    els.revoked.hidden = true;
    setConnected(true);
    resync();
  });
  socket.on("disconnect", function (reason) {
    setConnected(false);
    buffer = null;
    board.chains.clear();  // the reconnect's snapshot is the new start of every chain
    fetchGen += 1;
    // The server closed this board on purpose (token revoked): it does not
    // reconnect by itself, so try again now and then.
    if (reason === "io server disconnect") retryLater(30000);
  });
  socket.on("connect_error", function () {
    if (socket.active) { setConnected(false); return; }
    // Refused at connect (session ended, token revoked): no automatic retry.
    setConnected(false, "Akses papan ditolak — masuk kembali atau minta token layar baru.");
    retryLater(30000);
  });
  socket.on("ticket.changed", function (d) {
    if (buffer) { buffer.push(d); return; }
    if (!board.synced) return;
    noteChain(d);
    applyDelta(d);
  });
  socket.on("board.revoked", function (info) {
    if (info && info.reason === "signed_out") {
      els.revoked.querySelector("p").innerHTML = "<strong>Sesi Anda telah berakhir.</strong><br>Masuk kembali untuk membuka papan.";
    }
    els.revoked.hidden = false;
  });

  window.setInterval(function () {
    var t = now();
    if (board.synced && board.day !== null && jakartaDay(t) !== board.day) {
      // A new day in Jakarta: "completed today" starts again from the server's count.
      board.completed = new Map();
      board.day = jakartaDay(t);
      if (board.connected) resync();
    }
    render();
  }, 1000);
  window.addEventListener("resize", function () { listSignature = ""; scheduleRender(); });
  render();

  // --- workstation actions (MRO / admin) ------------------------------------

  if (!workstation || !els.dialog) return;

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
      '<input type="hidden" name="kind" value="' + esc(kind) + '">' +
      '<input type="hidden" name="version" value="' + r.version + '">' +
      '<label for="bform-text">Isi</label>' +
      '<textarea id="bform-text" name="text" rows="4" maxlength="2000" required>' + esc(a.text) + "</textarea>" +
      '<div class="bform__actions"><button type="submit" class="bbtn bbtn--primary">' + esc(a.submit) + "</button>" +
      '<button type="button" class="bbtn" data-close>Batal</button></div></form>';
    var form = els.dialog.querySelector("form");
    form.addEventListener("htmx:afterRequest", function (evt) {
      var status = evt.detail.xhr ? evt.detail.xhr.status : 0;
      if (status >= 200 && status < 300) {
        els.dialog.close();
        toast(a.done + " — " + r.tracking);
      } else {
        els.dialog.close(); // the refusal is shown in #alerts (HX-Retarget)
      }
    });
    window.htmx.process(form);
    els.dialog.showModal();
    var text = els.dialog.querySelector("textarea");
    text.focus();
    text.setSelectionRange(text.value.length, text.value.length);
  }

  els.list.addEventListener("click", function (evt) {
    var btn = evt.target.closest("button[data-act]");
    if (btn) openAction(btn.getAttribute("data-act"), Number(btn.getAttribute("data-id")));
  });
  els.dialog.addEventListener("click", function (evt) {
    if (evt.target.closest("[data-close]")) els.dialog.close();
  });
})();
