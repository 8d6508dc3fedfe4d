// Uses the installed C++ headers and library.
#include <cstdio>
#include <crmkit/crmkit.hpp>

int main() {
  const auto data = crmkit::parse_transactions_csv("customer_id,timestamp,amount\nC-1,2024-01-02,10.50\nC-2,2024-01-03,4\n");
  if (data.n_customers() != 2 || data.n_transactions() != 2) return 1;
  std::printf("crmkit %s: %zu transactions\n", CRMKIT_VERSION_STRING, data.n_transactions());
  return 0;
}
