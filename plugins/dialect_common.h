// What the LIMS dialect plugins (lims_*) share. A dialect is a codec whose two directions are
// HL7 v2 → HL7 v2 functions: normalise (the dialect to the normal shape scripts see) and
// denormalise (back), each returning the message and its warnings. DialectCodec wraps them
// with the steps every dialect takes, each driven by a setting (<codecSettings>):
//   in:  an HL7 batch (FHS/BHS … BTS/FTS) or several messages → one message each; the
//        coding systems named in snomedSystems → SCT for codes that are SNOMED CT concept ids;
//        an NHS number kept elsewhere (nhsNumberAt) → also in PID-3 as ^^^NHS^NH; result
//        status codes (resultStatuses) → HL7 table 0085/0123 codes;
//   out: the status codes back; SCT → the LIMS's own name (the first of snomedSystems);
//        wrapBatch → BHS … BTS.
#pragma once

#include <map>
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
  std::string nhsNumberAt;                 // "PID-2", "PID-4", "PID-3[2]": where the LIMS puts it
  std::map<std::string, std::string> resultStatuses;  // the LIMS's code → HL7's (OBX-11, OBR-25)
  // Throws, naming the key, when a value does not read (the codec is then not created).
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
inline constexpr phub_config_key kNhsNumberAtKey = {
    "nhsNumberAt",
    PHUB_KEY_STRING,
    "",
    0,
    0,
    0,
    "in: where this LIMS puts the NHS number (PID-2, PID-4, PID-3[2]); a valid one is added to "
    "PID-3 as ^^^NHS^NH"};
inline constexpr phub_config_key kResultStatusesKey = {
    "resultStatuses",
    PHUB_KEY_STRING,
    "",
    0,
    0,
    0,
    "this LIMS's result status codes as HL7's, e.g. \"?=I,X=D\" (in: OBX-11 and OBR-25 "
    "mapped; out: back)"};
// The schema entries every dialect takes, in the order --list-plugins shows them.
#define PATHHUB_DIALECT_COMMON_KEYS(snomedDefault)                                        \
  ::pathhub::dialect::snomedSystemsKey(snomedDefault), ::pathhub::dialect::kWrapBatchKey, \
      ::pathhub::dialect::kNhsNumberAtKey, ::pathhub::dialect::kResultStatusesKey

// The messages of `bytes`: one, several in a row, or an HL7 batch (its envelope dropped).
Result<std::vector<std::string_view>> unbatch(std::string_view bytes);
// Coding systems of `options.snomedSystems` (in CE/CWE components 3 and 6) renamed SCT where
// their code is a SNOMED CT concept id; a warning names each one left as sent.
Result<std::string> snomedToNormal(std::string_view message, const CommonOptions& options,
                                   std::vector<std::string>& warnings);
// The NHS number at `options.nhsNumberAt` added to PID-3 (^^^NHS^NH) when it is valid and
// PID-3 does not hold it yet; a warning when it is there but not a valid NHS number.
Result<std::string> nhsNumberToPid3(std::string_view message, const CommonOptions& options,
                                    std::vector<std::string>& warnings);
// OBX-11 and OBR-25 codes mapped through `statuses` (codes not listed are left).
Result<std::string> mapResultStatuses(std::string_view message,
                                      const std::map<std::string, std::string>& statuses);
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
  explicit DialectCodec(const sdk::Settings& settings) : common_(settings), options_(settings) {
    for (const auto& [lims, hl7] : common_.resultStatuses) statusesBack_.emplace(hl7, lims);
  }

  void decode(std::string_view bytes, const sdk::Output& out) const {
    auto messages = unbatch(bytes);
    if (!messages) throw std::runtime_error(messages.error().text);
    for (std::string_view one : *messages) {
      Converted c = take(call(Normalise, one));
      if (!common_.snomedSystems.empty()) {
        c.bytes = take(snomedToNormal(c.bytes, common_, c.warnings));
      }
      if (!common_.nhsNumberAt.empty()) {
        c.bytes = take(nhsNumberToPid3(c.bytes, common_, c.warnings));
      }
      if (!common_.resultStatuses.empty()) {
        c.bytes = take(mapResultStatuses(c.bytes, common_.resultStatuses));
      }
      emit(c, out);
    }
  }

  void encode(std::string_view bytes, const sdk::Output& out) const {
    std::string local(bytes);
    if (!common_.snomedSystems.empty()) local = take(snomedToLocal(local, common_));
    if (!statusesBack_.empty()) local = take(mapResultStatuses(local, statusesBack_));
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
  std::map<std::string, std::string> statusesBack_;  // HL7's code → the LIMS's (the first given)
};

}  // namespace pathhub::dialect
