// Plugin instances on the hub side (see plugin_host.h).
#include "plugin/plugin_host.h"

#include <Poco/Logger.h>

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>

#include "model/warnings.h"
#include "pipeline/intake.h"
#include "plugin/plugin_config.h"

// The opaque handle of plugin.h: one per source or destination instance.
struct phub_host {
  std::string tag;  // "[plugin:channel:instance]" for log lines
  Poco::Logger* log = nullptr;
  pathhub::pipeline::Channel* channel = nullptr;      // to mark faulted
  std::unique_ptr<pathhub::pipeline::Intake> intake;  // sources only
  std::mutex countersMutex;
  std::map<std::string, std::uint64_t> counters;
  // Destinations: the attributes of the delivery in hand (set around each deliver call, which
  // one thread makes at a time per instance).
  const pathhub::pipeline::DeliveryAttributes* delivering = nullptr;
  // Destinations: the wait the receiver asked for during the deliver call in hand (retry_after).
  std::uint32_t retryAfterSeconds = 0;
};

namespace pathhub::plugin {
namespace {

using pipeline::Submission;

constexpr std::size_t kErrorSize = 1024;

void hostLog(phub_host* host, phub_log_level level, const char* text) {
  const std::string line = host->tag + " " + (text ? text : "");
  switch (level) {
    case PHUB_LOG_ERROR:
      host->log->error(line);
      break;
    case PHUB_LOG_WARNING:
      host->log->warning(line);
      break;
    case PHUB_LOG_INFO:
      host->log->information(line);
      break;
    default:
      host->log->debug(line);
  }
}

const char* configText(const phub_config* config, const char* key) {
  const auto it = config->values.find(key ? key : "");
  return it == config->values.end() ? nullptr : it->second.c_str();
}

long long configInteger(const phub_config* config, const char* key, long long fallback) {
  const char* text = configText(config, key);
  if (!text) return fallback;
  try {
    return std::stoll(text);
  } catch (const std::exception&) {
    return fallback;
  }
}

int configBoolean(const phub_config* config, const char* key, int fallback) {
  const char* text = configText(config, key);
  if (!text) return fallback;
  return std::string_view(text) == "true" ? 1 : 0;
}

void hostCount(phub_host* host, const char* name, std::uint64_t value) {
  std::lock_guard lock(host->countersMutex);
  host->counters[name ? name : "?"] += value;
}

void hostFault(phub_host* host, const char* reason) {
  const std::string why = host->tag + " " + (reason ? reason : "failed");
  host->log->error("faulted: " + why);
  if (host->channel) host->channel->markFaulted(why);
}

// The C view of a submission; its strings live in a thread-local copy until the next one.
phub_submit_result toC(Submission s) {
  thread_local Submission kept;
  kept = std::move(s);
  phub_submit_result r{};
  r.status = static_cast<phub_submit_status>(kept.status);
  r.message_id = kept.messageId;
  r.reply = kept.reply.data();
  r.reply_size = kept.reply.size();
  r.reason = kept.reason.c_str();
  r.messages = kept.messages;
  r.rejected = kept.rejected;
  return r;
}

phub_submit_result noIntake() {
  return toC({Submission::Status::kFailed, 0, {}, "this instance is not a source"});
}

phub_submit_result hostSubmit(phub_host* host, const char* bytes, std::size_t size,
                              const char* origin) {
  if (!host->intake) return noIntake();
  return toC(host->intake->submit(std::string_view(bytes, size), origin ? origin : ""));
}

phub_submit_result hostRefuseAs(phub_host* host, phub_refusal kind, const char* bytes,
                                std::size_t size, const char* origin, const char* reason) {
  if (!host->intake) return noIntake();
  ErrorCode code = ErrorCode::kFramingError;
  switch (kind) {
    case PHUB_REFUSAL_TOO_LARGE:
      code = ErrorCode::kMessageTooLarge;
      break;
    case PHUB_REFUSAL_MALFORMED:
      code = ErrorCode::kMalformedMessage;
      break;
    case PHUB_REFUSAL_UNCONVERTIBLE:
      code = ErrorCode::kUnconvertible;
      break;
    case PHUB_REFUSAL_NOT_TAKEN:
      code = ErrorCode::kInvalidValue;
      break;
    case PHUB_REFUSAL_UNFRAMED:
      break;
  }
  return toC(host->intake->refuse(std::string_view(bytes, size), origin ? origin : "", code,
                                  reason ? reason : "refused"));
}

phub_submit_result hostRefuse(phub_host* host, const char* bytes, std::size_t size,
                              const char* origin, const char* reason) {
  return hostRefuseAs(host, PHUB_REFUSAL_UNFRAMED, bytes, size, origin, reason);
}

phub_submit_result hostSubmitFile(phub_host* host, const char* bytes, std::size_t size,
                                  const char* origin) {
  if (!host->intake) return noIntake();
  return toC(host->intake->submitFile(std::string_view(bytes, size), origin ? origin : ""));
}

const char* hostDeliveryAttribute(phub_host* host, const char* key) {
  if (!host->delivering || !key) return nullptr;
  const auto it = host->delivering->find(key);
  return it == host->delivering->end() ? nullptr : it->second.c_str();
}

void hostRetryAfter(phub_host* host, std::uint32_t seconds) {
  host->retryAfterSeconds = std::max(host->retryAfterSeconds, seconds);
}

static_assert(static_cast<int>(Submission::Status::kStopping) == PHUB_SUBMIT_STOPPING);

const phub_host_api kApi = {sizeof(phub_host_api),
                            PHUB_ABI_MINOR,
                            hostLog,
                            configText,
                            configInteger,
                            configBoolean,
                            hostCount,
                            hostSubmit,
                            hostRefuse,
                            hostSubmitFile,
                            hostFault,
                            hostDeliveryAttribute,
                            hostRefuseAs,
                            hostRetryAfter};

// Stops and destroys an instance; a stop that fails is logged, never dropped. The instance's
// counters are logged as it goes (until the HTTP API's /metrics reads them while it runs).
template <typename Kind>
void stopAndDestroy(const Kind& kind, void* self, phub_host& host) {
  char error[kErrorSize] = "";
  if (kind.stop(self, error, sizeof error) != 0) {
    hostLog(&host, PHUB_LOG_WARNING, (std::string("did not stop cleanly: ") + error).c_str());
  }
  kind.destroy(self);
  std::string counts;
  for (const auto& [name, value] : host.counters) {
    counts += (counts.empty() ? "" : " ") + name + "=" + std::to_string(value);
  }
  if (!counts.empty()) hostLog(&host, PHUB_LOG_INFO, ("stopped; counters: " + counts).c_str());
}

std::unique_ptr<phub_host> makeHost(const LoadedPlugin& plugin, const std::string& channel,
                                    const std::string& instance) {
  auto host = std::make_unique<phub_host>();
  host->tag = "[" + std::string(plugin.descriptor->name) + ":" + channel + ":" + instance + "]";
  host->log = &Poco::Logger::get("plugin." + std::string(plugin.descriptor->name));
  return host;
}

// A configured codec's instance with what it was given: its host and settings live as long
// as it does.
struct CodecInstance {
  const phub_codec_kind* kind = nullptr;
  std::unique_ptr<phub_host> host;
  phub_config config;
  void* self = nullptr;
  ~CodecInstance() {
    if (self) kind->destroy(self);
  }
};

class PluginSource : public pipeline::Source {
 public:
  PluginSource(const phub_source_kind& kind, std::unique_ptr<phub_host> host, phub_config config,
               pipeline::Channel& channel)
      : kind_(kind), host_(std::move(host)), config_(std::move(config)), channel_(channel) {}
  ~PluginSource() override { stop(); }

