# The module rule of src/README.md, checked on the sources: every `#include "<module>/..."` in
# a file of src/<module>/ names its own module or one its row of the table "Module
# dependencies" allows. The table is the one source of the rule; src/CMakeLists.txt makes the
# build refuse the same edges by giving a module only the include roots of what it links.
#
#   cmake -DSOURCE_DIR=<src folder holding README.md> -P module_rule.cmake
#
# Every breach is reported on a line of its own (file, include, module); the script fails when
# there is one.

cmake_minimum_required(VERSION 3.25)

if(NOT DEFINED SOURCE_DIR OR NOT IS_ABSOLUTE "${SOURCE_DIR}" OR NOT IS_DIRECTORY "${SOURCE_DIR}")
    message(FATAL_ERROR "module_rule.cmake: SOURCE_DIR must name the source folder, absolute")
endif()
set(readme "${SOURCE_DIR}/README.md")
if(NOT EXISTS "${readme}")
    message(FATAL_ERROR "module_rule.cmake: ${readme} does not exist")
endif()

# The table: the rows after the heading "## Module dependencies" up to the next heading, each
# `| <module> | <module>, <module>, ... |`.
file(STRINGS "${readme}" readme_lines)
set(in_section FALSE)
set(modules)
foreach(line IN LISTS readme_lines)
    if(line MATCHES "^## ")
        if(line MATCHES "^## Module dependencies[ \t]*$")
            set(in_section TRUE)
        else()
            set(in_section FALSE)
        endif()
        continue()
    endif()
    if(NOT in_section OR NOT line MATCHES "^\\|[ \t]*`?([a-z_]+)`?[ \t]*\\|([^|]*)\\|[ \t]*$")
        continue()
    endif()
    set(module "${CMAKE_MATCH_1}")
    set(allowed_text "${CMAKE_MATCH_2}")
    if(module STREQUAL "module")
        continue()  # the heading row
    endif()
    if(module IN_LIST modules)
        message(FATAL_ERROR "${readme}: the module ${module} has two rows")
    endif()
    string(REGEX MATCHALL "[a-z_]+" allowed "${allowed_text}")
    list(APPEND modules "${module}")
    set(allowed_${module} ${allowed})
endforeach()
if(NOT modules)
    message(FATAL_ERROR "${readme}: no table under the heading \"## Module dependencies\"")
endif()
foreach(module IN LISTS modules)
    foreach(dependency IN LISTS allowed_${module})
        if(NOT dependency IN_LIST modules)
            message(FATAL_ERROR
                "${readme}: the row of ${module} names ${dependency}, which has no row")
        endif()
    endforeach()
endforeach()

# Every folder of the source tree is a module of the table.
set(breaches 0)
file(GLOB entries RELATIVE "${SOURCE_DIR}" "${SOURCE_DIR}/*")
set(folders)
foreach(entry IN LISTS entries)
    if(IS_DIRECTORY "${SOURCE_DIR}/${entry}")
        list(APPEND folders "${entry}")
        if(NOT entry IN_LIST modules)
            message(NOTICE "src/${entry}/ is a module the table of ${readme} does not list")
            math(EXPR breaches "${breaches} + 1")
        endif()
    endif()
endforeach()

file(GLOB_RECURSE sources RELATIVE "${SOURCE_DIR}" "${SOURCE_DIR}/*.hpp" "${SOURCE_DIR}/*.cpp"
    "${SOURCE_DIR}/*.h" "${SOURCE_DIR}/*.cc" "${SOURCE_DIR}/*.ipp")
set(edges 0)
foreach(source IN LISTS sources)
    if(NOT source MATCHES "^([^/]+)/")
        continue()  # a file beside README.md belongs to no module
    endif()
    set(module "${CMAKE_MATCH_1}")
    file(STRINGS "${SOURCE_DIR}/${source}" includes REGEX "^[ \t]*#[ \t]*include[ \t]*\"")
    foreach(line IN LISTS includes)
        if(NOT line MATCHES "\"([^\"]+)\"")
            continue()
        endif()
        set(target "${CMAKE_MATCH_1}")
        # "x.hpp" or "sqlite/x.hpp" beside the file: no other module's folder.
        if(NOT target MATCHES "^([^/]+)/" OR NOT CMAKE_MATCH_1 IN_LIST folders)
            continue()
        endif()
        set(dependency "${CMAKE_MATCH_1}")
        math(EXPR edges "${edges} + 1")
        if(dependency STREQUAL module OR NOT module IN_LIST modules)
            continue()
        endif()
        if(NOT dependency IN_LIST allowed_${module})
            message(NOTICE "src/${source} includes \"${target}\": ${module} may not "
                "depend on ${dependency} (README.md, Module dependencies)")
            math(EXPR breaches "${breaches} + 1")
        endif()
    endforeach()
endforeach()

list(LENGTH sources files)
if(breaches GREATER 0)
    message(FATAL_ERROR "${breaches} breaches of the module rule in ${files} files")
endif()
message(STATUS "module rule kept: ${edges} includes of a module in ${files} files")
