// A parsed message as JSON, for hl7inspect --json and the HTTP API's parsed view.
//
// {"type","trigger","controlId","version","delimiters","segments":[{"id","fields":[...]}]}.
// fields[i] is field i+1. A field is a string when it has no structure; otherwise an array of
// repetitions, each a string or an array of components, each a string or an array of
// subcomponents. Text is decoded (escape sequences resolved); the HL7 explicit null `""` is
// JSON null. MSH-1 and MSH-2 appear as written.
#pragma once

#include <string>

#include "hl7/message.h"

namespace pathhub::hl7 {

std::string messageToJson(const Message& message, bool pretty = false);

}  // namespace pathhub::hl7
