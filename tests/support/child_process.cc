// Child processes for integration tests (see child_process.h).
#include "child_process.h"

#include <Poco/StreamCopier.h>

#include <istream>
#include <thread>

namespace pathhub::testing {

std::filesystem::path programDir() { return PATHHUB_PROGRAM_DIR; }

RunResult runProgram(const std::string& program, const std::vector<std::string>& args,
                     const std::string& input, const std::string& workingDirectory) {
  Poco::Pipe in, out, err;
  Poco::ProcessHandle handle =
      Poco::Process::launch((programDir() / program).string(), args, workingDirectory, &in, &out,
                            &err, Poco::Process::Env());
  // Drain stderr on a thread so a chatty child never blocks on a full pipe.
  std::string errText;
  std::thread errReader([&err, &errText] {
    Poco::PipeInputStream es(err);
    Poco::StreamCopier::copyToString(es, errText);
  });
  {
    Poco::PipeOutputStream os(in);
    os << input;
    os.close();
  }
  std::string outText;
  Poco::PipeInputStream os(out);
  Poco::StreamCopier::copyToString(os, outText);
  errReader.join();
  const int code = handle.wait();
  return {code, outText, errText};
}

ChildProcess::ChildProcess(const std::string& program, const std::vector<std::string>& args) {
  handle_ = std::make_unique<Poco::ProcessHandle>(
      Poco::Process::launch((programDir() / program).string(), args, nullptr, &out_, nullptr));
  stream_ = std::make_unique<Poco::PipeInputStream>(out_);
}

ChildProcess::~ChildProcess() {
  if (!stopped_) stop();
}

int ChildProcess::pid() const { return handle_->id(); }

void ChildProcess::kill() {
  stopped_ = true;
  Poco::Process::kill(*handle_);
  handle_->wait();
}

std::string ChildProcess::readLine() {
  std::string line;
  std::getline(*stream_, line);
  return line;
}

int ChildProcess::stop(std::string* restOfOutput) {
  stopped_ = true;
  Poco::Process::requestTermination(handle_->id());
  std::string rest;
  Poco::StreamCopier::copyToString(*stream_, rest);
  if (restOfOutput) *restOfOutput = rest;
  return handle_->wait();
}

}  // namespace pathhub::testing
