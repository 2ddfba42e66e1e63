# Installs casegate as a CMake package (find_package(casegate CONFIG): casegate::casegate, and
# the opt-in casegate::msm for workflow authors) and as a pkg-config module (casegate.pc).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(CASEGATE_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/casegate)

install(TARGETS casegate_engine casegate_storage casegate_workflows casegate_umbrella casegate_msm casegate_protocol casegate_c
        EXPORT casegateTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
foreach(headers engine/include storage/include workflows/include umbrella/include workflows/msm protocol/include)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/${headers}/casegate DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
endforeach()
install(FILES ${PROJECT_SOURCE_DIR}/bindings/c/casegate.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
# The Python package, with the library it loads beside it: importable with
# PYTHONPATH=<prefix>/lib/python3/dist-packages.
set(CASEGATE_PYTHON_DIR lib/python3/dist-packages/casegate)
install(FILES ${PROJECT_SOURCE_DIR}/bindings/python/casegate/__init__.py DESTINATION ${CASEGATE_PYTHON_DIR})
install(FILES $<TARGET_FILE:casegate_c> DESTINATION ${CASEGATE_PYTHON_DIR} RENAME libcasegate.so.0)
if(CASEGATE_BUILD_TOOLS)
  install(TARGETS casegate RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()

install(EXPORT casegateTargets NAMESPACE casegate:: DESTINATION ${CASEGATE_CMAKE_DIR})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/casegateConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/casegateConfig.cmake INSTALL_DESTINATION ${CASEGATE_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/casegateConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/casegateConfig.cmake ${PROJECT_BINARY_DIR}/casegateConfigVersion.cmake
        DESTINATION ${CASEGATE_CMAKE_DIR})

# Relocatable: the prefix is found from where the .pc file is, so `cmake --install --prefix P`
# anywhere gives a working file.
file(RELATIVE_PATH CASEGATE_PC_TO_PREFIX "/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/")
configure_file(${PROJECT_SOURCE_DIR}/cmake/casegate.pc.in ${PROJECT_BINARY_DIR}/casegate.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/casegate.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
