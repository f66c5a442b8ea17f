// Fills a SQLite journal for the diff-replay benchmark (tools/bench/replay_bench): MESSAGES
// copies of SAMPLE (each its own MSH-10), received on channel "bench" and mapped by SCRIPT as
// the hub maps them (a LuaMapper with the scripts folder's tables), delivered to "sink", the
// script's version 1 recorded with each.
//
//   replay_fill JOURNAL SAMPLE MESSAGES SCRIPT SCRIPTS_ROOT
//
// Prints {"messages", "seconds"} as JSON.
#include <atomic>
#include <chrono>
#include <fstream>
#include <iostream>
#include <iterator>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/digest.h"
#include "hl7/message.h"
#include "journal/journal.h"
#include "lua/lua_mapper.h"

int main(int argc, char** argv) {
  using namespace pathhub;
  if (argc != 6) {
    std::cerr << "usage: replay_fill JOURNAL SAMPLE MESSAGES SCRIPT SCRIPTS_ROOT\n";
    return 2;
  }
  std::ifstream in(argv[2], std::ios::binary);
  auto sample = hl7::Message::parse(
      std::string{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()});
  if (!sample) {
    std::cerr << sample.error().describe() << "\n";
    return 1;
  }
  const long messages = std::stol(argv[3]);
  auto journal = journal::Journal::open(journal::JournalOptions::sqlite(argv[1], {}));
  if (!journal) {
    std::cerr << journal.error().describe() << "\n";
    return 1;
  }
  std::ifstream scriptIn(argv[4], std::ios::binary);
  const std::string script{std::istreambuf_iterator<char>(scriptIn),
                           std::istreambuf_iterator<char>()};
  auto version = (*journal)->recordScriptVersion(
      {"bench", sha256Hex(script), argv[4], script, "replay_fill", argv[4], "loaded"});
  if (!version) {
    std::cerr << version.error().describe() << "\n";
    return 1;
  }
  lua::ScriptOptions options;
  options.script = argv[4];
  options.scriptsRoot = argv[5];
  options.tables = std::make_shared<lua::CodeTables>(std::filesystem::path(argv[5]) / "tables");
  const auto began = std::chrono::steady_clock::now();
  std::atomic<long> next{0};
  std::atomic<bool> failed{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < 16; ++t) {
    threads.emplace_back([&] {
      auto mapper = lua::LuaMapper::create(options, "bench");
      if (!mapper) {
        std::cerr << mapper.error().describe() << "\n";
        failed = true;
        return;
      }
      hl7::Message m = *sample;
      std::vector<journal::Journal::Mapping> mapped;
      std::vector<std::future<Result<void>>> pending;
      for (long i; (i = next++) < messages && !failed;) {
        (void)m.set("MSH-10", "RF" + std::to_string(i));
        journal::NewMessage received;
        received.channel = "bench";
        received.source = "bench/mllp";
        received.controlId = "RF" + std::to_string(i);
        received.messageType = "ORU^R01";
        received.bytes = m.encode();
        auto appended = (*journal)->append(received);
        if (!appended) {
          std::cerr << appended.error().describe() << "\n";
          failed = true;
          return;
        }
        const pipeline::MapResult result = (*mapper)->map(received.bytes, {"bench", appended->id});
        journal::Journal::Mapping mapping;
        mapping.id = appended->id;
        if (result.bytes != received.bytes) mapping.mapped = result.bytes;
        mapping.destinations = {"sink"};
        mapping.scriptVersion = *version;
        mapped.push_back(std::move(mapping));
        if (mapped.size() == 64) {
          pending.push_back((*journal)->submitMapped(std::move(mapped)));
          mapped.clear();
        }
      }
      if (!mapped.empty()) pending.push_back((*journal)->submitMapped(std::move(mapped)));
      for (auto& p : pending) {
        if (!p.get()) failed = true;
      }
    });
  }
  for (auto& t : threads) t.join();
  if (failed) return 1;
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  std::cout << "{\"messages\": " << messages << ", \"seconds\": " << seconds << "}\n";
  return 0;
}
