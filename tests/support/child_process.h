// Starting one of the built programs as a child process for integration tests: its stdout
// can be read line by line (to learn, say, the port a server picked), and it is stopped with
// SIGTERM when the test ends.
#pragma once

#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace pathhub::testing {

// build/bin, where the programs under test are.
std::filesystem::path programDir();

struct RunResult {
  int exitCode;
  std::string out;
  std::string err;
};
// Runs a program to completion, feeding `input` on stdin, in `workingDirectory` ("": this
// process's).
RunResult runProgram(const std::string& program, const std::vector<std::string>& args,
                     const std::string& input = "", const std::string& workingDirectory = "");

class ChildProcess {
 public:
  ChildProcess(const std::string& program, const std::vector<std::string>& args);
  ~ChildProcess();
  // The next line the child prints on stdout ("" at end of output).
  std::string readLine();
  // Sends SIGTERM, waits, and returns the exit code and the rest of stdout.
  int stop(std::string* restOfOutput = nullptr);
  // Sends SIGKILL and waits: the child gets no chance to clean up.
  void kill();
  int pid() const;

 private:
  Poco::Pipe out_;
  std::unique_ptr<Poco::ProcessHandle> handle_;
  std::unique_ptr<Poco::PipeInputStream> stream_;
  bool stopped_ = false;
};

}  // namespace pathhub::testing
