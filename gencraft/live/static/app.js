// gencraft live: the page. State lives on the server; this file shows it and
// sends the artist's changes. Updates arrive as server-sent events (/events).
"use strict";

const $ = (sel) => document.querySelector(sel);
const S = {
  meta: null, sig: "", values: {}, overrides: {}, drawn: [], seed: "0",
  render: null, frames: [], frame: 0, playing: true, timer: null,
  grid: null, active: null, prompt: null, instance: null, taste: null,
  locked: new Set(JSON.parse(localStorage.getItem("gencraft-live-locks") || "[]")),
};

const LOCK_SVG = '<svg viewBox="0 0 16 16" width="12" height="12" aria-hidden="true"><rect x="3" y="7" width="10" height="7" rx="1.5" fill="currentColor"/><path d="M5 7V5a3 3 0 0 1 6 0v2" fill="none" stroke="currentColor" stroke-width="1.6"/></svg>';

// ------------------------------------------------------------------ helpers
async function api(path, body) {
  const init = body === undefined ? {} : {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
  };
  const res = await fetch(path, init);
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(data.error || res.statusText);
  return data;
}

let toastTimer = null;
function toast(text, error = false) {
  const el = $("#toast");
  el.textContent = text;
  el.className = error ? "error" : "";
  el.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (el.hidden = true), error ? 6000 : 3500);
}

function setStatus(kind, text) {
  $("#status").className = "status " + kind;
  $("#status-text").textContent = text;
}

function fmt(desc, v) {
  if (desc.kind === "float") {
    const step = desc.step || 0.01;
    const digits = Math.min(6, Math.max(0, Math.ceil(-Math.log10(step) - 1e-9)));
    return Number(v).toFixed(digits);
  }
  if (desc.kind === "bool") return v ? "on" : "off";
  return String(v);
}

function stepSeed(seed, delta) {
  seed = String(seed).trim();
  if (/^[+-]?\d+$/.test(seed)) return String(BigInt(seed) + BigInt(delta));
  const m = seed.match(/^(.*)-(\d+)$/);
  if (m) { const n = Number(m[2]) + delta; return n <= 0 ? m[1] : `${m[1]}-${n}`; }
  return delta <= 0 ? seed : `${seed}-${delta}`;
}

// -------------------------------------------------------- sending changes
let pending = {}, flushTimer = null;
function sendSet(name, value) {
  pending[name] = value;
  S.overrides[name] = value;
  markModified();
  if (!flushTimer) flushTimer = setTimeout(flush, 30);  // coalesce a burst of slider moves
}
function flush() {
  flushTimer = null;
  const set = pending; pending = {};
  if (Object.keys(set).length) api("/api/render", { set }).catch((e) => toast(e.message, true));
}
function sendSeed(seed) {
  $("#seed").value = seed;
  api("/api/render", { seed }).then((r) => (S.seed = r.seed)).catch((e) => toast(e.message, true));
}

