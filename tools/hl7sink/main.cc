// hl7sink — an MLLP receiver for tests and benchmarks: acknowledges what it receives, counts
// it, optionally saves it, and can misbehave on purpose.
//
//   hl7sink [PORT | --listen HOST:PORT] [--save DIR] [--error-every N] [--reject-every N]
//           [--drop-every N] [--delay-ms MS] [--latency-ms MS] [--exit-after N]
//
// Prints "hl7sink listening on HOST:PORT" once ready (port 0 picks a free one), then runs
// until SIGINT or SIGTERM and prints one JSON line of counts. Fault modes count messages across
// all connections: --error-every 3 answers every third message AE, --reject-every answers AR,
// --drop-every closes the connection instead of answering. A frame that does not parse is
// answered AR with an ERR segment saying why. --exit-after N ends the sink (with its summary)
// once N messages have been accepted, so a benchmark can time a drain. --delay-ms takes that
// long over each message (a slow receiver: messages wait for the one before); --latency-ms
// answers each message that long after it arrived (a distant receiver: the time is a round
// trip, and messages sent without waiting for their answers overlap theirs).
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>

#include "hl7/ack.h"
#include "hl7/message.h"
#include "mllp/mllp_server.h"

namespace {

using namespace pathhub;

constexpr const char* kUsage =
    "usage: hl7sink [PORT | --listen HOST:PORT] [--save DIR] [--error-every N] [--reject-every N]\n"
    "               [--drop-every N] [--delay-ms MS] [--latency-ms MS] [--exit-after N]\n";

struct Settings {
  mllp::Endpoint listen{"127.0.0.1", 2576};
  std::string saveDir;
  unsigned long errorEvery = 0, rejectEvery = 0, dropEvery = 0, delayMs = 0, latencyMs = 0,
                exitAfter = 0;
};

struct Counts {
  std::atomic<unsigned long> received{0}, accepted{0}, errors{0}, rejected{0}, dropped{0},
      unparseable{0};
};

bool every(unsigned long n, unsigned long seq) { return n > 0 && seq % n == 0; }

hl7::AckOptions withText(std::string text) {
  hl7::AckOptions options;
  options.text = std::move(text);
  return options;
}

std::optional<std::string> handle(const mllp::DecodedFrame& frame, const Settings& settings,
                                  Counts& counts) {
  const unsigned long seq = ++counts.received;
  if (!settings.saveDir.empty() && frame.ok) {
    char name[32];
    std::snprintf(name, sizeof name, "%08lu.hl7", seq);
    // Written under a hidden name and renamed: whoever lists the folder sees whole messages.
    const std::filesystem::path dir(settings.saveDir);
    const std::filesystem::path partial = dir / ("." + std::string(name) + ".part");
    std::ofstream(partial, std::ios::binary) << frame.payload;
    std::error_code renamed;
    std::filesystem::rename(partial, dir / name, renamed);
    if (renamed) std::cerr << "hl7sink: cannot save " << name << ": " << renamed.message() << "\n";
  }
  if (settings.delayMs) std::this_thread::sleep_for(std::chrono::milliseconds(settings.delayMs));
  if (settings.latencyMs) {
    std::this_thread::sleep_until(frame.readAt + std::chrono::milliseconds(settings.latencyMs));
  }
  if (every(settings.dropEvery, seq)) {
    ++counts.dropped;
    return std::nullopt;
  }
  if (!frame.ok) {
    ++counts.unparseable;
    return hl7::buildAckForUnparsed("", hl7::AckCode::kReject, {},
                                    {hl7::AckError::from(frame.error)});
  }
  auto message = hl7::Message::parse(frame.payload);
  if (!message) {
    ++counts.unparseable;
    return hl7::buildAckForUnparsed(frame.payload, hl7::AckCode::kReject, {},
                                    {hl7::AckError::from(message.error())});
  }
  if (every(settings.rejectEvery, seq)) {
    ++counts.rejected;
    return hl7::buildAck(*message, hl7::AckCode::kReject,
                         withText("rejected by hl7sink fault mode"));
  }
  if (every(settings.errorEvery, seq)) {
    ++counts.errors;
    return hl7::buildAck(*message, hl7::AckCode::kError, withText("error by hl7sink fault mode"));
  }
  if (++counts.accepted == settings.exitAfter) ::kill(::getpid(), SIGTERM);
  return hl7::buildAck(*message, hl7::AckCode::kAccept);
}

bool readCount(const std::string& text, unsigned long& out) {
  try {
    std::size_t used = 0;
    out = std::stoul(text, &used);
    return used == text.size();
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace

int main(int argc, char** argv) {
  Settings settings;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool hasValue = i + 1 < argc;
    unsigned long* count = arg == "--error-every"    ? &settings.errorEvery
                           : arg == "--reject-every" ? &settings.rejectEvery
                           : arg == "--drop-every"   ? &settings.dropEvery
                           : arg == "--delay-ms"     ? &settings.delayMs
                           : arg == "--latency-ms"   ? &settings.latencyMs
                           : arg == "--exit-after"   ? &settings.exitAfter
                                                     : nullptr;
    if (count && hasValue) {
      if (!readCount(argv[++i], *count)) {
        std::cerr << "hl7sink: " << arg << " needs a number\n";
        return 2;
      }
    } else if (arg == "--listen" && hasValue) {
      auto endpoint = mllp::parseEndpoint(argv[++i], true);
      if (!endpoint) {
        std::cerr << "hl7sink: " << endpoint.error().text << "\n";
        return 2;
      }
      settings.listen = *endpoint;
    } else if (!arg.empty() && arg.find_first_not_of("0123456789") == std::string::npos) {
      auto endpoint = mllp::parseEndpoint("127.0.0.1:" + arg, true);  // a bare port
      if (!endpoint) {
        std::cerr << "hl7sink: " << endpoint.error().text << "\n";
        return 2;
      }
      settings.listen = *endpoint;
    } else if (arg == "--save" && hasValue) {
      settings.saveDir = argv[++i];
      std::error_code ec;
      std::filesystem::create_directories(settings.saveDir, ec);
      if (ec) {
        std::cerr << "hl7sink: cannot create " << settings.saveDir << ": " << ec.message() << "\n";
        return 2;
      }
    } else {
      std::cerr << (arg == "-h" || arg == "--help" ? "" : "hl7sink: bad argument '" + arg + "'\n")
                << kUsage;
      return arg == "-h" || arg == "--help" ? 0 : 2;
    }
  }

  // Block the termination signals before any thread starts, then wait for them here.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  Counts counts;
  mllp::Server server(settings.listen, [&](const mllp::DecodedFrame& frame) {
    return handle(frame, settings, counts);
  });
  if (auto started = server.start(); !started) {
    std::cerr << "hl7sink: " << started.error().describe() << "\n";
    return 2;
  }
  std::cout << "hl7sink listening on " << settings.listen.host << ":" << server.port() << std::endl;
  int received = 0;
  sigwait(&signals, &received);
  server.stop();
  std::cout << "{\"received\":" << counts.received << ",\"accepted\":" << counts.accepted
            << ",\"errors\":" << counts.errors << ",\"rejected\":" << counts.rejected
            << ",\"dropped\":" << counts.dropped << ",\"unparseable\":" << counts.unparseable << "}"
            << std::endl;
  return 0;
}
