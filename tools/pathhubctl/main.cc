// pathhubctl — operate a running pathhub over its HTTP API.
//
//   pathhubctl [--url URL] [--token-file FILE] [--ca FILE] [--json] COMMAND [ARGS]
//
// Commands:
//   status                           the hub's state and your role
//   channels                         channels: state, counts, backlog per destination
//   alerts [--history]               alerts firing (and resolved), the notifiers' state
//   alerts --acknowledge ID          stop an alert's repeats until it resolves (operator)
//   cluster                          a cluster's nodes (heartbeats) and which node delivers
//                                    for each destination, with its backlog
//   messages [FILTERS] [--limit N] [--before ID]
//                                    search messages, newest first
//   show ID                          one message: deliveries, history, script log, bytes
//   replay ID [--replay-to DEST]... [--resend-acknowledgements]
//                                    replay one message (where its routing sent it, or to the
//                                    named destinations)
//   replay --filter FILTERS [--replay-to DEST]... [--dry-run] [--resend-acknowledgements]
//                                    replay every message that matches (needs --channel), in
//                                    steps of 500 with progress on stderr; --dry-run says what
//                                    would go where, changing nothing
//   pause CH | resume CH | restart CH
//   reroute-order PLACER             send the order's parts waiting in exceptions where their
//                                    tests now belong (after a catalogue fix and a reload)
//   reload                           re-read the configuration and its tables (as SIGHUP):
//                                    what was applied, what needs a restart (admin)
//   record NHSNUMBER --purpose CODE [--user ID] [--code TOKEN] [--from DATE] [--to DATE]
//                                    a patient's reports in the network's record, newest first
//                                    (CODE: an HL7 v3 PurposeOfUse such as TREAT; ID: whom it is
//                                    for, else $USER); --json: the FHIR searchset
//   record status                    what the record holds, what is still to be recorded
//   record rebuild                   record the journal again (admin), with progress
//   audit [--user U] [--action A] [--nhs-number N] [--from T] [--to T] [--limit N] [--before ID]
//                                    the audit trail; --nhs-number: who looked at the patient's
//                                    record
//   backup FILE                      a consistent copy of the running hub's journal, checked,
//                                    written to FILE (never overwritten; admin)
//   hash-token                       read a token on stdin, print the sha256 for <api><token>
//
// FILTERS: --channel C --state S --from T --to T --control-id X --type ORU[^R01]
//          --nhs-number N --placer P --filler F --text T   (T: ISO 8601 or epoch ms)
//
// The URL is --url, else $PATHHUB_URL, else http://127.0.0.1:8575. The token is read from
// --token-file or $PATHHUB_TOKEN_FILE, else taken from $PATHHUB_TOKEN — never from the
// command line, where other users could see it. Exit status: 0 done; 1 the API refused or
// failed (the reason is printed); 2 bad usage or the hub could not be reached.
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "api_client.h"
#include "commands.h"
#include "http/api_auth.h"

namespace {

constexpr const char* kUsage =
    "usage: pathhubctl [--url URL] [--token-file FILE] [--ca FILE] [--json] COMMAND [ARGS]\n"
    "commands: status | channels | cluster | messages [filters] | show ID | replay ID|--filter "
    "...\n"
    "          | pause CH | resume CH | restart CH | reroute-order PLACER | reload\n"
    "          | record NHSNUMBER --purpose CODE | record status | record rebuild\n"
    "          | audit [filters] | backup FILE | hash-token\n"
    "          | scripts CHANNEL [--rollback VERSION]\n"
    "          | alerts [--history] | alerts --acknowledge ID\n";

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace pathhub;
  std::string url = env("PATHHUB_URL");
  std::string tokenFile = env("PATHHUB_TOKEN_FILE");
  std::string ca;
  ctl::Options options;
  int i = 1;
  for (; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << "pathhubctl: " << arg << " needs a value\n" << kUsage;
        std::exit(2);
      }
      return argv[++i];
    };
    if (arg == "--url") {
      url = value();
    } else if (arg == "--token-file") {
      tokenFile = value();
    } else if (arg == "--ca") {
      ca = value();
    } else if (arg == "--json") {
      options.json = true;
    } else if (arg == "-h" || arg == "--help") {
      std::cout << kUsage;
      return 0;
    } else {
      break;
    }
  }
  if (i >= argc) {
    std::cerr << kUsage;
    return 2;
  }
  const std::string command = argv[i++];
  const std::vector<std::string> args(argv + i, argv + argc);
  if (command == "hash-token") {
    std::string token;
    std::getline(std::cin, token);
    token = trimmed(token);
    if (token.size() < 16) {
      std::cerr << "pathhubctl: a token needs at least 16 characters\n";
      return 2;
    }
    std::cout << http::sha256Hex(token) << "\n";
    return 0;
  }
  std::string token = env("PATHHUB_TOKEN");
  if (!tokenFile.empty()) {
    std::ifstream in(tokenFile);
    if (!in) {
      std::cerr << "pathhubctl: cannot read the token file " << tokenFile << "\n";
      return 2;
    }
    std::getline(in, token);
    token = trimmed(token);
  }
  if (url.empty()) url = "http://127.0.0.1:8575";
  ctl::ApiClient api(url, token, ca);
  return ctl::runCommand(api, options, command, args);
}
