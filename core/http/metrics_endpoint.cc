// GET /metrics in the Prometheus text format: per channel and destination counters, backlog
// gauges, latency histograms, journal commit latency. Names and labels are listed in
// core/http/README.md; they change only on purpose (dashboards depend on them).
#include "http/api_endpoints.h"
#include "metrics/prometheus_text.h"

namespace pathhub::http {
namespace {

using metrics::Labels;
using metrics::PrometheusText;

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
  out.family("pathhub_backlog_messages", "gauge", "Deliveries pending per destination.");
  for (const auto& v : channels) {
    std::map<std::string, std::int64_t> pending;
    if (auto counted = context.journal().backlog(v.name)) {
      for (const auto& b : *counted) pending[b.destination] = b.pending;
    }
    for (const auto& d : v.stats->destinations) {
      out.sample("pathhub_backlog_messages", {{"channel", v.name}, {"destination", d.name}},
                 static_cast<double>(pending.count(d.name) ? pending[d.name] : 0));
    }
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
