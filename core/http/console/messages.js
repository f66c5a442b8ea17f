// Message search with every filter the API takes, paged, each search a link of its own; and a
// bulk replay of what a search finds: a dry run first, then the replay in steps with progress.
import { get, may, post } from "./api.js";
import { badge, h, table, when } from "./dom.js";

const filters = [
  ["channel", "Channel"], ["state", "State", ["", "received", "mapped", "filtered", "failed", "rejected", "duplicate"]],
  ["deliveryState", "Delivery", ["", "pending", "delivered", "failed", "held"]], ["destination", "Destination"],
  ["from", "From", null, "datetime-local"], ["to", "To", null, "datetime-local"],
  ["controlId", "Control id"], ["messageType", "Type"], ["nhsNumber", "NHS number"],
  ["placer", "Placer order"], ["filler", "Filler order"], ["text", "Text"],
];

function searchOf(query) {
  const out = new URLSearchParams();
  for (const [key] of filters) {
    let value = query.get(key);
    if (!value) continue;
    if (key === "from" || key === "to") value = new Date(value).toISOString();
    out.set(key, value);
  }
  return out;
}

export async function messagesPage(view, { query }) {
  const form = h("form", { class: "filters" }, filters.map(([key, label, choices, type]) => h("label", {},
    label,
    choices
      ? h("select", { name: key }, choices.map((c) => h("option", { value: c, selected: query.get(key) === c }, c || "any")))
      : h("input", { name: key, type: type || "text", value: query.get(key) || "" }))),
  h("button", { type: "submit" }, "Search"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const chosen = new URLSearchParams();
    for (const [key, value] of new FormData(form)) if (value) chosen.set(key, value);
    window.location.hash = `#/messages?${chosen}`;
  });
  const results = h("div");
  view.replaceChildren(h("h1", {}, "Messages"), form, results);
  const search = searchOf(query);
  if (query.get("before")) search.set("before", query.get("before"));
  search.set("count", "true");
  const found = await get(`/api/v1/messages?${search}`);
  const next = new URLSearchParams(query);
  if (found.nextBefore) next.set("before", found.nextBefore);
  results.replaceChildren(
    h("p", { class: "muted", id: "result-count" },
      `${found.totalIsAtLeast ? "More than " : ""}${found.total} message(s) match; ${found.messages.length} on this page.`),
    table(found.messages, [
      ["Id", (m) => h("a", { href: `#/messages/${m.id}` }, String(m.id))],
      ["Received", (m) => when(m.receivedAt)],
      ["Channel", (m) => m.channel],
      ["State", (m) => badge(m.state)],
      ["Type", (m) => m.messageType],
      ["Control id", (m) => m.controlId],
      ["Error", (m) => m.error || ""],
    ], "No message matches."),
    found.nextBefore ? h("a", { href: `#/messages?${next}` }, "Older messages") : "",
    may("operator") && found.messages.length ? bulkReplay(searchOf(query)) : "");
}

function bulkReplay(search) {
  const out = h("div", { class: "bulk", role: "status" });
  const dry = h("button", { type: "button", onclick: async () => {
    const plan = await post(`/api/v1/messages/replay?${search}&dryRun=true`);
    const per = plan.deliveriesPerDestination || {};
    out.replaceChildren(
      h("p", {}, `A replay would send ${plan.messages ?? 0} message(s): ` +
        Object.entries(per).map(([d, n]) => `${n} to ${d}`).join(", ")),
      h("button", { type: "button", onclick: () => replayAll(search, out) }, "Replay them"));
  } }, "Replay what this search finds…");
  out.append(dry);
  return out;
}

async function replayAll(search, out) {
  if (!window.confirm("Replay every message this search finds?")) return;
  let before = "";
  let done = 0;
  for (;;) {
    const step = new URLSearchParams(search);
    step.set("limit", "500");
    if (before) step.set("before", before);
    const r = await post(`/api/v1/messages/replay?${step}`);
    done += r.replayed || 0;
    out.replaceChildren(h("p", {}, `Replayed ${done} message(s)…`));
    if (!r.nextBefore) break;
    before = r.nextBefore;
  }
  out.replaceChildren(h("p", {}, `Replayed ${done} message(s).`));
}
