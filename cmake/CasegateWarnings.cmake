# Warnings are per target (not global) so that embedders adding casegate as a subproject
# do not inherit our flags.
function(casegate_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
                                           -Wno-sign-conversion -Werror=return-type)
  # GCC 12 reports a false -Wrestrict inside std::string's own code for plain string building
  # (GCC bug 105329); it says nothing about ours.
  target_compile_options(${target} PRIVATE $<$<CXX_COMPILER_ID:GNU>:-Wno-restrict>)
endfunction()

# Boost.MSM translation units are memory- and time-hungry with full debug info
# (16 s and 1.8 GB with -g against 6 s with -O2): keep them at -g1 in Debug.
function(casegate_msm_unit)
  set_source_files_properties(${ARGN} PROPERTIES COMPILE_OPTIONS "$<$<CONFIG:Debug>:-g1>")
endfunction()
