// The hub's configuration: channels (a source, mapper workers, named destinations, retry and
// back-pressure policy), the journal and logging, read from an XML file such as
// config/pathhub.xml. Every element and attribute is documented in config/README.md.
//
// Loading checks the whole file and reports every problem at once, each naming the element
// ("channel 'demo' destination 'lab'") and what is wrong, so `pathhub --check-config` can list
// them all. Relative paths are taken relative to the directory pathhub runs in.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "config/alerts_config.h"
#include "pathhub/error.h"

namespace pathhub::config {

struct RetryPolicy {
  std::chrono::milliseconds base{500};   // first retry delay; doubles per attempt, with jitter
  std::chrono::milliseconds cap{60000};  // longest delay between attempts
  int maxAttempts = 10;                  // attempts before the delivery is marked failed
  bool holdOnFailure = true;  // true: keep retrying at `cap` (order first); false: skip it

  bool operator==(const RetryPolicy&) const = default;
};

// The attributes of a <source> or <destination> that belong to the plugin providing its type,
// as written; the plugin's schema checks them (plugin/plugin_config.h).
using PluginSettings = std::map<std::string, std::string>;

struct SourceConfig {
  std::string type = "mllp";  // a source type some plugin provides
  std::string codec;          // a codec some plugin provides: input decoded to HL7 v2; "" none
  std::size_t maxMessageBytes = 16 * 1024 * 1024;
  PluginSettings settings;
  PluginSettings codecSettings;  // the attributes of <codecSettings>, for the codec's schema

  bool operator==(const SourceConfig&) const = default;
};

struct DestinationConfig {
  std::string name;
  std::string type = "mllp";  // a destination type some plugin provides
  std::string codec;          // a codec: the mapped HL7 v2 encoded before delivery; "" none
  PluginSettings settings;
  PluginSettings codecSettings;  // the attributes of <codecSettings>, for the codec's schema
  RetryPolicy retry;
  // Ordered lanes: deliveries go over `lanes` connections at once, each message to the lane
  // its key picks, so order is kept per key (per patient by default) and only per key. 1:
  // one connection, every message in journal order.
  int lanes = 1;
  // What picks the lane: "patient" (the NHS number, else the first patient identifier of
  // PID-3), or an HL7 v2 path (e.g. "OBR-3.1"); a script's ctx:set_lane(key) overrides it.
  std::string laneKey = "patient";

  bool operator==(const DestinationConfig&) const = default;
};

// Which destinations a message goes to when its mapping does not choose: every route whose
// message type matches ("ORU" matches MSH-9.1, "ORU^R01" MSH-9.1 and 9.2, "" everything).
struct RouteConfig {
  std::string destination;
  std::string messageType;

  bool operator==(const RouteConfig&) const = default;
};

// Results routed by the requesting practice (<practices>): the directory says which format and
// transport each practice takes, and each <via> which destination of the channel carries that
// pair; a message for a practice the directory lacks, or naming none, goes to `exceptions`.
// The formats and transports a practice may take (the directory's columns, <via>'s keys).
inline const std::vector<std::string> kPracticeFormats = {"nhs003", "fhir", "hl7v2"};
inline const std::vector<std::string> kPracticeTransports = {"mesh", "http", "mllp", "file",
                                                             "nhs-pathology-api"};

struct PracticeVia {
  std::string format, transport, destination;

  bool operator==(const PracticeVia&) const = default;
};
struct PracticeRoutingConfig {
  bool enabled = false;
  std::string directory;   // CSV file (config/README.md)
  std::string exceptions;  // a destination of the channel
  std::vector<PracticeVia> vias;

  bool operator==(const PracticeRoutingConfig&) const = default;
};

// Clinical safety (<safety>): a delivery whose conversion gives one of the `block` warnings
// (model/warnings.h: ambiguous identity, an unmappable status, a unit conflict, an invalid
// NHS number by default) is not made; the message goes to `exceptions` with the warning as
// the reason (default: the practice routing's, else the order routing's exceptions
// destination; none: the delivery is failed, visible and replayable).
struct SafetyConfig {
  std::string exceptions;
  std::vector<std::string> block;

  bool operator==(const SafetyConfig&) const = default;
};

// Answers awaited from receivers (<acknowledgements>): how long before an unanswered message
// is overdue, and the destination told when one is (none: listed only).
struct AcknowledgementConfig {
  std::chrono::seconds overdueAfter{86400};
  std::string notify;

  bool operator==(const AcknowledgementConfig&) const = default;
};

// Orders (<orders>): tracked from placing to final result on every channel with the element;
// with a catalogue, the channel also routes them to the lab that performs each test.
struct OrderLab {
  std::string name, destination;  // the catalogue's lab name → a destination of the channel

  bool operator==(const OrderLab&) const = default;
};
struct OrderConfig {
  bool enabled = false;
  std::string catalogue;      // test catalogue CSV; "" tracks without routing
  std::string requesterLabs;  // requester table CSV (requester,test,lab); "" none
  std::string exceptions;     // with a catalogue: a destination for tests it lacks
  std::vector<OrderLab> labs;
  std::chrono::hours matchWindow{72};  // results: the NHS number + test fallback's window
  std::string notify;                  // a destination told of overdue orders

