// The SQLite journal (see sqlite_journal.h).
#include "journal/sqlite_journal.h"

#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Session.h>
#include <Poco/Exception.h>
#include <Poco/Logger.h>
#include <sqlite3.h>

#include <filesystem>
#include <mutex>

#include "journal/schema.h"
#include "version/build_info.h"

namespace pathhub::journal {

using namespace Poco::Data::Keywords;
using Poco::Data::Session;

namespace {

// Readers for a program that only reads the journal (pathhub-map --replay reads a week of
// messages in one go): the file mapped into memory, so its pages are not copied by a read
// call each. Never the hub's own readers: with a mapping, a disk that fails under the file
// is a signal that ends the process, not an error a stage can report.
class MappedReaders : public Poco::Data::SessionPool {
 public:
  explicit MappedReaders(const std::string& path) : SessionPool("SQLite", path, 1, 32) {}

 protected:
  void customizeSession(Session& session) override {
    session << "PRAGMA mmap_size=17179869184", now;  // 16 GiB: SQLite's own limit applies
  }
};

}  // namespace

Result<std::unique_ptr<Journal>> SqliteJournal::open(const JournalOptions& options) {
  ErrorContext ctx;
  ctx.file = options.path;
  try {
    static std::once_flag configured;
    std::call_once(configured, [] {
      // SQLite's memory statistics take a process-wide mutex on every allocation, which the
      // writer and the reader threads would contend on; pathhub does not use them.
      sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    });
    Poco::Data::SQLite::Connector::registerConnector();
    const auto parent = std::filesystem::path(options.path).parent_path();
    if (options.readOnly && !std::filesystem::exists(options.path)) {
      return fail(ErrorCode::kNotFound, "there is no journal " + options.path, ctx);
    }
    if (!parent.empty()) std::filesystem::create_directories(parent);
    // An existing journal of 0 bytes is one that was truncated (SQLite would take it for a new,
    // empty one, and every message's history would be gone without a word).
    std::error_code ec;
    if (std::filesystem::exists(options.path, ec) &&
        std::filesystem::file_size(options.path, ec) == 0 && !ec) {
      return fail(ErrorCode::kInvalidState,
                  "the journal " + options.path +
                      " exists but is empty (0 bytes): it was truncated or never written. Restore"
                      " it from a backup, or move it aside to start a new journal",
                  ctx);
    }
    Session writer("SQLite", options.path);
    // A damaged journal is refused at start, not found one message at a time. (A program
    // that only reads a hub's journal leaves that to the hub: the check reads the whole file,
    // and a damaged page fails the read that meets it.)
    std::vector<std::string> damage{"ok"};
    try {
      if (!options.readOnly) writer << "PRAGMA quick_check(20)", into(damage), now;
    } catch (const Poco::Exception& e) {
      damage = {e.displayText()};  // so damaged that the check itself cannot run
    }
    if (!(damage.size() == 1 && damage.front() == "ok")) {
      std::string what;
      for (const auto& d : damage) what += "\n  " + d;
      return fail(ErrorCode::kInvalidState,
                  "the journal " + options.path + " is damaged (SQLite's quick_check):" + what +
                      "\nThe hub will not start on it: restore it from a backup, or run"
                      " 'sqlite3 " +
                      options.path + " .recover' into a new file",
                  ctx);
    }
    if (options.readOnly) {
      int version = 0;
      writer << "PRAGMA user_version", into(version), now;
      if (version != kSchemaVersion) {
        return fail(ErrorCode::kInvalidState,
                    "the journal " + options.path + " is at schema version " +
                        std::to_string(version) + "; this program reads version " +
                        std::to_string(kSchemaVersion) + " (run the same release as the hub)",
                    ctx);
      }
      writer << "PRAGMA query_only=1", now;
    }
    writer << "PRAGMA journal_mode=WAL", now;
    writer << "PRAGMA synchronous=FULL", now;
    writer << "PRAGMA busy_timeout=10000", now;
    auto upgraded = upgradeSchema(writer, options.path, "pathhub " + std::string(build::kVersion));
    if (!upgraded) return tl::unexpected(upgraded.error());
    if (upgraded->from != upgraded->to) {
      Poco::Logger::get("journal").notice("journal %s: schema version %d -> %d", options.path,
                                          upgraded->from, upgraded->to);
    }
    auto file = JournalFile::identify(options.path);
    if (!file) return tl::unexpected(file.error());
    auto identity = std::make_shared<const JournalFile>(*file);
    auto readers = options.readOnly
                       ? std::make_unique<MappedReaders>(options.path)
                       : std::make_unique<Poco::Data::SessionPool>("SQLite", options.path, 1, 32);
    auto committer =
        std::make_unique<GroupCommitter>(std::make_unique<SqlConnection>(std::move(writer)), 512,
                                         [identity] { return identity->check(); });
    return std::unique_ptr<Journal>(
        new SqliteJournal(options, identity, std::move(readers), std::move(committer)));
  } catch (const Poco::Exception& e) {
    return fail(ErrorCode::kIoError, "cannot open the journal: " + e.displayText(), ctx);
  } catch (const std::exception& e) {
    return fail(ErrorCode::kIoError, std::string("cannot open the journal: ") + e.what(), ctx);
  }
}

SqliteJournal::SqliteJournal(JournalOptions options, std::shared_ptr<const JournalFile> file,
                             std::unique_ptr<Poco::Data::SessionPool> readers,
                             std::unique_ptr<GroupCommitter> writer)
    : SqlJournal(std::move(options), std::move(readers), std::move(writer)),
      file_(std::move(file)) {}

SqliteJournal::~SqliteJournal() {
  Poco::Logger::get("journal").information("journal %s closed: %?u writes in %?u transactions",
                                           options_.path, writer_->jobs(), writer_->commits());
  close();
}

Result<std::vector<std::string>> SqliteJournal::integrityCheck() {
  return reading([](SqlConnection& c) {
    std::vector<std::string> found;
    c.each("PRAGMA integrity_check(100)",
           [&found](const SqlStatement& q) { found.push_back(q.text(0)); });
    if (found.size() == 1 && found.front() == "ok") found.clear();
    return found;
  });
}

}  // namespace pathhub::journal
