// pathhub — the hub daemon.
//
//   pathhub --config FILE          run in the foreground until SIGTERM or SIGINT
//   pathhub --config FILE --check-config
//                                  validate the configuration (plugin settings included), list
//                                  every problem, exit non-zero if any
//   pathhub [--config FILE] --list-plugins
//                                  the plugins found, what each provides and its config keys
//   pathhub --config FILE --restore BACKUP
//                                  with the hub stopped: check BACKUP (pathhubctl backup) and
//                                  put it in place of the configured journal, the old one
//                                  moved aside
//   pathhub --version              version, git commit, plugin ABI, journal schema version
//
// pathhub stays in the foreground (--daemon is refused): systemd runs it (Type=notify: ready
// once listening and recovered, stopping while it drains) or another supervisor does. A start
// that fails exits non-zero with the reason on stderr.
//
// Plugins are loaded from the configuration's <plugins folder> elements, or else from the
// default folders (plugin/plugin_registry.h). A plugin that is refused stops the start-up.
//
// Logs go to stderr, and to a file when the configuration names one.
#include <Poco/Logger.h>
#include <Poco/Util/HelpFormatter.h>
#include <Poco/Util/Option.h>
#include <Poco/Util/OptionSet.h>
#include <Poco/Util/ServerApplication.h>
#include <Poco/Util/Timer.h>
#include <Poco/Util/TimerTaskAdapter.h>
#include <malloc.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <filesystem>
#include <iostream>

#include "config/hub_config.h"
#include "daemon/config_check.h"
#include "daemon/hub.h"
#include "daemon/service_notify.h"
#include "daemon/signals.h"
#include "http/api_server.h"
#include "journal/backup.h"
#include "journal/schema.h"
#include "log/logging.h"
#include "plugin/plugin_registry.h"
#include "version/build_info.h"

namespace {

using namespace pathhub;
using Poco::Util::Option;
using Poco::Util::OptionSet;

// glibc returns freed memory at the top of a heap to the kernel once more than a threshold
// (128 KiB, moved by malloc's own heuristics) is free. The journal writer frees and reallocates
// batches of that size all the time, and about one run in three the heuristics settled where
// every batch faulted its pages in again: twice the writer's CPU, a third less throughput.
// A fixed 2 MiB per arena keeps that memory for reuse and the speed even, for a few MB of RSS.
void keepFreedMemoryForReuse() { mallopt(M_TRIM_THRESHOLD, 2 * 1024 * 1024); }

// Every connection takes a file descriptor, and so do the journal's files: with the soft
// limit (often 1,024) a crowd of idle senders could leave the journal unable to open. The hard
// limit is what the system allows this process; take it.
void raiseOpenFileLimit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    (void)::setrlimit(RLIMIT_NOFILE, &limit);  // best effort: the old limit still works
  }
}

// What the service manager shows as the hub's status once it is ready.
std::string readiness(daemon::Hub& hub) {
  std::string out = "ready: " + std::to_string(hub.config().channels.size()) + " channel(s)";
  const auto faults = hub.faults();
  if (!faults.empty()) {
    out += ", " + std::to_string(faults.size()) + " faulted:";
    for (const auto& [channel, why] : faults) out += " " + channel;
  }
  return out;
}

class PathhubApp : public Poco::Util::ServerApplication {
 protected:
  void defineOptions(OptionSet& options) override {
    // Not ServerApplication's own options: --daemon forks before main() and answers 0 to
    // whoever started it, whatever then fails (see main() below); --pidfile is not needed by
    // systemd or a supervisor, which know the process.
    Application::defineOptions(options);
    options.addOption(
        Option("config", "c", "configuration file (XML)")
            .required(false)
            .argument("FILE")
            .callback(Poco::Util::OptionCallback<PathhubApp>(this, &PathhubApp::setConfig)));
    options.addOption(
        Option("check-config", "", "validate the configuration and exit")
            .callback(Poco::Util::OptionCallback<PathhubApp>(this, &PathhubApp::setCheck)));
    options.addOption(
        Option("list-plugins", "", "list the plugins found and their config keys, and exit")
            .callback(Poco::Util::OptionCallback<PathhubApp>(this, &PathhubApp::setList)));
    options.addOption(
        Option("restore", "", "put a journal backup in place (the hub stopped) and exit")
            .argument("FILE")
            .callback(Poco::Util::OptionCallback<PathhubApp>(this, &PathhubApp::setRestore)));
    options.addOption(
        Option("version", "",
               "print the version, git commit, plugin ABI and journal schema version")
            .callback(Poco::Util::OptionCallback<PathhubApp>(this, &PathhubApp::setVersion)));
    options.addOption(
        Option("help", "h", "show this help")
            .callback(Poco::Util::OptionCallback<PathhubApp>(this, &PathhubApp::setHelp)));
  }

