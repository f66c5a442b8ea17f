// What a channel does with a mapping's result, decided without doing it: the size limit on
// what the mapping made, the destinations (the script's, else the channel's routes by message
// type, then the channel's decisions: a result to its practice, an order to its labs), and the
// outcome that follows (a message no route takes is filtered). The channel records and sends
// what this decides; a diff-replay (core/replay) compares it with what the channel did.
#pragma once

#include <string>
#include <vector>

#include "config/hub_config.h"
#include "journal/journal.h"
#include "pipeline/channel_decisions.h"
#include "pipeline/mapper.h"

namespace pathhub::pipeline {

struct MappingPlan {
  // The outcome: kMapped with its bytes, kFiltered or kFailed with the reason; notes kept.
  MapResult result;
  // For kMapped (and kFiltered with messages made): what the journal records — the
  // destinations with their attributes, the messages made with theirs. `mapped` is left for
  // the caller (it stores only a changed message).
  journal::Journal::Mapping record;
};

// `answered`: what the message settled as an answer ("" none), the reason when no route takes
// it. Reads only (the decisions' route() is const).
MappingPlan planMapping(const config::ChannelConfig& channel, const ChannelDecisionSet& decisions,
                        MapResult result, const std::string& answered);

// The configured routes that take this message (every destination but the notification-only
// ones when none is configured).
std::vector<std::string> channelRoutes(const config::ChannelConfig& channel,
                                       const std::string& mapped);

}  // namespace pathhub::pipeline
