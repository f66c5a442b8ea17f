// The migration runner (see migrations.h).
#include "journal/migrations.h"

#include <Poco/Exception.h>

#include <chrono>

namespace pathhub::journal {
namespace {

using namespace Poco::Data::Keywords;
using Poco::Data::Session;

std::int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Result<SchemaUpgrade> runMigrations(Session& session, const std::vector<Migration>& migrations,
                                    const SchemaVersionStore& store, const std::string& where,
                                    const std::string& program) {
  const int latest = migrations.empty() ? 0 : migrations.back().version;
  SchemaUpgrade upgrade;
  upgrade.from = store.read(session);
  upgrade.to = upgrade.from;
  if (upgrade.from > latest) {
    return fail(ErrorCode::kInvalidState,
                where + " has schema version " + std::to_string(upgrade.from) +
                    ", written by a newer pathhub; this one (" + program +
                    ") knows versions up to " + std::to_string(latest) +
                    ". Run the newer pathhub, or restore a backup taken before the upgrade");
  }
  std::vector<const Migration*> applied;
  std::size_t recorded = 0;
  for (const auto& m : migrations) {
    if (m.version <= upgrade.from) continue;
    try {
      // One transaction per step, the version set inside it: a failed step leaves the journal
      // as it was, at the version before, for the next start to try again.
      session << store.begin, now;
      m.apply(session);
      // Recorded once the history exists, with the steps of this run that came before it.
      applied.push_back(&m);
      if (store.hasHistory(session)) {
        for (; recorded < applied.size(); ++recorded) {
          store.record(session, {applied[recorded]->version, nowMs(), program,
                                 applied[recorded]->description});
        }
      }
      store.write(session, m.version);
      session << "COMMIT", now;
      upgrade.to = m.version;
    } catch (const Poco::Exception& e) {
      try {
        session << "ROLLBACK", now;
      } catch (const Poco::Exception&) {
        // Nothing to roll back: BEGIN itself failed. The error below says why.
      }
      return fail(ErrorCode::kIoError, "cannot bring " + where + " from schema version " +
                                           std::to_string(upgrade.to) + " to " +
                                           std::to_string(m.version) + " (" + m.description +
                                           "): " + e.displayText());
    }
  }
  return upgrade;
}

}  // namespace pathhub::journal
