// Journal::open: the backend the options name (see journal.h).
#include "journal/journal.h"
#include "journal/postgres_journal.h"
#include "journal/sqlite_journal.h"

namespace pathhub::journal {

Result<std::unique_ptr<Journal>> Journal::open(const JournalOptions& options) {
  if (options.backend == "sqlite") return SqliteJournal::open(options);
  if (options.backend == "postgresql") return PostgresJournal::open(options);
  return fail(ErrorCode::kInvalidValue,
              "the journal's backend must be sqlite or postgresql, not '" + options.backend + "'");
}

}  // namespace pathhub::journal
