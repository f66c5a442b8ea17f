// The model ⇄ Lua table (see lua_model.h).
#include "lua/lua_model.h"

#include <string>
#include <vector>

#include "lua/lua_boundary.h"

namespace pathhub::lua {
namespace {

using model::Value;

const char* const kKinds[] = {"none", "quantity", "coded", "text", "range", "ratio", "datetime"};

// --- writing: the table being filled is on top of the stack ---

void field(lua_State* L, const char* key, const std::string& value) {
  lua_pushlstring(L, value.data(), value.size());
  lua_setfield(L, -2, key);
}

template <typename T, typename Push>
void list(lua_State* L, const char* key, const std::vector<T>& items, Push push) {
  lua_createtable(L, static_cast<int>(items.size()), 0);
  for (std::size_t i = 0; i < items.size(); ++i) {
    push(items[i]);
    lua_rawseti(L, -2, static_cast<lua_Integer>(i + 1));
  }
  lua_setfield(L, -2, key);
}

void strings(lua_State* L, const char* key, const std::vector<std::string>& items) {
  list(L, key, items, [L](const std::string& s) { lua_pushlstring(L, s.data(), s.size()); });
}

void pushCoding(lua_State* L, const model::Coding& c) {
  lua_createtable(L, 0, 4);
  field(L, "code", c.code);
  field(L, "display", c.display);
  field(L, "system", c.system);
  if (!c.alternates.empty()) {
    list(L, "alternates", c.alternates, [L](const model::Coding& a) { pushCoding(L, a); });
  }
}

void coding(lua_State* L, const char* key, const model::Coding& c) {
  pushCoding(L, c);
  lua_setfield(L, -2, key);
}

void pushName(lua_State* L, const model::HumanName& n) {
  lua_createtable(L, 0, 3);
  field(L, "family", n.family);
  strings(L, "given", n.given);
  field(L, "prefix", n.prefix);
}

void pushQuantity(lua_State* L, const model::Quantity& q) {
  lua_createtable(L, 0, 3);
  field(L, "value", q.value);
  field(L, "comparator", q.comparator);
  field(L, "unit", q.unit);
}

void pushRange(lua_State* L, const model::Range& r) {
  lua_createtable(L, 0, 3);
  pushQuantity(L, r.low);
  lua_setfield(L, -2, "low");
  pushQuantity(L, r.high);
  lua_setfield(L, -2, "high");
  field(L, "text", r.text);
}

void pushObservation(lua_State* L, const model::Observation& o) {
  lua_createtable(L, 0, 12);
  coding(L, "code", o.code);
  field(L, "sub_id", o.subId);
  lua_createtable(L, 0, 7);
  field(L, "kind", kKinds[static_cast<int>(o.value.kind)]);
  pushQuantity(L, o.value.quantity);
  lua_setfield(L, -2, "quantity");
  pushQuantity(L, o.value.denominator);
  lua_setfield(L, -2, "denominator");
  coding(L, "coded", o.value.coded);
  field(L, "text", o.value.text);
  pushRange(L, o.value.range);
  lua_setfield(L, -2, "range");
  lua_setfield(L, -2, "value");
  field(L, "unit", o.unit);
  list(L, "reference_ranges", o.referenceRanges, [L](const model::Range& r) { pushRange(L, r); });
  strings(L, "interpretation", o.interpretation);
  field(L, "status", o.status);
  field(L, "method", o.method);
  field(L, "observed_at", o.observedAt);
  field(L, "performer", o.performer);
  strings(L, "comments", o.comments);
  list(L, "members", o.members,
       [L](std::size_t i) { lua_pushinteger(L, static_cast<lua_Integer>(i + 1)); });
  list(L, "specimens", o.specimens,
       [L](std::size_t i) { lua_pushinteger(L, static_cast<lua_Integer>(i + 1)); });
}

void pushReport(lua_State* L, const model::Report& r) {
  lua_createtable(L, 0, 20);
  coding(L, "code", r.code);
  field(L, "placer_order", r.placerOrder);
  field(L, "filler_order", r.fillerOrder);
  field(L, "status", r.status);
  field(L, "issued_at", r.issuedAt);
  field(L, "performing_lab", r.performingLab);
  list(L, "specimens", r.specimens,
       [L](std::size_t i) { lua_pushinteger(L, static_cast<lua_Integer>(i + 1)); });
  field(L, "priority", r.priority);
  field(L, "clinical_details", r.clinicalDetails);
  field(L, "conclusion", r.conclusion);
  strings(L, "comments", r.comments);
  list(L, "results", r.results, [L](const model::Observation& o) { pushObservation(L, o); });
  list(L, "documents", r.documents, [L](const model::Document& d) {
    lua_createtable(L, 0, 4);
    field(L, "content_type", d.contentType);
    field(L, "base64", d.base64);
    field(L, "title", d.title);
    field(L, "url", d.url);
  });
  field(L, "parent_filler", r.parentFiller);
  field(L, "parent_code", r.parentCode);
  field(L, "parent_sub_id", r.parentSubId);
  field(L, "parent_value", r.parentValue);
  lua_createtable(L, 0, 3);
  field(L, "id", r.requester.id);
  field(L, "id_authority", r.requester.idAuthority);
  pushName(L, r.requester.name);
  lua_setfield(L, -2, "name");
  lua_setfield(L, -2, "requester");
  field(L, "requester_organisation", r.requesterOrganisation);
  field(L, "requester_organisation_name", r.requesterOrganisationName);
}

// --- reading: `path` names the table being read, for errors ---

class TableReader {
 public:
  TableReader(lua_State* L, int index, std::string path)
      : L_(L), index_(lua_absindex(L, index)), path_(std::move(path)) {
    if (!lua_istable(L_, index_)) {
      throw ScriptError("ctx:set_model: " + (path_.empty() ? "the model" : path_) +
                        " is not a table");
    }
  }

