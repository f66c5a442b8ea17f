// Configuration loading: the shipped files, defaults, and every problem reported at once.
#include "config/hub_config.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include "expect_error.h"

namespace pathhub::config {
namespace {

// A shipped configuration as tools/dev run meets it: the tokens file it names (var/api-tokens,
// which tools/dev run makes) exists.
Result<HubConfig> loadShipped(const std::string& file) {
  std::ifstream in(std::string(PATHHUB_SOURCE_DIR) + "/" + file);
  std::string xml((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto tokens = std::filesystem::temp_directory_path() / "pathhub-shipped-api-tokens";
  std::ofstream(tokens) << "local-admin admin " << std::string(64, 'a') << "\n";
  const std::string named = "tokensFile=\"var/api-tokens\"";
  if (const auto at = xml.find(named); at != std::string::npos) {
    xml.replace(at, named.size(), "tokensFile=\"" + tokens.string() + "\"");
  }
  return parseHubConfig(xml, file);
}

TEST(HubConfig, ShippedConfigurationsAreValid) {
  for (const char* file : {"config/pathhub.xml", "config/bench.xml"}) {
    auto c = loadShipped(file);
    ASSERT_TRUE(c) << file << ": " << c.error().text;
    ASSERT_EQ(c->channels.size(), 1u);
  }
  auto demo = loadShipped("config/pathhub.xml");
  EXPECT_EQ(demo->api.tokens.size(), 1u);
  EXPECT_EQ(demo->channels[0].source.type, "mllp");
  EXPECT_EQ(demo->channels[0].source.settings.at("listen"), "127.0.0.1:2575");
  EXPECT_EQ(demo->journal.path, "var/pathhub.db");
  EXPECT_EQ(demo->channels[0].destinations[0].type, "file");
}

TEST(HubConfig, FillsDefaultsAndInheritsTheChannelRetryPolicy) {
  auto c = parseHubConfig(
      "<pathhub><channel name=\"a\"><source listen=\"127.0.0.1:0\"/>"
      "<retry baseMs=\"10\" capMs=\"100\"/>"
      "<destination name=\"x\" type=\"mllp\" endpoint=\"127.0.0.1:9\"/>"
      "<destination name=\"y\" type=\"file\" directory=\"out\"><retry maxAttempts=\"3\" "
      "onExhausted=\"skip\"/></destination></channel></pathhub>",
      "test");
  ASSERT_TRUE(c) << c.error().text;
  const ChannelConfig& ch = c->channels[0];
  EXPECT_EQ(ch.mapperWorkers, 2);
  EXPECT_EQ(ch.destinations[0].retry.base.count(), 10);
  EXPECT_TRUE(ch.destinations[0].retry.holdOnFailure);
  EXPECT_EQ(ch.destinations[1].retry.base.count(), 10);
  EXPECT_EQ(ch.destinations[1].retry.maxAttempts, 3);
  EXPECT_FALSE(ch.destinations[1].retry.holdOnFailure);
  EXPECT_EQ(c->journal.dedupeWindow.count(), 86400);
  // Attributes the core does not own are the plugin's settings, kept as written.
  EXPECT_EQ(ch.source.type, "mllp");
  EXPECT_EQ(ch.source.settings, (PluginSettings{{"listen", "127.0.0.1:0"}}));
  EXPECT_EQ(ch.destinations[1].settings, (PluginSettings{{"directory", "out"}}));
  EXPECT_TRUE(c->pluginFolders.empty());
}

TEST(HubConfig, ReadsPluginFolders) {
  auto c = parseHubConfig(
      "<pathhub><plugins folder=\"a\"/><plugins folder=\"/opt/b\"/><channel name=\"a\"><source/>"
      "<destination name=\"x\"/></channel></pathhub>",
      "test");
  ASSERT_TRUE(c) << c.error().text;
  EXPECT_EQ(c->pluginFolders, (std::vector<std::string>{"a", "/opt/b"}));
}

TEST(HubConfig, ReadsRoutesAndChecksTheirDestinations) {
  auto c = parseHubConfig(
      "<pathhub><channel name=\"a\"><source/>"
      "<destination name=\"gp\" type=\"file\" directory=\"gp\"/>"
      "<destination name=\"epr\" type=\"file\" directory=\"epr\"/>"
      "<route destination=\"gp\" messageType=\"ORU^R01\"/><route destination=\"epr\"/>"
      "</channel></pathhub>",
      "routes.xml");
  ASSERT_TRUE(c) << c.error().text;
  ASSERT_EQ(c->channels[0].routes.size(), 2u);
  EXPECT_EQ(c->channels[0].routes[0].messageType, "ORU^R01");
  auto bad = parseHubConfig(
      "<pathhub><channel name=\"a\"><source/><destination name=\"gp\" type=\"file\" "
      "directory=\"x\"/><route destination=\"lab\"/></channel></pathhub>",
      "bad.xml");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().text.find("channel 'a' route 1: destination: 'lab' is not a destination"),
            std::string::npos)
      << bad.error().text;
}

TEST(HubConfig, ReadsCodecSettingsBesideTheirCodecOnly) {
  auto c = parseHubConfig(
      "<pathhub><channel name=\"lab\">"
      "<source type=\"mllp\" codec=\"winpath\"><codecSettings organismValueType=\"CE\"/>"
      "</source>"
      "<destination name=\"gp\" type=\"file\" directory=\"gp\" codec=\"dhcw\">"
      "<codecSettings snomedSystems=\"SNM3\"/><retry maxAttempts=\"3\"/></destination>"
      "</channel></pathhub>",
      "codecs.xml");
  ASSERT_TRUE(c) << c.error().text;
  const auto& ch = c->channels[0];
  EXPECT_EQ(ch.source.codecSettings, (PluginSettings{{"organismValueType", "CE"}}));
  EXPECT_TRUE(ch.source.settings.empty());
  EXPECT_EQ(ch.destinations[0].codecSettings, (PluginSettings{{"snomedSystems", "SNM3"}}));
  EXPECT_EQ(ch.destinations[0].retry.maxAttempts, 3);

  auto bad = parseHubConfig(
      "<pathhub><channel name=\"lab\"><source><codecSettings a=\"1\"/></source>"
      "<destination name=\"gp\" codec=\"x\"><codecSettings/><codecSettings/></destination>"
      "</channel></pathhub>",
      "bad.xml");
  ASSERT_FALSE(bad);
  for (const char* expected :
       {"channel 'lab' source: has <codecSettings> but no codec",
        "channel 'lab' destination 'gp': has more than one <codecSettings>"}) {
    EXPECT_NE(bad.error().text.find(expected), std::string::npos) << expected << "\n"
                                                                  << bad.error().text;
  }
}

TEST(HubConfig, ReadsPracticeRoutingOrdersAndAnswersCheckingTheirDestinations) {
  auto c = parseHubConfig(
      "<pathhub><channel name=\"lab\"><source/>"
      "<destination name=\"mesh\" type=\"file\" directory=\"m\"/>"
      "<destination name=\"odd\" type=\"file\" directory=\"o\"/>"
      "<destination name=\"alerts\" type=\"file\" directory=\"a\"/>"
      "<practices directory=\"p.csv\" exceptions=\"odd\">"
      "<via format=\"nhs003\" transport=\"mesh\" destination=\"mesh\"/></practices>"
      "<acknowledgements overdueSeconds=\"600\" notify=\"alerts\"/>"
      "<orders catalogue=\"t.csv\" requesterLabs=\"r.csv\" exceptions=\"odd\" "
      "matchWindowHours=\"24\" notify=\"alerts\"><lab name=\"RBH\" destination=\"mesh\"/>"
      "</orders></channel></pathhub>",
      "good.xml");
  ASSERT_TRUE(c) << c.error().text;
  const auto& ch = c->channels[0];
  EXPECT_TRUE(ch.practices.enabled);
  EXPECT_EQ(ch.practices.vias.at(0).destination, "mesh");
  EXPECT_EQ(ch.acknowledgements.overdueAfter, std::chrono::seconds(600));
  EXPECT_EQ(ch.acknowledgements.notify, "alerts");
  EXPECT_EQ(ch.orders.labs.at(0).name, "RBH");
  EXPECT_EQ(ch.orders.matchWindow, std::chrono::hours(24));
  EXPECT_EQ(ch.orders.requesterLabs, "r.csv");

  auto bad = parseHubConfig(
      "<pathhub><channel name=\"lab\"><source/><destination name=\"d\" type=\"file\" "
      "directory=\"x\"/><practices exceptions=\"nowhere\"><via format=\"pdf\" "
      "transport=\"mesh\" destination=\"d\"/></practices>"
      "<acknowledgements notify=\"gone\"/><orders requesterLabs=\"r.csv\">"
      "<lab destination=\"missing\"/></orders></channel></pathhub>",
      "bad.xml");
  ASSERT_FALSE(bad);
  for (const char* expected :
       {"channel 'lab' practices: needs a directory",
        "channel 'lab' practices: exceptions: 'nowhere' is not a destination of this channel",
        "channel 'lab' practices via 1: format: 'pdf' is not one of",
        "channel 'lab' acknowledgements: notify: 'gone' is not a destination",
        "channel 'lab' orders: has requesterLabs but no catalogue",
        "channel 'lab' orders lab 1: needs a name",
        "channel 'lab' orders lab 1: destination: 'missing' is not a destination"}) {
    EXPECT_NE(bad.error().text.find(expected), std::string::npos) << expected << "\n"
                                                                  << bad.error().text;
  }
}

TEST(HubConfig, ListsEveryProblemNamingTheElement) {
  auto c = parseHubConfig(
      "<pathhub><journal retentionDays=\"0\"/><log level=\"loud\"/><colour/>"
      "<pipeline endpoints=\"tcp://127.0.0.1:5555\"/>"
      "<channel name=\"a\"><source/>"
      "<mapper workers=\"two\"/><destination type=\"file\"/><retry base=\"1\"/></channel>"
      "</pathhub>",
      "bad.xml");
  ASSERT_FALSE(c);
  const std::string& t = c.error().text;
  for (const char* expected :
       {"pathhub: unknown element <colour>", "channel 'a' retry: unknown attribute 'base'",
        "journal: retentionDays: '0' is outside 1..36500", "log: level: 'loud' is not one of",
        "channel 'a' mapper: workers: 'two' is not a whole number",
        "channel 'a' destination: needs a name",
        "pipeline: endpoints: 'tcp://127.0.0.1:5555' is not an inproc:// or ipc:// address"}) {
    EXPECT_NE(t.find(expected), std::string::npos) << "missing: " << expected << "\nin:\n" << t;
  }
  EXPECT_EQ(c.error().context.file, "bad.xml");
}

TEST(HubConfig, ReadsTheApiWithItsTokensAndTheLogFormat) {
  const std::string hash(64, 'a');
  auto c = parseHubConfig(
      "<pathhub><log level=\"warning\" format=\"json\"><component name=\"journal\" "
      "level=\"debug\"/></log><api listen=\"127.0.0.1:9000\"><token name=\"ada\" "
      "role=\"admin\" sha256=\"" +
          hash +
          "\"/></api><channel name=\"a\"><source "
          "listen=\"127.0.0.1:0\"/><destination name=\"x\" type=\"file\" directory=\"o\"/>"
          "</channel></pathhub>",
      "test");
  ASSERT_TRUE(c) << c.error().text;
  EXPECT_EQ(c->log.format, "json");
  EXPECT_EQ(c->log.componentLevels.at("journal"), "debug");
  EXPECT_TRUE(c->api.enabled);
  EXPECT_EQ(c->api.listen, "127.0.0.1:9000");
  ASSERT_EQ(c->api.tokens.size(), 1u);
  EXPECT_EQ(c->api.tokens[0].role, "admin");
  // Without <api>: on by default, on the contract's address, with no token (only /health and
  // /ready answer).
  auto plain = parseHubConfig(
      "<pathhub><channel name=\"a\"><source listen=\"127.0.0.1:0\"/><destination name=\"x\" "
      "type=\"file\" directory=\"o\"/></channel></pathhub>",
      "t");
  ASSERT_TRUE(plain) << plain.error().text;
  EXPECT_EQ(plain->api.listen, "127.0.0.1:8575");
  EXPECT_TRUE(plain->api.tokens.empty());
}

TEST(HubConfig, RefusesTokensThatAreNotHashesAndTlsWithoutCertificates) {
  auto c = parseHubConfig(
      "<pathhub><log format=\"xml\"/><api tls=\"true\" requireClientCertificate=\"true\">"
      "<token name=\"ada\" role=\"root\" sha256=\"secret\"/><token name=\"ada\" "
      "sha256=\"" +
          std::string(64, 'b') +
          "\"/></api><channel name=\"a\"><source "
          "listen=\"127.0.0.1:0\"/></channel></pathhub>",
      "test");
  ASSERT_FALSE(c);
  for (const char* expected :
       {"log: format: 'xml' is not one of auto, json, text",
        "api: token: role: 'root' is not one of",
        "api: token: sha256: must be 64 lower-case hex digits", "name 'ada' is used twice",
        "api: tls=\"true\" needs certificate=", "requireClientCertificate=\"true\" needs caFile"}) {
    EXPECT_NE(c.error().text.find(expected), std::string::npos) << expected << "\n"
                                                                << c.error().text;
  }
}

TEST(HubConfig, ReadsTokensFromATokensFileNamingBadLines) {
  const auto file = std::filesystem::temp_directory_path() / "pathhub-tokens-test";
  std::ofstream(file) << "# name role sha256\n\nops operator " << std::string(64, 'c')
                      << "\nbad admin nothex\n";
  auto c = parseHubConfig("<pathhub><api tokensFile=\"" + file.string() +
                              "\"/><channel name=\"a\"><source listen=\"127.0.0.1:0\"/>"
                              "<destination name=\"x\" type=\"file\" directory=\"o\"/>"
                              "</channel></pathhub>",
                          "t");
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().text.find("tokensFile " + file.string() + " line 4: sha256"),
            std::string::npos)
      << c.error().text;
  std::ofstream(file) << "ops operator " << std::string(64, 'c') << "\n";
  c = parseHubConfig("<pathhub><api tokensFile=\"" + file.string() +
                         "\"/><channel name=\"a\"><source listen=\"127.0.0.1:0\"/>"
                         "<destination name=\"x\" type=\"file\" directory=\"o\"/>"
                         "</channel></pathhub>",
                     "t");
  ASSERT_TRUE(c) << c.error().text;
  ASSERT_EQ(c->api.tokens.size(), 1u);
  EXPECT_EQ(c->api.tokens[0].name, "ops");
  EXPECT_EQ(c->api.tokens[0].role, "operator");
  std::filesystem::remove(file);
  // A tokens file that is not there is an error: the API would refuse every call.
  c = parseHubConfig("<pathhub><api tokensFile=\"" + file.string() +
                         "\"/><channel name=\"a\"><source listen=\"127.0.0.1:0\"/>"
                         "<destination name=\"x\" type=\"file\" directory=\"o\"/>"
                         "</channel></pathhub>",
                     "t");
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().text.find("api: tokensFile " + file.string() + " cannot be read"),
            std::string::npos)
      << c.error().text;
}

TEST(HubConfig, ReadsAPostgresqlJournalAndTheClusterNodeCheckingTheirNeeds) {
  const std::string channel =
      "<channel name=\"a\"><source listen=\"127.0.0.1:0\"/>"
      "<destination name=\"x\" type=\"file\" directory=\"o\"/></channel>";
  const auto password = std::filesystem::temp_directory_path() / "pathhub-db-password-test";
  std::ofstream(password) << "s3cret-value\n";
  auto c = parseHubConfig(
      "<pathhub><journal backend=\"postgresql\""
      " url=\"postgresql://pathhub@db1,db2:5432/pathhub?sslmode=verify-full\""
      " passwordFile=\"" +
          password.string() + "\"/><cluster node=\"hub-1\" leaseSeconds=\"5\"/>" + channel +
          "</pathhub>",
      "t");
  ASSERT_TRUE(c) << c.error().text;
  EXPECT_EQ(c->journal.backend, "postgresql");
  EXPECT_EQ(c->journal.url, "postgresql://pathhub@db1,db2:5432/pathhub?sslmode=verify-full");
  EXPECT_EQ(c->journal.password, "s3cret-value");
  EXPECT_EQ(c->cluster.node, "hub-1");
  EXPECT_EQ(c->cluster.lease, std::chrono::seconds(5));
  // The default: SQLite, and no cluster.
  c = parseHubConfig("<pathhub>" + channel + "</pathhub>", "t");
  ASSERT_TRUE(c) << c.error().text;
  EXPECT_EQ(c->journal.backend, "sqlite");
  EXPECT_FALSE(c->cluster.enabled());
  // What cannot work is said, every part of it.
  std::filesystem::remove(password);
  c = parseHubConfig("<pathhub><journal backend=\"postgresql\" passwordFile=\"" +
                         password.string() + "\"/><cluster leaseSeconds=\"1\"/>" + channel +
                         "</pathhub>",
                     "t");
  ASSERT_FALSE(c);
  for (const std::string& problem : std::vector<std::string>{
           "journal: backend=\"postgresql\" needs url=",
           "journal: passwordFile " + password.string() + " cannot be read",
           "cluster: needs node=", "cluster: leaseSeconds: '1' is outside 2..3600"}) {
    EXPECT_NE(c.error().text.find(problem), std::string::npos) << problem << "\n" << c.error().text;
  }
  c = parseHubConfig(
      "<pathhub><journal backend=\"mysql\"/><cluster node=\"n\"/>" + channel + "</pathhub>", "t");
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().text.find("journal: backend: 'mysql' is not one of"), std::string::npos)
      << c.error().text;
  EXPECT_NE(c.error().text.find("cluster: needs <journal backend=\"postgresql\""),
            std::string::npos)
      << c.error().text;
}

