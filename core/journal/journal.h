// The journal: the durable record of every message and every delivery. It is the truth of the
// hub; pipeline stages only pass news of what it holds. This is its interface; the backend
// behind it is SQLite (sqlite_journal.h: one file, the embedded default) or PostgreSQL
// (postgres_journal.h: one journal for several hub nodes), one implementation for both
// (sql_journal.h). Every backend commits each write durably before it answers, through one
// group-committing writer (group_commit.h), and keeps the semantics described here.
//
// Message states: received → mapped | filtered | failed (mapping) ; rejected (unparseable or
// over a limit, kept with the reason) ; duplicate (a resend within the dedupe window).
// Delivery states, per destination of a mapped message: pending → delivered | failed.
// The normal path's history is in the rows (received_at, mapped_at, each delivery's attempts
// and updated_at); the events table records everything else: duplicates, rejections, filters,
// mapping failures, failed attempts with their error, replays.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "journal/alert_types.h"
#include "journal/group_commit.h"
#include "journal/query_types.h"
#include "journal/record_types.h"
#include "journal/script_types.h"
#include "pathhub/error.h"

namespace pathhub::journal {

using MessageId = std::int64_t;

struct JournalOptions {
  // "sqlite" (the file at `path`) or "postgresql" (the database at `url`).
  std::string backend = "sqlite";
  std::string path = "var/pathhub.db";
  // postgresql://USER@HOST[:PORT][,HOST2[:PORT2]]/DATABASE[?sslmode=…&target_session_attrs=…], and
  // the password (read by the caller from the configured file; "" when the server needs none).
  std::string url, password;
  std::chrono::seconds dedupeWindow{86400};
  // One node of several sharing the journal (PostgreSQL only; "" = the only hub): messages it
  // receives are claimed for its mappers for `claimFor` (core/cluster).
  std::string node;
  std::chrono::milliseconds claimFor{8000};
  // For a program that only reads a hub's journal (pathhub-map --replay): the journal must
  // exist already at this program's schema version; nothing is created or migrated.
  bool readOnly = false;

  // The SQLite journal at `path`.
  static JournalOptions sqlite(std::string path, std::chrono::seconds dedupeWindow) {
    JournalOptions o;
    o.path = std::move(path);
    o.dedupeWindow = dedupeWindow;
    return o;
  }
};

struct NewMessage {
  std::string channel;
  std::string source;     // the source that received it (dedupe scope)
  std::string peer;       // who sent it, e.g. "127.0.0.1:53122" (history only)
  std::string controlId;  // MSH-10
  std::string messageType;
  std::string bytes;
  bool rejected = false;  // unparseable or over a limit
  std::string error;      // why it was rejected
  // Search keys (hl7/search_keys.h), "" when the message has none.
  std::string nhsNumber, placerOrder, fillerOrder;
  // Events recorded with the message (kind, detail): how it was converted on its way in, and
  // what the conversion could not carry.
  std::vector<std::pair<std::string, std::string>> events;
};

struct Appended {
  MessageId id = 0;
  bool duplicate = false;  // same source, control id and bytes within the window
  MessageId duplicateOf = 0;
  bool sameIdOtherBytes = false;  // control id reused with different content (warn)
};

struct PendingDelivery {
  std::int64_t deliveryId = 0;
  MessageId messageId = 0;
  std::int64_t sequence = 0;  // journal order: the message's id, or its parent's when derived
  int attempts = 0;
  std::int64_t nextAttemptAtMs = 0;  // epoch ms; 0 = now
  std::int64_t receivedAtMs = 0;     // when the message (or its parent) was received
  std::string bytes;                 // the mapped message
  std::string attributes;            // what the routing gave it (pipeline/delivery_attributes.h)
};

enum class AttemptOutcome { kDelivered, kRetry, kFailed };

struct MessageRecord {
  MessageId id = 0;
  std::string channel, controlId, state, error;
  std::string bytes, mapped;
};

class Journal {
 public:
  // Opens (or creates) the journal the options name, on its backend (SqliteJournal::open,
  // PostgresJournal::open).
  // Refused when it is damaged or of a newer schema: the hub does not start on it.
  static Result<std::unique_ptr<Journal>> open(const JournalOptions& options);
  virtual ~Journal() = default;

