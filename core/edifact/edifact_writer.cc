// EDIFACT writing (see edifact_writer.h).
#include "edifact/edifact_writer.h"

namespace pathhub::edifact {

std::string escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '?' || c == '\'' || c == '+' || c == ':') out += '?';
    out += c;
  }
  return out;
}

InterchangeWriter::InterchangeWriter(const Element& sender, const Element& recipient,
                                     const std::string& date, const std::string& time,
                                     std::string reference, const std::string& application,
                                     bool acknowledgement)
    : reference_(std::move(reference)) {
  out_ = "UNA:+.? '\n";
  write("UNB", {{"UNOC", "3"},
                sender,
                recipient,
                {date, time},
                {reference_},
                {},
                {application},
                {},
                {acknowledgement ? "1" : ""}});
}

void InterchangeWriter::write(const std::string& tag, const std::vector<Element>& elements) {
  std::string line = tag;
  // Trailing empty elements are left out, as EDIFACT asks.
  std::size_t count = elements.size();
  auto empty = [](const Element& e) {
    for (const auto& c : e) {
      if (!c.empty()) return false;
    }
    return true;
  };
  while (count > 0 && empty(elements[count - 1])) --count;
  for (std::size_t i = 0; i < count; ++i) {
    line += '+';
    std::size_t parts = elements[i].size();
    while (parts > 0 && elements[i][parts - 1].empty()) --parts;
    for (std::size_t j = 0; j < parts; ++j) {
      if (j > 0) line += ':';
      line += escape(elements[i][j]);
    }
  }
  out_ += line + "'\n";
}

void InterchangeWriter::beginMessage(const std::string& reference, const Element& identifier) {
  messageReference_ = reference;
  segmentsInMessage_ = 0;
  segment("UNH", {{reference}, identifier});
}

void InterchangeWriter::segment(const std::string& tag, const std::vector<Element>& elements) {
  ++segmentsInMessage_;
  write(tag, elements);
}

void InterchangeWriter::endMessage() {
  ++segmentsInMessage_;
  write("UNT", {{std::to_string(segmentsInMessage_)}, {messageReference_}});
  ++messages_;
}

std::string InterchangeWriter::finish() {
  write("UNZ", {{std::to_string(messages_)}, {reference_}});
  return std::move(out_);
}

}  // namespace pathhub::edifact
