// Line charts on a canvas: cost curves, accuracies, several runs overlaid. The numbers come
// from the server; this only draws them.

export const COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
  "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

// Round tick values covering [low, high]: about `count` of them at 1, 2 or 5 times 10^k.
export function ticks(low, high, count = 5) {
  if (!(high > low)) return [low];
  const raw = (high - low) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((f) => f * power).find((s) => s >= raw) || raw;
  const values = [];
  for (let v = Math.ceil(low / step) * step; v <= high + step * 1e-9; v += step) {
    values.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  }
  return values;
}

function tickText(value) {
  if (value === 0) return "0";
  const magnitude = Math.abs(value);
  if (magnitude >= 1e4 || magnitude < 1e-3) return value.toExponential(0);
  return String(Number(value.toPrecision(6)));
}

// A canvas sized for the screen's pixels, returning its 2-D context in CSS pixels.
export function prepare(canvas) {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth || Number(canvas.getAttribute("width")) || 600;
  const height = canvas.clientHeight || Number(canvas.getAttribute("height")) || 320;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  const context = canvas.getContext("2d");
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  context.clearRect(0, 0, width, height);
  return { context, width, height };
}

// Draw `series` ([{label, points: [[x, y], ...], colour?, dashed?}]) with axes and a legend.
export function drawLines(canvas, series, { title = "", xLabel = "", yLabel = "" } = {}) {
  const { context: c, width, height } = prepare(canvas);
  const drawn = series.filter((s) => s.points && s.points.length);
  const margin = { left: 64, right: 16, top: title ? 30 : 12, bottom: 44 };
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  c.font = "12px system-ui, sans-serif";
  c.fillStyle = "#222";
  if (title) {
    c.textAlign = "center";
    c.font = "bold 13px system-ui, sans-serif";
    c.fillText(title, margin.left + plotWidth / 2, 18);
    c.font = "12px system-ui, sans-serif";
  }
  const xs = drawn.flatMap((s) => s.points.map((p) => p[0]));
  const ys = drawn.flatMap((s) => s.points.map((p) => p[1])).filter(Number.isFinite);
  if (!xs.length || !ys.length) {
    c.textAlign = "center";
    c.fillStyle = "#777";
    c.fillText("no values yet", margin.left + plotWidth / 2, margin.top + plotHeight / 2);
    return;
  }
  let [xLow, xHigh] = [Math.min(...xs), Math.max(...xs)];
  let [yLow, yHigh] = [Math.min(0, ...ys), Math.max(...ys)];
  if (xHigh === xLow) xHigh = xLow + 1;
  if (yHigh === yLow) yHigh = yLow + 1;
  yHigh += (yHigh - yLow) * 0.05;
  const x = (v) => margin.left + ((v - xLow) / (xHigh - xLow)) * plotWidth;
  const y = (v) => margin.top + plotHeight - ((v - yLow) / (yHigh - yLow)) * plotHeight;

  c.strokeStyle = "#ddd";
  c.lineWidth = 1;
  c.textAlign = "right";
  c.textBaseline = "middle";
  for (const t of ticks(yLow, yHigh)) {
    c.beginPath();
    c.moveTo(margin.left, y(t));
    c.lineTo(margin.left + plotWidth, y(t));
    c.stroke();
    c.fillText(tickText(t), margin.left - 6, y(t));
  }
  c.textAlign = "center";
  c.textBaseline = "top";
  for (const t of ticks(xLow, xHigh, 6)) {
    c.fillText(tickText(t), x(t), margin.top + plotHeight + 6);
  }
  c.strokeStyle = "#444";
  c.strokeRect(margin.left, margin.top, plotWidth, plotHeight);
  c.fillText(xLabel, margin.left + plotWidth / 2, height - 18);
  c.save();
  c.translate(14, margin.top + plotHeight / 2);
  c.rotate(-Math.PI / 2);
  c.fillText(yLabel, 0, -6);
  c.restore();

  drawn.forEach((s, index) => {
    c.strokeStyle = s.colour || COLOURS[index % COLOURS.length];
    c.lineWidth = 2;
    c.setLineDash(s.dashed ? [6, 4] : []);
    c.beginPath();
    let started = false;
    for (const [px, py] of s.points) {
      if (!Number.isFinite(py)) continue;
      if (started) c.lineTo(x(px), y(py));
      else c.moveTo(x(px), y(py));
      started = true;
    }
    c.stroke();
  });
  c.setLineDash([]);
  c.textAlign = "left";
  c.textBaseline = "middle";
  drawn.forEach((s, index) => {
    const top = margin.top + 12 + index * 16;
    const left = margin.left + plotWidth - 150;
    c.strokeStyle = s.colour || COLOURS[index % COLOURS.length];
    c.lineWidth = 2;
    c.setLineDash(s.dashed ? [6, 4] : []);
    c.beginPath();
    c.moveTo(left, top);
    c.lineTo(left + 18, top);
    c.stroke();
    c.setLineDash([]);
    c.fillStyle = "#222";
    c.fillText(s.label, left + 24, top);
  });
}
