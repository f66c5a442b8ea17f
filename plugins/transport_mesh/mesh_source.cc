// MESH source (see mesh_source.h).
#include "mesh_source.h"

#include "mesh_config.h"

namespace pathhub::transport_mesh {

MeshSource::MeshSource(const sdk::Host& host)
    : host_(host),
      interval_(host.integer("pollSeconds", 300)),
      workflowFilter_(host.text("workflowFilter")),
      client_(std::make_unique<mesh::MeshClient>(meshSettings(host))) {
  client_->stopWith(&stopping_);  // a download of many chunks stops promptly on SIGTERM
}

MeshSource::~MeshSource() { stop(); }

void MeshSource::start() {
  if (auto ok = client_->handshake(); !ok) {
    host_.log(PHUB_LOG_WARNING, "MESH handshake failed: " + ok.error().text);
  }
  stopping_ = false;
  thread_ = std::thread([this] {
    while (!stopping_) {
      poll();
      for (auto waited = std::chrono::milliseconds(0); waited < interval_ && !stopping_;
           waited += std::chrono::milliseconds(20)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    }
  });
}

void MeshSource::stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

void MeshSource::poll() {
  auto ids = client_->inbox(workflowFilter_);
  if (!ids) {
    host_.count("poll_failures");
    host_.log(PHUB_LOG_WARNING, "MESH inbox: " + ids.error().text);
    return;
  }
  for (const std::string& id : *ids) {
    if (stopping_) return;
    // A message larger than the channel takes is not downloaded whole (and not acknowledged):
    // it stays in the inbox, named in the log, for the sender's side to see undelivered.
    auto m = client_->download(id, host_.maxMessageBytes());
    if (!m) {
      host_.count("download_failures");
      host_.log(PHUB_LOG_WARNING, "MESH download " + id + ": " + m.error().text);
      continue;  // still in the inbox: the next poll tries again
    }
    if (!mesh::workflowMatches(workflowFilter_, m->workflow)) {
      // Listed though the filter excludes it (a server that ignores workflow_filter): another
      // source's message, left for it, unread and unacknowledged.
      host_.count("left_for_another_source");
      host_.log(PHUB_LOG_WARNING, "MESH message " + id + " of workflow " + m->workflow +
                                      " left in the inbox: not in workflowFilter " +
                                      workflowFilter_);
      continue;
    }
    if (!take(*m)) return;  // the hub cannot take it now: leave the rest for the next poll
    if (auto ok = client_->acknowledge(id); !ok) {
      // Committed already; when it comes again the hub records it as a duplicate.
      host_.log(PHUB_LOG_WARNING, "MESH acknowledge " + id + ": " + ok.error().text);
    } else {
      host_.count("acknowledged");
    }
  }
}

bool MeshSource::take(const mesh::Incoming& m) {
  const std::string origin = "mesh:" + m.from + "/" + m.messageId;
  phub_submit_result r;
  if (m.messageType == "REPORT") {
    std::string report;
    for (const auto& [name, value] : m.headers) report += name + ": " + value + "\n";
    const auto status = m.headers.find("mex-statusdescription");
    r = host_.refuse(
        report, origin,
        "MESH error report: " +
            (status == m.headers.end() ? std::string("no description") : status->second),
        PHUB_REFUSAL_NOT_TAKEN);
  } else {
    r = host_.submit(m.bytes, origin);
  }
  switch (r.status) {
    case PHUB_SUBMIT_ACCEPTED:
    case PHUB_SUBMIT_DUPLICATE:
    case PHUB_SUBMIT_REJECTED:  // kept as rejected, with the reason: visible and replayable
      host_.count("received");
      return true;
    default:  // busy, failed, stopping: not committed, so not acknowledged
      host_.log(PHUB_LOG_WARNING,
                "MESH message " + m.messageId + " left in the inbox: " + std::string(r.reason));
      return false;
  }
}

}  // namespace pathhub::transport_mesh
