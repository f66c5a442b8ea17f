// Checking plugin settings against their schema (see plugin_config.h).
#include "plugin/plugin_config.h"

#include <Poco/Exception.h>
#include <Poco/URI.h>

#include <set>

#include "mllp/mllp_client.h"

namespace pathhub::plugin {
namespace {

bool readInteger(const std::string& text, long long& out) {
  try {
    std::size_t used = 0;
    out = std::stoll(text, &used);
    return used == text.size();
  } catch (const std::exception&) {
    return false;
  }
}

// Why `value` is not a valid `key`, or "".
std::string valueProblem(const phub_config_key& key, const std::string& value) {
  switch (key.type) {
    case PHUB_KEY_INTEGER: {
      long long n = 0;
      if (!readInteger(value, n)) return "'" + value + "' is not a whole number";
      if (n < key.min || n > key.max) {
        return "'" + value + "' is outside " + std::to_string(key.min) + ".." +
               std::to_string(key.max);
      }
      return "";
    }
    case PHUB_KEY_BOOLEAN:
      return value == "true" || value == "false" ? "" : "'" + value + "' is not true or false";
    case PHUB_KEY_ENDPOINT: {
      auto e = mllp::parseEndpoint(value, true);
      return e ? "" : e.error().text;
    }
    case PHUB_KEY_URL: {
      // Checked here, so --check-config catches "example.org/results" before the hub starts
      // a channel whose destination could never deliver.
      try {
        const Poco::URI url(value);
        if ((url.getScheme() == "http" || url.getScheme() == "https") && !url.getHost().empty()) {
          return "";
        }
      } catch (const Poco::Exception&) {
      }
      return "'" + value + "' is not an http(s)://HOST[:PORT]/PATH address";
    }
    case PHUB_KEY_STRING:
    case PHUB_KEY_PATH:
      return "";
  }
  return "has a type this hub does not know";
}

}  // namespace

std::string schemaProblem(const phub_config_key* keys, std::size_t count) {
  if (count > 0 && !keys) return "its schema has " + std::to_string(count) + " keys but no table";
  std::set<std::string> seen;
  for (std::size_t i = 0; i < count; ++i) {
    const phub_config_key& k = keys[i];
    if (!k.name || !*k.name) return "schema key " + std::to_string(i + 1) + " has no name";
    if (!seen.insert(k.name).second) return "schema key '" + std::string(k.name) + "' is twice";
    if (k.type < PHUB_KEY_STRING || k.type > PHUB_KEY_URL) {
      return "schema key '" + std::string(k.name) + "' has an unknown type";
    }
    if (k.type == PHUB_KEY_INTEGER && k.min > k.max) {
      return "schema key '" + std::string(k.name) + "' has min > max";
    }
    if (k.default_value && !k.required) {
      if (auto p = valueProblem(k, k.default_value); !p.empty()) {
        return "schema key '" + std::string(k.name) + "' default: " + p;
      }
    }
  }
  return "";
}

Result<phub_config> checkSettings(const phub_config_key* keys, std::size_t count,
                                  const config::PluginSettings& given, const std::string& where) {
  std::vector<std::string> problems;
  phub_config out;
  std::set<std::string> known;
  for (std::size_t i = 0; i < count; ++i) {
    const phub_config_key& k = keys[i];
    known.insert(k.name);
    const auto it = given.find(k.name);
    if (it == given.end()) {
      if (k.required) {
        problems.push_back(where + ": needs " + k.name + "=\"...\" (" +
                           (k.description ? k.description : "") + ")");
      } else if (k.default_value) {
        out.values[k.name] = k.default_value;
      }
      continue;
    }
    if (auto p = valueProblem(k, it->second); !p.empty()) {
      problems.push_back(where + ": " + k.name + ": " + p);
      continue;
    }
    out.values[k.name] = it->second;
  }
  for (const auto& [name, value] : given) {
    if (!known.count(name)) problems.push_back(where + ": unknown attribute '" + name + "'");
  }
  if (!problems.empty()) {
    std::string text;
    for (const auto& p : problems) text += (text.empty() ? "" : "\n") + p;
    return fail(ErrorCode::kInvalidValue, text);
  }
  return out;
}

}  // namespace pathhub::plugin
