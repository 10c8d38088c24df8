/* Pantau live board: a snapshot on every (re)connect, then Socket.IO deltas.
 *
 * The client keeps a model keyed by ticket id (a row is applied only when its
 * version is newer; a null row drops the ticket), derives from it the counters,
 * the kota numbers and the two lists, and ticks countdowns and lateness every
 * second from the stored deadlines and its own clock (corrected by the
 * server's time), so a ticket turns late on screen at its deadline without any
 * server traffic.
 *
 *   Segera     open tickets the unit still owes, not late: time left to their
 *              next deadline (response, unworked escalation, completion), with
 *              new arrivals (cfg.newMs, at most cfg.newMax) on top.
 *   Terlambat  late tickets: escalation level, then lateness (longest first).
 *   Kronis     late for longer than cfg.chronicMs: one counter tile, never wall rows.
 *
 * A row or counter whose content changed flashes (board.css .is-flash).
 * The workstation's full list lives in desk.js, which hooks into render().
 * Exposed for tests: window.pantauBoard = {model, lastSeq, connected, compute, ...}.
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
  // The escalation job's thresholds (domain/sla.py), the markers' words
  // (domain/history.py) and the board's own rules (views/board.py) come with
  // the page: this file spells none of them.
  var LEVEL1 = cfg.rules.level1Ms, LEVEL2 = cfg.rules.level2Ms;
  var CHRONIC = cfg.chronicMs, NEW = cfg.newMs, NEW_MAX = cfg.newMax;
  var WORDS = cfg.words, DEADLINES = cfg.deadlines, TW = cfg.timeWords, TOUCH = cfg.touch;
  var TICKER_MAX = 30;
  var FLASH_MS = 2200;
  // The counters, in order: [key, glyph, short label] (views/board.py COUNTERS; the page's tiles).
  var COUNTER_TILES = cfg.counters;
  var COUNTERS = COUNTER_TILES.map(function (c) { return c[0]; }).concat(["chronic"]);
  var GLYPH = { 3: "◆", 2: "▲", 1: "○", 0: "◐" };
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
    cfg: cfg,
    deltas: 0,
    snapshots: 0,
    chains: new Map(),    // publishing process -> seq of the last delta received from it
    gaps: 0,              // deltas found missing (each followed by a fresh snapshot)
    chainBroken: chainBroken,
    hooks: [],            // render hooks (desk.js): fn(computed, now)
    socket: null
  };
  var buffer = null;       // deltas held while a snapshot is in flight
  var fetchGen = 0;
  var retryTimer = null;
  var renderQueued = false;
  var lastCounts = null;   // what the counters showed last (for the flash)
  var flashUntil = new Map(); // "row:<id>" / "counter:<key>" -> time its flash ends

  var $ = function (id) { return document.getElementById(id); };
  var els = {
    banner: $("board-banner"), bannerText: $("board-banner-text"), live: $("board-live"),
    liveText: $("board-live-text"), clock: $("board-clock"), kotas: $("board-kotas"),
    kotaTiles: $("board-kota-tiles"), ticker: $("board-ticker"), revoked: $("board-revoked")
  };
  var lists = ["segera", "late"].map(function (key) {
    return { key: key, el: $("board-" + key), count: $("board-" + key + "-count"),
      more: $("board-" + key + "-more"), empty: $("board-" + key + "-empty"), sig: "", rows: new Map() };
  }).filter(function (l) { return l.el; });

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
  // A span as the board shows it: "3 hari 04:12" ("hari" as formatting.duration_minutes
  // writes a day), under a day a ticking "04:12:09". No other duration words here.
  function spanText(a) {
    if (a < 0) a = 0;
    var s = Math.floor(a / 1000), d = Math.floor(s / 86400);
    s -= d * 86400;
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
    return d > 0 ? d + " hari " + pad(h) + ":" + pad(m) : pad(h) + ":" + pad(m) + ":" + pad(sec);
  }
  // When a mark was made: today "17:28", another day "3/12 17:28" (Jakarta time).
  function whenText(at, t) {
    if (jakartaDay(at) === jakartaDay(t)) return hhmm(at);
    var d = new Date(at + WIB);
    return d.getUTCDate() + "/" + (d.getUTCMonth() + 1) + " " + hhmm(at);
  }

  // --- the model ----------------------------------------------------------

  function entry(row) {
    return {
      row: row,
      t: {
        received: ms(row.received_at), clockStart: ms(row.clock_started_at),
        clockStop: ms(row.clock_stopped_at), responseDue: ms(row.response_due_at),
        firstResponse: ms(row.first_response_at), completionDue: ms(row.completion_due_at),
        ack: ms(row.escalation_ack_at), touch: row.touch ? ms(row.touch.at) : null
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
    lists.forEach(function (l) { l.sig = ""; });
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

  // --- lateness and deadlines, derived on the client ------------------------

  function derive(e, t) {
    var r = e.row, x = e.t, owes = r.owes_work;
    var unworked = owes && x.clockStop === null;
    var lateResponse = owes && x.firstResponse === null && x.responseDue <= t;
    var lateCompletion = owes && x.completionDue <= t;
    var level = r.escalation_level || 0;
    var assignedUnworked = owes && r.unit_id !== null && x.clockStop === null;
    if (assignedUnworked) {
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
    // Since when it has been late at all: the first deadline it missed.
    var late = owes && tier >= 2, lateSince = null, next = null;
    if (late) {
      var missed = [];
      if (lateResponse) missed.push(x.responseDue);
      if (lateCompletion) missed.push(x.completionDue);
      if (level >= 1) missed.push(x.clockStart + LEVEL1);
      lateSince = missed.length ? Math.min.apply(null, missed) : since;
    } else if (owes) {
      // The next deadline, and which one: Segera counts down to it.
      var due = [["completion", x.completionDue]];
      if (x.firstResponse === null) due.push(["response", x.responseDue]);
      if (assignedUnworked) due.push(["level1", x.clockStart + LEVEL1]);
      due.forEach(function (c) { if (c[1] > t && (!next || c[1] < next.at)) next = { kind: c[0], at: c[1] }; });
    }
    return {
      unworked: unworked, lateResponse: lateResponse, lateCompletion: lateCompletion,
      level: level, tier: tier, marker: marker,
      acked: since !== null && x.ack !== null && x.ack >= since,
      late: late, lateSince: lateSince,
      chronic: late && lateSince !== null && t - lateSince > CHRONIC,
      segera: owes && !late && next !== null, next: next,
      isNew: unworked && t - x.received < NEW
    };
  }

  function emptyCounts() {
    var c = { late: 0 };
    COUNTERS.forEach(function (k) { c[k] = 0; });
    return c;
  }

  function bySegera(a, b) { return (a.d.next.at - b.d.next.at) || (a.e.row.id - b.e.row.id); }
  function byLate(a, b) {
    return (b.d.level - a.d.level) || (a.d.lateSince - b.d.lateSince) || (a.e.row.id - b.e.row.id);
  }

  function compute(t) {
    var total = emptyCounts(), perKota = new Map(), segera = [], late = [], chronic = [], all = [];
    board.model.forEach(function (e) {
      var d = derive(e, t), r = e.row, item = { e: e, d: d };
      var k = perKota.get(r.kota_id);
      if (!k) { k = emptyCounts(); perKota.set(r.kota_id, k); }
      var add = function (key) { total[key] += 1; k[key] += 1; };
      if (d.unworked) add("unworked");
      if (d.lateResponse) add("late_response");
      if (d.lateCompletion) add("late_completion");
      if (d.level >= 1) add("escalated");
      if (r.status === "awaiting_validation") add("awaiting_validation");
      if (r.status === "reopened") add("reopened");
      if (d.late) add("late");
      if (d.chronic) { add("chronic"); chronic.push(item); }
      else if (d.late) late.push(item);
      else if (d.segera) segera.push(item);
      all.push(item);
    });
    board.completed.forEach(function (n, kota) {
      total.completed_today += n;
      var k = perKota.get(kota === "none" ? null : kota);
      if (!k) { k = emptyCounts(); perKota.set(kota === "none" ? null : kota, k); }
      k.completed_today += n;
    });
    segera.sort(bySegera);
    // New arrivals head Segera (newest first, at most NEW_MAX): the room sees them come in.
    var fresh = segera.filter(function (x) { return x.d.isNew; })
      .sort(function (a, b) { return (b.e.t.received - a.e.t.received) || (b.e.row.id - a.e.row.id); })
      .slice(0, NEW_MAX);
    if (fresh.length) {
      segera = fresh.concat(segera.filter(function (x) { return fresh.indexOf(x) < 0; }));
    }
    late.sort(byLate);
    chronic.sort(byLate);
    return { total: total, perKota: perKota, segera: segera, late: late, chronic: chronic, all: all };
  }

  // --- pieces of rows (shared with desk.js) -----------------------------------

  // What a row's clock shows now: time left (Segera), lateness (late), or age.
  function timeOf(item, t) {
    var d = item.d;
    if (d.late) return { mode: "late", text: "+" + spanText(t - d.lateSince) };
    if (d.next) return { mode: "left", text: spanText(d.next.at - t) };
    return { mode: "age", text: spanText(t - item.e.t.received) };
  }

  // The words and shape of a row's state: its late marker, or what Segera counts down to.
  function chipHtml(item) {
    var d = item.d;
    if (d.late) {
      return '<span class="lmark lmark--' + d.tier + '"><span class="lmark__icon" aria-hidden="true">' +
        GLYPH[d.tier] + "</span>" + esc(d.marker) + "</span>";
    }
    if (d.next) {
      var kind = d.isNew ? "new" : d.next.kind;
      return '<span class="dchip dchip--' + kind + '"><span class="lmark__icon" aria-hidden="true">' +
        (d.isNew ? "●" : GLYPH[d.tier]) + "</span>" + esc(DEADLINES[kind]) + "</span>";
    }
    return d.marker ? '<span class="lmark lmark--' + d.tier + '"><span class="lmark__icon" aria-hidden="true">' +
      GLYPH[d.tier] + "</span>" + esc(d.marker) + "</span>" : "";
  }

  // Who last warned or acknowledged the ticket and when: "Teguran ke unit 17:28 · MRO Shift Pagi".
  function touchHtml(e, t) {
    var m = e.row.touch, w = m && TOUCH[m.kind];
    if (!w) return "";
    return '<span class="btouch btouch--' + esc(m.kind) + '"><span class="btouch__glyph" aria-hidden="true">' + esc(w.glyph) +
      '</span><span class="btouch__label">' + esc(w.label) + '</span> <span class="btouch__when">' +
      esc(whenText(e.t.touch, t)) + '</span><span class="btouch__by"> · ' + esc(m.by) + "</span></span>";
  }

  function statusHtml(r) {
    return '<span class="sbadge sbadge--' + esc(r.status) + '"><span aria-hidden="true">' +
      (STATUS_GLYPH[r.status] || "○") + "</span>" + esc(r.status_label) + "</span>";
  }

  // A signature of what a row shows (its flash fires when it changes).
  function rowSig(item) {
    var r = item.e.row, d = item.d;
    return r.version + ":" + d.tier + ":" + d.level + ":" + (d.acked ? 1 : 0) + ":" + (d.isNew ? 1 : 0) +
      ":" + (d.next ? d.next.kind : "") + ":" + (r.touch ? r.touch.at : "");
  }

  // Flash a row or counter whose content changed (never on the first render).
  function flash(key, el, t) {
    if (key) flashUntil.set(key, t + FLASH_MS);
    if (!el) return;
    el.classList.remove("is-flash");
    void el.offsetWidth;  // restart the animation
    el.classList.add("is-flash");
  }
  function keepFlash(key, el, t) {
    var until = flashUntil.get(key);
    if (until == null) return;
    if (until > t) el.classList.add("is-flash");
    else { flashUntil.delete(key); el.classList.remove("is-flash"); }
  }

  // --- rendering ------------------------------------------------------------

  function setText(el, text) { if (el && el.textContent !== text) el.textContent = text; }

  function buildKotaTiles() {
    if (!els.kotaTiles) return;
    if (!province || board.kotas.length < 2) { els.kotas.hidden = true; return; }
    els.kotas.hidden = false;
    els.kotaTiles.innerHTML = board.kotas.map(function (k) {
      return '<div class="ktile" data-kota="' + k.id + '"><div class="ktile__name">' + esc(k.name) +
        '</div><div class="ktile__nums">' +
        '<span class="kstat kstat--late" data-k="late"><span class="kstat__glyph" aria-hidden="true">◆</span><span class="kstat__num">0</span><span class="sr-only"> terlambat</span></span>' +
        '<span class="kstat kstat--unworked" data-k="unworked"><span class="kstat__glyph" aria-hidden="true">○</span><span class="kstat__num">0</span><span class="sr-only"> belum dikerjakan</span></span>' +
        "</div></div>";
    }).join("");
  }

  function renderCounters(c, t) {
    var first = lastCounts === null, seen = {};
    COUNTERS.forEach(function (key) {
      var tile = root.querySelector('[data-counter="' + key + '"]');
      if (!tile) return;
      var value = c.total[key];
      seen["t:" + key] = value;
      setText(tile.querySelector(".ctile__value"), String(value));
      tile.classList.toggle("is-zero", value === 0);
      if (!first && lastCounts["t:" + key] !== value) flash("counter:" + key, tile, t);
      else keepFlash("counter:" + key, tile, t);
    });
    if (els.kotas && !els.kotas.hidden) {
      board.kotas.forEach(function (k) {
        var tile = els.kotaTiles.querySelector('[data-kota="' + k.id + '"]');
        if (!tile) return;
        var counts = c.perKota.get(k.id) || emptyCounts();
        ["late", "unworked"].forEach(function (key) {
          var s = tile.querySelector('[data-k="' + key + '"]'), id = "k:" + k.id + ":" + key;
          seen[id] = counts[key];
          setText(s.querySelector(".kstat__num"), String(counts[key]));
          s.classList.toggle("is-zero", counts[key] === 0);
          if (!first && lastCounts[id] !== undefined && lastCounts[id] !== counts[key]) flash("kota:" + id, s, t);
          else keepFlash("kota:" + id, s, t);
        });
      });
    }
    lastCounts = seen;
  }

  function wallRowHtml(item, t) {
    var r = item.e.row, d = item.d, tm = timeOf(item, t);
    var where = esc(r.unit) + (province && r.kota ? ' <span class="brow__kota">· ' + esc(r.kota) + "</span>" : "");
    return '<li class="brow tier-' + d.tier + (d.late ? " is-late" : "") + (d.isNew ? " is-new" : "") + '" data-id="' + r.id + '">' +
      '<span class="brow__line"><span class="brow__time brow__time--' + tm.mode + '">' +
      (tm.mode === "left" ? '<span class="sr-only">' + esc(TW.left) + " </span>" : "") +
      '<span class="brow__clock">' + esc(tm.text) + "</span></span>" +
      '<span class="brow__cat">' + esc(r.category) + "</span></span>" +
      '<span class="brow__line brow__line--sub">' + chipHtml(item) +
      '<span class="brow__where">' + where + "</span></span>" +
      // Who last warned or acknowledged it: a line of its own, so the name is never cut.
      (r.touch ? '<span class="brow__line brow__line--sub brow__line--touch">' + touchHtml(item.e, t) + "</span>" : "") + "</li>";
  }

  // How many rows a wall list may show: as many as fit, at most --max-rows (board.css).
  function maxRows(el) {
    var v = parseInt(window.getComputedStyle(el).getPropertyValue("--max-rows"), 10);
    return v > 0 ? v : 8;
  }

  function renderWallList(l, items, t) {
    var cap = maxRows(l.el), shown = items.slice(0, cap);
    var sig = shown.map(function (x) { return x.e.row.id + "=" + rowSig(x); }).join(",") + "|" + l.el.clientHeight + "|" + items.length;
    if (sig !== l.sig) {
      var initial = l.sig === "";
      l.sig = sig;
      l.el.innerHTML = shown.map(function (x) { return wallRowHtml(x, t); }).join("");
      // Keep only the rows that fit whole: the wall never scrolls.
      while (l.el.lastElementChild && l.el.scrollHeight > l.el.clientHeight + 1) l.el.removeChild(l.el.lastElementChild);
      var rows = new Map();
      Array.prototype.forEach.call(l.el.children, function (li, i) {
        var id = shown[i].e.row.id, s = rowSig(shown[i]);
        rows.set(id, s);
        // A row new to the list, or showing something new, flashes (not on a fresh snapshot).
        if (!initial && l.rows.get(id) !== s) flash("row:" + id, li, t);
        else keepFlash("row:" + id, li, t);
      });
      l.rows = rows;
      var hidden = items.length - l.el.children.length;
      setText(l.more, hidden > 0 ? "+" + hidden + " " + TW.more : "");
      setText(l.count, String(items.length));
      if (l.empty) l.empty.hidden = items.length > 0;
      return;
    }
    // Same rows: tick their clocks in place.
    Array.prototype.forEach.call(l.el.children, function (li, i) {
      setText(li.querySelector(".brow__clock"), timeOf(shown[i], t).text);
      keepFlash("row:" + shown[i].e.row.id, li, t);
    });
  }

  function renderTicker() {
    if (!els.ticker) return;
    var sig = board.ticker.map(function (x) { return x.seq; }).join(",") + "|" + els.ticker.clientHeight;
    if (els.ticker.getAttribute("data-sig") === sig) return;
    els.ticker.setAttribute("data-sig", sig);
    els.ticker.innerHTML = board.ticker.map(function (x) {
      return '<li class="tick tick--' + esc(x.tone) + '" data-seq="' + x.seq + '"><span class="tick__time">' + hhmm(ms(x.at)) +
        '</span><span class="tick__glyph" aria-hidden="true">' + esc(x.glyph) + '</span><span class="tick__body"><span class="tick__label">' +
        esc(x.label) + "</span>" +
        // Tracking numbers and the rest of the meta only on the workstation (the wall shows what happened).
        (workstation ? '<span class="tick__meta">' + esc(x.tracking) + " · " + esc(x.category) +
          (province && x.kota ? " · " + esc(x.kota) : "") + "</span>" : "") + "</span></li>";
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
    board.last = c;
    renderCounters(c, t);
    lists.forEach(function (l) { renderWallList(l, l.key === "segera" ? c.segera : c.late, t); });
    renderTicker();
    board.hooks.forEach(function (h) { h(c, t); });
    root.setAttribute("aria-busy", "false");
  }

  function scheduleRender() {
    if (renderQueued) return;
    renderQueued = true;
    window.requestAnimationFrame(render);
  }

  board.compute = compute;
  board.render = scheduleRender;
  board.now = now;
  board.parts = { esc: esc, timeOf: timeOf, chipHtml: chipHtml, touchHtml: touchHtml, statusHtml: statusHtml,
    rowSig: rowSig, flash: flash, keepFlash: keepFlash, setText: setText, hhmm: hhmm, GLYPH: GLYPH };

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
  window.addEventListener("resize", function () { lists.forEach(function (l) { l.sig = ""; }); scheduleRender(); });
  render();
})();
