// The web console in a real browser: Debian's chromium, headless, driven by playwright-core,
// against a hub the calling test (tests/integration/console_browser_test.cc) has started and
// fed. What it is told comes in the environment:
//   PATHHUB_URL          the hub's API listener, e.g. http://127.0.0.1:8575
//   PATHHUB_TOKENS       JSON {"viewer": "...", "clinical": "...", "operator": "...", "admin": "..."}
//   PATHHUB_FAILED       the control id of a message whose delivery the receiver refused
//   PATHHUB_MARKUP       the control id of a message with markup and script in its fields
//   PATHHUB_ORDERS       JSON {"final": placer, "overdue": placer, "unmatched": placer}: an order
//                        the lab accepted and answered, one overdue, a result matching no order
//   PATHHUB_PATIENT      an NHS number in the record with a potassium result and its correction
//   PATHHUB_MARKUP_PATIENT an NHS number whose name in the record holds markup and script
//   PATHHUB_SCREENSHOTS  where each page's screenshot is written
// It prints one line per check and exits 1 at the first that fails.
const { accessible, check, launch, run, screenshots, sessionCookie, signIn } = require("./console_browser.js");

const url = process.env.PATHHUB_URL;
const tokens = JSON.parse(process.env.PATHHUB_TOKENS);
const failedControlId = process.env.PATHHUB_FAILED;
const markupControlId = process.env.PATHHUB_MARKUP;
const orders = JSON.parse(process.env.PATHHUB_ORDERS);
const shot = screenshots(process.env.PATHHUB_SCREENSHOTS);
const as = (role, options) => signIn(browser, url, role, tokens[role], options);
let browser;

