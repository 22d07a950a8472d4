# A binary to ship (MYELIN_PREBUILD=ON, set by scripts/prebuilds.mjs): it must load on every
# machine of its platform, with no compiler and no particular C++ runtime installed. MSVC needs
# nothing here: cmake-js already links the static C runtime (/MT) and makes node.lib.
if(NOT MSVC)
  # Only napi_register_module_v1 is exported: none of our symbols, nor the C++ runtime's.
  target_compile_options(${PROJECT_NAME} PRIVATE -fvisibility=hidden -fvisibility-inlines-hidden)
endif()

if(MINGW)
  # One self-contained DLL: libstdc++, libgcc and winpthread linked in; Node-API is imported from
  # node.exe through an import library made from node-api-headers' .def file (as cmake-js does).
  set(node_api_lib "${CMAKE_BINARY_DIR}/libnode_api.a")
  add_custom_command(OUTPUT "${node_api_lib}"
    COMMAND "${CMAKE_DLLTOOL}" -d "${MYELIN_NODE_API_DEF}" -l "${node_api_lib}"
    DEPENDS "${MYELIN_NODE_API_DEF}" VERBATIM)
  add_custom_target(node_api_implib DEPENDS "${node_api_lib}")
  add_dependencies(${PROJECT_NAME} node_api_implib)
  target_link_libraries(${PROJECT_NAME} PRIVATE "${node_api_lib}")
  target_link_options(${PROJECT_NAME} PRIVATE -static -s)
elseif(APPLE)
  # libc++ is part of macOS; drop local symbols.
  target_link_options(${PROJECT_NAME} PRIVATE -Wl,-x)
elseif(CMAKE_SYSTEM_NAME STREQUAL "Linux")
  # libstdc++ linked in: no GLIBCXX_ version to match on the target. libgcc stays the shared
  # libgcc_s.so.1, which Node's own binary needs too: static libgcc's unwinder would need
  # _dl_find_object (glibc 2.35).
  target_link_options(${PROJECT_NAME} PRIVATE -static-libstdc++ -Wl,--exclude-libs,ALL -s)
  include(CheckCXXSourceCompiles)
  check_cxx_source_compiles("#include <features.h>\n#ifndef __GLIBC__\n#error musl\n#endif\nint main() {}"
    MYELIN_GLIBC)
  if(MYELIN_GLIBC)
    # Symbol versions no newer than glibc 2.28 (native/compat/glibc_floor.cc). libpthread is named
    # so that glibc < 2.34, where the pthread functions live, loads it.
    myelin_sources(glibc_floor FLOOR_SRC)
    target_sources(${PROJECT_NAME} PRIVATE ${FLOOR_SRC})
    target_link_options(${PROJECT_NAME} PRIVATE -Wl,--no-as-needed,-l:libpthread.so.0,--as-needed)
  endif()
endif()