  int main(const std::vector<std::string>&) override {
    // Before any thread starts, so that every thread inherits the mask (signals.h).
    daemon::blockDaemonSignals();
    // Everything the hub writes holds patient data (the journal, its WAL, delivered files,
    // logs): never readable by other users, whatever umask started it.
    ::umask(S_IWGRP | S_IRWXO);
    raiseOpenFileLimit();
    keepFreedMemoryForReuse();
    if (help_) {
      Poco::Util::HelpFormatter f(options());
      f.setCommand(commandName());
      f.setUsage(
          "--config FILE [--check-config | --restore BACKUP] | [--config FILE] --list-plugins |"
          " --version");
      f.setHeader("pathhub: the pathology results exchange hub.");
      f.format(std::cout);
      return EXIT_OK;
    }
    if (version_) {
      std::cout << "pathhub " << build::kVersion << " (commit " << build::kGitCommit << ")\n"
                << "plugin ABI " << build::pluginAbi() << "\n"
                << "journal schema version " << journal::kSchemaVersion << "\n";
      return EXIT_OK;
    }
    if (configPath_.empty() && !list_) {
      std::cerr << "pathhub: --config FILE is required\n";
      return EXIT_USAGE;
    }
    Result<config::HubConfig> config = config::HubConfig{};
    if (!configPath_.empty()) config = config::loadHubConfig(configPath_);
    if (!config) {
      std::cerr << "pathhub: " << configPath_ << ": configuration is not valid:\n"
                << config.error().text << "\n";
      return EXIT_CONFIG;
    }
    if (!restore_.empty()) return restoreJournal(config->journal.path);
    auto plugins = std::make_shared<plugin::PluginRegistry>();
    std::vector<std::filesystem::path> folders(config->pluginFolders.begin(),
                                               config->pluginFolders.end());
    const auto missing = folders.empty() ? plugin::PluginRegistry::MissingFolder::kSkip
                                         : plugin::PluginRegistry::MissingFolder::kRefuse;
    if (folders.empty()) folders = plugin::defaultPluginFolders();
    auto refused = plugins->loadFolders(folders, missing);
    if (plugins->plugins().empty() && refused.empty()) {
      std::string looked;
      for (const auto& f : folders) looked += " " + f.string();
      refused.push_back("no plugin found in" + looked +
                        " (name the folder with <plugins folder=\"...\"/> or PATHHUB_PLUGIN_PATH)");
    }
    if (list_) {
      std::cout << plugins->describe();
      for (const auto& r : refused) std::cout << r << "\n";
      return refused.empty() ? EXIT_OK : EXIT_SOFTWARE;
    }
    if (!refused.empty()) {
      std::cerr << "pathhub: plugins refused:\n";
      for (const auto& r : refused) std::cerr << r << "\n";
      return EXIT_SOFTWARE;
    }
    const std::string problems = daemon::configurationProblems(*plugins, *config);
    if (!problems.empty()) {
      std::cerr << "pathhub: " << configPath_ << ": configuration is not valid:\n"
                << problems << "\n";
      return EXIT_CONFIG;
    }
    if (check_) {
      for (const auto& w : config->warnings) std::cout << "pathhub: warning: " << w << "\n";
      std::cout << "pathhub: " << configPath_ << ": configuration is valid ("
                << config->channels.size() << " channel(s))\n";
      return EXIT_OK;
    }
    log::setUpLogging(config->log);
    Poco::Logger& logger = Poco::Logger::get("daemon");
    for (const auto& w : config->warnings) logger.warning(w);
    daemon::Hub hub(*config, plugins, configPath_);
    if (auto started = hub.start(); !started) {
      logger.fatal("cannot start: %s", started.error().describe());
      return EXIT_SOFTWARE;
    }
    // The operations API (and /health, /ready) once the hub has started.
    std::unique_ptr<http::ApiServer> api;
    if (config->api.enabled) {
      api = std::make_unique<http::ApiServer>(hub, config->api);
      if (auto listening = api->start(); !listening) {
        logger.fatal("cannot start the HTTP API: %s", listening.error().describe());
        hub.stop();
        return EXIT_SOFTWARE;
      }
    }
    // Retention: prune at start-up and then every hour.
    Poco::Util::Timer timer;
    timer.scheduleAtFixedRate(new Poco::Util::TimerTaskAdapter<PruneTask>(prune_, &PruneTask::run),
                              0, 3600 * 1000);
    prune_.hub = &hub;
    // Answers awaited past their time: checked as often as the shortest overdue time needs.
    timer.scheduleAtFixedRate(
        new Poco::Util::TimerTaskAdapter<OverdueTask>(overdue_, &OverdueTask::run), 0,
        hub.overdueCheckInterval().count());
    overdue_.hub = &hub;
    const auto faults = hub.faults();
    for (const auto& [channel, why] : faults) {
      logger.error("channel %s is faulted and does not run: %s", channel, why);
    }
    // One faulted channel among others leaves the hub degraded, the others carrying results
    // (/ready says which); with every channel faulted nothing would flow: a failed start.
    if (!faults.empty() && faults.size() == config->channels.size()) {
      logger.fatal("cannot start: every channel is faulted (the reasons are above)");
      timer.cancel(true);
      if (api) api->stop();
      hub.stop();
      return EXIT_SOFTWARE;
    }
    logger.information("pathhub ready");
    daemon::notifyReady(readiness(hub));
    // SIGHUP reloads (the report is logged by the hub); a stop signal ends the loop.
    while (daemon::waitForSignal() == daemon::SignalRequest::kReload) {
      logger.information("SIGHUP: reloading %s", configPath_);
      daemon::notifyReloading();
      (void)(api ? api->reload() : hub.reload());
      daemon::notifyReady(readiness(hub));
    }
    logger.information("pathhub stopping: finishing work in hand");
    daemon::notifyStopping();
    const daemon::StopDeadline deadline(hub.stopGrace());
    timer.cancel(true);
    if (api) api->stop();  // no API call may outlive the journal
    hub.stop();
    logger.information("pathhub stopped");
    return EXIT_OK;
  }

