# k-means segmentation (crmkit/segmentation/{features,kmeans_init,kmeans}.hpp).
crmkit_add_doctest(crmkit_kmeans_tests kmeans_test.cpp)
