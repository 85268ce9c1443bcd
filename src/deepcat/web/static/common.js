// What every page's script shares: calls to the JSON endpoints, errors, numbers, elements.

// fetch() of a JSON endpoint: the parsed answer, or an Error carrying the server's one line.
export async function api(path, options = {}) {
  let response;
  try {
    response = await fetch(path, options);
  } catch (error) {
    throw new Error("the deepcat server does not answer; is `deepcat serve` still running?");
  }
  let body = null;
  try {
    body = await response.json();
  } catch (error) {
    body = null;
  }
  if (!response.ok) {
    throw new Error(body && body.error ? body.error : `the server answered ${response.status}`);
  }
  return body;
}

export function postJSON(path, value) {
  return api(path, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(value),
  });
}

// Show an error line in `element` (or hide it when `message` is empty).
export function showError(element, message) {
  element.textContent = message || "";
  element.hidden = !message;
}

export function percent(value) {
  return value === null || value === undefined ? "–" : `${(100 * value).toFixed(1)} %`;
}

export function number(value, digits = 4) {
  if (value === null || value === undefined) return "–";
  if (typeof value !== "number") return String(value);
  if (Number.isInteger(value)) return String(value);
  return value.toPrecision(digits).replace(/\.?0+(e|$)/, "$1");
}

// A setting's value as the command line writes it: lists with commas, none for empty.
export function settingText(value) {
  if (value === null || value === undefined) return "–";
  if (Array.isArray(value)) return value.length ? value.join(",") : "none";
  return typeof value === "number" ? number(value, 6) : String(value);
}

export function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value);
  }
  node.append(...children);
  return node;
}