  // Records a received message; returns once it is durable. A duplicate is recorded too
  // (state "duplicate") and reported, so the caller ACKs it without routing it again.
  // `onCommitted` (for a new, routable message) runs on the writer thread right after the
  // commit, in journal order: the place to announce the message to the next stage.
  virtual Result<Appended> append(const NewMessage& message,
                                  std::function<void(MessageId)> onCommitted = nullptr) = 0;
  // Mapping done: stores the mapped bytes and one pending delivery per destination. Only
  // the first call for a message has an effect, so a message mapped twice is delivered once.
  // `mapped` empty (nullopt) means the mapping left the message unchanged: it is delivered as
  // received and not stored twice.
  virtual Result<void> markMapped(MessageId id, std::optional<std::string> mapped,
                                  const std::vector<std::string>& destinations) = 0;
  // A message a mapping made from the one it mapped (a part of a split report, an ACK). It is
  // recorded as mapped and delivered in its parent's place in journal order.
  // Per destination, the attributes its delivery carries (a MESH mailbox, say), as text.
  using DeliveryAttributes = std::map<std::string, std::string>;
  struct Derived {
    std::string bytes, controlId, messageType;
    std::vector<std::string> destinations;
    DeliveryAttributes attributes;
  };
  struct Mapping {
    MessageId id = 0;
    std::optional<std::string> mapped;
    std::vector<std::string> destinations;
    DeliveryAttributes attributes;
    std::vector<Derived> derived;
    std::optional<std::string> filtered;  // the original goes nowhere, for this reason
    std::vector<std::string> notes;       // the script's log lines, kept as events
    std::int64_t scriptVersion = 0;       // the script version that mapped it (0: none)
  };
  // Several mappings in one write, returning at once: the future is ready when they are
  // durable (all or none).
  virtual std::future<Result<void>> submitMapped(std::vector<Mapping> batch) = 0;
  // `notes`: the script's log lines for this message, kept as events.
  // `scriptVersion`: the version of the script that mapped it (0: none).
  virtual Result<void> markFiltered(MessageId id, const std::string& reason,
                                    const std::vector<std::string>& notes = {},
                                    std::int64_t scriptVersion = 0) = 0;
  virtual Result<void> markFailed(MessageId id, const std::string& reason,
                                  const std::vector<std::string>& notes = {},
                                  std::int64_t scriptVersion = 0) = 0;
  // Records one delivery attempt and what it led to.
  virtual Result<void> recordAttempt(std::int64_t deliveryId, AttemptOutcome outcome,
                                     const std::string& error, std::int64_t nextAttemptAtMs) = 0;
  // An answer a delivered message will get, by the reference the answer will name.
  struct Awaited {
    std::string reference, recipient, practice;
  };
  struct Attempt {
    std::int64_t deliveryId = 0;
    AttemptOutcome outcome = AttemptOutcome::kDelivered;
    std::string error;  // why not delivered
    std::int64_t nextAttemptAtMs = 0;
    std::string response;               // the receiver's answer when delivered (its ACK), if any
    std::vector<Awaited> awaited = {};  // when delivered: the answers now awaited
  };
  // The destination's lease a node delivers under (core/cluster/destination_leases.h): its
  // records are written only while the lease is still this node's at this epoch.
  struct Fence {
    std::string channel, destination, node;
    std::int64_t epoch = 0;
  };
  // Several attempts in one write, returning at once (all or none). With a fence (a cluster's
  // node), refused whole (an io_error saying "lease lost") when the lease has moved on, and each
  // delivery row records the epoch it was written under.
  virtual std::future<Result<void>> submitAttempts(std::vector<Attempt> batch,
                                                   std::optional<Fence> fence = std::nullopt) = 0;

