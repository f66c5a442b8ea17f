// Journal backup and restore (see backup.h).
#include "journal/backup.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <memory>

#include "journal/journal_lock.h"
#include "journal/schema.h"

namespace pathhub::journal {
namespace {

namespace fs = std::filesystem;

struct CloseDb {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
};
using Db = std::unique_ptr<sqlite3, CloseDb>;

Result<Db> openDb(const std::string& path, int flags) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  Db db(raw);
  if (rc != SQLITE_OK) {
    return fail(ErrorCode::kIoError,
                "cannot open " + path + ": " + (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
  }
  sqlite3_busy_timeout(db.get(), 10000);
  return db;
}

// Every row of the first column of `sql`, as text.
std::vector<std::string> column(sqlite3* db, const std::string& sql) {
  std::vector<std::string> out;
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr) != SQLITE_OK) {
    return {std::string("cannot run ") + sql + ": " + sqlite3_errmsg(db)};
  }
  while (sqlite3_step(statement) == SQLITE_ROW) {
    const auto* text = sqlite3_column_text(statement, 0);
    out.emplace_back(text ? reinterpret_cast<const char*>(text) : "");
  }
  sqlite3_finalize(statement);
  return out;
}

std::string first(sqlite3* db, const std::string& sql) {
  auto rows = column(db, sql);
  return rows.empty() ? "" : rows.front();
}

Result<void> syncFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 || ::fsync(fd) != 0) {
    if (fd >= 0) ::close(fd);
    return fail(ErrorCode::kIoError, "cannot sync " + path + " to disk");
  }
  ::close(fd);
  return {};
}

Result<void> syncFolder(const fs::path& folder) {
  return syncFile(folder.empty() ? std::string(".") : folder.string());
}

}  // namespace

Result<BackupFacts> checkBackup(const std::string& file) {
  ErrorContext ctx;
  ctx.file = file;
  auto db = openDb(file, SQLITE_OPEN_READONLY);
  if (!db) return tl::unexpected(db.error());
  const auto problems = column(db->get(), "PRAGMA integrity_check");
  if (!(problems.size() == 1 && problems.front() == "ok")) {
    std::string what;
    for (std::size_t i = 0; i < problems.size() && i < 20; ++i) what += "\n  " + problems[i];
    return fail(ErrorCode::kInvalidState,
                file + " fails SQLite's integrity check, or is not an SQLite file:" + what, ctx);
  }
  if (first(db->get(), "SELECT COUNT(*) FROM sqlite_master WHERE name = 'messages'") != "1") {
    return fail(ErrorCode::kInvalidState, file + " is an SQLite file but not a pathhub journal",
                ctx);
  }
  BackupFacts facts;
  std::error_code ec;
  facts.bytes = fs::file_size(file, ec);
  facts.schemaVersion = std::atoi(first(db->get(), "PRAGMA user_version").c_str());
  if (first(db->get(), "SELECT COUNT(*) FROM sqlite_master WHERE name = 'journal_info'") == "1") {
    facts.journalId = first(db->get(), "SELECT value FROM journal_info WHERE key = 'journal_id'");
  }
  facts.messages = std::atoll(first(db->get(), "SELECT COUNT(*) FROM messages").c_str());
  return facts;
}

Result<BackupFacts> backupJournal(const std::string& journalPath, const std::string& destination) {
  ErrorContext ctx;
  ctx.file = destination;
  if (fs::exists(destination)) {
    return fail(ErrorCode::kInvalidState, destination + " already exists", ctx);
  }
  auto removeCopy = [&destination] {
    std::error_code ignored;
    fs::remove(destination, ignored);
  };
  {
    auto source = openDb(journalPath, SQLITE_OPEN_READONLY);
    if (!source) return tl::unexpected(source.error());
    auto copy = openDb(destination, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    if (!copy) return tl::unexpected(copy.error());
    sqlite3_backup* backup = sqlite3_backup_init(copy->get(), "main", source->get(), "main");
    if (!backup) {
      const std::string why = sqlite3_errmsg(copy->get());
      copy.value().reset();
      removeCopy();
      return fail(ErrorCode::kIoError, "cannot start the backup: " + why, ctx);
    }
    // All pages in one step: one read transaction, so one consistent snapshot; the hub's
    // writer is not held up meanwhile (WAL: readers do not block the writer).
    const int rc = sqlite3_backup_step(backup, -1);
    sqlite3_backup_finish(backup);
    // The copy is one self-contained file (no WAL): it can be checked, read-only, wherever it
    // is kept; the hub makes it WAL again when it opens a restored journal.
    if (rc == SQLITE_DONE) {
      sqlite3_exec(copy->get(), "PRAGMA journal_mode=DELETE", nullptr, nullptr, nullptr);
    }
    if (rc != SQLITE_DONE) {
      copy.value().reset();
      removeCopy();
      return fail(ErrorCode::kIoError,
                  std::string("the backup did not complete: ") + sqlite3_errstr(rc), ctx);
    }
  }
  auto facts = checkBackup(destination);
  if (!facts) {
    removeCopy();
    return facts;
  }
  if (auto synced = syncFile(destination); !synced) {
    removeCopy();
    return tl::unexpected(synced.error());
  }
  return facts;
}

Result<RestoreDone> restoreJournal(const std::string& file, const std::string& journalPath) {
  ErrorContext ctx;
  ctx.file = journalPath;
  auto lock = JournalLock::acquire(journalPath);
  if (!lock) {
    return fail(ErrorCode::kInvalidState, "stop the hub before restoring: " + lock.error().text,
                ctx);
  }
  auto facts = checkBackup(file);
  if (!facts) return tl::unexpected(facts.error());
  if (facts->schemaVersion > kSchemaVersion) {
    return fail(ErrorCode::kInvalidState,
                file + " has schema version " + std::to_string(facts->schemaVersion) +
                    ", newer than this pathhub knows (" + std::to_string(kSchemaVersion) +
                    "): restore it with the pathhub that wrote it",
                ctx);
  }
  const fs::path journal(journalPath);
  const fs::path staged = journal.string() + ".restoring";
  std::error_code ec;
  fs::remove(staged, ec);
  fs::copy_file(file, staged, ec);
  if (ec) return fail(ErrorCode::kIoError, "cannot copy " + file + ": " + ec.message(), ctx);
  if (auto synced = syncFile(staged.string()); !synced) return tl::unexpected(synced.error());
  RestoreDone done;
  done.restored = *facts;
  if (fs::exists(journal)) {
    const auto stamp = std::chrono::duration_cast<std::chrono::seconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
    done.movedAside = journal.string() + ".before-restore-" + std::to_string(stamp);
    // The WAL belongs to the journal it was written for: it goes aside with it.
    for (const char* suffix : {"", "-wal", "-shm"}) {
      const fs::path from = journal.string() + suffix;
      if (!fs::exists(from)) continue;
      fs::rename(from, done.movedAside + suffix, ec);
      if (ec) {
        return fail(ErrorCode::kIoError, "cannot move " + from.string() + " aside: " + ec.message(),
                    ctx);
      }
    }
  }
  fs::rename(staged, journal, ec);
  if (ec) return fail(ErrorCode::kIoError, "cannot put the backup in place: " + ec.message(), ctx);
  if (auto synced = syncFolder(journal.parent_path()); !synced) {
    return tl::unexpected(synced.error());
  }
  return done;
}

}  // namespace pathhub::journal