  Result<void> start() override {
    char error[kErrorSize] = "";
    const std::string& name = channel_.config().name;
    phub_context context{sizeof(phub_context),
                         &kApi,
                         host_.get(),
                         &config_,
                         name.c_str(),
                         "source",
                         channel_.config().source.maxMessageBytes};
    self_ = kind_.create(&context, error, sizeof error);
    if (!self_) return faulted("cannot create the source: ", error);
    if (kind_.start(self_, error, sizeof error) != 0) {
      kind_.destroy(self_);
      self_ = nullptr;
      return faulted("cannot start the source: ", error);
    }
    return {};
  }

  void stop() override {
    if (!self_) return;
    host_->intake->stop();  // a submission waiting on back-pressure returns now
    stopAndDestroy(kind_, self_, *host_);
    self_ = nullptr;
  }

 private:
  Result<void> faulted(const std::string& what, const char* error) {
    const std::string why = host_->tag + " " + what + (*error ? error : "no reason given");
    channel_.markFaulted(why);
    return fail(ErrorCode::kIoError, why);
  }

  const phub_source_kind& kind_;
  std::unique_ptr<phub_host> host_;
  phub_config config_;
  pipeline::Channel& channel_;
  void* self_ = nullptr;
};

class PluginDestination : public pipeline::Destination {
 public:
  // `encoder`: the destination's codec, when it takes another format than HL7 v2; `block`:
  // the warning names its conversions may not give (the channel's <safety block>).
  PluginDestination(const phub_destination_kind& kind, std::unique_ptr<phub_host> host,
                    phub_config config, pipeline::Converter encoder, std::vector<std::string> block)
      : kind_(kind),
        host_(std::move(host)),
        config_(std::move(config)),
        encoder_(std::move(encoder)),
        block_(std::move(block)) {}
  ~PluginDestination() override {
    if (!self_) return;
    stopAndDestroy(kind_, self_, *host_);
  }

