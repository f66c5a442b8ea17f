// The journal on an SQL database (journal.h's interface), written once for both engines
// through sql.h: every write through one group-committing writer (group_commit.h) on one
// connection, reads from a small pool of connections beside it. What differs by engine —
// opening, the schema, whether the journal is still where it was opened — is in the two
// backends: SqliteJournal (sqlite_journal.h, the embedded default) and PostgresJournal
// (postgres_journal.h, for several nodes on one journal).
#pragma once

#include <Poco/Data/SessionPool.h>
#include <Poco/Exception.h>

#include <memory>
#include <mutex>

#include "journal/group_commit.h"
#include "journal/journal.h"
#include "journal/sql.h"
#include "journal/writer_statements.h"

namespace pathhub::journal {

class SqlJournal : public Journal {
 public:
  ~SqlJournal() override;

  Result<Appended> append(const NewMessage& message,
                          std::function<void(MessageId)> onCommitted) override;
  Result<void> markMapped(MessageId id, std::optional<std::string> mapped,
                          const std::vector<std::string>& destinations) override;
  std::future<Result<void>> submitMapped(std::vector<Mapping> batch) override;
  Result<void> markFiltered(MessageId id, const std::string& reason,
                            const std::vector<std::string>& notes,
                            std::int64_t scriptVersion) override;
  Result<void> markFailed(MessageId id, const std::string& reason,
                          const std::vector<std::string>& notes,
                          std::int64_t scriptVersion) override;
  Result<void> recordAttempt(std::int64_t deliveryId, AttemptOutcome outcome,
                             const std::string& error, std::int64_t nextAttemptAtMs) override;
  std::future<Result<void>> submitAttempts(std::vector<Attempt> batch,
                                           std::optional<Fence> fence) override;
  Result<void> placeOrder(const OrderPlacement& order) override;
  Result<std::vector<std::int64_t>> changeOrders(const OrderChange& change) override;
  Result<void> orderSent(const std::string& placer, const std::string& lab,
                         MessageId messageId) override;
  Result<std::vector<OrderRecord>> orders(const OrderFilter& filter) override;
  Result<std::vector<std::pair<OrderRecord, std::vector<OrderHistoryEntry>>>> order(
      const std::string& placer) override;
  Result<std::vector<OrderRecord>> markOrdersOverdue(std::int64_t nowMs) override;
  Result<std::vector<OrderRecord>> overdueOrders(int limit) override;
  Result<std::vector<StuckOrderPart>> stuckOrderParts(const std::string& placer) override;
  Result<void> rerouteOrder(const OrderReroute& reroute) override;
  Result<std::vector<UnmatchedResult>> unmatchedResults(int limit) override;
  Result<std::vector<ChannelAttention>> attentionCounts(std::int64_t unmatchedSinceMs) override;
  Result<std::int64_t> addAlert(const AlertRecord& alert) override;
  Result<void> updateAlert(const AlertRecord& alert) override;
  Result<std::vector<AlertRecord>> alertsOf(const std::string& owner, bool firing,
                                            int limit) override;
  Result<std::vector<AcknowledgementRecord>> settleAcknowledgement(const Answer& answer) override;
  Result<std::vector<RoutingException>> routingExceptions(int limit) override;
  Result<std::vector<AcknowledgementRecord>> unacknowledged(std::int64_t sentBeforeMs,
                                                            int limit) override;
  Result<MessageId> addNotification(MessageId parent, const std::string& channel,
                                    const std::string& destination, const std::string& controlId,
                                    const std::string& bytes) override;
  Result<std::vector<AcknowledgementRecord>> markOverdue(const std::string& channel,
                                                         std::int64_t sentBeforeMs) override;
  Result<void> holdDelivery(std::int64_t deliveryId, const std::string& reason,
                            const std::string& exceptions, const std::string& attributes,
                            std::optional<Fence> fence) override;
  Result<int> replay(MessageId id, const std::vector<std::string>& destinations) override;
  Result<std::vector<std::string>> routedTo(MessageId id) override;
  Result<int> prune(int days) override;
  Result<std::optional<PendingDelivery>> nextDelivery(const std::string& channel,
                                                      const std::string& destination) override;
  Result<std::vector<PendingDelivery>> pendingDeliveries(
      const std::string& channel, const std::string& destination, int limit,
      const std::set<std::int64_t>& excluding) override;
  Result<std::vector<MessageId>> unmapped(const std::string& channel) override;
  Result<std::vector<MessageId>> claimUnmapped(const std::string& channel, int limit) override;
  Result<MessageRecord> message(MessageId id) override;
  Result<std::int64_t> undelivered(const std::string& channel) override;
  Result<std::int64_t> backlogSize(const std::string& channel) override;
  Result<std::int64_t> countMessages(const std::string& channel, const std::string& state) override;
  Result<std::int64_t> countDeliveries(const std::string& channel,
                                       const std::string& state) override;
  Result<MessagePage> search(const MessageFilter& filter) override;
  Result<MessageDetails> details(MessageId id) override;
  Result<std::vector<DestinationBacklog>> backlog(const std::string& channel) override;
  bool readable() override;
  bool storing() const override { return writer_->lastCommitOk(); }
  Result<std::int64_t> audit(const AuditEntry& entry) override;
  Result<AuditPage> auditTrail(const AuditFilter& filter) override;
  Result<std::vector<RecordSource>> unrecorded(int limit) override;
  Result<void> record(const std::vector<RecordedMessage>& batch) override;
  Result<RecordPage> searchReports(const RecordQuery& query) override;
  Result<RecordPage> searchObservations(const RecordQuery& query) override;
  Result<std::vector<RecordRow>> reportParts(const std::string& kind,
                                             const std::vector<std::string>& reports) override;
  Result<std::optional<RecordRow>> recordResource(const std::string& type,
                                                  const std::string& id) override;
  Result<std::optional<RecordRow>> recordPatient(const std::string& nhsNumber) override;
  Result<std::vector<std::string>> recordOrganisations(const std::string& nhsNumber) override;
  Result<std::vector<RecordVersionRow>> reportVersions(const std::string& reportId) override;
  Result<RecordStatus> recordStatus() override;
  Result<std::int64_t> recordScriptVersion(const NewScriptVersion& version) override;
  Result<std::vector<ScriptVersionRecord>> scriptVersions(const std::string& channel) override;
  Result<std::vector<ScriptDeploymentRecord>> scriptDeployments(const std::string& channel,
                                                                int limit) override;
  Result<std::optional<std::string>> scriptContent(const std::string& channel,
                                                   std::int64_t version) override;
  Result<std::vector<HistoryRecord>> channelHistory(const HistoryWindow& window) override;
  Result<MessageId> lastIdReceivedBefore(std::int64_t toMs) override;
  Result<void> rebuildRecord() override;
  GroupCommitter& writer() override { return *writer_; }

