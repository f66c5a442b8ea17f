// Typed reads of an API call's parameters (see api_request.h).
#include "http/api_request.h"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/DateTimeParser.h>
#include <Poco/JSON/JSONException.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Timestamp.h>

#include <algorithm>
#include <charconv>
#include <regex>

#include "replay/replay_window.h"

namespace pathhub::http {
namespace {

std::optional<long long> wholeNumber(const std::string& text) {
  long long n = 0;
  const auto* end = text.data() + text.size();
  auto [at, ec] = std::from_chars(text.data(), end, n);
  if (ec != std::errc() || at != end || text.empty()) return std::nullopt;
  return n;
}

}  // namespace

ApiError ApiError::from(const Error& e) {
  switch (e.code) {
    case ErrorCode::kNotFound:
      return ApiError(404, "not_found", e.text);
    case ErrorCode::kInvalidState:
      return ApiError(409, "invalid_state", e.text);
    case ErrorCode::kUnconvertible:
      return ApiError(422, "unconvertible", e.text);
    case ErrorCode::kUnavailable:
      return ApiError(503, "unavailable", e.text);
    case ErrorCode::kIoError:
      return ApiError(503, "journal_unavailable", e.text);
    case ErrorCode::kInvalidValue:
    case ErrorCode::kInvalidPath:
    case ErrorCode::kUsage:
      return ApiError(400, std::string(errorCodeName(e.code)), e.text);
    default:
      return ApiError(500, std::string(errorCodeName(e.code)), e.text);
  }
}

void ApiRequest::allowOnly(const std::vector<std::string>& names) const {
  for (const auto& [name, value] : query) {
    if (std::find(names.begin(), names.end(), name) == names.end()) {
      std::string known;
      for (const auto& n : names) known += (known.empty() ? "" : ", ") + n;
      throw ApiError::badParameter(
          name,
          "unknown parameter" + (known.empty() ? std::string() : "; this endpoint takes " + known));
    }
  }
}

std::string ApiRequest::text(const std::string& name) const {
  auto it = query.find(name);
  if (it == query.end()) return {};
  if (query.count(name) > 1) throw ApiError::badParameter(name, "given more than once");
  return it->second;
}

int ApiRequest::integer(const std::string& name, int fallback, int min, int max) const {
  const std::string value = text(name);
  if (value.empty()) return fallback;
  auto n = wholeNumber(value);
  if (!n || *n < min || *n > max) {
    throw ApiError::badParameter(name, "'" + value + "' is not a whole number from " +
                                           std::to_string(min) + " to " + std::to_string(max));
  }
  return static_cast<int>(*n);
}

bool ApiRequest::flag(const std::string& name) const {
  const std::string value = text(name);
  if (value.empty() || value == "false") return false;
  if (value == "true") return true;
  throw ApiError::badParameter(name, "'" + value + "' is not true or false");
}

std::int64_t ApiRequest::id(const std::string& name) const {
  const std::string value = text(name);
  if (value.empty()) return 0;
  auto n = wholeNumber(value);
  if (!n || *n < 1) throw ApiError::badParameter(name, "'" + value + "' is not a message id");
  return *n;
}

std::int64_t ApiRequest::instantMs(const std::string& name) const {
  const std::string value = text(name);
  if (value.empty()) return 0;
  if (auto ms = replay::parseInstantMs(value)) return *ms;
  throw ApiError::badParameter(
      name, "'" + value + "' is not an ISO 8601 time (2026-11-25T10:00:00Z) or epoch milliseconds");
}

std::int64_t ApiRequest::pathId(const std::string& name) const {
  auto it = pathParams.find(name);
  const std::string value = it == pathParams.end() ? "" : it->second;
  auto n = wholeNumber(value);
  if (!n || *n < 1) throw ApiError::badParameter(name, "'" + value + "' is not a message id");
  return *n;
}

Poco::JSON::Object::Ptr ApiRequest::jsonBody() const {
  if (std::all_of(body.begin(), body.end(), [](unsigned char c) { return std::isspace(c); })) {
    return new Poco::JSON::Object;
  }
  try {
    Poco::JSON::Parser parser;
    auto parsed = parser.parse(body);
    if (parsed.type() == typeid(Poco::JSON::Object::Ptr)) {
      return parsed.extract<Poco::JSON::Object::Ptr>();
    }
  } catch (const Poco::Exception& e) {
    throw ApiError(400, "bad_body", "the body is not JSON: " + e.displayText());
  } catch (const std::exception&) {
  }
  throw ApiError(400, "bad_body", "the body must be a JSON object");
}

std::string isoTime(std::int64_t ms) {
  if (ms <= 0) return {};
  return Poco::DateTimeFormatter::format(Poco::Timestamp(ms * 1000), "%Y-%m-%dT%H:%M:%S.%iZ");
}

}  // namespace pathhub::http
