// The running hub's record (see record_service.h).
#include "record/record_service.h"

#include "record/opt_outs.h"

namespace pathhub::record {
namespace {

Result<std::set<std::string>> optOutsOf(const config::RecordConfig& config) {
  if (config.optOuts.empty()) return std::set<std::string>();
  return readOptOuts(config.optOuts);
}

}  // namespace

Result<std::unique_ptr<RecordService>> RecordService::start(journal::Journal& journal,
                                                            const config::RecordConfig& config) {
  auto optOuts = optOutsOf(config);
  if (!optOuts) return tl::unexpected(optOuts.error());
  std::unique_ptr<RecordService> service(new RecordService(journal, config, std::move(*optOuts)));
  service->indexer_->start();
  return service;
}

RecordService::RecordService(journal::Journal& journal, const config::RecordConfig& config,
                             std::set<std::string> optOuts)
    : journal_(journal),
      optOuts_(std::move(optOuts)),
      requirePurposeOfUse_(config.requirePurposeOfUse),
      indexer_(std::make_unique<RecordIndexer>(journal, RecordIndexer::Options{})) {}

RecordService::~RecordService() { indexer_->stop(); }

Result<void> RecordService::reconfigure(const config::RecordConfig& config) {
  auto optOuts = optOutsOf(config);
  if (!optOuts) return tl::unexpected(optOuts.error());
  std::lock_guard lock(mutex_);
  optOuts_ = std::move(*optOuts);
  requirePurposeOfUse_ = config.requirePurposeOfUse;
  return {};
}

bool RecordService::optedOut(const std::string& nhsNumber) const {
  std::lock_guard lock(mutex_);
  return optOuts_.count(nhsNumber) > 0;
}

std::size_t RecordService::optOutCount() const {
  std::lock_guard lock(mutex_);
  return optOuts_.size();
}

bool RecordService::requirePurposeOfUse() const {
  std::lock_guard lock(mutex_);
  return requirePurposeOfUse_;
}

Result<void> RecordService::rebuild() {
  if (auto ok = journal_.rebuildRecord(); !ok) return ok;
  indexer_->wake();
  return {};
}

}  // namespace pathhub::record
