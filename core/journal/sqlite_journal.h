// The SQLite journal (journal.h's interface): one file in WAL mode with synchronous=FULL, all
// writes through one group-committing writer (group_commit.h), reads from a small pool of
// read-only connections, which WAL lets run beside the writer. The embedded default: a
// single-node hub needs nothing else.
#pragma once

#include <Poco/Data/SessionPool.h>

#include <memory>

#include "journal/group_commit.h"
#include "journal/journal.h"
#include "journal/journal_file.h"
#include "journal/writer_statements.h"

namespace pathhub::journal {

class SqliteJournal final : public Journal {
 public:
  // Opens (or creates) the journal at options.path. Refused (invalid_state) when the file
  // exists but is empty or fails SQLite's quick_check, or when its schema is newer than this
  // program's: the hub does not start on a damaged or foreign journal.
  static Result<std::unique_ptr<Journal>> open(const JournalOptions& options);
  ~SqliteJournal() override;

  Result<Appended> append(const NewMessage& message,
                          std::function<void(MessageId)> onCommitted) override;
  Result<void> markMapped(MessageId id, std::optional<std::string> mapped,
                          const std::vector<std::string>& destinations) override;
  std::future<Result<void>> submitMapped(std::vector<Mapping> batch) override;
  Result<void> markFiltered(MessageId id, const std::string& reason,
                            const std::vector<std::string>& notes) override;
  Result<void> markFailed(MessageId id, const std::string& reason,
                          const std::vector<std::string>& notes) override;
  Result<void> recordAttempt(std::int64_t deliveryId, AttemptOutcome outcome,
                             const std::string& error, std::int64_t nextAttemptAtMs) override;
  std::future<Result<void>> submitAttempts(std::vector<Attempt> batch) override;
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
                            const std::string& exceptions, const std::string& attributes) override;
  Result<int> replay(MessageId id, const std::vector<std::string>& destinations) override;
  Result<std::vector<std::string>> routedTo(MessageId id) override;
  Result<int> prune(int days) override;
  Result<std::optional<PendingDelivery>> nextDelivery(const std::string& channel,
                                                      const std::string& destination) override;
  Result<std::vector<PendingDelivery>> pendingDeliveries(const std::string& channel,
                                                         const std::string& destination,
                                                         Cursor after, int limit) override;
  Result<std::vector<MessageId>> unmapped(const std::string& channel) override;
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
  Result<void> present() const override { return file_->check(); }
  bool storing() const override { return writer_->lastCommitOk(); }
  Result<std::vector<std::string>> integrityCheck() override;
  Result<std::int64_t> audit(const AuditEntry& entry) override;
  Result<AuditPage> auditTrail(const AuditFilter& filter) override;
  GroupCommitter& writer() override { return *writer_; }

 private:
  SqliteJournal(JournalOptions options, std::shared_ptr<const JournalFile> file,
                std::unique_ptr<Poco::Data::SessionPool> readers,
                std::unique_ptr<GroupCommitter> writer);

  // A writer job that uses the prepared statements (created on first use, on the writer
  // thread, and dropped after any failure).
  using PreparedBody =
      std::function<std::function<void()>(Poco::Data::Session&, WriterStatements&)>;
  GroupCommitter::Job withStatements(PreparedBody body);
  // A received message that goes no further: "filtered" or "failed", with the reason.
  Result<void> markEnded(MessageId id, const std::string& state, const std::string& reason,
                         const std::vector<std::string>& notes);

  JournalOptions options_;
  std::shared_ptr<const JournalFile> file_;  // checked before every read and after every commit
  std::unique_ptr<Poco::Data::SessionPool> readers_;
  std::unique_ptr<GroupCommitter> writer_;
  std::unique_ptr<WriterStatements> statements_;  // writer thread only
};

}  // namespace pathhub::journal
