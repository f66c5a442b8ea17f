// A shared library that is not a plugin: it exports no phub_plugin_entry.
#include "pathhub/plugin.h"

extern "C" PHUB_EXPORT int not_a_plugin() { return 42; }
