// FHIR's XML form to and from its JSON form (as Poco JSON objects), following the rules of
// the FHIR XML representation: the resource type is the element name, primitives are
// value="…" attributes, a repeated element is a JSON array, an entry's or a contained
// resource's element is wrapped, extension's url is an attribute, and the XHTML narrative
// (div) is kept as a string. Parsing is libxml2's, with the network and entity expansion off.
//
// XML does not say which elements are arrays when there is only one of them; the bundle
// reader accepts either, so no FHIR schema is needed here.
#pragma once

#include <Poco/JSON/Object.h>

#include <string>
#include <string_view>

#include "pathhub/error.h"

namespace pathhub::fhir {

// Errors name the line and the element path ("/Bundle/entry[3]/resource").
Result<Poco::JSON::Object::Ptr> xmlToJson(std::string_view xml);
std::string jsonToXml(const Poco::JSON::Object::Ptr& resource, bool pretty = false);

}  // namespace pathhub::fhir