 private:
  // --restore FILE: the backup checked and put in place of the configured journal; the one it
  // replaces is moved aside, never deleted.
  int restoreJournal(const std::string& journalPath) {
    auto done = journal::restoreJournal(restore_, journalPath);
    if (!done) {
      std::cerr << "pathhub: cannot restore " << restore_ << ": " << done.error().text << "\n";
      return EXIT_SOFTWARE;
    }
    std::cout << "pathhub: restored " << restore_ << " as " << journalPath << " ("
              << done->restored.messages << " message(s), schema version "
              << done->restored.schemaVersion
              << (done->restored.journalId.empty() ? "" : ", journal " + done->restored.journalId)
              << ")\n";
    if (!done->movedAside.empty()) {
      std::cout << "pathhub: the journal it replaced is kept as " << done->movedAside << "\n";
    }
    return EXIT_OK;
  }

  struct PruneTask {
    daemon::Hub* hub = nullptr;
    void run(Poco::Util::TimerTask&) {
      if (!hub) return;
      auto removed = hub->prune();
      Poco::Logger& log = Poco::Logger::get("journal");
      if (!removed) {
        log.error("pruning failed: %s", removed.error().describe());
      } else if (*removed > 0) {
        log.information("pruned %d finished message(s) past retention", *removed);
      }
    }
  };

  struct OverdueTask {
    daemon::Hub* hub = nullptr;
    void run(Poco::Util::TimerTask&) {
      if (!hub) return;
      auto flagged = hub->flagOverdueAnswers();
      Poco::Logger& log = Poco::Logger::get("acks");
      if (!flagged) {
        log.error("cannot check for overdue acknowledgements: %s", flagged.error().describe());
      } else if (*flagged > 0) {
        log.warning("%d delivered message(s) now overdue for an acknowledgement", *flagged);
      }
      auto orders = hub->flagOverdueOrders();
      if (!orders) {
        Poco::Logger::get("orders").error("cannot check for overdue orders: %s",
                                          orders.error().describe());
      } else if (*orders > 0) {
        Poco::Logger::get("orders").warning("%d order(s) now overdue for a final result", *orders);
      }
    }
  };

  void setConfig(const std::string&, const std::string& value) { configPath_ = value; }
  void setCheck(const std::string&, const std::string&) { check_ = true; }
  void setList(const std::string&, const std::string&) { list_ = true; }
  void setRestore(const std::string&, const std::string& value) { restore_ = value; }
  void setVersion(const std::string&, const std::string&) {
    version_ = true;
    stopOptionsProcessing();
  }
  void setHelp(const std::string&, const std::string&) {
    help_ = true;
    stopOptionsProcessing();
  }

  std::string configPath_;
  bool check_ = false;
  bool help_ = false;
  bool list_ = false;
  bool version_ = false;
  std::string restore_;  // --restore FILE
  PruneTask prune_;
  OverdueTask overdue_;
};

}  // namespace

// POCO_SERVER_MAIN's body, with --daemon refused first: Poco forks for it before any option
// is read, so the parent answers 0 while the child may fail with nobody to tell. pathhub stays
// in the foreground; systemd (Type=notify) or a supervisor runs it as a service.
int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::string_view(argv[i]) == "--daemon") {
      std::cerr << "pathhub: --daemon is not supported: pathhub runs in the foreground under"
                   " systemd (pathhub.service, Type=notify) or another supervisor\n";
      return Poco::Util::Application::EXIT_USAGE;
    }
  }
  try {
    PathhubApp app;
    return app.run(argc, argv);
  } catch (const Poco::Exception& e) {
    std::cerr << "pathhub: " << e.displayText() << "\n";
    return Poco::Util::Application::EXIT_SOFTWARE;
  }
}
