// Overview: how many alerts fire, and every channel's state, rates, backlog and errors;
// faulted and paused channels first; refreshed every 5 seconds, with a small chart of the last hour (received and
// delivered per minute, as the hub counted them).
import { get } from "./api.js";
import { age, badge, h, table, when } from "./dom.js";

const order = { faulted: 0, paused: 1, stopped: 2, running: 3 };
// points: [{received, delivered}] per minute, oldest first.
function sparkline(points) {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 120 24");
  svg.setAttribute("class", "spark");
  svg.setAttribute("role", "img");
  const last = points.at(-1) || { received: 0, delivered: 0 };
  const total = (key) => points.reduce((sum, p) => sum + p[key], 0);
  svg.setAttribute("aria-label", `last hour: ${total("received")} received, ${total("delivered")} delivered; this minute ${last.received} and ${last.delivered}`);
  const top = Math.max(1, ...points.map((p) => Math.max(p.received, p.delivered)));
  for (const [key, colour] of [["received", "#1d4f91"], ["delivered", "#2e7d32"]]) {
    const line = document.createElementNS(ns, "polyline");
    line.setAttribute("fill", "none");
    line.setAttribute("stroke", colour);
    line.setAttribute("points", points.map((p, i) =>
      `${(i * 120) / Math.max(1, points.length - 1)},${24 - (p[key] * 22) / top}`).join(" "));
    svg.append(line);
  }
  return svg;
}

function destinations(channel) {
  return h("ul", { class: "plain" }, channel.destinations.map((d) => h("li", {},
    `${d.name}: backlog ${d.backlog}`,
    d.oldestUndeliveredAt ? `, oldest waiting ${age(d.oldestUndeliveredAt)}` : "",
    `, failed ${d.failed}`,
    d.lastError ? h("span", { class: "error" }, ` — ${d.lastError.message}`) : "")));
}

export async function overviewPage(view) {
  const body = h("div");
  const stamp = h("p", { class: "muted", "aria-live": "polite" });
  const firing = h("p", { id: "alerts-firing" });
  view.replaceChildren(h("h1", {}, "Overview"), stamp, firing, body);
  async function refresh() {
    const [{ channels }, alerts] = await Promise.all([get("/api/v1/channels"), get("/api/v1/alerts?history=0")]);
    const open = alerts.firing.filter((a) => !a.acknowledged).length;
    firing.replaceChildren(alerts.firing.length
      ? h("a", { href: "#/alerts", class: "error" },
        `${alerts.firing.length} alert${alerts.firing.length === 1 ? "" : "s"} firing` +
        (open < alerts.firing.length ? ` (${alerts.firing.length - open} acknowledged)` : ""))
      : h("span", { class: "muted" }, "No alert is firing."));
    const lastHour = (c) => c.receivedPerMinute.map((received, i) => ({
      received, delivered: c.destinations.reduce((sum, d) => sum + d.deliveredPerMinute[i], 0) }));
    channels.sort((a, b) => (order[a.state] ?? 9) - (order[b.state] ?? 9) || a.name.localeCompare(b.name));
    body.replaceChildren(table(channels, [
      ["Channel", (c) => h("a", { href: `#/channels/${encodeURIComponent(c.name)}` }, c.name)],
      ["State", (c) => [badge(c.state), c.fault ? h("div", { class: "error" }, c.fault) : ""]],
      ["Received", (c) => String(c.received)],
      ["Mapped", (c) => String(c.mapped)],
      ["Failed", (c) => String(c.failed)],
      ["Last hour (per minute)", (c) => sparkline(lastHour(c))],
      ["Destinations", destinations],
      ["Last error", (c) => (c.lastError ? `${c.lastError.message} (${when(c.lastError.at)})` : "")],
    ], "No channels are configured."));
    stamp.textContent = `Updated ${new Date().toLocaleTimeString()}`;
  }
  await refresh();
  const timer = setInterval(() => refresh().catch((e) => { stamp.textContent = e.message; }), 5000);
  return () => clearInterval(timer);
}
