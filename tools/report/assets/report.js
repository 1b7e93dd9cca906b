// zwsim report: the page's script (embedded in zwsim at build time).  No
// network, no libraries: the zoom shared by every figure over time, the
// event list (decoded from the compact text zwsim wrote, searched, filtered
// by kind and by the zoom window, shown a page at a time), the file filter.
"use strict";
(function () {
  var PAGE = 100;
  var metaEl = document.getElementById("zw-meta");
  var meta = metaEl ? JSON.parse(metaEl.textContent) : null;
  var win = [0, 1];                     // the zoom window, fractions of the run

  function fmtNs(ns) {
    if (ns < 1000) return Math.round(ns) + " ns";
    if (ns < 1e6) return +(ns / 1e3).toPrecision(3) + " \u00b5s";
    if (ns < 1e9) return +(ns / 1e6).toPrecision(3) + " ms";
    return +(ns / 1e9).toPrecision(4) + " s";
  }

  // ---- the zoom ---------------------------------------------------------
  function applyZoom() {
    document.querySelectorAll("svg.zw-zoom").forEach(function (s) {
      var vb = s.viewBox.baseVal, bins = meta ? meta.bins : 1000;
      s.setAttribute("viewBox", (win[0] * bins) + " 0 " + ((win[1] - win[0]) * bins) + " " + vb.height);
    });
    document.querySelectorAll("g.zw-axes").forEach(function (g) {
      var t0 = +g.getAttribute("data-t0"), t1 = +g.getAttribute("data-t1");
      g.querySelectorAll("text.zw-xt").forEach(function (t) {
        var f = +t.getAttribute("data-f");
        t.textContent = fmtNs(t0 + (win[0] + f * (win[1] - win[0])) * (t1 - t0));
      });
    });
    var r = document.getElementById("zoom-range");
    if (r && meta) {
      var span = meta.t1 - meta.t0;
      r.textContent = "window " + fmtNs(meta.t0 + win[0] * span) + " \u2013 " + fmtNs(meta.t0 + win[1] * span) +
        (win[0] > 0 || win[1] < 1 ? " (zoomed \u00d7" + +(1 / (win[1] - win[0])).toPrecision(3) + ")" : " (whole run)");
    }
    if (events) { events.page = 0; refilter(); fine(); }
  }

  function setWin(a, b) {
    var minw = 1 / ((meta ? meta.bins : 1000) * 4);
    if (b - a < minw) { var c = (a + b) / 2; a = c - minw / 2; b = c + minw / 2; }
    if (a < 0) { b -= a; a = 0; }
    if (b > 1) { a -= b - 1; b = 1; }
    win = [Math.max(0, a), Math.min(1, b)];
    applyZoom();
  }

  function zoomBy(k) {
    var c = (win[0] + win[1]) / 2, w = (win[1] - win[0]) * k;
    setWin(c - w / 2, c + w / 2);
  }

  function on(id, ev, fn) { var e = document.getElementById(id); if (e) e.addEventListener(ev, fn); }
  on("zoom-in", "click", function () { zoomBy(0.5); });
  on("zoom-out", "click", function () { zoomBy(2); });
  on("zoom-reset", "click", function () { setWin(0, 1); });
  on("zoom-left", "click", function () { var w = win[1] - win[0]; setWin(win[0] - w / 2, win[1] - w / 2); });
  on("zoom-right", "click", function () { var w = win[1] - win[0]; setWin(win[0] + w / 2, win[1] + w / 2); });

  // drag across a figure's plot to zoom into that stretch
  document.querySelectorAll("svg.zw-zoom").forEach(function (plot) {
    var fig = plot.ownerSVGElement, start = null, sel = null;
    function frac(ev) {
      var r = plot.getBoundingClientRect();
      return Math.min(1, Math.max(0, (ev.clientX - r.left) / r.width));
    }
    fig.addEventListener("mousedown", function (ev) {
      var r = plot.getBoundingClientRect();
      if (ev.clientX < r.left || ev.clientX > r.right || ev.clientY < r.top || ev.clientY > r.bottom) return;
      start = frac(ev);
      sel = document.createElementNS("http://www.w3.org/2000/svg", "rect");
      sel.setAttribute("class", "zw-sel");
      sel.setAttribute("y", plot.y.baseVal.value);
      sel.setAttribute("height", plot.height.baseVal.value);
      fig.appendChild(sel);
      ev.preventDefault();
    });
    window.addEventListener("mousemove", function (ev) {
      if (start === null) return;
      var f = frac(ev), x = plot.x.baseVal.value, w = plot.width.baseVal.value;
      sel.setAttribute("x", x + Math.min(start, f) * w);
      sel.setAttribute("width", Math.abs(f - start) * w);
    });
    window.addEventListener("mouseup", function (ev) {
      if (start === null) return;
      var f = frac(ev), a = Math.min(start, f), b = Math.max(start, f), w = win[1] - win[0];
      start = null;
      sel.remove();
      if (b - a > 0.005) setWin(win[0] + a * w, win[0] + b * w);
    });
  });

  // ---- the events -------------------------------------------------------
  var events = null;
  var evEl = document.getElementById("zw-events");
  function decode(s) {
    return s.indexOf("%") < 0 ? s : s.replace(/%([0-9A-F]{2})/g, function (m, h) { return String.fromCharCode(parseInt(h, 16)); });
  }
  if (evEl && meta) {
    var text = evEl.textContent, n = meta.events;
    events = { lines: new Array(n), t: new Float64Array(n), v: new Int32Array(n), match: null, page: 0 };
    var pos = 0, t = 0;
    for (var i = 0; i < n; i++) {
      var nl = text.indexOf("\n", pos);
      if (nl < 0) nl = text.length;
      var line = text.substring(pos, nl), t1 = line.indexOf("\t"), t2 = line.indexOf("\t", t1 + 1);
      if (t2 < 0) t2 = line.length;
      t += +line.substring(0, t1);
      events.t[i] = t;
      events.v[i] = +line.substring(t1 + 1, t2);
      events.lines[i] = line.substring(t2 + 1);
      pos = nl + 1;
    }
    evEl.textContent = "";            // the lines live in the script now
    // one checkbox an event name
    var names = [], seen = {};
    meta.variants.forEach(function (v) { if (!seen[v[0]]) { seen[v[0]] = 1; names.push(v[0]); } });
    var kinds = document.getElementById("event-kinds");
    names.forEach(function (nm) {
      var l = document.createElement("label"), c = document.createElement("input");
      c.type = "checkbox"; c.checked = true; c.value = nm; c.className = "kind";
      c.addEventListener("change", function () { events.page = 0; refilter(); });
      l.appendChild(c); l.appendChild(document.createTextNode(" " + nm));
      kinds.appendChild(l);
    });
  }

  function fields(i) {
    var v = events.v[i], vals = events.lines[i] === "" ? [] : events.lines[i].split("\t");
    if (v < 0) return { ev: "?", kv: vals.map(function (s) { var e = s.indexOf("="); return [decode(s.substring(0, e)), decode(s.substring(e + 1))]; }) };
    var keys = meta.variants[v][1];
    return { ev: meta.variants[v][0], kv: keys.map(function (k, j) { return [k, decode(vals[j] || "")]; }) };
  }

  function refilter() {
    if (!events) return;
    var q = (document.getElementById("event-search").value || "").trim(), words = [], pairs = [];
    q.split(/\s+/).forEach(function (w) {
      if (!w) return;
      var e = w.indexOf("=");
      if (e > 0) pairs.push([w.substring(0, e), w.substring(e + 1)]); else words.push(w.toLowerCase());
    });
    var on = {}, all = true;
    document.querySelectorAll("#event-kinds input.kind").forEach(function (c) { on[c.value] = c.checked; all = all && c.checked; });
    // per variant: shown at all, and where each key=value key sits
    var vok = meta.variants.map(function (v) {
      if (!on[v[0]]) return null;
      var idx = [];
      for (var p = 0; p < pairs.length; p++) {
        if (pairs[p][0] === "ev") { if (v[0] !== pairs[p][1]) return null; idx.push(-1); continue; }
        var j = v[1].indexOf(pairs[p][0]);
        if (j < 0) return null;
        idx.push(j);
      }
      return idx;
    });
    var span = meta.t1 - meta.t0, ta = meta.t0 + win[0] * span, tb = meta.t0 + win[1] * span;
    var whole = win[0] === 0 && win[1] === 1, m = [], n = events.lines.length;
    for (var i = 0; i < n; i++) {
      var t = events.t[i];
      if (!whole && (t < ta || t > tb)) continue;
      var v = events.v[i], idx = v >= 0 ? vok[v] : (all && !pairs.length ? [] : null);
      if (!idx) continue;
      var line = events.lines[i], ok = true;
      if (pairs.length) {
        var vals = line.split("\t");
        for (var p = 0; p < pairs.length && ok; p++)
          if (idx[p] >= 0 && decode(vals[idx[p]] || "") !== pairs[p][1]) ok = false;
      }
      for (var w = 0; w < words.length && ok; w++) {
        var name = v >= 0 ? meta.variants[v][0] : "";
        if (line.toLowerCase().indexOf(words[w]) < 0 && name.indexOf(words[w]) < 0) ok = false;
      }
      if (ok) m.push(i);
    }
    events.match = m;
    render();
    document.getElementById("event-count").setAttribute("data-q", q);   // what the list shows
  }

  function render() {
    var m = events.match, pages = Math.max(1, Math.ceil(m.length / PAGE));
    if (events.page >= pages) events.page = pages - 1;
    var body = document.querySelector("#event-table tbody"), rows = [];
    var from = events.page * PAGE, to = Math.min(m.length, from + PAGE);
    body.textContent = "";
    for (var k = from; k < to; k++) {
      var i = m[k], f = fields(i), tr = document.createElement("tr");
      var st = f.kv.filter(function (p) { return p[0] === "status"; });
      if (st.length && st[0][1] !== "OK") tr.className = "err";
      [String(i + 1), fmtNs(events.t[i]), f.ev, f.kv.map(function (p) { return p[0] + "=" + p[1]; }).join(" ")]
        .forEach(function (s, c) {
          var td = document.createElement("td");
          td.textContent = s;
          if (c === 1) td.title = events.t[i] + " ns";
          tr.appendChild(td);
        });
      tr.setAttribute("data-index", i);
      tr.addEventListener("click", cursorAt.bind(null, i));
      rows.push(tr);
    }
    rows.forEach(function (r) { body.appendChild(r); });
    document.getElementById("page-info").textContent = "page " + (events.page + 1) + " of " + pages;
    document.getElementById("event-count").textContent = m.length + " of " + events.lines.length + " events";
    document.getElementById("page-prev").disabled = document.getElementById("page-first").disabled = events.page === 0;
    document.getElementById("page-next").disabled = document.getElementById("page-last").disabled = events.page >= pages - 1;
  }

  // a click on an event marks its time on every figure over time
  function cursorAt(i) {
    var x = (events.t[i] - meta.t0) * meta.bins / (meta.t1 - meta.t0 + 1);
    document.querySelectorAll("svg.zw-zoom").forEach(function (s) {
      var l = s.querySelector("line.zw-cursor");
      if (!l) {
        l = document.createElementNS("http://www.w3.org/2000/svg", "line");
        l.setAttribute("class", "zw-cursor");
        l.setAttribute("stroke", "#d62728");
        l.setAttribute("stroke-width", "1.5");
        l.setAttribute("vector-effect", "non-scaling-stroke");
        l.setAttribute("y1", 0);
        l.setAttribute("y2", s.viewBox.baseVal.height);
        s.appendChild(l);
      }
      l.setAttribute("x1", x);
      l.setAttribute("x2", x);
      l.setAttribute("data-index", i);
    });
    document.querySelectorAll("#event-table tr.sel").forEach(function (r) { r.classList.remove("sel"); });
    var row = document.querySelector('#event-table tr[data-index="' + i + '"]');
    if (row) row.classList.add("sel");
  }

  if (events) {
    var timer = null;
    on("event-search", "input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { events.page = 0; refilter(); }, 150);
    });
    on("page-first", "click", function () { events.page = 0; render(); });
    on("page-prev", "click", function () { events.page--; render(); });
    on("page-next", "click", function () { events.page++; render(); });
    on("page-last", "click", function () { events.page = 1e9; render(); });
  }

  // ---- the zoom's fine layers ------------------------------------------
  // Zoomed in, the zone timeline and the open/active counts are drawn again
  // from the zone_cond events of the window, at event resolution, over the
  // 1000 bins zwsim drew (which hide what changes within a bin).
  var FINE_MAX = 50000;                 // zone_cond events in the window, at most
  function fine() {
    document.querySelectorAll("g.zw-fine").forEach(function (g) { g.remove(); });
    document.querySelectorAll("g.zw-coarse").forEach(function (g) { g.style.display = ""; });
    if (!events || !meta.cond0 || (win[0] === 0 && win[1] === 1)) return;
    var zc = {}, any = false;
    meta.variants.forEach(function (v, i) {
      if (v[0] !== "zone_cond") return;
      var z = v[1].indexOf("zone"), t = v[1].indexOf("to");
      if (z >= 0 && t >= 0) { zc[i] = [z, t]; any = true; }
    });
    if (!any) return;
    var span = meta.t1 - meta.t0 + 1, bins = meta.bins, n = events.lines.length;
    var ta = meta.t0 + win[0] * (meta.t1 - meta.t0), tb = meta.t0 + win[1] * (meta.t1 - meta.t0);
    var ci = meta.conds.reduce(function (m, c, i) { m[c] = i; return m; }, {});
    var cond = [], nz = meta.cond0.length, i = 0, inwin = [];
    for (var z = 0; z < nz; z++) cond.push(meta.cond0.charCodeAt(z) - 48);
    function change(k) {
      var f = zc[events.v[k]], vals = events.lines[k].split("\t");
      return [+vals[f[0]], ci[vals[f[1]]]];
    }
    for (; i < n && events.t[i] < ta; i++)
      if (zc[events.v[i]]) { var c0 = change(i); if (c0[0] < nz && c0[1] !== undefined) cond[c0[0]] = c0[1]; }
    for (; i < n && events.t[i] <= tb; i++)
      if (zc[events.v[i]]) { inwin.push(i); if (inwin.length > FINE_MAX) return; }
    function x(t) { return (t - meta.t0) * bins / span; }
    var xa = win[0] * bins, xb = win[1] * bins;
    var isOpen = function (c) { return meta.conds[c] === "oi" || meta.conds[c] === "oe"; };
    var isActive = function (c) { return isOpen(c) || meta.conds[c] === "cl"; };
    var svgns = "http://www.w3.org/2000/svg";
    // the timeline
    var tl = document.querySelector("#fig-timeline svg.zw-zoom");
    var coarseTl = tl && tl.querySelector("g.zw-coarse");
    if (coarseTl && coarseTl.getAttribute("data-group") === "1") {   // one row a zone
      var coarse = coarseTl, rh = +coarse.getAttribute("data-rh");
      var g = document.createElementNS(svgns, "g"), from = [], cur = cond.slice();
      g.setAttribute("class", "zw-fine");
      g.setAttribute("shape-rendering", "crispEdges");
      for (z = 0; z < nz; z++) from.push(xa);
      function seg(zz, x0, x1) {
        if (meta.conds[cur[zz]] === "em" || x1 <= x0) return;
        var r = document.createElementNS(svgns, "rect");
        r.setAttribute("x", x0); r.setAttribute("width", x1 - x0);
        r.setAttribute("y", rh * zz); r.setAttribute("height", rh);
        r.setAttribute("fill", meta.colours[cur[zz]]);
        g.appendChild(r);
      }
      inwin.forEach(function (k) {
        var c = change(k);
        if (c[0] >= nz || c[1] === undefined) return;
        var xe = x(events.t[k]);
        seg(c[0], from[c[0]], xe);
        from[c[0]] = xe;
        cur[c[0]] = c[1];
      });
      for (z = 0; z < nz; z++) seg(z, from[z], xb);
      coarse.style.display = "none";
      tl.appendChild(g);
    }
    // the open and active counts
    var ct = document.querySelector("#fig-counts svg.zw-zoom");
    if (ct) {
      var cg = ct.querySelector("g.zw-coarse"), ymax = +cg.getAttribute("data-ymax"), ph = ct.viewBox.baseVal.height;
      var open = 0, active = 0, cur2 = cond.slice(), po = "", pa = "";
      cur2.forEach(function (c) { open += isOpen(c); active += isActive(c); });
      function y(v) { return ph - v / ymax * ph; }
      po = "M" + xa + "," + y(open); pa = "M" + xa + "," + y(active);
      inwin.forEach(function (k) {
        var c = change(k);
        if (c[0] >= nz || c[1] === undefined) return;
        var xe = x(events.t[k]), was = cur2[c[0]];
        open += isOpen(c[1]) - isOpen(was);
        active += isActive(c[1]) - isActive(was);
        cur2[c[0]] = c[1];
        po += " H" + xe + " V" + y(open);
        pa += " H" + xe + " V" + y(active);
      });
      po += " H" + xb; pa += " H" + xb;
      var fg = document.createElementNS(svgns, "g");
      fg.setAttribute("class", "zw-fine");
      [[pa, cg.querySelector(".zw-active")], [po, cg.querySelector(".zw-open")]].forEach(function (p) {
        var path = p[1].cloneNode(false);
        path.setAttribute("d", p[0]);
        fg.appendChild(path);
      });
      cg.style.display = "none";
      ct.appendChild(fg);
    }
  }

  // ---- the files --------------------------------------------------------
  var ff = document.getElementById("file-filter");
  function fileFilter() {
    var q = ff.value.toLowerCase(), rows = document.querySelectorAll("#file-table tbody tr"), shown = 0;
    rows.forEach(function (r) {
      var hit = r.getAttribute("data-file").toLowerCase().indexOf(q) >= 0;
      r.classList.toggle("hidden", !hit);
      shown += hit;
    });
    document.getElementById("file-count").textContent = shown + " of " + rows.length + " files";
  }
  if (ff) { ff.addEventListener("input", fileFilter); fileFilter(); }

  applyZoom();
  document.body.setAttribute("data-ready", "1");
})();
