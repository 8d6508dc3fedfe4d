/* crmkit_csv_options: every key accepts its domain and rejects the rest with a message. */
#include "test_util.h"

static void test_int_keys(crmkit_csv_options* options) {
  CHECK_OK(crmkit_csv_options_set_int(options, CRMKIT_CSV_DELIMITER, ';'));
  CHECK_OK(crmkit_csv_options_set_int(options, CRMKIT_CSV_DELIMITER, '\t'));
  CHECK_OK(crmkit_csv_options_set_int(options, CRMKIT_CSV_QUOTE, '\''));
  CHECK_STATUS(crmkit_csv_options_set_int(options, CRMKIT_CSV_DELIMITER, 0), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("CRMKIT_CSV_DELIMITER");
  CHECK_STATUS(crmkit_csv_options_set_int(options, CRMKIT_CSV_DELIMITER, '\n'), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_csv_options_set_int(options, CRMKIT_CSV_DELIMITER, 200), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("200");
  CHECK_STATUS(crmkit_csv_options_set_int(options, CRMKIT_CSV_QUOTE, '\r'), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("CRMKIT_CSV_QUOTE");

  CHECK_OK(crmkit_csv_options_set_int(options, CRMKIT_CSV_TIME_FORMAT, CRMKIT_TIME_ISO8601));
  CHECK_OK(crmkit_csv_options_set_int(options, CRMKIT_CSV_TIME_FORMAT, CRMKIT_TIME_EPOCH_SECONDS));
  CHECK_OK(crmkit_csv_options_set_int(options, CRMKIT_CSV_TIME_FORMAT, CRMKIT_TIME_COMPACT_DATE));
  CHECK_STATUS(crmkit_csv_options_set_int(options, CRMKIT_CSV_TIME_FORMAT, 3), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("CRMKIT_CSV_TIME_FORMAT");

  CHECK_OK(crmkit_csv_options_set_int(options, CRMKIT_CSV_ON_BAD_ROW, CRMKIT_BAD_ROW_SKIP));
  CHECK_OK(crmkit_csv_options_set_int(options, CRMKIT_CSV_ON_BAD_ROW, CRMKIT_BAD_ROW_FAIL));
  CHECK_STATUS(crmkit_csv_options_set_int(options, CRMKIT_CSV_ON_BAD_ROW, -1), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("CRMKIT_CSV_ON_BAD_ROW");

  CHECK_OK(crmkit_csv_options_set_int(options, CRMKIT_CSV_MIN_TIME, -86400));
  CHECK_OK(crmkit_csv_options_set_int(options, CRMKIT_CSV_MAX_TIME, INT64_C(4102444800)));
  CHECK_OK(crmkit_csv_options_set_int(options, CRMKIT_CSV_ALLOW_NEGATIVE_AMOUNTS, 0));
  CHECK_OK(crmkit_csv_options_set_int(options, CRMKIT_CSV_ALLOW_NEGATIVE_AMOUNTS, 1));
  CHECK_STATUS(crmkit_csv_options_set_int(options, CRMKIT_CSV_ALLOW_NEGATIVE_AMOUNTS, 2), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("CRMKIT_CSV_ALLOW_NEGATIVE_AMOUNTS");

  CHECK_STATUS(crmkit_csv_options_set_int(options, 0, 1), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("unknown option key 0");
  CHECK_STATUS(crmkit_csv_options_set_int(options, 9999, 1), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("9999");
  CHECK_STATUS(crmkit_csv_options_set_int(options, CRMKIT_CSV_TIME_COLUMN, 1), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("crmkit_csv_options_set_string");
}

static void test_string_keys(crmkit_csv_options* options) {
  int32_t key;
  for (key = CRMKIT_CSV_CUSTOMER_COLUMN; key <= CRMKIT_CSV_LATITUDE_COLUMN; ++key)
    CHECK_OK(crmkit_csv_options_set_string(options, key, "some column"));
  CHECK_STATUS(crmkit_csv_options_set_string(options, CRMKIT_CSV_CUSTOMER_COLUMN, ""), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("CRMKIT_CSV_CUSTOMER_COLUMN");
  CHECK_STATUS(crmkit_csv_options_set_string(options, CRMKIT_CSV_TIME_COLUMN, ""), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_csv_options_set_string(options, CRMKIT_CSV_AMOUNT_COLUMN, ""), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_csv_options_set_string(options, CRMKIT_CSV_CUSTOMER_ID_COLUMN, ""), CRMKIT_E_INVALID_ARGUMENT);
  /* Optional columns are cleared with "". */
  CHECK_OK(crmkit_csv_options_set_string(options, CRMKIT_CSV_PRODUCT_COLUMN, ""));
  CHECK_OK(crmkit_csv_options_set_string(options, CRMKIT_CSV_CHANNEL_COLUMN, ""));
  CHECK_OK(crmkit_csv_options_set_string(options, CRMKIT_CSV_LONGITUDE_COLUMN, ""));
  CHECK_OK(crmkit_csv_options_set_string(options, CRMKIT_CSV_LATITUDE_COLUMN, ""));
  CHECK_STATUS(crmkit_csv_options_set_string(options, CRMKIT_CSV_DELIMITER, ";"), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("crmkit_csv_options_set_int");
  CHECK_STATUS(crmkit_csv_options_set_string(options, 42, "x"), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("unknown option key 42");
}

static void test_attribute_columns(crmkit_csv_options* options) {
  CHECK_OK(crmkit_csv_options_add_attribute_column(options, "credit_limit"));
  CHECK_OK(crmkit_csv_options_add_attribute_column(options, "age"));
  CHECK_STATUS(crmkit_csv_options_add_attribute_column(options, "age"), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("'age'");
  CHECK_STATUS(crmkit_csv_options_add_attribute_column(options, ""), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("'name'");
}

static void test_inconsistent_options_rejected_at_read(void) {
  crmkit_csv_options* options = NULL;
  crmkit_dataset* ds = NULL;
  CHECK_OK(crmkit_csv_options_create(&options));
  CHECK_OK(crmkit_csv_options_set_int(options, CRMKIT_CSV_MIN_TIME, 1000));
  CHECK_OK(crmkit_csv_options_set_int(options, CRMKIT_CSV_MAX_TIME, 10));
  CHECK_STATUS(crmkit_dataset_create_from_csv("unused.csv", NULL, options, &ds), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("CRMKIT_CSV_MIN_TIME");
  CHECK(ds == NULL);
  CHECK_OK(crmkit_csv_options_set_int(options, CRMKIT_CSV_MAX_TIME, 2000));
  CHECK_OK(crmkit_csv_options_set_string(options, CRMKIT_CSV_LONGITUDE_COLUMN, "lon"));
  CHECK_STATUS(crmkit_dataset_create_from_csv("unused.csv", "customers.csv", options, &ds),
               CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("CRMKIT_CSV_LATITUDE_COLUMN");
  crmkit_csv_options_free(options);
}

int main(void) {
  crmkit_csv_options* options = NULL;
  CHECK_OK(crmkit_csv_options_create(&options));
  test_int_keys(options);
  test_string_keys(options);
  test_attribute_columns(options);
  crmkit_csv_options_free(options);
  test_inconsistent_options_rejected_at_read();
  return test_report("options_test");
}
