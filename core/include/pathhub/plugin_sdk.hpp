// C++ helpers for writing a pathhub plugin: derive from sdk::Source or sdk::Destination, and
// build the C descriptor (pathhub/plugin.h) with sdk::sourceKind<T> / sdk::destinationKind<T>.
// Header-only, so a plugin depends on no pathhub library and keeps working across hub
// upgrades within one ABI major version.
//
// Every call from the hub goes through a trampoline here that catches every exception and
// turns it into the C error the ABI expects: a throwing constructor or start() fails that
// instance with the exception's text, a throwing deliver() reports PHUB_FAULT.
//
//   class Echo : public pathhub::sdk::Destination {
//    public:
//     explicit Echo(const pathhub::sdk::Host& host) : host_(host) {}
//     pathhub::sdk::Delivery deliver(std::string_view bytes, std::int64_t id) override {...}
//   };
//   extern "C" PHUB_EXPORT const phub_plugin* phub_plugin_entry() {
//     static const phub_destination_kind kinds[] = {
//         pathhub::sdk::destinationKind<Echo>("echo", "writes to the log", kKeys)};
//     static const phub_plugin plugin = pathhub::sdk::describe("demo_echo", "1.0.0", "...",
//                                                              {}, kinds);
//     return &plugin;
//   }
#pragma once

#include <algorithm>
#include <chrono>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <exception>
#include <iterator>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "pathhub/plugin.h"

namespace pathhub::sdk {

// An instance's settings, already checked against its schema: read through the hub, or (for a
// codec converting without an instance) the schema's defaults.
class Settings {
 public:
  Settings(const phub_host_api* api, const phub_config* config) : api_(api), config_(config) {}
  explicit Settings(std::span<const phub_config_key> defaults) : defaults_(defaults) {}

  std::string text(const char* key, std::string fallback = {}) const {
    const char* value = api_ ? api_->config_text(config_, key) : defaultOf(key);
    return value ? std::string(value) : fallback;
  }
  long long integer(const char* key, long long fallback = 0) const {
    if (api_) return api_->config_integer(config_, key, fallback);
    const char* value = defaultOf(key);
    return value ? std::stoll(value) : fallback;
  }
  bool boolean(const char* key, bool fallback = false) const {
    if (api_) return api_->config_boolean(config_, key, fallback ? 1 : 0) != 0;
    const char* value = defaultOf(key);
    return value ? std::string_view(value) == "true" : fallback;
  }

 private:
  const char* defaultOf(const char* key) const {
    for (const phub_config_key& k : defaults_) {
      if (std::strcmp(k.name, key) == 0) return k.default_value;
    }
    return nullptr;
  }

  const phub_host_api* api_ = nullptr;
  const phub_config* config_ = nullptr;
  std::span<const phub_config_key> defaults_;
};

// The hub side of one instance: settings, logging, counters, and (for sources) submitting.
class Host {
 public:
  explicit Host(const phub_context& context)
      : api_(context.api),
        host_(context.host),
        settings_(context.api, context.config),
        channel_(context.channel),
        name_(context.name),
        maxMessageBytes_(context.max_message_bytes) {}

  const std::string& channel() const { return channel_; }
  const std::string& name() const { return name_; }
  std::uint64_t maxMessageBytes() const { return maxMessageBytes_; }
  const Settings& settings() const { return settings_; }

  // Settings (already checked against the schema).
  std::string text(const char* key, std::string fallback = {}) const {
    return settings_.text(key, std::move(fallback));
  }
  long long integer(const char* key, long long fallback = 0) const {
    return settings_.integer(key, fallback);
  }
  bool boolean(const char* key, bool fallback = false) const {
    return settings_.boolean(key, fallback);
  }

  void log(phub_log_level level, const std::string& text) const {
    api_->log(host_, level, text.c_str());
  }
  void count(const char* counter, std::uint64_t value = 1) const {
    api_->count(host_, counter, value);
  }
  void fault(const std::string& reason) const { api_->fault(host_, reason.c_str()); }

