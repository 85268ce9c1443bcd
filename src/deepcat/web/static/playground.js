// The playground: a small network trained on 2-D points, step by step, by deepcat on the
// server. This page sends the controls, asks for steps, and draws what comes back: the
// probability of class 1 over the square, the points, the cost curves, every hidden unit.

import { drawLines, prepare } from "/static/charts.js";
import { api, element, number, percent, postJSON, showError } from "/static/common.js";

const CLASS_COLOURS = [[232, 135, 30], [31, 111, 181]]; // class 0 orange, class 1 blue
const BACKGROUND_STRENGTH = 0.7; // how far P(class 1) tints the square towards a class colour
const LABELS = {
  hidden: "Hidden layers",
  activation: "Activation",
  init: "Initialization",
  seed: "Network seed",
  learning_rate: "Learning rate",
  lambd: "L2 (lambd)",
  keep_prob: "Dropout keep_prob",
};

const $ = (id) => document.getElementById(id);
const error = $("error");
let form = null; // what GET /api/playground/form offers
let session = null; // {id, spec, points} of the playground being trained
let playing = false;
let inFlight = null; // the request being answered: never two at once
let restarting = false;

// -- controls -------------------------------------------------------------------------------

function buildControls() {
  const datasets = $("dataset");
  for (const entry of form.datasets) {
    datasets.append(element("option", { value: entry.name, text: entry.name }));
  }
  datasets.value = form.dataset;
  const { m, noise, data_seed: seed } = form.numbers;
  Object.assign($("m"), { min: m.low, max: m.high, step: 10, value: m.default });
  Object.assign($("noise"), { min: noise.low, max: noise.high });
  $("data_seed").value = seed.default;
  $("per-step").value = form.limits.step.default;
  for (const field of form.settings) $("settings").append(settingControl(field));
  const { hidden_layers: layers, units, step } = form.limits;
  $("limits").textContent = `At most ${layers} hidden layers of at most ${units} units ` +
    `('none' for no hidden layer); ${step.low} to ${step.high} updates a step; ` +
    `${percent(form.test_fraction)} of the points are held out as the test set. Training is ` +
    "full-batch gradient descent.";
  showDataset(true);
}

function settingControl(field) {
  const id = `setting-${field.name}`;
  let input;
  if (field.kind === "choice") {
    input = element("select", { id });
    for (const choice of field.choices) input.append(element("option", { value: choice, text: choice }));
  } else {
    input = element("input", { id, type: "text" });
  }
  input.value = field.default;
  input.dataset.setting = field.name;
  // The help of a setting that takes several values speaks of several models: not here.
  if (!field.several) input.title = field.help;
  input.addEventListener("change", restart);
  const label = element("label", { for: id, text: `${LABELS[field.name] || field.name} ` },
    element("small", { text: field.flag }));
  return element("div", {}, label, input);
}

// Show the chosen set's summary; a newly chosen set starts with its own noise.
function showDataset(withNoise) {
  const chosen = form.datasets.find((entry) => entry.name === $("dataset").value);
  $("dataset-summary").textContent = chosen.summary;
  if (withNoise) $("noise").value = chosen.noise;
  showSliders();
}

function showSliders() {
  $("m-value").textContent = `m = ${$("m").value}`;
  $("noise-value").textContent = Number($("noise").value).toFixed(2);
}

function requestBody() {
  const settings = {};
  for (const input of document.querySelectorAll("[data-setting]")) {
    settings[input.dataset.setting] = input.value;
  }
  return {
    dataset: $("dataset").value,
    m: $("m").value,
    noise: $("noise").value,
    data_seed: $("data_seed").value,
    settings,
  };
}

// -- requests: one at a time ----------------------------------------------------------------

function exclusive(send) {
  inFlight = send().finally(() => {
    inFlight = null;
    updateButtons();
  });
  updateButtons();
  return inFlight;
}

async function settle() {
  playing = false;
  if (inFlight) await inFlight.catch(() => {});
}

// A new playground from the controls (Reset, or a control changed); the old one ends, even
// when the controls are refused: it no longer is what they say.
async function restart() {
  restarting = true;
  await settle();
  showError(error, "");
  const previous = session;
  session = null;
  if (previous) forget(previous.id);
  try {
    const created = await exclusive(() => postJSON("/api/playground", requestBody()));
    session = { id: created.id, spec: created.spec, points: created.points };
    describeNetwork(created.spec);
    drawState(created.state);
  } catch (failure) {
    showError(error, failure.message);
    $("network").textContent = "Fix the setting above: nothing trains until the controls are accepted.";
  }
  restarting = false;
  updateButtons();
}

function forget(id) {
  fetch(`/api/playground/${id}`, { method: "DELETE", keepalive: true }).catch(() => {});
}

async function stepOnce() {
  const iterations = $("per-step").value.trim();
  const answer = await exclusive(() =>
    postJSON(`/api/playground/${session.id}/step`, { iterations }));
  drawState(answer.state);
}

async function play() {
  if (playing || restarting || inFlight || !session) return;
  showError(error, "");
  playing = true;
  updateButtons();
  try {
    while (playing) await stepOnce();
  } catch (failure) {
    showError(error, failure.message);
  }
  playing = false;
  updateButtons();
}

function pause() {
  playing = false; // the loop stops once the step being answered is drawn
  updateButtons();
}

async function stepButton() {
  if (playing || restarting || inFlight || !session) return;
  showError(error, "");
  try {
    await stepOnce();
  } catch (failure) {
    showError(error, failure.message);
  }
}

