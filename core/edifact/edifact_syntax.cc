// EDIFACT syntax (see edifact_syntax.h).
#include "edifact/edifact_syntax.h"

namespace pathhub::edifact {
namespace {

struct Delimiters {
  char component = ':', element = '+', decimal = '.', release = '?', segment = '\'';
};

Error problem(const Segment* s, const std::string& what) {
  ErrorContext ctx;
  if (s) {
    ctx.segment = s->tag;
    ctx.segmentIndex = static_cast<int>(s->number);
  }
  return Error{ErrorCode::kMalformedMessage,
               (s ? "segment " + std::to_string(s->number) + " (" + s->tag + "): " : "") + what,
               ctx};
}

// Splits the text into segments, honouring the release character.
Result<std::vector<Segment>> segments(std::string_view text, const Delimiters& d,
                                      std::vector<std::string>& warnings) {
  std::vector<Segment> out;
  Segment current;
  std::vector<std::string> element(1);
  std::string* part = &element.back();
  auto endElement = [&] {
    current.elements.push_back(element);
    element.assign(1, {});
    part = &element.back();
  };
  bool inTag = true;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (d.release != '\0' && c == d.release) {
      if (i + 1 >= text.size()) {
        Segment at{current.tag, {}, out.size() + 1};
        return tl::unexpected(problem(&at, "release character at the end of the text"));
      }
      (inTag ? current.tag : *part) += text[++i];
    } else if (c == d.segment) {
      if (!inTag) endElement();
      current.number = out.size() + 1;
      out.push_back(std::move(current));
      current = Segment{};
      inTag = true;
      // Line breaks between segments are layout, not content.
      while (i + 1 < text.size() && (text[i + 1] == '\r' || text[i + 1] == '\n')) ++i;
    } else if (c == d.element) {
      if (inTag) {
        inTag = false;
      } else {
        endElement();
      }
    } else if (c == d.component && !inTag) {
      element.emplace_back();
      part = &element.back();
    } else {
      (inTag ? current.tag : *part) += c;
    }
  }
  // What follows the last terminator: layout, or a last segment sent without its terminator.
  std::string rest = current.tag;
  for (const auto& e : current.elements) {
    for (const auto& c : e) rest += c;
  }
  rest += *part;
  const bool onlyLayout = rest.find_first_not_of(" \t\r\n") == std::string::npos;
  if (!onlyLayout) {
    if (current.tag != "UNT" && current.tag != "UNZ") {
      Segment at{current.tag, {}, out.size() + 1};
      return tl::unexpected(problem(&at, "the last segment has no terminator"));
    }
    if (!inTag) endElement();
    while (!current.elements.empty() && !current.elements.back().empty() &&
           !current.elements.back().back().empty() &&
           (current.elements.back().back().back() == '\n' ||
            current.elements.back().back().back() == '\r')) {
      current.elements.back().back().pop_back();
    }
    current.number = out.size() + 1;
    warnings.push_back("segment " + std::to_string(current.number) + " (" + current.tag +
                       "): no terminator at the end of the text");
    out.push_back(std::move(current));
  }
  return out;
}

bool isTag(const Segment& s, const char* tag) { return s.tag == tag; }

}  // namespace

std::string Segment::at(std::size_t element, std::size_t component) const {
  if (element == 0 || element > elements.size()) return {};
  const auto& e = elements[element - 1];
  if (component == 0 || component > e.size()) return {};
  return e[component - 1];
}

// UNA, the service string advice (ISO 9735): component, element, decimal, release, reserved
// (the repetition separator from version 4), terminator. As senders write it:
//  - a release position holding a space means no release character (ISO 9735);
//  - some leave the reserved position out ("UNA:+.?'UNB…"): seen when the ninth character
//    begins the next segment's tag and the eighth is no letter or digit (with a warning);
//  - a terminator that is a space or a letter or digit is refused: it would cut every
//    segment apart wrongly.
// Returns how many characters the advice took.
Result<std::size_t> serviceStringAdvice(std::string_view text, Delimiters& d,
                                        std::vector<std::string>& warnings) {
  if (text.size() < 8) return fail(ErrorCode::kMalformedMessage, "UNA: shorter than 9 characters");
  auto isTagStart = [](char c) { return c >= 'A' && c <= 'Z'; };
  auto isAlnum = [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  };
  std::size_t length = 9;
  char terminator = text.size() > 8 ? text[8] : '\0';
  if (text.size() == 8 ||
      (isTagStart(text[8]) && !isAlnum(text[7]) && text[7] != ' ' && text.substr(8, 3) != "UNA")) {
    length = 8;
    terminator = text[7];
    warnings.push_back("UNA: 8 characters, the reserved position left out: '" +
                       std::string(1, terminator) + "' read as the segment terminator");
  }
  if (terminator == ' ' || isAlnum(terminator) || terminator == '\0') {
    return fail(ErrorCode::kMalformedMessage,
                "UNA: '" + std::string(text.substr(0, 9)) + "' names no usable segment terminator");
  }
  d.component = text[3];
  d.element = text[4];
  d.decimal = text[5];
  d.release = text[6] == ' ' ? '\0' : text[6];
  d.segment = terminator;
  return length;
}

