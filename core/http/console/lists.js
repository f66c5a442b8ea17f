// The lists an operator works through: orders (and overdue ones, and results matched to no
// order), deliveries (exceptions, answers awaited), and the audit trail.
import { get } from "./api.js";
import { badge, h, table, when } from "./dom.js";

const orderStates = ["placed", "sent", "accepted", "rejected", "specimen_received", "partial",
  "final", "amended", "cancelled", "rerouted"];

// A filter form whose values live in the address after `#/page?`, so a filtered list can be
// saved as a link: each field is [label, name, input attributes or a list of choices].
function filterForm(page, query, fields) {
  const form = h("form", { class: "filters" }, fields.map(([label, name, input]) => h("label", {}, label,
    Array.isArray(input)
      ? h("select", { name }, h("option", { value: "" }, "any"),
        input.map((v) => h("option", { value: v, selected: query.get(name) === v }, v)))
      : h("input", { name, value: query.get(name) || "", ...input }))),
  h("button", { type: "submit" }, "Filter"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const chosen = new URLSearchParams();
    for (const [key, value] of new FormData(form)) if (value) chosen.set(key, value);
    window.location.hash = `#/${page}?${chosen}`;
  });
  return form;
}

export async function ordersPage(view, { query }) {
  const search = new URLSearchParams({ limit: "100" });
  for (const key of ["state", "lab", "requester"]) if (query.get(key)) search.set(key, query.get(key));
  const [orders, overdue, unmatched] = await Promise.all([
    get(`/api/v1/orders?${search}`), get("/api/v1/orders/overdue?limit=100"), get("/api/v1/orders/unmatched?limit=100")]);
  const columns = [
    ["Placer", (o) => h("a", { href: `#/orders/${encodeURIComponent(o.placer)}` }, o.placer)],
    ["Lab", (o) => o.lab || "(none)"],
    ["Tests", (o) => o.tests],
    ["State", (o) => badge(o.state)],
    ["Placed", (o) => when(o.placedAt)],
    ["Due", (o) => when(o.dueAt)],
  ];
  view.replaceChildren(
    h("h1", {}, "Orders"),
    h("h2", {}, "Overdue"), table(overdue.orders, columns, "No order is overdue."),
    h("h2", {}, "Results matched to no order"),
    table(unmatched.unmatched, [
      ["Message", (r) => h("a", { href: `#/messages/${r.messageId}` }, String(r.messageId))],
      ["Placer", (r) => r.placer],
      ["Tests", (r) => r.tests],
      ["Received", (r) => when(r.receivedAt)],
      ["Reason", (r) => r.reason],
    ], "Every result found its order."),
    h("h2", {}, "All orders"),
    filterForm("orders", query, [["State", "state", orderStates], ["Lab", "lab", {}],
      ["Requester (ODS code)", "requester", {}]]),
    table(orders.orders, columns, "No order matches."));
}

export async function deliveriesPage(view) {
  const [exceptions, awaiting] = await Promise.all([
    get("/api/v1/deliveries/exceptions?limit=100"), get("/api/v1/deliveries/unacknowledged?limit=100")]);
  view.replaceChildren(
    h("h1", {}, "Deliveries"),
    h("h2", {}, "Exceptions"),
    table(exceptions.exceptions, [
      ["Message", (d) => h("a", { href: `#/messages/${d.messageId}` }, String(d.messageId))],
      ["Channel", (d) => d.channel],
      ["Destination", (d) => d.destination],
      ["State", (d) => badge(d.state)],
      ["Reason", (d) => d.reason || ""],
    ], "No exceptions."),
    h("h2", {}, "Answers awaited"),
    table(awaiting.unacknowledged, [
      ["Message", (d) => h("a", { href: `#/messages/${d.messageId}` }, String(d.messageId))],
      ["Destination", (d) => d.destination],
      ["Sent", (d) => when(d.sentAt)],
      ["State", (d) => badge(d.state || "")],
    ], "No answer is awaited."));
}

export async function auditPage(view, { query }) {
  const search = new URLSearchParams();
  for (const key of ["user", "action"]) if (query.get(key)) search.set(key, query.get(key));
  for (const key of ["from", "to"]) if (query.get(key)) search.set(key, new Date(query.get(key)).toISOString());
  search.set("limit", "200");
  const audit = await get(`/api/v1/audit?${search}`);
  const form = filterForm("audit", query, [["User", "user", {}], ["Action", "action", {}],
    ["From", "from", { type: "datetime-local" }], ["To", "to", { type: "datetime-local" }]]);
  view.replaceChildren(h("h1", {}, "Audit"), form, table(audit.entries, [
    ["When", (a) => when(a.at)],
    ["User", (a) => `${a.user} (${a.role})`],
    ["Action", (a) => a.action],
    ["Target", (a) => a.target || ""],
    ["Detail", (a) => a.detail || ""],
    ["From", (a) => a.peer || ""],
  ], "Nothing recorded."));
}

// One order: each lab's part with its state and history, each step linked to its message.
export async function orderPage(view, { params: [placer] }) {
  const order = await get(`/api/v1/orders/${encodeURIComponent(placer)}`);
  view.replaceChildren(h("h1", {}, `Order ${order.placer}`), ...order.parts.map((part) => h("section", {},
    h("h2", {}, `${part.lab || "No lab"}: `, badge(part.state), part.overdue ? h("span", { class: "error" }, " overdue") : ""),
    h("p", {}, `Tests ${part.tests}; requested by ${part.requester || "?"}; placed ${when(part.placedAt)}${part.dueAt ? `, due ${when(part.dueAt)}` : ""}.`),
    h("ol", { class: "timeline" }, part.history.map((step) => h("li", {},
      h("time", {}, when(step.at)), " ", h("strong", {}, step.state),
      step.detail ? ` — ${step.detail}` : "",
      step.messageId ? [" (", h("a", { href: `#/messages/${step.messageId}` }, `message ${step.messageId}`), ")"] : ""))))));
}