  Result<void> start(const std::string& channel, const std::string& name) {
    char error[kErrorSize] = "";
    phub_context context{sizeof(phub_context), &kApi, host_.get(), &config_, channel.c_str(),
                         name.c_str(),         0};
    self_ = kind_.create(&context, error, sizeof error);
    if (!self_) return fail(ErrorCode::kIoError, host_->tag + " cannot create: " + error);
    if (kind_.start(self_, error, sizeof error) != 0) {
      kind_.destroy(self_);
      self_ = nullptr;
      return fail(ErrorCode::kIoError, host_->tag + " cannot start: " + error);
    }
    return {};
  }

  pipeline::DeliveryResult deliver(const std::string& bytes, std::int64_t messageId,
                                   const pipeline::DeliveryAttributes& attributes) override {
    host_->delivering = &attributes;
    auto result = deliverConverted(bytes, messageId);
    host_->delivering = nullptr;
    return result;
  }

  // A window goes to the plugin's deliver_window (ABI 1.5) when it has one and the messages go
  // out as they are: with a codec, each message is converted (and perhaps held) on its own.
  std::vector<pipeline::DeliveryResult> deliverWindow(
      std::span<const pipeline::Outgoing> window) override {
    const bool windows = kind_.struct_size >= offsetof(phub_destination_kind, deliver_window) +
                                                  sizeof(kind_.deliver_window) &&
                         kind_.deliver_window;
    if (!windows || encoder_ || window.size() == 1) {
      return pipeline::Destination::deliverWindow(window);
    }
    std::vector<std::vector<const char*>> attributes(window.size());
    std::vector<phub_outgoing> messages(window.size());
    for (std::size_t i = 0; i < window.size(); ++i) {
      for (const auto& [key, value] : *window[i].attributes) {
        attributes[i].push_back(key.c_str());
        attributes[i].push_back(value.c_str());
      }
      messages[i] = {window[i].bytes->data(), window[i].bytes->size(), window[i].messageId,
                     attributes[i].data(), attributes[i].size() / 2};
    }
    // One buffer for every reason, not zeroed: a plugin often takes one message of the many
    // offered, and this runs for each delivery.
    const auto reasons = std::make_unique_for_overwrite<char[]>(window.size() * kErrorSize);
    std::vector<phub_outcome> outcomes(window.size());
    for (std::size_t i = 0; i < window.size(); ++i) {
      char* reason = reasons.get() + i * kErrorSize;
      reason[0] = '\0';
      outcomes[i] = {PHUB_FAULT, reason, kErrorSize};
    }
    const std::size_t taken =
        kind_.deliver_window(self_, messages.data(), messages.size(), outcomes.data());
    std::vector<pipeline::DeliveryResult> out;
    if (taken == 0 || taken > window.size()) {
      out.push_back({pipeline::DeliveryResult::Kind::kFault,
                     host_->tag + " took " + std::to_string(taken) + " of a window of " +
                         std::to_string(window.size()) + " messages"});
      return out;
    }
    for (std::size_t i = 0; i < taken; ++i) {
      out.push_back(resultOf(outcomes[i].status, outcomes[i].reason));
    }
    return out;
  }

