# mqtt_set_warnings(target): the project's warning level, and -Werror when MQTT_WERROR is on (CI).
function(mqtt_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
                                           -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Woverloaded-virtual)
  if(MQTT_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