function updateButtons() {
  const idle = !playing && !restarting && !inFlight && session !== null;
  $("play").disabled = !idle;
  $("pause").disabled = !playing;
  $("step").disabled = !idle;
}

// -- drawing --------------------------------------------------------------------------------

// The colour of t in [-1, 1]: white at 0, towards class 0's colour below, class 1's above.
function shade(t, strength) {
  const colour = CLASS_COLOURS[t < 0 ? 0 : 1];
  const share = Math.min(1, Math.abs(t)) * strength;
  return colour.map((c) => Math.round(255 + (c - 255) * share));
}

// A size x size canvas of `values` (row-major, rows going up x2), coloured by `colourOf`.
function cellsCanvas(values, size, colourOf, canvas = document.createElement("canvas")) {
  canvas.width = canvas.height = size;
  const context = canvas.getContext("2d");
  const image = context.createImageData(size, size);
  for (let row = 0; row < size; row++) {
    for (let column = 0; column < size; column++) {
      const at = ((size - 1 - row) * size + column) * 4; // the canvas's rows go down
      image.data.set([...colourOf(values[row * size + column]), 255], at);
    }
  }
  context.putImageData(image, 0, 0);
  return canvas;
}

function drawBoundary(boundary) {
  const canvas = $("boundary");
  const { context, width, height } = prepare(canvas);
  const size = boundary.size;
  const cells = cellsCanvas(boundary.p, size, (p) => shade(2 * p - 1, BACKGROUND_STRENGTH));
  // Grid values sit on the square's edges and corners: each cell is centred on its point.
  const cellWidth = width / (size - 1);
  const cellHeight = height / (size - 1);
  context.imageSmoothingEnabled = true;
  context.drawImage(cells, -cellWidth / 2, -cellHeight / 2, width + cellWidth, height + cellHeight);
  const [x1Low, x1High, x2Low, x2High] = session.points.box;
  const x = (value) => ((value - x1Low) / (x1High - x1Low)) * width;
  const y = (value) => height - ((value - x2Low) / (x2High - x2Low)) * height;
  for (const [split, rim] of [["train", "#ffffff"], ["test", "#111111"]]) {
    const { x: places, y: labels } = session.points[split];
    context.lineWidth = 1.2;
    context.strokeStyle = rim;
    places.forEach(([x1, x2], index) => {
      context.beginPath();
      context.arc(x(x1), y(x2), 3.6, 0, 2 * Math.PI);
      context.fillStyle = `rgb(${CLASS_COLOURS[labels[index]].join(",")})`;
      context.fill();
      context.stroke();
    });
  }
}

function drawCosts(costs) {
  drawLines($("cost-chart"), [
    { label: "training cost", points: costs.train },
    { label: "test cost", points: costs.test, dashed: true },
  ], { title: "Cost J", xLabel: "iteration", yLabel: "cost" });
}

function drawUnits(units) {
  const box = $("units");
  const shape = units.layers.map((layer) => layer.length).join(",");
  if (box.dataset.shape !== shape) {
    box.innerHTML = "";
    box.dataset.shape = shape;
    units.layers.forEach((layer, index) => {
      const column = element("div", { class: "layer" }, element("h3", { text: `layer ${index + 1}` }));
      layer.forEach((_, unit) => column.append(element("canvas", { title: `unit ${unit + 1}` })));
      box.append(column);
    });
    if (!units.layers.length) {
      box.append(element("p", { class: "note", text: "This network has no hidden layer." }));
    }
  }
  const columns = box.querySelectorAll(".layer");
  units.layers.forEach((layer, index) => {
    const canvases = columns[index].querySelectorAll("canvas");
    layer.forEach((values, unit) => {
      const scale = Math.max(1e-12, ...values.map(Math.abs));
      cellsCanvas(values, units.size, (v) => shade(v / scale, 1), canvases[unit]);
    });
  });
}

function drawState(state) {
  $("iteration").textContent = String(state.iteration);
  $("train-cost").textContent = number(state.cost.train, 4);
  $("test-cost").textContent = number(state.cost.test, 4);
  $("train-accuracy").textContent = percent(state.accuracy.train);
  $("test-accuracy").textContent = percent(state.accuracy.test);
  drawBoundary(state.boundary);
  drawCosts(state.costs);
  drawUnits(state.units);
}

function describeNetwork(spec) {
  const s = spec.settings;
  $("network").textContent = `${spec.dataset}, m = ${spec.m} (noise ${spec.noise}, seed ` +
    `${spec.data_seed}); layers ${spec.layer_dims.join(" → ")}, activations ` +
    `${spec.activations.join(", ")}; --init ${s.init} --seed ${s.seed} --learning-rate ` +
    `${s.learning_rate} --lambd ${s.lambd} --keep-prob ${s.keep_prob}.`;
}

// -- start ----------------------------------------------------------------------------------

async function main() {
  try {
    form = await api("/api/playground/form");
  } catch (failure) {
    showError(error, failure.message);
    return;
  }
  buildControls();
  $("dataset").addEventListener("change", () => {
    showDataset(true);
    restart();
  });
  for (const id of ["m", "noise"]) {
    $(id).addEventListener("input", showSliders);
    $(id).addEventListener("change", restart);
  }
  $("data_seed").addEventListener("change", restart);
  $("play").addEventListener("click", play);
  $("pause").addEventListener("click", pause);
  $("step").addEventListener("click", stepButton);
  $("reset").addEventListener("click", restart);
  window.addEventListener("pagehide", () => {
    if (session) forget(session.id);
    session = null;
  });
  // A page shown again from the browser's history had its playground ended on leaving.
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) restart();
  });
  updateButtons();
  await restart();
}

main();
