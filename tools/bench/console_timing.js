// Times the web console's pages in Debian's chromium (headless), for tools/bench/console_bench.
// Each run opens a new tab in a signed-in browser and loads the page from its address — the
// shell, every module and every API call, nothing cached (the hub answers no-store) — and
// reads the console's own mark `pathhub:page-shown`, set when the page's content is in place
// and about to be painted, as milliseconds from the start of the navigation.
//   PATHHUB_URL, PATHHUB_TOKEN (admin), PATHHUB_MESSAGE (the report's message id),
//   PATHHUB_EXPECT (a text the report's page must show), PATHHUB_RUNS
// Prints one JSON object: {overview: [ms...], overviewFirstPaint: [ms...], message: [ms...],
// search: [ms...]} (search: the Messages page for the channel, with its count of matches).
const path = require("path");
const { launch, signIn } = require(path.join(__dirname, "..", "..", "tests", "browser", "console_browser.js"));

const url = process.env.PATHHUB_URL;
const runs = Number(process.env.PATHHUB_RUNS || "7");

async function timePage(context, address, expect) {
  const page = await context.newPage();
  try {
    await page.goto(address, { waitUntil: "commit" });
    // Polled from here (the page's policy allows no evaluated script): the mark carries its
    // own time, so how often it is looked for does not change what is measured.
    const deadline = Date.now() + 30000;
    while (!(await page.evaluate(() => performance.getEntriesByName("pathhub:page-shown").length))) {
      if (Date.now() > deadline) throw new Error(`${address} was not shown within 30 s`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    if (expect && !(await page.textContent("main")).includes(expect)) {
      throw new Error(`${address} does not show "${expect}"`);
    }
    return await page.evaluate(() => ({
      shown: performance.getEntriesByName("pathhub:page-shown")[0].startTime,
      firstPaint: (performance.getEntriesByName("first-contentful-paint")[0] || {}).startTime,
    }));
  } finally {
    await page.close();
  }
}

async function main() {
  const browser = await launch();
  try {
    const { context, page } = await signIn(browser, url, "admin", process.env.PATHHUB_TOKEN);
    await page.close();
    const results = { overview: [], overviewFirstPaint: [], message: [], search: [] };
    const overview = `${url}/#/`;
    const message = `${url}/#/messages/${process.env.PATHHUB_MESSAGE}`;
    await timePage(context, overview);  // a first run of each, not counted
    await timePage(context, message, process.env.PATHHUB_EXPECT);
    const search = `${url}/#/messages?channel=bench`;
    await timePage(context, search);
    for (let i = 0; i < runs; ++i) {
      const o = await timePage(context, overview);
      results.overview.push(o.shown);
      results.overviewFirstPaint.push(o.firstPaint);
      results.message.push((await timePage(context, message, process.env.PATHHUB_EXPECT)).shown);
      results.search.push((await timePage(context, search)).shown);
    }
    console.log(JSON.stringify(results));
  } finally {
    await browser.close();
  }
}

main().then(() => process.exit(0), (error) => {
  console.error(error.message);
  process.exit(1);
});
