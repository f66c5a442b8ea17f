// What the console's browser scripts share: Debian's chromium launched by playwright-core,
// signing in with a token, one line per check, screenshots and axe-core's accessibility rules.
const { chromium } = require("playwright-core");
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");

function check(ok, what) {
  if (!ok) throw new Error(`FAILED: ${what}`);
  console.log(`ok: ${what}`);
}

// Debian's chromium, headless. `trustCertificate` (a PEM file) is the one server certificate
// this browser accepts although no CA it knows signed it: pinned by its public key, so any
// other certificate error still fails the test.
async function launch({ trustCertificate } = {}) {
  const args = ["--no-sandbox"];
  if (trustCertificate) {
    const spki = new crypto.X509Certificate(fs.readFileSync(trustCertificate)).publicKey
      .export({ type: "spki", format: "der" });
    args.push(`--ignore-certificate-errors-spki-list=${crypto.createHash("sha256").update(spki).digest("base64")}`);
  }
  return chromium.launch({ executablePath: "/usr/bin/chromium", args });
}

// A new browser context signed in as `role` with `token`; script errors are collected in
// `problems`. `bypassCSP` only so that axe-core can be injected: the policy itself is checked by
// the C++ API tests and by the console loading its own files under it.
async function signIn(browser, url, role, token, { bypassCSP = false } = {}) {
  const context = await browser.newContext({ bypassCSP });
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (e) => problems.push(e.message));
  // An answer of 401 before signing in is the console asking whether a session exists; the
  // browser logs it as a failed resource, which is not a script error.
  page.on("console", (m) => {
    if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) problems.push(m.text());
  });
  page.on("dialog", (d) => d.accept());
  await page.goto(`${url}/`);
  try {
    await page.waitForSelector("#token", { timeout: 10000 });
  } catch (error) {
    throw new Error(`signing in as ${role}: no sign-in form (${problems.join("; ")}): ${(await page.content()).slice(0, 400)}`);
  }
  await page.fill("#token", token);
  await page.click("button[type=submit]");
  await page.waitForSelector(`text=${role}-user (${role})`);
  return { context, page, problems };
}

// The session cookie's attributes as the browser stored them.
async function sessionCookie(context) {
  return (await context.cookies()).find((c) => c.name === "pathhub_session");
}

function screenshots(folder) {
  fs.mkdirSync(folder, { recursive: true });
  return (page, name) => page.screenshot({ path: path.join(folder, `${name}.png`) });
}

async function accessible(page, where) {
  const axeSource = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(async () => window.axe.run(document, {
    resultTypes: ["violations"],
  }));
  const serious = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  for (const v of serious) {
    console.log(`  ${where}: ${v.id} (${v.impact}): ${v.help}`);
    for (const node of v.nodes.slice(0, 5)) console.log(`    ${node.target.join(" ")}: ${node.failureSummary}`);
  }
  check(serious.length === 0, `${where}: no serious or critical accessibility violation (axe-core)`);
}

// Runs `main` and exits 0, or prints the first failure and exits 1.
function run(main) {
  main().then(() => process.exit(0), (error) => {
    console.log(error.message);
    process.exit(1);
  });
}

module.exports = { accessible, check, launch, run, screenshots, sessionCookie, signIn };