  std::string text(const char* key) const {
    lua_getfield(L_, index_, key);
    std::string out;
    if (lua_type(L_, -1) == LUA_TSTRING || lua_type(L_, -1) == LUA_TNUMBER) {
      std::size_t n = 0;
      const char* s = lua_tolstring(L_, -1, &n);
      out.assign(s, n);
    } else if (!lua_isnil(L_, -1)) {
      const std::string type = luaL_typename(L_, -1);
      lua_pop(L_, 1);
      throw ScriptError("ctx:set_model: " + where(key) + " is a " + type + ", not text");
    }
    lua_pop(L_, 1);
    return out;
  }

  // Calls read(TableReader) on the sub-table `key` (absent: not called).
  template <typename F>
  void table(const char* key, F read) const {
    lua_getfield(L_, index_, key);
    if (!lua_isnil(L_, -1)) read(TableReader(L_, -1, where(key)));
    lua_pop(L_, 1);
  }

  // Calls read(TableReader or stack index, path) for each element of the array `key`.
  template <typename F>
  void array(const char* key, F read) const {
    lua_getfield(L_, index_, key);
    if (!lua_isnil(L_, -1)) {
      if (!lua_istable(L_, -1)) {
        lua_pop(L_, 1);
        throw ScriptError("ctx:set_model: " + where(key) + " is not a list");
      }
      const auto n = static_cast<lua_Integer>(lua_rawlen(L_, -1));
      for (lua_Integer i = 1; i <= n; ++i) {
        lua_rawgeti(L_, -1, i);
        read(lua_gettop(L_), where(key) + "[" + std::to_string(i) + "]");
        lua_pop(L_, 1);
      }
    }
    lua_pop(L_, 1);
  }

  std::vector<std::string> strings(const char* key) const {
    std::vector<std::string> out;
    array(key, [&](int index, const std::string& path) {
      if (lua_type(L_, index) != LUA_TSTRING && lua_type(L_, index) != LUA_TNUMBER) {
        throw ScriptError("ctx:set_model: " + path + " is not text");
      }
      out.emplace_back(lua_tostring(L_, index));
    });
    return out;
  }

  lua_State* state() const { return L_; }
  std::string where(const char* key) const { return path_.empty() ? key : path_ + "." + key; }