  // --- Orders (journal/orders.cc; core/orders) ---
  struct OrderPlacement {
    std::string placer, lab, requester, nhsNumber, channel, tests;
    std::int64_t dueAtMs = 0;
    MessageId messageId = 0;
  };
  // A new order (or, when the placer number and lab are known already, a resend: history only).
  virtual Result<void> placeOrder(const OrderPlacement& order) = 0;
  struct OrderChange {
    std::string placer, filler, lab, state, detail, nhsNumber, channel;
    std::vector<std::string> tests;
    MessageId messageId = 0;
    bool result = false;             // a result: unmatched ones are kept and listed
    std::int64_t matchWindowMs = 0;  // results: the NHS number + test fallback's window
  };
  // Moves the orders the change names (by placer, then filler, then for results the
  // fallback) forward; an order never goes back, and a cancelled or rejected one stays so.
  // Returns the ids of the orders it found (none: for a result, now listed as unmatched).
  virtual Result<std::vector<std::int64_t>> changeOrders(const OrderChange& change) = 0;
  virtual Result<void> orderSent(const std::string& placer, const std::string& lab,
                                 MessageId messageId) = 0;
  virtual Result<std::vector<OrderRecord>> orders(const OrderFilter& filter) = 0;
  // Every part of the order with this placer number, each with its history.
  virtual Result<std::vector<std::pair<OrderRecord, std::vector<OrderHistoryEntry>>>> order(
      const std::string& placer) = 0;
  // Orders past their due time without a final result, newly marked overdue.
  virtual Result<std::vector<OrderRecord>> markOrdersOverdue(std::int64_t nowMs) = 0;
  virtual Result<std::vector<OrderRecord>> overdueOrders(int limit) = 0;
  // A part of an order its routing could not place (tests the catalogue lacked, a lab without a
  // <lab> destination): delivered to the exceptions destination and not re-routed since.
  struct StuckOrderPart {
    MessageId messageId = 0;      // the order, or the part of it split off for that lab
    std::int64_t deliveryId = 0;  // its delivery to the exceptions destination
    std::int64_t sequence = 0;    // that delivery's place in the queues
    std::string channel, bytes, attributes;
  };
  virtual Result<std::vector<StuckOrderPart>> stuckOrderParts(const std::string& placer) = 0;
  // Re-routes a stuck part after the catalogue or the labs were fixed, in one transaction:
  // `routing`'s deliveries of the part (and its derived parts, split by lab) in the stuck
  // delivery's place, the order's rows for the labs it now goes to, the stuck delivery marked
  // re-routed, and — when every test now has a lab (`settled`) — the order's row for no lab
  // closed as "rerouted".
  struct OrderReroute {
    StuckOrderPart part;
    Mapping routing;
    std::vector<OrderPlacement> placements;
    bool settled = false;
    std::string detail;  // what changed, for the histories
  };
  virtual Result<void> rerouteOrder(const OrderReroute& reroute) = 0;
  virtual Result<std::vector<UnmatchedResult>> unmatchedResults(int limit) = 0;
  // Per channel with any: answers overdue, orders overdue, results unmatched since
  // `unmatchedSinceMs` (journal_queries.cc).
  virtual Result<std::vector<ChannelAttention>> attentionCounts(std::int64_t unmatchedSinceMs) = 0;

  // --- Alerts (journal/alerts.cc; core/alerts) ---
  // A new alert, as it fired: its id.
  virtual Result<std::int64_t> addAlert(const AlertRecord& alert) = 0;
  // Its state, summary, notices and acknowledgement as they are now.
  virtual Result<void> updateAlert(const AlertRecord& alert) = 0;
  // `owner`'s alerts: those firing (oldest first), or the others (newest first), at most `limit`.
  virtual Result<std::vector<AlertRecord>> alertsOf(const std::string& owner, bool firing,
                                                    int limit) = 0;

