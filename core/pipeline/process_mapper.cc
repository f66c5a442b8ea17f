// Mapping in a supervised child process (see process_mapper.h).
#include "pipeline/process_mapper.h"

#include <Poco/Logger.h>
#include <Poco/Message.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

extern char** environ;

namespace pathhub::pipeline {
namespace {

// Past the script's own limit (which the sandbox enforces between Lua instructions and reports
// with the line), before the hub gives up on the process: the sandbox's error is the clearer
// one whenever it can be had.
constexpr std::chrono::milliseconds kGrace{500};
// Starting a worker compiles the script and runs its top level.
constexpr std::chrono::milliseconds kStartAllowance{5000};

Poco::Logger& log() { return Poco::Logger::get("pipeline.worker"); }

std::string exitText(int status) {
  if (WIFSIGNALED(status)) {
    return "was killed by signal " + std::to_string(WTERMSIG(status)) + " (" +
           ::strsignal(WTERMSIG(status)) + ")";
  }
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  return "ended";
}

}  // namespace

ProcessMapper::ProcessMapper(WorkerProgram program, std::string channel)
    : program_(std::move(program)), channel_(std::move(channel)) {}

Result<std::unique_ptr<ProcessMapper>> ProcessMapper::start(WorkerProgram program,
                                                            std::string channel) {
  std::unique_ptr<ProcessMapper> mapper(new ProcessMapper(std::move(program), std::move(channel)));
  if (auto started = mapper->spawn(); !started) return tl::unexpected(started.error());
  return mapper;
}

ProcessMapper::~ProcessMapper() {
  if (pid_ < 0) return;
  ::close(socket_);  // the worker sees the end of its input and exits
  for (int i = 0; i < 100; ++i) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
}

Result<void> ProcessMapper::spawn() {
  int ends[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends) != 0) {
    return fail(
        ErrorCode::kIoError,
        std::string("cannot make a socket pair for a mapping worker: ") + std::strerror(errno));
  }
  // The worker finds its socket as descriptor 3. Dup'ed above 3 first, so that dup2 onto 3
  // always makes a fresh descriptor (without close-on-exec).
  const int childEnd = ::fcntl(ends[1], F_DUPFD_CLOEXEC, 10);
  ::close(ends[1]);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, childEnd, 3);
  posix_spawn_file_actions_addclosefrom_np(&actions, 4);  // none of the hub's files or sockets
  // The hub's threads block the signals its signal thread waits for; the worker starts with
  // none blocked and default actions.
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t none, defaults;
  sigemptyset(&none);
  sigfillset(&defaults);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  std::vector<std::string> words{program_.program.string()};
  words.insert(words.end(), program_.args.begin(), program_.args.end());
  words.push_back("--parent");
  words.push_back(std::to_string(::getpid()));
  std::vector<char*> argv;
  for (auto& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  const int rc = ::posix_spawn(&pid, argv[0], &actions, &attributes, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  ::close(childEnd);
  if (rc != 0) {
    ::close(ends[0]);
    return fail(ErrorCode::kIoError, "cannot start the mapping worker " +
                                         program_.program.string() + ": " + std::strerror(rc));
  }
  pid_ = pid;
  socket_ = ends[0];
  replies_ = FrameReader(socket_);
  // The worker's first word says whether the mapping loaded.
  auto hello = replies_.next(program_.timeLimit + kStartAllowance);
  Result<WorkerReply> reply =
      hello ? decodeReply(*hello) : Result<WorkerReply>(tl::unexpected(hello.error()));
  if (!reply) {
    reap();
    return fail(ErrorCode::kUnavailable, "the mapping worker for " + program_.what +
                                             " did not start: " + reply.error().text + "; it " +
                                             lastExit_);
  }
  logWorkerLines(reply->log);
  if (reply->result.kind == MapResult::Kind::kFailed) {  // the mapping did not load
    reap();
    return fail(ErrorCode::kInvalidValue, reply->result.reason);
  }
  loadError_ = std::move(reply->loadError);
  log().debug("channel %s: mapping worker %d started for %s", channel_, static_cast<int>(pid_),
              program_.what);
  return {};
}

void ProcessMapper::reap() {
  if (pid_ < 0) return;
  ::close(socket_);
  socket_ = -1;
  ::kill(pid_, SIGKILL);  // harmless if it has already ended; it is reaped just below
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  lastExit_ = exitText(status);
  pid_ = -1;
}

Result<WorkerReply> ProcessMapper::exchange(const WorkerRequest& request,
                                            std::chrono::milliseconds limit) {
  if (auto sent = writeFrame(socket_, encodeRequest(request)); !sent) {
    return tl::unexpected(lost(sent.error()));
  }
  return awaitReply(limit);
}

Result<WorkerReply> ProcessMapper::awaitReply(std::chrono::milliseconds limit) {
  auto frame = replies_.next(limit);
  Result<WorkerReply> reply =
      frame ? decodeReply(*frame) : Result<WorkerReply>(tl::unexpected(frame.error()));
  if (reply) {
    loadError_ = std::move(reply->loadError);
    logWorkerLines(reply->log);
    return reply;
  }
  return tl::unexpected(lost(reply.error()));
}

Error ProcessMapper::lost(const Error& error) {
  const pid_t pid = pid_;
  reap();
  std::string why;
  if (error.code == ErrorCode::kTimeout) {
    why = "ran past its wall-clock limit of " + std::to_string(program_.timeLimit.count()) +
          " ms; its worker process (pid " + std::to_string(pid) +
          ") was stopped, and a new one takes the next message";
  } else {
    why = "lost its worker process (pid " + std::to_string(pid) + ", which " + lastExit_ +
          "): " + error.text + "; a new one takes the next message";
  }
  log().error("channel %s: %s %s", channel_, program_.what, why);
  return Error{error.code, why, {}};
}

Result<void> ProcessMapper::ensureWorker() {
  // A worker that ended while it held nothing (killed from outside, say) is replaced before it
  // is given a message, so that message does not fail for it.
  int status = 0;
  if (pid_ >= 0 && ::waitpid(pid_, &status, WNOHANG) == pid_) {
    log().warning("channel %s: the mapping worker %d for %s %s while idle; starting another",
                  channel_, static_cast<int>(pid_), program_.what, exitText(status));
    ::close(socket_);
    socket_ = -1;
    pid_ = -1;
  }
  if (pid_ >= 0) return {};
  return spawn();
}

MapResult ProcessMapper::failed(const std::string& why, const MapContext& context) const {
  return {MapResult::Kind::kFailed,
          {},
          {},
          program_.what + why + " (channel " + context.channel + " message " +
              std::to_string(context.messageId) + ")"};
}

MapResult ProcessMapper::map(const std::string& bytes, const MapContext& context) {
  return std::move(mapAll({MapRequest{&bytes, context}}).front());
}

std::vector<MapResult> ProcessMapper::mapAll(const std::vector<MapRequest>& batch,
                                             const std::function<bool()>& stopping) {
  std::vector<MapResult> out;
  out.reserve(batch.size());
  while (out.size() < batch.size()) {
    if (stopping && stopping()) return out;
    if (auto started = ensureWorker(); !started) {
      out.push_back(failed(": " + started.error().text, batch[out.size()].context));
      continue;
    }
    // A window of requests in one write; at least one, however large.
    std::string framed;
    std::size_t end = out.size();
    while (end < batch.size() && (end == out.size() || framed.size() < kWindowBytes)) {
      WorkerRequest request;
      request.kind = WorkerRequest::Kind::kMap;
      request.context = batch[end].context;
      request.bytes = *batch[end].bytes;
      appendFrame(framed, encodeRequest(request));
      ++end;
    }
    if (auto sent = writeAll(socket_, framed); !sent) {
      out.push_back(failed(" " + lost(sent.error()).text, batch[out.size()].context));
      continue;
    }
    while (out.size() < end) {
      if (stopping && stopping()) {
        reap();  // it still holds requests whose answers nobody will read
        return out;
      }
      auto reply = awaitReply(program_.timeLimit + kGrace);
      if (!reply) {
        // This message fails; the rest of the window goes to the next worker.
        out.push_back(failed(" " + reply.error().text, batch[out.size()].context));
        break;
      }
      out.push_back(std::move(reply->result));
    }
  }
  return out;
}

void ProcessMapper::idle() {
  if (pid_ < 0) return;  // a new worker starts with the next message
  WorkerRequest request;
  request.kind = WorkerRequest::Kind::kIdle;
  (void)exchange(request, program_.timeLimit + kGrace);  // a lost worker is logged and replaced
}

void ProcessMapper::logWorkerLines(const std::vector<WorkerLogLine>& lines) {
  for (const auto& line : lines) {
    Poco::Logger::get(line.source)
        .log(Poco::Message(line.source, line.text,
                           static_cast<Poco::Message::Priority>(line.priority)));
  }
}

}  // namespace pathhub::pipeline
