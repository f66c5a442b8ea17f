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

export async function messagePage(view, { params: [id] }) {
  const m = await get(`/api/v1/messages/${id}`);
  const status = h("p", { role: "status" });
  const diff = m.mapped ? fieldDiff(m.raw, m.mapped) : [];
  const replay = may("operator") && m.deliveries && m.deliveries.length
    ? h("div", { class: "actions" },
      h("button", { type: "button", id: "replay", onclick: async () => {
        if (!window.confirm(`Replay message ${id} to where it was routed?`)) return;
        try {
          const r = await post(`/api/v1/messages/${id}/replay`);
          status.textContent = `Message ${id} ${r.state}: ${r.deliveries} deliver${r.deliveries === 1 ? "y" : "ies"}.`;
        } catch (error) {
          status.textContent = error.message;
        }
      } }, "Replay"))
    : "";
  view.replaceChildren(
    h("h1", {}, `Message ${m.id} `, badge(m.state)),
    h("p", {}, `${m.messageType || "?"} ${m.controlId || ""} on ${m.channel}, received ${when(m.receivedAt)} from ${m.peer || m.source}`),
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
      ? [h("h2", {}, "Script log"), h("ul", { class: "plain" }, m.scriptLog.map((l) => h("li", {}, l)))]
      : "");
}
