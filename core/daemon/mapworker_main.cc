// pathhub-mapworker: one mapping worker process of the hub (lua/mapper_worker.h). Started by
// the hub with its socket as descriptor 3; not a program to run by hand.
#include <Poco/AutoPtr.h>
#include <Poco/Logger.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include "lua/mapper_worker.h"

int main(int argc, char** argv) {
  using namespace pathhub;
  auto arguments = lua::readWorkerArguments(std::vector<std::string>(argv + 1, argv + argc));
  if (!arguments) {
    std::fprintf(stderr, "pathhub-mapworker: %s\n", arguments.error().describe().c_str());
    return 64;
  }
  // A worker holds patient data in memory: never leave it in a core file.
  const rlimit noCore{0, 0};
  ::setrlimit(RLIMIT_CORE, &noCore);
  // The worker ends with the hub even when it is busy: the socket's end is only noticed between
  // requests, a parent that has gone is noticed here.
  const long parent = arguments->parent;
  std::thread([parent] {
    for (;;) {
      if (::getppid() != parent) ::_exit(0);
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
  }).detach();
  Poco::AutoPtr<lua::CollectedLog> log(new lua::CollectedLog);
  Poco::Logger::root().setChannel(log);
  Poco::Logger::root().setLevel(arguments->logLevel);
  return lua::serveMapping(3, *arguments, *log);
}
