// hl7send — send HL7 v2 messages over MLLP and report each acknowledgement.
//
//   hl7send [--timeout MS] HOST:PORT FILE|- [FILE...]
//
// Every message of every file is sent in order on one connection (a file may hold several
// messages, separated by blank lines or as an FHS/BHS batch). For each reply one line is
// printed: file, message number, control id, MSA-1, MSA-3. Exit status: 0 when every reply is
// AA or CA; 1 when any reply is a negative acknowledgement; 2 on bad usage, unreadable input,
// connection failure or a reply that did not come in time (sending stops there).
#include <iostream>
#include <string>
#include <vector>

#include "hl7/batch.h"
#include "hl7/message.h"
#include "mllp/mllp_client.h"
#include "read_input.h"

namespace {

using namespace pathhub;

constexpr const char* kUsage = "usage: hl7send [--timeout MS] HOST:PORT FILE|- [FILE...]\n";

// Reads MSA-1 and MSA-3 of a reply; an unparseable reply counts as negative.
std::pair<std::string, std::string> readAck(const std::string& reply) {
  auto ack = hl7::Message::parse(reply);
  if (!ack) return {"??", "unparseable reply: " + ack.error().describe()};
  auto msa1 = ack->get("MSA-1");
  auto msa3 = ack->get("MSA-3");
  std::string text = msa3 ? *msa3 : "";
  if (auto err = ack->get("ERR-8"); err && !err->empty() && text.empty()) text = *err;
  return {msa1 ? *msa1 : "", text};
}

}  // namespace

int main(int argc, char** argv) {
  mllp::ClientOptions options;
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--timeout" && i + 1 < argc) {
      try {
        options.replyTimeout = std::chrono::milliseconds(std::stoul(argv[++i]));
      } catch (const std::exception&) {
        std::cerr << "hl7send: --timeout needs a number of milliseconds\n";
        return 2;
      }
    } else if (arg == "-h" || arg == "--help") {
      std::cout << kUsage;
      return 0;
    } else {
      args.push_back(arg);
    }
  }
  if (args.size() < 2) {
    std::cerr << kUsage;
    return 2;
  }
  auto endpoint = mllp::parseEndpoint(args[0]);
  if (!endpoint) {
    std::cerr << "hl7send: " << endpoint.error().text << "\n";
    return 2;
  }
  mllp::Client client(*endpoint, options);
  int negative = 0, sent = 0;
  for (std::size_t f = 1; f < args.size(); ++f) {
    auto input = tools::readInput(args[f]);
    if (!input) {
      std::cerr << "hl7send: " << input.error().describe() << "\n";
      return 2;
    }
    auto split = hl7::splitMessages(*input);
    if (!split) {
      std::cerr << "hl7send: " << args[f] << ": " << split.error().describe() << "\n";
      return 2;
    }
    int index = 0;
    for (std::string_view message : split->messages) {
      ++index;
      // Sent as the file holds it, with segment separators normalised to \r as MLLP expects.
      const std::string payload = hl7::normalizeSegmentSeparators(message);
      auto reply = client.exchange(payload);
      if (!reply) {
        std::cerr << "hl7send: " << args[f] << " message " << index << ": "
                  << reply.error().describe() << "\n";
        return 2;
      }
      ++sent;
      const auto [code, text] = readAck(*reply);
      const bool positive = code == "AA" || code == "CA";
      if (!positive) ++negative;
      std::string controlId;
      if (auto header = hl7::Message::parseHeader(message)) controlId = header->controlId();
      std::cout << args[f] << " #" << index << " " << (controlId.empty() ? "-" : controlId) << " "
                << (code.empty() ? "(no MSA-1)" : code);
      if (!text.empty()) std::cout << " " << text;
      std::cout << std::endl;
    }
  }
  std::cerr << "hl7send: " << sent << " sent, " << (sent - negative) << " accepted, " << negative
            << " not accepted\n";
  return negative == 0 ? 0 : 1;
}