 protected:
  SqlJournal(JournalOptions options, std::unique_ptr<Poco::Data::SessionPool> readers,
             std::unique_ptr<GroupCommitter> writer);
  // Stops the writer and the readers (a backend's destructor calls it first, while what the
  // writer's durability check uses is still there).
  void close();

  // Runs the read `f(SqlConnection&)` on a pooled connection, unless the journal is not
  // present() (SQLite: its file is lost — opening a connection to a file that is gone would
  // retry in SQLite's open loop for a minute, holding the pool for every other reader).
  template <typename F>
  auto reading(F&& f) -> Result<decltype(f(std::declval<SqlConnection&>()))> {
    if (auto there = present(); !there) return tl::unexpected(there.error());
    try {
      SqlConnection c(readers_->get(), false);
      return f(c);
    } catch (const Poco::Exception& e) {
      return fail(ErrorCode::kIoError, "journal read failed: " + e.displayText());
    }
  }

  JournalOptions options_;
  std::unique_ptr<Poco::Data::SessionPool> readers_;
  std::unique_ptr<GroupCommitter> writer_;
  // SQLite: a reader connection kept for the delivery queue's query, whose statement is
  // prepared once (every delivery worker reads its queue many times a second; preparing the
  // query each time was a sixth of a worker's CPU). Made at the first read; dropped after a
  // failure, so the next read makes a new one.
  std::mutex queueMutex_;
  std::unique_ptr<SqlConnection> queueReader_;

 private:
  // A received message that goes no further: "filtered" or "failed", with the reason.
  Result<void> markEnded(MessageId id, const std::string& state, const std::string& reason,
                         const std::vector<std::string>& notes, std::int64_t scriptVersion);
};

}  // namespace pathhub::journal