 private:
  pipeline::DeliveryResult deliverConverted(const std::string& bytes, std::int64_t messageId) {
    if (!encoder_) return deliverOne(bytes, messageId);
    using Kind = pipeline::DeliveryResult::Kind;
    auto converted = encoder_.convert(bytes);
    if (!converted || converted->messages.empty()) {
      // The message cannot be put in this format: retrying would not help.
      return {Kind::kRejected, "codec " + encoder_.name + ": " +
                                   (converted ? "it gave nothing" : converted.error().text)};
    }
    // A warning the channel blocks on: nothing is sent (the channel routes to exceptions).
    std::string blocked;
    for (const auto& w : converted->warnings) {
      const std::string name(model::warningName(w));
      if (std::find(block_.begin(), block_.end(), name) != block_.end()) {
        blocked += (blocked.empty() ? "" : "; ") + w;
      }
    }
    if (!blocked.empty()) {
      return {Kind::kHeld, "clinical safety: codec " + encoder_.name + ": " + blocked};
    }
    pipeline::DeliveryResult result;
    for (const std::string& one : converted->messages) {
      result = deliverOne(one, messageId);
      if (result.kind != Kind::kDelivered) return result;
    }
    // Kept with the delivery: what the conversion could not carry.
    for (const auto& w : converted->warnings) result.reason += "\nconversion warning: " + w;
    result.sent = std::move(converted->messages);
    return result;
  }

  pipeline::DeliveryResult deliverOne(const std::string& bytes, std::int64_t messageId) {
    char reason[kErrorSize] = "";
    host_->retryAfterSeconds = 0;
    const phub_delivery_status status =
        kind_.deliver(self_, bytes.data(), bytes.size(), messageId, reason, sizeof reason);
    pipeline::DeliveryResult result = resultOf(status, reason);
    if (result.kind == pipeline::DeliveryResult::Kind::kRetryLater) {
      result.retryAfter = std::chrono::seconds(host_->retryAfterSeconds);
    }
    return result;
  }

  pipeline::DeliveryResult resultOf(phub_delivery_status status, const char* reason) const {
    using Kind = pipeline::DeliveryResult::Kind;
    switch (status) {
      case PHUB_DELIVERED:
        return {Kind::kDelivered, reason};
      case PHUB_RETRY_LATER:
        return {Kind::kRetryLater, reason};
      case PHUB_REJECTED:
        return {Kind::kRejected, reason};
      case PHUB_FAULT:
        return {Kind::kFault, host_->tag + " " + reason};
    }
    return {Kind::kFault, host_->tag + " answered an unknown delivery status " +
                              std::to_string(static_cast<int>(status))};
  }

