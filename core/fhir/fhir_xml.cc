// FHIR XML ⇄ JSON objects with libxml2 (see fhir_xml.h).
#include "fhir/fhir_xml.h"

#include <Poco/JSON/Array.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlwriter.h>

#include <map>
#include <memory>

namespace pathhub::fhir {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

constexpr const char* kNamespace = "http://hl7.org/fhir";

std::string name(const xmlNode* n) { return reinterpret_cast<const char*>(n->name); }

std::string attribute(const xmlNode* n, const char* attr) {
  xmlChar* v = xmlGetProp(n, reinterpret_cast<const xmlChar*>(attr));
  if (!v) return {};
  std::string out(reinterpret_cast<const char*>(v));
  xmlFree(v);
  return out;
}

bool hasAttribute(const xmlNode* n, const char* attr) {
  return xmlHasProp(n, reinterpret_cast<const xmlChar*>(attr)) != nullptr;
}

std::vector<const xmlNode*> elements(const xmlNode* n) {
  std::vector<const xmlNode*> out;
  for (const xmlNode* c = n->children; c; c = c->next) {
    if (c->type == XML_ELEMENT_NODE) out.push_back(c);
  }
  return out;
}

// The serialised XHTML of a narrative div.
std::string outerXml(xmlNode* n) {
  std::unique_ptr<xmlBuffer, decltype(&xmlBufferFree)> buffer(xmlBufferCreate(), xmlBufferFree);
  xmlNodeDump(buffer.get(), n->doc, n, 0, 0);
  return reinterpret_cast<const char*>(xmlBufferContent(buffer.get()));
}

Object::Ptr resource(const xmlNode* n);

// The JSON value of one element: a primitive's value, a resource wrapper's resource, or an
// object of its children.
Poco::Dynamic::Var value(const xmlNode* n) {
  const auto children = elements(n);
  if (name(n) == "div") return outerXml(const_cast<xmlNode*>(n));
  if (hasAttribute(n, "value") && children.empty()) return attribute(n, "value");
  if ((name(n) == "resource" || name(n) == "contained") && children.size() == 1) {
    return resource(children[0]);
  }
  Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  for (const char* attr : {"id", "url"}) {
    if (hasAttribute(n, attr)) o->set(attr, attribute(n, attr));
  }
  if (hasAttribute(n, "value")) o->set("value", attribute(n, "value"));
  // Repeated children become arrays, in document order.
  std::map<std::string, Array::Ptr> repeated;
  std::map<std::string, int> counts;
  for (const xmlNode* c : children) ++counts[name(c)];
  for (const xmlNode* c : children) {
    const std::string key = name(c);
    if (counts[key] > 1) {
      auto& a = repeated[key];
      if (!a) {
        a = new Array;
        o->set(key, a);
      }
      a->add(value(c));
    } else {
      o->set(key, value(c));
    }
  }
  return o;
}

Object::Ptr resource(const xmlNode* n) {
  Object::Ptr o = value(n).extract<Object::Ptr>();
  Object::Ptr out = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  out->set("resourceType", name(n));
  for (const std::string& k : o->getNames()) out->set(k, o->get(k));
  return out;
}

void writeValue(xmlTextWriterPtr w, const std::string& key, const Poco::Dynamic::Var& v);

// `key`: the element's own name. An element's id, and an extension's url, are attributes; a
// resource's id is an element like any other.
void writeObject(xmlTextWriterPtr w, const Object::Ptr& o, const std::string& key) {
  const bool isResource = o->has("resourceType");
  const bool urlAttribute = key == "extension" || key == "modifierExtension";
  if (!isResource && o->has("id")) {
    xmlTextWriterWriteAttribute(w, BAD_CAST "id", BAD_CAST o->get("id").toString().c_str());
  }
  if (urlAttribute && o->has("url")) {
    xmlTextWriterWriteAttribute(w, BAD_CAST "url", BAD_CAST o->get("url").toString().c_str());
  }
  // In insertion order (FHIR XML's element order), which Poco keeps in getNames() only.
  for (const std::string& k : o->getNames()) {
    if (k == "resourceType" || (k == "id" && !isResource) || (k == "url" && urlAttribute)) continue;
    writeValue(w, k, o->get(k));
  }
}

void writeResource(xmlTextWriterPtr w, const Object::Ptr& o, bool root) {
  const std::string type = o->has("resourceType") ? o->get("resourceType").toString() : "Resource";
  xmlTextWriterStartElement(w, BAD_CAST type.c_str());
  if (root) xmlTextWriterWriteAttribute(w, BAD_CAST "xmlns", BAD_CAST kNamespace);
  writeObject(w, o, type);
  xmlTextWriterEndElement(w);
}

void writeValue(xmlTextWriterPtr w, const std::string& key, const Poco::Dynamic::Var& v) {
  if (v.type() == typeid(Array::Ptr)) {
    Array::Ptr a = v.extract<Array::Ptr>();
    for (std::size_t i = 0; i < a->size(); ++i)
      writeValue(w, key, a->get(static_cast<unsigned>(i)));
    return;
  }
  if (v.type() == typeid(Object::Ptr)) {
    Object::Ptr o = v.extract<Object::Ptr>();
    xmlTextWriterStartElement(w, BAD_CAST key.c_str());
    if (o->has("resourceType")) {
      writeResource(w, o, false);
    } else {
      writeObject(w, o, key);
    }
    xmlTextWriterEndElement(w);
    return;
  }
  if (key == "div") {
    xmlTextWriterWriteRaw(w, BAD_CAST v.toString().c_str());
    return;
  }
  xmlTextWriterStartElement(w, BAD_CAST key.c_str());
  xmlTextWriterWriteAttribute(w, BAD_CAST "value", BAD_CAST v.convert<std::string>().c_str());
  xmlTextWriterEndElement(w);
}

}  // namespace

