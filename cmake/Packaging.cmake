# What `cmake --install` lays out and how CPack turns it into Debian packages (tools/dev
# package): pathhub (the hub, its tools, plugins, Lua library, console, configuration, systemd
# unit, man pages) and pathhub-dev (the plugin SDK). Files in tools/package/ are the Debian
# parts: the unit, the maintainer scripts, copyright and changelog.
set(PATHHUB_PACKAGE_DIR ${PROJECT_SOURCE_DIR}/tools/package)
set(PATHHUB_PROGRAMS pathhub pathhubctl pathhub-map hl7inspect hl7send hl7load hl7sink)

install(TARGETS ${PATHHUB_PROGRAMS} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT hub)
install(TARGETS pathhub-mapworker
        RUNTIME DESTINATION ${CMAKE_INSTALL_LIBEXECDIR}/pathhub COMPONENT hub)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/scripts/
        DESTINATION ${CMAKE_INSTALL_DATADIR}/pathhub/scripts COMPONENT hub)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/core/http/console/
        DESTINATION ${CMAKE_INSTALL_DATADIR}/pathhub/console COMPONENT hub
        PATTERN README.md EXCLUDE)
install(FILES ${PROJECT_SOURCE_DIR}/config/installed.xml DESTINATION /etc/pathhub
        RENAME pathhub.xml COMPONENT hub)
install(FILES ${PATHHUB_PACKAGE_DIR}/pathhub.service DESTINATION /lib/systemd/system
        COMPONENT hub)
foreach(component hub dev)
  set(package pathhub)
  if(component STREQUAL dev)
    set(package pathhub-dev)
  endif()
  install(FILES ${PATHHUB_PACKAGE_DIR}/copyright
          DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/${package} COMPONENT ${component})
endforeach()
install(FILES ${PROJECT_SOURCE_DIR}/docs/operations.md
        DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/pathhub COMPONENT hub)
install(FILES ${PROJECT_SOURCE_DIR}/config/README.md
        DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/pathhub RENAME config-reference.md COMPONENT hub)
# For alerting: a bank holiday table to start from, and rules for those who run Prometheus.
install(FILES ${PROJECT_SOURCE_DIR}/config/bank-holidays.example.csv
        ${PROJECT_SOURCE_DIR}/docs/prometheus/pathhub-rules.yml
        DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/pathhub/examples COMPONENT hub)

# Debian's changelog, compressed as policy asks (gzip -n: no time stamp, the same bytes on every
# build).
set(PATHHUB_CHANGELOG_GZ ${CMAKE_BINARY_DIR}/package/changelog.gz)
add_custom_command(OUTPUT ${PATHHUB_CHANGELOG_GZ}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/package
  COMMAND gzip -9n -c ${PATHHUB_PACKAGE_DIR}/changelog > ${PATHHUB_CHANGELOG_GZ}
  DEPENDS ${PATHHUB_PACKAGE_DIR}/changelog VERBATIM)

# Man pages from each program's --help (help2man), compressed.
find_program(HELP2MAN help2man)
set(PATHHUB_MAN_PAGES)
if(HELP2MAN)
  set(_what_pathhub "the pathology results exchange hub")
  set(_what_pathhubctl "operate a running pathhub over its HTTP API")
  set(_what_pathhub-map "run and test Lua mapping scripts outside the hub")
  set(_what_hl7inspect "show, check and convert HL7 v2, FHIR and EDIFACT messages")
  set(_what_hl7send "send HL7 v2 messages over MLLP and print the ACKs")
  set(_what_hl7load "load-test an MLLP receiver")
  set(_what_hl7sink "an MLLP receiver for tests that ACKs, saves or misbehaves")
  foreach(program ${PATHHUB_PROGRAMS})
    set(page ${CMAKE_BINARY_DIR}/package/man/${program}.1.gz)
    add_custom_command(OUTPUT ${page}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/package/man
      COMMAND ${HELP2MAN} --no-info --no-discard-stderr --version-string=${PROJECT_VERSION}
              --name=${_what_${program}} --output=${CMAKE_BINARY_DIR}/package/man/${program}.1
              $<TARGET_FILE:${program}>
      COMMAND gzip -9nf ${CMAKE_BINARY_DIR}/package/man/${program}.1
      DEPENDS ${program} VERBATIM)
    list(APPEND PATHHUB_MAN_PAGES ${page})
  endforeach()
  install(FILES ${PATHHUB_MAN_PAGES} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT hub
          OPTIONAL)
endif()
add_custom_target(pathhub_package_files ALL DEPENDS ${PATHHUB_CHANGELOG_GZ} ${PATHHUB_MAN_PAGES})
foreach(package pathhub pathhub-dev)
  set(component hub)
  if(package STREQUAL pathhub-dev)
    set(component dev)
  endif()
  install(FILES ${PATHHUB_CHANGELOG_GZ} DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/${package}
          COMPONENT ${component} OPTIONAL)
endforeach()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME pathhub)
set(CPACK_PACKAGE_VENDOR "pathhub developers")
set(CPACK_PACKAGE_CONTACT "pathhub developers <maintainers@pathhub.dev>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL hub dev)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://github.com/pathhub/pathhub")
set(CPACK_DEBIAN_HUB_PACKAGE_NAME pathhub)
set(CPACK_DEBIAN_HUB_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_HUB_PACKAGE_DEPENDS "adduser, init-system-helpers (>= 1.54~)")
set(CPACK_DEBIAN_HUB_PACKAGE_CONTROL_EXTRA
  "${PATHHUB_PACKAGE_DIR}/conffiles;${PATHHUB_PACKAGE_DIR}/postinst;${PATHHUB_PACKAGE_DIR}/prerm;${PATHHUB_PACKAGE_DIR}/postrm")
set(CPACK_DEBIAN_HUB_PACKAGE_CONTROL_STRICT_PERMISSION ON)
string(CONCAT CPACK_COMPONENT_HUB_DESCRIPTION
  "pathology results exchange hub\n"
  "pathhub carries pathology orders and results between the LIMS of a pathology\n"
  "network and the systems of the GP practices and hospitals it serves: HL7 v2,\n"
  "FHIR and EDIFACT through vendor plugins and Lua mapping scripts, every message\n"
  "committed to its journal before it is acknowledged, with an operations API and\n"
  "a web console.")
set(CPACK_DEBIAN_DEV_PACKAGE_NAME pathhub-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_ARCHITECTURE all)
string(CONCAT CPACK_COMPONENT_DEV_DESCRIPTION
  "pathhub plugin SDK\n"
  "The C ABI and C++ helpers a LIMS adapter, format or transport plugin for\n"
  "pathhub is built against, with a CMake package (find_package(pathhub)).")
include(CPack)
