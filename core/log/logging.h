// The daemon's log set-up from <log>: to stderr and optionally a rotating file, as lines for
// people ("2026-11-25 10:00:00.123 Warning [pipeline.demo] …") or as JSON lines for log
// shippers, with the default level and per-component levels (a component is a logger name
// prefix: "journal", "pipeline", "pipeline.demo", "http", "plugin.transport_mllp", …).
#pragma once

#include <Poco/Formatter.h>

#include "config/hub_config.h"

namespace pathhub::log {

// One JSON object per line: time (ISO 8601 UTC), level, component, message, and thread when
// the thread has a name.
class JsonLineFormatter : public Poco::Formatter {
 public:
  void format(const Poco::Message& message, std::string& text) override;
};

void setUpLogging(const config::LogConfig& config);

}  // namespace pathhub::log
