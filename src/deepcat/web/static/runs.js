// The Runs page: a sortable table of the runs, and their cost curves overlaid on demand.

import { drawLines } from "/static/charts.js";
import { api, element, number, percent, settingText, showError } from "/static/common.js";

const error = document.getElementById("error");
const body = document.querySelector("#runs tbody");
const compareButton = document.getElementById("compare");
const ticked = new Set();
let rows = [];
let sortKey = "modified";
let descending = true;

const COLUMNS = [
  { key: "id", title: "Run", value: (r) => r.id, cell: runLink },
  { key: "modified", title: "Written", value: (r) => r.modified,
    cell: (r) => new Date(r.modified * 1000).toLocaleString() },
  { key: "dataset", title: "Data set", value: (r) => r.dataset },
  { key: "layers", title: "Layers", value: (r) => r.layer_dims.length, cell: (r) => r.layer_dims.join("·") },
  { key: "learning_rate", title: "Learning rate", numeric: true,
    value: (r) => (r.settings ? r.settings.learning_rate : Math.max(0, ...(r.learning_rates || []))),
    cell: (r) => (r.settings ? settingText(r.settings.learning_rate) : settingText(r.learning_rates)) },
  { key: "optimizer", title: "Optimizer", value: (r) => (r.settings ? r.settings.optimizer : ""),
    cell: (r) => (r.settings ? settingText(r.settings.optimizer) : "") },
  { key: "iterations", title: "Updates", numeric: true, value: (r) => r.iterations ?? -1,
    cell: (r) => number(r.iterations) },
  { key: "final_cost", title: "Final cost", numeric: true, value: (r) => r.final_cost ?? Infinity,
    cell: (r) => number(r.final_cost) },
  { key: "train_accuracy", title: "Train", numeric: true, value: (r) => best(r, "train_accuracy"),
    cell: (r) => percent(best(r, "train_accuracy")) },
  { key: "test_accuracy", title: "Test", numeric: true, value: (r) => best(r, "test_accuracy"),
    cell: (r) => percent(best(r, "test_accuracy")) },
];

// A comparison's accuracy is its best learning rate's.
function best(row, key) {
  if (row.kind !== "comparison") return row[key] ?? -1;
  return Math.max(...row.runs.map((r) => r[key] ?? -1));
}

function runLink(row) {
  return element("a", { href: `/run?id=${encodeURIComponent(row.id)}`, text: row.id });
}

function header() {
  const line = document.querySelector("#runs thead tr");
  line.innerHTML = "";
  line.append(element("th", { text: "Compare" }));
  for (const column of COLUMNS) {
    const arrow = column.key === sortKey ? (descending ? " ▼" : " ▲") : "";
    const button = element("button", { class: "sort", type: "button", "data-key": column.key,
      text: column.title + arrow });
    button.addEventListener("click", () => {
      descending = column.key === sortKey ? !descending : column.numeric === true;
      sortKey = column.key;
      render();
    });
    line.append(element("th", { class: column.numeric ? "num" : "" }, button));
  }
}

function render() {
  header();
  const column = COLUMNS.find((c) => c.key === sortKey);
  const sorted = [...rows].sort((a, b) => {
    const [x, y] = [column.value(a), column.value(b)];
    const order = x < y ? -1 : x > y ? 1 : 0;
    return descending ? -order : order;
  });
  body.innerHTML = "";
  for (const row of sorted) {
    const box = element("input", { type: "checkbox", "aria-label": `compare ${row.id}` });
    box.checked = ticked.has(row.id);
    box.disabled = row.kind === "comparison";
    box.addEventListener("change", () => {
      if (box.checked) ticked.add(row.id);
      else ticked.delete(row.id);
      compareButton.disabled = ticked.size < 2;
    });
    const line = element("tr", { "data-id": row.id }, element("td", {}, box));
    for (const c of COLUMNS) {
      const content = c.cell ? c.cell(row) : c.value(row);
      line.append(element("td", { class: c.numeric ? "num" : "" }, content));
    }
    body.append(line);
  }
}

async function compare() {
  showError(error, "");
  try {
    const runs = await Promise.all([...ticked].map((id) => api(`/api/run?id=${encodeURIComponent(id)}`)));
    document.getElementById("comparison").hidden = false;
    const series = runs.map((run) => ({ label: run.id, points: run.metrics.costs || [] }));
    drawLines(document.getElementById("comparison-chart"), series,
      { title: "Cost of the ticked runs", xLabel: "iteration", yLabel: "cost" });
    document.getElementById("comparison-chart").dataset.series = String(series.length);
  } catch (failure) {
    showError(error, failure.message);
  }
}

async function load() {
  const listing = await api("/api/runs");
  document.getElementById("root").textContent = listing.root;
  rows = listing.runs;
  document.getElementById("empty").hidden = rows.length > 0;
  render();
}
compareButton.addEventListener("click", compare);
load().catch((failure) => showError(error, failure.message));
