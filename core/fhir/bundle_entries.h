// A message Bundle's resources as the small readers (orders, responses) walk them: every
// entry's resource in order, and references resolved by fullUrl; an identifier by its system.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "fhir/json_access.h"

namespace pathhub::fhir {

struct BundleEntries {
  std::map<std::string, json::Object::Ptr> byUrl;
  std::vector<json::Object::Ptr> all;
  // The resource a Reference names by fullUrl; null when no entry has it.
  json::Object::Ptr resolve(const json::Object::Ptr& reference) const {
    const auto it = byUrl.find(json::text(reference, "reference"));
    return it == byUrl.end() ? nullptr : it->second;
  }
  // The first resource of this type; null when there is none.
  json::Object::Ptr firstOf(const std::string& type) const {
    for (const auto& r : all) {
      if (json::text(r, "resourceType") == type) return r;
    }
    return nullptr;
  }
};

inline BundleEntries bundleEntries(const json::Object::Ptr& bundle) {
  BundleEntries out;
  auto list = json::arr(bundle, "entry");
  for (std::size_t i = 0; list && i < list->size(); ++i) {
    json::Object::Ptr e = list->getObject(static_cast<unsigned>(i));
    json::Object::Ptr r = json::obj(e, "resource");
    if (!r) continue;
    out.byUrl[json::text(e, "fullUrl")] = r;
    out.all.push_back(r);
  }
  return out;
}

// The value of the resource's first identifier in `system` (any system when empty), or "".
inline std::string identifierOf(const json::Object::Ptr& resource, const std::string& system) {
  auto ids = json::arr(resource, "identifier");
  for (std::size_t i = 0; ids && i < ids->size(); ++i) {
    json::Object::Ptr id = ids->getObject(static_cast<unsigned>(i));
    if (system.empty() || json::text(id, "system") == system) return json::text(id, "value");
  }
  return {};
}

}  // namespace pathhub::fhir