  // Destinations, inside deliver(): an attribute the routing gave this message, or `fallback`
  // (also when the hub is older than ABI 1.3).
  std::string deliveryAttribute(const char* key, std::string fallback = {}) const {
    if (api_->struct_size <= offsetof(phub_host_api, delivery_attribute)) return fallback;
    const char* value = api_->delivery_attribute(host_, key);
    return value ? std::string(value) : fallback;
  }

  // Destinations, inside a deliver() that returns retryLater: the receiver asked not to be
  // tried again for this long (HTTP's Retry-After); the hub waits no less. A hub older than
  // ABI 1.6 does not hear it, and retries on its own backoff.
  void retryAfter(std::chrono::seconds wait) const {
    if (api_->struct_size <= offsetof(phub_host_api, retry_after) || wait.count() <= 0) return;
    api_->retry_after(host_,
                      static_cast<std::uint32_t>(std::min<std::int64_t>(wait.count(), UINT32_MAX)));
  }

  phub_submit_result submit(std::string_view bytes, const std::string& origin) const {
    return api_->submit(host_, bytes.data(), bytes.size(), origin.c_str());
  }
  // Input the source cannot hand over as a message, kept as rejected with `reason`; `kind`
  // gives its error code (a hub older than ABI 1.4 records every refusal as unframed).
  phub_submit_result refuse(std::string_view bytes, const std::string& origin,
                            const std::string& reason,
                            phub_refusal kind = PHUB_REFUSAL_UNFRAMED) const {
    if (api_->struct_size > offsetof(phub_host_api, refuse_as)) {
      return api_->refuse_as(host_, kind, bytes.data(), bytes.size(), origin.c_str(),
                             reason.c_str());
    }
    return api_->refuse(host_, bytes.data(), bytes.size(), origin.c_str(), reason.c_str());
  }
  phub_submit_result submitFile(std::string_view bytes, const std::string& origin) const {
    return api_->submit_file(host_, bytes.data(), bytes.size(), origin.c_str());
  }

 private:
  const phub_host_api* api_;
  phub_host* host_;
  Settings settings_;
  std::string channel_, name_;
  std::uint64_t maxMessageBytes_;
};

class Source {
 public:
  virtual ~Source() = default;
  virtual void start() = 0;  // throw to fail
  virtual void stop() = 0;   // stop taking messages; return once none is in hand
};

struct Delivery {
  phub_delivery_status status = PHUB_DELIVERED;
  std::string reason;
  // `answer`: what the receiver said (its ACK, say), kept with the delivery; may be empty.
  static Delivery delivered(std::string answer = {}) { return {PHUB_DELIVERED, std::move(answer)}; }
  static Delivery retryLater(std::string why) { return {PHUB_RETRY_LATER, std::move(why)}; }
  static Delivery rejected(std::string why) { return {PHUB_REJECTED, std::move(why)}; }
};

// One message of a window the hub offers (ABI 1.5): see Destination.
class Outgoing {
 public:
  explicit Outgoing(const phub_outgoing& raw) : raw_(raw) {}
  std::string_view bytes() const { return {raw_.bytes, raw_.size}; }
  std::int64_t messageId() const { return raw_.message_id; }
  // What the routing gave this delivery under `key`; empty when nothing.
  std::string_view attribute(std::string_view key) const {
    for (std::size_t i = 0; i < raw_.attribute_count; ++i) {
      if (key == raw_.attributes[2 * i]) return raw_.attributes[2 * i + 1];
    }
    return {};
  }

