// Mapping in supervised worker processes (issue 18, item 1), with the real pathhub-mapworker
// program and real Lua: the results are those of in-process mapping, and a script that runs
// past its wall-clock limit inside one C call — where no hook can reach — or a worker that
// dies fails only the message it held; the next message gets a fresh worker.
#include "pipeline/process_mapper.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "expect_error.h"
#include "lua/mapper_worker.h"

namespace pathhub::lua {
namespace {

using pipeline::MapContext;
using pipeline::MapResult;
using pipeline::ProcessMapper;

const std::string kOru =
    "MSH|^~\\&|LAB|RVJ|GP|A81001|20240131||ORU^R01|C42|P|2.4\r"
    "PID|1||9449305552^^^NHS^NH||smith^john\r"
    "OBR|1|||FBC\r"
    "OBX|1|NM|HB^Haemoglobin||135|g/L\r";

bool alive(pid_t pid) { return ::kill(pid, 0) == 0; }

// The opening of a script whose message with control id SLOW burns seconds inside one C call
// (the pattern from issue 18), out of reach of the sandbox's hook; the caller closes `map`.
constexpr const char* kSlowWhenAskedScript =
    "function map(msg, ctx)\n"
    "  if msg:get(\"MSH-10\") == \"SLOW\" then string.find((\"a\"):rep(5000), \"a-a-a-b\") end\n";

// kOru with the control id that makes that script slow.
std::string slowOru() {
  std::string slow = kOru;
  slow.replace(slow.find("C42"), 3, "SLOW");
  return slow;
}

class ProcessMapperTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("process-mapper-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_ / "tables");
    std::ofstream(dir_ / "tables" / "codes.csv") << "local,snomed\nHB,1022431000000105\n";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  Result<std::unique_ptr<ProcessMapper>> start(
      const std::string& script,
      std::chrono::milliseconds timeLimit = std::chrono::milliseconds(5000)) {
    std::ofstream(dir_ / "map.lua", std::ios::trunc) << script;
    ScriptOptions options;
    options.script = dir_ / "map.lua";
    options.scriptsRoot = dir_;
    options.limits.timeLimit = timeLimit;
    options.tables = std::make_shared<CodeTables>(dir_ / "tables");
    return ProcessMapper::start(workerProgram(options, "lab"), "lab");
  }

  std::filesystem::path dir_;
};

TEST_F(ProcessMapperTest, MapsAsTheInProcessMapperDoes) {
  auto m = start(R"(
    function map(msg, ctx)
      local row = tables.lookup("codes", msg:get("OBX-3.1"))
      msg:set("OBX-3.4", row.snomed)
      ctx:route("gp")
      ctx:log("info", "mapped " .. ctx.message_id)
      ctx:emit("MSH|^~\\&|HUB|||||||ACK|1|P|2.4\r", "epr")
    end)");
  ASSERT_TRUE(m) << m.error().describe();
  const pid_t worker = (*m)->workerPid();
  EXPECT_GT(worker, 0);
  auto r = (*m)->map(kOru, MapContext{"lab", 7});
  ASSERT_EQ(r.kind, MapResult::Kind::kMapped) << r.reason;
  EXPECT_NE(r.bytes.find("OBX|1|NM|HB^Haemoglobin^^1022431000000105||135"), std::string::npos)
      << r.bytes;
  EXPECT_EQ(r.routes, std::vector<std::string>{"gp"});
  EXPECT_EQ(r.notes, std::vector<std::string>{"info: mapped 7"});
  ASSERT_EQ(r.derived.size(), 1u);
  EXPECT_EQ(r.derived[0].routes, std::vector<std::string>{"epr"});
  // A script error is the script's, with its line, as in-process.
  auto bad = (*m)->map("MSH|^~\\&|X\rPID|1\r", MapContext{"lab", 8});
  EXPECT_EQ(bad.kind, MapResult::Kind::kFailed);
  EXPECT_NE(bad.reason.find("map.lua:"), std::string::npos) << bad.reason;
  EXPECT_EQ((*m)->workerPid(), worker);  // the same worker throughout
  m->reset();
  // The worker ends when the hub lets it go.
  for (int i = 0; i < 100 && alive(worker); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_FALSE(alive(worker));
}

TEST_F(ProcessMapperTest, AScriptThatDoesNotLoadIsAnErrorAtStart) {
  auto m = start("function map(msg, ctx)\n  if then end\nend\n");
  ASSERT_FALSE(m);
  EXPECT_NE(m.error().text.find("map.lua:2"), std::string::npos) << m.error().text;
}

// The pattern from the issue burns seconds inside one C call, out of reach of the hook.
TEST_F(ProcessMapperTest, APatternThatRunsPastTheLimitFailsItsMessageAndTheNextGetsANewWorker) {
  auto m = start(std::string(kSlowWhenAskedScript) + "end", std::chrono::milliseconds(300));
  ASSERT_TRUE(m) << m.error().describe();
  const pid_t first = (*m)->workerPid();
  const std::string slow = slowOru();
  const auto started = std::chrono::steady_clock::now();
  auto r = (*m)->map(slow, MapContext{"lab", 9});
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(3));
  EXPECT_EQ(r.kind, MapResult::Kind::kFailed);
  EXPECT_NE(r.reason.find("script map.lua ran past its wall-clock limit of 300 ms"),
            std::string::npos)
      << r.reason;
  EXPECT_NE(r.reason.find("message 9"), std::string::npos) << r.reason;
  EXPECT_FALSE(alive(first));
  auto next = (*m)->map(kOru, MapContext{"lab", 10});
  EXPECT_EQ(next.kind, MapResult::Kind::kMapped) << next.reason;
  EXPECT_NE((*m)->workerPid(), first);
}

// A batch goes to the worker together; the message that overruns fails alone, those before it
// keep their results and those after it are mapped by the next worker, each in its place.
TEST_F(ProcessMapperTest, ABatchKeepsItsOrderAndOnlyTheMessageThatOverranFails) {
  auto m = start(
      std::string(kSlowWhenAskedScript) + "  msg:set(\"OBX-5\", tostring(ctx.message_id))\nend",
      std::chrono::milliseconds(300));
  ASSERT_TRUE(m) << m.error().describe();
  const pid_t first = (*m)->workerPid();
  const std::string slow = slowOru();
  // Large enough that the batch takes more than one window of requests.
  std::vector<std::string> bytes;
  for (int i = 0; i < 300; ++i) bytes.push_back(i == 150 ? slow : kOru);
  std::vector<pipeline::MapRequest> batch;
  for (int i = 0; i < 300; ++i) batch.push_back({&bytes[i], MapContext{"lab", 1000 + i}});
  auto results = (*m)->mapAll(batch);
  ASSERT_EQ(results.size(), 300u);
  for (int i = 0; i < 300; ++i) {
    if (i == 150) {
      EXPECT_EQ(results[i].kind, MapResult::Kind::kFailed);
      EXPECT_NE(results[i].reason.find("ran past its wall-clock limit"), std::string::npos)
          << results[i].reason;
      EXPECT_NE(results[i].reason.find("message 1150"), std::string::npos) << results[i].reason;
      continue;
    }
    ASSERT_EQ(results[i].kind, MapResult::Kind::kMapped) << i << ": " << results[i].reason;
    EXPECT_NE(results[i].bytes.find("||" + std::to_string(1000 + i) + "|g/L"), std::string::npos)
        << i << ": " << results[i].bytes;
  }
  EXPECT_FALSE(alive(first));
  EXPECT_NE((*m)->workerPid(), first);
}

TEST_F(ProcessMapperTest, AWorkerThatDiesIsReplaced) {
  auto m = start("function map(msg, ctx) end");
  ASSERT_TRUE(m);
  const pid_t first = (*m)->workerPid();
  // Killed while idle: the next message is mapped by a new worker, not failed.
  ::kill(first, SIGKILL);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  auto r = (*m)->map(kOru, MapContext{"lab", 1});
  EXPECT_EQ(r.kind, MapResult::Kind::kMapped) << r.reason;
  const pid_t second = (*m)->workerPid();
  EXPECT_NE(second, first);
  // Killed while it holds a message: that message fails, naming how the worker ended.
  auto slow =
      start("function map(msg, ctx) local t = os.clock() while os.clock() - t < 2 do end end");
  ASSERT_TRUE(slow);
  const pid_t held = (*slow)->workerPid();
  std::thread killer([held] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    ::kill(held, SIGTERM);
  });
  auto lost = (*slow)->map(kOru, MapContext{"lab", 2});
  killer.join();
  EXPECT_EQ(lost.kind, MapResult::Kind::kFailed);
  EXPECT_NE(lost.reason.find("lost its worker process"), std::string::npos) << lost.reason;
  EXPECT_NE(lost.reason.find("killed by signal 15"), std::string::npos) << lost.reason;
}

TEST_F(ProcessMapperTest, AWorkerWhoseHubHasGoneEnds) {
  // A worker told its parent is another process (as when the hub dies and it is re-parented)
  // ends by itself even though nobody closes its socket.
  std::ofstream(dir_ / "map.lua") << "function map(msg, ctx) end";
  int ends[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, ends), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::dup2(ends[1], 3);
    const std::string program = workerProgramPath().string();
    const std::string script = (dir_ / "map.lua").string(), root = dir_.string();
    ::execl(program.c_str(), program.c_str(), "--channel", "lab", "--script", script.c_str(),
            "--scripts-root", root.c_str(), "--parent", "1", nullptr);
    ::_exit(127);
  }
  ::close(ends[1]);
  int status = -1;
  for (int i = 0; i < 200 && ::waitpid(child, &status, WNOHANG) == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  ::close(ends[0]);
}

}  // namespace
}  // namespace pathhub::lua
