// Keeps the record (record_builder.h) in step with the journal: a thread that takes the
// mapped messages not yet recorded, oldest first, a batch at a time, and records what they
// say in one journal transaction per batch. It follows the journal rather than the pipeline,
// so the hot path pays nothing for the record, a hub that stopped catches up when it starts,
// and a rebuild (Journal::rebuildRecord) is the same work done again. Several nodes on one
// journal may each run one: a message is recorded once (Journal::record).
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "journal/journal.h"
#include "pathhub/error.h"

namespace pathhub::record {

class RecordIndexer {
 public:
  struct Options {
    std::chrono::milliseconds idle{500};  // how long to wait when nothing is to be recorded
    int batch = 50;                       // messages per transaction (the writer is held for it)
    int nice = 10;                        // the thread's nice value: below the hot path's
  };
  RecordIndexer(journal::Journal& journal, Options options);
  ~RecordIndexer();
  RecordIndexer(const RecordIndexer&) = delete;
  RecordIndexer& operator=(const RecordIndexer&) = delete;

  void start();
  void stop();
  // Look now rather than after the idle wait (a rebuild was asked for).
  void wake();
  // Records one batch on the caller's thread: how many messages it took (0: none waiting).
  Result<int> recordBatch();

 private:
  void loop();

  journal::Journal& journal_;
  const Options options_;
  std::mutex mutex_;
  std::condition_variable wakeUp_;
  bool stopping_ = false, woken_ = false;
  std::thread thread_;
};

}  // namespace pathhub::record
