// A patient in the network's record (core/record/README.md): search by NHS number, stating why
// and for whom (every request is audited with both); a timeline of reports from every lab,
// corrections shown as such with what the earlier version said; a test's trend as a chart.
import { getRecord } from "./api.js";
import { badge, h, table, when } from "./dom.js";

const NHS = "https://fhir.nhs.uk/Id/nhs-number";
const purposes = [
  ["TREAT", "treatment"], ["ETREAT", "emergency treatment"], ["CAREMGT", "care management"],
  ["PATRQT", "patient requested"], ["PUBHLTH", "public health"], ["HQUALIMP", "quality improvement"]];

function codeText(concept) {
  const coding = concept && concept.coding && concept.coding[0];
  return coding ? coding.display || coding.code : (concept && concept.text) || "";
}

// "Potassium 5.9 mmol/L H": the value as sent (the API keeps numbers' digits).
function resultText(o) {
  let value = "";
  if (o.valueQuantity) {
    value = `${o.valueQuantity.comparator || ""}${o.valueQuantity.value ?? ""} ${o.valueQuantity.unit || ""}`;
  } else if (o.valueString !== undefined) value = o.valueString;
  else if (o.valueCodeableConcept) value = codeText(o.valueCodeableConcept);
  const flag = o.interpretation && o.interpretation[0] && o.interpretation[0].coding
    ? o.interpretation[0].coding[0].code : "";
  return [codeText(o.code), value.trim(), flag].filter((x) => x).join(" ");
}

function tokenOf(concept) {
  const coding = concept && concept.coding && concept.coding[0];
  return coding ? `${coding.system || ""}|${coding.code}` : "";
}

// The values of a test over time as a line with its points, each labelled with its value.
function trendChart(points) {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  const width = 640, height = 200, pad = 36;
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("class", "trend");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", points.map((p) => `${when(p.at)}: ${p.text}`).join("; "));
  const numbers = points.map((p) => p.value);
  const times = points.map((p) => p.time);
  const [lo, hi] = [Math.min(...numbers), Math.max(...numbers)];
  const [t0, t1] = [Math.min(...times), Math.max(...times)];
  const x = (t) => pad + (t1 === t0 ? (width - 2 * pad) / 2 : ((t - t0) / (t1 - t0)) * (width - 2 * pad));
  const y = (v) => height - pad - (hi === lo ? (height - 2 * pad) / 2 : ((v - lo) / (hi - lo)) * (height - 2 * pad));
  const line = document.createElementNS(ns, "polyline");
  line.setAttribute("points", points.map((p) => `${x(p.time)},${y(p.value)}`).join(" "));
  line.setAttribute("class", "trend-line");
  svg.append(line);
  for (const p of points) {
    const dot = document.createElementNS(ns, "circle");
    dot.setAttribute("cx", x(p.time));
    dot.setAttribute("cy", y(p.value));
    dot.setAttribute("r", 3);
    const title = document.createElementNS(ns, "title");
    title.textContent = `${when(p.at)}: ${p.text}`;
    dot.append(title);
    svg.append(dot);
    const label = document.createElementNS(ns, "text");
    label.setAttribute("x", x(p.time));
    label.setAttribute("y", y(p.value) - 7);
    label.setAttribute("text-anchor", "middle");
    label.textContent = p.label;
    svg.append(label);
  }
  return svg;
}

