// pathhub-map — run and test Lua mapping scripts outside the hub.
//
//   pathhub-map SCRIPT --in FILE   map each message of FILE and show outcome, routes, changes
//   pathhub-map --test DIR         run the *_test.lua files in DIR (see scripts/README.md)
//   pathhub-map SCRIPT --replay CHANNEL [--config FILE] [--since 7d | --from T] [--to T]
//               [--limit N] [--details N] [--report FILE.json] [--html FILE.html]
//               [--url URL [--token-file FILE] [--ca FILE]]  (the hub replays, through its API)
//                                  diff-replay SCRIPT over what CHANNEL received (read-only)
#include <iostream>
#include <string>
#include <vector>

#include "lua/script_tests.h"
#include "map_sample.h"
#include "replay_command.h"

int main(int argc, char** argv) {
  constexpr const char* kUsage =
      "usage: pathhub-map SCRIPT --in FILE\n"
      "       pathhub-map --test DIR\n"
      "       pathhub-map SCRIPT --replay CHANNEL [--config FILE] [--since 7d | --from TIME]\n"
      "                   [--to TIME] [--limit N] [--details N] [--report FILE.json]\n"
      "                   [--html FILE.html]\n"
      "                   [--url URL [--token-file FILE] [--ca FILE]]\n";
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() == 1 && (args[0] == "--help" || args[0] == "-h")) {
    std::cout << kUsage;
    return 0;
  }
  if (args.size() == 2 && args[0] == "--test") {
    return pathhub::lua::runScriptTests(args[1], std::cout);
  }
  if (args.size() == 3 && args[1] == "--in") {
    return pathhub::tools::mapSample(args[0], args[2], std::cout, std::cerr);
  }
  if (args.size() >= 3 && args[1] == "--replay") {
    return pathhub::tools::replayCommand(args[0], args[2], {args.begin() + 3, args.end()},
                                         std::cout, std::cerr);
  }
  std::cerr << kUsage;
  return 2;
}
