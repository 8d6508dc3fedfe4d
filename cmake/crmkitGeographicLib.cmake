# GeographicLib (C. F. F. Karney's geodesics; Debian: libgeographiclib-dev), used by
# crmkit/geo for WGS84 geodesic distances. Debian's package ships no CMake package config,
# so this finds its header and library and defines the imported target
# GeographicLib::GeographicLib. Included by CMakeLists.txt and by the installed
# crmkitConfig.cmake (the static crmkit library and crmkit::header_only need it at link
# time). Sets crmkit_GeographicLib_FOUND.
if(TARGET GeographicLib::GeographicLib)
  set(crmkit_GeographicLib_FOUND TRUE)
  return()
endif()
find_path(CRMKIT_GEOGRAPHICLIB_INCLUDE_DIR NAMES GeographicLib/Geodesic.hpp)
find_library(CRMKIT_GEOGRAPHICLIB_LIBRARY NAMES GeographicLib)
if(CRMKIT_GEOGRAPHICLIB_INCLUDE_DIR AND CRMKIT_GEOGRAPHICLIB_LIBRARY)
  add_library(GeographicLib::GeographicLib UNKNOWN IMPORTED)
  set_target_properties(GeographicLib::GeographicLib PROPERTIES
    IMPORTED_LOCATION "${CRMKIT_GEOGRAPHICLIB_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${CRMKIT_GEOGRAPHICLIB_INCLUDE_DIR}")
  set(crmkit_GeographicLib_FOUND TRUE)
else()
  set(crmkit_GeographicLib_FOUND FALSE)
endif()
