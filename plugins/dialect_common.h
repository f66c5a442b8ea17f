// What the LIMS dialect plugins (lims_*) share: a dialect is a codec whose two directions are
// HL7 v2 → HL7 v2 functions, normalise (the dialect to the normal shape scripts see) and
// denormalise (back); each returns the message and its warnings.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "pathhub/error.h"
#include "pathhub/plugin_sdk.hpp"

namespace pathhub::dialect {

struct Converted {
  std::string bytes;
  std::vector<std::string> warnings;
};

using Rewrite = Result<Converted> (*)(std::string_view);

template <Rewrite Normalise, Rewrite Denormalise>
struct DialectCodec {
  static void decode(std::string_view bytes, const sdk::Output& out) { run(Normalise(bytes), out); }
  static void encode(std::string_view bytes, const sdk::Output& out) {
    run(Denormalise(bytes), out);
  }

 private:
  static void run(const Result<Converted>& converted, const sdk::Output& out) {
    if (!converted) throw std::runtime_error(converted.error().text);
    for (const auto& w : converted->warnings) out.warning(w);
    out.message(converted->bytes);
  }
};

}  // namespace pathhub::dialect
