/* cablesim classroom web app: the page.
 *
 * The page keeps the scenario (name, as_of, events...) and sends the whole
 * document with every request, so the server holds no state per tab. The map
 * is drawn with d3-geo (vendored in /static/vendor): an Equal Earth projection
 * centred on 15°E, so the seam falls at 165°W in the open Pacific and Fiji,
 * Tonga, Samoa and New Zealand sit together on the right-hand edge. Countries
 * smaller than a few pixels also get a round marker.
 */
(function () {
  "use strict";

  var CENTER_LON = 15;
  var CUT_RADIUS_KM = 5;
  // Every label the page puts beside a number, in one place: traffic and capacity are
  // different measures and never share a label. The labels of measures are replaced by
  // those of the API's table of measures (cablesim.measures, /api/meta) once it is read.
  var LABELS = {
    status: "Status",
    traffic_lost_pct: "Traffic lost (first days)",
    traffic_served: "Traffic served",
    capacity_to_core: "Capacity to the core",
    capacity_lost_pct: "capacity lost",
    latency: "Latency to the core",
    depends_loss: "Capacity to the core lost",
    reported_model: "Model (traffic lost)",
    tip_traffic: "% of traffic lost (first days)",
    summary_none: "No country loses 10 % or more of its traffic.",
    lit: "Capacity (lit)",
    design: "design",
    year: "Ready for service",
    length: "Length",
    owners: "Owners",
    landings: "Landing points",
    cables_here: "Cables landing here"
  };
  // the measure (key of cablesim.measures) behind each label of a number
  var MEASURE_OF = {
    traffic_lost_pct: "loss_pct_immediate",
    traffic_served: "served_tbps",
    capacity_to_core: "baseline_tbps",
    depends_loss: "capacity_loss_pct",
    latency: "latency_ms_baseline"
  };
  function wireLabels(measures) {
    var by = {};
    (measures || []).forEach(function (m) { by[m.key] = m; });
    Object.keys(MEASURE_OF).forEach(function (k) {
      var m = by[MEASURE_OF[k]];
      if (!m) { return; }
      // "capacity to the core before (Tbit/s)" -> "Capacity to the core": the page prints
      // units (and before -> after) itself
      var s = m.label.replace(/\s*\([^)]*\)\s*$/, "").replace(/ before$/, "");
      LABELS[k] = s.charAt(0).toUpperCase() + s.slice(1);
    });
    if (by.loss_pct_immediate) {
      LABELS.tip_traffic = "% " + LABELS.traffic_lost_pct.charAt(0).toLowerCase() + LABELS.traffic_lost_pct.slice(1);
    }
  }
  var state = { name: "My cuts", description: "", as_of: null, events: [], reported: null, options: null };
  var meta = null, net = null, lastResult = null, selected = null, areaMode = false;
  var selectedCable = null, selectedStation = null, stationCables = null, searchIndex = null;
  var seq = 0, netSeq = 0, zoom = null;
  var svg, gFound, gZoom, gCountries, gChoke, gChokeMarks, gCables, gHits, gIslands, gEvents, projection, path, zoomK = 1;
  var colorOf = {}, rowOf = {};

  function $(id) { return document.getElementById(id); }
  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function fmt(v, d) {
    if (v == null || isNaN(v)) { return "–"; }
    d = d == null ? 1 : d;
    return Number(v).toLocaleString("en", { maximumFractionDigits: d });
  }

  // ---------------------------------------------------------------- requests
  function api(url, body) {
    var opts = body === undefined ? {} : {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body)
    };
    return fetch(url, opts).then(function (r) {
      return r.json().then(function (data) {
        if (!r.ok) { throw new Error(data && data.error ? data.error : ("HTTP " + r.status)); }
        return data;
      });
    });
  }
  function document_() {
    var doc = { name: state.name || "My cuts" };
    if (state.description) { doc.description = state.description; }
    if (state.as_of != null) { doc.as_of = state.as_of; }
    doc.events = state.events.slice();
    if (state.options) { doc.options = state.options; }
    if (state.reported) { doc.reported = state.reported; }
    return doc;
  }
  function showError(msg) {
    var box = $("message");
    if (!msg) { box.hidden = true; box.textContent = ""; return; }
    box.hidden = false; box.textContent = msg;
  }
  function busy(on) {
    $("busy").hidden = !on;
    document.body.setAttribute("data-state", on ? "busy" : "ready");
  }

  // ---------------------------------------------------------------- map
  function setupMap() {
    svg = d3.select("#map");
    var box = $("map-wrap").getBoundingClientRect();
    var w = Math.max(box.width, 300), h = Math.max(box.height, 200);
    projection = d3.geoEqualEarth().rotate([-CENTER_LON, 0]).fitExtent([[6, 6], [w - 6, h - 6]], { type: "Sphere" });
    path = d3.geoPath(projection);
    svg.attr("viewBox", "0 0 " + w + " " + h);
    svg.selectAll("*").remove();
    gZoom = svg.append("g").attr("id", "zoom");
    gZoom.append("path").attr("class", "sphere").attr("d", path({ type: "Sphere" }));
    gCountries = gZoom.append("g").attr("id", "countries");
    gChoke = gZoom.append("g").attr("id", "chokepoint-areas");
    gCables = gZoom.append("g").attr("id", "cables");
    gHits = gZoom.append("g").attr("id", "cable-hits");
    gChokeMarks = gZoom.append("g").attr("id", "chokepoints");
    gIslands = gZoom.append("g").attr("id", "islands");
    gEvents = gZoom.append("g").attr("id", "event-marks");
    gFound = gZoom.append("g").attr("id", "found");
    zoom = d3.zoom().scaleExtent([1, 60])
      .filter(function (ev) { return !areaMode && (!ev.ctrlKey || ev.type === "wheel") && !ev.button; })
      .on("zoom", function (ev) {
        zoomK = ev.transform.k;
        gZoom.attr("transform", ev.transform);
        rescaleMarks();
      });
    svg.call(zoom).on("dblclick.zoom", null);
    setupAreaTool();
  }

  function zoomToCountry(iso3, maxScale) {
    // frame a country (a small island at most maxScale times), as the tour does
    var f = net.countries.features.find(function (x) { return x.properties.iso3 === iso3; });
    if (!f || !zoom) { return; }
    zoomToBounds(path.bounds(f), maxScale);
  }

  function zoomToBounds(b, maxScale) {
    var vb = svg.attr("viewBox").split(" ").map(Number);
    var w = vb[2], h = vb[3];
    var dx = Math.max(b[1][0] - b[0][0], 1), dy = Math.max(b[1][1] - b[0][1], 1);
    if (dx > w / 2) { return; }  // split by the seam or huge: keep the world view
    var k = Math.max(1, Math.min(maxScale || 4, 0.5 / Math.max(dx / w, dy / h)));
    var cx = (b[0][0] + b[1][0]) / 2, cy = (b[0][1] + b[1][1]) / 2;
    svg.transition().duration(600).call(zoom.transform,
      d3.zoomIdentity.translate(w / 2 - k * cx, h / 2 - k * cy).scale(k));
  }

  function rescaleMarks() {
    gIslands.selectAll("circle").attr("r", function (d) { return islandRadius(d) / zoomK; });
    gChokeMarks.selectAll("path.chokepoint").attr("d", diamond);
    gEvents.selectAll("path.cut-mark").attr("d", crossAt);
    gFound.selectAll("circle").attr("r", 6 / zoomK);
  }
  function islandRadius(d) {
    var r = rowOf[d.iso3];
    var base = document.body.classList.contains("classroom") ? 5.5 : 4;
    return r && r.isolated && !r.was_isolated ? base * 1.8 : base;
  }
  function diamond(d) {
    var p = projection([d.lon, d.lat]), s = 6 / zoomK;
    return "M" + p[0] + "," + (p[1] - s) + "L" + (p[0] + s) + "," + p[1] + "L" + p[0] + "," + (p[1] + s) + "L" + (p[0] - s) + "," + p[1] + "Z";
  }
  function crossAt(d) {
    var p = projection([d.lon, d.lat]), s = 5 / zoomK;
    return "M" + (p[0] - s) + "," + (p[1] - s) + "L" + (p[0] + s) + "," + (p[1] + s) + "M" + (p[0] - s) + "," + (p[1] + s) + "L" + (p[0] + s) + "," + (p[1] - s);
  }

  function segGeo(d) {
    return { type: "MultiLineString", coordinates: d.lines };
  }

  function fixWinding(geometry) {
    // d3-geo reads a ring on the sphere: a sliver whose planar winding disagrees
    // with its great-circle edges would cover the globe; turn such rings round
    var polys = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.type === "MultiPolygon" ? geometry.coordinates : [];
    polys.forEach(function (poly) {
      if (d3.geoArea({ type: "Polygon", coordinates: poly }) > 2 * Math.PI) {
        poly.forEach(function (ring) { ring.reverse(); });
      }
    });
  }

  function drawNetwork() {
    var countries = net.countries.features;
    countries.forEach(function (f) { fixWinding(f.geometry); });
    net.chokepoints.forEach(function (c) { fixWinding(c.geometry); });
    gCountries.selectAll("path").data(countries, function (d) { return d.properties.iso3; })
      .join("path")
      .attr("class", function (d) { return "country" + (d.properties.model ? "" : " outside"); })
      .attr("data-iso3", function (d) { return d.properties.iso3; })
      .attr("d", path)
      .on("mousemove", function (ev, d) { tip(ev, countryTip(d.properties.iso3, d.properties.name)); })
      .on("mouseleave", hideTip)
      .on("click", function (ev, d) { if (!areaMode && d.properties.model) { selectCountry(d.properties.iso3); } });
    gChoke.selectAll("path.chokepoint-area").data(net.chokepoints, function (d) { return d.id; })
      .join("path").attr("class", "chokepoint-area").attr("d", function (d) { return path(d.geometry); });
    gCables.selectAll("path").data(net.segments, function (d) { return d.id; })
      .join("path")
      .attr("class", "cable")
      .attr("data-segment", function (d) { return d.id; })
      .attr("data-cable", function (d) { return d.cable; })
      .attr("d", function (d) { return path(segGeo(d)); });
    gHits.selectAll("path").data(net.segments, function (d) { return d.id; })
      .join("path")
      .attr("class", "cable-hit")
      .attr("data-segment", function (d) { return d.id; })
      .attr("data-cable", function (d) { return d.cable; })
      .attr("d", function (d) { return path(segGeo(d)); })
      .on("mousemove", hoverAt)
      .on("mouseleave", function () { hoverCables([]); hideTip(); })
      .on("click", function (ev) { if (!areaMode) { pickAt(ev); } });
    gChokeMarks.selectAll("path.chokepoint").data(net.chokepoints, function (d) { return d.id; })
      .join("path")
      .attr("class", "chokepoint")
      .attr("data-chokepoint", function (d) { return d.id; })
      .attr("d", diamond)
      .on("mousemove", function (ev, d) {
        tip(ev, "<b>" + esc(d.name) + "</b>chokepoint" + (closed(d.id) ? " (closed)" : " · click, then choose \u201cClose\u201d to close it"));
      })
      .on("mouseleave", hideTip)
      .on("click", function (ev) { if (!areaMode) { pickAt(ev); } });
    gIslands.selectAll("circle").data(net.markers, function (d) { return d.iso3; })
      .join("circle")
      .attr("class", "island")
      .attr("data-iso3", function (d) { return d.iso3; })
      .attr("cx", function (d) { return projection([d.lon, d.lat])[0]; })
      .attr("cy", function (d) { return projection([d.lon, d.lat])[1]; })
      .on("mousemove", function (ev, d) { tip(ev, countryTip(d.iso3, d.name)); })
      .on("mouseleave", hideTip)
      .on("click", function (ev, d) { if (!areaMode) { selectCountry(d.iso3); } });
    searchIndex = null; stationCables = null;
    if (selectedCable && !net.cables[selectedCable]) { closeDetail(); }
    if (selectedStation && !net.stations.some(function (st) { return st[0] === selectedStation; })) { closeDetail(); }
    recolour();
    if (selectedCable) { showCable(selectedCable); }
    if (selectedStation) { showStation(selectedStation); }
  }

  function closed(id) {
    return state.events.some(function (e) {
      var c = e.chokepoint;
      return c && (c === id || c.id === id);
    });
  }

  var hovered = [], hoverFrame = null;
  function hoverCables(ids) {
    var on = {};
    ids.forEach(function (id) { on[id] = true; });
    if (ids.join() === hovered.join()) { return; }
    hovered = ids;
    gCables.selectAll("path.cable").classed("hover", function (d) { return !!on[d.cable]; });
  }
  function hoverAt(ev) {
    // the tooltip names every cable under the mouse: in a busy corridor a click asks which one
    if (hoverFrame) { return; }
    hoverFrame = window.requestAnimationFrame(function () {
      hoverFrame = null;
      if (!$("chooser").hidden) { return; }  // the chooser is the answer: no tip over it
      var hits = hitsAt(ev);
      hoverCables(hits.cables.map(function (h) { return h.cable; }));
      if (hits.cables.length === 1 && !hits.chokepoints.length) { tip(ev, cableTip(hits.cables[0].cable)); return; }
      if (!hits.cables.length) { hideTip(); return; }
      tip(ev, "<b>" + hits.cables.length + " cables here</b>" + hits.cables.slice(0, 6).map(function (h) {
        return esc((net.cables[h.cable] || {}).name || h.cable);
      }).join(" · ") + (hits.cables.length > 6 ? " …" : "") +
        (hits.chokepoints.length ? "<br>and the " + esc(hits.chokepoints[0].name) + " chokepoint" : "") +
        "<br><i>click to choose one</i>");
    });
  }

  function tip(ev, html) {
    var t = $("tip"), box = $("map-wrap").getBoundingClientRect();
    t.innerHTML = html; t.hidden = false;
    var x = ev.clientX - box.left + 14, y = ev.clientY - box.top + 14;
    if (x + t.offsetWidth > box.width) { x = Math.max(2, ev.clientX - box.left - 14 - t.offsetWidth); }
    if (y + t.offsetHeight > box.height) { y = Math.max(2, ev.clientY - box.top - 14 - t.offsetHeight); }
    t.style.left = x + "px"; t.style.top = y + "px";
  }
  function hideTip() {
    if (hoverFrame) { window.cancelAnimationFrame(hoverFrame); hoverFrame = null; }
    $("tip").hidden = true;
  }

  function cableTip(cid) {
    var c = net.cables[cid] || {};
    var parts = ["<b>" + esc(c.name || cid) + "</b>"];
    parts.push("capacity " + fmt(c.capacity_tbps, 1) + " Tbps" +
      (c.design_tbps != null && c.design_tbps !== c.capacity_tbps ? " lit (design " + fmt(c.design_tbps, 1) + ")" : ""));
    if (c.year != null) { parts.push("in service " + esc(c.year)); }
    if (c.length_km != null) { parts.push(fmt(c.length_km, 0) + " km"); }
    parts.push("<i>click to cut it here and see who owns it</i>");
    return parts[0] + parts.slice(1).join("<br>");
  }
  function countryTip(iso3, name) {
    var r = rowOf[iso3];
    if (!r) { return "<b>" + esc(name) + "</b>" + (lastResult ? "not in the model" : "intact network"); }
    var s = r.was_isolated ? "no route to the core before" : r.status + ", " + fmt(r.loss_pct, 1) + " " + LABELS.tip_traffic;
    return "<b>" + esc(r.name || name) + "</b>" + esc(s);
  }

  // ---------------------------------------------------------------- events from the map
  function snap(m, d) {
    // the point of segment d nearest the pointer m (map coordinates), and its distance
    var best = null, bestD = Infinity;
    d.lines.forEach(function (line) {
      for (var i = 0; i + 1 < line.length; i++) {
        var a = projection(line[i]), b = projection(line[i + 1]);
        if (!a || !b) { continue; }
        var dx = b[0] - a[0], dy = b[1] - a[1];
        if (Math.abs(dx) > 200) { continue; }  // the piece that wraps round the seam
        var L = dx * dx + dy * dy, t = L ? ((m[0] - a[0]) * dx + (m[1] - a[1]) * dy) / L : 0;
        t = Math.max(0, Math.min(1, t));
        var px = a[0] + t * dx, py = a[1] + t * dy;
        var dd = (px - m[0]) * (px - m[0]) + (py - m[1]) * (py - m[1]);
        if (dd < bestD) { bestD = dd; best = [px, py]; }
      }
    });
    var ll = projection.invert(best || m);
    return { lon: Math.round(ll[0] * 10000) / 10000, lat: Math.round(ll[1] * 10000) / 10000, dist: Math.sqrt(bestD) };
  }

  function hitsAt(ev) {
    // every cable and chokepoint drawn under the pointer (not only the one on top), the
    // cables nearest first, each with the point of its own segment nearest the pointer
    var m = d3.pointer(ev, gZoom.node()), cables = {}, chokes = [];
    document.elementsFromPoint(ev.clientX, ev.clientY).forEach(function (el) {
      var d = el.__data__;
      if (!d || !el.classList) { return; }
      if (el.classList.contains("cable-hit")) {
        var p = snap(m, d);
        if (!cables[d.cable] || p.dist < cables[d.cable].at.dist) { cables[d.cable] = { cable: d.cable, seg: d, at: p }; }
      } else if (el.classList.contains("chokepoint")) {
        chokes.push(d);
      }
    });
    var list = Object.keys(cables).map(function (k) { return cables[k]; });
    list.sort(function (a, b) { return a.at.dist - b.at.dist || String(a.cable).localeCompare(b.cable); });
    return { cables: list, chokepoints: chokes };
  }

  function pickAt(ev) {
    // one cable under the click: cut it there; several (a busy corridor), or a chokepoint's
    // mark: a small chooser lists them and nothing happens until one is chosen
    var hits = hitsAt(ev);
    if (hits.cables.length === 1 && !hits.chokepoints.length) { cutAt(hits.cables[0]); return; }
    if (hits.cables.length || hits.chokepoints.length) { showChooser(ev, hits); }
  }

  function cutAt(h) {
    var p = h.at, c = net.cables[h.cable] || {};
    closeChooser();
    addEvent({ cut: { cables: [h.cable], near: [p.lat, p.lon], radius_km: CUT_RADIUS_KM,
      label: "Cut " + (c.name || h.cable) + " at " + p.lat.toFixed(2) + ", " + p.lon.toFixed(2) } });
    showCable(h.cable);
  }

  function tbps(v) {
    // small old systems carry a few Gbit/s: keep them from printing as 0 Tbps
    return fmt(v, v != null && Math.abs(v) < 1 ? 3 : 1);
  }
  function cableFacts(cid) {
    var c = net.cables[cid] || {}, bits = [];
    if (c.year != null) { bits.push(String(c.year)); }
    if (c.capacity_tbps != null) { bits.push(tbps(c.capacity_tbps) + " Tbps lit"); }
    return bits.join(" · ");
  }

  function showChooser(ev, hits) {
    var box = $("chooser"), wrap = $("map-wrap").getBoundingClientRect(), list = $("chooser-list");
    $("chooser-title").textContent = hits.cables.length > 1 ? hits.cables.length + " cables here: cut which one?" :
      hits.cables.length ? "Cut the cable or close the chokepoint?" : "Close the chokepoint?";
    list.innerHTML = "";
    hits.cables.forEach(function (h) {
      var li = document.createElement("li"), b = document.createElement("button");
      b.type = "button"; b.setAttribute("data-cable", h.cable);
      b.innerHTML = "<b>" + esc((net.cables[h.cable] || {}).name || h.cable) + "</b> <span class=muted>" + esc(cableFacts(h.cable)) + "</span>";
      b.addEventListener("click", function () { cutAt(h); });
      li.appendChild(b); list.appendChild(li);
    });
    hits.chokepoints.forEach(function (d) {
      var li = document.createElement("li"), b = document.createElement("button");
      li.className = "choke";
      b.type = "button"; b.setAttribute("data-chokepoint", d.id);
      b.disabled = closed(d.id);
      b.innerHTML = "◆ <b>Close the " + esc(d.name) + "</b> <span class=muted>chokepoint: every cable through it" + (closed(d.id) ? " (closed)" : "") + "</span>";
      b.addEventListener("click", function () { closeChooser(); closeChokepoint(d); });
      li.appendChild(b); list.appendChild(li);
    });
    box.hidden = false;
    hideTip();
    var x = ev.clientX - wrap.left + 8, y = ev.clientY - wrap.top + 8;
    x = Math.max(4, Math.min(x, wrap.width - box.offsetWidth - 4));
    if (y + box.offsetHeight > wrap.height - 4) { y = Math.max(4, ev.clientY - wrap.top - 8 - box.offsetHeight); }
    box.style.left = x + "px"; box.style.top = y + "px";
    var first = list.querySelector("button:not([disabled])");
    if (first) { first.focus({ preventScroll: true }); }
  }
  function closeChooser() {
    var box = $("chooser");
    if (box.hidden) { return; }
    box.hidden = true;
    $("chooser-list").innerHTML = "";
  }
  function closeChokepoint(d) {
    if (closed(d.id)) { showError(d.name + " is already closed (Undo reopens it)."); return; }
    addEvent({ chokepoint: { id: d.id, label: d.name + " closed" } });
  }
  function addEvent(e) {
    state.events.push(e);
    if (state.name === "" || state.name == null) { state.name = "My cuts"; }
    update();
  }

  function setupAreaTool() {
    var start = null, circle = null;
    function geo(ev) { var m = d3.pointer(ev, gZoom.node()); return projection.invert(m); }
    svg.on("mousedown.area", function (ev) {
      closeChooser();
      if (!areaMode) { return; }
      ev.preventDefault();
      start = geo(ev);
      circle = gEvents.append("path").attr("class", "area-draw");
    }).on("mousemove.area", function (ev) {
      if (!areaMode || !start) { return; }
      var deg = d3.geoDistance(start, geo(ev)) * 180 / Math.PI;
      circle.attr("d", path(d3.geoCircle().center(start).radius(Math.max(deg, 0.01))()));
      tip(ev, "radius " + fmt(deg * 111.195, 0) + " km");
    }).on("mouseup.area", function (ev) {
      if (!areaMode || !start) { return; }
      var km = Math.max(10, Math.round(d3.geoDistance(start, geo(ev)) * 6371.0088));
      var c = [Math.round(start[1] * 1000) / 1000, Math.round(start[0] * 1000) / 1000];
      start = null; circle.remove(); hideTip();
      setAreaMode(false);  // one area per press of the tool: the next click is a click again
      addEvent({ area: { center: c, radius_km: Math.min(km, 3000),
        label: "Seabed disturbance " + Math.min(km, 3000) + " km around " + c[0].toFixed(1) + ", " + c[1].toFixed(1) } });
    });
  }

  function setAreaMode(on) {
    areaMode = !!on;
    $("tool-area").setAttribute("aria-pressed", String(areaMode));
    $("map").classList.toggle("area-mode", areaMode);
    if (areaMode) { closeChooser(); }
  }

  function drawEventMarks() {
    gEvents.selectAll("*").remove();
    var cuts = [], areas = [];
    state.events.forEach(function (e) {
      if (e.cut && Array.isArray(e.cut.near)) { cuts.push({ lat: e.cut.near[0], lon: e.cut.near[1] }); }
      if (e.area && Array.isArray(e.area.center)) { areas.push(e.area); }
    });
    gEvents.selectAll("path.area").data(areas).join("path").attr("class", "area-draw area")
      .attr("d", function (a) { return path(d3.geoCircle().center([a.center[1], a.center[0]]).radius(a.radius_km / 111.195)()); });
    gEvents.selectAll("path.cut-mark").data(cuts).join("path").attr("class", "event-mark cut-mark").attr("d", crossAt);
    gChokeMarks.selectAll("path.chokepoint").classed("closed", function (d) { return closed(d.id); });
  }

  // ---------------------------------------------------------------- results
  function recolour() {
    var noData = meta ? meta.colors.no_data : "#f2f2f2";
    var plain = "#cfcfcf";
    gCountries.selectAll("path.country")
      .attr("fill", function (d) {
        var iso = d.properties.iso3;
        if (lastResult) { return colorOf[iso] || noData; }
        return d.properties.model ? plain : noData;
      })
      .attr("data-status", function (d) { var r = rowOf[d.properties.iso3]; return r ? r.status : (d.properties.model ? "unaffected" : "none"); })
      .classed("isolated", function (d) { var r = rowOf[d.properties.iso3]; return !!(r && r.isolated && !r.was_isolated); })
      .classed("selected", function (d) { return d.properties.iso3 === selected; });
    gIslands.selectAll("circle")
      .attr("fill", function (d) { return lastResult ? (colorOf[d.iso3] || noData) : plain; })
      .attr("data-status", function (d) { var r = rowOf[d.iso3]; return r ? r.status : "unaffected"; })
      .classed("isolated", function (d) { var r = rowOf[d.iso3]; return !!(r && r.isolated && !r.was_isolated); })
      .classed("selected", function (d) { return d.iso3 === selected; });
    var failed = {};
    (lastResult ? lastResult.failed_segments : []).forEach(function (s) { failed[s] = true; });
    gCables.selectAll("path.cable").classed("failed", function (d) { return !!failed[d.id]; });
    rescaleMarks();
    drawEventMarks();
  }

  function describeEvent(e) {
    var k = Object.keys(e)[0], v = e[k];
    if (v && typeof v === "object" && v.label) { return v.label; }
    if (v && typeof v === "object" && v.id) { return k.replace("_", " ") + " " + v.id; }
    return k.replace("_", " ") + " " + (typeof v === "object" ? JSON.stringify(v) : v);
  }

  function renderScenario() {
    $("scenario-name").textContent = state.events.length ? state.name : "Intact network";
    $("scenario-desc").textContent = state.events.length ? (state.description || "") : "Click a cable or a chokepoint, or open a scenario.";
    var ol = $("events"); ol.innerHTML = "";
    state.events.forEach(function (e) { var li = document.createElement("li"); li.textContent = describeEvent(e); ol.appendChild(li); });
    $("undo").disabled = !state.events.length;
    $("reset").disabled = !state.events.length && !state.reported;
    $("save").disabled = !state.events.length;
  }

  function summaryText(s) {
    var name = function (iso) { var r = rowOf[iso]; return r ? r.name : iso; };
    var parts = [];
    parts.push(s.segments_failed + " segment" + (s.segments_failed === 1 ? "" : "s") + " of " + s.cables_failed + " cable" + (s.cables_failed === 1 ? "" : "s") + " failed.");
    if (s.isolated && s.isolated.length) { parts.push("Cut off: " + s.isolated.map(name).join(", ") + "."); }
    if (s.severe && s.severe.length) { parts.push("Severe: " + s.severe.map(name).join(", ") + "."); }
    if (s.degraded && s.degraded.length) { parts.push(s.degraded.length + " degraded."); }
    if (!s.isolated.length && !s.severe.length && !s.degraded.length) { parts.push(LABELS.summary_none); }
    return parts.join(" ");
  }

  function renderReported() {
    var rep = state.reported, box = $("reported-box"), tb = $("reported").tBodies[0];
    tb.innerHTML = "";
    if (!rep || !rep.countries || !rep.countries.length) { box.hidden = true; return; }
    box.hidden = false;
    rep.countries.forEach(function (c) {
      var r = rowOf[c.iso3];
      var tr = document.createElement("tr");
      tr.innerHTML = "<td>" + esc(r ? r.name : c.iso3) + "</td><td title=\"" + esc(c.wording || "") + "\">" + esc(c.severity) +
        "</td><td>" + (r ? esc(r.status) + " (" + fmt(r.loss_pct, 0) + " %)" : "–") + "</td>";
      tr.addEventListener("click", function () { selectCountry(c.iso3); });
      tb.appendChild(tr);
    });
  }

  function update() {
    showError(null);
    renderScenario();
    var my = ++seq;
    if (!state.events.length) {
      lastResult = null; colorOf = {}; rowOf = {};
      $("summary").textContent = ""; $("explain-box").hidden = true;
      recolour(); renderReported();
      if (selected) { selectCountry(selected); }
      if (selectedCable) { showCable(selectedCable); }
      document.body.setAttribute("data-sim", String(my));
      busy(false);
      return Promise.resolve();
    }
    busy(true);
    var doc = document_();
    return api("/api/simulate", { scenario: doc }).then(function (res) {
      if (my !== seq) { return; }
      lastResult = res; colorOf = {}; rowOf = {};
      res.countries.forEach(function (r) { colorOf[r.iso3] = r.color; rowOf[r.iso3] = r; });
      recolour();
      $("summary").textContent = summaryText(res.summary) + (res.timing_ignored
        ? " (The events' dates and repairs are not replayed here: all of them happen at once; `cablesim timeline` plays them in order.)" : "");
      if (res.warnings && res.warnings.length) { showError(res.warnings.join(" ")); }
      renderReported();
      document.body.setAttribute("data-sim", String(my));
      busy(false);
      if (selected) { selectCountry(selected); }
      if (selectedCable) { showCable(selectedCable); }
      $("explain-box").hidden = false;
      explained = null;
      if ($("explain-details").open) { loadExplanation(); }
    }).catch(function (err) {
      if (my !== seq) { return; }
      busy(false);
      showError(err.message);
      state.events.pop();  // the event the model refused is not kept
      renderScenario();
    });
  }

  var explained = null;
  function loadExplanation() {
    // written on demand: the account of the whole scenario takes longer than the recolouring
    var doc = document_(), key = JSON.stringify(doc), my = seq;
    if (!state.events.length || explained === key) { return; }
    explained = key;
    $("explanation").innerHTML = "<p class=muted>writing the explanation…</p>";
    api("/api/explain", { scenario: doc }).then(function (res) {
      if (my !== seq) { return; }
      $("explanation").innerHTML = res.paragraphs.map(function (p) { return "<p>" + esc(p) + "</p>"; }).join("");
    }).catch(function (err) { $("explanation").textContent = err.message; });
  }

  // ---------------------------------------------------------------- a country
  function selectCountry(iso3) {
    if (selected !== iso3) { topCableId = null; applyHighlight(); }
    selected = iso3;
    recolour();
    var box = $("country-box");
    box.hidden = false;
    var feature = net.countries.features.find(function (f) { return f.properties.iso3 === iso3; });
    var name = (rowOf[iso3] && rowOf[iso3].name) || (feature && feature.properties.name) || iso3;
    $("country-name").textContent = name;
    box.setAttribute("data-iso3", iso3);
    var facts = $("country-facts"), rep = $("country-reported"), ex = $("country-explain");
    rep.innerHTML = ""; ex.innerHTML = "";
    if (lastResult && rowOf[iso3]) {
      var r = rowOf[iso3];
      facts.innerHTML = "<dt>" + LABELS.status + "</dt><dd data-field=status>" + esc(r.was_isolated ? "no route before" : r.status) + "</dd>" +
        "<dt>" + LABELS.traffic_lost_pct + "</dt><dd data-field=loss>" + fmt(r.loss_pct, 1) + " %</dd>" +
        (r.demand_tbps != null ? "<dt>" + LABELS.traffic_served + "</dt><dd data-field=served>" + fmt(r.served_tbps, 2) + " of " + fmt(r.demand_tbps, 2) + " Tbps</dd>" : "") +
        "<dt>" + LABELS.capacity_to_core + "</dt><dd data-field=capacity>" + fmt(r.baseline_tbps, 2) + " → " + fmt(r.remaining_tbps, 2) + " Tbps" +
        (r.capacity_loss_pct != null ? " (" + fmt(r.capacity_loss_pct, 1) + " % " + LABELS.capacity_lost_pct + ")" : "") + "</dd>" +
        "<dt>" + LABELS.latency + "</dt><dd>" + fmt(r.latency_ms_baseline, 0) + " → " + (r.latency_ms == null ? "no route" : fmt(r.latency_ms, 0) + " ms") +
        (r.latency_change_ms ? " (" + (r.latency_change_ms > 0 ? "+" : "") + fmt(r.latency_change_ms, 0) + " ms)" : "") + "</dd>";
      var my = seq;
      api("/api/country", { scenario: document_(), iso3: iso3 }).then(function (res) {
        if (my !== seq || selected !== iso3) { return; }
        if (res.reported) {
          rep.innerHTML = "<h3>What the sources reported</h3><p><b>" + esc(res.reported.severity) + "</b>: " + esc(res.reported.wording || "") + "</p>";
        }
        ex.innerHTML = res.explanation.length ? "<h3>Why</h3>" + res.explanation.map(function (p) { return "<p>" + esc(p) + "</p>"; }).join("") : "";
      }).catch(function (err) { ex.textContent = err.message; });
    } else if (lastResult) {
      facts.innerHTML = "<dt>Status</dt><dd>not in the model</dd>";
    } else {
      facts.innerHTML = "<dt>Status</dt><dd data-field=status>intact network</dd>";
    }
    loadDepends(iso3);
  }

  function loadDepends(iso3) {
    var out = $("country-depends");
    out.innerHTML = "<p class=muted>computing what it depends on (a few seconds the first time)…</p>";
    api("/api/depends", { scenario: document_(), iso3: iso3 }).then(function (res) {
      if (selected !== iso3) { return; }
      var rows = res.rows.slice(0, 8);
      out.innerHTML = "<table id=depends><thead><tr><th>If this fails</th><th class=num>" + LABELS.depends_loss + "</th><th></th></tr></thead><tbody>" +
        rows.map(function (r, i) {
          var act = r.kind === "cable" ? "<button type=button data-act=cable data-id=\"" + esc(r.id) + "\">Cut it</button>" :
            r.kind === "chokepoint" ? "<button type=button data-act=chokepoint data-id=\"" + esc(r.id) + "\">Close it</button>" : "";
          return "<tr data-kind=\"" + esc(r.kind) + "\" data-id=\"" + esc(r.id) + "\"" + (i === 0 ? " class=top" : "") + "><td>" + esc(r.name) +
            " <span class=muted>(" + esc(r.kind) + ")</span></td><td class=num>" + fmt(r.loss_pct, 1) + " %</td><td>" + act + "</td></tr>";
        }).join("") + "</tbody></table>";
      var topCable = res.rows.find(function (r) { return r.kind === "cable"; });
      out.insertAdjacentHTML("beforeend", topCable ? "<p id=top-cable>The single cable that matters most to " + esc(res.name) + ": <b>" +
        esc(topCable.name) + "</b> (" + fmt(topCable.loss_pct, 1) + " % of its capacity to the core goes if it alone fails).</p>" : "");
      topCableId = topCable ? topCable.id : null;
      applyHighlight();
      out.querySelectorAll("button[data-act]").forEach(function (b) {
        b.addEventListener("click", function () {
          var id = b.getAttribute("data-id");
          if (b.getAttribute("data-act") === "cable") {
            addEvent({ cable: { id: id, label: ((net.cables[id] || {}).name || id) + " fails along its whole length" } });
          } else {
            var cp = net.chokepoints.find(function (c) { return c.id === id; });
            closeChokepoint(cp || { id: id, name: id });
          }
        });
      });
    }).catch(function (err) { out.innerHTML = "<p class=muted>" + esc(err.message) + "</p>"; });
  }

  // ---------------------------------------------------------------- a cable, a station
  var topCableId = null;
  function applyHighlight() {
    if (!gCables) { return; }
    gCables.selectAll("path.cable").classed("highlight", function (d) { return d.cable === topCableId || d.cable === selectedCable; });
  }

  function stationsOf() {
    if (!stationCables) {
      stationCables = {};
      Object.keys(net.cable_info || {}).forEach(function (cid) {
        net.cable_info[cid].landings.forEach(function (i) { (stationCables[i] = stationCables[i] || []).push(cid); });
      });
    }
    return stationCables;
  }
  function countryName(iso3) {
    var r = rowOf[iso3];
    if (r && r.name) { return r.name; }
    var f = net.countries.features.find(function (x) { return x.properties.iso3 === iso3; });
    return f ? f.properties.name : (iso3 || "");
  }
  function stationIndex(id) {
    for (var i = 0; i < net.stations.length; i++) { if (net.stations[i][0] === id) { return i; } }
    return -1;
  }
  function wholeCut(cid) {
    return state.events.some(function (e) { var c = e.cable; return c && (c === cid || c.id === cid); });
  }
  function linkButton(kind, key, text) {
    return "<button type=button class=link data-open=" + kind + " data-key=\"" + esc(key) + "\">" + esc(text) + "</button>";
  }
  function wireLinks(box) {
    box.querySelectorAll("button[data-open]").forEach(function (b) {
      b.addEventListener("click", function () {
        var k = b.getAttribute("data-key"), kind = b.getAttribute("data-open");
        if (kind === "cable") { showCable(k); zoomToCable(k); }
        else if (kind === "station") { showStation(k); zoomToStation(k); }
        else if (kind === "country") { selectCountry(k); zoomToCountry(k, 4); }
      });
    });
  }

  function showCable(cid) {
    // what the public map shows on a click: year, capacity, owners, landing points; and a cut
    var c = net.cables[cid];
    if (!c) { return; }
    selectedCable = cid; selectedStation = null;
    gFound.selectAll("*").remove();
    applyHighlight();
    var info = (net.cable_info || {})[cid] || { owners: [], landings: [] };
    var box = $("detail-box");
    box.hidden = false; box.setAttribute("data-kind", "cable"); box.setAttribute("data-id", cid);
    $("detail-kind").textContent = "Cable";
    $("detail-name").textContent = c.name || cid;
    var failedSegs = lastResult ? lastResult.failed_cables.find(function (f) { return f.cable_id === cid; }) : null;
    var facts = "<dt>" + LABELS.year + "</dt><dd data-field=year>" + (c.year == null ? "unknown" : esc(c.year)) + (info.planned ? " (planned)" : "") + "</dd>" +
      "<dt>" + LABELS.lit + "</dt><dd>" + tbps(c.capacity_tbps) + " Tbps" +
      (c.design_tbps != null && c.design_tbps !== c.capacity_tbps ? " (" + LABELS.design + " " + tbps(c.design_tbps) + ")" : "") + "</dd>" +
      (c.length_km != null ? "<dt>" + LABELS.length + "</dt><dd>" + fmt(c.length_km, 0) + " km</dd>" : "") +
      "<dt>" + LABELS.owners + "</dt><dd data-field=owners>" + (info.owners.length ? esc(info.owners.join(", ")) : "not published") + "</dd>" +
      "<dt>In this scenario</dt><dd data-field=cable-status>" + (failedSegs ? (failedSegs.whole ? "cut along its whole length" :
        failedSegs.segments_failed + " segment" + (failedSegs.segments_failed === 1 ? "" : "s") + " cut") : "intact") + "</dd>";
    $("detail-facts").innerHTML = facts;
    // landing points grouped by country, in the cable's order
    var byCountry = [], seen = {};
    info.landings.forEach(function (i) {
      var st = net.stations[i], iso = st[2] || "";
      if (!(iso in seen)) { seen[iso] = byCountry.length; byCountry.push({ iso3: iso, items: [] }); }
      byCountry[seen[iso]].items.push(st);
    });
    $("detail-list-title").textContent = LABELS.landings + " (" + info.landings.length + ")";
    $("detail-list").innerHTML = byCountry.map(function (g) {
      return "<li><span class=muted>" + esc(countryName(g.iso3)) + ":</span> " + g.items.map(function (st) {
        return linkButton("station", st[0], st[1].replace(/, [^,]*$/, ""));
      }).join(", ") + "</li>";
    }).join("");
    var act = $("detail-actions");
    act.innerHTML = "<button type=button id=cut-cable" + (wholeCut(cid) ? " disabled" : "") + ">" +
      (wholeCut(cid) ? "Cut along its whole length (done)" : "Cut it along its whole length") + "</button> " +
      "<button type=button id=zoom-cable>Show it on the map</button>";
    $("cut-cable").addEventListener("click", function () {
      addEvent({ cable: { id: cid, label: (c.name || cid) + " fails along its whole length" } });
    });
    $("zoom-cable").addEventListener("click", function () { zoomToCable(cid); });
    wireLinks(box);
  }

  function showStation(id) {
    var i = stationIndex(id);
    if (i < 0) { return; }
    var st = net.stations[i];
    selectedStation = id; selectedCable = null;
    applyHighlight();
    gFound.selectAll("*").remove();
    var p = projection([st[3], st[4]]);
    gFound.append("circle").attr("class", "found-station").attr("data-station", id)
      .attr("cx", p[0]).attr("cy", p[1]).attr("r", 6 / zoomK);
    var box = $("detail-box");
    box.hidden = false; box.setAttribute("data-kind", "station"); box.setAttribute("data-id", id);
    $("detail-kind").textContent = "Landing station";
    $("detail-name").textContent = st[1];
    var cables = stationsOf()[i] || [];
    $("detail-facts").innerHTML = "<dt>Country</dt><dd>" + (st[2] ? linkButton("country", st[2], countryName(st[2])) : "–") + "</dd>" +
      "<dt>Position</dt><dd>" + st[4].toFixed(2) + ", " + st[3].toFixed(2) + "</dd>";
    $("detail-list-title").textContent = LABELS.cables_here + " (" + cables.length + ")";
    $("detail-list").innerHTML = cables.map(function (cid) {
      return "<li>" + linkButton("cable", cid, (net.cables[cid] || {}).name || cid) + " <span class=muted>" + esc(cableFacts(cid)) + "</span></li>";
    }).join("");
    $("detail-actions").innerHTML = "<button type=button id=lose-station>Lose this station</button>";
    $("lose-station").addEventListener("click", function () {
      addEvent({ landing_point: { id: id, label: st[1] + " lost (every cable landing there)" } });
    });
    wireLinks(box);
  }

  function closeDetail() {
    selectedCable = null; selectedStation = null;
    $("detail-box").hidden = true;
    if (gFound) { gFound.selectAll("*").remove(); }
    applyHighlight();
  }

  function zoomToCable(cid) {
    var lines = [];
    net.segments.forEach(function (s) { if (s.cable === cid) { lines = lines.concat(s.lines); } });
    if (lines.length) { zoomToBounds(path.bounds({ type: "MultiLineString", coordinates: lines }), 8); }
  }
  function zoomToStation(id) {
    var st = net.stations[stationIndex(id)];
    if (!st) { return; }
    var p = projection([st[3], st[4]]);
    zoomToBounds([[p[0] - 20, p[1] - 20], [p[0] + 20, p[1] + 20]], 8);
  }

  // ---------------------------------------------------------------- search
  function norm(s) {
    return String(s || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function buildIndex() {
    var items = [];
    net.countries.features.forEach(function (f) {
      if (!f.properties.model) { return; }
      items.push({ kind: "country", key: f.properties.iso3, label: f.properties.name, sub: "country", extra: f.properties.iso3.toLowerCase() });
    });
    Object.keys(net.cables).forEach(function (cid) {
      var c = net.cables[cid];
      items.push({ kind: "cable", key: cid, label: c.name || cid, sub: "cable" + (c.year != null ? " · " + c.year : ""), extra: cid });
    });
    var sc = stationsOf();
    net.stations.forEach(function (st, i) {
      if (st[5]) { return; }  // "t.b.d.": the operator has not named the town
      var n = (sc[i] || []).length;
      items.push({ kind: "station", key: st[0], label: st[1], sub: "station · " + n + " cable" + (n === 1 ? "" : "s"), extra: "" });
    });
    items.forEach(function (it) {
      it.n = norm(it.label);
      it.c = it.n.replace(/[^a-z0-9]/g, "");
      it.x = norm(it.extra).replace(/[^a-z0-9]/g, "");
    });
    return items;
  }
  var KIND_ORDER = { country: 0, cable: 1, station: 2 };
  function search(q) {
    var nq = norm(q).trim(), cq = nq.replace(/[^a-z0-9]/g, "");
    if (!cq) { return []; }
    searchIndex = searchIndex || buildIndex();
    var out = [];
    searchIndex.forEach(function (it) {
      var score = -1;
      if (it.n.indexOf(nq) === 0 || it.x === cq) { score = 0; }
      else if ((" " + it.n).indexOf(" " + nq) >= 0 || it.n.indexOf("(" + nq) >= 0) { score = 1; }
      else if (it.n.indexOf(nq) >= 0) { score = 2; }
      else if (cq.length >= 3 && (it.c.indexOf(cq) >= 0 || it.x.indexOf(cq) >= 0)) { score = 3; }
      if (score >= 0) { out.push({ it: it, score: score }); }
    });
    out.sort(function (a, b) {
      return a.score - b.score || KIND_ORDER[a.it.kind] - KIND_ORDER[b.it.kind] ||
        a.it.label.length - b.it.label.length || a.it.label.localeCompare(b.it.label);
    });
    return out.slice(0, 12).map(function (o) { return o.it; });
  }

  var searchHits = [], searchAt = -1;
  function renderSearch() {
    var ul = $("search-results"), input = $("search");
    ul.innerHTML = "";
    searchHits.forEach(function (it, i) {
      var li = document.createElement("li");
      li.id = "search-opt-" + i; li.setAttribute("role", "option");
      li.setAttribute("data-kind", it.kind); li.setAttribute("data-key", it.key);
      li.setAttribute("aria-selected", String(i === searchAt));
      li.innerHTML = esc(it.label) + " <span class=muted>" + esc(it.sub) + "</span>";
      li.addEventListener("mousedown", function (ev) { ev.preventDefault(); pickSearch(i); });
      ul.appendChild(li);
    });
    var none = input.value.trim() && !searchHits.length;
    if (none) { ul.innerHTML = "<li class=muted role=presentation>nothing found</li>"; }
    var open = !!(searchHits.length || none);
    ul.hidden = !open;
    input.setAttribute("aria-expanded", String(open));
    if (searchAt >= 0) { input.setAttribute("aria-activedescendant", "search-opt-" + searchAt); $("search-opt-" + searchAt).scrollIntoView({ block: "nearest" }); }
    else { input.removeAttribute("aria-activedescendant"); }
  }
  function closeSearch() { searchHits = []; searchAt = -1; renderSearch(); $("search-results").hidden = true; }
  function pickSearch(i) {
    var it = searchHits[i];
    if (!it) { return; }
    $("search").value = it.label;
    closeSearch();
    if (it.kind === "country") { closeDetail(); selectCountry(it.key); zoomToCountry(it.key, 4); }
    else if (it.kind === "cable") { showCable(it.key); zoomToCable(it.key); }
    else { showStation(it.key); zoomToStation(it.key); }
    var box = it.kind === "country" ? $("country-box") : $("detail-box");
    if (window.matchMedia("(max-width: 699px)").matches) { box.scrollIntoView({ block: "nearest" }); }
  }
  function setupSearch() {
    var input = $("search");
    input.addEventListener("input", function () {
      if (!net) { return; }
      searchHits = search(this.value); searchAt = searchHits.length ? 0 : -1; renderSearch();
    });
    input.addEventListener("keydown", function (ev) {
      if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
        if (!searchHits.length && net) { searchHits = search(this.value); }
        if (!searchHits.length) { return; }
        ev.preventDefault();
        var step = ev.key === "ArrowDown" ? 1 : -1;
        searchAt = (searchAt + step + searchHits.length) % searchHits.length;
        renderSearch();
      } else if (ev.key === "Enter") {
        ev.preventDefault();
        if (searchHits.length) { pickSearch(Math.max(searchAt, 0)); }
      } else if (ev.key === "Escape") {
        if (searchHits.length || this.value) { ev.preventDefault(); }
        if (!searchHits.length) { this.value = ""; }
        closeSearch();
      }
    });
    input.addEventListener("blur", function () { setTimeout(closeSearch, 150); });
  }

  // ---------------------------------------------------------------- network by year
  function loadNetwork(asOf) {
    var my = ++netSeq;
    busy(true);
    var q = asOf == null ? "" : "?as_of=" + encodeURIComponent(asOf);
    return api("/api/network" + q).then(function (data) {
      if (my !== netSeq) { return; }
      net = data;
      drawNetwork();
      $("year-label").textContent = asOf == null ? "snapshot " + data.as_of : data.as_of;
      busy(false);
    }).catch(function (err) { busy(false); showError(err.message); });
  }

  function yearOf(asOf) {
    if (asOf == null) { return meta.snapshot_year; }
    return parseInt(String(asOf).slice(0, 4), 10);
  }

  function setScenario(doc) {
    state = {
      name: doc.name || "Scenario", description: doc.description || "", as_of: doc.as_of == null ? null : doc.as_of,
      events: (doc.events || []).slice(), reported: doc.reported || null, options: doc.options || null
    };
    $("year").value = yearOf(state.as_of);
    return loadNetwork(state.as_of).then(update);
  }

  function openPreset(key) {
    $("preset").value = key;
    return api("/api/scenarios/" + key).then(function (res) { return setScenario(res.document); })
      .catch(function (err) { showError(err.message); });
  }

  // ---------------------------------------------------------------- save and upload
  function save() {
    var doc = document_();
    return fetch("/api/export", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ scenario: doc }) })
      .then(function (r) {
        if (!r.ok) { return r.json().then(function (d) { throw new Error(d.error); }); }
        var name = (r.headers.get("Content-Disposition") || "").match(/filename="([^"]+)"/);
        return r.blob().then(function (b) {
          var a = document.createElement("a");
          a.href = URL.createObjectURL(b);
          a.download = name ? name[1] : "scenario.yaml";
          document.body.appendChild(a); a.click(); a.remove();
          setTimeout(function () { URL.revokeObjectURL(a.href); }, 1000);
        });
      }).catch(function (err) { showError(err.message); });
  }

  function upload(file) {
    if (!file) { return; }
    if (meta && file.size > meta.limits.body_bytes) { showError(file.name + " is too large: the limit is " + Math.round(meta.limits.body_bytes / 1024) + " KiB"); return; }
    file.text().then(function (text) {
      return fetch("/api/upload", { method: "POST", headers: { "Content-Type": "application/x-yaml" }, body: text });
    }).then(function (r) {
      return r.json().then(function (d) { if (!r.ok) { throw new Error(d.error); } return d; });
    }).then(function (d) { $("preset").value = ""; return setScenario(d.document); })
      .catch(function (err) { showError(file.name + ": " + err.message); });
  }

  // ---------------------------------------------------------------- classroom tour
  var TOUR = [
    { title: "Tonga, January 2022", preset: "tonga-2022", country: "TON", zoom: 4,
      text: "The Hunga Tonga volcano erupted and the seabed flows tore the Tonga Cable, Tonga's only international cable. Watch Tonga (the round mark in the middle of the map, south-east of Fiji) turn dark: it is cut off from the rest of the internet." },
    { title: "Alexandria, 2008", preset: "history/alexandria-2008", country: "EGY",
      text: "Two cables were cut by ship anchors off Alexandria and FALCON was cut in the Gulf. The table \"What the sources reported\" puts what newspapers and operators said next to what the model computes." },
    { title: "Close the Suez crossing", preset: "suez-closure", country: "SAU",
      text: "Almost every cable between Europe and Asia crosses Egypt. Close the Suez chokepoint: which countries change colour, and which keep a way round Africa or across the Pacific? Click a country to see why." },
    { title: "A landlocked country", preset: "landlocked-ethiopia-djibouti", country: "ETH",
      text: "Ethiopia has no coast: its traffic reaches the cables over land, mostly through Djibouti. Here Djibouti's two landing stations are lost. What is left for Ethiopia?" },
    { title: "Which single cable matters most?", preset: null, country: "KEN",
      text: "Pick any country on the map (Kenya is chosen for you). Under \"What it depends on\" the model fails each cable alone and measures how much of the country's capacity to the core goes. The top cable is drawn in blue; press \"Cut it\" to see the result." }
  ];
  var tourAt = 0;
  function renderTour() {
    var s = TOUR[tourAt];
    $("tour-step").textContent = "· step " + (tourAt + 1) + " of " + TOUR.length;
    $("tour-title").textContent = s.title;
    $("tour-text").textContent = s.text;
    $("tour-prev").disabled = tourAt === 0;
    $("tour-next").disabled = tourAt === TOUR.length - 1;
  }
  function doTour() {
    var s = TOUR[tourAt];
    var p = s.preset ? openPreset(s.preset) : resetAll();
    return p.then(function () {
      if (s.country) { selectCountry(s.country); zoomToCountry(s.country, s.zoom || 3); }
    });
  }
  function resetAll() {
    // every tool back to rest: no area tool, no chooser, no preset named in the menu
    setAreaMode(false);
    closeChooser();
    $("preset").value = "";
    var keepAsOf = state.as_of;
    state = { name: "My cuts", description: "", as_of: keepAsOf, events: [], reported: null, options: null };
    return update();
  }

  // ---------------------------------------------------------------- wiring
  function init() {
    setupMap();
    setupSearch();
    $("reported").tHead.rows[0].cells[2].textContent = LABELS.reported_model;
    $("detail-close").addEventListener("click", closeDetail);
    $("chooser-cancel").addEventListener("click", closeChooser);
    $("chooser").addEventListener("keydown", function (ev) {
      var btns = Array.prototype.slice.call(this.querySelectorAll("button:not([disabled])"));
      var at = btns.indexOf(document.activeElement);
      if (ev.key === "Escape") { ev.preventDefault(); closeChooser(); }
      else if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
        ev.preventDefault();
        btns[(at + (ev.key === "ArrowDown" ? 1 : -1) + btns.length) % btns.length].focus();
      }
    });
    $("tool-area").addEventListener("click", function () { setAreaMode(!areaMode); });
    $("undo").addEventListener("click", function () { state.events.pop(); update(); });
    $("reset").addEventListener("click", resetAll);
    $("year").addEventListener("input", function () { $("year-label").textContent = this.value; });
    $("year").addEventListener("change", function () {
      var y = parseInt(this.value, 10);
      state.as_of = y === meta.snapshot_year ? null : y;
      loadNetwork(state.as_of).then(update);
    });
    $("preset").addEventListener("change", function () { if (this.value) { openPreset(this.value); } });
    $("upload").addEventListener("change", function () { upload(this.files[0]); this.value = ""; });
    $("save").addEventListener("click", save);
    $("classroom").addEventListener("click", function () {
      var on = !document.body.classList.contains("classroom");
      document.body.classList.toggle("classroom", on);
      this.setAttribute("aria-pressed", String(on));
      $("tour").hidden = !on;
      if (on) { tourAt = 0; renderTour(); }
      rescaleMarks();
    });
    $("tour-prev").addEventListener("click", function () { tourAt = Math.max(0, tourAt - 1); renderTour(); });
    $("tour-next").addEventListener("click", function () { tourAt = Math.min(TOUR.length - 1, tourAt + 1); renderTour(); });
    $("tour-do").addEventListener("click", doTour);
    $("explain-details").addEventListener("toggle", function () { if (this.open) { loadExplanation(); } });
    window.addEventListener("resize", function () { setupMap(); if (net) { drawNetwork(); } });

    api("/api/meta").then(function (m) {
      meta = m;
      wireLabels(m.measures);
      var y = $("year");
      y.min = m.first_year; y.max = m.last_year; y.value = m.snapshot_year;
      $("legend").innerHTML = m.legend.map(function (it) {
        return "<li><span class=swatch style=\"background:" + esc(it.color) + "\"></span>" + esc(it.label) + "</li>";
      }).join("") +
        "<li><span class=\"swatch line\" style=\"background:" + esc(m.colors.failed) + "\"></span>failed cable segment</li>" +
        "<li><span class=swatch style=\"background:#fff;border-color:#111;transform:rotate(45deg)\"></span>chokepoint (black: closed)</li>" +
        "<li><span class=swatch style=\"border-radius:50%\"></span>small country or island, enlarged</li>" +
        "<li><span class=swatch style=\"border:2px solid #e3000f\"></span>red outline: cut off by the events</li>";
      $("attribution").textContent = m.attribution + " Map: d3-geo, Equal Earth centred on 15°E.";
      return api("/api/scenarios");
    }).then(function (list) {
      var sel = $("preset");
      var groups = { bundled: document.createElement("optgroup"), history: document.createElement("optgroup") };
      groups.bundled.label = "Scenarios";
      groups.history.label = "History (with what the sources reported)";
      list.scenarios.forEach(function (s) {
        var o = document.createElement("option");
        o.value = s.key; o.textContent = s.name + (s.reported && !s.history ? " · reported" : "");
        o.title = s.description;
        groups[s.history ? "history" : "bundled"].appendChild(o);
      });
      sel.appendChild(groups.bundled); sel.appendChild(groups.history);
      return loadNetwork(null);
    }).then(function () {
      renderScenario();
      var hash = (window.location.hash || "").replace(/^#/, "");
      if (hash.indexOf("scenario=") === 0) { return openPreset(decodeURIComponent(hash.slice(9))); }
      document.body.setAttribute("data-sim", "0");
      return null;
    }).then(function () { document.body.setAttribute("data-state", "ready"); })
      .catch(function (err) { showError(err.message); });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
  window.cablesimPage = { state: function () { return state; }, project: function (ll) { return projection(ll); }, openPreset: openPreset,
    selectCountry: selectCountry, showCable: showCable, labels: LABELS };
})();
