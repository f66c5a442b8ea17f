// The mapper worker process's side (see mapper_worker.h).
#include "lua/mapper_worker.h"

#include <Poco/Logger.h>
#include <Poco/Message.h>

#include <charconv>
#include <map>

namespace pathhub::lua {
namespace {

long long numberArgument(const std::map<std::string, std::string>& named, const std::string& key,
                         long long fallback, bool* bad) {
  const auto it = named.find(key);
  if (it == named.end()) return fallback;
  long long value = 0;
  const auto [end, ec] =
      std::from_chars(it->second.data(), it->second.data() + it->second.size(), value);
  if (ec != std::errc() || end != it->second.data() + it->second.size() || value <= 0) *bad = true;
  return value;
}

}  // namespace

std::filesystem::path workerProgramPath() {
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  const auto beside = (ec ? std::filesystem::path(".") : self.parent_path()) / "pathhub-mapworker";
  // Installed, the worker is not a command of its own: it lives in the helper folder.
  const std::filesystem::path installed =
      std::filesystem::path(PATHHUB_HELPER_DIR) / "pathhub-mapworker";
  return std::filesystem::exists(beside, ec) || !std::filesystem::exists(installed, ec) ? beside
                                                                                        : installed;
}

pipeline::WorkerProgram workerProgram(const ScriptOptions& options, const std::string& channel) {
  pipeline::WorkerProgram program;
  program.program = workerProgramPath();
  program.what = "script " + options.script.filename().string();
  program.timeLimit = options.limits.timeLimit;
  program.args = {
      "--channel",         channel,
      "--script",          options.script.string(),
      "--scripts-root",    options.scriptsRoot.string(),
      "--instructions",    std::to_string(options.limits.instructions),
      "--memory-bytes",    std::to_string(options.limits.memoryBytes),
      "--time-limit-ms",   std::to_string(options.limits.timeLimit.count()),
      "--reload-check-ms", std::to_string(options.reloadCheck.count()),
      "--log-level",       std::to_string(Poco::Logger::get("script." + channel).getLevel())};
  if (options.tables) {
    program.args.push_back("--tables");
    program.args.push_back(options.tables->folder().string());
  }
  return program;
}

Result<WorkerArguments> readWorkerArguments(const std::vector<std::string>& args) {
  std::map<std::string, std::string> named;
  for (std::size_t i = 0; i < args.size(); i += 2) {
    if (args[i].rfind("--", 0) != 0 || i + 1 >= args.size()) {
      return fail(ErrorCode::kUsage, "expected --name value pairs, found '" + args[i] + "'");
    }
    named[args[i]] = args[i + 1];
  }
  for (const char* required : {"--channel", "--script", "--scripts-root", "--parent"}) {
    if (!named.count(required)) {
      return fail(ErrorCode::kUsage, std::string(required) + " is required");
    }
  }
  WorkerArguments out;
  bool bad = false;
  out.channel = named["--channel"];
  out.options.script = named["--script"];
  out.options.scriptsRoot = named["--scripts-root"];
  out.options.limits.instructions =
      numberArgument(named, "--instructions", out.options.limits.instructions, &bad);
  out.options.limits.memoryBytes = static_cast<std::size_t>(numberArgument(
      named, "--memory-bytes", static_cast<long long>(out.options.limits.memoryBytes), &bad));
  out.options.limits.timeLimit = std::chrono::milliseconds(
      numberArgument(named, "--time-limit-ms", out.options.limits.timeLimit.count(), &bad));
  out.options.reloadCheck = std::chrono::milliseconds(
      numberArgument(named, "--reload-check-ms", out.options.reloadCheck.count(), &bad));
  out.parent = static_cast<long>(numberArgument(named, "--parent", 0, &bad));
  out.logLevel = static_cast<int>(numberArgument(named, "--log-level", out.logLevel, &bad));
  if (bad) return fail(ErrorCode::kUsage, "a numeric argument is not a positive whole number");
  if (named.count("--tables")) {
    out.options.tables = std::make_shared<CodeTables>(named["--tables"]);
  }
  return out;
}

void CollectedLog::log(const Poco::Message& message) {
  std::lock_guard lock(mutex_);
  lines_.push_back(
      {message.getSource(), static_cast<int>(message.getPriority()), message.getText()});
}

std::vector<pipeline::WorkerLogLine> CollectedLog::take() {
  std::lock_guard lock(mutex_);
  return std::exchange(lines_, {});
}

int serveMapping(int fd, const WorkerArguments& arguments, CollectedLog& log) {
  using pipeline::WorkerReply;
  using pipeline::WorkerRequest;
  auto mapper = LuaMapper::create(arguments.options, arguments.channel);
  WorkerReply hello;
  if (!mapper) {
    hello.result.kind = pipeline::MapResult::Kind::kFailed;
    hello.result.reason = mapper.error().describe();
  }
  hello.log = log.take();
  if (!pipeline::writeFrame(fd, pipeline::encodeReply(hello)) || !mapper) return 1;
  pipeline::FrameReader requests(fd);
  for (;;) {
    auto frame = requests.next(std::chrono::hours(24));
    if (!frame && frame.error().code == ErrorCode::kTimeout) continue;
    if (!frame) return 0;  // the hub closed the socket: done
    auto request = pipeline::decodeRequest(*frame);
    if (!request) return 2;
    WorkerReply reply;
    if (request->kind == WorkerRequest::Kind::kMap) {
      reply.result = (*mapper)->map(request->bytes, request->context);
    } else {
      (*mapper)->idle();
    }
    reply.loadError = (*mapper)->loadError();
    reply.log = log.take();
    if (!pipeline::writeFrame(fd, pipeline::encodeReply(reply))) return 0;
  }
}

}  // namespace pathhub::lua
