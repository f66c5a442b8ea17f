// Telling the service manager what the hub is doing (systemd's sd_notify, Type=notify): ready
// once every listener is open and the journal recovered, reloading, stopping while the work in
// hand is finished, and a one-line status. Without a service manager (NOTIFY_SOCKET unset:
// a terminal, the tests) each call does nothing.
#pragma once

#include <string>

namespace pathhub::daemon {

void notifyReady(const std::string& status);
void notifyReloading();
void notifyStopping();
void notifyStatus(const std::string& status);

}  // namespace pathhub::daemon
