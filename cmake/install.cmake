# `cmake --install`: libminirt, its public headers, a CMake package
# (find_package(minirt) -> minirt::minirt) and a pkg-config file (minirt.pc).
# The exported target carries the include directory and Threads only: the
# build's own flags (-Wall -Werror, sanitizers) are directory options, never
# INTERFACE properties, so nothing of them reaches a consumer.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(MINIRT_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/minirt)
# minirt_shared (MINIRT_SHARED=ON) is exported under the same name.
if(MINIRT_SHARED)
  set(MINIRT_INSTALLED_LIBRARY minirt_shared)
  if(BUILD_TESTING)
    add_test(NAME shared_library_exports
             COMMAND ${CMAKE_COMMAND} -DLIBRARY=$<TARGET_FILE:minirt_shared>
                     -P ${CMAKE_CURRENT_LIST_DIR}/check_shared_exports.cmake)
  endif()
else()
  set(MINIRT_INSTALLED_LIBRARY minirt)
endif()
install(TARGETS ${MINIRT_INSTALLED_LIBRARY} EXPORT minirtTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY ${CMAKE_SOURCE_DIR}/runtime/include/minirt DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT minirtTargets NAMESPACE minirt:: DESTINATION ${MINIRT_CMAKE_DIR})

configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/minirtConfig.cmake.in
                              ${CMAKE_BINARY_DIR}/cmake/minirtConfig.cmake
                              INSTALL_DESTINATION ${MINIRT_CMAKE_DIR})
# 0.x: a minor version may break the API, so only the same major.minor matches.
write_basic_package_version_file(${CMAKE_BINARY_DIR}/cmake/minirtConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/cmake/minirtConfig.cmake
              ${CMAKE_BINARY_DIR}/cmake/minirtConfigVersion.cmake
        DESTINATION ${MINIRT_CMAKE_DIR})

# minirt.pc names the prefix the install goes to (`cmake --install --prefix`
# may differ from the configured one), so it is written at install time.
if(MINIRT_CUDA)
  set(MINIRT_PC_CUDA_LIBS " -L${CUDAToolkit_LIBRARY_DIR} -lcudart_static -ldl -lrt")
endif()
install(CODE "
  set(PROJECT_VERSION ${PROJECT_VERSION})
  set(MINIRT_PC_CUDA_LIBS \"${MINIRT_PC_CUDA_LIBS}\")
  set(CMAKE_INSTALL_LIBDIR ${CMAKE_INSTALL_LIBDIR})
  set(CMAKE_INSTALL_INCLUDEDIR ${CMAKE_INSTALL_INCLUDEDIR})
  set(MINIRT_PC \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_LIBDIR}/pkgconfig/minirt.pc\")
  message(STATUS \"Installing: \${MINIRT_PC}\")
  configure_file(${CMAKE_CURRENT_LIST_DIR}/minirt.pc.in \${MINIRT_PC} @ONLY)")
