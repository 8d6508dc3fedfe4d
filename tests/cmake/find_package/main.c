/* Uses the installed C ABI: the version function must match the header's macro. */
#include <stdio.h>
#include <crmkit/crmkit.h>

int main(void) {
  if (crmkit_version_number() != CRMKIT_VERSION_NUMBER) {
    fprintf(stderr, "header %d, library %d\n", CRMKIT_VERSION_NUMBER, (int)crmkit_version_number());
    return 1;
  }
  printf("libcrmkit %d\n", (int)crmkit_version_number());
  return 0;
}
