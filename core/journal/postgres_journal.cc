// The PostgreSQL journal (see postgres_journal.h).
#include "journal/postgres_journal.h"

#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/Session.h>
#include <Poco/Logger.h>

#include "journal/postgres_schema.h"
#include "journal/postgres_url.h"
#include "version/build_info.h"

namespace pathhub::journal {

Result<std::unique_ptr<Journal>> PostgresJournal::open(const JournalOptions& options) {
  const std::string where = "the journal database " + postgresDisplayName(options.url);
  auto connection = postgresConnectionString(options.url, options.password);
  if (!connection) return tl::unexpected(connection.error());
  try {
    Poco::Data::PostgreSQL::Connector::registerConnector();
    Poco::Data::Session writer("PostgreSQL", *connection);
    if (options.readOnly) {
      const int version = postgresSchemaVersion(writer);
      if (version != kPostgresSchemaVersion) {
        return fail(ErrorCode::kInvalidState,
                    where + " is at schema version " + std::to_string(version) +
                        "; this program reads version " + std::to_string(kPostgresSchemaVersion) +
                        " (run the same release as the hub)");
      }
      writer << "SET default_transaction_read_only = on", Poco::Data::Keywords::now;
    }
    auto upgraded = upgradePostgresSchema(writer, where, "pathhub " + std::string(build::kVersion));
    if (!upgraded) return tl::unexpected(upgraded.error());
    if (upgraded->from != upgraded->to) {
      Poco::Logger::get("journal").notice("%s: schema version %d -> %d", where, upgraded->from,
                                          upgraded->to);
    }
    auto readers = std::make_unique<Poco::Data::SessionPool>("PostgreSQL", *connection, 1, 16);
    auto committer =
        std::make_unique<GroupCommitter>(std::make_unique<SqlConnection>(std::move(writer)), 512);
    std::unique_ptr<PostgresJournal> journal(
        new PostgresJournal(options, std::move(readers), std::move(committer)));
    journal->where_ = where;
    return std::unique_ptr<Journal>(std::move(journal));
  } catch (const Poco::Exception& e) {
    return fail(ErrorCode::kUnavailable, "cannot open " + where + ": " + e.displayText());
  }
}

PostgresJournal::~PostgresJournal() {
  Poco::Logger::get("journal").information("%s closed: %?u writes in %?u transactions", where_,
                                           writer_->jobs(), writer_->commits());
  close();
}

Result<std::vector<std::string>> PostgresJournal::integrityCheck() {
  return reading([](SqlConnection& c) {
    std::vector<std::string> problems;
    const auto version = c.integer("SELECT version FROM schema_version");
    if (version != kPostgresSchemaVersion) {
      problems.push_back("schema version " + std::to_string(version.value_or(0)) +
                         ", this program's is " + std::to_string(kPostgresSchemaVersion));
    }
    for (const char* guard : {"audit_no_change", "audit_no_truncate"}) {
      const auto enabled = c.string(
          "SELECT tgenabled::text FROM pg_trigger WHERE tgname = ?"
          " AND tgrelid = 'audit'::regclass",
          std::string(guard));
      if (!enabled) {
        problems.push_back(std::string("the audit trail's trigger ") + guard + " is missing");
      } else if (*enabled == "D") {
        problems.push_back(std::string("the audit trail's trigger ") + guard + " is disabled");
      }
    }
    return problems;
  });
}

}  // namespace pathhub::journal
