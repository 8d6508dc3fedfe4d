// Compiled-mode definitions of crmkit/geo/china_coordinates.hpp. CMakeLists.txt compiles this
// file with -fno-math-errno: nothing here reads errno, and without the flag a sqrt call
// (which may set errno) keeps GCC from vectorising the batch WGS84 -> GCJ-02 loop.
#include "crmkit/geo/china_coordinates.hpp"
#include "crmkit/geo/china_coordinates_impl.hpp"
