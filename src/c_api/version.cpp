#include "crmkit/crmkit.h"
extern "C" int32_t crmkit_version_number(void) { return CRMKIT_VERSION_NUMBER; }
