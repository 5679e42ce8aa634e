# rapport_layer(NAME DEPENDS targets... [PRIVATE_DEPENDS targets...] [EXTRA_SOURCES files...])
# Declares one layer library: public headers in include/rapport/NAME, private
# sources and headers in src/. Sources are src/**/*.cc; the *_test.cc files
# beside them form the layer's unit-test binary rapport_NAME_test.
#
# Only the include directories of DEPENDS are visible to the layer, which is
# what enforces DESIGN §3: an include running the wrong way fails to compile.
function(rapport_layer name)
  cmake_parse_arguments(arg "" "" "DEPENDS;PRIVATE_DEPENDS;EXTRA_SOURCES;TEST_LIBS" ${ARGN})
  file(GLOB_RECURSE all_sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/src/*.cc)
  set(sources ${all_sources})
  list(FILTER sources EXCLUDE REGEX "_test\\.cc$")
  set(tests ${all_sources})
  list(FILTER tests INCLUDE REGEX "_test\\.cc$")

  add_library(rapport_${name} STATIC ${sources} ${arg_EXTRA_SOURCES})
  target_include_directories(rapport_${name}
    PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include
    PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src)
  target_link_libraries(rapport_${name} PUBLIC ${arg_DEPENDS} PRIVATE ${arg_PRIVATE_DEPENDS})
  target_compile_options(rapport_${name} PRIVATE ${RAPPORT_WARNINGS})
  add_library(rapport::${name} ALIAS rapport_${name})

  if(RAPPORT_TESTS AND tests)
    add_executable(rapport_${name}_test ${tests})
    target_include_directories(rapport_${name}_test PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src)
    target_link_libraries(rapport_${name}_test PRIVATE rapport_${name} ${arg_PRIVATE_DEPENDS} ${arg_TEST_LIBS}
      GTest::gtest GTest::gmock GTest::gtest_main)
    target_compile_options(rapport_${name}_test PRIVATE ${RAPPORT_WARNINGS})
    gtest_discover_tests(rapport_${name}_test DISCOVERY_TIMEOUT 60 PROPERTIES LABELS unit)
  endif()
endfunction()

set(RAPPORT_WARNINGS -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align -Wunused
  -Woverloaded-virtual -Wformat=2 -Wimplicit-fallthrough)
