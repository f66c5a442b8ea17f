// Writing UN/EDIFACT: segments with the release character put before every service character
// in the data, messages whose UNT counts and references are filled in, and an interchange
// (UNA, UNB … UNZ) around them. The counterpart of edifact_syntax.h: what it writes, parse()
// reads back to the same segments.
#pragma once

#include <string>
#include <vector>

namespace pathhub::edifact {

// A data element's components, as written: {"SIR", "1015"} is "SIR:1015".
using Element = std::vector<std::string>;

class InterchangeWriter {
 public:
  // UNB: syntax UNOC:3, sender and recipient (with their code qualifiers, e.g. "80"), the
  // preparation date (YYMMDD) and time (HHMM), the interchange reference, the application
  // reference ("MEDRPT", "NHSACK").
  // `acknowledgement` asks the recipient for an NHSACK (UNB 0031 = 1).
  InterchangeWriter(const Element& sender, const Element& recipient, const std::string& date,
                    const std::string& time, std::string reference, const std::string& application,
                    bool acknowledgement = false);
  // Starts a message: UNH with its reference and identifier (e.g.
  // {"NHSACK","D","1","NH","NHS001"}).
  void beginMessage(const std::string& reference, const Element& identifier);
  void segment(const std::string& tag, const std::vector<Element>& elements);
  // Closes the message with UNT (its segment count, UNH and UNT included).
  void endMessage();
  // The whole interchange, with UNZ; one segment per line.
  std::string finish();

 private:
  void write(const std::string& tag, const std::vector<Element>& elements);

  std::string out_;
  std::string reference_;
  std::string messageReference_;
  int messages_ = 0;
  int segmentsInMessage_ = 0;
};

// Puts the release character before ? ' + : in `text`.
std::string escape(const std::string& text);

}  // namespace pathhub::edifact
