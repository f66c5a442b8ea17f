# Helpers every pathhub target uses, so warnings and sanitizers are set in one place.

set(PATHHUB_WARNINGS -Wall -Wextra -Wshadow -Werror)
set(PATHHUB_SANITIZER_FLAGS -fsanitize=address,undefined -fno-omit-frame-pointer
    -fno-sanitize-recover=all)

# Apply the project's compile options (warnings, sanitizers) to a target.
function(pathhub_target_options target)
  target_compile_options(${target} PRIVATE ${PATHHUB_WARNINGS})
  if(PATHHUB_SANITIZE)
    target_compile_options(${target} PRIVATE ${PATHHUB_SANITIZER_FLAGS})
    target_link_options(${target} PRIVATE ${PATHHUB_SANITIZER_FLAGS})
  endif()
  if(PATHHUB_FUZZ)
    target_compile_options(${target} PRIVATE -fsanitize=fuzzer-no-link,address,undefined)
  endif()
endfunction()

# pathhub_add_component(NAME SOURCES... DEPS...): a static library pathhub_<NAME> under core/.
function(pathhub_add_component name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(pathhub_${name} STATIC ${ARG_SOURCES})
  target_link_libraries(pathhub_${name} PUBLIC pathhub_sdk ${ARG_DEPS})
  pathhub_target_options(pathhub_${name})
endfunction()

# pathhub_add_program(NAME SOURCES... DEPS...): a command-line program in build/bin.
function(pathhub_add_program name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS})
  pathhub_target_options(${name})
endfunction()

# pathhub_add_plugin(NAME SOURCES... DEPS...): a plugin shared library build/plugins/NAME.so.
# Only phub_plugin_entry is exported; static libraries linked in (DEPS) stay private to it.
function(pathhub_add_plugin name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(${name} MODULE ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE pathhub_plugin_sdk ${ARG_DEPS})
  set_target_properties(${name} PROPERTIES
    PREFIX ""
    LIBRARY_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/plugins
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  target_link_options(${name} PRIVATE -Wl,--exclude-libs,ALL -Wl,--no-undefined)
  pathhub_target_options(${name})
  install(TARGETS ${name} LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}/pathhub/plugins COMPONENT hub)
endfunction()
