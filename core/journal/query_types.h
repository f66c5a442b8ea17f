// What the journal's operations queries take and give: message search filters and pages,
// a message's full history, and audit trail entries. Used by the HTTP API (core/http).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pathhub::journal {

// Every field is optional ("" / 0 / nullopt: not filtered on). Paging is by id: a page holds
// the newest matches below `before`; the next page starts below its last id.
struct MessageFilter {
  std::string channel;
  std::string state;        // received, mapped, filtered, failed, rejected, duplicate
  std::int64_t fromMs = 0;  // received at or after (epoch ms)
  std::int64_t toMs = 0;    // received before
  std::string controlId;    // MSH-10, exact
  std::string messageType;  // "ORU" matches every ORU^…, "ORU^R01" exactly
  std::string nhsNumber;
  std::string placerOrder;
  std::string fillerOrder;
  std::string text;  // found anywhere in the received or mapped bytes
  // A delivery of the message in this state (pending, delivered, failed, held) and/or to
  // this destination: "failed deliveries to gp" is a search of its own.
  std::string deliveryState;
  std::string destination;
  std::int64_t before = 0;
  int limit = 50;
  bool count = false;  // also count every match (not only this page), up to kCountCap
  static constexpr std::int64_t kCountCap = 10000;
};

struct MessageSummary {
  std::int64_t id = 0;
  std::string channel, source, peer, controlId, messageType, state, error;
  std::int64_t receivedAtMs = 0;
  std::int64_t parentId = 0;  // a message a mapping made: the one it came from
  std::int64_t size = 0;
};

// What waits for one destination: its pending deliveries and when the oldest of their
// messages was received (the age an operator is paged for).
struct DestinationBacklog {
  std::string destination;
  std::int64_t pending = 0;
  std::int64_t oldestReceivedAtMs = 0;
};

// What needs someone's attention on one channel (Journal::attentionCounts): the alert rules'
// and /metrics' figures.
struct ChannelAttention {
  std::string channel;
  std::int64_t acknowledgementsOverdue = 0;  // answers awaited past their time
  std::int64_t ordersOverdue = 0;            // past their turnaround target, not yet final
  std::int64_t unmatchedResults = 0;         // results matched to no order, since the time asked
};

struct MessagePage {
  std::vector<MessageSummary> messages;
  std::optional<std::int64_t> nextBefore;  // set when more may follow
  // With MessageFilter::count: every match, whatever the page; kCountCap + 1 means "more
  // than kCountCap" (counting stops there, so a broad search stays quick).
  std::optional<std::int64_t> total;
};

// An answer awaited from a receiver for one message sent (core/acks).
struct AcknowledgementRecord {
  std::int64_t id = 0, deliveryId = 0, messageId = 0;
  std::string channel, destination, practice, recipient, reference;
  std::string state;   // awaiting, overdue (awaiting past its time), accepted, rejected
  std::string detail;  // the receiver's reason when rejected
  std::int64_t sentAtMs = 0, answeredBy = 0, answeredAtMs = 0;
};

// An order the hub tracks: one per placer number and performing lab (a split order has one
// per lab, sharing the placer number).
struct OrderRecord {
  std::int64_t id = 0, messageId = 0;
  std::string placer, lab, filler, requester, nhsNumber, channel, state;
  std::string tests;  // comma-separated codes
  std::int64_t placedAtMs = 0, dueAtMs = 0, updatedAtMs = 0;
  bool overdue = false;
};

struct OrderHistoryEntry {
  std::int64_t atMs = 0, messageId = 0;
  std::string state, detail;
};

struct OrderFilter {
  std::string requester, state, lab;
  int limit = 100;
};

// A result no order could be found for (kept, and listed).
struct UnmatchedResult {
  std::int64_t id = 0, messageId = 0, receivedAtMs = 0;
  std::string channel, placer, filler, nhsNumber, tests, reason;
};

// A result routing could not place (practice routing's exceptions destination).
struct RoutingException {
  std::int64_t deliveryId = 0, messageId = 0, receivedAtMs = 0;
  std::string channel, destination, state, controlId, attributes;
};

struct DeliveryRecord {
  std::int64_t id = 0;
  std::string destination, state, lastError, response;
  int attempts = 0;
  std::int64_t nextAttemptAtMs = 0, updatedAtMs = 0;
  std::vector<AcknowledgementRecord> acknowledgements;  // answers awaited for what it sent
  std::string attributes;  // what the routing gave it (pipeline/delivery_attributes.h)
};

struct EventRecord {
  std::int64_t atMs = 0;
  std::string kind, detail;
};

struct MessageDetails {
  MessageSummary summary;
  std::string nhsNumber, placerOrder, fillerOrder;
  std::string bytes;
  std::optional<std::string> mapped;  // nullopt: delivered as received (or not mapped yet)
  std::int64_t mappedAtMs = 0;
  std::int64_t scriptVersion = 0;  // the channel's script version that mapped it (0: none)
  std::vector<DeliveryRecord> deliveries;
  std::vector<EventRecord> events;
};

// One audited action: who did what to which target, from where.
struct AuditEntry {
  std::int64_t id = 0;
  std::int64_t atMs = 0;  // set by the journal when recorded
  std::string user, role, action, target, detail, peer;
};

struct AuditFilter {
  std::string user;
  std::string action;
  std::string target;  // the entry's target (an NHS number for the record's entries)
  std::int64_t fromMs = 0, toMs = 0;
  std::int64_t before = 0;
  int limit = 50;
};

struct AuditPage {
  std::vector<AuditEntry> entries;
  std::optional<std::int64_t> nextBefore;
};

}  // namespace pathhub::journal
