# ctest shared_library_exports (MINIRT_SHARED=ON): libminirt.so's dynamic
# symbols are the API and nothing else. The C symbols must be exactly the
# functions minirt_c.h declares; every C++ symbol must belong to a name that
# minirt.h or tokenizer.h declares (Model, Session, Error, Tokenizer, ...), never to an
# Impl or anything internal.
#   cmake -DLIBRARY=libminirt.so -P check_shared_exports.cmake
set(INCLUDE ${CMAKE_CURRENT_LIST_DIR}/../runtime/include/minirt)
execute_process(COMMAND nm -D --defined-only --demangle ${LIBRARY} OUTPUT_VARIABLE NM_OUT
                RESULT_VARIABLE NM_RC)
if(NOT NM_RC EQUAL 0)
  message(FATAL_ERROR "nm -D ${LIBRARY} failed")
endif()

file(READ ${INCLUDE}/minirt_c.h C_HEADER)
string(REGEX MATCHALL "minirt_[a-z_]+\\(" C_DECLARED "${C_HEADER}")
list(TRANSFORM C_DECLARED REPLACE "\\($" "")
list(REMOVE_DUPLICATES C_DECLARED)
file(READ ${INCLUDE}/minirt.h CPP_HEADER)
file(READ ${INCLUDE}/tokenizer.h TOKENIZER_HEADER)
string(APPEND CPP_HEADER "${TOKENIZER_HEADER}")

string(REPLACE "\n" ";" LINES "${NM_OUT}")
set(C_EXPORTED "")
set(BAD "")
foreach(line IN LISTS LINES)
  if(NOT line MATCHES "^[0-9a-f]* *[A-Za-z] (.+)$")
    continue()
  endif()
  set(symbol "${CMAKE_MATCH_1}")
  if(symbol MATCHES "^minirt_[a-z_]+$")
    list(APPEND C_EXPORTED ${symbol})
  elseif(symbol MATCHES "^((typeinfo|typeinfo name|vtable) for )?minirt::([A-Za-z_0-9]+)"
         AND NOT symbol MATCHES "^[^(]*Impl::")
    string(REGEX MATCH "[^A-Za-z_0-9]${CMAKE_MATCH_3}[^A-Za-z_0-9]" declared "${CPP_HEADER}")
    if(NOT declared)
      list(APPEND BAD "${symbol}")
    endif()
  else()
    list(APPEND BAD "${symbol}")
  endif()
endforeach()

list(SORT C_EXPORTED)
list(SORT C_DECLARED)
if(NOT C_EXPORTED STREQUAL C_DECLARED)
  message(FATAL_ERROR "C symbols exported: ${C_EXPORTED}\nC functions declared: ${C_DECLARED}")
endif()
if(BAD)
  string(REPLACE ";" "\n  " BAD "${BAD}")
  message(FATAL_ERROR "exported beyond the API:\n  ${BAD}")
endif()
if(NOT NM_OUT MATCHES "minirt::Session::run")
  message(FATAL_ERROR "the C++ API is missing from ${LIBRARY}")
endif()
list(LENGTH C_EXPORTED count)
message(STATUS "${LIBRARY}: the ${count} C API functions and the C++ API, nothing else")