  bool operator==(const OrderConfig&) const = default;
};

struct ChannelConfig {
  std::string name;
  SourceConfig source;
  int mapperWorkers = 2;
  std::string script;                                     // Lua mapping script; none: pass-through
  std::string scriptsRoot = "scripts";                    // where the script's require() looks
  long long scriptInstructionLimit = 10'000'000;          // per message
  std::size_t scriptMemoryLimitBytes = 32 * 1024 * 1024;  // per worker's script state
  std::chrono::milliseconds scriptTimeLimit{5000};        // per message, wall clock
  bool mapperProcesses = true;  // each mapper worker a supervised child process (not a thread)
  std::vector<DestinationConfig> destinations;
  std::vector<RouteConfig> routes;  // none: every destination gets every message
  PracticeRoutingConfig practices;  // when enabled, routes results by practice
  AcknowledgementConfig acknowledgements;
  OrderConfig orders;
  SafetyConfig safety;
  std::size_t backlogLimit = 100000;  // undelivered messages before back-pressure starts
  bool busyAckWhenFull = false;       // false: stop reading; true: answer AE "busy"
  // Where the stages' ZeroMQ sockets live (from <pipeline endpoints>): "inproc://pathhub" or
  // "ipc:///some/folder"; each stage adds "/<channel>.<stage>".
  std::string stageEndpoints = "inproc://pathhub";

  bool operator==(const ChannelConfig&) const = default;
};

struct JournalConfig {
  // <journal backend>: "sqlite" (the file at `path`, the default) or "postgresql" (the
  // database at `url`, which several hub nodes may share: <cluster>).
  std::string backend = "sqlite";
  std::string path = "var/pathhub.db";
  // postgresql://USER@HOST[:PORT][,HOST2[:PORT2]]/DATABASE[?sslmode=verify-full&…]; the password is
  // read from passwordFile (its first line) when the configuration is loaded.
  std::string url, passwordFile, password;
  std::chrono::seconds dedupeWindow{86400};
  int retentionDays = 30;

  bool operator==(const JournalConfig&) const = default;
};

// <cluster>: this hub as one node of several on a shared PostgreSQL journal (core/cluster).
struct ClusterConfig {
  std::string node;  // this node's name, unique in the cluster ("" = a single-node hub)
  // How long a destination's lease lasts without renewal: a node that dies (or is paused)
  // loses its destinations to a live node after this long.
  std::chrono::seconds lease{8};

  bool enabled() const { return !node.empty(); }
  bool operator==(const ClusterConfig&) const = default;
};

struct LogConfig {
  std::string level = "information";
  std::string file;          // also log to this file when set
  int rotateMegabytes = 50;  // the file is renamed aside at this size ...
  int keepFiles = 10;        // ... and only this many of the renamed files are kept
  // "text" (for people), "json" (one JSON object per line), or "auto": json when stderr is
  // the systemd journal (JOURNAL_STREAM names it), text otherwise.
  std::string format = "auto";
  // Levels of single components (logger name prefixes such as "journal", "pipeline.demo").
  std::map<std::string, std::string> componentLevels;

  bool operator==(const LogConfig&) const = default;
};

// A bearer token of the HTTP API: only its SHA-256 is configured, never the token itself.
struct ApiToken {
  std::string name;    // who holds it; written to the audit trail
  std::string role;    // viewer, clinical, operator or admin
  std::string sha256;  // lower-case hex of SHA-256(token)
  // The organisation (ODS code) the holder acts for: the record shows an opted-out patient's
  // results to the organisation that sent them only. "" for none.
  std::string organisation = {};

  bool operator==(const ApiToken&) const = default;
};

struct ApiConfig {
  bool enabled = true;
  std::string listen = "127.0.0.1:8575";
  bool tls = false;
  std::string certificate, privateKey, caFile;  // PEM files, when tls
  bool requireClientCertificate = false;
  std::vector<ApiToken> tokens;  // from <token> elements and the tokensFile's lines
  std::string console;           // the web console's files; "" = share/pathhub/console beside bin/

  bool operator==(const ApiConfig&) const = default;
};

// <record>: the network's pathology record (core/record/README.md).
struct RecordConfig {
  bool enabled = true;
  // A file of NHS numbers (one per line, # comments) whose results are never shown to another
  // organisation than the one that sent them; read at start and at reload.
  std::string optOuts;
  // Every record request must say why (X-Purpose-Of-Use) and for whom (X-User-Id).
  bool requirePurposeOfUse = true;

  bool operator==(const RecordConfig&) const = default;
};

struct HubConfig {
  // Folders searched for plugins (<plugins folder="..."/>); none: the default folders.
  std::vector<std::string> pluginFolders;
  JournalConfig journal;
  ClusterConfig cluster;
  LogConfig log;
  ApiConfig api;
  RecordConfig record;
  AlertsConfig alerts;
  std::vector<ChannelConfig> channels;
  // How long a stop (SIGTERM) may take before the process exits anyway (<pipeline
  // stopGraceSeconds>): a destination that never answers must not keep the hub up.
  std::chrono::seconds stopGrace{30};
  // What is worth telling the operator but does not stop the hub (logged at start-up and
  // printed by --check-config).
  std::vector<std::string> warnings;
};

// Reads and checks a configuration file. The error text lists every problem, one per line.
Result<HubConfig> loadHubConfig(const std::string& path);
// The same from XML text (tests, and configs assembled by tools).
Result<HubConfig> parseHubConfig(const std::string& xml, const std::string& sourceName);

// Every attribute ("@name") and child element the configuration's schema allows, per element:
// what config/README.md documents (a test keeps the two the same).
struct SchemaKey {
  std::string element;   // "orders"
  std::string key;       // "@catalogue", or a child element: "lab"
  std::string fallback;  // an attribute's default, as config/README.md writes it; "" none
};
std::vector<SchemaKey> schemaKeys();

}  // namespace pathhub::config
