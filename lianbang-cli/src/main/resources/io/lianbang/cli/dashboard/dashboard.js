// The Lianbang dashboard: the runs, and a selected run's rounds (charts, updated live through
// server-sent events) and clients. Plain JavaScript; charts by the bundled uPlot.
"use strict";
const params = new URLSearchParams(location.search);
const token = params.get("token");
const $ = (id) => document.getElementById(id);
let selected = null, source = null, rounds = [], charts = [];

function address(path, query) {
  const u = new URL(path, location.href);
  u.search = "";
  for (const [k, v] of Object.entries(query || {})) u.searchParams.set(k, v);
  if (token) u.searchParams.set("token", token);
  return u.toString();
}

async function get(path, query) {
  const r = await fetch(address(path, query), { cache: "no-store" });
  if (!r.ok) throw new Error(path + ": " + r.status + " " + (await r.text()));
  return r.json();
}

function cell(tr, text) {
  const td = document.createElement("td");
  td.textContent = text == null ? "–" : text;
  tr.appendChild(td);
}

const percent = (x) => (x == null ? null : (100 * x).toFixed(2) + "%");
function bytes(n) {
  const units = ["B", "kB", "MB", "GB", "TB"];
  let i = 0;
  while (n >= 1000 && i < units.length - 1) { n /= 1000; i++; }
  return (i === 0 ? n : n.toFixed(2)) + " " + units[i];
}

async function loadRuns() {
  const runs = await get("api/runs");
  const body = $("runs").tBodies[0];
  body.replaceChildren();
  for (const r of runs) {
    const tr = document.createElement("tr");
    tr.dataset.id = r.id;
    if (r.id === selected) tr.className = "selected";
    [r.id, r.name, r.kind, r.started_at, r.status, r.rounds_done + "/" + r.rounds_planned, percent(r.final_accuracy),
      bytes(r.uplink_bytes + r.downlink_bytes)].forEach((v) => cell(tr, v));
    tr.onclick = () => select(r.id);
    body.appendChild(tr);
  }
  return runs;
}

const SERIES = [
  { title: "accuracy", keys: ["test_accuracy", "fed_accuracy"] },
  { title: "loss", keys: ["train_loss", "test_loss", "fed_loss"] },
  { title: "bytes per round", keys: ["uplink_bytes", "downlink_bytes"] },
  { title: "privacy loss ε", keys: ["epsilon"] },
];
const COLORS = ["#1f77b4", "#d62728", "#2ca02c"];

function drawCharts() {
  const box = $("charts");
  box.replaceChildren();
  charts = [];
  for (const s of SERIES) {
    if (!rounds.some((r) => s.keys.some((k) => r[k] != null)) && s.keys[0] === "epsilon") continue;
    const div = document.createElement("div");
    div.className = "chart";
    div.innerHTML = "<h3></h3>";
    div.firstChild.textContent = s.title;
    box.appendChild(div);
    const opts = {
      width: 420, height: 220,
      scales: { x: { time: false } },
      series: [{ label: "round" }].concat(s.keys.map((k, i) => ({ label: k, stroke: COLORS[i], spanGaps: true }))),
    };
    charts.push({ s, plot: new uPlot(opts, data(s), div) });
  }
}

function data(s) {
  return [rounds.map((r) => r.round)].concat(s.keys.map((k) => rounds.map((r) => r[k])));
}

function update(run) {
  const last = rounds.length ? rounds[rounds.length - 1].round : "–";
  $("round").textContent = last;
  if (run) {
    $("run-name").textContent = run.name;
    $("rounds-planned").textContent = run.rounds_planned;
    $("run-status").textContent = run.status;
  }
  if (charts.length === 0 || (rounds.some((r) => r.epsilon != null) && !charts.some((c) => c.s.keys[0] === "epsilon"))) drawCharts();
  else for (const c of charts) c.plot.setData(data(c.s));
}

// A deployed run's clients also say whether they are connected, when they were last heard from and their bytes.
const LIVE_COLUMNS = ["connected", "last heard from", "bytes up", "bytes down"];
function showClients(clients) {
  const live = clients.some((c) => "connected" in c);
  const head = $("clients").tHead.rows[0];
  while (head.cells.length > 5) head.deleteCell(-1);
  if (live) for (const name of LIVE_COLUMNS) { const th = document.createElement("th"); th.textContent = name; head.appendChild(th); }
  const body = $("clients").tBodies[0];
  body.replaceChildren();
  for (const c of clients) {
    const tr = document.createElement("tr");
    [c.client_id, c.rounds, c.last_round, c.failures, c.last_failure].forEach((v) => cell(tr, v));
    if (live) [c.connected ? "yes" : "no", c.last_heartbeat, bytes(c.uplink_bytes), bytes(c.downlink_bytes)].forEach((v) => cell(tr, v));
    body.appendChild(tr);
  }
}

async function refresh() {
  const doc = await get("api/run", { id: selected });
  update(doc.run);
  showClients(doc.clients);
  return doc;
}

async function select(id) {
  if (source) { source.close(); source = null; }
  selected = id;
  for (const tr of $("runs").tBodies[0].rows) tr.className = Number(tr.dataset.id) === id ? "selected" : "";
  const doc = await get("api/run", { id });
  rounds = doc.rounds;
  $("run").hidden = false;
  charts = [];
  update(doc.run);
  showClients(doc.clients);
  if (doc.run.status !== "running") return;
  const after = rounds.length ? rounds[rounds.length - 1].round : -1;
  source = new EventSource(address("events", { run: id, after }));
  source.onmessage = (e) => {
    const r = JSON.parse(e.data);
    if (rounds.length && r.round <= rounds[rounds.length - 1].round) return;
    rounds.push(r);
    refresh().then(loadRuns).catch(fail);
  };
  source.addEventListener("end", () => {
    source.close();
    source = null;
    refresh().then(loadRuns).catch(fail);
  });
}

function fail(e) {
  $("status").textContent = String(e.message || e);
}

loadRuns().then((runs) => {
  const wanted = Number(params.get("run"));
  const run = runs.find((r) => r.id === wanted) || runs.find((r) => r.status === "running") || runs[0];
  if (run) return select(run.id);
}).catch(fail);
