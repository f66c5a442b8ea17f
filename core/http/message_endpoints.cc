// Message search, a message's full record, and replay (see core/http/README.md). Every search
// and every view is audited before its answer is sent; so is every replay.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>

#include "convert/formats.h"
#include "hl7/field_names.h"
#include "hl7/message.h"
#include "hl7/message_json.h"
#include "http/api_endpoints.h"
#include "http/display_text.h"
#include "pipeline/delivery_attributes.h"

namespace pathhub::http {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

const std::vector<std::string> kFilterParameters = {
    "channel",   "state",  "from",   "to",   "controlId",     "messageType",
    "nhsNumber", "placer", "filler", "text", "deliveryState", "destination"};

const std::vector<std::string> kDeliveryStates = {"pending", "delivered", "failed", "held"};

const std::vector<std::string> kStates = {"received", "mapped",   "filtered",
                                          "failed",   "rejected", "duplicate"};

journal::MessageFilter filterFrom(const ApiRequest& r) {
  journal::MessageFilter f;
  f.channel = r.text("channel");
  f.state = r.text("state");
  if (!f.state.empty() && std::find(kStates.begin(), kStates.end(), f.state) == kStates.end()) {
    throw ApiError::badParameter("state", "'" + f.state +
                                              "' is not one of received, mapped, filtered, "
                                              "failed, rejected, duplicate");
  }
  f.fromMs = r.instantMs("from");
  f.toMs = r.instantMs("to");
  if (f.fromMs && f.toMs && f.toMs <= f.fromMs) {
    throw ApiError::badParameter("to", "is not after 'from'");
  }
  f.controlId = r.text("controlId");
  f.messageType = r.text("messageType");
  f.nhsNumber = r.text("nhsNumber");
  f.placerOrder = r.text("placer");
  f.fillerOrder = r.text("filler");
  f.text = r.text("text");
  f.deliveryState = r.text("deliveryState");
  if (!f.deliveryState.empty() && std::find(kDeliveryStates.begin(), kDeliveryStates.end(),
                                            f.deliveryState) == kDeliveryStates.end()) {
    throw ApiError::badParameter("deliveryState", "'" + f.deliveryState +
                                                      "' is not one of pending, delivered, "
                                                      "failed, held");
  }
  f.destination = r.text("destination");
  return f;
}

Object::Ptr summaryJson(const journal::MessageSummary& m) {
  Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("id", m.id);
  o->set("channel", m.channel);
  o->set("state", m.state);
  o->set("receivedAt", isoTime(m.receivedAtMs));
  o->set("controlId", displayText(m.controlId));
  o->set("messageType", m.messageType);
  o->set("source", m.source);
  o->set("peer", m.peer);
  o->set("size", m.size);
  if (m.parentId) o->set("parentId", m.parentId);
  if (!m.error.empty()) o->set("error", displayText(m.error));
  return o;
}

// The parsed tree of `bytes`, or the parse error: operators see why a message was rejected.
Poco::Dynamic::Var treeJson(const std::string& bytes) {
  auto parsed = hl7::Message::parse(bytes);
  if (!parsed) {
    Object::Ptr o = new Object;
    o->set("parseError", parsed.error().describe());
    return o;
  }
  Poco::JSON::Parser parser;
  auto tree = parser.parse(hl7::messageToJson(*parsed)).extract<Object::Ptr>();
  // Each segment's field names beside its fields (names[i] names fields[i]; "" where the
  // standard tables do not know the field), so a reader sees "PID-3 Patient Identifier List".
  auto segments = tree->getArray("segments");
  for (std::size_t i = 0; segments && i < segments->size(); ++i) {
    auto segment = segments->getObject(static_cast<unsigned>(i));
    const std::string id = segment->getValue<std::string>("id");
    const auto fields = segment->getArray("fields");
    Array::Ptr names = new Array;
    for (std::size_t f = 1; fields && f <= fields->size(); ++f) {
      names->add(std::string(hl7::fieldName(id, static_cast<int>(f))));
    }
    segment->set("names", names);
  }
  return tree;
}

}  // namespace

