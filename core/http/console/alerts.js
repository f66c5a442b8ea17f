// Alerts: what fires now (with acknowledge for operators: no repeats until it resolves), what
// resolved, and whether the notifiers reach anyone; refreshed every 5 seconds.
import { get, may, post } from "./api.js";
import { badge, h, table, when } from "./dom.js";

const severityOrder = { critical: 0, warning: 1, info: 2 };

function where(a) {
  return [a.channel && `channel ${a.channel}`, a.destination && `destination ${a.destination}`,
    a.node && `node ${a.node}`].filter(Boolean).join(", ");
}

// The columns that say what an alert is, firing or past.
const described = [
  ["Alert", (a) => String(a.id)],
  ["Severity", (a) => badge(a.severity)],
  ["Rule", (a) => a.rule],
  ["Where", where],
  ["What", (a) => a.summary],
  ["Fired", (a) => when(a.firedAt)],
];

export async function alertsPage(view) {
  const body = h("div");
  const status = h("p", { role: "status" });
  const stamp = h("p", { class: "muted", "aria-live": "polite" });
  view.replaceChildren(h("h1", {}, "Alerts"), stamp, status, body);
  async function acknowledge(alert) {
    if (!window.confirm(`Acknowledge alert ${alert.id} (${alert.rule})? Its repeats stop until it resolves.`)) return;
    try {
      await post(`/api/v1/alerts/${alert.id}/acknowledge`);
      status.textContent = `Alert ${alert.id} acknowledged.`;
      await refresh();
    } catch (error) {
      status.textContent = error.message;
    }
  }
  async function refresh() {
    const alerts = await get("/api/v1/alerts");
    alerts.firing.sort((a, b) => (severityOrder[a.severity] ?? 9) - (severityOrder[b.severity] ?? 9) || a.id - b.id);
    body.replaceChildren(
      h("p", {}, `On duty now: the rotas for ${alerts.period}.`),
      h("h2", {}, "Firing"),
      table(alerts.firing, [
        ...described,
        ["Told", (a) => (a.toldRotas.length ? a.toldRotas.join(", ") : h("span", { class: "error" }, "nobody on duty"))],
        ["Acknowledged", (a) => (a.acknowledged
          ? `${a.acknowledged.by}, ${when(a.acknowledged.at)}`
          : may("operator")
            ? h("button", { type: "button", onclick: () => acknowledge(a) }, "Acknowledge")
            : "not yet")],
      ], "No alert is firing."),
      h("h2", {}, "Notifiers"),
      table(alerts.notifiers, [
        ["Notifier", (n) => n.name],
        ["State", (n) => badge(n.failing ? "failing" : "ok")],
        ["Sent", (n) => String(n.sent)],
        ["Failed attempts", (n) => String(n.failedAttempts)],
        ["Given up", (n) => String(n.givenUp)],
        ["Waiting", (n) => String(n.waiting)],
        ["Last error", (n) => (n.lastError ? `${n.lastError} (${when(n.lastErrorAt)})` : "")],
      ], "Nothing has been sent yet."),
      h("h2", {}, "Resolved"),
      table(alerts.history, [
        ...described,
        ["Ended", (a) => [badge(a.state), " ", when(a.resolvedAt)]],
        ["Acknowledged by", (a) => (a.acknowledged ? a.acknowledged.by : "")],
      ], "Nothing has resolved since the hub started."));
    stamp.textContent = `Updated ${new Date().toLocaleTimeString()}`;
  }
  await refresh();
  const timer = setInterval(() => refresh().catch((e) => { stamp.textContent = e.message; }), 5000);
  return () => clearInterval(timer);
}
