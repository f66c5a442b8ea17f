// The journal's group-committing writer thread (see group_commit.h).
#include "journal/group_commit.h"

#include <Poco/Exception.h>
#include <pthread.h>

#include <algorithm>
#include <vector>

namespace pathhub::journal {

GroupCommitter::GroupCommitter(std::unique_ptr<SqlConnection> connection, std::size_t maxBatch,
                               DurabilityCheck durable)
    : connection_(std::move(connection)),
      maxBatch_(maxBatch),
      durable_(std::move(durable)),
      thread_([this] { loop(); }) {}

GroupCommitter::~GroupCommitter() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

Result<void> GroupCommitter::run(Job job) { return submit(std::move(job)).get(); }

std::future<Result<void>> GroupCommitter::submit(Job job) {
  std::future<Result<void>> done;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) {
      std::promise<Result<void>> refused;
      refused.set_value(fail(ErrorCode::kUnavailable, "the journal is closing"));
      return refused.get_future();
    }
    queue_.push_back(Pending{std::move(job), {}});
    done = queue_.back().done.get_future();
  }
  wake_.notify_one();
  return done;
}

void GroupCommitter::injectFaults(Faults faults) {
  std::lock_guard lock(mutex_);
  faults_ = faults;
  faultsChanged_ = true;
}

std::uint64_t GroupCommitter::commits() const {
  std::lock_guard lock(mutex_);
  return commits_;
}

std::uint64_t GroupCommitter::jobs() const {
  std::lock_guard lock(mutex_);
  return jobs_;
}

void GroupCommitter::loop() {
  pthread_setname_np(pthread_self(), "journal-writer");
  for (;;) {
    std::vector<Pending> batch;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping with nothing left to do
      // When only a few writes are waiting but the last transaction was busy, give the
      // writers already on their way a moment to join: one fsync then serves more of them.
      if (queue_.size() < kGatherBelow && lastBatch_ >= kGatherBelow && !stopping_) {
        wake_.wait_for(lock, kGatherFor, [this] { return queue_.size() >= kGatherBelow; });
      }
      while (!queue_.empty() && batch.size() < maxBatch_) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      if (faultsChanged_) {
        activeFaults_ = faults_;
        jobsRun_ = commitsRun_ = 0;
        faultsChanged_ = false;
      }
    }
    lastBatch_ = batch.size();
    std::vector<Result<void>> results(batch.size());
    std::vector<std::function<void()>> after(batch.size());
    const auto started = std::chrono::steady_clock::now();
    commitBatch(batch, results, after);
    commitSeconds_.observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    {
      std::lock_guard lock(mutex_);
      ++commits_;
      jobs_ += batch.size();
    }
    for (std::size_t i = 0; i < batch.size(); ++i) {
      if (results[i] && after[i]) after[i]();
      batch[i].done.set_value(std::move(results[i]));
    }
  }
}

void GroupCommitter::commitBatch(std::vector<Pending>& batch, std::vector<Result<void>>& results,
                                 std::vector<std::function<void()>>& after) {
  SqlConnection& c = *connection_;
  // Fast path: every job in one transaction. A job that throws is taken out with its error
  // and the transaction is run again without it, so one bad job never fails the others and
  // no job pays for a savepoint.
  std::vector<std::size_t> live(batch.size());
  for (std::size_t i = 0; i < live.size(); ++i) live[i] = i;
  while (!live.empty()) {
    std::size_t failed = live.size();
    try {
      // Sent ahead with the first job's statements where the database allows (BEGIN's
      // answer is not needed); a failure of it is the transaction's, not a job's.
      c.tagSent(live.size());
      c.send(c.beginWrite(), [](const SqlStatement&) {});
      for (std::size_t k = 0; k < live.size(); ++k) {
        failed = k;
        c.tagSent(k);
        if (++jobsRun_ == activeFaults_.job) throw Poco::IOException("injected job fault");
        after[live[k]] = batch[live[k]].job(c);
      }
      failed = live.size();
      if (++commitsRun_ == activeFaults_.commit) {
        throw Poco::IOException("injected COMMIT fault (as a failed fsync)");
      }
      c.execute("COMMIT");
      lastCommitOk_ = true;
      if (durable_) {
        if (auto ok = durable_(); !ok) {
          // Committed, but not where the journal is: nothing in it may be ACKed or announced.
          for (std::size_t i : live) {
            after[i] = nullptr;
            results[i] = tl::unexpected(ok.error());
          }
        }
      }
      return;
    } catch (const std::exception& e) {
      // A statement a job sent ahead (SqlConnection::send) fails when its answer is read,
      // perhaps in a later job or at COMMIT: the tag names the job it came from.
      if (const auto* sent = dynamic_cast<const SentStatementFailed*>(&e)) {
        failed = std::min(sent->tag(), live.size());
      }
      const std::string what = dynamic_cast<const Poco::Exception*>(&e)
                                   ? static_cast<const Poco::Exception&>(e).displayText()
                                   : std::string(e.what());
      try {
        // Answers still due for statements sent ahead are read first (ROLLBACK must run even
        // when one of them failed: the transaction is being thrown away with its answers).
        c.awaitSent();
      } catch (const Poco::Exception&) {
      }
      try {
        c.execute("ROLLBACK");
      } catch (const Poco::Exception&) {
        // SQLite may have rolled back already; the transaction is gone either way.
      }
      // A statement that failed may be left mid-run: prepare them afresh. A connection that
      // was lost is made again, for the next transaction (this one is gone with it).
      if (c.recoverIfLost()) c.forgetKept();
      for (std::size_t i : live) after[i] = nullptr;
      if (failed == live.size()) {
        // BEGIN or COMMIT failed: nothing in the batch is durable, so nothing may be ACKed.
        lastCommitOk_ = false;
        // (A failed COMMIT leaves SQLite's transaction rolled back, as ROLLBACK above makes sure.)
        for (std::size_t i : live) {
          results[i] = fail(ErrorCode::kIoError, "journal commit failed: " + what);
        }
        return;
      }
      results[live[failed]] = fail(ErrorCode::kIoError, "journal write failed: " + what);
      live.erase(live.begin() + static_cast<std::ptrdiff_t>(failed));
    }
  }
}

}  // namespace pathhub::journal
