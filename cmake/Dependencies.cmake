# Dependencies, found the CMake way. A missing one stops configure with the
# exact apt-get line that installs it.
set(MS_APT_ALL "apt-get install -y cmake pkg-config libgsl-dev libconfig-dev libcunit1-dev librandom123-dev")

find_package(PkgConfig)
if(NOT PKG_CONFIG_FOUND)
  message(FATAL_ERROR "pkg-config not found. Run: ${MS_APT_ALL}")
endif()

find_package(GSL)
if(NOT GSL_FOUND)
  message(FATAL_ERROR "GSL not found. Run: apt-get install -y libgsl-dev")
endif()

pkg_check_modules(LIBCONFIG IMPORTED_TARGET libconfig)
if(NOT LIBCONFIG_FOUND)
  message(FATAL_ERROR "libconfig not found. Run: apt-get install -y libconfig-dev")
endif()

pkg_check_modules(CUNIT IMPORTED_TARGET cunit)
if(NOT CUNIT_FOUND)
  message(FATAL_ERROR "CUnit not found. Run: apt-get install -y libcunit1-dev")
endif()

find_path(RANDOM123_INCLUDE_DIR Random123/philox.h)
if(NOT RANDOM123_INCLUDE_DIR)
  message(FATAL_ERROR "Random123 headers not found. Run: apt-get install -y librandom123-dev")
endif()

set(THREADS_PREFER_PTHREAD_FLAG ON)
find_package(Threads REQUIRED)