 private:
  const phub_outgoing& raw_;
};

// A destination delivers one message at a time (deliver). One that can keep several in flight
// on one connection (MLLP pipelining) may also define
//   std::vector<Delivery> deliverWindow(std::span<const Outgoing> messages);
// which takes the first n of the messages offered (1 <= n <= size, as its window allows),
// sends them together and returns their n outcomes in order (phub_destination_kind's
// deliver_window says what each must be). destinationKind() finds it by its signature.
class Destination {
 public:
  virtual ~Destination() = default;
  virtual void start() {}
  virtual Delivery deliver(std::string_view bytes, std::int64_t messageId) = 0;
  virtual void stop() {}
};

namespace detail {

inline void writeError(char* error, std::size_t size, const char* text) {
  if (!error || size == 0) return;
  std::strncpy(error, text, size - 1);
  error[size - 1] = '\0';
}

inline void writeCurrentError(char* error, std::size_t size) {
  try {
    throw;
  } catch (const std::exception& e) {
    writeError(error, size, e.what());
  } catch (...) {
    writeError(error, size, "unknown exception");
  }
}

template <typename T>
void* create(const phub_context* context, char* error, std::size_t size) {
  try {
    return new T(Host(*context));
  } catch (...) {
    writeCurrentError(error, size);
    return nullptr;
  }
}

// start() or stop() of T behind the C signature: 0, or -1 with the exception's text.
template <typename T, auto F>
int call(void* self, char* error, std::size_t size) {
  try {
    (static_cast<T*>(self)->*F)();
    return 0;
  } catch (...) {
    writeCurrentError(error, size);
    return -1;
  }
}

// Destructors are noexcept: one that throws ends the process, as anywhere in C++.
template <typename T>
void destroy(void* self) {
  delete static_cast<T*>(self);
}

template <typename T>
phub_delivery_status deliver(void* self, const char* bytes, std::size_t size,
                             std::int64_t messageId, char* reason, std::size_t reasonSize) {
  try {
    Delivery d = static_cast<T*>(self)->deliver(std::string_view(bytes, size), messageId);
    writeError(reason, reasonSize, d.reason.c_str());
    return d.status;
  } catch (...) {
    writeCurrentError(reason, reasonSize);
    return PHUB_FAULT;
  }
}

template <typename T>
concept DeliversWindows = requires(T& t, std::span<const Outgoing> window) {
  { t.deliverWindow(window) } -> std::same_as<std::vector<Delivery>>;
};

template <typename T>
std::size_t deliverWindow(void* self, const phub_outgoing* messages, std::size_t count,
                          phub_outcome* outcomes) {
  try {
    std::vector<Outgoing> window;
    window.reserve(count);
    for (std::size_t i = 0; i < count; ++i) window.emplace_back(messages[i]);
    const std::vector<Delivery> done =
        static_cast<T*>(self)->deliverWindow(std::span<const Outgoing>(window));
    if (done.empty() || done.size() > count) {
      throw std::logic_error("deliverWindow gave " + std::to_string(done.size()) +
                             " outcomes for " + std::to_string(count) + " messages offered");
    }
    for (std::size_t i = 0; i < done.size(); ++i) {
      outcomes[i].status = done[i].status;
      writeError(outcomes[i].reason, outcomes[i].reason_size, done[i].reason.c_str());
    }
    return done.size();
  } catch (...) {
    // The plugin failed: its channel is faulted; the messages stay pending in the journal.
    outcomes[0].status = PHUB_FAULT;
    writeCurrentError(outcomes[0].reason, outcomes[0].reason_size);
    return 1;
  }
}

template <typename T>
constexpr auto deliverWindowOf() {
  using Fn = std::size_t (*)(void*, const phub_outgoing*, std::size_t, phub_outcome*);
  if constexpr (DeliversWindows<T>) {
    return static_cast<Fn>(deliverWindow<T>);
  } else {
    return static_cast<Fn>(nullptr);
  }
}

// Where a codec's conversion goes (wraps phub_output).
class Output {
 public:
  explicit Output(const phub_output& out) : out_(out) {}
  void message(std::string_view bytes) const {
    out_.message(out_.self, bytes.data(), bytes.size());
  }
  void warning(const std::string& text) const { out_.warning(out_.self, text.c_str()); }

