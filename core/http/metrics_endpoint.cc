// GET /metrics in the Prometheus text format: per channel and destination counters, backlog
// gauges, latency histograms, journal commit latency. Names and labels are listed in
// core/http/README.md; they change only on purpose (dashboards depend on them).
#include <map>

#include "http/api_endpoints.h"
#include "metrics/prometheus_text.h"

namespace pathhub::http {
namespace {

using metrics::Labels;
using metrics::PrometheusText;

void renderFacts(PrometheusText& out, const alerts::HubFacts& facts) {
  using ReadDestination = std::function<double(const alerts::DestinationFacts&)>;
  const std::vector<std::tuple<std::string, std::string, ReadDestination>> perDestination = {
      {"pathhub_backlog_messages", "Deliveries pending per destination.",
       [](const auto& d) { return static_cast<double>(d.backlog); }},
      {"pathhub_oldest_undelivered_age_seconds",
       "Age of the oldest message waiting for the destination (0: none waits).",
       [&facts](const auto& d) {
         return d.oldestUndeliveredAtMs
                    ? static_cast<double>(facts.atMs - d.oldestUndeliveredAtMs) / 1000.0
                    : 0.0;
       }},
      {"pathhub_destination_failing", "1 while the destination's last delivery attempt failed.",
       [](const auto& d) { return d.failing ? 1.0 : 0.0; }},
  };
  for (const auto& [name, help, read] : perDestination) {
    out.family(name, "gauge", help);
    for (const auto& d : facts.destinations) {
      out.sample(name, {{"channel", d.channel}, {"destination", d.destination}}, read(d));
    }
  }
  using ReadChannel = std::function<std::int64_t(const alerts::ChannelFacts&)>;
  const std::vector<std::tuple<std::string, std::string, ReadChannel>> perChannel = {
      {"pathhub_acknowledgements_overdue", "Deliveries whose answer is overdue.",
       [](const auto& c) { return c.acknowledgementsOverdue; }},
      {"pathhub_orders_overdue", "Orders past their turnaround target without a final result.",
       [](const auto& c) { return c.ordersOverdue; }},
      {"pathhub_results_unmatched_recent",
       "Results matched to no order, received within the unmatched window (a day unless an"
       " alert rule's windowSeconds is longer).",
       [](const auto& c) { return c.unmatchedResults; }},
  };
  for (const auto& [name, help, read] : perChannel) {
    out.family(name, "gauge", help);
    for (const auto& c : facts.channels) {
      out.sample(name, {{"channel", c.name}}, static_cast<double>(read(c)));
    }
  }
  if (facts.journalDiskFreePercent) {
    out.family("pathhub_journal_disk_free_ratio", "gauge",
               "Share of the journal's file system the hub may still write (0..1).");
    out.sample("pathhub_journal_disk_free_ratio", {}, *facts.journalDiskFreePercent / 100.0);
  }
  if (!facts.nodes.empty()) {
    out.family("pathhub_cluster_node_up", "gauge",
               "1 while the cluster node's heartbeat is within its lease.");
    for (const auto& n : facts.nodes) {
      out.sample("pathhub_cluster_node_up", {{"peer", n.name}}, n.alive ? 1 : 0);
    }
  }
}

void renderAlerts(PrometheusText& out, const alerts::AlertsView& view) {
  std::map<std::pair<std::string, std::string>, int> firing;
  for (const auto& a : view.firing) ++firing[{a.rule, a.severity}];
  out.family("pathhub_alerts_firing", "gauge", "Alerts firing, per rule.");
  for (const auto& [key, n] : firing) {
    out.sample("pathhub_alerts_firing", {{"rule", key.first}, {"severity", key.second}}, n);
  }
  out.family("pathhub_alert_notifications_total", "counter",
             "Alert notifications per notifier: sent, failed attempts (retried), given up.");
  for (const auto& n : view.notifiers) {
    for (const auto& [outcome, count] : {std::pair{"sent", n.sent},
                                         {"failed_attempt", n.failedAttempts},
                                         {"given_up", n.givenUp}}) {
      out.sample("pathhub_alert_notifications_total", {{"notifier", n.name}, {"outcome", outcome}},
                 static_cast<double>(count));
    }
  }
  out.family("pathhub_alert_notifier_failing", "gauge",
             "1 while the notifier's last attempt failed.");
  for (const auto& n : view.notifiers) {
    out.sample("pathhub_alert_notifier_failing", {{"notifier", n.name}}, n.failing ? 1 : 0);
  }
}

std::string render(ApiContext& context) {
  const auto channels = context.hub().channels();
  // A cluster's nodes are told apart by their node name on every sample.
  const std::string& node = context.hub().config().cluster.node;
  PrometheusText out(node.empty() ? Labels{} : Labels{{"node", node}});
  using Read = std::function<std::uint64_t(pipeline::ChannelStats&)>;
  const std::vector<std::tuple<std::string, std::string, Read>> channelCounters = {
      {"pathhub_messages_received_total", "New messages committed to the journal.",
       [](auto& s) { return s.received.value(); }},
      {"pathhub_messages_duplicate_total", "Resends ACKed but not routed again.",
       [](auto& s) { return s.duplicates.value(); }},
      {"pathhub_messages_rejected_total", "Input refused: unparseable or over a limit.",
       [](auto& s) { return s.rejected.value(); }},
      {"pathhub_messages_mapped_total", "Messages mapped and routed.",
       [](auto& s) { return s.mapped.value(); }},
      {"pathhub_messages_filtered_total", "Messages a script or the routes filtered out.",
       [](auto& s) { return s.filtered.value(); }},
      {"pathhub_script_errors_total", "Messages whose mapping failed (script error or reject).",
       [](auto& s) { return s.mappingFailed.value(); }},
  };
  for (const auto& [name, help, read] : channelCounters) {
    out.family(name, "counter", help);
    for (const auto& v : channels) {
      out.sample(name, {{"channel", v.name}}, static_cast<double>(read(*v.stats)));
    }
  }
  out.family("pathhub_channel_up", "gauge", "1 while the channel runs (paused counts as up).");
  for (const auto& v : channels) {
    out.sample("pathhub_channel_up", {{"channel", v.name}, {"state", v.state}},
               v.state == "running" || v.state == "paused" ? 1 : 0);
  }
  out.family("pathhub_script_duration_seconds", "histogram", "Time to map one message.");
  for (const auto& v : channels) {
    out.histogram("pathhub_script_duration_seconds", {{"channel", v.name}},
                  v.stats->mappingSeconds.snapshot());
  }

  using ReadDestination = std::function<std::uint64_t(pipeline::DestinationStats&)>;
  const std::vector<std::tuple<std::string, std::string, ReadDestination>> destinationCounters = {
      {"pathhub_deliveries_total", "Messages delivered.",
       [](auto& d) { return d.delivered.value(); }},
      {"pathhub_delivery_attempts_failed_total", "Delivery attempts that failed and are retried.",
       [](auto& d) { return d.attemptsFailed.value(); }},
      {"pathhub_deliveries_failed_total", "Deliveries given up: rejected or attempts exhausted.",
       [](auto& d) { return d.failed.value(); }},
      {"pathhub_deliveries_held_total",
       "Deliveries not sent for clinical safety: their conversion gave a blocking warning.",
       [](auto& d) { return d.held.value(); }},
  };
  for (const auto& [name, help, read] : destinationCounters) {
    out.family(name, "counter", help);
    for (const auto& v : channels) {
      for (auto& d : v.stats->destinations) {
        out.sample(name, {{"channel", v.name}, {"destination", d.name}},
                   static_cast<double>(read(d)));
      }
    }
  }
  // The gauges the alert rules read too (alerts::HubFacts): one gathering serves both.
  if (auto facts = context.hub().facts()) {
    renderFacts(out, *facts);
  } else {
    throw ApiError::from(facts.error());
  }
  const std::vector<
      std::tuple<std::string, std::string,
                 std::function<const metrics::Histogram&(pipeline::DestinationStats&)>>>
      histograms = {
          {"pathhub_delivery_duration_seconds", "One delivery attempt to the receiver.",
           [](auto& d) -> const metrics::Histogram& { return d.deliverySeconds; }},
          {"pathhub_end_to_end_seconds", "From receipt to delivery.",
           [](auto& d) -> const metrics::Histogram& { return d.endToEndSeconds; }},
      };
  for (const auto& [name, help, read] : histograms) {
    out.family(name, "histogram", help);
    for (const auto& v : channels) {
      for (auto& d : v.stats->destinations) {
        out.histogram(name, {{"channel", v.name}, {"destination", d.name}}, read(d).snapshot());
      }
    }
  }
  journal::Journal& journal = context.journal();
  out.family("pathhub_journal_commit_seconds", "histogram",
             "One journal transaction, its fsync included.");
  out.histogram("pathhub_journal_commit_seconds", {}, journal.writer().commitSeconds().snapshot());
  out.family("pathhub_journal_commits_total", "counter", "Journal transactions committed.");
  out.sample("pathhub_journal_commits_total", {}, static_cast<double>(journal.writer().commits()));
  if (alerts::AlertEngine* engine = context.hub().alerts()) renderAlerts(out, engine->view());
  return out.text();
}

}  // namespace

void addMetricsEndpoint(Router& router, ApiContext& context) {
  router.add({"GET", "/metrics", Role::kViewer, [&context](const ApiRequest& r) {
                r.allowOnly({});
                return Reply{200, "text/plain; version=0.0.4; charset=utf-8", render(context)};
              }});
}

}  // namespace pathhub::http