 private:
  lua_State* L_;
  int index_;
  std::string path_;
};

model::Coding readCoding(const TableReader& t) {
  model::Coding c{t.text("code"), t.text("display"), t.text("system"), {}};
  t.array("alternates", [&](int index, const std::string& path) {
    c.alternates.push_back(readCoding(TableReader(t.state(), index, path)));
  });
  return c;
}

model::HumanName readName(const TableReader& t) {
  return {t.text("family"), t.strings("given"), t.text("prefix")};
}

model::Quantity readQuantity(const TableReader& t) {
  return {t.text("value"), t.text("comparator"), t.text("unit")};
}

model::Range readRange(const TableReader& t) {
  model::Range r;
  t.table("low", [&](const TableReader& q) { r.low = readQuantity(q); });
  t.table("high", [&](const TableReader& q) { r.high = readQuantity(q); });
  r.text = t.text("text");
  return r;
}

// A list `specimens` of 1-based numbers of the message's specimens, as 0-based indexes.
std::vector<std::size_t> specimenIndexes(const TableReader& t, std::size_t specimenCount) {
  std::vector<std::size_t> out;
  t.array("specimens", [&](int index, const std::string& path) {
    int ok = 0;
    const lua_Integer i = lua_tointegerx(t.state(), index, &ok);
    if (!ok || i < 1 || static_cast<std::size_t>(i) > specimenCount) {
      throw ScriptError("ctx:set_model: " + path + " is not the number of one of the " +
                        std::to_string(specimenCount) + " specimens");
    }
    out.push_back(static_cast<std::size_t>(i - 1));
  });
  return out;
}

model::Observation readObservation(const TableReader& t, std::size_t specimenCount) {
  model::Observation o;
  t.table("code", [&](const TableReader& c) { o.code = readCoding(c); });
  o.subId = t.text("sub_id");
  t.table("value", [&](const TableReader& v) {
    const std::string kind = v.text("kind");
    bool known = false;
    for (int k = 0; k < 7; ++k) {
      if (kind == kKinds[k] || (kind.empty() && k == 0)) {
        o.value.kind = static_cast<Value::Kind>(k);
        known = true;
        break;
      }
    }
    if (!known) {
      throw ScriptError("ctx:set_model: " + v.where("kind") + ": '" + kind +
                        "' is not one of none, quantity, coded, text, range, ratio, datetime");
    }
    v.table("quantity", [&](const TableReader& q) { o.value.quantity = readQuantity(q); });
    v.table("denominator", [&](const TableReader& q) { o.value.denominator = readQuantity(q); });
    v.table("coded", [&](const TableReader& c) { o.value.coded = readCoding(c); });
    o.value.text = v.text("text");
    v.table("range", [&](const TableReader& r) { o.value.range = readRange(r); });
  });
  o.unit = t.text("unit");
  t.array("reference_ranges", [&](int index, const std::string& path) {
    o.referenceRanges.push_back(readRange(TableReader(t.state(), index, path)));
  });
  o.interpretation = t.strings("interpretation");
  o.status = t.text("status");
  o.method = t.text("method");
  o.observedAt = t.text("observed_at");
  o.performer = t.text("performer");
  o.comments = t.strings("comments");
  t.array("members", [&](int index, const std::string& path) {
    int ok = 0;
    const lua_Integer i = lua_tointegerx(t.state(), index, &ok);
    if (!ok || i < 1) throw ScriptError("ctx:set_model: " + path + " is not a result's number");
    o.members.push_back(static_cast<std::size_t>(i - 1));
  });
  o.specimens = specimenIndexes(t, specimenCount);
  return o;
}

model::Report readReport(const TableReader& t, std::size_t specimenCount) {
  model::Report r;
  t.table("code", [&](const TableReader& c) { r.code = readCoding(c); });
  r.placerOrder = t.text("placer_order");
  r.fillerOrder = t.text("filler_order");
  r.status = t.text("status");
  r.issuedAt = t.text("issued_at");
  r.performingLab = t.text("performing_lab");
  r.specimens = specimenIndexes(t, specimenCount);
  r.priority = t.text("priority");
  r.clinicalDetails = t.text("clinical_details");
  r.conclusion = t.text("conclusion");
  r.comments = t.strings("comments");
  r.requesterOrganisationName = t.text("requester_organisation_name");
  t.array("results", [&](int index, const std::string& path) {
    r.results.push_back(readObservation(TableReader(t.state(), index, path), specimenCount));
  });
  for (std::size_t i = 0; i < r.results.size(); ++i) {
    for (std::size_t m : r.results[i].members) {
      if (m >= r.results.size()) {
        throw ScriptError("ctx:set_model: " + t.where("results") + "[" + std::to_string(i + 1) +
                          "].members names result " + std::to_string(m + 1) + " of " +
                          std::to_string(r.results.size()));
      }
    }
  }
  t.array("documents", [&](int index, const std::string& path) {
    const TableReader d(t.state(), index, path);
    r.documents.push_back(
        {d.text("content_type"), d.text("base64"), d.text("title"), d.text("url")});
  });
  r.parentFiller = t.text("parent_filler");
  r.parentCode = t.text("parent_code");
  r.parentSubId = t.text("parent_sub_id");
  r.parentValue = t.text("parent_value");
  t.table("requester", [&](const TableReader& q) {
    r.requester.id = q.text("id");
    r.requester.idAuthority = q.text("id_authority");
    q.table("name", [&](const TableReader& n) { r.requester.name = readName(n); });
  });
  r.requesterOrganisation = t.text("requester_organisation");
  return r;
}

}  // namespace

void pushModel(lua_State* L, const model::Message& m) {
  lua_createtable(L, 0, 5);
  lua_createtable(L, 0, 8);
  field(L, "message_id", m.header.messageId);
  field(L, "sent_at", m.header.sentAt);
  field(L, "event", m.header.event);
  field(L, "version", m.header.version);
  field(L, "sending_application", m.header.sendingApplication);
  field(L, "sending_facility", m.header.sendingFacility);
  field(L, "receiving_application", m.header.receivingApplication);
  field(L, "receiving_facility", m.header.receivingFacility);
  lua_setfield(L, -2, "header");

  const model::Patient& p = m.patient;
  lua_createtable(L, 0, 9);
  field(L, "nhs_number", p.nhsNumber);
  field(L, "nhs_number_status", p.nhsNumberStatus);
  list(L, "identifiers", p.identifiers, [L](const model::Identifier& i) {
    lua_createtable(L, 0, 3);
    field(L, "value", i.value);
    field(L, "authority", i.authority);
    field(L, "type", i.type);
  });
  pushName(L, p.name);
  lua_setfield(L, -2, "name");
  field(L, "birth_date", p.birthDate);
  field(L, "sex", p.sex);
  lua_createtable(L, 0, 3);
  strings(L, "lines", p.address.lines);
  field(L, "city", p.address.city);
  field(L, "postcode", p.address.postcode);
  lua_setfield(L, -2, "address");
  field(L, "gp_practice", p.gpPractice);
  lua_setfield(L, -2, "patient");

  list(L, "specimens", m.specimens, [L](const model::Specimen& s) {
    lua_createtable(L, 0, 5);
    field(L, "id", s.id);
    coding(L, "type", s.type);
    field(L, "collected_at", s.collectedAt);
    field(L, "received_at", s.receivedAt);
    field(L, "fasting", s.fasting);
    strings(L, "comments", s.comments);
  });
  list(L, "reports", m.reports, [L](const model::Report& r) { pushReport(L, r); });
  strings(L, "warnings", m.warnings);
}

model::Message readModel(lua_State* L, int index) {
  const TableReader t(L, index, "");
  model::Message m;
  t.table("header", [&](const TableReader& h) {
    m.header = {h.text("message_id"),
                h.text("sent_at"),
                h.text("event"),
                h.text("version"),
                h.text("sending_application"),
                h.text("sending_facility"),
                h.text("receiving_application"),
                h.text("receiving_facility")};
  });
  t.table("patient", [&](const TableReader& p) {
    m.patient.nhsNumber = p.text("nhs_number");
    m.patient.nhsNumberStatus = p.text("nhs_number_status");
    p.array("identifiers", [&](int i, const std::string& path) {
      const TableReader id(L, i, path);
      m.patient.identifiers.push_back({id.text("value"), id.text("authority"), id.text("type")});
    });
    p.table("name", [&](const TableReader& n) { m.patient.name = readName(n); });
    m.patient.birthDate = p.text("birth_date");
    m.patient.sex = p.text("sex");
    p.table("address", [&](const TableReader& a) {
      m.patient.address = {a.strings("lines"), a.text("city"), a.text("postcode")};
    });
    m.patient.gpPractice = p.text("gp_practice");
  });
  t.array("specimens", [&](int i, const std::string& path) {
    const TableReader s(L, i, path);
    model::Specimen sp;
    sp.id = s.text("id");
    s.table("type", [&](const TableReader& c) { sp.type = readCoding(c); });
    sp.collectedAt = s.text("collected_at");
    sp.receivedAt = s.text("received_at");
    sp.fasting = s.text("fasting");
    sp.comments = s.strings("comments");
    m.specimens.push_back(std::move(sp));
  });
  t.array("reports", [&](int i, const std::string& path) {
    m.reports.push_back(readReport(TableReader(L, i, path), m.specimens.size()));
  });
  return m;
}

}  // namespace pathhub::lua
