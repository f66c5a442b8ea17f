// What the HTTP API needs from the running hub, and nothing more: its configuration, the
// journal, each channel's state and figures, and the operator's controls. daemon::Hub
// implements it; the API never sees the pipeline's threads or the plugins.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "alerts/alert_engine.h"
#include "alerts/hub_facts.h"
#include "config/hub_config.h"
#include "journal/journal.h"
#include "pathhub/error.h"
#include "pipeline/channel_stats.h"
#include "pipeline/mapper.h"
#include "record/record_service.h"
#include "replay/diff_replay.h"

namespace pathhub::http {

struct ChannelView {
  std::string name;
  // "running"; "paused" (source stopped by an operator, deliveries go on); "faulted" (a part
  // failed: see fault); "stopped" (the hub is stopping or has not started).
  std::string state;
  std::string fault;
  std::shared_ptr<pipeline::ChannelStats> stats;        // never null
  std::shared_ptr<const config::ChannelConfig> config;  // as the channel now runs
};

// What a reload did (HubControl::reload).
// What re-routing an order did (HubControl::rerouteOrder): per stuck part (its message id)
// where it now goes, or why it still cannot be placed.
struct RerouteReport {
  std::vector<std::pair<std::int64_t, std::vector<std::string>>> routed;
  std::vector<std::pair<std::int64_t, std::string>> stillStuck;
};

struct ReloadReport {
  std::vector<std::string> applied;        // what changed and now runs
  std::vector<std::string> restartNeeded;  // what changed but takes effect at the next start
  std::vector<std::string> failed;         // a changed channel that did not start again
  std::vector<config::ApiToken> tokens;    // the API's tokens as now configured
};

// The cluster this hub is a node of (HubControl::cluster): every node with its heartbeat, and
// who delivers for each destination.
struct ClusterView {
  std::string node;  // this node
  struct Node {
    std::string name;
    std::int64_t startedAtMs = 0, lastBeatMs = 0, sinceBeatMs = 0;
    bool alive = false;
  };
  struct Lease {
    std::string channel, destination, owner;
    std::int64_t epoch = 0;
    bool expired = false;
  };
  std::vector<Node> nodes;
  std::vector<Lease> leases;
};

class HubControl {
 public:
  virtual ~HubControl() = default;
  virtual const config::HubConfig& config() const = 0;
  // Null until the hub has started.
  virtual journal::Journal* journal() = 0;
  virtual std::vector<ChannelView> channels() const = 0;
  // The journal is open and every channel has started (faulted ones included: a fault is
  // reported on /api/v1/channels, it does not make the hub unready).
  virtual bool ready() const = 0;
  // Pause: the channel's source stops taking messages; what is queued is still delivered.
  virtual Result<void> pause(const std::string& channel) = 0;
  virtual Result<void> resume(const std::string& channel) = 0;
  // Stops and starts the channel's stages and source again, clearing a fault.
  virtual Result<void> restart(const std::string& channel) = 0;
  // Reads the configuration file again, with the tables it names (practice directories, test
  // catalogues, requester tables), and applies what can change while the hub runs: channels
  // added, removed, or restarted where their settings or tables changed (their listeners
  // close for a moment; senders reconnect, nothing ACKed is lost), the API's tokens, journal
  // retention, the stop grace. What cannot (the journal's path, the API's listener, logging,
  // plugin folders) is reported as needing a restart. A configuration that is not valid is
  // refused (invalid_value, every problem listed) and the running one kept.
  virtual Result<ReloadReport> reload() = 0;
  // Routes again the parts of order `placer` that went to an exceptions destination, with the
  // catalogue and labs now in force (pipeline::Channel::rerouteOrder), on every channel that
  // routes orders. not_found when no part of the order waits anywhere.
  virtual Result<RerouteReport> rerouteOrder(const std::string& placer) = 0;
  // New deliveries are waiting in the journal for these destinations (a replay): their
  // workers look now rather than at their next idle poll.
  virtual void wake(const std::string& channel, const std::vector<std::string>& destinations) = 0;
  // The cluster's nodes and leases, read from the shared journal; not_found when this hub is
  // not a node of a cluster (<cluster> is not configured).
  virtual Result<ClusterView> cluster() = 0;
  // The network's pathology record (core/record); null when <record enabled="false"> or
  // while the hub is not running.
  virtual record::RecordService* record() = 0;

  // --- A channel's mapping script (script_endpoints.cc) ---
  // `text` as the channel would run it (its scripts folder's modules and tables, its limits),
  // for a try or a check: not_found without such a channel, invalid_state when it maps with no
  // script, invalid_value (the reason naming line) when it does not compile. Log lines of
  // what it maps stay with the results.
  virtual Result<std::unique_ptr<pipeline::Mapper>> scriptMapper(const std::string& channel,
                                                                 const std::string& text) = 0;
  // A diff-replay of `mapper` over what the channel received (core/replay): read-only, in the
  // caller's thread, routed as the channel routes now.
  virtual Result<replay::ReplaySummary> replayScript(const std::string& channel,
                                                     pipeline::Mapper& mapper,
                                                     const replay::ReplayOptions& options) = 0;
  // Puts `text` live as the channel's script (pipeline::ScriptVersions::deploy): its version.
  virtual Result<std::int64_t> deployScript(const std::string& channel, const std::string& text,
                                            const std::string& by, const std::string& origin,
                                            const std::string& action) = 0;

  // --- Alerts (core/alerts; alert_endpoints.cc, metrics_endpoint.cc) ---
  // The hub as the alert rules see it now: channels, destinations, the journal's disk, nodes.
  virtual Result<alerts::HubFacts> facts() = 0;
  // The alerts' states and acknowledgement; null while the hub is not running.
  virtual alerts::AlertEngine* alerts() = 0;
};

}  // namespace pathhub::http