export async function patientPage(view, { query }) {
  const nhs = (query.get("nhs") || "").replace(/[\s-]/g, "");
  const purpose = query.get("purpose") || "";
  const user = query.get("user") || "";
  const form = h("form", { class: "filters", id: "patient-search" },
    h("label", {}, "NHS number", h("input", { name: "nhs", value: nhs, required: true, inputmode: "numeric" })),
    h("label", {}, "Purpose of use", h("select", { name: "purpose", required: true },
      h("option", { value: "" }, "choose…"),
      purposes.map(([code, text]) => h("option", { value: code, selected: purpose === code }, `${code}: ${text}`)))),
    h("label", {}, "User id (who this is for)", h("input", { name: "user", value: user, required: true })),
    h("button", { type: "submit" }, "Show the record"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const chosen = new URLSearchParams();
    for (const [key, value] of new FormData(form)) if (value) chosen.set(key, value);
    window.location.hash = `#/patient?${chosen}`;
  });
  const parts = [h("h1", {}, "Patient record"),
    h("p", { class: "note" }, "Results from every lab this hub carried. Every search is recorded with its purpose and user."),
    form];
  if (!nhs || !purpose || !user) return view.replaceChildren(...parts);
  const ask = (path) => getRecord(path, purpose, user);
  const [patients, reports] = await Promise.all([
    ask(`/fhir/R4/Patient?identifier=${encodeURIComponent(`${NHS}|${nhs}`)}`),
    ask(`/fhir/R4/DiagnosticReport?patient.identifier=${encodeURIComponent(`${NHS}|${nhs}`)}` +
      "&_include=DiagnosticReport:result&_count=200")]);
  const patient = (patients.entry || [])[0];
  if (patient) {
    const p = patient.resource;
    const name = p.name && p.name[0] ? [p.name[0].family, ...(p.name[0].given || [])].filter((x) => x).join(", ") : "";
    parts.push(h("p", { class: "patient" }, h("strong", {}, name || "(no name)"),
      ` · NHS number ${nhs}`, p.birthDate ? ` · born ${p.birthDate}` : ""));
  }
  const results = new Map();
  const entries = reports.entry || [];
  for (const e of entries) if (e.resource.resourceType === "Observation") results.set(`Observation/${e.resource.id}`, e.resource);
  const rows = entries.filter((e) => e.resource.resourceType === "DiagnosticReport").map((e) => e.resource);
  const trend = h("section", { id: "trend" });
  // A result's time: its own when the lab sent one, else its report's (collected or issued),
  // as the record's own date searches take it.
  const showTrend = async (o) => {
    const token = tokenOf(o.code);
    const all = await ask(`/fhir/R4/DiagnosticReport?patient.identifier=${nhs}` +
      "&_include=DiagnosticReport:result&_sort=date&_count=500");
    const byRef = new Map();
    for (const e of all.entry || []) if (e.resource.resourceType === "Observation") byRef.set(`Observation/${e.resource.id}`, e.resource);
    const points = [];
    for (const e of all.entry || []) {
      const report = e.resource;
      if (report.resourceType !== "DiagnosticReport") continue;
      for (const ref of report.result || []) {
        const r = byRef.get(ref.reference);
        if (!r || tokenOf(r.code) !== token || !r.valueQuantity || r.valueQuantity.value === undefined) continue;
        const at = r.effectiveDateTime || report.effectiveDateTime || report.issued;
        if (!at) continue;
        points.push({ at, time: new Date(at).getTime(), value: Number(r.valueQuantity.value),
          label: String(r.valueQuantity.value), text: resultText(r) });
      }
    }
    points.sort((a, b) => a.time - b.time);
    trend.replaceChildren(h("h2", {}, `Trend: ${codeText(o.code)}`),
      points.length ? trendChart(points) : h("p", { class: "empty" }, "No numeric values to chart."),
      table(points.slice().reverse(), [["When", (p) => when(p.at)], ["Result", (p) => p.text]]));
  };
  const history = async (report, cell) => {
    const versions = await ask(`/fhir/R4/DiagnosticReport/${report.id}/_history`);
    cell.replaceChildren(h("ul", { class: "versions" }, (versions.entry || []).map((v) => h("li", {},
      `version ${v.resource.meta.versionId}: ${v.resource.status}, recorded ${when(v.resource.meta.lastUpdated)}`))));
  };
  parts.push(h("h2", {}, `Reports (${reports.total})`),
    table(rows, [
      ["Date", (r) => when(r.effectiveDateTime || r.issued)],
      ["Lab", (r) => {
        const p = (r.performer || [])[0];
        return p ? (p.identifier && p.identifier.value) || p.display || "" : "";
      }],
      ["Test", (r) => codeText(r.code)],
      ["Status", (r) => {
        const version = r.meta && r.meta.versionId;
        const corrected = ["corrected", "amended", "appended"].includes(r.status);
        const cell = h("span", {}, badge(r.status), version && version !== "1" ? ` version ${version}` : "");
        if (corrected || (version && version !== "1")) {
          cell.append(" ", h("button", { type: "button", class: "link", onclick: () => history(r, cell) }, "earlier versions"));
        }
        return cell;
      }],
      ["Results", (r) => h("ul", { class: "results" }, (r.result || []).map((ref) => results.get(ref.reference))
        .filter((o) => o).map((o) => h("li", {}, resultText(o), " ",
          h("button", { type: "button", class: "link", onclick: () => showTrend(o) }, "trend"))))],
    ], "No reports in the record for this NHS number (or none this organisation may see)."),
    trend);
  view.replaceChildren(...parts);
}