 private:
  const phub_destination_kind& kind_;
  std::unique_ptr<phub_host> host_;
  phub_config config_;
  pipeline::Converter encoder_;
  std::vector<std::string> block_;
  void* self_ = nullptr;
};

// The kind providing `type`, its plugin, and the settings checked against its schema.
template <typename Kind>
struct Resolved {
  const Kind* kind;
  const LoadedPlugin* plugin;
  phub_config config;
};

template <typename Kind>
Result<Resolved<Kind>> resolve(const PluginRegistry& registry, const std::string& type,
                               const config::PluginSettings& settings, const std::string& where) {
  const LoadedPlugin* from = nullptr;
  const Kind* kind = registry.find<Kind>(type, &from);
  if (!kind)
    return fail(ErrorCode::kInvalidValue, where + ": no plugin provides type '" + type + "'");
  auto checked = checkSettings(kind->keys, kind->key_count, settings, where);
  if (!checked) return tl::unexpected(checked.error());
  return Resolved<Kind>{kind, from, std::move(*checked)};
}

std::string sourceWhere(const config::ChannelConfig& c) {
  return "channel '" + c.name + "' source";
}

std::string destinationWhere(const config::ChannelConfig& c, const config::DestinationConfig& d) {
  return "channel '" + c.name + "' destination '" + d.name + "'";
}

}  // namespace

Result<pipeline::Converter> makeConverter(const PluginRegistry& registry, const std::string& name,
                                          const config::PluginSettings& settings,
                                          Direction direction, const std::string& channel,
                                          const std::string& instance, const std::string& where) {
  if (name.empty()) return pipeline::Converter{};
  const LoadedPlugin* from = nullptr;
  const phub_codec_kind* kind = registry.find<phub_codec_kind>(name, &from);
  if (!kind) {
    return fail(ErrorCode::kInvalidValue, where + ": no plugin provides codec '" + name + "'");
  }
  auto checked = checkSettings(kind->keys, kind->key_count, settings, where + " codecSettings");
  if (!checked) return tl::unexpected(checked.error());
  if (!kind->create) return converter(*kind, direction);
  auto made = std::make_shared<CodecInstance>();
  made->kind = kind;
  made->host = makeHost(*from, channel, instance + "/" + name);
  made->config = std::move(*checked);
  const phub_context context{
      sizeof(phub_context), &kApi, made->host.get(), &made->config, channel.c_str(),
      instance.c_str(),     0};
  char error[kErrorSize] = "";
  made->self = kind->create(&context, error, sizeof error);
  if (!made->self) {
    return fail(ErrorCode::kInvalidValue, where + ": codec '" + name + "' cannot be created: " +
                                              (*error ? error : "no reason given"));
  }
  // The converter holds the instance through an alias of its wrapper, so both go together.
  return converter(*kind, direction, std::shared_ptr<void>(made, made->self));
}

Result<std::unique_ptr<pipeline::Source>> makeSource(const PluginRegistry& registry,
                                                     pipeline::Channel& channel) {
  const auto& c = channel.config();
  auto r = resolve<phub_source_kind>(registry, c.source.type, c.source.settings, sourceWhere(c));
  if (!r) return tl::unexpected(r.error());
  auto decoder = makeConverter(registry, c.source.codec, c.source.codecSettings, Direction::kDecode,
                               c.name, "source", sourceWhere(c));
  if (!decoder) return tl::unexpected(decoder.error());
  auto host = makeHost(*r->plugin, c.name, "source");
  host->channel = &channel;
  host->intake = std::make_unique<pipeline::Intake>(channel, c.source.type, std::move(*decoder));
  return std::make_unique<PluginSource>(*r->kind, std::move(host), std::move(r->config), channel);
}

pipeline::DestinationFactory destinationFactory(const PluginRegistry& registry) {
  return [&registry](const config::DestinationConfig& d,
                     pipeline::Channel& channel) -> Result<std::unique_ptr<pipeline::Destination>> {
    const auto& c = channel.config();
    auto r = resolve<phub_destination_kind>(registry, d.type, d.settings, destinationWhere(c, d));
    if (!r) return tl::unexpected(r.error());
    auto encoder = makeConverter(registry, d.codec, d.codecSettings, Direction::kEncode, c.name,
                                 d.name, destinationWhere(c, d));
    if (!encoder) return tl::unexpected(encoder.error());
    auto host = makeHost(*r->plugin, c.name, d.name);
    host->channel = &channel;
    // The exceptions destination takes what others may not: nothing is blocked there.
    auto out = std::make_unique<PluginDestination>(
        *r->kind, std::move(host), std::move(r->config), std::move(*encoder),
        d.name == c.safety.exceptions ? std::vector<std::string>{} : c.safety.block);
    if (auto ok = out->start(c.name, d.name); !ok) return tl::unexpected(ok.error());
    return std::unique_ptr<pipeline::Destination>(std::move(out));
  };
}

std::string checkChannels(const PluginRegistry& registry,
                          const std::vector<config::ChannelConfig>& channels) {
  std::string problems;
  auto add = [&problems](const Error& e) { problems += (problems.empty() ? "" : "\n") + e.text; };
  for (const auto& c : channels) {
    auto source =
        resolve<phub_source_kind>(registry, c.source.type, c.source.settings, sourceWhere(c));
    if (!source) add(source.error());
    if (auto codec = makeConverter(registry, c.source.codec, c.source.codecSettings,
                                   Direction::kDecode, c.name, "source", sourceWhere(c));
        !codec) {
      add(codec.error());
    }
    for (const auto& d : c.destinations) {
      auto dest =
          resolve<phub_destination_kind>(registry, d.type, d.settings, destinationWhere(c, d));
      if (!dest) add(dest.error());
      if (auto codec = makeConverter(registry, d.codec, d.codecSettings, Direction::kEncode, c.name,
                                     d.name, destinationWhere(c, d));
          !codec) {
        add(codec.error());
      }
    }
  }
  return problems;
}

}  // namespace pathhub::plugin