  // --- Acknowledgements (journal/acknowledgements.cc) ---
  // An answer that arrived (an HL7 v2 ACK, or an NHSACK made one): `reference` is what it
  // names (MSA-2), `from` who sent it (MSH-3 and MSH-4). Settles every open row with that
  // reference, or whose reference starts with "<reference>/" (an answer for a whole
  // interchange), sent to `from` when the row knows its recipient. Returns the rows settled,
  // and the rows an earlier answer had settled already (a repeated answer: left as they were,
  // their answeredBy the earlier answer's, an "acknowledgement_repeated" event on each).
  struct Answer {
    std::string reference;
    std::vector<std::string> from;
    bool accepted = true;
    std::string detail;
    MessageId answeredBy = 0;
  };
  virtual Result<std::vector<AcknowledgementRecord>> settleAcknowledgement(
      const Answer& answer) = 0;
  // Deliveries whose routing attributes carry an "exception" (results no practice takes),
  // newest first.
  virtual Result<std::vector<RoutingException>> routingExceptions(int limit) = 0;
  // Open rows sent before `sentBeforeMs` (all open rows: now), oldest first.
  virtual Result<std::vector<AcknowledgementRecord>> unacknowledged(std::int64_t sentBeforeMs,
                                                                    int limit) = 0;
  // A message the hub itself makes about `parent` (an overdue answer, say), recorded on the
  // parent's channel and delivered to `destination` after it. Returns its id.
  virtual Result<MessageId> addNotification(MessageId parent, const std::string& channel,
                                            const std::string& destination,
                                            const std::string& controlId,
                                            const std::string& bytes) = 0;
  // Marks rows of `channel` awaiting since before `sentBeforeMs` overdue; returns them.
  virtual Result<std::vector<AcknowledgementRecord>> markOverdue(const std::string& channel,
                                                                 std::int64_t sentBeforeMs) = 0;
  // A delivery held back for clinical safety (its conversion could not carry the message's
  // meaning: model/warnings.h): state "held" with `reason`, and — when `exceptions` names a
  // destination — a new pending delivery of the same message to it, with `attributes` (the
  // reason as its exception). One transaction: the message is never held without going to
  // the exceptions destination. With a fence (a cluster's node), refused whole as
  // submitAttempts is when the lease has moved on; the held row records the epoch.
  virtual Result<void> holdDelivery(std::int64_t deliveryId, const std::string& reason,
                                    const std::string& exceptions, const std::string& attributes,
                                    std::optional<Fence> fence = std::nullopt) = 0;
  // Replays a message, keeping its history: a mapped one gets new pending deliveries to
  // `destinations` — none named: to the destinations its routing chose (those of its
  // deliveries, each once), never to every destination of the channel — each with the
  // attributes its first delivery there had; one whose mapping failed goes back to
  // "received" to be mapped again (the channel's mappers pick it up from the journal).
  // Returns the deliveries created.
  virtual Result<int> replay(MessageId id, const std::vector<std::string>& destinations) = 0;
  // The destinations a replay with none named would go to (for a dry run).
  virtual Result<std::vector<std::string>> routedTo(MessageId id) = 0;
  // Deletes messages older than `days` whose every delivery is delivered (or that never had
  // one to make: filtered, rejected, duplicate). Never touches anything undelivered.
  virtual Result<int> prune(int days) = 0;

  // The next delivery a destination owes, in journal order. Deliveries of a message are
  // released only once every earlier message of the channel has been mapped, so a message
  // whose mapping finished early never overtakes one still being mapped.
  virtual Result<std::optional<PendingDelivery>> nextDelivery(const std::string& channel,
                                                              const std::string& destination) = 0;
  // Up to `limit` such deliveries from the head of the queue, in order, leaving out those
  // `excluding` names (made, their record not yet committed). Always from the head: on a
  // shared journal a message of another node may become visible after later ones, and
  // reading on from a cursor past it would let its sender's next message overtake it.
  virtual Result<std::vector<PendingDelivery>> pendingDeliveries(
      const std::string& channel, const std::string& destination, int limit,
      const std::set<std::int64_t>& excluding = {}) = 0;
  // Messages received but not yet mapped, oldest first (start-up recovery).
  virtual Result<std::vector<MessageId>> unmapped(const std::string& channel) = 0;
  // Up to `limit` of them for this hub's mappers, oldest first. One of a cluster's nodes
  // claims them (FOR UPDATE SKIP LOCKED) for options.claimFor: messages another node received
  // or claimed are left to it until its claim runs out (it died before mapping them).
  virtual Result<std::vector<MessageId>> claimUnmapped(const std::string& channel, int limit) = 0;
  virtual Result<MessageRecord> message(MessageId id) = 0;
  // Messages of the channel with at least one pending delivery (back-pressure, status).
  virtual Result<std::int64_t> undelivered(const std::string& channel) = 0;
  // Messages of the channel not yet delivered everywhere: those with a pending delivery and
  // those still to be mapped, counted in one snapshot (back-pressure).
  virtual Result<std::int64_t> backlogSize(const std::string& channel) = 0;
  // A state count for tests and status: messages of `channel` in `state`.
  virtual Result<std::int64_t> countMessages(const std::string& channel,
                                             const std::string& state) = 0;
  virtual Result<std::int64_t> countDeliveries(const std::string& channel,
                                               const std::string& state) = 0;

