// Hub wiring (see hub.h).
#include "daemon/hub.h"

#include <Poco/Logger.h>

namespace pathhub::daemon {

Hub::Hub(config::HubConfig config) : config_(std::move(config)) {}

Hub::~Hub() { stop(); }

Result<void> Hub::start() {
  journal::JournalOptions options;
  options.path = config_.journal.path;
  options.dedupeWindow = config_.journal.dedupeWindow;
  auto journal = journal::Journal::open(options);
  if (!journal) return tl::unexpected(journal.error());
  journal_ = std::move(*journal);
  for (const auto& c : config_.channels) {
    auto channel = std::make_unique<pipeline::Channel>(
        c, *journal_, zmq_, [] { return std::make_unique<pipeline::PassThroughMapper>(); });
    if (auto ok = channel->start(); !ok) return ok;
    channels_.push_back(std::move(channel));
  }
  for (auto& channel : channels_) {
    auto source = pipeline::makeSource(*channel);
    if (auto ok = source->start(); !ok) return ok;
    sources_.push_back(std::move(source));
  }
  return {};
}

void Hub::stop() {
  for (auto& s : sources_) s->stop();
  sources_.clear();
  for (auto& c : channels_) c->stop();
  channels_.clear();
  journal_.reset();
}

Result<int> Hub::prune() {
  if (!journal_) return 0;
  return journal_->prune(config_.journal.retentionDays);
}

}  // namespace pathhub::daemon
