// The worker end of pipeline::ProcessMapper: the program `pathhub-mapworker` loads a channel's
// mapping script in a LuaMapper and serves map and idle requests on descriptor 3 until the hub
// closes it (or dies). The hub side builds the worker's arguments with workerProgram(), the
// worker reads them back with readWorkerArguments(): one place for both ends of that contract.
#pragma once

#include <Poco/Channel.h>

#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

#include "lua/lua_mapper.h"
#include "pipeline/process_mapper.h"
#include "pipeline/worker_wire.h"

namespace pathhub::lua {

// `pathhub-mapworker` in the folder of the running program (the build tree, or an install
// that keeps them side by side), else in the helper folder compiled in (PATHHUB_HELPER_DIR:
// /usr/libexec/pathhub in the Debian package).
std::filesystem::path workerProgramPath();

// How the hub starts a worker for this script on this channel.
pipeline::WorkerProgram workerProgram(const ScriptOptions& options, const std::string& channel);

struct WorkerArguments {
  ScriptOptions options;
  std::string channel;
  long parent = 0;   // the hub's pid: the worker ends when its parent is no longer that
  int logLevel = 6;  // the hub's level for the script's logger (Poco priority): less is not sent
};
Result<WorkerArguments> readWorkerArguments(const std::vector<std::string>& args);

// Where the worker's log lines wait until they travel to the hub with the next reply.
class CollectedLog : public Poco::Channel {
 public:
  void log(const Poco::Message& message) override;
  std::vector<pipeline::WorkerLogLine> take();

 private:
  std::mutex mutex_;
  std::vector<pipeline::WorkerLogLine> lines_;
};

// Serves requests on `fd` until it closes; returns the program's exit status.
int serveMapping(int fd, const WorkerArguments& arguments, CollectedLog& log);

}  // namespace pathhub::lua
