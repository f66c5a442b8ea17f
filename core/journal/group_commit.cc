// The journal's group-committing writer thread (see group_commit.h).
#include "journal/group_commit.h"

#include <Poco/Exception.h>

#include <vector>

namespace pathhub::journal {

GroupCommitter::GroupCommitter(Poco::Data::Session session, std::size_t maxBatch)
    : session_(std::move(session)), maxBatch_(maxBatch), thread_([this] { loop(); }) {}

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
      refused.set_value(fail(ErrorCode::kIoError, "the journal is closing"));
      return refused.get_future();
    }
    queue_.push_back(Pending{std::move(job), {}});
    done = queue_.back().done.get_future();
  }
  wake_.notify_one();
  return done;
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
  using namespace Poco::Data::Keywords;
  for (;;) {
    std::vector<Pending> batch;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping with nothing left to do
      while (!queue_.empty() && batch.size() < maxBatch_) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    std::vector<Result<void>> results(batch.size());
    std::vector<std::function<void()>> after(batch.size());
    try {
      session_ << "BEGIN IMMEDIATE", now;
      for (std::size_t i = 0; i < batch.size(); ++i) {
        session_ << "SAVEPOINT job", now;
        try {
          after[i] = batch[i].job(session_);
          session_ << "RELEASE job", now;
        } catch (const Poco::Exception& e) {
          session_ << "ROLLBACK TO job", now;
          session_ << "RELEASE job", now;
          results[i] = fail(ErrorCode::kIoError, "journal write failed: " + e.displayText());
        } catch (const std::exception& e) {
          session_ << "ROLLBACK TO job", now;
          session_ << "RELEASE job", now;
          results[i] = fail(ErrorCode::kIoError, std::string("journal write failed: ") + e.what());
        }
      }
      session_ << "COMMIT", now;
    } catch (const Poco::Exception& e) {
      // The transaction as a whole did not commit: nothing in it may be acknowledged.
      try {
        session_ << "ROLLBACK", now;
      } catch (const Poco::Exception&) {
        // Already rolled back by SQLite; the error below is what callers need.
      }
      for (auto& r : results) {
        r = fail(ErrorCode::kIoError, "journal commit failed: " + e.displayText());
      }
      for (auto& a : after) a = nullptr;
    }
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

}  // namespace pathhub::journal
