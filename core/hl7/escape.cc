// Implementation of HL7 v2 escape sequence decoding and encoding (see escape.h).
#include "hl7/escape.h"

#include <algorithm>
#include <cstring>

namespace pathhub::hl7 {
namespace {

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Appends the decoded form of one escape sequence body (the text between the escape
// characters). Returns false when the body is not one we decode, so the caller keeps it.
bool decodeSequence(std::string_view body, const Delimiters& d, std::string& out) {
  if (body.size() == 1) {
    switch (body[0]) {
      case 'F':
        out += d.field;
        return true;
      case 'S':
        out += d.component;
        return true;
      case 'T':
        out += d.subcomponent;
        return true;
      case 'R':
        out += d.repetition;
        return true;
      case 'E':
        out += d.escape;
        return true;
      case 'P':
        if (d.truncation == '\0') return false;
        out += d.truncation;
        return true;
      case 'H':
      case 'N':
        return true;  // highlight on/off: presentation only
      default:
        return false;
    }
  }
  if (body[0] == 'X' && body.size() >= 3 && body.size() % 2 == 1) {
    std::string bytes;
    for (std::size_t i = 1; i < body.size(); i += 2) {
      int hi = hexValue(body[i]);
      int lo = hexValue(body[i + 1]);
      if (hi < 0 || lo < 0) return false;
      bytes += static_cast<char>(hi * 16 + lo);
    }
    out += bytes;
    return true;
  }
  if (body[0] == '.' && body.size() >= 3) {
    std::string_view cmd = body.substr(1, 2);
    std::string_view arg = body.substr(3);
    if (cmd == "br") {
      if (!arg.empty()) return false;
      out += '\n';
      return true;
    }
    if (cmd == "sp") {
      int lines = 1;
      if (!arg.empty()) {
        lines = 0;
        for (char c : arg) {
          if (c < '0' || c > '9' || lines > 99) return false;
          lines = lines * 10 + (c - '0');
        }
      }
      out.append(static_cast<std::size_t>(lines), '\n');
      return true;
    }
    if (cmd == "fi" || cmd == "nf" || cmd == "ce" || cmd == "in" || cmd == "ti" || cmd == "sk") {
      return true;  // layout commands carry no text
    }
  }
  return false;
}

}  // namespace

bool hasEscapes(std::string_view raw, const Delimiters& delims) {
  return delims.escape != '\0' && !raw.empty() &&
         std::memchr(raw.data(), delims.escape, raw.size()) != nullptr;
}

std::string unescape(std::string_view raw, const Delimiters& delims) {
  if (!hasEscapes(raw, delims)) return std::string(raw);
  std::string out;
  out.reserve(raw.size());
  const char esc = delims.escape;
  std::size_t i = 0;
  while (i < raw.size()) {
    char c = raw[i];
    if (c != esc) {
      out += c;
      ++i;
      continue;
    }
    std::size_t close = raw.find(esc, i + 1);
    if (close == std::string_view::npos || close == i + 1 ||
        !decodeSequence(raw.substr(i + 1, close - i - 1), delims, out)) {
      // Not a sequence we understand: keep the escape character literally and move on.
      out += c;
      ++i;
      continue;
    }
    i = close + 1;
  }
  return out;
}

bool needsNoEscaping(std::string_view text, const Delimiters& d) {
  // An absent delimiter is '\0', itself a control byte, so it never matches a plain byte.
  return std::all_of(text.begin(), text.end(), [&d](char ch) {
    return static_cast<unsigned char>(ch) >= 0x20 && ch != d.escape && ch != d.field &&
           ch != d.component && ch != d.subcomponent && ch != d.repetition && ch != d.truncation;
  });
}

Result<std::string> escape(std::string_view text, const Delimiters& d) {
  // Most values need no escaping at all: copy them in one go.
  if (needsNoEscaping(text, d)) return std::string(text);
  if (d.escape == '\0') {
    return fail(ErrorCode::kInvalidValue,
                "the message declares no escape character, so this text cannot be written");
  }
  // \.br\ would hold a delimiter in a message that uses '.' as one (MSH-2 ".^~\$" is
  // legal): write line breaks as hex escapes there, so escaped text never holds a delimiter.
  const bool dotIsDelimiter = d.field == '.' || d.component == '.' || d.repetition == '.' ||
                              d.subcomponent == '.' || d.truncation == '.';
  std::string out;
  out.reserve(text.size() + 8);
  auto seq = [&out, &d](std::string_view body) {
    out += d.escape;
    out += body;
    out += d.escape;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\0') {
      seq("X00");
    } else if (c == d.escape) {
      seq("E");
    } else if (c == d.field) {
      seq("F");
    } else if (c == d.component && c != '\0') {
      seq("S");
    } else if (c == d.subcomponent && c != '\0') {
      seq("T");
    } else if (c == d.repetition && c != '\0') {
      seq("R");
    } else if (c == d.truncation && c != '\0') {
      seq("P");
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      seq(dotIsDelimiter ? "X0D0A" : ".br");
      ++i;
    } else if (c == '\n') {
      seq(dotIsDelimiter ? "X0A" : ".br");
    } else if (static_cast<unsigned char>(c) < 0x20 && c != '\t') {
      static const char kHex[] = "0123456789ABCDEF";
      char body[3] = {'X', kHex[(c >> 4) & 0xF], kHex[c & 0xF]};
      seq(std::string_view(body, 3));
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace pathhub::hl7
