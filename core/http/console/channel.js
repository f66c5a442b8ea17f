// One channel: its destinations with backlog and state; pause, resume and restart (with a
// confirmation) for operators.
import { get, may, post } from "./api.js";
import { badge, h, table, when } from "./dom.js";

export async function channelPage(view, { params: [name] }, note = "") {
  const c = await get(`/api/v1/channels/${encodeURIComponent(name)}`);
  const status = h("p", { role: "status" }, note);
  const act = (action) => async () => {
    if (!window.confirm(`${action[0].toUpperCase()}${action.slice(1)} channel ${name}?`)) return;
    try {
      const after = await post(`/api/v1/channels/${encodeURIComponent(name)}/${action}`);
      await channelPage(view, { params: [name] }, `Channel ${name} is ${after.state}.`);
    } catch (error) {
      status.textContent = error.message;
    }
  };
  const controls = may("operator")
    ? h("div", { class: "actions" },
      c.state === "paused"
        ? h("button", { type: "button", onclick: act("resume") }, "Resume")
        : h("button", { type: "button", onclick: act("pause") }, "Pause"),
      h("button", { type: "button", onclick: act("restart") }, "Restart"))
    : "";
  view.replaceChildren(
    h("h1", {}, `Channel ${c.name} `, badge(c.state)),
    c.fault ? h("p", { class: "error" }, c.fault) : "",
    c.scriptError ? h("p", { class: "error" }, `Script: ${c.scriptError.message}`) : "",
    controls, status,
    c.script ? h("p", {}, h("a", { href: `#/channels/${encodeURIComponent(c.name)}/scripts` }, "Mapping script: versions, try a mapping")) : "",
    h("p", {}, `Received ${c.received}, mapped ${c.mapped}, filtered ${c.filtered}, failed ${c.failed}, rejected ${c.rejected}, duplicates ${c.duplicates}.`),
    h("h2", {}, "Destinations"),
    table(c.destinations, [
      ["Destination", (d) => d.name],
      ["Backlog", (d) => String(d.backlog)],
      ["Delivered", (d) => String(d.delivered)],
      ["Failed", (d) => may("clinical")
        ? h("a", { href: `#/messages?channel=${encodeURIComponent(c.name)}&destination=${encodeURIComponent(d.name)}&deliveryState=failed` }, String(d.failed))
        : String(d.failed)],
      ["Last error", (d) => (d.lastError ? `${d.lastError.message} (${when(d.lastError.at)})` : "")],
    ]));
}
