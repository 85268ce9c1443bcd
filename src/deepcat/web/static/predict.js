// "Is it a cat?": send the chosen pictures to a run's model and show each answer.

import { api, element, percent, showError } from "/static/common.js";

const modelSelect = document.getElementById("model");
const facts = document.getElementById("model-facts");
const error = document.getElementById("error");
const working = document.getElementById("working");
const answers = document.getElementById("answers");
const drop = document.getElementById("drop");
const picker = document.getElementById("pictures");
let models = [];

async function loadModels() {
  const listing = await api("/api/models");
  models = listing.models;
  modelSelect.innerHTML = "";
  for (const model of models) {
    modelSelect.append(element("option", { value: model.id, text: model.id }));
  }
  const wanted = new URLSearchParams(location.search).get("model");
  if (wanted && models.some((m) => m.id === wanted)) modelSelect.value = wanted;
  document.getElementById("no-models").hidden = models.length > 0;
  modelSelect.disabled = picker.disabled = models.length === 0;
  const skipped = document.getElementById("skipped");
  skipped.hidden = listing.skipped.length === 0;
  const count = listing.skipped.length;
  skipped.querySelector("summary").textContent =
    `${count} run${count === 1 ? "" : "s"} with a model not offered here`;
  const list = skipped.querySelector("ul");
  list.innerHTML = "";
  for (const entry of listing.skipped) list.append(element("li", { text: `${entry.id}: ${entry.reason}` }));
  describeModel();
}

function describeModel() {
  const model = models.find((m) => m.id === modelSelect.value);
  if (!model) {
    facts.textContent = "";
    return;
  }
  const [height, width, channels] = model.image_shape;
  const accuracy = model.test_accuracy === null ? "" : `, ${percent(model.test_accuracy)} on its test split`;
  facts.textContent = `Trained on ${model.dataset}: classes ${model.classes.join(", ")}; ` +
    `layers ${model.layer_dims.join(" → ")}; sees ${width}×${height} ` +
    `${channels === 1 ? "grey" : "colour"} pictures${accuracy}.`;
}

async function ask(files) {
  if (!files.length) return;
  showError(error, "");
  const form = new FormData();
  form.append("model", modelSelect.value);
  for (const file of files) form.append("pictures", file, file.name);
  working.hidden = false;
  try {
    const result = await api("/api/predict", { method: "POST", body: form });
    answers.innerHTML = "";
    for (const answer of result.answers) answers.append(answerCard(answer));
  } catch (failure) {
    showError(error, failure.message);
  } finally {
    working.hidden = true;
    picker.value = "";
  }
}

function answerCard(answer) {
  const card = element("article", { class: "answer", "data-name": answer.name });
  card.append(element("div", { class: "hint", text: answer.name }));
  if (answer.error) {
    card.append(element("p", { class: "error", text: answer.error }));
    return card;
  }
  card.append(
    element("div", { class: "verdict", text: `${answer.class} (${percent(answer.probability)})` }),
    element("img", { class: "seen", src: answer.seen, alt: `${answer.name} as the model sees it` }),
  );
  for (const entry of answer.probabilities) {
    const fill = element("div", { class: "fill" });
    fill.style.width = `${(100 * entry.probability).toFixed(1)}%`;
    card.append(element("div", { class: "bar" },
      element("span", { text: entry.class }),
      element("div", { class: "track" }, fill),
      element("span", { text: percent(entry.probability) })));
  }
  return card;
}
modelSelect.addEventListener("change", describeModel);
picker.addEventListener("change", () => ask([...picker.files]));
drop.addEventListener("dragover", (event) => {
  event.preventDefault();
  drop.classList.add("over");
});
drop.addEventListener("dragleave", () => drop.classList.remove("over"));
drop.addEventListener("drop", (event) => {
  event.preventDefault();
  drop.classList.remove("over");
  ask([...event.dataTransfer.files]);
});
loadModels().catch((failure) => showError(error, failure.message));
