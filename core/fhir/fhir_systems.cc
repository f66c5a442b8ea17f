// Local code systems and endpoints as URIs (see fhir_systems.h).
#include "fhir/fhir_systems.h"

#include <cctype>

namespace pathhub::fhir::systems {

std::string percentEncoded(const std::string& text) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string percentDecoded(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() &&
        std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
      out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::string localCodeSystem(const std::string& facility, const std::string& name,
                            const std::string& base) {
  if (!base.empty()) return base + percentEncoded(name);
  return std::string(kLocalCodeSystemPrefix) +
         percentEncoded(facility.empty() ? "local" : facility) + ":" + percentEncoded(name);
}

std::string localCodeName(const std::string& uri, const std::string& base) {
  if (!base.empty() && uri.size() > base.size() && uri.rfind(base, 0) == 0) {
    return percentDecoded(uri.substr(base.size()));
  }
  const std::string prefix = kLocalCodeSystemPrefix;
  if (uri.rfind(prefix, 0) != 0) return uri;
  const auto colon = uri.find(':', prefix.size());
  if (colon == std::string::npos) return uri;
  return percentDecoded(uri.substr(colon + 1));
}

std::string endpoint(const std::string& facility) {
  return std::string(kEndpointPrefix) + percentEncoded(facility.empty() ? "unknown" : facility);
}

}  // namespace pathhub::fhir::systems