Result<Interchange> parse(std::string_view text, const ParseOptions& options) {
  while (!text.empty() &&
         (text.front() == '\r' || text.front() == '\n' || text.front() == ' ' ||
          text.front() == '\xEF' || text.front() == '\xBB' || text.front() == '\xBF')) {
    text.remove_prefix(1);  // layout and a UTF-8 byte order mark
  }
  Delimiters d;
  Interchange out;
  if (text.substr(0, 3) == "UNA") {
    auto read = serviceStringAdvice(text, d, out.warnings);
    if (!read) return tl::unexpected(read.error());
    text.remove_prefix(*read);
    while (!text.empty() && (text.front() == '\r' || text.front() == '\n')) text.remove_prefix(1);
  }
  auto all = segments(text, d, out.warnings);  // moved into the messages below, not copied
  if (!all) return tl::unexpected(all.error());
  if (all->empty()) return fail(ErrorCode::kMalformedMessage, "no EDIFACT segments");
  // A count that does not match: refused, or (lenient) kept as a warning.
  auto countProblem = [&](const Segment& at, const std::string& what) -> std::optional<Error> {
    if (!options.tolerateCountMismatch) return problem(&at, what);
    out.warnings.push_back(problem(&at, what).text);
    return std::nullopt;
  };
  std::size_t i = 0;
  std::vector<Segment>& s = *all;
  if (isTag(s[0], "UNB")) {
    out.header = s[0];
    out.sender = s[0].at(2);
    out.recipient = s[0].at(3);
    out.reference = s[0].at(5);
    i = 1;
  } else if (!isTag(s[0], "UNH")) {
    return tl::unexpected(problem(&s[0], "expected UNB or UNH"));
  }
  while (i < s.size()) {
    if (isTag(s[i], "UNZ")) {
      if (!out.header) return tl::unexpected(problem(&s[i], "UNZ without UNB"));
      if (s[i].at(1) != std::to_string(out.messages.size())) {
        if (auto e = countProblem(s[i], "counts " + s[i].at(1) + " messages; the interchange has " +
                                            std::to_string(out.messages.size()))) {
          return tl::unexpected(*e);
        }
      }
      if (s[i].at(2) != out.reference) {
        return tl::unexpected(
            problem(&s[i], "reference " + s[i].at(2) + " does not match UNB's " + out.reference));
      }
      if (i + 1 != s.size()) return tl::unexpected(problem(&s[i + 1], "after UNZ"));
      return out;
    }
    if (!isTag(s[i], "UNH")) return tl::unexpected(problem(&s[i], "expected UNH"));
    Message m;
    m.reference = s[i].at(1);
    m.type = s[i].at(2, 1);
    m.profile = s[i].at(2, 5);
    for (; i < s.size() && !isTag(s[i], "UNT"); ++i) m.segments.push_back(std::move(s[i]));
    if (i == s.size()) {
      return tl::unexpected(problem(&m.segments.front(), "message " + m.reference + " has no UNT"));
    }
    m.segments.push_back(s[i]);
    const Segment& unt = s[i];
    if (unt.at(1) != std::to_string(m.segments.size())) {
      if (auto e = countProblem(unt, "counts " + unt.at(1) + " segments; message " + m.reference +
                                         " has " + std::to_string(m.segments.size()))) {
        return tl::unexpected(*e);
      }
    }
    if (unt.at(2) != m.reference) {
      return tl::unexpected(
          problem(&unt, "reference " + unt.at(2) + " does not match UNH's " + m.reference));
    }
    out.messages.push_back(std::move(m));
    ++i;
  }
  if (out.header) {
    return fail(ErrorCode::kMalformedMessage, "the interchange " + out.reference + " has no UNZ");
  }
  return out;
}

}  // namespace pathhub::edifact
