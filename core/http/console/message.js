// One message: what was received and what was mapped side by side with the fields that
// differ, each delivery with the receiver's answer or error, the history, the script's log
// lines, and replay (to where it was routed, or to chosen destinations) for operators.
import { get, may, post } from "./api.js";
import { fieldDiff } from "./diff.js";
import { badge, h, table, when } from "./dom.js";

// A message's text, one segment a line; it scrolls sideways, so the keyboard can reach it.
function er7(text, label) {
  return h("pre", { class: "er7", tabindex: 0, "aria-label": label }, (text || "").replace(/\r/g, "\n"));
}

// A field's value as the tree gives it: text, or repetitions/components/subcomponents.
function flat(value) {
  if (value === null) return '""';
  if (!Array.isArray(value)) return String(value);
  return value.map((part) => (Array.isArray(part) ? part.map(flat).join("^") : flat(part))).join("~");
}

// The parsed message, field by field, each with its name from the standard's tables.
function tree(parsed) {
  if (!parsed || parsed.parseError) return h("p", { class: "error" }, parsed ? parsed.parseError : "");
  const rows = [];
  const seen = new Map();
  for (const segment of parsed.segments) {
    const n = (seen.get(segment.id) || 0) + 1;
    seen.set(segment.id, n);
    segment.fields.forEach((value, i) => {
      if (value === "" || (Array.isArray(value) && !value.length)) return;
      rows.push({ path: `${segment.id}${n > 1 ? `[${n}]` : ""}-${i + 1}`, name: segment.names[i] || "", value: flat(value) });
    });
  }
  return table(rows, [["Field", (r) => r.path], ["Name", (r) => r.name], ["Value", (r) => h("code", {}, r.value)]]);
}

// Replay: to where the message was routed, or to the destinations chosen.
function replayControls(m, status) {
  const say = (r) => { status.textContent = `Message ${m.id} ${r.state}: ${r.deliveries} deliver${r.deliveries === 1 ? "y" : "ies"}.`; };
  const destinations = [...new Set((m.deliveries || []).map((d) => d.destination))];
  const boxes = destinations.map((d) => h("label", {}, h("input", { type: "checkbox", value: d }), ` ${d}`));
  return h("div", { class: "actions" },
    h("button", { type: "button", id: "replay", onclick: async () => {
      if (!window.confirm(`Replay message ${m.id} to where it was routed?`)) return;
      try { say(await post(`/api/v1/messages/${m.id}/replay`)); } catch (error) { status.textContent = error.message; }
    } }, "Replay"),
    boxes.length > 1 ? [h("span", {}, "or only to:"), boxes,
      h("button", { type: "button", onclick: async () => {
        const chosen = boxes.map((b) => b.querySelector("input")).filter((i) => i.checked).map((i) => i.value);
        if (!chosen.length || !window.confirm(`Replay message ${m.id} to ${chosen.join(", ")}?`)) return;
        try { say(await post(`/api/v1/messages/${m.id}/replay`, { destinations: chosen })); } catch (error) { status.textContent = error.message; }
      } }, "Replay to these")] : "");
}

// The message written in another format on demand, as a destination with that codec would
// send it, with what that format could not carry.
function renderings(id) {
  const out = h("div", { "aria-live": "polite" });
  const show = (format) => async () => {
    try {
      const r = await get(`/api/v1/messages/${id}/as/${format}`);
      out.replaceChildren(...r.documents.map((d) => h("div", {},
        d.warnings.length ? h("ul", { class: "plain warnings" }, d.warnings.map((w) => h("li", { class: "error" }, w))) : "",
        h("pre", { class: "er7", tabindex: 0, "aria-label": `the message as ${format}` }, d.text))));
    } catch (error) {
      out.replaceChildren(h("p", { class: "error" }, error.message));
    }
  };
  return [h("div", { class: "actions" },
    [["fhir-json", "FHIR JSON"], ["fhir-xml", "FHIR XML"], ["edifact", "EDIFACT"]].map(([format, label]) =>
      h("button", { type: "button", onclick: show(format) }, label))), out];
}

export async function messagePage(view, { params: [id] }) {
  const m = await get(`/api/v1/messages/${id}`);
  const status = h("p", { role: "status" });
  const diff = m.mapped ? fieldDiff(m.raw, m.mapped) : [];
  const replay = may("operator") && m.deliveries && m.deliveries.length ? replayControls(m, status) : "";
  view.replaceChildren(
    h("h1", {}, `Message ${m.id} `, badge(m.state)),
    h("p", {}, `${m.messageType || "?"} ${m.controlId || ""} on ${m.channel}, received ${when(m.receivedAt)} from ${m.peer || m.source}`),
    m.scriptVersion
      ? h("p", { id: "script-version" }, "Mapped by ",
        h("a", { href: `#/channels/${encodeURIComponent(m.channel)}/scripts` }, `script version ${m.scriptVersion}`))
      : "",
    m.error ? h("p", { class: "error" }, m.error) : "",
    replay, status,
    h("h2", {}, "Received and mapped"),
    h("div", { class: "side-by-side" },
      h("section", {}, h("h3", {}, "Received"), er7(m.raw, "the message as received")),
      h("section", {}, h("h3", {}, "Mapped"), m.mapped ? er7(m.mapped, "the message as mapped") : h("p", { class: "muted" }, "Not mapped."))),
    m.mapped ? h("h3", {}, `Fields changed by the mapping (${diff.length})`) : "",
    m.mapped ? table(diff, [
      ["Field", (r) => r.path],
      ["Received", (r) => h("code", {}, r.before)],
      ["Mapped", (r) => h("code", {}, r.after)],
    ], "The mapping changed nothing.") : "",
    h("details", {}, h("summary", {}, "Fields of the message as mapped, with their names"),
      tree(m.mappedTree || m.tree)),
    h("h2", {}, "As another format"),
    h("div", {}, renderings(m.id)),
    h("h2", {}, "Deliveries"),
    table(m.deliveries || [], [
      ["Destination", (d) => d.destination],
      ["State", (d) => badge(d.state)],
      ["Attempts", (d) => String(d.attempts)],
      ["Updated", (d) => when(d.updatedAt)],
      ["Receiver's answer or error", (d) => [d.lastError ? h("div", { class: "error" }, d.lastError) : "",
        d.response ? er7(d.response, "the receiver's answer") : ""]],
    ], "No deliveries."),
    h("h2", {}, "History"),
    h("ol", { class: "timeline" }, (m.history || []).map((e) => h("li", {},
      h("time", {}, when(e.at)), " ", h("strong", {}, e.kind), e.detail ? ` — ${e.detail}` : ""))),
    m.scriptLog && m.scriptLog.length
      ? h("div", {}, h("h2", {}, "Script log"), h("ul", { class: "plain" }, m.scriptLog.map((l) => h("li", {}, l))))
      : "");
}
