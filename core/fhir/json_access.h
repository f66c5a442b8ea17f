// Reading FHIR JSON as Poco parses it (and as fhir_xml.h turns FHIR XML into it): a property's
// text, object or array, where a missing property reads as empty. Shared by the Bundle
// readers.
#pragma once

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <charconv>
#include <string>

namespace pathhub::fhir::json {

using Poco::JSON::Array;
using Poco::JSON::Object;

inline std::string text(const Object::Ptr& o, const std::string& key) {
  if (!o || !o->has(key) || o->isNull(key)) return {};
  const Poco::Dynamic::Var v = o->get(key);
  if (v.type() == typeid(double)) {
    // Shortest form that reads back as the same double.
    char buffer[32];
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, v.extract<double>());
    return ec == std::errc() ? std::string(buffer, end) : v.toString();
  }
  return v.toString();
}

inline Object::Ptr obj(const Object::Ptr& o, const std::string& key) {
  return o && o->has(key) ? o->getObject(key) : nullptr;
}

// An array property; a single value is taken as an array of one (FHIR XML does not say which
// elements repeat).
inline Array::Ptr arr(const Object::Ptr& o, const std::string& key) {
  if (!o || !o->has(key)) return nullptr;
  if (Array::Ptr a = o->getArray(key)) return a;
  Array::Ptr one = new Array;
  one->add(o->get(key));
  return one;
}

inline Object::Ptr first(const Object::Ptr& o, const std::string& key) {
  Array::Ptr a = arr(o, key);
  return a && a->size() > 0 ? a->getObject(0) : nullptr;
}

}  // namespace pathhub::fhir::json
