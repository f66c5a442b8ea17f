// The record as the running hub holds it: the indexer that keeps it in step with the journal
// (record_indexer.h) and the governance settings its readers are checked against — the
// opt-out list and whether a purpose of use is required — which a reload replaces.
#pragma once

#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "config/hub_config.h"
#include "journal/journal.h"
#include "record/record_indexer.h"

namespace pathhub::record {

class RecordService {
 public:
  // Reads the opt-out list and starts the indexer. Refused when the list cannot be read.
  static Result<std::unique_ptr<RecordService>> start(journal::Journal& journal,
                                                      const config::RecordConfig& config);
  ~RecordService();

  // A reload: the opt-out list read again, the purpose-of-use rule as now configured. When the
  // list cannot be read the one in force stays, and the error says why.
  Result<void> reconfigure(const config::RecordConfig& config);
  bool optedOut(const std::string& nhsNumber) const;
  std::size_t optOutCount() const;
  bool requirePurposeOfUse() const;
  // Starts the record again from the journal (Journal::rebuildRecord); the indexer records
  // everything again from now on.
  Result<void> rebuild();
  RecordIndexer& indexer() { return *indexer_; }

 private:
  RecordService(journal::Journal& journal, const config::RecordConfig& config,
                std::set<std::string> optOuts);

  journal::Journal& journal_;
  mutable std::mutex mutex_;  // guards the two settings below
  std::set<std::string> optOuts_;
  bool requirePurposeOfUse_;
  std::unique_ptr<RecordIndexer> indexer_;
};

}  // namespace pathhub::record
