// A channel's mapping script: its versions (the live one marked, roll-back for operators), and
// "Try a mapping": paste or upload a script, pick a window, see what it would change in the
// traffic the channel received — the summary, the fields changed, each changed message's
// diff — and deploy it from here when the role allows (the API checks it compiles and its
// tests pass, and, when asked, that it changes no more than allowed).
import { get, may, post } from "./api.js";
import { h, table, when } from "./dom.js";

const windows = [["1h", "the last hour"], ["24h", "the last 24 hours"], ["7d", "the last 7 days"],
  ["30d", "the last 30 days"]];

function summary(report) {
  const counts = Object.entries(report.counts || {});
  const fields = Object.entries(report.fields || {}).sort((a, b) => b[1] - a[1]);
  return h("section", { id: "replay-summary" },
    h("h2", {}, "What it would change"),
    h("p", { role: "status" },
      `${report.messages} messages replayed: ${report.unchanged} unchanged, ${report.changed} changed` +
      ` (${Number(report.seconds).toFixed(2)} s).`),
    table(counts.filter(([, n]) => n > 0), [["Change", ([name]) => name], ["Messages", ([, n]) => String(n)]],
      "No message would change."),
    fields.length ? h("h3", {}, "Fields changed") : "",
    fields.length ? table(fields, [["Field", ([f]) => f], ["Messages", ([, n]) => String(n)]]) : "");
}

function details(report) {
  const shown = report.details || [];
  return h("section", { id: "replay-details" },
    shown.length ? h("h2", {}, "Each changed message") : "",
    shown.map((m) => h("article", { class: "replayed" },
      h("h3", {}, may("clinical") ? h("a", { href: `#/messages/${m.id}` }, `Message ${m.id}`) : `Message ${m.id}`,
        ` · ${m.type} · ${m.controlId} · ${when(m.receivedAt)}`),
      h("p", {}, m.changes.join(", ")),
      table([
        { path: "outcome", before: m.before, after: m.after },
        { path: "routes", before: (m.routesBefore || []).join(", ") || "(none)", after: (m.routesAfter || []).join(", ") || "(none)" },
        ...(m.fields || []),
      ], [["", (r) => r.path], ["Before", (r) => h("code", {}, r.before)], ["After", (r) => h("code", {}, r.after)]]))),
    report.detailsLeftOut > 0 ? h("p", { class: "muted" }, `${report.detailsLeftOut} more changed messages are counted above but not shown.`) : "");
}

function versionsTable(name, s, status, reload) {
  const rollBack = (version) => async () => {
    if (!window.confirm(`Put version ${version} of channel ${name}'s script live again?`)) return;
    try {
      await post(`/api/v1/channels/${encodeURIComponent(name)}/scripts/${version}/rollback`);
      await reload(`Version ${version} is live again; the channel loads it within a second.`);
    } catch (error) {
      status.textContent = error.message;
    }
  };
  return table(s.versions, [
    ["Version", (v) => (v.version === s.live ? h("strong", {}, `${v.version} (live)`) : String(v.version))],
    ["Since", (v) => when(v.createdAt)],
    ["By", (v) => v.createdBy],
    ["From", (v) => v.origin],
    ["Hash", (v) => h("code", {}, v.hash.slice(0, 12))],
    ["", (v) => (may("operator") && v.version !== s.live && v.contentKept
      ? h("button", { type: "button", onclick: rollBack(v.version) }, "Roll back to this")
      : "")],
  ], "No version recorded yet: the channel has mapped nothing since versions were kept.");
}

export async function scriptsPage(view, { params: [name] }, note = "") {
  const path = `/api/v1/channels/${encodeURIComponent(name)}/scripts`;
  const s = await get(path);
  const status = h("p", { role: "status", id: "script-status" }, note);
  const reload = (said) => scriptsPage(view, { params: [name] }, said);
  const text = h("textarea", { id: "script-text", rows: 16, cols: 90, spellcheck: "false" });
  const file = h("input", { id: "script-file", type: "file", accept: ".lua,text/plain" });
  file.addEventListener("change", async () => { if (file.files[0]) text.value = await file.files[0].text(); });
  const since = h("select", { id: "replay-since" }, windows.map(([v, label]) => h("option", { value: v, selected: v === "7d" }, label)));
  const allowed = h("input", { id: "max-changed", type: "number", min: 0, value: "" });
  const results = h("div", {});
  if (s.live) {
    const live = await get(`${path}/${s.live}`).catch(() => null);
    if (live) text.value = live.script;
  }
  const tryIt = async () => {
    status.textContent = "Replaying…";
    results.replaceChildren();
    try {
      const report = await post(`${path}/try`, { script: text.value, since: since.value });
      status.textContent = "";
      results.replaceChildren(summary(report), details(report));
    } catch (error) {
      status.textContent = error.message;
    }
  };
  const deploy = async () => {
    const body = { script: text.value };
    if (allowed.value !== "") body.replay = { since: since.value, maxChanged: Number(allowed.value) };
    if (!window.confirm(`Deploy this script to channel ${name}?`)) return;
    status.textContent = "Checking…";
    try {
      const done = await post(path, body);
      await reload(`Version ${done.version} deployed; the channel loads it within a second.`);
    } catch (error) {
      status.textContent = error.message;
    }
  };
  view.replaceChildren(
    h("h1", {}, `Channel ${name}: mapping script`),
    h("p", { class: "muted" }, `Script file ${s.script}.`),
    status,
    h("h2", {}, "Versions"),
    versionsTable(name, s, status, reload),
    h("h2", {}, "Try a mapping"),
    h("p", { class: "muted" }, "Paste or upload a script, choose a window, and see what it would change in the messages this channel received. Nothing is delivered or written."),
    h("div", { class: "filters" },
      h("label", { for: "script-file" }, "Upload a script", file),
      h("label", { for: "replay-since" }, "Messages received in", since),
      may("operator") ? h("label", { for: "max-changed" }, "Deploy only if at most this many change", allowed) : ""),
    h("label", { for: "script-text" }, "Script"),
    h("div", {}, text),
    h("div", { class: "actions" },
      may("clinical") ? h("button", { type: "button", id: "try-script", onclick: tryIt }, "Replay") : "",
      may("operator") ? h("button", { type: "button", id: "deploy-script", onclick: deploy }, "Deploy") : ""),
    results);
}
