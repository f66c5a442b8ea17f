/* The pathhub plugin ABI: the C interface between the hub and an adapter plugin.
 *
 * A plugin is a shared library exporting one function, phub_plugin_entry, that returns a
 * descriptor: the ABI it was built for, its name and version, and the kinds of sources and
 * destinations it provides. The hub refuses a plugin whose abi_major differs from its own
 * before calling anything else. Everything else crosses the boundary as plain C: the hub
 * reaches the plugin through the function pointers of the descriptor, and the plugin reaches
 * the hub only through the phub_host_api table and the handles it is given. Nothing may throw
 * across this boundary (pathhub/plugin_sdk.hpp catches every exception for C++ plugins).
 *
 * Compatibility (SQLite's rule): within one abi_major, structures only grow at the end. Every
 * structure a side reads from the other starts with struct_size, and a field added later is
 * marked "since ABI 1.N" and read only when struct_size covers it. A plugin built against ABI
 * 1.0 therefore loads into every 1.x hub.
 *
 * Lifecycle of a source or destination instance: create -> start -> (deliver...) -> stop ->
 * destroy, all called from hub threads. A codec with settings (ABI 1.2): create ->
 * (decode_with/encode_with...) -> destroy. See plugins/README.md for threading rules.
 */
#ifndef PATHHUB_PLUGIN_H
#define PATHHUB_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PHUB_ABI_MAJOR 1
#define PHUB_ABI_MINOR 6
/* The one symbol a plugin exports. */
#define PHUB_ENTRY_SYMBOL "phub_plugin_entry"

#if defined(__GNUC__)
#define PHUB_EXPORT __attribute__((visibility("default")))
#else
#define PHUB_EXPORT
#endif

typedef enum phub_log_level {
  PHUB_LOG_ERROR = 3,
  PHUB_LOG_WARNING = 4,
  PHUB_LOG_INFO = 6,
  PHUB_LOG_DEBUG = 7
} phub_log_level;

/* ---- Configuration schema: what a source or destination element may carry. ---- */

typedef enum phub_key_type {
  PHUB_KEY_STRING = 0,
  PHUB_KEY_INTEGER = 1,  /* whole number within [min, max] */
  PHUB_KEY_BOOLEAN = 2,  /* "true" or "false" */
  PHUB_KEY_ENDPOINT = 3, /* "host:port" */
  PHUB_KEY_PATH = 4,     /* a file or folder; relative to where pathhub runs */
  PHUB_KEY_URL = 5       /* since ABI 1.4: an http:// or https:// address with a host */
} phub_key_type;

typedef struct phub_config_key {
  const char* name; /* the XML attribute, e.g. "listen" */
  phub_key_type type;
  const char* default_value; /* used when the key is absent; NULL: no default */
  int required;              /* non-zero: the key must be given (default_value is ignored) */
  long long min, max;        /* PHUB_KEY_INTEGER only */
  const char* description;   /* one line, shown by pathhub --list-plugins */
} phub_config_key;

/* The validated settings of one source or destination (opaque; read through phub_host_api).
 * Every key of the schema has a value when create() is called, unless it has no default and
 * was not given. */
typedef struct phub_config phub_config;

/* The hub side of one source or destination instance (opaque). */
typedef struct phub_host phub_host;

/* What became of a message handed to the hub by a source. */
typedef enum phub_submit_status {
  PHUB_SUBMIT_ACCEPTED = 0, /* committed to the journal: acknowledge it */
  PHUB_SUBMIT_DUPLICATE =
      1,                    /* a resend already committed: acknowledge it, it is not routed twice */
  PHUB_SUBMIT_REJECTED = 2, /* unreadable or over a limit: kept as rejected, tell the sender */
  PHUB_SUBMIT_BUSY = 3,     /* the channel's backlog is full: ask the sender to resend later */
  PHUB_SUBMIT_FAILED = 4,   /* not stored (the journal failed): ask the sender to resend */
  PHUB_SUBMIT_STOPPING = 5  /* the hub is stopping: do not answer; the sender will resend */
} phub_submit_status;

