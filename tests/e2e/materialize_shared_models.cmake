# Rebuilds the weights of each shared model once (materialize.py is
# deterministic; a model already written is left as it is).
foreach(model bert-tiny bert-tiny-cls minilm-l3-384 bert-3l-768)
  if(NOT EXISTS ${OUT}/${model}/model.safetensors)
    execute_process(COMMAND ${PYTHON} ${SRC}/materialize.py ${SRC}/${model} --out ${OUT}/${model}
                    RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "materialize.py failed for ${model}")
    endif()
  endif()
endforeach()
