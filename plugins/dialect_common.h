// What the LIMS dialect plugins (lims_*) share. A dialect is a codec whose two directions are
// HL7 v2 → HL7 v2 functions: normalise (the dialect to the normal shape scripts see) and
// denormalise (back), each returning the message and its warnings. DialectCodec wraps them
// with the steps every dialect takes, each driven by a setting (<codecSettings>):
//   in:  an HL7 batch (FHS/BHS … BTS/FTS) or several messages → one message each; the
//        coding systems named in snomedSystems → SCT for codes that are SNOMED CT concept ids;
//   out: SCT → the LIMS's own name (the first of snomedSystems); wrapBatch → BHS … BTS.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "pathhub/error.h"
#include "pathhub/plugin_sdk.hpp"

namespace pathhub::dialect {

struct Converted {
  std::string bytes;
  std::vector<std::string> warnings;
};

// The settings every dialect codec takes.
struct CommonOptions {
  std::vector<std::string> snomedSystems;  // the LIMS's names for SNOMED CT ("SNM3", "SNM")
  bool wrapBatch = false;                  // out: each message in a BHS … BTS batch
  explicit CommonOptions(const sdk::Settings& settings);
};

// The schema entries of CommonOptions; `snomedDefault` is the dialect's documented default.
constexpr phub_config_key snomedSystemsKey(const char* snomedDefault) {
  return {"snomedSystems",
          PHUB_KEY_STRING,
          snomedDefault,
          0,
          0,
          0,
          "comma-separated coding-system names this LIMS uses for SNOMED CT concept ids (in: "
          "renamed SCT when the code is one; out: SCT renamed to the first)"};
}
inline constexpr phub_config_key kWrapBatchKey = {
    "wrapBatch",
    PHUB_KEY_BOOLEAN,
    "false",
    0,
    0,
    0,
    "out: wrap each message in an HL7 batch (BHS ... BTS|1), for receivers that want batches"};

// The messages of `bytes`: one, several in a row, or an HL7 batch (its envelope dropped).
Result<std::vector<std::string_view>> unbatch(std::string_view bytes);
// Coding systems of `options.snomedSystems` (in CE/CWE components 3 and 6) renamed SCT where
// their code is a SNOMED CT concept id; a warning names each one left as sent.
Result<std::string> snomedToNormal(std::string_view message, const CommonOptions& options,
                                   std::vector<std::string>& warnings);
// SCT renamed to the first of `options.snomedSystems`.
Result<std::string> snomedToLocal(std::string_view message, const CommonOptions& options);
// `message` as a batch of one: BHS (its header fields from MSH-3 to MSH-7), it, BTS|1.
std::string wrapInBatch(std::string_view message);

// A dialect without settings of its own.
struct NoOptions {
  explicit NoOptions(const sdk::Settings&) {}
};

// The codec of a dialect: Normalise and Denormalise take the message and, when the dialect has
// settings of its own, its Options (built once from the codec's settings).
template <auto Normalise, auto Denormalise, typename Options = NoOptions>
class DialectCodec {
 public:
  explicit DialectCodec(const sdk::Settings& settings) : common_(settings), options_(settings) {}

  void decode(std::string_view bytes, const sdk::Output& out) const {
    auto messages = unbatch(bytes);
    if (!messages) throw std::runtime_error(messages.error().text);
    for (std::string_view one : *messages) {
      Converted c = take(call(Normalise, one));
      if (!common_.snomedSystems.empty()) {
        c.bytes = take(snomedToNormal(c.bytes, common_, c.warnings));
      }
      emit(c, out);
    }
  }

  void encode(std::string_view bytes, const sdk::Output& out) const {
    std::string local(bytes);
    if (!common_.snomedSystems.empty()) local = take(snomedToLocal(local, common_));
    Converted c = take(call(Denormalise, local));
    if (common_.wrapBatch) c.bytes = wrapInBatch(c.bytes);
    emit(c, out);
  }

 private:
  template <typename F>
  Result<Converted> call(F f, std::string_view bytes) const {
    if constexpr (std::is_invocable_v<F, std::string_view, const Options&>) {
      return f(bytes, options_);
    } else {
      return f(bytes);
    }
  }
  template <typename T>
  static T take(Result<T> r) {
    if (!r) throw std::runtime_error(r.error().text);
    return std::move(*r);
  }
  static void emit(const Converted& c, const sdk::Output& out) {
    for (const auto& w : c.warnings) out.warning(w);
    out.message(c.bytes);
  }

  CommonOptions common_;
  Options options_;
};

}  // namespace pathhub::dialect
