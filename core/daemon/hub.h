// The running hub: the journal, the ZeroMQ context, and per channel its pipeline and source,
// wired from a HubConfig and the loaded plugins. Start-up order: journal, channels (which
// resume what the journal holds), then sources; shutdown is the reverse, so nothing is
// accepted that cannot be kept. A channel whose source or destination plugin fails to start
// is marked faulted and logged; the other channels run.
//
// It is also what the HTTP API controls (http::HubControl): operators pause, resume and
// restart channels while the hub runs; those calls are serialised by one mutex.
#pragma once

#include <Poco/JSON/Object.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <vector>
#include <zmq.hpp>

#include "alerts/alert_monitor.h"
#include "cluster/lease_keeper.h"
#include "config/hub_config.h"
#include "http/hub_control.h"
#include "journal/journal.h"
#include "journal/journal_lock.h"
#include "pipeline/channel.h"
#include "pipeline/source.h"
#include "plugin/plugin_registry.h"

namespace pathhub::daemon {

class Hub : public http::HubControl {
 public:
  // The caller has checked the channels' plugin settings (plugin::checkChannels), as main
  // does before anything starts; a setting refused here would fault its channel.
  // `configPath`: the file the configuration came from, read again by reload() ("": reload
  // is refused).
  Hub(config::HubConfig config, std::shared_ptr<const plugin::PluginRegistry> plugins,
      std::string configPath = {});
  ~Hub() override;

  Result<void> start();
  void stop();
  // Removes finished messages older than the configured retention (never undelivered ones).
  Result<int> prune();
  // Marks answers awaited past their channel's <acknowledgements overdueSeconds> overdue and,
  // where the channel names a notify destination, sends it a notification (a JSON document:
  // core/daemon/README.md) for each. Returns how many became overdue.
  Result<int> flagOverdueAnswers();
  // Marks orders past their tests' turnaround target without a final result overdue and, where
  // the order's channel names <orders notify>, sends it a notification for each.
  Result<int> flagOverdueOrders();
  // How often flagOverdueAnswers is worth running: the shortest overdue time, at most a minute.
  std::chrono::milliseconds overdueCheckInterval() const;
  // Channel name → why it is faulted, for every faulted channel.
  std::vector<std::pair<std::string, std::string>> faults() const;
  // How long a stop may take (<pipeline stopGraceSeconds>, as last loaded).
  std::chrono::seconds stopGrace() const { return std::chrono::seconds(stopGraceSeconds_.load()); }

  // http::HubControl
  const config::HubConfig& config() const override { return config_; }
  journal::Journal* journal() override { return journal_.get(); }
  std::vector<http::ChannelView> channels() const override;
  bool ready() const override { return ready_; }
  Result<void> pause(const std::string& channel) override;
  Result<void> resume(const std::string& channel) override;
  Result<void> restart(const std::string& channel) override;
  Result<http::ReloadReport> reload() override;
  Result<http::RerouteReport> rerouteOrder(const std::string& placer) override;
  void wake(const std::string& channel, const std::vector<std::string>& destinations) override;
  Result<http::ClusterView> cluster() override;
  record::RecordService* record() override { return record_.get(); }
  Result<std::unique_ptr<pipeline::Mapper>> scriptMapper(const std::string& channel,
                                                         const std::string& text) override;
  Result<replay::ReplaySummary> replayScript(const std::string& channel, pipeline::Mapper& mapper,
                                             const replay::ReplayOptions& options) override;
  Result<std::int64_t> deployScript(const std::string& channel, const std::string& text,
                                    const std::string& by, const std::string& origin,
                                    const std::string& action) override;
  Result<alerts::HubFacts> facts() override;
  alerts::AlertEngine* alerts() override { return alerts_ ? &alerts_->engine() : nullptr; }

 private:
  struct Slot {
    std::shared_ptr<const config::ChannelConfig> config;
    std::string tablesPrint;  // what the channel's tables held when it started (reload)
    std::shared_ptr<pipeline::ChannelStats> stats;
    std::unique_ptr<pipeline::Channel> channel;
    std::unique_ptr<pipeline::Source> source;  // null when paused or when it failed to start
    bool paused = false;
    std::string startError;  // why the channel's stages did not start (restart)
  };
  Slot* find(const std::string& name);
  // The channels' configurations as they now run.
  std::vector<std::shared_ptr<const config::ChannelConfig>> channelConfigs() const;
  // Applies a new channel list (reload): adds, removes, and restarts what changed.
  void reloadChannels(const std::vector<config::ChannelConfig>& next, http::ReloadReport& report);
  // Builds and starts the channel's stages; then, when asked, its source unless paused.
  Result<void> startChannel(Slot& slot, bool withSource);
  void startSource(Slot& slot);
  void stopChannel(Slot& slot);
  // Records `notice` (JSON) as a notification about `parent` for `destination` of `channel`.
  Result<void> notify(const std::string& channel, const std::string& destination,
                      journal::MessageId parent, const std::string& controlId,
                      const Poco::JSON::Object& notice);

  config::HubConfig config_;  // as started: its channels are the slots' (reload changes them)
  const std::string configPath_;
  std::shared_ptr<const plugin::PluginRegistry> plugins_;  // outlives every instance below
  std::unique_ptr<journal::JournalLock> journalLock_;      // held while the hub runs
  std::unique_ptr<journal::Journal> journal_;
  // A cluster's node: its leases and heartbeat, and the channels' delivery gate.
  std::unique_ptr<cluster::LeaseKeeper> leases_;
  // The pathology record's indexer and governance (null when <record enabled="false">).
  std::unique_ptr<record::RecordService> record_;
  zmq::context_t zmq_;
  mutable std::mutex mutex_;  // guards slots_' contents against API calls
  std::vector<Slot> slots_;
  std::atomic<bool> ready_{false};
  std::atomic<int> retentionDays_;
  std::atomic<long long> stopGraceSeconds_;
  std::vector<config::ApiToken> tokens_;  // guarded by mutex_: as last loaded
  config::AlertsConfig alertsConfig_;     // guarded by mutex_: as last loaded
  // Watches the hub for the alert rules (core/alerts); started last, stopped first.
  std::unique_ptr<alerts::AlertMonitor> alerts_;
};

}  // namespace pathhub::daemon
