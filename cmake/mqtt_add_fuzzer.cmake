# mqtt_add_fuzzer(name SOURCES ... LIBS ... [DICT file]): one fuzz target, fuzz/<name>.cpp style.
#
# Two ways to build it (docs/fuzzing.md):
#  - libFuzzer: clang with "fuzzer" or "fuzzer-no-link" in MQTT_SANITIZE (fuzz/run-all.sh passes
#    -DMQTT_SANITIZE="fuzzer-no-link;address;undefined" so the libraries get coverage instrumentation and only the
#    fuzz targets link libFuzzer's main). The target links -fsanitize=fuzzer,address,undefined.
#  - replay (every other build, g++ included): the target links fuzz/replay_main.cpp, which runs
#    LLVMFuzzerTestOneInput over every file of fuzz/corpus/<name>/, and is compiled with the project's warnings.
# Either way ctest gets a case "<name>_replay" that runs the whole corpus once, so the targets never rot and the
# ASan+UBSan CI build replays every corpus.
set(MQTT_FUZZ_CORPUS_DIR "${CMAKE_CURRENT_LIST_DIR}/../fuzz/corpus")

function(mqtt_fuzz_is_libfuzzer out)
  set(result OFF)
  if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    foreach(s IN LISTS MQTT_SANITIZE)
      if(s STREQUAL "fuzzer" OR s STREQUAL "fuzzer-no-link")
        set(result ON)
      endif()
    endforeach()
  endif()
  set(${out} ${result} PARENT_SCOPE)
endfunction()

function(mqtt_add_fuzzer name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  mqtt_fuzz_is_libfuzzer(libfuzzer)
  get_filename_component(corpus "${MQTT_FUZZ_CORPUS_DIR}/${name}" ABSOLUTE)
  if(libfuzzer)
    add_executable(${name} ${ARG_SOURCES})
    target_compile_options(${name} PRIVATE -fsanitize=fuzzer,address,undefined -fno-omit-frame-pointer)
    target_link_options(${name} PRIVATE -fsanitize=fuzzer,address,undefined)
    # -runs=0 replays the corpus without mutating: the same check as the g++ replayer.
    set(replay_args -runs=0 "${corpus}")
  else()
    add_executable(${name} ${ARG_SOURCES} ${PROJECT_SOURCE_DIR}/fuzz/replay_main.cpp)
    set(replay_args "${corpus}")
  endif()
  target_link_libraries(${name} PRIVATE ${ARG_LIBS})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/fuzz)
  mqtt_set_warnings(${name})
  add_test(NAME ${name}_replay COMMAND ${name} ${replay_args})
  set_tests_properties(${name}_replay PROPERTIES TIMEOUT 300 LABELS fuzz)
endfunction()
