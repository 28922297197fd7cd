# MQTT_SANITIZE applies to every target of the build (the libraries must be instrumented too).
if(MQTT_SANITIZE)
  list(JOIN MQTT_SANITIZE "," _mqtt_sanitizers)
  add_compile_options(-fsanitize=${_mqtt_sanitizers} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${_mqtt_sanitizers})
endif()
