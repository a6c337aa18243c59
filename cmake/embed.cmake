# Turns a text file into a C++ source defining `const char NAME[]` (used for the OpenAPI
# document, so the server serves exactly the file the tests read).
file(READ "${IN}" content)
file(WRITE "${OUT}" "// Generated from ${IN}; edit that file.\nnamespace impetus::http {\nextern const char ${NAME}[];\nconst char ${NAME}[] = R\"IMPETUS_DOC(${content})IMPETUS_DOC\";\n}\n")
