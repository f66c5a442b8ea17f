// Writes metrics in the Prometheus text exposition format (version 0.0.4): a HELP and TYPE
// line per family, then its samples with escaped label values.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "metrics/metrics.h"

namespace pathhub::metrics {

using Labels = std::vector<std::pair<std::string, std::string>>;

class PrometheusText {
 public:
  // `everySample`: labels every sample carries first (a cluster's node name).
  explicit PrometheusText(Labels everySample = {}) : everySample_(std::move(everySample)) {}
  // Starts a family; its samples follow. `type`: counter, gauge or histogram.
  void family(const std::string& name, const std::string& type, const std::string& help);
  void sample(const std::string& name, const Labels& labels, double value);
  // The _bucket, _sum and _count samples of a histogram family.
  void histogram(const std::string& name, const Labels& labels, const Histogram::Snapshot& s);

  const std::string& text() const { return out_; }

 private:
  Labels everySample_;
  std::string out_;
};

}  // namespace pathhub::metrics
