// The journal's one way to talk to its database, whichever it is: a connection (SqlConnection)
// that prepares statements (SqlStatement) on SQLite or on PostgreSQL, with values bound by
// position and rows read column by column. The journal's SQL is written once, with `?` for
// each value; on PostgreSQL the statement turns them into $1, $2, … Where the two engines
// spell a thing differently (a newline, a substring search, how a write transaction begins),
// the connection says how (SqlConnection::newline() and friends), so no query is written
// twice. Internal to the journal component.
#pragma once

#include <Poco/Data/DataException.h>
#include <Poco/Data/Session.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace pathhub::journal {

// One statement: bind by position (1-based), step through its rows, read columns, reset.
// A failing statement throws Poco::Data::DataException with the database's message.
class SqlStatement {
 public:
  virtual ~SqlStatement() = default;
  virtual SqlStatement& bind(int index, std::int64_t value) = 0;
  virtual SqlStatement& bind(int index, std::string_view text) = 0;
  virtual SqlStatement& bindBlob(int index, std::string_view bytes) = 0;
  virtual SqlStatement& bindNull(int index) = 0;
  // Runs the statement (first call) and moves to its next row; false when there are no more.
  virtual bool step() = 0;
  // A column of the current row: 0 / "" when NULL. Integers, booleans, text and bytes.
  virtual std::int64_t int64(int column) const = 0;
  virtual std::string text(int column) const = 0;
  // Clears the bindings and the rows, so the statement can run again.
  virtual void reset() = 0;
};

// PostgreSQL array literals, bound as text and cast in the SQL (`?::bigint[]`, `?::text[]`).
std::string integerArray(const std::vector<std::int64_t>& values);
std::string textArray(const std::vector<std::string>& values);

// Bytes bound as a BLOB (SQLite) or BYTEA (PostgreSQL), not as text.
struct Bytes {
  std::string_view bytes;
};
// A NULL value.
struct Null {};

namespace detail {
inline void bindOne(SqlStatement& s, int index, Bytes v) { s.bindBlob(index, v.bytes); }
inline void bindOne(SqlStatement& s, int index, Null) { s.bindNull(index); }
inline void bindOne(SqlStatement& s, int index, std::string_view v) { s.bind(index, v); }
inline void bindOne(SqlStatement& s, int index, const std::string& v) {
  s.bind(index, std::string_view(v));
}
inline void bindOne(SqlStatement& s, int index, const char* v) {
  s.bind(index, std::string_view(v));
}
template <typename T, typename = std::enable_if_t<std::is_integral_v<T>>>
void bindOne(SqlStatement& s, int index, T v) {
  s.bind(index, static_cast<std::int64_t>(v));
}
template <typename T>
void bindOne(SqlStatement& s, int index, const std::optional<T>& v) {
  if (v) {
    bindOne(s, index, *v);
  } else {
    s.bindNull(index);
  }
}
}  // namespace detail

// Binds `values` to positions 1, 2, … in order.
template <typename... Values>
SqlStatement& bindAll(SqlStatement& s, const Values&... values) {
  int index = 0;
  (detail::bindOne(s, ++index, values), ...);
  return s;
}

enum class SqlEngine { kSqlite, kPostgres };

// A statement sent ahead (SqlConnection::send) failed; `tag` is what the connection was
// tagged with when it was sent (the writer's job it belongs to).
class SentStatementFailed : public Poco::Data::DataException {
 public:
  SentStatementFailed(std::size_t tag, const std::string& message)
      : Poco::Data::DataException(message), tag_(tag) {}
  std::size_t tag() const { return tag_; }

 private:
  std::size_t tag_;
};

class SqlConnection {
 public:
  // Takes a Poco session of the SQLite or the PostgreSQL connector. `keepStatements`: run()
  // and its friends keep their statements prepared (the writer's long-lived connection); a
  // connection borrowed for one read prepares each for one use.
  explicit SqlConnection(Poco::Data::Session session, bool keepStatements = true);
  ~SqlConnection();
  SqlConnection(const SqlConnection&) = delete;
  SqlConnection& operator=(const SqlConnection&) = delete;

  SqlEngine engine() const { return engine_; }
  Poco::Data::Session& session() { return session_; }

  // A statement prepared for one use (reads, rare writes).
  std::unique_ptr<SqlStatement> statement(const std::string& sql);

  // A statement prepared once and kept for the connection's life (the hot writes), reset when
  // the returned handle goes. At most kKeptStatements are kept.
  class Kept {
   public:
    explicit Kept(SqlStatement& s) : s_(s) {}
    ~Kept() { s_.reset(); }
    Kept(const Kept&) = delete;
    Kept& operator=(const Kept&) = delete;
    SqlStatement* operator->() { return &s_; }
    SqlStatement& operator*() { return s_; }

   private:
    SqlStatement& s_;
  };
  Kept kept(const std::string& sql);
  // Drops the kept statements (after a failure, whose state they may share).
  void forgetKept();
  // After a failure: when the connection itself is lost (PostgreSQL restarted, failed over,
  // or cut it off), connects again with the same settings — a connection string naming
  // several servers with target_session_attrs=read-write finds the writable one. True when
  // the connection is usable now. (SQLite's file connection is never lost this way.)
  bool recoverIfLost();
  static constexpr std::size_t kKeptStatements = 128;

