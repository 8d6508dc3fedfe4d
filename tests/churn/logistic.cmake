# Supervised churn model and evaluation metrics (crmkit/churn/{logistic,metrics}.hpp).
# Included from tests/churn/CMakeLists.txt; a target of its own so that it builds and runs
# independently of the buy-till-you-die suite.
crmkit_add_doctest(crmkit_logistic_tests
  ${CMAKE_CURRENT_LIST_DIR}/logistic_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/logistic_kernels_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/metrics_test.cpp)
