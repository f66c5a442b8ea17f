// The web console over TLS in a real browser (Debian's chromium, headless): the hub's API
// listener serves HTTPS with a test certificate the browser is told to accept by its public key.
// What it is told comes in the environment:
//   PATHHUB_URL          https://127.0.0.1:PORT
//   PATHHUB_CERTIFICATE  the server's certificate (PEM)
//   PATHHUB_TOKEN        an admin token
// Checks that the session cookie is Secure as well as HttpOnly and SameSite=Strict, that the
// console works under its Content-Security-Policy over HTTPS, and that signing out ends it.
const { check, launch, run, sessionCookie, signIn } = require("./console_browser.js");

const url = process.env.PATHHUB_URL;

run(async () => {
  const browser = await launch({ trustCertificate: process.env.PATHHUB_CERTIFICATE });
  try {
    const admin = await signIn(browser, url, "admin", process.env.PATHHUB_TOKEN);
    const cookie = await sessionCookie(admin.context);
    check(cookie && cookie.secure && cookie.httpOnly && cookie.sameSite === "Strict",
      `over HTTPS the session cookie is Secure, HttpOnly and SameSite=Strict (${JSON.stringify(cookie && { ...cookie, value: "…" })})`);
    await admin.page.waitForSelector("table >> text=lab");
    check(await admin.page.isVisible("a[href='#/channels/lab']"), "the overview lists the channel over HTTPS");
    const policy = await admin.page.evaluate(async () => {
      const answer = await fetch("/");
      return [answer.headers.get("content-security-policy"), answer.headers.get("strict-transport-security")];
    });
    check(policy[0] && policy[0].includes("script-src 'self'"), `the console is served with its Content-Security-Policy (${policy[0]})`);
    check(policy[1] === "max-age=31536000", `over HTTPS the browser is told to keep to HTTPS (${policy[1]})`);
    await admin.page.click("#sign-out");
    await admin.page.waitForSelector("#token");
    const after = await admin.page.evaluate(async () => (await fetch("/api/v1/channels")).status);
    check(after === 401, "after signing out the session opens nothing (401)");
    check(admin.problems.length === 0, `no script errors over HTTPS (${admin.problems.join("; ")})`);
  } finally {
    await browser.close();
  }
});
