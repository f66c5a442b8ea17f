// A FHIR message Bundle (JSON) read into the canonical model: R4 bundles as NHS England's
// pathology messages and UK Core shape them, and the STU3 ITK3 "National Pathology" bundles
// GP suppliers still take (the elements they share). References are resolved by fullUrl.
// Errors name the place with a JSON pointer ("/entry/4/resource/result/0: no entry has
// fullUrl urn:uuid:…").
//
// Decimals keep their text ("5.20" stays "5.20": json_parse.h). One patient per message: a
// Bundle with a second Patient that is not the same person, or a resource about one, is
// refused ("[ambiguous-identity]"), never merged. Times without a zone are read as
// Europe/London, with a zone-assumed warning.
#pragma once

#include <Poco/JSON/Object.h>

#include <string>
#include <string_view>

#include "model/pathology.h"
#include "pathhub/error.h"

namespace pathhub::fhir {

struct ReadOptions {
  // The namespace a site writes its labs' own coding systems in (bundle_writer.h), read back
  // as the lab's names.
  std::string localCodeSystems;
};

Result<model::Message> readBundle(const Poco::JSON::Object::Ptr& bundle,
                                  const ReadOptions& options = {});
// Parses the JSON text first; a syntax error names the byte offset.
Result<model::Message> readBundleJson(const std::string& json, const ReadOptions& options = {});
// The same from FHIR XML (fhir_xml.h).
Result<model::Message> readBundleXml(std::string_view xml, const ReadOptions& options = {});

}  // namespace pathhub::fhir