Result<Poco::JSON::Object::Ptr> xmlToJson(std::string_view xml) {
  // No network, no entity expansion, no DTD loading: the input is a peer's.
  // Errors are recorded for the message below, not printed to stderr by libxml2.
  const int options = XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_NOCDATA | XML_PARSE_NOERROR |
                      XML_PARSE_NOWARNING;
  std::unique_ptr<xmlDoc, decltype(&xmlFreeDoc)> doc(
      xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "fhir.xml", nullptr, options),
      xmlFreeDoc);
  if (!doc) {
    const xmlError* e = xmlGetLastError();
    std::string why = e && e->message ? e->message : "not well-formed";
    while (!why.empty() && why.back() == '\n') why.pop_back();
    return fail(ErrorCode::kInvalidValue,
                "FHIR XML does not parse: line " + std::to_string(e ? e->line : 0) + ": " + why);
  }
  const xmlNode* root = xmlDocGetRootElement(doc.get());
  if (!root || !root->ns ||
      std::string(reinterpret_cast<const char*>(root->ns->href)) != kNamespace) {
    return fail(ErrorCode::kInvalidValue, "FHIR XML /" + (root ? name(root) : std::string()) +
                                              ": the root element is not in the FHIR namespace " +
                                              kNamespace);
  }
  return resource(root);
}

std::string jsonToXml(const Poco::JSON::Object::Ptr& resourceObject, bool pretty) {
  std::unique_ptr<xmlBuffer, decltype(&xmlBufferFree)> buffer(xmlBufferCreate(), xmlBufferFree);
  xmlTextWriterPtr w = xmlNewTextWriterMemory(buffer.get(), 0);
  xmlTextWriterSetIndent(w, pretty ? 1 : 0);
  xmlTextWriterStartDocument(w, nullptr, "UTF-8", nullptr);
  writeResource(w, resourceObject, true);
  xmlTextWriterEndDocument(w);
  xmlFreeTextWriter(w);
  return reinterpret_cast<const char*>(xmlBufferContent(buffer.get()));
}

}  // namespace pathhub::fhir