  // --- Operations queries (journal_queries.cc) ---
  // Messages matching `filter`, newest first, at most `filter.limit`, below `filter.before`.
  virtual Result<MessagePage> search(const MessageFilter& filter) = 0;
  // One message with its deliveries and every event of its history.
  virtual Result<MessageDetails> details(MessageId id) = 0;
  // Pending deliveries per destination of a channel, with the oldest one's message's age.
  virtual Result<std::vector<DestinationBacklog>> backlog(const std::string& channel) = 0;
  // Whether the journal answers a read (readiness): false too when its file is lost, or its
  // database cannot be reached.
  virtual bool readable() = 0;
  // Ok while the journal is the one opened (SQLite: its file, journal_file.h); why not.
  virtual Result<void> present() const = 0;
  // Whether the last transaction committed: false after a failed COMMIT until one succeeds
  // (readiness: messages can be stored).
  virtual bool storing() const = 0;
  // The backend's check of the whole journal (SQLite's integrity_check, slow on a large one;
  // PostgreSQL: its schema version and the audit trail's guards): the problems it found,
  // none when it is sound.
  virtual Result<std::vector<std::string>> integrityCheck() = 0;

  // --- Audit trail (audit_trail.cc): rows are only ever added ---
  // Records an entry; returns once it is durable.
  virtual Result<std::int64_t> audit(const AuditEntry& entry) = 0;
  virtual Result<AuditPage> auditTrail(const AuditFilter& filter) = 0;

  // --- The pathology record (journal/record.cc; record_types.h; core/record builds it) ---
  // Mapped messages not yet recorded, oldest first.
  virtual Result<std::vector<RecordSource>> unrecorded(int limit) = 0;
  // Adds what each message said to the record, in one transaction, and marks the messages
  // recorded. A message already recorded (by another node, or before a retry) adds nothing.
  // A report's new version is put in force unless it was issued before the version in force
  // (a late copy of an earlier version: kept as history only, and counted).
  virtual Result<void> record(const std::vector<RecordedMessage>& batch) = 0;
  // One patient's reports or results in force (entered-in-error ones left out), a page.
  virtual Result<RecordPage> searchReports(const RecordQuery& query) = 0;
  virtual Result<RecordPage> searchObservations(const RecordQuery& query) = 0;
  // The results or specimens in force of these reports ("observations", "specimens").
  virtual Result<std::vector<RecordRow>> reportParts(const std::string& kind,
                                                     const std::vector<std::string>& reports) = 0;
  // One resource in force by type (Patient, DiagnosticReport, Observation, Specimen) and id.
  virtual Result<std::optional<RecordRow>> recordResource(const std::string& type,
                                                          const std::string& id) = 0;
  virtual Result<std::optional<RecordRow>> recordPatient(const std::string& nhsNumber) = 0;
  // Which organisations sent reports in force for the patient.
  virtual Result<std::vector<std::string>> recordOrganisations(const std::string& nhsNumber) = 0;
  // Every version of a report, oldest first.
  virtual Result<std::vector<RecordVersionRow>> reportVersions(const std::string& reportId) = 0;
  virtual Result<RecordStatus> recordStatus() = 0;
  // Starts the record again from the journal: what is in force and the versions of messages
  // the journal still holds are removed, and every mapped message is to be recorded again.
  // Versions whose messages were pruned stay, and are put back in force first.
  virtual Result<void> rebuildRecord() = 0;

  // --- Mapping scripts' versions (journal/scripts.cc; script_types.h) ---
  // The channel's number for this text (by its hash), recording it when it is new; and when
  // it is not the channel's live version (its last deployment), a deployment of it with
  // `action`. Returns once durable.
  virtual Result<std::int64_t> recordScriptVersion(const NewScriptVersion& version) = 0;
  // A channel's versions, newest first, and its deployments, newest first.
  virtual Result<std::vector<ScriptVersionRecord>> scriptVersions(const std::string& channel) = 0;
  virtual Result<std::vector<ScriptDeploymentRecord>> scriptDeployments(const std::string& channel,
                                                                        int limit) = 0;
  // A version's text (nullopt: no such version, or its text was not kept).
  virtual Result<std::optional<std::string>> scriptContent(const std::string& channel,
                                                           std::int64_t version) = 0;
  // What the channel made of the messages it received in the window (mapped, filtered or
  // failed; not those it made itself), oldest first: a diff-replay's input. Reads only.
  virtual Result<std::vector<HistoryRecord>> channelHistory(const HistoryWindow& window) = 0;
  // About the last message id received before `toMs` (0: the last id of all), found through
  // the primary key by the time received, which rises with the id but for the moments a
  // commit overtakes another: enough to tell how far through a window a replay has come.
  virtual Result<MessageId> lastIdReceivedBefore(std::int64_t toMs) = 0;

  virtual GroupCommitter& writer() = 0;
};

// Milliseconds since the epoch, the journal's clock.
std::int64_t nowMs();

}  // namespace pathhub::journal
