// Prometheus text format (see prometheus_text.h).
#include "metrics/prometheus_text.h"

#include <cmath>
#include <cstdio>

namespace pathhub::metrics {
namespace {

std::string escapeLabel(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string number(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buffer[32];
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    std::snprintf(buffer, sizeof buffer, "%.0f", v);
  } else {
    std::snprintf(buffer, sizeof buffer, "%.9g", v);
  }
  return buffer;
}

std::string labelText(const Labels& labels) {
  if (labels.empty()) return {};
  std::string out = "{";
  for (const auto& [k, v] : labels) {
    if (out.size() > 1) out += ',';
    out += k + "=\"" + escapeLabel(v) + "\"";
  }
  return out + "}";
}

}  // namespace

void PrometheusText::family(const std::string& name, const std::string& type,
                            const std::string& help) {
  out_ += "# HELP " + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
}

void PrometheusText::sample(const std::string& name, const Labels& labels, double value) {
  if (everySample_.empty()) {
    out_ += name + labelText(labels) + " " + number(value) + "\n";
    return;
  }
  Labels all = everySample_;
  all.insert(all.end(), labels.begin(), labels.end());
  out_ += name + labelText(all) + " " + number(value) + "\n";
}

void PrometheusText::histogram(const std::string& name, const Labels& labels,
                               const Histogram::Snapshot& s) {
  for (std::size_t i = 0; i < s.bounds.size(); ++i) {
    Labels withBound = labels;
    withBound.emplace_back("le", number(s.bounds[i]));
    sample(name + "_bucket", withBound, static_cast<double>(s.cumulative[i]));
  }
  Labels inf = labels;
  inf.emplace_back("le", "+Inf");
  sample(name + "_bucket", inf, static_cast<double>(s.count));
  sample(name + "_sum", labels, s.sum);
  sample(name + "_count", labels, static_cast<double>(s.count));
}

}  // namespace pathhub::metrics