 private:
  const phub_output& out_;
};

// A codec function (T::decode or T::encode) behind the C signature; a throw becomes the error.
template <void (*F)(std::string_view, const Output&)>
int convert(const char* bytes, std::size_t size, const phub_output* out, char* error,
            std::size_t errorSize) {
  try {
    F(std::string_view(bytes, size), Output(*out));
    return 0;
  } catch (...) {
    writeCurrentError(error, errorSize);
    return -1;
  }
}

// A codec with settings: T is built from its Settings and converts through const members.
template <typename T>
void* createCodec(const phub_context* context, char* error, std::size_t size) {
  try {
    return new T(Settings(context->api, context->config));
  } catch (...) {
    writeCurrentError(error, size);
    return nullptr;
  }
}

template <typename T, void (T::*F)(std::string_view, const Output&) const>
int convertWith(void* self, const char* bytes, std::size_t size, const phub_output* out,
                char* error, std::size_t errorSize) {
  try {
    (static_cast<const T*>(self)->*F)(std::string_view(bytes, size), Output(*out));
    return 0;
  } catch (...) {
    writeCurrentError(error, errorSize);
    return -1;
  }
}

// Without an instance (a 1.1 hub): one built from the schema's defaults.
template <typename T, const phub_config_key* Keys, std::size_t N>
const T& defaultCodec() {
  static const T codec{Settings(std::span<const phub_config_key>(Keys, N))};
  return codec;
}

template <typename T, const phub_config_key* Keys, std::size_t N,
          void (T::*F)(std::string_view, const Output&) const>
int convertWithDefaults(const char* bytes, std::size_t size, const phub_output* out, char* error,
                        std::size_t errorSize) {
  try {
    (defaultCodec<T, Keys, N>().*F)(std::string_view(bytes, size), Output(*out));
    return 0;
  } catch (...) {
    writeCurrentError(error, errorSize);
    return -1;
  }
}

}  // namespace detail

using detail::Output;

// The descriptor entry of a source type implemented by T (constructible from const Host&).
template <typename T>
constexpr phub_source_kind sourceKind(const char* type, const char* description,
                                      std::span<const phub_config_key> keys) {
  return {sizeof(phub_source_kind),
          type,
          description,
          keys.data(),
          keys.size(),
          detail::create<T>,
          detail::call<T, &T::start>,
          detail::call<T, &T::stop>,
          detail::destroy<T>};
}

template <typename T>
constexpr phub_destination_kind destinationKind(const char* type, const char* description,
                                                std::span<const phub_config_key> keys) {
  return {sizeof(phub_destination_kind),
          type,
          description,
          keys.data(),
          keys.size(),
          detail::create<T>,
          detail::call<T, &T::start>,
          detail::deliver<T>,
          detail::call<T, &T::stop>,
          detail::destroy<T>,
          detail::deliverWindowOf<T>()};
}

// A codec implemented by T's static functions decode(std::string_view, const Output&) and
// encode(std::string_view, const Output&); a throw becomes the conversion's error. (ABI 1.1)
template <typename T>
constexpr phub_codec_kind codecKind(const char* type, const char* description) {
  return {sizeof(phub_codec_kind),
          type,
          description,
          nullptr,
          0,
          detail::convert<&T::decode>,
          detail::convert<&T::encode>,
          nullptr,
          nullptr,
          nullptr,
          nullptr};
}

// A codec with settings (ABI 1.2): T is constructible from const Settings& and has const members
// decode and encode(std::string_view, const Output&). `Keys` is its schema, a static array:
//   static constexpr phub_config_key kKeys[] = {...};
//   sdk::configuredCodecKind<MyCodec, kKeys>("mine", "...")
template <typename T, const auto& Keys>
constexpr phub_codec_kind configuredCodecKind(const char* type, const char* description) {
  constexpr std::size_t n = std::size(Keys);
  return {sizeof(phub_codec_kind),
          type,
          description,
          Keys,
          n,
          detail::convertWithDefaults<T, Keys, n, &T::decode>,
          detail::convertWithDefaults<T, Keys, n, &T::encode>,
          detail::createCodec<T>,
          detail::convertWith<T, &T::decode>,
          detail::convertWith<T, &T::encode>,
          detail::destroy<T>};
}

constexpr phub_plugin describe(const char* name, const char* version, const char* description,
                               std::span<const phub_source_kind> sources,
                               std::span<const phub_destination_kind> destinations,
                               std::span<const phub_codec_kind> codecs = {}) {
  return {PHUB_ABI_MAJOR,
          sizeof(phub_plugin),
          PHUB_ABI_MINOR,
          name,
          version,
          description,
          sources.data(),
          sources.size(),
          destinations.data(),
          destinations.size(),
          codecs.data(),
          codecs.size()};
}

}  // namespace pathhub::sdk
