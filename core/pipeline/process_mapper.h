// A channel's mapping run in a child process: the last line of defence against a script that
// a budget cannot stop (a string pattern backtracking for minutes inside one C call, a crash
// in a library). A thread stuck in a C call cannot be stopped safely; a process can.
//
// Each mapper worker thread owns one ProcessMapper, which owns one worker process (the
// program `pathhub-mapworker`, lua/mapper_worker.h) and talks to it over a private socket pair
// (worker_wire.h). Every request has a wall-clock limit. A worker that overruns it is killed,
// one that dies is reaped, and either way the message it held fails with the reason; the next
// message starts a fresh worker. Nothing else — other workers, other channels, the API — waits
// on it. The worker exits by itself when the hub closes the socket or dies.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "pathhub/error.h"
#include "pipeline/mapper.h"
#include "pipeline/worker_wire.h"

namespace pathhub::pipeline {

struct WorkerProgram {
  std::filesystem::path program;              // the worker executable
  std::vector<std::string> args;              // its arguments (what to map with)
  std::string what;                           // how errors name the mapping, e.g. "script demo.lua"
  std::chrono::milliseconds timeLimit{5000};  // per message, wall clock
};

class ProcessMapper : public Mapper {
 public:
  // Starts the worker and waits for it to say its mapping loaded; a mapping that does not load
  // is an error here (the channel does not start), as in-process.
  static Result<std::unique_ptr<ProcessMapper>> start(WorkerProgram program, std::string channel);
  ~ProcessMapper() override;
  ProcessMapper(const ProcessMapper&) = delete;
  ProcessMapper& operator=(const ProcessMapper&) = delete;

  MapResult map(const std::string& bytes, const MapContext& context) override;
  // Sends the requests together (up to kWindowBytes at a time, so neither side's socket
  // buffer fills while the other is writing) and reads the replies as the worker makes them:
  // each still within the time limit of its own, counted from the reply before it. A worker
  // lost on one message fails that message; the rest go to a new worker. A stop asked for
  // meanwhile stops the worker at once (what it still held is not mapped).
  std::vector<MapResult> mapAll(const std::vector<MapRequest>& batch,
                                const std::function<bool()>& stopping = nullptr) override;
  static constexpr std::size_t kWindowBytes = 64 * 1024;
  void idle() override;
  std::string loadError() const override { return loadError_; }

  pid_t workerPid() const { return pid_; }  // -1 between a lost worker and the next message

 private:
  ProcessMapper(WorkerProgram program, std::string channel);
  Result<void> spawn();
  // Sends one request and reads its reply; on any failure the worker is gone afterwards and
  // the error says why (overran the limit, died with a signal, answered nonsense).
  Result<WorkerReply> exchange(const WorkerRequest& request, std::chrono::milliseconds limit);
  // Reads the reply to a request already sent; on failure the worker is gone, as exchange().
  Result<WorkerReply> awaitReply(std::chrono::milliseconds limit);
  // The worker failed us (`error`): it is stopped and reaped, and the error says how it ended.
  Error lost(const Error& error);
  // A new worker when the last one is gone (or ended while idle); an error when none starts.
  Result<void> ensureWorker();
  MapResult failed(const std::string& why, const MapContext& context) const;
  void reap();  // kills the worker if it still runs, waits for it, notes how it ended
  void logWorkerLines(const std::vector<WorkerLogLine>& lines);

  WorkerProgram program_;
  std::string channel_;
  pid_t pid_ = -1;
  int socket_ = -1;
  FrameReader replies_;  // reads socket_
  std::string loadError_;
  std::string lastExit_;  // how the last worker ended, e.g. "killed by signal 11"
};

}  // namespace pathhub::pipeline
