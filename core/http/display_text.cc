// Message content as UTF-8 for display (see display_text.h), with Poco's text converters.
#include "http/display_text.h"

#include <Poco/Latin1Encoding.h>
#include <Poco/TextConverter.h>
#include <Poco/UTF8Encoding.h>

namespace pathhub::http {

bool declaresLatin1(std::string_view message) {
  if (message.rfind("MSH", 0) != 0 || message.size() < 4) return false;
  const char separator = message[3];
  const std::string_view header = message.substr(0, message.find('\r'));
  std::size_t at = 0;
  for (int field = 1; field < 18 && at != std::string_view::npos; ++field) {
    at = header.find(separator, at + 1);
  }
  if (at == std::string_view::npos) return false;
  const std::string_view charset = header.substr(at + 1, header.find(separator, at + 1) - at - 1);
  return charset.rfind("8859/1", 0) == 0;
}

std::string displayText(std::string_view bytes, bool latin1) {
  Poco::UTF8Encoding utf8;
  Poco::Latin1Encoding latin;
  std::string out;
  if (latin1) {
    Poco::TextConverter(latin, utf8, '?')
        .convert(bytes.data(), static_cast<int>(bytes.size()), out);
  } else {
    Poco::TextConverter(utf8, utf8, '?').convert(bytes.data(), static_cast<int>(bytes.size()), out);
  }
  return out;
}

}  // namespace pathhub::http
