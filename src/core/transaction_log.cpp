// Compiled-mode definitions of crmkit/core/transaction_log.hpp (fmt's src/format.cc pattern).
#include "crmkit/core/transaction_log.hpp"
#include "crmkit/core/transaction_log_impl.hpp"
