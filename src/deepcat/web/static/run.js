// One run's page: its results, its cost curve, its figures and the settings it recorded.

import { drawLines } from "/static/charts.js";
import { api, element, number, percent, settingText, showError } from "/static/common.js";

const id = new URLSearchParams(location.search).get("id") || "";

function factRow(name, value) {
  return element("tr", {}, element("th", { text: name }), element("td", { text: value }));
}

// "80.0 % (40 of 50)", or as much of it as the run recorded. Fields a run does not record
// (an older deepcat's run) come as null.
function accuracyText(accuracy, correct, total) {
  const counts = correct === null || total === null ? "" : ` (${correct} of ${total})`;
  return percent(accuracy) + counts;
}

function showRun(run) {
  const metrics = run.metrics;
  document.getElementById("results").hidden = false;
  const facts = document.querySelector("#facts tbody");
  facts.append(
    factRow("Train accuracy", accuracyText(metrics.train_accuracy, metrics.train_correct, metrics.m_train)),
    factRow("Test accuracy", accuracyText(metrics.test_accuracy, metrics.test_correct, metrics.m_test)),
    factRow("Updates", number(metrics.iterations)),
    factRow("Training time", `${number(metrics.fit_seconds, 3)} s`),
  );
  if (metrics.classes) facts.append(factRow("Classes", metrics.classes.join(", ")));
  const matrix = metrics.test_confusion_matrix;
  if (metrics.classes && matrix && matrix.length === metrics.classes.length) {
    facts.append(element("tr", {}, element("th", { text: "Test confusion matrix" }),
      element("td", {}, confusionTable(metrics.classes, matrix))));
  }
  if (run.has_model) {
    document.getElementById("ask").hidden = false;
    document.getElementById("ask-link").href = `/?model=${encodeURIComponent(run.id)}`;
  }
  document.getElementById("curve").hidden = false;
  const series = [{ label: "training cost", points: metrics.costs || [] }];
  if (metrics.val_costs) series.push({ label: "validation cost", points: metrics.val_costs, dashed: true });
  const hyperparameters = metrics.hyperparameters || {};
  drawLines(document.getElementById("cost-chart"), series,
    { title: `learning rate ${settingText(hyperparameters.learning_rate)}`, xLabel: "iteration", yLabel: "cost" });
  const settings = document.querySelector("#settings-table tbody");
  document.getElementById("settings").hidden = false;
  // The settings a run left unset (null) took deepcat's defaults; the list shows those it set.
  for (const [name, value] of Object.entries(hyperparameters)) {
    if (value !== null) settings.append(factRow(name, settingText(value)));
  }
}

// Rows: the true class; columns: the predicted class.
function confusionTable(classes, matrix) {
  const head = element("tr", {}, element("th", { text: "true \\ predicted" }),
    ...classes.map((name) => element("th", { text: name })));
  const rows = matrix.map((counts, index) => element("tr", {}, element("th", { text: classes[index] }),
    ...counts.map((count) => element("td", { text: String(count) }))));
  return element("table", { class: "confusion" }, head, ...rows);
}

// The table is written whole before any curve is fetched, so it never shows part of the runs.
async function showComparison(run) {
  document.getElementById("rates").hidden = false;
  const body = document.querySelector("#rate-runs tbody");
  const entries = run.runs.filter((e) => e.folder);
  const children = entries.map((entry) => `${run.id}/${entry.folder}`);
  entries.forEach((entry, index) => body.append(element("tr", {},
    element("td", {}, element("a", { href: `/run?id=${encodeURIComponent(children[index])}`, text: settingText(entry.learning_rate) })),
    element("td", { class: "num", text: number(entry.final_cost) }),
    element("td", { class: "num", text: percent(entry.train_accuracy) }),
    element("td", { class: "num", text: percent(entry.test_accuracy) }))));
  const details = await Promise.all(children.map((child) => api(`/api/run?id=${encodeURIComponent(child)}`)));
  const series = entries.map((entry, index) => (
    { label: `α = ${settingText(entry.learning_rate)}`, points: details[index].metrics.costs || [] }));
  document.getElementById("curve").hidden = false;
  drawLines(document.getElementById("cost-chart"), series,
    { title: "cost per learning rate", xLabel: "iteration", yLabel: "cost" });
}

function showFigures(run) {
  const section = document.getElementById("figures");
  section.hidden = run.figures.length === 0;
  for (const name of run.figures) {
    const source = `/api/figure?id=${encodeURIComponent(run.id)}&name=${encodeURIComponent(name)}`;
    section.append(element("figure", {},
      element("img", { src: source, alt: name, "data-figure": name }),
      element("figcaption", { class: "note", text: name })));
  }
}

async function load() {
  const run = await api(`/api/run?id=${encodeURIComponent(id)}`);
  document.title = `${run.id} · deepcat`;
  document.getElementById("title").textContent = run.id;
  document.getElementById("summary").textContent =
    `${run.dataset} · layers ${run.layer_dims.join(" → ")} · written ${new Date(run.modified * 1000).toLocaleString()}`;
  if (run.kind === "comparison") await showComparison(run);
  else showRun(run);
  showFigures(run);
}
load().catch((failure) => showError(document.getElementById("error"), failure.message));