// Issue 26: <alerts> — rules, rotas, notifiers, the bank holiday table — read whole, and
// every problem named.
TEST(HubConfig, ReadsAlertsWithTheirRotasNotifiersAndBankHolidays) {
  const std::string channel =
      "<channel name=\"lab\"><source listen=\"127.0.0.1:0\"/>"
      "<destination name=\"gp\" type=\"file\" directory=\"o\"/></channel>";
  const auto dir = std::filesystem::temp_directory_path() / "pathhub-alerts-config-test";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "holidays.csv") << "date,name\n# England\n2026-12-25,Christmas Day\n"
                                         "2026-12-28,Boxing Day\n";
  std::ofstream(dir / "password") << "mail-pass\n";
  std::ofstream(dir / "secret") << "hook-secret \n";
  auto c = parseHubConfig(
      "<pathhub><alerts checkSeconds=\"10\" consoleUrl=\"https://hub/\" bankHolidays=\"" +
          (dir / "holidays.csv").string() +
          "\" workingDays=\"mon,tue,wed,thu,fri,sat\" workingHours=\"07:30-19:00\">"
          "<rule name=\"gp-down\" condition=\"destination_failing\" destination=\"gp\""
          " severity=\"critical\" forSeconds=\"900\"/>"
          "<rule name=\"disk\" condition=\"journal_disk_space\" threshold=\"10\"/>"
          "<rota name=\"day\" periods=\"working-hours\"><recipient email=\"a@b.nhs.uk\"/>"
          "<recipient webhook=\"teams\"/></rota>"
          "<rota name=\"night\" severities=\"critical\" periods=\"out-of-hours, weekend,"
          "bank-holiday\"><recipient email=\"c@d.nhs.uk\"/></rota>"
          "<smtp host=\"smtp.nhs.uk\" user=\"hub\" passwordFile=\"" +
          (dir / "password").string() +
          "\"/><webhook name=\"teams\" url=\"https://x/\" format=\"teams\" secretFile=\"" +
          (dir / "secret").string() + "\"/><syslog host=\"loghost:5514\"/></alerts>" + channel +
          "</pathhub>",
      "t");
  ASSERT_TRUE(c) << c.error().text;
  const AlertsConfig& a = c->alerts;
  EXPECT_TRUE(a.enabled);
  EXPECT_EQ(a.every, std::chrono::seconds(10));
  EXPECT_EQ(a.bankHolidayDates, (std::vector<std::string>{"2026-12-25", "2026-12-28"}));
  EXPECT_EQ(a.workingDays, (std::vector<int>{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(a.workStartMinute, 7 * 60 + 30);
  EXPECT_EQ(a.workEndMinute, 19 * 60);
  ASSERT_EQ(a.rules.size(), 2u);
  EXPECT_EQ(a.rules[0].forDuration, std::chrono::seconds(900));
  EXPECT_EQ(a.rules[0].quiet, std::chrono::seconds(3600));
  EXPECT_EQ(a.rules[1].severity, "warning");
  ASSERT_EQ(a.rotas.size(), 2u);
  EXPECT_EQ(a.rotas[0].severities, (std::vector<std::string>{"info", "warning", "critical"}));
  EXPECT_EQ(a.rotas[0].webhooks, std::vector<std::string>{"teams"});
  EXPECT_EQ(a.rotas[1].periods,
            (std::vector<std::string>{"out-of-hours", "weekend", "bank-holiday"}));
  EXPECT_EQ(a.smtp.password, "mail-pass");
  EXPECT_EQ(a.smtp.tls, "starttls");
  EXPECT_EQ(a.webhooks.at(0).secret, "hook-secret");
  EXPECT_TRUE(a.syslog.enabled);
  EXPECT_EQ(a.syslog.host, "loghost:5514");
  // Warnings/critical outside working hours reach nobody: said, not refused.
  EXPECT_NE(std::find(c->warnings.begin(), c->warnings.end(),
                      "alerts: no rota is told of warning alerts in out-of-hours"),
            c->warnings.end());
  // Without <alerts>: nothing watched.
  c = parseHubConfig("<pathhub>" + channel + "</pathhub>", "t");
  ASSERT_TRUE(c);
  EXPECT_FALSE(c->alerts.enabled);

  std::ofstream(dir / "holidays.csv") << "2026-12-25\n25/12/2026\n";
  c = parseHubConfig("<pathhub><alerts bankHolidays=\"" + (dir / "holidays.csv").string() +
                         "\" workingHours=\"18:00-08:00\">"
                         "<rule name=\"a\" condition=\"destination_down\"/>"
                         "<rule name=\"a\" condition=\"backlog\" channel=\"nope\"/>"
                         "<rule name=\"c\" condition=\"backlog\" destination=\"epr\"/>"
                         "<rule name=\"d\" condition=\"journal_disk_space\"/>"
                         "<rule name=\"e\" condition=\"node_missing\" channel=\"lab\"/>"
                         "<rule name=\"f\"/>"
                         "<rota name=\"r\" periods=\"nights\"><recipient email=\"x@y\"/>"
                         "<recipient webhook=\"pager\"/><recipient/></rota>"
                         "<smtp host=\"m\" user=\"u\" tls=\"none\"/>"
                         "<webhook name=\"w\" url=\"ftp://x\"/></alerts>" +
                         channel + "</pathhub>",
                     "t");
  ASSERT_FALSE(c);
  for (const std::string& problem : std::vector<std::string>{
           "alerts: bankHolidays: " + (dir / "holidays.csv").string() +
               " line 2: '25/12/2026' is not a date (YYYY-MM-DD)",
           "alerts: workingHours: '18:00-08:00' is not HH:MM-HH:MM, the start first",
           "alerts rule 'a': condition: 'destination_down' is not one of",
           "alerts rule 'a': the name is used twice",
           "alerts rule 'a': channel: 'nope' is not a channel",
           "alerts rule 'c': destination: 'epr' is not a destination of any channel",
           "alerts rule 'd': threshold: journal_disk_space needs the percent free",
           "alerts rule 'e': condition node_missing is about the hub",
           "alerts rule 'f': needs a condition", "alerts rota 1: periods: 'nights' is not one of",
           "alerts rota 'r' recipient 2: webhook: 'pager' is not a <webhook> of <alerts>",
           "alerts rota 'r' recipient 3: needs one of email=",
           "alerts smtp: user needs a passwordFile",
           "alerts smtp: will not send a password without TLS",
           "alerts webhook 1: url: 'ftp://x' is not an http:// or https:// URL"}) {
    EXPECT_NE(c.error().text.find(problem), std::string::npos) << problem << "\n" << c.error().text;
  }
  std::filesystem::remove_all(dir);
}

// Issue 18, item 13: what the readers would silently ignore or guess is an error.
TEST(HubConfig, ASecondElementOrATokenWithoutARoleIsAnError) {
  auto c = parseHubConfig(
      "<pathhub><api listen=\"127.0.0.1:1\"><token name=\"x\" sha256=\"" + std::string(64, 'a') +
          "\"/></api><api listen=\"127.0.0.1:2\"/><channel name=\"a\"><source "
          "listen=\"127.0.0.1:0\"/>"
          "<mapper workers=\"1\"/><mapper workers=\"2\"/>"
          "<destination name=\"x\" type=\"file\" directory=\"o\"><retry/><retry/></destination>"
          "</channel></pathhub>",
      "t");
  ASSERT_FALSE(c);
  for (const char* expected :
       {"pathhub: more than one <api>", "channel 'a': more than one <mapper>",
        "destination 'x': more than one <retry>", "needs a role (viewer, clinical"}) {
    EXPECT_NE(c.error().text.find(expected), std::string::npos) << expected << "\n"
                                                                << c.error().text;
  }
}

TEST(HubConfig, RefusesBrokenXmlAndMissingFiles) {
  auto broken = parseHubConfig("<pathhub><channel>", "b.xml");
  ASSERT_FALSE(broken);
  EXPECT_NE(broken.error().text.find("not well-formed XML"), std::string::npos);
  EXPECT_FAILS_WITH(parseHubConfig("<hub/>", "c.xml"), ErrorCode::kInvalidValue);
  EXPECT_FAILS_WITH(parseHubConfig("<pathhub/>", "d.xml"), ErrorCode::kInvalidValue);
  auto missing = loadHubConfig("/nonexistent/pathhub.xml");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kIoError);
}

}  // namespace
}  // namespace pathhub::config