  // --- Statements sent ahead ---
  // A write whose answer is not needed at once: on PostgreSQL it is sent without waiting for
  // the server (libpq's pipeline mode), so a transaction's statements travel back to back
  // instead of one round trip each; row(statement) is called for each row of its answer when
  // the answers are read: before any statement that waits runs (run, each, execute — COMMIT
  // among them), or awaitSent(). So a caller reading what `row` fills in must do so after
  // the transaction's COMMIT. On SQLite it runs at once.
  // A statement sent ahead that fails is thrown as SentStatementFailed, from the call that
  // reads the answers, tagged with tagSent's value at the time it was sent; the statements
  // sent after it in the same transaction are not run (the transaction must roll back).
  template <typename Row, typename... Values>
  void send(const std::string& sql, const Row& row, const Values&... values) {
    if (engine_ != SqlEngine::kPostgres || !keepStatements_) {
      each(sql, row, values...);
      return;
    }
    Kept q = kept(sql);
    bindAll(*q, values...);
    sendBound(*q, row);
  }
  // Reads the answers of the statements sent ahead, calling their `row`s; throws the first
  // failure. Nothing to do when none are waiting.
  void awaitSent();
  // Tags the statements sent from now on (see SentStatementFailed).
  void tagSent(std::size_t tag) { tag_ = tag; }
  // At most this many statements are sent ahead before their answers are read, so neither
  // side's socket buffer fills while the other is not reading.
  static constexpr std::size_t kMaxSentAhead = 64;

  // Runs `sql`, which takes no values, on a statement of its own (transaction control: BEGIN,
  // COMMIT, ROLLBACK, which must run whatever state the kept statements are in).
  void execute(const std::string& sql) {
    awaitSent();
    auto q = statement(sql);
    while (q->step()) {
    }
  }
  // Runs `sql` with `values` bound, through a kept statement, to the end of its rows.
  template <typename... Values>
  void run(const std::string& sql, const Values&... values) {
    each(
        sql, [](const SqlStatement&) {}, values...);
  }
  // Calls row(statement) for each row `sql` gives with `values` bound.
  template <typename Row, typename... Values>
  void each(const std::string& sql, const Row& row, const Values&... values) {
    with(sql, [&](SqlStatement& q) {
      bindAll(q, values...);
      while (q.step()) row(q);
    });
  }
  // Like each(), on a statement planned afresh for each run, never kept. For a batch statement
  // whose best plan depends on its values (how many rows an array holds) and on how big the
  // tables have grown: PostgreSQL keeps one generic plan for a kept statement, and a plan made
  // while the journal was young joins a batch to its table by a sequential scan forever after.
  // Planning costs little beside a statement that carries a whole batch.
  template <typename Row, typename... Values>
  void eachPlannedPerRun(const std::string& sql, const Row& row, const Values&... values) {
    awaitSent();
    auto q = statement(sql);
    bindAll(*q, values...);
    while (q->step()) row(*q);
  }
  // Calls use(statement) with `sql` prepared: kept, or for one use (see keepStatements).
  template <typename Use>
  void with(const std::string& sql, const Use& use) {
    awaitSent();
    if (!keepStatements_) {
      use(*statement(sql));
      return;
    }
    Kept q = kept(sql);
    use(*q);
  }
  // The first row's first column as an integer, or nullopt when there is no row.
  template <typename... Values>
  std::optional<std::int64_t> integer(const std::string& sql, const Values&... values) {
    std::optional<std::int64_t> out;
    each(
        sql,
        [&out](const SqlStatement& q) {
          if (!out) out = q.int64(0);
        },
        values...);
    return out;
  }
  // The first row's first column as text (or bytes), or nullopt when there is no row.
  template <typename... Values>
  std::optional<std::string> string(const std::string& sql, const Values&... values) {
    std::optional<std::string> out;
    each(
        sql,
        [&out](const SqlStatement& q) {
          if (!out) out = q.text(0);
        },
        values...);
    return out;
  }

  // --- How each engine spells what the journal needs ---
  // Opens a write transaction (SQLite takes its write lock at once: no upgrade deadlock).
  const char* beginWrite() const;
  // A newline character, to concatenate with || in SQL.
  const char* newline() const;
  // A condition: the text `needle` occurs in `haystack` (both SQL expressions).
  std::string containsText(const std::string& haystack, const std::string& needle) const;
  // A condition: bytes column `column` contains the text bound to the condition's one `?`.
  std::string containsBytes(const std::string& column) const;
  // Whether each statement costs a network round trip (PostgreSQL): then a write is made in
  // fewer, larger statements (arrays of values: `unnest(?::bigint[], …)`; CTEs). SQLite runs a
  // statement per row, which costs it nothing.
  bool writesInFewStatements() const { return engine_ == SqlEngine::kPostgres; }

 private:
  using RowReader = std::function<void(const SqlStatement&)>;
  void sendBound(SqlStatement& bound, RowReader row);

  Poco::Data::Session session_;
  SqlEngine engine_;
  bool keepStatements_;
  // Statements sent ahead whose answers are still to be read, in the order sent. `sql` is
  // the kept statement's own (kept ones are dropped only once their answers are read).
  struct Sent {
    std::size_t tag;
    RowReader row;
    const std::string* sql;
  };
  std::vector<Sent> sent_;
  std::size_t tag_ = 0;
  std::map<std::string, std::unique_ptr<SqlStatement>> kept_;
  int named_ = 0;  // PostgreSQL: names given to kept statements so far
};

}  // namespace pathhub::journal
