// The decisions a channel makes beside mapping (pipeline/channel_decisions.h), put together
// from the components that make them, as the channel's configuration asks: answers always
// (core/acks); with <practices>, results routed by practice (core/routing); with <orders>,
// orders tracked and, with a catalogue, routed by lab (core/orders).
#pragma once

#include "config/hub_config.h"
#include "journal/journal.h"
#include "pathhub/error.h"
#include "pipeline/channel_decisions.h"

namespace pathhub::daemon {

Result<pipeline::ChannelDecisionSet> makeChannelDecisions(const config::ChannelConfig& channel,
                                                          journal::Journal& journal);

}  // namespace pathhub::daemon
