// Train: a form built from the settings' declaration, a run started on the server, and its
// events (server-sent) drawn as they come: the cost of each learning rate, the accuracies.

import { drawLines } from "/static/charts.js";
import { api, element, number, percent, postJSON, settingText, showError } from "/static/common.js";

const form = document.getElementById("train-form");
const datasetSelect = document.getElementById("dataset");
const startButton = document.getElementById("start");
const stopButton = document.getElementById("stop");
const error = document.getElementById("error");
const statusLine = document.getElementById("status");
const chart = document.getElementById("cost-chart");
const rateRows = document.querySelector("#rates tbody");
const notes = document.getElementById("notes");
const result = document.getElementById("result");
const QUIET_MILLISECONDS = 5000; // no word from the server for this long: say so

let settings = [];
let datasets = [];
let watched = null; // {id, source, out, rates: [{label, points, total, live, row}], ended}

// -- the form ---------------------------------------------------------------------------------

function capitalised(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function title(name) {
  return capitalised(name.replaceAll("_", " "));
}

function field(setting) {
  const id = `setting-${setting.name}`;
  let input;
  if (setting.kind === "choice") {
    input = element("select", { id, name: setting.name });
    input.append(element("option", { value: "" }));
    for (const choice of setting.choices) input.append(element("option", { value: choice, text: choice }));
  } else {
    input = element("input", { id, name: setting.name, type: "text", autocomplete: "off" });
  }
  input.dataset.setting = setting.name;
  return element("div", { class: "field" },
    element("label", { for: id }, `${title(setting.name)} `, element("small", { text: setting.flag })),
    input,
    element("p", { class: "hint", text: setting.help }));
}

function buildForm(description) {
  settings = description.settings;
  datasets = description.datasets.datasets;
  for (const entry of datasets) {
    datasetSelect.append(element("option", { value: entry.name, text: entry.name }));
  }
  datasetSelect.value = description.datasets.default;
  const main = document.getElementById("main-settings");
  const more = document.getElementById("more-settings");
  for (const setting of settings) (setting.main ? main : more).append(field(setting));
  datasetSelect.disabled = false;
  showDefaults();
}

// The default each empty field stands for: the data set's own, else the command line's.
function showDefaults() {
  const dataset = datasets.find((entry) => entry.name === datasetSelect.value);
  document.getElementById("dataset-summary").textContent = dataset ? dataset.summary : "";
  for (const setting of settings) {
    const input = form.querySelector(`[data-setting="${setting.name}"]`);
    const fallback = (dataset && dataset.defaults[setting.name]) || setting.default;
    if (input.tagName === "SELECT") {
      input.options[0].textContent = fallback ? `default (${fallback})` : "not set";
    } else {
      input.placeholder = fallback;
    }
  }
}

function typedSettings() {
  const typed = {};
  for (const input of form.querySelectorAll("[data-setting]")) {
    if (input.value.trim()) typed[input.dataset.setting] = input.value.trim();
  }
  return typed;
}

async function start(event) {
  event.preventDefault();
  showError(error, "");
  startButton.disabled = true;
  try {
    const started = await postJSON("/api/train", { dataset: datasetSelect.value, settings: typedSettings() });
    watch(started.job);
  } catch (failure) {
    showError(error, failure.message);
    startButton.disabled = false;
  }
}

// Said before the request: the job's "stopped" event may come before the request's answer,
// and its line must not be overwritten.
async function stop() {
  if (!watched) return;
  const stopping = watched;
  stopButton.disabled = true;
  statusLine.textContent = "Stopping…";
  try {
    await postJSON("/api/train/stop", { job: stopping.id });
  } catch (failure) {
    showError(error, failure.message);
    if (!stopping.ended) stopButton.disabled = false;
  }
}

// -- a job's events ---------------------------------------------------------------------------

function watch(jobId) {
  if (watched) watched.source.close();
  const source = new EventSource(`/api/train/events?job=${encodeURIComponent(jobId)}`);
  watched = { id: jobId, source, out: null, rates: [], ended: false, quiet: null };
  setRunning(true);
  rateRows.innerHTML = "";
  notes.innerHTML = "";
  result.hidden = true;
  draw();
  source.onmessage = (message) => {
    heard();
    handle(JSON.parse(message.data));
  };
  source.onopen = heard;
  // Each response of the stream lasts a moment and the browser reconnects for what follows;
  // only a silence, or a stream that will not reconnect, is worth saying.
  source.onerror = () => {
    if (watched.ended) return;
    if (source.readyState === EventSource.CLOSED) {
      showError(error, `lost job ${jobId}: the server no longer has it (was it restarted?)`);
      setRunning(false);
    } else if (watched.quiet === null) {
      watched.quiet = setTimeout(() => {
        statusLine.textContent = "No word from the server: is deepcat serve still running?";
      }, QUIET_MILLISECONDS);
    }
  };
}

function heard() {
  if (watched.quiet !== null) clearTimeout(watched.quiet);
  watched.quiet = null;
}

const HANDLERS = {
  job(event) {
    watched.out = event.out;
    const count = event.rates.length;
    statusLine.textContent = `Job ${event.job}: training on ${event.dataset}, ` +
      `${count} learning rate${count === 1 ? "" : "s"} (${event.rates.map(settingText).join(", ")}).`;
  },
  note(event) {
    notes.append(element("li", { text: event.message }));
  },
  start(event) {
    const row = element("tr", {}, ...["", "", "", "", ""].map(() => element("td", { class: "num" })));
    row.cells[0].className = "";
    row.cells[0].textContent = settingText(event.learning_rate);
    rateRows.append(row);
    watched.rates[event.rate] = {
      label: `learning rate ${settingText(event.learning_rate)}`,
      points: [], total: event.total, live: event.live_accuracy, row,
    };
    const which = watched.rates.length > 1 ? ` (${event.rate + 1} of ${watched.rates.length})` : "";
    statusLine.textContent = `Training learning rate ${settingText(event.learning_rate)}${which}, ` +
      `layers ${event.layer_dims.join(" → ")}…`;
    showRate(event.rate, { updates: 0 });
  },
  progress(event) {
    const rate = watched.rates[event.rate];
    rate.points.push(...event.points);
    const last = rate.points[rate.points.length - 1];
    showRate(event.rate, {
      updates: event.updates, cost: last ? last[1] : null,
      train: event.train_accuracy, test: event.test_accuracy,
    });
    draw();
  },
  finish(event) {
    showRate(event.rate, {
      updates: event.iterations, cost: event.cost,
      train: event.train_accuracy, test: event.test_accuracy, final: true,
    });
  },
  done(event) {
    end("Done: the run is written.");
    result.innerHTML = "";
    const link = element("a", { href: `/run?id=${encodeURIComponent(event.out)}`, text: event.out });
    result.append("See run ", link,
      ": its cost plot, its other figures and its metrics. It is in the ",
      element("a", { href: "/runs", text: "runs list" }), " too.");
    result.hidden = false;
  },
  stopped(event) {
    end(`${capitalised(event.message)}.`); // "Training stopped and nothing was written to …"
  },
  failed(event) {
    end(`Failed. ${event.message}`);
    showError(error, event.error);
  },
};

function handle(event) {
  const handler = HANDLERS[event.type];
  if (handler) handler(event);
}

function end(message) {
  watched.ended = true;
  watched.source.close();
  heard();
  statusLine.textContent = message;
  setRunning(false);
}

// One learning rate's row: updates made, the last cost, and the accuracies when known.
function showRate(index, { updates, cost, train, test, final = false }) {
  const rate = watched.rates[index];
  const cells = rate.row.cells;
  cells[1].textContent = `${updates} / ${rate.total}`;
  if (cost !== undefined) cells[2].textContent = cost === null ? "–" : number(cost, 6);
  if (train !== undefined) {
    cells[3].textContent = percent(train);
    cells[4].textContent = percent(test);
  } else if (!rate.live && !final) {
    // The fit keeps W[1] aside (the Gram formulation): accuracies come when it ends.
    cells[3].textContent = cells[4].textContent = "when trained";
  }
}

let drawing = false;

function draw() {
  if (drawing) return;
  drawing = true;
  requestAnimationFrame(() => {
    drawing = false;
    const series = watched ? watched.rates.filter(Boolean) : [];
    drawLines(chart, series, { title: "cost while training", xLabel: "iteration", yLabel: "cost" });
    chart.dataset.points = String(series.reduce((sum, rate) => sum + rate.points.length, 0));
  });
}

function setRunning(running) {
  startButton.disabled = running;
  stopButton.disabled = !running;
  form.setAttribute("aria-busy", String(running));
}

// -- the page ---------------------------------------------------------------------------------

async function load() {
  buildForm(await api("/api/train/form"));
  const status = await api("/api/train/status");
  if (status.running) watch(status.running.job); // another page's run: watch it too
  else setRunning(false);
}
datasetSelect.addEventListener("change", showDefaults);
form.addEventListener("submit", start);
stopButton.addEventListener("click", stop);
window.addEventListener("resize", draw);
load().catch((failure) => showError(error, failure.message));
