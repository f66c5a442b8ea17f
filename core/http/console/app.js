// The console's shell: sign-in, the navigation, and the page for the address after "#".
import { ApiFailure, currentSession, may, resume, signIn, signOut } from "./api.js";
import { h } from "./dom.js";
import { alertsPage } from "./alerts.js";
import { auditPage, deliveriesPage, orderPage, ordersPage } from "./lists.js";
import { channelPage } from "./channel.js";
import { messagePage } from "./message.js";
import { messagesPage } from "./messages.js";
import { overviewPage } from "./overview.js";
import { patientPage } from "./patient.js";
import { scriptsPage } from "./scripts.js";

const main = document.getElementById("main");
let stopPage = null; // what the current page stops when it is left (its refresh timer)

const pages = [
  { pattern: /^\/?$/, page: overviewPage, title: "Overview" },
  { pattern: /^\/alerts$/, page: alertsPage, title: "Alerts" },
  { pattern: /^\/channels\/([^/]+)$/, page: channelPage, title: "Channel" },
  { pattern: /^\/channels\/([^/]+)\/scripts$/, page: scriptsPage, title: "Mapping script" },
  { pattern: /^\/messages$/, page: messagesPage, title: "Messages", least: "clinical" },
  { pattern: /^\/messages\/(\d+)$/, page: messagePage, title: "Message", least: "clinical" },
  { pattern: /^\/orders$/, page: ordersPage, title: "Orders", least: "clinical" },
  { pattern: /^\/orders\/([^/]+)$/, page: orderPage, title: "Order", least: "clinical" },
  { pattern: /^\/deliveries$/, page: deliveriesPage, title: "Deliveries", least: "clinical" },
  { pattern: /^\/patient$/, page: patientPage, title: "Patient record", least: "clinical" },
  { pattern: /^\/audit$/, page: auditPage, title: "Audit", least: "admin" },
];

function navigation() {
  const nav = document.getElementById("nav");
  const links = [["#/", "Overview"], ["#/alerts", "Alerts"]];
  if (may("clinical")) {
    links.push(["#/messages", "Messages"], ["#/orders", "Orders"], ["#/deliveries", "Deliveries"],
      ["#/patient", "Patient record"]);
  }
  if (may("admin")) links.push(["#/audit", "Audit"]);
  nav.replaceChildren(...links.map(([href, text]) => h("a", { href }, text)));
  const who = document.getElementById("who");
  const session = currentSession();
  who.replaceChildren(
    session ? h("span", {}, `${session.name} (${session.role}) `) : "",
    session ? h("button", { type: "button", id: "sign-out", onclick: leave }, "Sign out") : "");
}

async function leave() {
  await signOut();
  window.location.hash = "#/";
  showSignIn();
}

function showSignIn(problem) {
  navigation();
  const input = h("input", { id: "token", type: "password", autocomplete: "off", required: true });
  const form = h("form", { class: "sign-in" },
    h("h1", {}, "Sign in to pathhub"),
    h("label", { for: "token" }, "API token"),
    input,
    problem ? h("p", { class: "error", role: "alert" }, problem) : "",
    h("button", { type: "submit" }, "Sign in"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await signIn(input.value);
      route();
    } catch (error) {
      showSignIn(error.status === 401 ? "That token is not known here." : error.message);
    }
  });
  main.replaceChildren(form);
  input.focus();
}

export async function route() {
  if (stopPage) stopPage();
  stopPage = null;
  if (!currentSession() && !(await resume())) return showSignIn();
  navigation();
  const address = decodeURIComponent(window.location.hash.replace(/^#/, "").split("?")[0]);
  const query = new URLSearchParams(window.location.hash.split("?")[1] || "");
  for (const { pattern, page, title, least } of pages) {
    const found = address.match(pattern);
    if (!found) continue;
    document.title = `${title} · pathhub`;
    if (least && !may(least)) {
      main.replaceChildren(h("p", { class: "error" }, `This page needs the ${least} role.`));
      return;
    }
    const view = h("div", { class: "page" });
    main.replaceChildren(view);
    try {
      stopPage = await page(view, { params: found.slice(1), query });
      // The page's content is in place and about to be painted: a mark any browser's
      // performance tools (and tools/bench/console_bench) can time the page by.
      requestAnimationFrame(() => performance.mark("pathhub:page-shown", { detail: title }));
    } catch (error) {
      if (error instanceof ApiFailure && error.status === 401) return showSignIn("Your session has ended.");
      view.replaceChildren(h("p", { class: "error", role: "alert" }, error.message));
    }
    return;
  }
  main.replaceChildren(h("p", { class: "error" }, "No such page."));
}

window.addEventListener("hashchange", route);
route();
