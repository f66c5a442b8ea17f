// pathhubctl backup FILE (see backup_command.h). The hub makes the copy with SQLite's online
// backup and checks it; this side streams it to FILE.partial (created for the caller alone),
// checks it again with PRAGMA integrity_check — what crossed the network is what is kept —,
// syncs it and only then names it FILE. An existing FILE is never overwritten.
#include "backup_command.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Stringifier.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "journal/backup.h"

namespace pathhub::ctl {

int backupCommand(ApiClient& api, const Options& options, const std::vector<std::string>& args) {
  if (args.size() != 1 || args[0].empty() || args[0][0] == '-') {
    std::cerr << "pathhubctl: backup needs one FILE to write\n";
    return 2;
  }
  const std::string file = args[0];
  const std::string partial = file + ".partial";
  if (std::filesystem::exists(file)) {
    std::cerr << "pathhubctl: " << file << " already exists; a backup never overwrites one\n";
    return 1;
  }
  // The copy holds every patient's data: readable by the caller alone, whatever the umask.
  const int fd = ::open(partial.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    std::cerr << "pathhubctl: cannot create " << partial << "\n";
    return 1;
  }
  ::close(fd);
  auto removePartial = [&partial] { std::remove(partial.c_str()); };
  Result<ApiResponse> answer;
  {
    std::ofstream out(partial, std::ios::binary | std::ios::trunc);
    answer = api.call("POST", "/api/v1/journal/backup", "", &out);
    out.flush();
  }
  if (!answer) {
    removePartial();
    std::cerr << "pathhubctl: " << answer.error().text << "\n";
    return 2;
  }
  if (answer->status != 200) {
    removePartial();
    std::cerr << "pathhubctl: " << answer->status << " " << answer->body << "\n";
    return 1;
  }
  auto facts = journal::checkBackup(partial);
  if (!facts) {
    removePartial();
    std::cerr << "pathhubctl: the copy received fails its check: " << facts.error().text << "\n";
    return 1;
  }
  const int sync = ::open(partial.c_str(), O_RDONLY | O_CLOEXEC);
  const bool synced = sync >= 0 && ::fsync(sync) == 0;
  if (sync >= 0) ::close(sync);
  std::error_code ec;
  if (synced) std::filesystem::rename(partial, file, ec);
  if (!synced || ec) {
    removePartial();
    std::cerr << "pathhubctl: cannot write " << file << "\n";
    return 1;
  }
  if (options.json) {
    Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    o.set("file", file);
    o.set("bytes", static_cast<Poco::UInt64>(facts->bytes));
    o.set("schemaVersion", facts->schemaVersion);
    o.set("journalId", facts->journalId);
    o.set("messages", facts->messages);
    o.set("integrity", "ok");
    Poco::JSON::Stringifier::stringify(o, std::cout, 2);
    std::cout << "\n";
  } else {
    std::cout << "backup written to " << file << ": " << facts->bytes << " bytes, "
              << facts->messages << " message(s), schema version " << facts->schemaVersion
              << ", journal " << facts->journalId << ", integrity ok\n";
  }
  return 0;
}

}  // namespace pathhub::ctl
