#include "daemon/service_notify.h"

#include <systemd/sd-daemon.h>

namespace pathhub::daemon {

// sd_notify's answer is not acted on: a manager that cannot be told is not a reason to stop
// carrying results (it kills a notify service that never says READY, which is loud enough).
void notifyReady(const std::string& status) {
  (void)sd_notify(0, ("READY=1\nSTATUS=" + status).c_str());
}

void notifyReloading() { (void)sd_notify(0, "RELOADING=1\nSTATUS=reloading the configuration"); }

void notifyStopping() { (void)sd_notify(0, "STOPPING=1\nSTATUS=stopping: finishing work in hand"); }

void notifyStatus(const std::string& status) { (void)sd_notify(0, ("STATUS=" + status).c_str()); }

}  // namespace pathhub::daemon