Object::Ptr acknowledgementJson(const journal::AcknowledgementRecord& a) {
  Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  if (a.id) o->set("id", a.id);
  if (a.messageId) o->set("messageId", a.messageId);
  if (!a.channel.empty()) o->set("channel", a.channel);
  if (!a.destination.empty()) o->set("destination", a.destination);
  o->set("reference", a.reference);
  if (!a.practice.empty()) o->set("practice", a.practice);
  o->set("state", a.state);
  o->set("sentAt", isoTime(a.sentAtMs));
  if (!a.detail.empty()) o->set("detail", a.detail);
  if (a.answeredBy) {
    o->set("answeredBy", a.answeredBy);
    o->set("answeredAt", isoTime(a.answeredAtMs));
  }
  return o;
}

namespace {

Object::Ptr detailsJson(const journal::MessageDetails& d) {
  Object::Ptr o = summaryJson(d.summary);
  if (!d.nhsNumber.empty()) o->set("nhsNumber", d.nhsNumber);
  if (!d.placerOrder.empty()) o->set("placerOrder", d.placerOrder);
  if (!d.fillerOrder.empty()) o->set("fillerOrder", d.fillerOrder);
  // As UTF-8 for JSON: a Latin-1 message converted, any other invalid byte shown as '?'.
  const std::string raw = displayMessage(d.bytes);
  o->set("raw", raw);
  o->set("tree", treeJson(raw));
  if (d.mapped) {
    const std::string mapped = displayMessage(*d.mapped);
    o->set("mapped", mapped);
    o->set("mappedTree", treeJson(mapped));
  }
  if (d.mappedAtMs) o->set("mappedAt", isoTime(d.mappedAtMs));
  if (d.scriptVersion) o->set("scriptVersion", d.scriptVersion);
  Array::Ptr deliveries = new Array;
  for (const auto& x : d.deliveries) {
    Object::Ptr dj = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    dj->set("id", x.id);
    dj->set("destination", x.destination);
    dj->set("state", x.state);
    dj->set("attempts", x.attempts);
    dj->set("updatedAt", isoTime(x.updatedAtMs));
    if (x.state == "pending" && x.nextAttemptAtMs)
      dj->set("nextAttemptAt", isoTime(x.nextAttemptAtMs));
    if (!x.lastError.empty()) dj->set("lastError", x.lastError);
    if (!x.response.empty()) dj->set("response", x.response);
    if (!x.attributes.empty()) {
      Object::Ptr attributes = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
      for (const auto& [key, value] : pipeline::parseAttributes(x.attributes)) {
        attributes->set(key, value);
      }
      dj->set("routing", attributes);
    }
    if (!x.acknowledgements.empty()) {
      Array::Ptr answers = new Array;
      for (const auto& a : x.acknowledgements) answers->add(acknowledgementJson(a));
      dj->set("acknowledgements", answers);
    }
    deliveries->add(dj);
  }
  o->set("deliveries", deliveries);
  // The history, in time order: the received and mapped steps and each delivery from the
  // rows, everything else from events. The script's log lines are listed on their own.
  std::vector<journal::EventRecord> steps;
  Array::Ptr scriptLog = new Array;
  steps.push_back({d.summary.receivedAtMs, "received", d.summary.peer});
  if (d.mappedAtMs) steps.push_back({d.mappedAtMs, "mapped", ""});
  for (const auto& e : d.events) {
    if (e.kind == "script_log") {
      scriptLog->add(displayText(e.detail));
    } else {
      steps.push_back(e);
    }
  }
  for (const auto& x : d.deliveries) {
    if (x.state == "delivered") steps.push_back({x.updatedAtMs, "delivered", x.destination});
  }
  std::stable_sort(steps.begin(), steps.end(),
                   [](const auto& a, const auto& b) { return a.atMs < b.atMs; });
  Array::Ptr history = new Array;
  for (const auto& step : steps) {
    Object::Ptr e = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    e->set("at", isoTime(step.atMs));
    e->set("kind", step.kind);
    if (!step.detail.empty()) e->set("detail", displayText(step.detail));
    history->add(e);
  }
  o->set("history", history);
  o->set("scriptLog", scriptLog);
  return o;
}

// The destinations named in the body ({"destinations": [...]}), checked against the channel;
// none ([]) when none are named: the message then goes where its routing sent it.
std::vector<std::string> replayDestinations(ApiContext& context, const ApiRequest& r,
                                            const std::string& channel) {
  const ChannelView v = context.channel(channel);
  std::vector<std::string> all;
  for (const auto& d : v.config->destinations) all.push_back(d.name);
  auto body = r.jsonBody();
  if (!body->has("destinations")) return {};
  Array::Ptr named = body->getArray("destinations");
  if (!named) throw ApiError::badParameter("destinations", "must be an array of names");
  std::vector<std::string> out;
  for (std::size_t i = 0; i < named->size(); ++i) {
    const Poco::Dynamic::Var item = named->get(static_cast<unsigned>(i));
    if (!item.isString()) {
      throw ApiError::badParameter("destinations", "must be an array of names (strings)");
    }
    const std::string name = item.extract<std::string>();
    if (std::find(all.begin(), all.end(), name) == all.end()) {
      throw ApiError::badParameter("destinations",
                                   "channel '" + channel + "' has no destination '" + name + "'");
    }
    out.push_back(name);
  }
  if (out.empty()) throw ApiError::badParameter("destinations", "names no destination");
  return out;
}

Reply search(ApiContext& context, const ApiRequest& r) {
  auto names = kFilterParameters;
  names.insert(names.end(), {"limit", "before", "count"});
  r.allowOnly(names);
  journal::MessageFilter f = filterFrom(r);
  f.limit = r.integer("limit", 50, 1, 500);
  f.before = r.id("before");
  f.count = r.flag("count");
  context.audit(r, "search_messages", "", r.queryString);
  auto page = context.journal().search(f);
  if (!page) throw ApiError::from(page.error());
  Array::Ptr list = new Array;
  for (const auto& m : page->messages) list->add(summaryJson(m));
  Object o(Poco::JSON_PRESERVE_KEY_ORDER);
  o.set("messages", list);
  if (page->nextBefore) {
    o.set("nextBefore", *page->nextBefore);
  } else {
    o.set("nextBefore", Poco::Dynamic::Var());
  }
  if (page->total) {
    o.set("total", std::min(*page->total, journal::MessageFilter::kCountCap));
    o.set("totalIsAtLeast", *page->total > journal::MessageFilter::kCountCap);
  }
  return Reply::json(o);
}

Reply show(ApiContext& context, const ApiRequest& r) {
  r.allowOnly({});
  const std::int64_t id = r.pathId("id");
  auto details = context.journal().details(id);
  if (!details) throw ApiError::from(details.error());
  context.audit(r, "view_message", std::to_string(id), details->summary.channel);
  return Reply::json(*detailsJson(*details));
}

// The message (as mapped, or as received when it was not) written in another format, through
// the canonical model, with what that format could not carry as warnings: what a destination
// with that codec would send. Audited as a view of the message.
Reply render(ApiContext& context, const ApiRequest& r) {
  r.allowOnly({});
  const std::int64_t id = r.pathId("id");
  const std::string name = r.pathParams.at("format");
  const auto format = convert::parseFormat(name);
  if (!format || *format == convert::Format::kHl7v2) {
    throw ApiError(404, "not_found", "no format '" + name + "' (fhir-json, fhir-xml, edifact)");
  }
  auto details = context.journal().details(id);
  if (!details) throw ApiError::from(details.error());
  context.audit(r, "view_message", std::to_string(id), details->summary.channel + " as " + name);
  const std::string& bytes = details->mapped ? *details->mapped : details->bytes;
  auto converted = convert::convertAll(convert::Format::kHl7v2, *format, bytes);
  if (!converted) throw ApiError::from(converted.error());
  Array::Ptr documents = new Array;
  for (const auto& c : *converted) {
    Object::Ptr d = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    d->set("text", displayText(c.bytes));
    Array::Ptr warnings = new Array;
    for (const auto& w : c.warnings) warnings->add(w);
    d->set("warnings", warnings);
    documents->add(d);
  }
  Object o(Poco::JSON_PRESERVE_KEY_ORDER);
  o.set("id", id);
  o.set("format", name);
  o.set("from", details->mapped ? "mapped" : "received");
  o.set("documents", documents);
  return Reply::json(o);
}

// Whom to wake after a replay: the destinations named, or (as routed) every one of the channel:
// waking is only a hint, and each worker finds its own deliveries in the journal.
std::vector<std::string> wakeList(ApiContext& context, const ApiRequest&,
                                  const std::string& channel,
                                  const std::vector<std::string>& named) {
  if (!named.empty()) return named;
  std::vector<std::string> all;
  for (const auto& d : context.channel(channel).config->destinations) all.push_back(d.name);
  return all;
}

// An acknowledgement (an HL7 v2 ACK; an NHSACK the hub writes for a GP system is one before
// its codec): an answer is never sent again because messages are replayed — an NHSACK must not
// be retransmitted — only when an operator asks for exactly that (resendAcknowledgements).
bool isAcknowledgement(const std::string& messageType) {
  return messageType == "ACK" || messageType.rfind("ACK^", 0) == 0;
}

constexpr const char* kNotResent =
    " is an acknowledgement: a replay does not send an answer again"
    " (resendAcknowledgements=true to send it again, if its receiver asked for it)";

// A bulk replay's dry run: what would go where, changing nothing. Counts per destination, and
// the first 50 messages with theirs.
Reply replayPlan(ApiContext& context, const ApiRequest& r, journal::MessageFilter f,
                 const std::vector<std::string>& named) {
  context.audit(r, "replay_dry_run", f.channel, r.queryString);
  const bool resendAcknowledgements = r.flag("resendAcknowledgements");
  std::map<std::string, int> perDestination;
  Array::Ptr messages = new Array;
  int count = 0, acknowledgementsKept = 0;
  f.limit = 500;
  for (;;) {
    auto page = context.journal().search(f);
    if (!page) throw ApiError::from(page.error());
    for (const auto& m : page->messages) {
      if (!resendAcknowledgements && isAcknowledgement(m.messageType)) {
        ++acknowledgementsKept;
        continue;
      }
      ++count;
      std::vector<std::string> to = named;
      if (to.empty() && m.state != "failed") {
        auto routed = context.journal().routedTo(m.id);
        if (!routed) throw ApiError::from(routed.error());
        to = *routed;
      }
      for (const auto& d : to) ++perDestination[d];
      if (messages->size() < 50) {
        Object::Ptr one = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
        one->set("id", m.id);
        one->set("state", m.state);
        Array::Ptr list = new Array;
        for (const auto& d : to) list->add(d);
        one->set(m.state == "failed" ? "mappedAgain" : "destinations",
                 m.state == "failed" ? Poco::Dynamic::Var(true) : Poco::Dynamic::Var(list));
        messages->add(one);
      }
    }
    if (!page->nextBefore) break;
    f.before = *page->nextBefore;
  }
  Object::Ptr totals = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  for (const auto& [d, n] : perDestination) totals->set(d, n);
  Object o(Poco::JSON_PRESERVE_KEY_ORDER);
  o.set("dryRun", true);
  o.set("messages", count);
  o.set("acknowledgementsNotResent", acknowledgementsKept);
  o.set("deliveriesPerDestination", totals);
  o.set("first", messages);
  return Reply::json(o);
}

Reply replayOne(ApiContext& context, const ApiRequest& r) {
  r.allowOnly({"resendAcknowledgements"});
  const std::int64_t id = r.pathId("id");
  auto details = context.journal().details(id);
  if (!details) throw ApiError::from(details.error());
  if (isAcknowledgement(details->summary.messageType) && !r.flag("resendAcknowledgements")) {
    throw ApiError::from(Error{
        ErrorCode::kInvalidState,
        "message " + std::to_string(id) + " (" + details->summary.messageType + ")" + kNotResent,
        {}});
  }
  const auto destinations = replayDestinations(context, r, details->summary.channel);
  std::string names;
  for (const auto& d : destinations) names += (names.empty() ? "" : ",") + d;
  context.audit(r, "replay_message", std::to_string(id),
                "to " + (names.empty() ? std::string("where it was routed") : names) +
                    (isAcknowledgement(details->summary.messageType)
                         ? " (an acknowledgement, sent again as asked)"
                         : ""));
  auto created = context.journal().replay(id, destinations);
  if (!created) throw ApiError::from(created.error());
  if (*created > 0)
    context.hub().wake(details->summary.channel,
                       wakeList(context, r, details->summary.channel, destinations));
  Object o(Poco::JSON_PRESERVE_KEY_ORDER);
  o.set("id", id);
  o.set("state", details->summary.state == "failed" ? "to be mapped again" : "replayed");
  o.set("deliveries", *created);
  return Reply::json(o);
}

// Replays every message that matches the filters (at least one is required), newest first, in
// pages: at most `limit` messages a call (10,000 and the default), so one request cannot hold
// the journal writer for long. `nextBefore` continues where it stopped (the `before` of the
// next call), so a client can go in steps and show its progress.
Reply replayMatching(ApiContext& context, const ApiRequest& r) {
  constexpr int kMaxPerCall = 10000;
  auto names = kFilterParameters;
  names.insert(names.end(), {"dryRun", "limit", "before", "resendAcknowledgements"});
  r.allowOnly(names);
  const bool dryRun = r.flag("dryRun");
  journal::MessageFilter f = filterFrom(r);
  if (f.channel.empty()) {
    throw ApiError::badParameter("channel", "replaying by filter needs the channel");
  }
  const auto destinations = replayDestinations(context, r, f.channel);
  if (dryRun) return replayPlan(context, r, f, destinations);
  const int cap = r.integer("limit", kMaxPerCall, 1, kMaxPerCall);
  f.before = r.id("before");
  context.audit(r, "replay_matching", f.channel, r.queryString);
  int examined = 0, replayed = 0, deliveries = 0, notReplayed = 0;
  Array::Ptr skipped = new Array;
  std::optional<std::int64_t> next;
  f.limit = std::min(cap, 500);
  for (;;) {
    auto page = context.journal().search(f);
    if (!page) throw ApiError::from(page.error());
    for (const auto& m : page->messages) {
      if (examined >= cap) {
        next = m.id + 1;  // below the next one not yet looked at: it is included
        break;
      }
      ++examined;
      if (isAcknowledgement(m.messageType) && !r.flag("resendAcknowledgements")) {
        if (++notReplayed <= 20) {
          Object::Ptr s = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
          s->set("id", m.id);
          s->set("reason", "message " + std::to_string(m.id) + kNotResent);
          skipped->add(s);
        }
        continue;
      }
      auto created = context.journal().replay(m.id, destinations);
      if (created) {
        ++replayed;
        deliveries += *created;
      } else if (created.error().code == ErrorCode::kIoError ||
                 created.error().code == ErrorCode::kUnavailable) {
        throw ApiError::from(created.error());  // not this message's fault: stop and say so
      } else if (++notReplayed <= 20) {
        Object::Ptr s = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
        s->set("id", m.id);
        s->set("reason", created.error().text);
        skipped->add(s);
      }
    }
    if (next || !page->nextBefore) break;
    if (examined >= cap) {
      next = *page->nextBefore;
      break;
    }
    f.before = *page->nextBefore;
  }
  if (deliveries > 0) context.hub().wake(f.channel, wakeList(context, r, f.channel, destinations));
  Object o(Poco::JSON_PRESERVE_KEY_ORDER);
  o.set("replayed", replayed);
  o.set("deliveries", deliveries);
  o.set("skippedCount", notReplayed);
  o.set("skipped", skipped);  // the first 20, with the reason
  o.set("truncated", next.has_value());
  if (next) {
    o.set("nextBefore", *next);
  } else {
    o.set("nextBefore", Poco::Dynamic::Var());
  }
  return Reply::json(o);
}

}  // namespace

void addMessageEndpoints(Router& router, ApiContext& context) {
  router.add({"GET", "/api/v1/messages", Role::kClinical,
              [&context](const ApiRequest& r) { return search(context, r); }});
  // Registered before /{id} routes so "replay" is never read as an id.
  router.add({"POST", "/api/v1/messages/replay", Role::kOperator,
              [&context](const ApiRequest& r) { return replayMatching(context, r); }});
  router.add({"GET", "/api/v1/messages/{id}", Role::kClinical,
              [&context](const ApiRequest& r) { return show(context, r); }});
  router.add({"POST", "/api/v1/messages/{id}/replay", Role::kOperator,
              [&context](const ApiRequest& r) { return replayOne(context, r); }});
  router.add({"GET", "/api/v1/messages/{id}/as/{format}", Role::kClinical,
              [&context](const ApiRequest& r) { return render(context, r); }});
}

}  // namespace pathhub::http
