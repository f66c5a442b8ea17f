// The journal's single writer: every change to the journal is a job run on one thread, and
// jobs that arrive while a transaction is being committed are batched into the next one. So
// N concurrent senders pay one fsync between them instead of N, and a job's caller is told
// "done" only after the transaction holding it is durable (its ACK may then go out).
//
// A job that fails is reported alone: the transaction is rolled back and run again without
// it, so the rest of the batch still commits. Jobs must therefore be safe to run again.
// A job may send statements ahead (SqlConnection::send): their answers arrive by the COMMIT,
// so what they fill in is read by the work the job returns, which runs after it.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "journal/sql.h"
#include "metrics/metrics.h"
#include "pathhub/error.h"

namespace pathhub::journal {

class GroupCommitter {
 public:
  // A job reads and writes through the connection; it throws (Poco exceptions) to fail. It
  // may return work to run after the commit, on the writer thread (e.g. to announce the
  // change).
  using Job = std::function<std::function<void()>(SqlConnection&)>;

  // After each COMMIT: whether what was committed is durable where it should be (the journal's
  // file is still the one opened: journal_file.h). An error fails the whole batch, unACKed.
  using DurabilityCheck = std::function<Result<void>()>;

  explicit GroupCommitter(std::unique_ptr<SqlConnection> connection, std::size_t maxBatch = 512,
                          DurabilityCheck durable = nullptr);
  ~GroupCommitter();

  // Runs `job` in the next transaction and waits until that transaction is committed.
  Result<void> run(Job job);
  // The same without waiting: the future is ready once the transaction is committed (or
  // failed). Lets one thread have many writes in the same group commit.
  std::future<Result<void>> submit(Job job);

  // A test seam, the SQLite way of testing: counting from this call (1-based), the `job`-th
  // job run throws and the `commit`-th COMMIT fails as a failed fsync makes it fail (nothing
  // in its transaction is durable). 0: no fault.
  struct Faults {
    std::uint64_t job = 0;
    std::uint64_t commit = 0;
  };
  void injectFaults(Faults faults);

  // Transactions committed so far, and jobs they held (for metrics and tests).
  std::uint64_t commits() const;
  // Whether the last transaction committed (true before the first).
  bool lastCommitOk() const { return lastCommitOk_; }
  std::uint64_t jobs() const;
  // How long each transaction took to run and commit (its fsync included).
  const metrics::Histogram& commitSeconds() const { return commitSeconds_; }

 private:
  struct Pending {
    Job job;
    std::promise<Result<void>> done;
  };
  void loop();
  void commitBatch(std::vector<Pending>& batch, std::vector<Result<void>>& results,
                   std::vector<std::function<void()>>& after);

  static constexpr std::size_t kGatherBelow = 8;
  static constexpr std::chrono::microseconds kGatherFor{300};

  std::unique_ptr<SqlConnection> connection_;
  const std::size_t maxBatch_;
  const DurabilityCheck durable_;
  Faults faults_;               // asked for; guarded by mutex_
  bool faultsChanged_ = false;  // guarded by mutex_
  // Writer thread only: the faults in force and what has run since they were asked for.
  Faults activeFaults_;
  std::uint64_t jobsRun_ = 0, commitsRun_ = 0;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Pending> queue_;
  bool stopping_ = false;
  std::uint64_t commits_ = 0, jobs_ = 0;
  std::size_t lastBatch_ = 0;  // writer thread only
  std::atomic<bool> lastCommitOk_{true};
  metrics::Histogram commitSeconds_;
  std::thread thread_;
};

}  // namespace pathhub::journal
