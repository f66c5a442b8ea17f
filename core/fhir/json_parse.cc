// FHIR JSON with exact numbers (see json_parse.h).
#include "fhir/json_parse.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <simdjson.h>

#include "fhir/json_decimal.h"

namespace pathhub::fhir {
namespace {

namespace od = simdjson::ondemand;
constexpr int kMaxDepth = 128;

struct TooDeep {};

std::string_view withoutTrailingSpace(std::string_view token) {
  while (!token.empty() && (token.back() == ' ' || token.back() == '\t' || token.back() == '\n' ||
                            token.back() == '\r')) {
    token.remove_suffix(1);
  }
  return token;
}

Poco::Dynamic::Var build(od::value value, int depth) {
  if (depth > kMaxDepth) throw TooDeep{};
  switch (value.type()) {
    case od::json_type::object: {
      Poco::JSON::Object::Ptr object = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
      for (auto field : value.get_object()) {
        const std::string key(field.unescaped_key().value());
        object->set(key, build(field.value(), depth + 1));
      }
      return object;
    }
    case od::json_type::array: {
      Poco::JSON::Array::Ptr array = new Poco::JSON::Array;
      for (auto element : value.get_array()) array->add(build(element.value(), depth + 1));
      return array;
    }
    case od::json_type::number:
      // The exact token, after simdjson has checked it is a JSON number.
      (void)value.get_number().value();
      return JsonDecimal{std::string(withoutTrailingSpace(value.raw_json_token()))};
    case od::json_type::string:
      return std::string(value.get_string().value());
    case od::json_type::boolean:
      return value.get_bool().value();
    case od::json_type::null:
      if (!value.is_null()) throw simdjson::simdjson_error(simdjson::N_ATOM_ERROR);
      return Poco::Dynamic::Var();
  }
  return Poco::Dynamic::Var();
}

}  // namespace

Result<Poco::Dynamic::Var> parseJson(std::string_view text) {
  try {
    od::parser parser;
    const simdjson::padded_string padded(text);
    od::document doc = parser.iterate(padded);
    return build(doc.get_value().value(), 0);
  } catch (const simdjson::simdjson_error& e) {
    return fail(ErrorCode::kInvalidValue, std::string("FHIR JSON does not parse: ") + e.what());
  } catch (const TooDeep&) {
    return fail(ErrorCode::kInvalidValue,
                "FHIR JSON nests deeper than " + std::to_string(kMaxDepth) + " levels");
  }
}

}  // namespace pathhub::fhir
