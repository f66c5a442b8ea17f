// A channel's script versions (see script_versions.h).
#include "pipeline/script_versions.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>

#include "common/digest.h"

namespace pathhub::pipeline {

namespace fs = std::filesystem;

ScriptVersions::ScriptVersions(std::string channel, fs::path script, journal::Journal& journal)
    : channel_(std::move(channel)),
      script_(std::move(script)),
      journal_(journal),
      log_(Poco::Logger::get("channel")) {}

Result<std::string> ScriptVersions::current() const {
  std::ifstream in(script_, std::ios::binary);
  if (!in) {
    ErrorContext ctx;
    ctx.file = script_.string();
    return fail(ErrorCode::kIoError, "cannot read the script", ctx);
  }
  return std::string{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::int64_t ScriptVersions::resolve(const std::string& hash) {
  if (hash.empty()) return 0;
  std::lock_guard lock(mutex_);
  if (const auto it = known_.find(hash); it != known_.end()) return it->second;
  journal::NewScriptVersion v;
  v.channel = channel_;
  v.hash = hash;
  v.script = script_.string();
  if (auto text = current(); text && sha256Hex(*text) == hash) v.content = std::move(*text);
  v.by = "file";
  v.origin = script_.string();
  v.action = "loaded";
  auto recorded = journal_.recordScriptVersion(v);
  if (!recorded) {
    log_.error("channel %s: cannot record script version %s: %s", channel_, hash.substr(0, 12),
               recorded.error().describe());
    return 0;
  }
  known_[hash] = *recorded;
  return *recorded;
}

Result<std::int64_t> ScriptVersions::deploy(const std::string& text, const std::string& by,
                                            const std::string& origin, const std::string& action) {
  ErrorContext ctx;
  ctx.file = script_.string();
  std::lock_guard lock(mutex_);
  const std::string hash = sha256Hex(text);
  const fs::path temporary = script_.string() + ".deploying-" + std::to_string(::getpid());
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) {
      const std::string why = std::strerror(errno);
      std::error_code ignored;
      fs::remove(temporary, ignored);
      // A folder the service may not write (the package's, or one outside its state folder)
      // is how the hub is set up, not a passing failure.
      return fail(ErrorCode::kInvalidState,
                  "cannot write beside " + script_.string() + " (" + why +
                      "): a script deployed through the API must be in a folder the hub may"
                      " write (docs/operations.md)",
                  ctx);
    }
  }
  // Recorded before it is put in place: a mapper that loads it finds it deployed by `by`.
  journal::NewScriptVersion v{channel_, hash, script_.string(), text, by, origin, action};
  auto recorded = journal_.recordScriptVersion(v);
  std::error_code ec;
  if (!recorded) {
    fs::remove(temporary, ec);
    return tl::unexpected(recorded.error());
  }
  fs::rename(temporary, script_, ec);
  if (ec) {
    const std::string why = ec.message();
    fs::remove(temporary, ec);
    // The file still holds the version before: the journal says so again.
    if (auto before = current()) {
      auto kept =
          journal_.recordScriptVersion({channel_, sha256Hex(*before), script_.string(), *before, by,
                                        origin, "kept: the deployment could not be put in place"});
      if (!kept) {
        log_.error("channel %s: cannot record that the script stayed as it was: %s", channel_,
                   kept.error().describe());
      }
    }
    return fail(ErrorCode::kIoError, "cannot put the script in place: " + why, ctx);
  }
  known_[hash] = *recorded;
  log_.notice("channel %s: script version %?d %s by %s (%s)", channel_, *recorded, action, by,
              origin);
  return *recorded;
}

}  // namespace pathhub::pipeline