typedef struct phub_submit_result {
  phub_submit_status status;
  int64_t message_id; /* the journal id when stored, else 0 */
  /* For HL7 v2 input, the acknowledgement the hub built for the sender (AA/CA once committed,
   * AR/CR with an ERR segment when rejected, AE/CE when busy or failed); size 0 when the
   * sender asked for none. For a whole file (submit_file), empty. */
  const char* reply;
  size_t reply_size;
  const char* reason; /* why, when not accepted; "" otherwise */
  uint32_t messages;  /* submit_file: how many messages the file held */
  uint32_t rejected;  /* submit_file: how many of them were rejected */
} phub_submit_result;
/* The strings of a phub_submit_result stay valid until the same thread submits again. */

/* since ABI 1.4: what kind of input a source refuses, so the journal and the sender's ERR
 * segment carry the right error code (core/include/pathhub/error.h). */
typedef enum phub_refusal {
  PHUB_REFUSAL_UNFRAMED = 0,      /* could not be framed (what refuse() without a kind means) */
  PHUB_REFUSAL_TOO_LARGE = 1,     /* over the channel's or the transport's size limit */
  PHUB_REFUSAL_MALFORMED = 2,     /* framed, but not a readable message */
  PHUB_REFUSAL_UNCONVERTIBLE = 3, /* read, but it cannot be carried into HL7 v2 without loss */
  PHUB_REFUSAL_NOT_TAKEN = 4      /* not something this source takes (a content type, a report) */
} phub_refusal;

typedef struct phub_host_api {
  uint32_t struct_size;
  uint32_t abi_minor;

  /* Logging, tagged with the plugin, the channel and the instance. */
  void (*log)(phub_host* host, phub_log_level level, const char* text);

  /* Settings. config_text returns NULL for a key without a value; the others return
   * `fallback` then. Values are checked against the schema before create() is called. */
  const char* (*config_text)(const phub_config* config, const char* key);
  long long (*config_integer)(const phub_config* config, const char* key, long long fallback);
  int (*config_boolean)(const phub_config* config, const char* key, int fallback);

  /* Adds `value` to the counter `name` of this instance (e.g. "connections_refused"). */
  void (*count)(phub_host* host, const char* name, uint64_t value);

  /* Sources: hands one received message to the hub. Returns once the message is committed
   * (or refused); only then may the plugin acknowledge it. Blocks while the channel applies
   * back-pressure. `origin` says where it came from (a peer address, a file name). */
  phub_submit_result (*submit)(phub_host* host, const char* bytes, size_t size, const char* origin);
  /* Sources: records input that could not even be framed (an oversized MLLP frame, say) as
   * rejected with `reason`; the result carries a reject acknowledgement for the sender. */
  phub_submit_result (*refuse)(phub_host* host, const char* bytes, size_t size, const char* origin,
                               const char* reason);
  /* Sources: hands the hub a whole file that may hold several HL7 v2 messages or a batch
   * (FHS/BHS...BTS/FTS); each message is recorded on its own. Returns when all are committed. */
  phub_submit_result (*submit_file)(phub_host* host, const char* bytes, size_t size,
                                    const char* origin);

  /* Reports that this instance cannot go on (its listener died, say): the channel is marked
   * faulted with `reason`; other channels carry on. */
  void (*fault)(phub_host* host, const char* reason);

  /* since ABI 1.3. Destinations, during deliver(): an attribute the routing gave the message
   * being delivered ("to": a MESH mailbox, "workflow", "practice"), or NULL. Valid until
   * deliver() returns. A plugin built for 1.3 checks struct_size before calling it. */
  const char* (*delivery_attribute)(phub_host* host, const char* key);

  /* since ABI 1.4. Sources: refuse() saying what kind of refusal it is; the rejected input is
   * kept with that code. A plugin built for 1.4 checks struct_size before calling it. */
  phub_submit_result (*refuse_as)(phub_host* host, phub_refusal kind, const char* bytes,
                                  size_t size, const char* origin, const char* reason);

  /* since ABI 1.6. Destinations, during a deliver() that returns PHUB_RETRY_LATER: the receiver
   * asked not to be tried again for `seconds` (HTTP's Retry-After). The hub waits at least that
   * long (at most an hour: a longer ask is taken as an hour) before the next attempt, however
   * short its own backoff would be. A plugin built for 1.6 checks struct_size before calling. */
  void (*retry_after)(phub_host* host, uint32_t seconds);
} phub_host_api;

