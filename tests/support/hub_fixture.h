// Running the real pathhub daemon in a test: a temporary folder with its config and journal,
// free ports on 127.0.0.1, an optional hl7sink as its MLLP destination, and helpers to wait
// for events with a deadline instead of sleeping.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "child_process.h"

namespace pathhub::testing {

// Whether the hubs tests start journal in SQLite (the default) or PostgreSQL
// ($PATHHUB_TEST_JOURNAL=postgresql: the integration suite run again on the cluster's backend).
bool journalIsSqlite();

// A port that was free a moment ago, from [from, to]. The default range is the hubs' and
// sinks'; the test PostgreSQL servers take theirs from another range (postgres_server.cc), so
// that a server starting in a parallel test never takes a port a hub was given.
std::uint16_t freePort(int from = 20000, int to = 32000);
// Polls `done` every 20 ms until it is true or `timeout` passes; returns the last answer.
bool waitUntil(const std::function<bool()>& done,
               std::chrono::milliseconds timeout = std::chrono::seconds(30));
// Whether something accepts TCP connections on 127.0.0.1:port.
bool accepting(std::uint16_t port);

class HubFixture {
 public:
  HubFixture();
  ~HubFixture();

  // The <channel> body's extra settings; source and the sink destination are filled in.
  std::string channelExtras = "<retry baseMs=\"50\" capMs=\"200\" maxAttempts=\"1000000\"/>";
  std::string sourceExtras;
  std::string destinationAttributes;  // extra attributes of the sink's <destination>
  std::string sourceElement;          // replaces the MLLP <source> when set (e.g. a file source)
  std::string hubExtras;              // elements at the top of <pathhub>, e.g. <pipeline .../>
  std::string backlog;
  std::string apiTokens;      // <token .../> elements inside the fixture's <api>
  std::string apiAttributes;  // extra attributes of <api>, e.g. tls="true" ...
  // Replaces <journal path="DIR/journal.db"/> when set (a PostgreSQL journal, say). Under
  // $PATHHUB_TEST_JOURNAL=postgresql the fixture sets it to a database of its own on the test
  // program's PostgreSQL server, dropped with the fixture.
  std::string journalElement;

  void writeConfig();
  void startHub();     // waits until the MLLP source and the API accept connections
  void killHub();      // SIGKILL, no clean-up
  int hubPid() const;  // 0 when not running
  int stopHub();       // SIGTERM; returns the exit code
  void startSink(const std::vector<std::string>& extra = {});
  void stopSink();

  // Control ids (MSH-10) of the messages the sink saved, in arrival order.
  std::vector<std::string> received() const;
  std::size_t receivedCount() const;

  std::filesystem::path dir;
  std::filesystem::path configPath;
  std::uint16_t sourcePort = 0;
  std::uint16_t sinkPort = 0;
  std::uint16_t apiPort = 0;  // the hub's HTTP API, on 127.0.0.1

 private:
  std::string database_;  // the fixture's own PostgreSQL database, when it made one
  std::unique_ptr<ChildProcess> hub_;
  std::unique_ptr<ChildProcess> sink_;
};

}  // namespace pathhub::testing
