// The record's indexer thread (see record_indexer.h).
#include "record/record_indexer.h"

#include <Poco/Logger.h>
#include <pthread.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "record/record_builder.h"

namespace pathhub::record {
namespace {

Poco::Logger& log() { return Poco::Logger::get("record"); }

}  // namespace

RecordIndexer::RecordIndexer(journal::Journal& journal, Options options)
    : journal_(journal), options_(options) {}

RecordIndexer::~RecordIndexer() { stop(); }

void RecordIndexer::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { loop(); });
}

void RecordIndexer::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wakeUp_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void RecordIndexer::wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  wakeUp_.notify_all();
}

Result<int> RecordIndexer::recordBatch() {
  auto sources = journal_.unrecorded(options_.batch);
  if (!sources) return tl::unexpected(sources.error());
  if (sources->empty()) return 0;
  std::vector<journal::RecordedMessage> built;
  built.reserve(sources->size());
  for (const auto& s : *sources) built.push_back(buildRecord(s));
  if (auto ok = journal_.record(built); !ok) {
    if (built.size() == 1) return tl::unexpected(ok.error());
    // One message the journal refuses must not hold back every one after it: each alone,
    // and one still refused is recorded as holding nothing, with the reason, and said.
    for (const auto& m : built) {
      if (journal_.record({m})) continue;
      journal::RecordedMessage refused{
          m.messageId, m.channel, {}, 0, "the journal refused its record: " + ok.error().text};
      log().error("record: message " + std::to_string(m.messageId) +
                  " could not be recorded: " + ok.error().describe());
      if (auto again = journal_.record({refused}); !again) return tl::unexpected(again.error());
    }
  }
  return static_cast<int>(built.size());
}

void RecordIndexer::loop() {
  pthread_setname_np(pthread_self(), "record");  // so a profile or top tells it apart
  // Recording yields to the hot path: under load the record falls a little behind and catches
  // up when the load eases, rather than taking CPU from messages waiting for their ACK. (Linux
  // gives each thread its own nice value; raising it needs no privilege.)
  if (options_.nice > 0) {
    (void)setpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid)), options_.nice);
  }
  std::chrono::milliseconds wait = options_.idle;
  while (true) {
    {
      std::unique_lock lock(mutex_);
      wakeUp_.wait_for(lock, wait, [this] { return stopping_ || woken_; });
      if (stopping_) return;
      woken_ = false;
    }
    // A full batch: more may wait, so go on at once.
    auto done = recordBatch();
    if (!done) {
      // The journal is unavailable or refused the batch: said, and tried again later. Nothing
      // is lost: the messages stay unrecorded until a batch holding them commits.
      log().error("record: cannot record the journal's new results: " + done.error().describe());
      wait = std::chrono::seconds(5);
    } else {
      wait = *done == options_.batch ? std::chrono::milliseconds(0) : options_.idle;
    }
  }
}

}  // namespace pathhub::record