async function main() {
  browser = await launch();
  try {
    // An operator (as admin, who may do everything): overview, search, message, replay plans.
    const admin = await as("admin", { bypassCSP: true });
    const cookie = await sessionCookie(admin.context);
    check(cookie && cookie.httpOnly && cookie.sameSite === "Strict" && !cookie.secure,
      `over plain HTTP the session cookie is HttpOnly and SameSite=Strict, not Secure (${JSON.stringify(cookie)})`);
    let page = admin.page;
    await page.waitForSelector("table >> text=lab");
    check(await page.isVisible("a[href='#/channels/lab']"), "the overview lists the channel");
    await shot(page, "overview");
    await accessible(page, "overview");

    // Alerts: the overview says one fires; its page shows it, who was told, the failing
    // notifier, and lets an operator acknowledge it.
    await page.waitForSelector("#alerts-firing >> text=1 alert firing");
    await page.click("#alerts-firing a");
    await page.waitForSelector("h2 >> text=Firing");
    let alerts = await page.textContent("main");
    check(alerts.includes("orders-overdue") && alerts.includes("1 order of channel orders passed its turnaround target"),
      `the alerts page shows the rule and what it found (${alerts.slice(0, 300)})`);
    check(/webhook pager\s*failing/.test(alerts), "the failing notifier is shown as failing");
    await accessible(page, "alerts");
    await page.click("button:text-is('Acknowledge')");
    await page.waitForSelector("text=/Alert \\d+ acknowledged\\./");
    alerts = await page.textContent("main");
    check(alerts.includes("admin-user,") && !(await page.isVisible("button:text-is('Acknowledge')")),
      "an acknowledged alert shows who acknowledged it, and no button any more");
    await shot(page, "alerts");

    await page.goto(`${url}/#/messages?deliveryState=failed`);
    await page.waitForSelector(`td >> text=${failedControlId}`);
    check(true, "a failed delivery is found by searching for failed deliveries");
    check(/^1 message\(s\) match/.test(await page.textContent("#result-count")), "the search says how many messages match");
    await shot(page, "messages");
    await accessible(page, "messages");
    await page.click(`tr:has(td:text-is("${failedControlId}")) a`);
    await page.waitForSelector("h2 >> text=Deliveries");
    const text = await page.textContent("main");
    check(/Fields changed by the mapping \([1-9]/.test(text), "the message page shows the mapping's field diff");
    check(text.includes("MSH-3") && text.includes("PATHHUB"), "the diff names MSH-3 and its new value");
    check(/AR: rejected by hl7sink/.test(text), "the message page shows the receiver's refusal");
    check(text.includes("PID-3") && text.includes("Patient Identifier List"), "the message's fields are shown with their names");
    check(text.includes("Script log") && text.includes("ORU^R01 REFUSED-1 with"), "the message page shows the script's log lines");
    check(!text.includes("[object"), "nothing on the page is an object printed as text");
    await page.click("button:text-is('FHIR JSON')");
    await page.waitForSelector("pre[aria-label='the message as fhir-json'], h2 + div p.error");
    const fhir = await page.textContent("main");
    check(/"resourceType": ?"Bundle"/.test(fhir), `the message is shown as FHIR on demand (${fhir.slice(fhir.indexOf("As another"), fhir.indexOf("As another") + 200)})`);
    await shot(page, "message");
    await accessible(page, "message");

    // Markup in a message is text on the page: nothing from it becomes an element or runs,
    // in this context where the policy is bypassed (for axe-core) and only the console's
    // text-node rendering stands in the way.
    await page.goto(`${url}/#/messages?controlId=${markupControlId}`);
    await page.click(`tr:has(td:text-is("${markupControlId}")) a`);
    await page.waitForSelector("h2 >> text=Deliveries");
    const hostile = await page.evaluate(() => ({
      text: document.querySelector("main").textContent,
      elements: document.querySelectorAll("main img, main script:not([src])").length,
      pwned: window.pwned,
    }));
    check(hostile.text.includes('<img src=x onerror="window.pwned=1">') && hostile.text.includes("<script>window.pwned=2</script>"),
      "markup in a message's fields is shown as the text it is");
    check(hostile.elements === 0 && hostile.pwned === undefined, "no markup from a message becomes an element or runs");

    await page.goto(`${url}/#/messages?channel=lab`);
    await page.click("text=Replay what this search finds…");
    await page.waitForSelector("text=A replay would send");
    check(/would send [1-9]\d* message\(s\): \d+ to gp/.test(await page.textContent(".bulk")),
      "a bulk replay shows its dry run: what would go where");
    await page.click("button:text-is('Replay them')");
    await page.waitForSelector(".bulk >> text=/^Replayed \\d+ message\\(s\\)\\.$/");
    check(true, `the bulk replay, confirmed, goes and says how many it sent (${await page.textContent(".bulk")})`);

    await page.goto(`${url}/#/channels/lab`);
    await page.click("button:text-is('Pause')");
    await page.waitForSelector("text=Channel lab is paused.");
    await page.click("button:text-is('Resume')");
    await page.waitForSelector("text=Channel lab is running.");
    check(true, "pause and resume, each confirmed");
    await shot(page, "channel");

    // Try a mapping: the live script's text to start from, a change pasted in, the replay's
    // summary and each changed message's diff. (Not deployed: this hub runs the repository's
    // own scripts/demo.lua; deployment is tested in script_versions_tests.)
    await page.click("text=Mapping script: versions, try a mapping");
    await page.waitForSelector("h2 >> text=Versions");
    check((await page.textContent("main table")).includes("(live)"), "the script page marks the live version");
    const live = await page.inputValue("#script-text");
    check(live.includes("function map(msg, ctx)"), "the live version's text is there to start from");
    await page.fill("#script-text", live.replace("function map(msg, ctx)", "function map(msg, ctx)\n  msg:set(\"MSH-4\", \"TRIED\")"));
    await page.selectOption("#replay-since", "1h");
    await page.click("#try-script");
    await page.waitForSelector("#replay-summary");
    const tried = await page.textContent("main");
    check(/\d+ messages replayed: \d+ unchanged, [1-9]\d* changed/.test(tried), `the replay says how many messages would change (${tried.match(/\d+ messages replayed[^.]*/)})`);
    check(tried.includes("MSH-4") && tried.includes("TRIED") && tried.includes("content changed"), "each changed field is shown with its new value");
    check(await page.isVisible("#deploy-script"), "an operator may deploy from the page");
    await shot(page, "scripts");
    await accessible(page, "scripts");

    // Orders: the overdue one, the result that matched no order, and one order's history.
    await page.goto(`${url}/#/orders`);
    await page.waitForSelector("h1 >> text=Orders");
    const lists = await page.$$eval("main table", (tables) => tables.map((t) => t.innerText));
    check(lists[0].includes(orders.overdue), `the orders page lists the overdue order ${orders.overdue}`);
    check(lists[1].includes(orders.unmatched), `the orders page lists the result for ${orders.unmatched}, which matched no order`);
    check(lists[2].includes(orders.final) && lists[2].includes("final"), `the latest orders include ${orders.final}, final`);
    await page.selectOption("select[name=state]", "final");
    await page.click("form.filters button[type=submit]");
    await page.waitForURL(/#\/orders\?state=final$/);
    await page.waitForSelector(`main table >> text=${orders.final}`);
    const finalOnly = await page.$$eval("main table", (tables) => tables[2].innerText);
    check(!finalOnly.includes(orders.overdue), "orders are filtered by state, the filter kept in the address");
    await shot(page, "orders");
    await accessible(page, "orders");
    await page.click(`a[href='#/orders/${orders.final}']`);
    await page.waitForSelector(`h1 >> text=Order ${orders.final}`);
    const steps = await page.$$eval("ol.timeline li strong", (items) => items.map((i) => i.textContent));
    check(JSON.stringify(steps) === JSON.stringify(["placed", "sent", "accepted", "final"]),
      `the order's history walks placed, sent, accepted, final (${steps.join(", ")})`);
    const stamp = await page.textContent("ol.timeline li time");
    check(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(stamp), `times are written year first, never as the locale's 12/2 (${stamp})`);
    await page.click("ol.timeline li:has(strong:text-is('final')) a");
    await page.waitForSelector("h2 >> text=Deliveries");
    check((await page.textContent("main")).includes("ORU^R01"), "the final step links to the result's message");
    await page.goto(`${url}/#/orders/${orders.final}`);
    await page.waitForSelector("ol.timeline");
    await shot(page, "order");

    for (const [address, name] of [["#/deliveries", "deliveries"], ["#/audit", "audit"]]) {
      await page.goto(`${url}/${address}`);
      await page.waitForSelector(`h1 >> text=${name[0].toUpperCase()}${name.slice(1)}`);
      await shot(page, name);
    }
    check(admin.problems.length === 0, `no script errors in the admin's pages (${admin.problems.join("; ")})`);
    await admin.context.close();

    // A clinical user sees the message, not the replay button; a forged replay is refused.
    // The policy bypassed (for axe-core on the patient page): only the text-node rendering
    // stands between a name in the record and the page.
    const clinical = await as("clinical", { bypassCSP: true });
    page = clinical.page;
    await page.goto(`${url}/#/messages?deliveryState=failed`);
    await page.click(`tr:has(td:text-is("${failedControlId}")) a`);
    await page.waitForSelector("h2 >> text=Deliveries");
    check(!(await page.isVisible("#replay")), "a clinical user sees no replay button");
    const forged = await page.evaluate(async () => {
      const session = await (await fetch("/api/v1/session")).json();
      const id = window.location.hash.split("/").pop();
      const withCsrf = await fetch(`/api/v1/messages/${id}/replay`, {
        method: "POST", headers: { "X-CSRF-Token": session.csrf, "Content-Type": "application/json" }, body: "{}" });
      const withoutCsrf = await fetch("/api/v1/channels/lab/pause", { method: "POST", body: "" });
      return [withCsrf.status, withoutCsrf.status];
    });
    check(forged[0] === 403, "a forged replay by a clinical user is refused (403)");
    check(forged[1] === 403, `a POST without the CSRF token is refused (403; got ${forged[1]})`);

    // The network's record: a patient's reports, the correction shown as one with its earlier
    // version, a test's trend; the search states its purpose and user (audited).
    await page.goto(`${url}/#/patient`);
    await page.fill("input[name=nhs]", process.env.PATHHUB_PATIENT);
    await page.selectOption("select[name=purpose]", "TREAT");
    await page.fill("input[name=user]", "dr.browser");
    await page.click("#patient-search button[type=submit]");
    await page.waitForSelector("h2 >> text=/^Reports \\(1\\)$/");
    let record = await page.textContent("main");
    check(record.includes("TAYLOR") && record.includes("Potassium 5.9 mmol/L H"),
      `the patient page shows the report in force, with its value and flag as sent (${record.slice(0, 300)})`);
    check(record.includes("corrected") && record.includes("version 2") && !record.includes("4.1"),
      "the correction is shown as one, its first version not as current");
    await page.click("button:text-is('earlier versions')");
    await page.waitForSelector("ul.versions li");
    const versions = await page.$$eval("ul.versions li", (items) => items.map((i) => i.textContent));
    check(versions.length === 2 && versions[1].startsWith("version 1: final"),
      `the earlier version is there on demand (${versions.join(" | ")})`);
    await page.click("button:text-is('trend')");
    await page.waitForSelector("svg.trend");
    check((await page.textContent("#trend")).includes("5.9"), "a test's trend is drawn with its values");
    await shot(page, "patient");
    await accessible(page, "patient");
    await page.goto(`${url}/#/patient?nhs=${process.env.PATHHUB_MARKUP_PATIENT}&purpose=TREAT&user=dr.browser`);
    await page.waitForSelector(`p.patient >> text=/NHS number ${process.env.PATHHUB_MARKUP_PATIENT}/`);
    const named = await page.evaluate(() => ({
      text: document.querySelector("main").textContent,
      elements: document.querySelectorAll("main img, main script:not([src])").length,
      pwned: window.pwned,
    }));
    check(named.text.toLowerCase().includes("<img src=x") && named.elements === 0 && named.pwned === undefined,
      `markup in a name in the record is shown as text and never runs (${named.text.slice(0, 400)})`);

    // Signing out ends the session: the cookie no longer opens anything.
    await page.click("#sign-out");
    await page.waitForSelector("#token");
    const after = await page.evaluate(async () => (await fetch("/api/v1/channels")).status);
    check(after === 401, "after signing out the session opens nothing (401)");

    // A viewer sees the overview and no pages with patient data.
    const viewer = await as("viewer");
    check(!(await viewer.page.isVisible("a[href='#/messages']")), "a viewer has no Messages page in the navigation");
    await viewer.page.goto(`${url}/#/alerts`);
    await viewer.page.waitForSelector("h2 >> text=Firing");
    check((await viewer.page.textContent("main")).includes("orders-overdue") &&
      !(await viewer.page.isVisible("button:text-is('Acknowledge')")), "a viewer sees the alerts and cannot acknowledge");
  } finally {
    await browser.close();
  }
}

run(main);
