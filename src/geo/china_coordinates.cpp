// Compiled-mode definitions of crmkit/geo/china_coordinates.hpp. CMakeLists.txt compiles this
// file with -fno-math-errno -fno-trapping-math: nothing here reads errno or the FP exception
// flags, and without them GCC keeps the batch WGS84 -> GCJ-02 loop scalar (a sqrt that may
// set errno; selects it will not if-convert).
#include "crmkit/geo/china_coordinates.hpp"
#include "crmkit/geo/china_coordinates_impl.hpp"
