// JSON rendering of a parsed message (see message_json.h).
#include "hl7/message_json.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <sstream>

namespace pathhub::hl7 {
namespace {

Poco::Dynamic::Var leafValue(const Message& m, std::size_t seg, const Path& p) {
  if (m.getRaw(seg, p) == "\"\"") return Poco::Dynamic::Var();  // explicit null
  return m.get(seg, p);
}

// The value of the element at `p` (depth given by which of its indexes are set).
Poco::Dynamic::Var elementValue(const Message& m, std::size_t seg, Path p) {
  if (p.repetition == 0) {
    const int reps = m.repetitionCount(seg, p);
    p.repetition = 1;
    if (reps == 1 && m.componentCount(seg, p) == 1 &&
        m.getRaw(seg, p).find(m.delimiters().subcomponent) == std::string_view::npos) {
      return leafValue(m, seg, p);
    }
    Poco::JSON::Array::Ptr out = new Poco::JSON::Array;
    for (int r = 1; r <= reps; ++r) {
      p.repetition = r;
      out->add(elementValue(m, seg, p));
    }
    return out;
  }
  if (p.component == 0) {
    const int comps = m.componentCount(seg, p);
    Path first = p;
    first.component = 1;
    if (comps == 1 &&
        m.getRaw(seg, first).find(m.delimiters().subcomponent) == std::string_view::npos) {
      return leafValue(m, seg, first);
    }
    Poco::JSON::Array::Ptr out = new Poco::JSON::Array;
    for (int c = 1; c <= comps; ++c) {
      p.component = c;
      out->add(elementValue(m, seg, p));
    }
    return out;
  }
  const char sub = m.delimiters().subcomponent;
  const std::string_view raw = m.getRaw(seg, p);
  if (sub == '\0' || raw.find(sub) == std::string_view::npos) return leafValue(m, seg, p);
  Poco::JSON::Array::Ptr out = new Poco::JSON::Array;
  int count = 1;
  for (char ch : raw) count += ch == sub;
  for (int s = 1; s <= count; ++s) {
    p.subcomponent = s;
    out->add(leafValue(m, seg, p));
  }
  return out;
}

}  // namespace

std::string messageToJson(const Message& message, bool pretty) {
  Poco::JSON::Object root(Poco::JSON_PRESERVE_KEY_ORDER);
  root.set("type", message.messageType());
  root.set("trigger", message.triggerEvent());
  root.set("controlId", message.controlId());
  root.set("version", message.version());
  root.set("delimiters",
           std::string(1, message.delimiters().field) + message.delimiters().encodingCharacters());
  Poco::JSON::Array::Ptr segments = new Poco::JSON::Array;
  for (std::size_t i = 0; i < message.segmentCount(); ++i) {
    Poco::JSON::Object::Ptr seg = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    seg->set("id", std::string(message.segmentName(i)));
    Poco::JSON::Array::Ptr fields = new Poco::JSON::Array;
    const bool header = i == 0;
    for (int f = 1; f <= message.fieldCount(i); ++f) {
      Path p;
      p.field = f;
      if (header && f <= 2) {
        fields->add(std::string(message.getRaw(i, p)));
      } else {
        fields->add(elementValue(message, i, p));
      }
    }
    seg->set("fields", fields);
    segments->add(seg);
  }
  root.set("segments", segments);
  std::ostringstream out;
  root.stringify(out, pretty ? 2 : 0);
  return out.str();
}

}  // namespace pathhub::hl7
