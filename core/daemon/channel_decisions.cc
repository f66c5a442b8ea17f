// A channel's decisions, put together (see channel_decisions.h).
#include "daemon/channel_decisions.h"

#include <memory>

#include "acks/answer_decisions.h"
#include "orders/order_decisions.h"
#include "routing/practice_decisions.h"

namespace pathhub::daemon {

Result<pipeline::ChannelDecisionSet> makeChannelDecisions(const config::ChannelConfig& channel,
                                                          journal::Journal& journal) {
  // Read before the practice directory, so a channel with both reports its catalogue first.
  std::shared_ptr<orders::OrderDecisions> orders;
  if (channel.orders.enabled) {
    auto made = orders::OrderDecisions::make(channel, journal);
    if (!made) return tl::unexpected(made.error());
    orders = std::move(*made);
  }
  std::shared_ptr<routing::PracticeDecisions> practices;
  if (channel.practices.enabled) {
    auto made = routing::PracticeDecisions::make(channel);
    if (!made) return tl::unexpected(made.error());
    practices = std::move(*made);
  }
  pipeline::ChannelDecisionSet out;
  // Answers first: a message that answers earlier ones is settled before anything else reads
  // it. Practice routing before order routing, as each takes out the destinations it owns.
  out.all.push_back(std::make_shared<acks::AnswerDecisions>(channel.name, journal));
  if (practices) out.all.push_back(practices);
  if (orders) {
    out.all.push_back(orders);
    if (orders->routesOrders()) out.orders = orders;
  }
  return out;
}

}  // namespace pathhub::daemon