// Issue 17, item 14: every key the schema allows is in config/README.md's tables, and every key
// the tables name is one the schema allows. A key is documented by its own row
// ("`orders/@catalogue`", "`channel/orders`") or, for an element's attributes described
// together, in its element's row ("`api/token`": `name`, `role`, `sha256`).
TEST(HubConfig, EveryConfigurationKeyIsDocumentedAndEveryDocumentedKeyExists) {
  std::ifstream in(std::string(PATHHUB_SOURCE_DIR) + "/config/README.md");
  std::vector<std::string> rows;  // the table rows naming keys
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("| `", 0) == 0) rows.push_back(line);
  }
  ASSERT_GT(rows.size(), 30u);
  auto firstCell = [](const std::string& row) { return row.substr(0, row.find(" | ", 2)); };
  std::set<std::string> allowed;  // "orders/@catalogue", "channel/orders"
  for (const auto& k : pathhub::config::schemaKeys()) {
    allowed.insert(k.element + "/" + k.key);
    const std::string own = k.element + "/" + k.key + "`";
    bool documented = false;
    for (const auto& row : rows) {
      const std::string cell = firstCell(row);
      if (cell.find(own) != std::string::npos ||
          cell.find(k.element + "/" + k.key + "/") != std::string::npos) {
        documented = true;
      } else if (k.key[0] == '@' &&
                 (cell.find("/" + k.element + "`") != std::string::npos ||
                  cell.find("`" + k.element + "`") != std::string::npos) &&
                 row.find("`" + k.key.substr(1) + "`") != std::string::npos) {
        documented = true;  // described in its element's row
      }
    }
    EXPECT_TRUE(documented || k.element == "pathhub")
        << k.element << "/" << k.key << " is not in config/README.md";
  }
  // The reverse: every "a/b/@c" or "a/b" the tables name ends in an allowed element/key pair.
  for (const auto& row : rows) {
    const std::string cell = firstCell(row);
    for (std::size_t at = cell.find('`'); at != std::string::npos;
         at = cell.find('`', cell.find('`', at + 1) + 1)) {
      const std::size_t end = cell.find('`', at + 1);
      if (end == std::string::npos) break;
      const std::string key = cell.substr(at + 1, end - at - 1);
      const std::size_t slash = key.rfind('/');
      if (slash == std::string::npos || key.find("@*") != std::string::npos) continue;
      const std::size_t before = key.rfind('/', slash - 1);
      const std::string pair =
          key.substr(before == std::string::npos ? 0 : before + 1);  // "orders/@catalogue"
      EXPECT_TRUE(allowed.count(pair))
          << "config/README.md names " << key << ", which the configuration does not take";
    }
  }
  // The defaults too: a row naming one attribute says its default as the schema has it
  // (`value`, or "(none)…" / "required" for none). The schema is what the hub reads with.
  std::map<std::string, std::string> defaults;  // "orders/@matchWindowHours" → "72"
  for (const auto& k : pathhub::config::schemaKeys()) {
    if (k.key[0] == '@') defaults[k.element + "/" + k.key] = k.fallback;
  }
  int compared = 0;
  for (const auto& row : rows) {
    const std::string cell = firstCell(row);                       // "| `channel/mapper/@workers`"
    if (std::count(cell.begin(), cell.end(), '`') != 2) continue;  // one key per row only
    const std::string key = cell.substr(cell.find('`') + 1, cell.rfind('`') - cell.find('`') - 1);
    const std::size_t slash = key.rfind('/');
    if (slash == std::string::npos || key[slash + 1] != '@') continue;
    const std::size_t before = key.rfind('/', slash - 1);
    const std::string pair = key.substr(before == std::string::npos ? 0 : before + 1);
    const auto known = defaults.find(pair);
    if (known == defaults.end()) continue;
    const std::size_t start = row.find(" | ", 2) + 3;
    const std::string documented = row.substr(start, row.find(" | ", start) - start);
    const std::string expected = known->second.empty() ? "" : "`" + known->second + "`";
    if (expected.empty()) {
      EXPECT_TRUE(documented.rfind("(none", 0) == 0 || documented == "required" ||
                  documented.rfind("`", 0) != 0)
          << key << ": the schema has no default, config/README.md says " << documented;
    } else {
      EXPECT_EQ(documented.substr(0, expected.size()), expected)
          << key << ": config/README.md's default differs from the schema's";
    }
    ++compared;
  }
  EXPECT_GT(compared, 30);
}
