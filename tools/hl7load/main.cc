// hl7load — an MLLP load generator.
//
//   hl7load HOST:PORT FILE -n N -c CONNS [-w WINDOW] [-r RATE] [--timeout MS]
//
// Sends N copies of the first message in FILE over CONNS connections (N/CONNS each), every
// copy with its own control id in MSH-10 ("<run>-<connection>-<sequence>"), keeping at most
// WINDOW messages unacknowledged per connection (1, as MLLP senders do, by default), and when
// RATE is given offering at most RATE messages per second in all (to measure latency at a
// set load rather than at saturation). Prints
// one JSON line: counts of sent, accepted (AA/CA), negative and missing replies, elapsed
// seconds, messages per second, and latency percentiles from send to ACK in milliseconds.
// Exit status: 0 if every message was accepted, 1 otherwise, 2 on bad usage.
#include <Poco/Exception.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <deque>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "hl7/batch.h"
#include "hl7/message.h"
#include "mllp/mllp_client.h"
#include "mllp/mllp_codec.h"
#include "read_input.h"

namespace {

using namespace pathhub;
using Clock = std::chrono::steady_clock;

constexpr const char* kUsage =
    "usage: hl7load HOST:PORT FILE -n N -c CONNS [-w WINDOW] [-r RATE] [--timeout MS]\n";

struct Totals {
  std::atomic<long> sent{0}, accepted{0}, negative{0}, missing{0};
  std::mutex mutex;
  std::vector<double> latenciesMs;
};

// Sends `count` messages on one connection, at most `window` in flight.
void runConnection(const mllp::Endpoint& to, const hl7::Message& base, const std::string& prefix,
                   long count, int window, int timeoutMs, double perSecond, Totals& totals) {
  std::vector<double> latencies;
  latencies.reserve(static_cast<std::size_t>(count));
  try {
    Poco::Net::StreamSocket socket;
    socket.connect(Poco::Net::SocketAddress(to.host, to.port), Poco::Timespan(5, 0));
    socket.setNoDelay(true);
    socket.setReceiveTimeout(Poco::Timespan(static_cast<long>(timeoutMs) * 1000));
    mllp::Decoder decoder;
    std::deque<Clock::time_point> inFlight;
    std::vector<mllp::DecodedFrame> frames;
    char buffer[16384];
    long next = 0;
    const auto start = Clock::now();
    while (next < count || !inFlight.empty()) {
      while (next < count && static_cast<int>(inFlight.size()) < window) {
        if (perSecond > 0) {
          // Paced: message k leaves no earlier than k / rate seconds after the start.
          std::this_thread::sleep_until(
              start + std::chrono::duration_cast<Clock::duration>(
                          std::chrono::duration<double>(static_cast<double>(next) / perSecond)));
        }
        hl7::Message m = base;
        (void)m.set("MSH-10", prefix + std::to_string(next));
        const std::string framed = mllp::frame(m.encode());
        socket.sendBytes(framed.data(), static_cast<int>(framed.size()));
        inFlight.push_back(Clock::now());
        ++next;
        ++totals.sent;
      }
      const int n = socket.receiveBytes(buffer, sizeof buffer);
      if (n <= 0) break;
      frames.clear();
      decoder.feed(std::string_view(buffer, static_cast<std::size_t>(n)), frames);
      for (const auto& f : frames) {
        if (inFlight.empty()) break;
        latencies.push_back(
            std::chrono::duration<double, std::milli>(Clock::now() - inFlight.front()).count());
        inFlight.pop_front();
        auto ack = f.ok ? hl7::Message::parse(f.payload) : tl::unexpected(f.error);
        const std::string code = ack ? *ack->get("MSA-1") : "";
        if (code == "AA" || code == "CA") {
          ++totals.accepted;
        } else {
          ++totals.negative;
        }
      }
    }
    totals.missing += static_cast<long>(inFlight.size()) + (count - next);
  } catch (const Poco::Exception& e) {
    std::cerr << "hl7load: connection " << prefix << ": " << e.displayText() << "\n";
    totals.missing += count - static_cast<long>(latencies.size());
  }
  std::lock_guard lock(totals.mutex);
  totals.latenciesMs.insert(totals.latenciesMs.end(), latencies.begin(), latencies.end());
}

double percentile(std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const auto i = static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5);
  return sorted[std::min(i, sorted.size() - 1)];
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> positional;
  long n = 0, rate = 0;
  int conns = 1, window = 1, timeoutMs = 30000;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&](long& out) {
      if (i + 1 >= argc) return false;
      try {
        out = std::stol(argv[++i]);
        return out > 0;
      } catch (const std::exception&) {
        return false;
      }
    };
    long v = 0;
    if (arg == "--help" || arg == "-h") return std::cout << kUsage, 0;
    if (arg == "-n" || arg == "-r") {
      if (!value(arg == "-n" ? n : rate)) return std::cerr << kUsage, 2;
    } else if (arg == "-c" || arg == "-w" || arg == "--timeout") {
      if (!value(v)) return std::cerr << kUsage, 2;
      (arg == "-c" ? conns : arg == "-w" ? window : timeoutMs) = static_cast<int>(v);
    } else {
      positional.push_back(arg);
    }
  }
  if (positional.size() != 2 || n <= 0) return std::cerr << kUsage, 2;
  auto to = mllp::parseEndpoint(positional[0]);
  if (!to) return std::cerr << "hl7load: " << to.error().text << "\n", 2;
  auto input = tools::readInput(positional[1]);
  if (!input) return std::cerr << "hl7load: " << input.error().describe() << "\n", 2;
  auto split = hl7::splitMessages(*input);
  if (!split) return std::cerr << "hl7load: " << split.error().describe() << "\n", 2;
  auto base = hl7::Message::parse(hl7::normalizeSegmentSeparators(split->messages.front()));
  if (!base) return std::cerr << "hl7load: " << base.error().describe() << "\n", 2;

  // The run: the millisecond (within 100 s) and the process, so that two hl7loads started
  // together (on two nodes of a cluster, which dedupe across nodes) never send the same id.
  // Eight digits, keeping MSH-10 within HL7 v2.3's 20 characters.
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  const std::string run = std::to_string((ms % 100000) * 1000 + ::getpid() % 1000);
  Totals totals;
  const auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < conns; ++c) {
    const long share = n / conns + (c < n % conns ? 1 : 0);
    const double perSecond = rate > 0 ? static_cast<double>(rate) / conns : 0.0;
    threads.emplace_back(runConnection, *to, std::cref(*base), run + "-" + std::to_string(c) + "-",
                         share, window, timeoutMs, perSecond, std::ref(totals));
  }
  for (auto& t : threads) t.join();
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::sort(totals.latenciesMs.begin(), totals.latenciesMs.end());
  char line[512];
  std::snprintf(line, sizeof line,
                "{\"sent\":%ld,\"accepted\":%ld,\"negative\":%ld,\"missing\":%ld,"
                "\"connections\":%d,\"window\":%d,\"seconds\":%.3f,\"per_second\":%.0f,"
                "\"latency_ms\":{\"p50\":%.3f,\"p90\":%.3f,\"p99\":%.3f,\"max\":%.3f}}",
                totals.sent.load(), totals.accepted.load(), totals.negative.load(),
                totals.missing.load(), conns, window, seconds,
                static_cast<double>(totals.accepted) / seconds,
                percentile(totals.latenciesMs, 0.50), percentile(totals.latenciesMs, 0.90),
                percentile(totals.latenciesMs, 0.99),
                totals.latenciesMs.empty() ? 0.0 : totals.latenciesMs.back());
  std::cout << line << std::endl;
  return totals.accepted == n ? 0 : 1;
}
