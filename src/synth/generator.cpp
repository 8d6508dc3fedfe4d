// Compiled-mode definitions of crmkit/synth/generator.hpp (fmt's src/format.cc pattern).
#include "crmkit/synth/generator.hpp"
#include "crmkit/synth/generator_impl.hpp"