/* What create() is given. */
typedef struct phub_context {
  uint32_t struct_size;
  const phub_host_api* api;
  phub_host* host;
  const phub_config* config;
  const char* channel; /* the channel's name */
  const char* name;    /* the destination's name; "source" for a source */
  /* Sources: the channel's message size limit (<source maxMessageBytes>); larger input is
   * refused by the hub anyway, so a framing layer may stop reading beyond it. */
  uint64_t max_message_bytes;
} phub_context;

/* Outcome of a delivery. The hub owns retries, backoff, order and journal state: a
 * destination never sleeps or retries by itself. */
typedef enum phub_delivery_status {
  PHUB_DELIVERED = 0,
  PHUB_RETRY_LATER = 1, /* the peer is down or answered "not now": the hub retries */
  PHUB_REJECTED = 2,    /* the peer refused this message for good: retrying will not help */
  PHUB_FAULT = 3        /* the plugin itself failed: the channel is marked faulted */
} phub_delivery_status;

/* Functions that can fail write a reason into error[0..error_size) (NUL-terminated). */

typedef struct phub_source_kind {
  uint32_t struct_size;
  const char* type;        /* the <source type="..."> it answers to */
  const char* description; /* one line */
  const phub_config_key* keys;
  size_t key_count;
  void* (*create)(const phub_context* context, char* error, size_t error_size);
  int (*start)(void* self, char* error, size_t error_size); /* 0: started */
  /* Stop taking messages; return once none is in hand. Non-zero: it did not stop cleanly
   * (the hub logs the reason and destroys the instance anyway). */
  int (*stop)(void* self, char* error, size_t error_size);
  void (*destroy)(void* self);
} phub_source_kind;

/* since ABI 1.5: one message of those offered to deliver_window, in journal order. */
typedef struct phub_outgoing {
  const char* bytes;
  size_t size;
  int64_t message_id;
  /* What the routing gave this delivery, as key, value, key, value...: attribute_count keys
   * (the same attributes delivery_attribute answers for during deliver()). */
  const char* const* attributes;
  size_t attribute_count;
} phub_outgoing;

/* since ABI 1.5: what became of one message of a window. `reason` is the hub's buffer of
 * reason_size bytes: why it was not delivered, or the receiver's answer when it was. */
typedef struct phub_outcome {
  phub_delivery_status status;
  char* reason;
  size_t reason_size;
} phub_outcome;

typedef struct phub_destination_kind {
  uint32_t struct_size;
  const char* type; /* the <destination type="..."> it answers to */
  const char* description;
  const phub_config_key* keys;
  size_t key_count;
  void* (*create)(const phub_context* context, char* error, size_t error_size);
  int (*start)(void* self, char* error, size_t error_size); /* 0: started */
  /* Delivers one mapped message. Called from one thread per instance, in journal order.
   * `reason` takes why it was not delivered; on PHUB_DELIVERED it may take the receiver's
   * answer (an ACK, an HTTP status line), which the hub keeps with the delivery. */
  phub_delivery_status (*deliver)(void* self, const char* bytes, size_t size, int64_t message_id,
                                  char* reason, size_t reason_size);
  int (*stop)(void* self, char* error, size_t error_size); /* as for sources */
  void (*destroy)(void* self);

  /* since ABI 1.5, optional (NULL: the hub calls deliver() for each message). For a
   * destination that can have several messages in flight at once (MLLP pipelining): the hub
   * offers `count` (>= 1) messages of one lane in journal order; the plugin takes the first n
   * of them (1 <= n <= count, as many as its window allows), fills outcomes[0..n) in the same
   * order and returns n. Each outcome is what the receiver said of that message, even after an
   * earlier one was not delivered: a message the receiver accepted is PHUB_DELIVERED, though it
   * went out after one that failed. A message sent but not answered (the connection broke, the
   * answer timed out or did not name it) is PHUB_RETRY_LATER. PHUB_FAULT in any outcome faults
   * the channel, as from deliver(). Same thread rules as deliver(). A hub checks struct_size
   * before calling it. */
  size_t (*deliver_window)(void* self, const phub_outgoing* messages, size_t count,
                           phub_outcome* outcomes);
} phub_destination_kind;