// --------------------------------------------------------------- controls
function buildControls(params) {
  const box = $("#controls");
  box.innerHTML = "";
  if (!params.length) { box.innerHTML = '<p class="muted">this sketch declares no parameters</p>'; return; }
  for (const d of params) {
    const row = document.createElement("div");
    row.className = "param";
    row.dataset.name = d.name;
    row.innerHTML = `<div class="top"><span class="name" title="double-click: back to default">${d.name}</span>
      <span class="value"></span>${d.varies ? '<button class="hash" title="drawn from the seed\'s hash: click to pin this value">hash</button>' : ""}<button class="lock" title="lock for random variants">${LOCK_SVG}</button></div>`;
    const valueEl = row.querySelector(".value");
    const lock = row.querySelector(".lock");
    lock.classList.toggle("on", S.locked.has(d.name));
    lock.onclick = () => {
      S.locked.has(d.name) ? S.locked.delete(d.name) : S.locked.add(d.name);
      lock.classList.toggle("on", S.locked.has(d.name));
      localStorage.setItem("gencraft-live-locks", JSON.stringify([...S.locked]));
    };
    const hashBtn = row.querySelector(".hash");
    if (hashBtn) hashBtn.onclick = () => {
      // fx(lens)-style lock: a drawn value pinned stays when the seed changes; a pinned one goes back to the hash
      if (d.name in S.overrides) {
        delete S.overrides[d.name]; markModified();
        api("/api/render", { unset: [d.name] }).catch((e) => toast(e.message, true));
      } else if (d.name in S.values) {
        sendSet(d.name, S.values[d.name]); flush(); markModified();
      }
    };
    row.querySelector(".name").ondblclick = () => {
      delete S.overrides[d.name]; markModified();
      api("/api/render", { unset: [d.name] }).catch((e) => toast(e.message, true));
    };
    let input;
    if (d.kind === "float" || d.kind === "int") {
      input = document.createElement("input");
      input.type = "range"; input.min = d.min; input.max = d.max; input.step = d.step || (d.kind === "int" ? 1 : (d.max - d.min) / 100);
      input.oninput = () => {
        const v = d.kind === "int" ? parseInt(input.value, 10) : parseFloat(input.value);
        valueEl.textContent = fmt(d, v);
        sendSet(d.name, v);
      };
      row._set = (v) => { input.value = v; valueEl.textContent = fmt(d, v); };
    } else if (d.kind === "bool") {
      const wrap = document.createElement("label");
      wrap.className = "switch";
      const box = document.createElement("input");
      box.type = "checkbox";
      box.dataset.param = d.name;
      wrap.append(box);
      box.onchange = () => { valueEl.textContent = fmt(d, box.checked); sendSet(d.name, box.checked); };
      row._set = (v) => { box.checked = !!v; valueEl.textContent = fmt(d, v); };
      row.append(wrap);
    } else if (d.kind === "choice") {
      input = document.createElement("select");
      d.options.forEach((o, i) => { const opt = new Option(String(o), String(i)); input.add(opt); });
      input.onchange = () => { const v = d.options[input.selectedIndex]; valueEl.textContent = fmt(d, v); sendSet(d.name, v); };
      row._set = (v) => { const i = d.options.findIndex((o) => o === v); if (i >= 0) input.selectedIndex = i; valueEl.textContent = fmt(d, v); };
    } else if (d.kind === "colour") {
      const wrap = document.createElement("div");
      wrap.className = "colour";
      const picker = document.createElement("input");
      picker.type = "color";
      picker.dataset.param = d.name;
      const hex = document.createElement("input");
      hex.className = "mono"; hex.size = 8; hex.spellcheck = false;
      picker.oninput = () => { hex.value = picker.value; valueEl.textContent = picker.value; sendSet(d.name, picker.value); };
      hex.onchange = () => { if (/^#[0-9a-fA-F]{6}$/.test(hex.value)) { picker.value = hex.value.toLowerCase(); picker.oninput(); } };
      row._set = (v) => { picker.value = v; hex.value = v; valueEl.textContent = v; };
      wrap.append(picker, hex);
      row.append(wrap);
    } else {
      row._set = (v) => (valueEl.textContent = String(v));
    }
    if (input) {
      input.dataset.param = d.name;
      input.addEventListener("pointerdown", () => (S.active = d.name));
      input.addEventListener("pointerup", () => (S.active = null));
      input.addEventListener("blur", () => (S.active = null));
      row.append(input);
    }
    if (d.help) { const h = document.createElement("div"); h.className = "help"; h.textContent = d.help; row.append(h); }
    box.append(row);
  }
}

function showValues(values) {
  for (const row of document.querySelectorAll("#controls .param")) {
    const name = row.dataset.name;
    if (name === S.active || !(name in values) || !row._set) continue;  // don't fight the artist's hand
    if (name in pending) continue;
    row._set(values[name]);
  }
  markModified();
}

function markModified() {
  for (const row of document.querySelectorAll("#controls .param")) {
    const name = row.dataset.name;
    row.classList.toggle("modified", name in S.overrides);
    row.classList.toggle("drawn", S.drawn.includes(name) && !(name in S.overrides));
    const hashBtn = row.querySelector(".hash");
    if (hashBtn) {
      const pinned = name in S.overrides;
      hashBtn.textContent = pinned ? "pinned" : "hash";
      hashBtn.title = pinned ? "pinned: click to draw it from the hash again" : "drawn from the seed's hash: click to pin this value";
    }
  }
}

function adoptMeta(meta) {
  if (!meta) return;
  S.meta = meta;
  $("#title").textContent = meta.title;
  $("#path").textContent = meta.path;
  document.title = `${meta.title} · gencraft live`;
  const sig = JSON.stringify(meta.params);
  if (sig !== S.sig) { S.sig = sig; buildControls(meta.params); }
}

// ---------------------------------------------------------------- render
// Frame 0 of a render arrives as raw RGBA (no encoding anywhere on the way);
// animation frames as PNG. Both become ImageBitmaps painted on the canvas.
async function fetchFrame(r, k) {
  if (k === 0) {
    const res = await fetch(`/render/${r.id}/0.rgba`);
    if (res.ok) {
      const w = Number(res.headers.get("X-Width")), h = Number(res.headers.get("X-Height"));
      const data = new Uint8ClampedArray(await res.arrayBuffer());
      return createImageBitmap(new ImageData(data, w, h));
    }
  }
  const res = await fetch(`/render/${r.id}/${k}.png`);
  if (!res.ok) throw new Error(`render ${r.id} frame ${k} is gone`);
  return createImageBitmap(await res.blob());
}

function paint(bitmap) {
  const c = $("#render");
  if (c.width !== bitmap.width || c.height !== bitmap.height) { c.width = bitmap.width; c.height = bitmap.height; }
  const ctx = c.getContext("2d");
  ctx.clearRect(0, 0, c.width, c.height);
  ctx.drawImage(bitmap, 0, 0);
}

let shownId = 0;
async function showRender(r) {
  S.render = r;
  S.frames = [];
  stopPlayback();
  $("#player").hidden = r.frames <= 1;
  showInfo();
  if (r.score !== null && r.score !== undefined) showScore(r.score);
  else if (S.prompt) $("#score").textContent = "…";
  let bitmap;
  try { bitmap = await fetchFrame(r, 0); } catch (e) { return; }
  if (r.id < shownId) return;  // a newer render was painted meanwhile
  shownId = r.id;
  paint(bitmap);
  const el = $("#render");
  el.dataset.renderId = r.id;
  el.dataset.frame = 0;
  $("#placeholder").hidden = true;
  if (r.frames > 1) preloadFrames(r, bitmap);
}

function showInfo() {
  const r = S.render;
  if (!r) return;
  const parts = [`${r.size[0]}×${r.size[1]}`, `seed ${r.seed}`, `${Math.round(r.ms)} ms`];
  if (r.frames > 1) parts.push(`${r.ready}/${r.frames} frames · ${r.fps} fps`);
  if (r.score !== null && r.score !== undefined) parts.push(`CLIP ${r.score.toFixed(3)}`);
  if (r.plot) parts[0] = `plot ${r.plot.page_mm.map((v) => Math.round(v)).join("×")} mm`;
  $("#info").textContent = parts.join("  ·  ");
  showPlotStats(r.plot);
}

// The plotter preview's numbers: per layer, and the cost before/after vpype's optimisation.
function showPlotStats(plot) {
  const box = $("#plot-stats");
  box.hidden = !plot;
  if (!plot) return;
  const fmt = (st) => `pen down ${(st.pen_down_mm / 1000).toFixed(2)} m · pen up ${(st.pen_up_mm / 1000).toFixed(2)} m · ${st.lifts} lifts · ~${Math.round(st.seconds / 60)} min`;
  box.textContent = "";
  const layers = document.createElement("div");
  for (const l of plot.layers) {
    const chip = document.createElement("span");
    chip.className = "pen";
    chip.style.setProperty("--pen", l.color);
    chip.textContent = `${l.name} (${l.lines})`;
    layers.append(chip);
  }
  const before = document.createElement("div");
  before.textContent = `drawing order: ${fmt(plot.before)}`;
  const after = document.createElement("div");
  after.textContent = `optimised: ${fmt(plot.after)}`;
  box.append(layers, before, after);
}

function showScore(score) {
  if (S.render) S.render.score = score;
  $("#score").textContent = score.toFixed(3);
  showInfo();
}

async function preloadFrames(r, first) {
  if (r.ready < r.frames || S.render !== r || S.frames.length || r._loading) return;
  r._loading = true;
  const rest = await Promise.all(Array.from({ length: r.frames - 1 }, (_, k) => fetchFrame(r, k + 1)))
    .catch(() => null);
  if (!rest || S.render !== r) return;
  S.frames = [first || await fetchFrame(r, 0), ...rest];
  $("#scrub").max = r.frames - 1;
  startPlayback();
}

function startPlayback() {
  stopPlayback();
  const fps = S.render.fps || 24;
  S.timer = setInterval(() => {
    if (!S.playing) return;
    S.frame = (S.frame + 1) % S.frames.length;
    drawFrame();
  }, 1000 / fps);
}
function stopPlayback() { clearInterval(S.timer); S.timer = null; S.frame = 0; }
function drawFrame() {
  const bitmap = S.frames[S.frame];
  if (bitmap) paint(bitmap);
  $("#scrub").value = S.frame;
  $("#frame-label").textContent = `${S.frame + 1}/${S.frames.length}`;
  $("#render").dataset.frame = S.frame;
}

function showError(err) {
  if (!err) { $("#overlay").hidden = true; return; }
  $("#overlay").hidden = false;
  $("#err-where").textContent = err.file ? `${err.file}:${err.line}` : (err.kind || "error");
  const where = err.file ? `${err.file}:${err.line}` : "";
  // The message starts with file:line[:col] already shown in the header: don't say it twice.
  $("#err-message").textContent = where && err.message.startsWith(where)
    ? err.message.slice(where.length).replace(/^:\d+/, "").replace(/^:\s*/, "") : err.message;
  $("#err-details").textContent = err.details || "";
  $("#err-more").hidden = !err.details;
  setStatus("error", err.kind === "timeout" ? "stopped: time limit" : "error in sketch");
}

// ---------------------------------------------------------------- variants
function gridSize() { const [r, c] = $("#grid-size").value.split("x").map(Number); return { rows: r, cols: c }; }

async function newGrid() {
  const { rows, cols } = gridSize();
  const mode = $("#grid-mode").value;
  try {
    const g = await api("/api/grid", { mode, rows, cols, locked: [...S.locked], lock_seed: $("#grid-lock-seed").checked });
    buildGrid(g);
  } catch (e) { toast(e.message, true); }
}

function layoutGrid() {
  // Cells as large as fit both the width and the height of the stage.
  const g = S.grid, box = $("#grid");
  if (!g || box.offsetParent === null) return;
  const [w, h] = S.render ? S.render.size : [1, 1];
  const gap = 10;
  const cw = (box.clientWidth - gap * (g.cols - 1)) / g.cols;
  const ch = (box.clientHeight - gap * (g.rows - 1)) / g.rows;
  const cellW = Math.max(40, Math.floor(Math.min(cw, ch * w / h)));
  box.style.gridTemplateColumns = `repeat(${g.cols}, ${cellW}px)`;
  box.style.gridAutoRows = `${Math.floor(cellW * h / w)}px`;
}
window.addEventListener("resize", layoutGrid);

function buildGrid(g) {
  S.grid = g;
  const box = $("#grid");
  box.innerHTML = "";
  g.cells.forEach((cell, i) => {
    const el = document.createElement("div");
    el.className = "cell";
    el.dataset.index = i;
    if (g.mode === "seeds" && cell.seed === S.seed) el.classList.add("current");
    const sameSeed = g.cells.every((c) => c.seed === g.cells[0].seed);
    if (!sameSeed) { el.innerHTML = `<span class="tag"></span>`; el.querySelector(".tag").textContent = `seed ${cell.seed}`; }
    el.title = Object.entries(cell.overrides).map(([k, v]) => `${k} = ${JSON.stringify(v)}`).join("\n");
    el.onclick = async () => {
      try {
        const r = await api("/api/adopt", { grid: g.id, index: i });
        S.seed = r.seed; S.overrides = r.overrides; $("#seed").value = r.seed;
        showValues(cell.overrides);
        selectTab("render");
      } catch (e) { toast(e.message, true); }
    };
    box.append(el);
  });
  layoutGrid();
  orderGrid();
  for (const replay of early.get(g.id) || []) replay();
  early.delete(g.id);
}

// Thumbnails can be pushed before the POST that asked for the grid has answered:
// keep them by grid id and replay them when the grid is built.
const early = new Map();
function remember(gid, fn) {
  if (!early.has(gid)) early.set(gid, []);
  early.get(gid).push(fn);
  if (early.size > 8) early.delete(early.keys().next().value);
}

function onThumb(t) {
  if (!S.grid || S.grid.id !== t.grid) { remember(t.grid, () => onThumb(t)); return; }
  const el = $(`#grid .cell[data-index="${t.index}"]`);
  if (!el) return;
  if (t.error) { el.classList.add("failed"); el.insertAdjacentHTML("beforeend", `<div class="err"></div>`); el.querySelector(".err").textContent = t.error; return; }
  const img = document.createElement("img");
  img.src = `/thumb/${t.id}.png`;
  img.dataset.thumbId = t.id;
  el.prepend(img);
}

function onThumbScore(s) {
  if (!S.grid || S.grid.id !== s.grid) { remember(s.grid, () => onThumbScore(s)); return; }
  const el = $(`#grid .cell[data-index="${s.index}"]`);
  if (!el) return;
  if (s.kind === "taste") {  // predicted taste: P(like), shown small under the variant
    el.dataset.taste = s.score;
    let tag = el.querySelector(".tag.taste");
    if (!tag) { tag = document.createElement("span"); tag.className = "tag taste"; el.append(tag); }
    tag.textContent = `♥ ${s.score.toFixed(2)}`;
    tag.title = "predicted taste: the chance you would like it, learned from your likes and skips";
    orderGrid();
    return;
  }
  el.insertAdjacentHTML("beforeend", `<span class="tag score">${s.score.toFixed(3)}</span>`);
}

// Order the cells (CSS order, so nothing is rebuilt): as made, or by taste, highest first;
// cells without a taste score yet follow the scored ones in their own order.
function orderGrid() {
  const byTaste = !!S.taste && $("#grid-order").value === "taste";
  const cells = [...document.querySelectorAll("#grid .cell")];
  const key = (el) => (el.dataset.taste === undefined ? -Infinity : Number(el.dataset.taste));
  const ranked = byTaste
    ? cells.slice().sort((a, b) => key(b) - key(a) || Number(a.dataset.index) - Number(b.dataset.index))
    : cells.slice().sort((a, b) => Number(a.dataset.index) - Number(b.dataset.index));
  ranked.forEach((el, k) => { el.style.order = k; });
  $("#grid").dataset.order = byTaste ? "taste" : "seed";
}

function showTaste(t) {
  S.taste = t || null;
  $("#grid-order-label").hidden = !t;
  $("#taste-status").hidden = !t;
  if (t) $("#taste-status").textContent = t.status;
}

function onTaste(t) {  // the head was refitted (or cannot be yet): old scores are void
  showTaste(t);
  for (const el of document.querySelectorAll("#grid .cell")) {
    delete el.dataset.taste;
    const tag = el.querySelector(".tag.taste");
    if (tag) tag.remove();
  }
  orderGrid();
}

function selectTab(name) {
  for (const b of document.querySelectorAll(".tabs button")) b.classList.toggle("active", b.dataset.tab === name);
  $("#view-render").hidden = name !== "render";
  $("#view-variants").hidden = name !== "variants";
  if (name === "variants") { if (!S.grid) newGrid(); else layoutGrid(); }
}

// ------------------------------------------------------------------ saving
async function keep(kind) {
  const done = { like: "liked", skip: "skipped", save: "saved" }[kind];
  try {
    const paths = await api(`/api/${kind}`, {});
    const files = Object.values(paths).map((p) => p.split("/").pop());
    $("#saved").innerHTML = `${done} <b></b>`;
    $("#saved b").textContent = files.join(", ");
    $("#saved").title = Object.values(paths).join("\n");
    $("#saved").dataset.png = paths.png;
    toast(`${{ like: "♥ kept in likes", skip: "✕ kept in likes/skipped", save: "saved" }[kind]}: ${paths.png}`);
  } catch (e) { toast(e.message, true); }
}

// ------------------------------------------------------------------ events
function applyState(st) {
  if (st.instance !== S.instance) {  // first contact, or the server was restarted: start afresh
    S.instance = st.instance; shownId = 0; S.render = null; S.grid = null; S.sig = "";
    $("#grid").innerHTML = "";
  }
  S.seed = st.seed; S.overrides = st.overrides || {}; S.prompt = st.prompt; S.drawn = st.drawn || [];
  $("#plotter").checked = !!st.plotter;
  $("#seed").value = st.seed;
  $("#outdir").textContent = `saves go to ${st.out_dir}` + (st.taste ? ` · likes and skips to ${st.likes_dir}` : "");
  if (st.prompt) { $("#prompt-box").hidden = false; $("#prompt-text").textContent = `“${st.prompt}”`; }
  showTaste(st.taste);
  adoptMeta(st.meta);
  showValues(st.values || {});
  if (st.render && (!S.render || S.render.id !== st.render.id)) showRender(st.render);
  showError(st.error);
  if (!st.error) setStatus(st.busy ? "busy" : "ok", st.busy ? "rendering…" : "ready");
}

function connect() {
  const es = new EventSource("/events");
  const on = (name, fn) => es.addEventListener(name, (ev) => fn(JSON.parse(ev.data)));
  on("state", applyState);
  on("busy", (b) => { if (b.busy) setStatus("busy", "rendering…"); else if ($("#overlay").hidden) setStatus("ok", "ready"); });
  on("render", (r) => {
    adoptMeta(r.meta);
    S.values = r.values; S.overrides = r.overrides || S.overrides; S.drawn = r.drawn || [];
    showValues(r.values);
    showRender(r);
    showError(null);
    if (r.dropped && r.dropped.length) toast(`forgot values no longer valid: ${r.dropped.join(", ")}`);
    setStatus("ok", "ready");
  });
  on("frame", (f) => {
    if (!S.render || S.render.id !== f.id) return;
    S.render.ready = f.ready;
    showInfo();
    if (f.ready === f.frames) preloadFrames(S.render, null);
  });
  on("failure", showError);
  on("reload", () => setStatus("busy", "file saved, rendering…"));
  on("thumb", onThumb);
  on("score", (s) => {
    if (s.target === "render" && S.render && S.render.id === s.id) showScore(s.score);
    if (s.target === "thumb") onThumbScore(s);
  });
  on("taste", onTaste);
  on("saved", () => {});
  on("notice", (n) => toast(n.message, n.level === "error"));
  es.onopen = () => { if ($("#overlay").hidden) setStatus("ok", "connected"); };
  es.onerror = () => setStatus("error", "disconnected — is gencraft live still running?");
}

// ---------------------------------------------------------------- wiring
$("#seed-prev").onclick = () => sendSeed(stepSeed($("#seed").value, -1));
$("#seed-next").onclick = () => sendSeed(stepSeed($("#seed").value, +1));
$("#seed-random").onclick = () => sendSeed(String(Math.floor(Math.random() * 1e6)));
$("#seed").onchange = () => sendSeed($("#seed").value.trim() || "0");
$("#reset-all").onclick = () => { S.overrides = {}; markModified(); api("/api/render", { reset: true }).catch((e) => toast(e.message, true)); };
$("#plotter").onchange = () => api("/api/render", { plotter: $("#plotter").checked, reason: "plotter preview" })
  .catch((e) => toast(e.message, true));
$("#save").onclick = () => keep("save");
$("#like").onclick = () => keep("like");
$("#skip").onclick = () => keep("skip");
$("#grid-order").onchange = orderGrid;
$("#grid-go").onclick = newGrid;
$("#grid-mode").onchange = () => { $("#grid-lock-seed-label").hidden = $("#grid-mode").value !== "params"; newGrid(); };
$("#grid-size").onchange = newGrid;
$("#grid-lock-seed").onchange = newGrid;
$("#grid-lock-seed-label").hidden = true;
for (const b of document.querySelectorAll(".tabs button")) b.onclick = () => selectTab(b.dataset.tab);
$("#play").onclick = () => { S.playing = !S.playing; $("#play").textContent = S.playing ? "❚❚" : "▶"; };
$("#scrub").oninput = () => { S.playing = false; $("#play").textContent = "▶"; S.frame = Number($("#scrub").value); drawFrame(); };
document.addEventListener("keydown", (ev) => {
  if (ev.target.closest("input, select, textarea") || ev.metaKey || ev.ctrlKey || ev.altKey) return;
  if (ev.key === "ArrowLeft") $("#seed-prev").click();
  else if (ev.key === "ArrowRight") $("#seed-next").click();
  else if (ev.key === "r") $("#seed-random").click();
  else if (ev.key === "s") keep("save");
  else if (ev.key === "l") keep("like");
  else if (ev.key === "k") keep("skip");
  else if (ev.key === "p") { $("#plotter").checked = !$("#plotter").checked; $("#plotter").onchange(); }
  else if (ev.key === " " && S.frames.length) { ev.preventDefault(); $("#play").click(); }
  else return;
});

api("/api/state").then(applyState).catch(() => {});
connect();
