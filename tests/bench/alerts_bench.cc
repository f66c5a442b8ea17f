// What the alert rules and /metrics cost the journal each time they look (issue 26): the
// counts of Journal::attentionCounts — answers overdue, orders overdue, unmatched results — on
// a large SQLite journal: 1,000,000 answers awaited or settled (11,000 open, 1,000 overdue),
// 1,000,000 orders (2,000 overdue), 100,000 unmatched results (half within the window).
// Run by tools/dev bench; the journal is made in a temporary folder and removed.
#include <benchmark/benchmark.h>
#include <sqlite3.h>

#include <filesystem>
#include <iostream>

#include "journal/journal.h"

namespace {

const char* kFill[] = {
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000)"
    " INSERT INTO acknowledgements(delivery_id, message_id, channel, destination, reference,"
    " sent_at, state) SELECT i, i, 'lab', 'gp', 'REF' || i, i, CASE WHEN i % 1000 = 0 THEN"
    " 'overdue' WHEN i % 100 = 0 THEN 'awaiting' ELSE 'accepted' END FROM n",
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000)"
    " INSERT INTO orders(placer, lab, channel, state, placed_at, updated_at, overdue)"
    " SELECT 'P' || i, 'RBH', 'orders', CASE WHEN i % 50 = 0 THEN 'sent' ELSE 'final' END, i, i,"
    " CASE WHEN i % 500 = 0 THEN 1 ELSE 0 END FROM n",
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)"
    " INSERT INTO unmatched_results(message_id, channel, placer, filler, nhs_number, tests,"
    " received_at, reason) SELECT i, 'lab', 'P', 'F', '', 'FBC', i * 1000, 'no order' FROM n",
};

class LargeJournal {
 public:
  LargeJournal() {
    dir_ = std::filesystem::temp_directory_path() / "pathhub-alerts-bench";
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    const std::string path = (dir_ / "journal.db").string();
    {
      // The schema as the hub makes it; then filled directly, far faster than through it.
      auto made =
          pathhub::journal::Journal::open(pathhub::journal::JournalOptions::sqlite(path, {}));
      if (!made) throw std::runtime_error(made.error().text);
    }
    sqlite3* db = nullptr;
    sqlite3_open(path.c_str(), &db);
    for (const char* sql : kFill) {
      if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) {
        throw std::runtime_error(sqlite3_errmsg(db));
      }
    }
    sqlite3_close(db);
    auto opened =
        pathhub::journal::Journal::open(pathhub::journal::JournalOptions::sqlite(path, {}));
    if (!opened) throw std::runtime_error(opened.error().text);
    journal = std::move(*opened);
  }
  ~LargeJournal() {
    journal.reset();
    std::filesystem::remove_all(dir_);
  }
  std::unique_ptr<pathhub::journal::Journal> journal;

 private:
  std::filesystem::path dir_;
};

void BM_AttentionCounts(benchmark::State& state) {
  static LargeJournal large;
  for (auto _ : state) {
    auto counts = large.journal->attentionCounts(50'000'000);
    if (!counts || counts->size() != 2) state.SkipWithError("the counts are wrong");
    benchmark::DoNotOptimize(counts);
  }
}
BENCHMARK(BM_AttentionCounts)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