/* since ABI 1.1: where a codec puts what it converted. */
typedef struct phub_output {
  void* self;
  /* One converted message (a codec may make several from one input, e.g. an interchange). */
  void (*message)(void* self, const char* bytes, size_t size);
  /* Something the target format cannot carry; kept with the message, never dropped silently. */
  void (*warning)(void* self, const char* text);
} phub_output;

/* since ABI 1.1: a codec converts between a message format and HL7 v2, the hub's working
 * form. A channel names it: <source codec="..."> decodes what the source takes in before it is
 * recorded; <destination codec="..."> encodes the mapped message before it is delivered.
 * Codecs are stateless and may be called from several threads at once. */
typedef struct phub_codec_kind {
  uint32_t struct_size;
  const char* type;        /* the codec="..." it answers to, e.g. "fhir-json" */
  const char* description; /* one line */
  /* The settings a channel may give in <codecSettings> (read through create, since ABI 1.2;
   * a 1.1 codec has none: NULL and 0). */
  const phub_config_key* keys;
  size_t key_count;
  /* The format → HL7 v2: out->message once per message. 0: done; else error is filled.
   * With settings (ABI 1.2), this converts as if every key had its default. */
  int (*decode)(const char* bytes, size_t size, const phub_output* out, char* error,
                size_t error_size);
  /* One HL7 v2 message → the format: out->message once. 0: done; else error is filled. */
  int (*encode)(const char* bytes, size_t size, const phub_output* out, char* error,
                size_t error_size);

  /* since ABI 1.2: a codec with settings; all four set, or none. For each source or
   * destination naming the codec the hub calls create once, with the <codecSettings> checked
   * against `keys` (context->api, host and config are valid until destroy), then converts
   * through decode_with/encode_with instead of decode/encode, and calls destroy when the
   * channel stops. Converting must not change the instance: it too may be called from
   * several threads at once. */
  void* (*create)(const phub_context* context, char* error, size_t error_size);
  int (*decode_with)(void* self, const char* bytes, size_t size, const phub_output* out,
                     char* error, size_t error_size);
  int (*encode_with)(void* self, const char* bytes, size_t size, const phub_output* out,
                     char* error, size_t error_size);
  void (*destroy)(void* self);
} phub_codec_kind;

typedef struct phub_plugin {
  uint32_t abi_major; /* must equal the hub's PHUB_ABI_MAJOR */
  uint32_t struct_size;
  uint32_t abi_minor;
  const char* name;    /* unique among loaded plugins, e.g. "transport_mllp" */
  const char* version; /* the plugin's own version, e.g. "1.0.0" */
  const char* description;
  const phub_source_kind* sources;
  size_t source_count;
  const phub_destination_kind* destinations;
  size_t destination_count;
  const phub_codec_kind* codecs; /* since ABI 1.1 */
  size_t codec_count;            /* since ABI 1.1 */
} phub_plugin;

typedef const phub_plugin* (*phub_plugin_entry_fn)(void);

#ifdef __cplusplus
}
#endif

#endif /* PATHHUB_PLUGIN_H */
