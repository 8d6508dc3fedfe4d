// libFuzzer target: a random sequence of C ABI calls on handles (crmkit/crmkit.h). Each
// step reads an opcode byte and its arguments: create, use and free CSV options, datasets,
// geo indexes and territories, lifecycle models and machines and BTYD models, with NULL
// handles, NULL arrays, out-of-range keys and counts, and buffers that are too small (but
// never smaller than the size passed: the harness itself stays within its buffers). Every
// call must return a status; a failed call must leave a message. Handles freed by an
// opcode are set to NULL here, as a correct host would.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "crmkit/crmkit.h"
#include "fuzz_util.hpp"

namespace {

constexpr std::size_t max_rows = 64;

void check(int status) {
  if (status > 0) __builtin_trap();  // statuses are 0 or negative
  if (status != CRMKIT_OK && crmkit_last_error()[0] == '\0') __builtin_trap();
}

const char* territory_text(std::uint8_t k) {
  static const char* texts[] = {
      "POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0))",
      "{\"type\":\"MultiPolygon\",\"coordinates\":[]}",
      "POLYGON ((170 -5, -170 -5, -170 5, 170 5, 170 -5))",
      "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,0]]]}",
      "MULTIPOLYGON EMPTY",
      "",
      nullptr,
  };
  return texts[k % (sizeof texts / sizeof texts[0])];
}

const char* model_json(std::uint8_t k) {
  static const char* texts[] = {
      R"({"states": ["new", "active"], "transitions": [{"from": "new", "to": "active", "guard": "orders >= 1"}]})",
      R"({"states": ["a"]})",
      R"({"states": []})",
      "{",
      nullptr,
  };
  return texts[k % (sizeof texts / sizeof texts[0])];
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  crmkit_fuzz::bytes in(data, size);
  crmkit_csv_options* options = nullptr;
  crmkit_dataset* dataset = nullptr;
  crmkit_geo_index* index = nullptr;
  crmkit_geo_territory* territory = nullptr;
  crmkit_lifecycle_model* model = nullptr;
  crmkit_lifecycle* machine = nullptr;
  crmkit_btyd* btyd = nullptr;
  std::vector<std::int32_t> customer(max_rows);
  std::vector<std::int64_t> time(max_rows);
  std::vector<double> amount(max_rows), x(max_rows), y(max_rows), z(max_rows), out(max_rows);
  std::vector<std::int32_t> inside(max_rows);
  char text[64];
  for (int step = 0; step < 64 && !in.empty(); ++step) {
    const std::uint8_t op = in.byte();
    const std::uint8_t arg = in.byte();
    const std::size_t n = in.byte() % (max_rows + 1);  // never more than the buffers hold
    const bool null_array = (arg & 0x80) != 0;
    switch (op % 20) {
      case 0:
        if (options == nullptr) check(crmkit_csv_options_create(arg & 1 ? nullptr : &options));
        break;
      case 1:
        check(crmkit_csv_options_set_int(options, static_cast<std::int32_t>(in.u32() % 16) - 2,
                                         static_cast<std::int32_t>(in.u32())));
        break;
      case 2: {
        std::string value(in.byte() % 8, static_cast<char>('a' + arg % 26));
        check(crmkit_csv_options_set_string(options, static_cast<std::int32_t>(arg % 12) - 2,
                                            null_array ? nullptr : value.c_str()));
        break;
      }
      case 3:
        crmkit_csv_options_free(options);
        options = nullptr;
        break;
      case 4: {
        if (dataset != nullptr) break;
        const std::size_t n_customers = in.byte() % 8;
        for (std::size_t i = 0; i < n; ++i) {
          customer[i] = static_cast<std::int32_t>(in.byte() % 10) - 1;
          time[i] = static_cast<std::int64_t>(in.u32()) * (arg & 2 ? 1 : 1000);
          amount[i] = (arg & 4) ? in.number() : in.byte();
        }
        check(crmkit_dataset_create_from_columns(null_array ? nullptr : customer.data(), time.data(), amount.data(), n,
                                                 n_customers, static_cast<std::int32_t>(arg & 3), &dataset));
        break;
      }
      case 5: {
        std::size_t count = 0;
        std::int64_t lo = 0, hi = 0;
        check(crmkit_dataset_n_transactions(dataset, null_array ? nullptr : &count));
        check(crmkit_dataset_n_customers(dataset, &count));
        check(crmkit_dataset_time_range(dataset, &lo, &hi));
        std::size_t needed = 0;
        check(crmkit_dataset_customer_id(dataset, static_cast<std::int32_t>(arg % 12) - 2, text, n % sizeof text,
                                         &needed));
        std::int32_t found = 0;
        check(crmkit_dataset_customer_index(dataset, null_array ? nullptr : "1", &found));
        break;
      }
      case 6: {
        for (std::size_t i = 0; i < n; ++i) x[i] = (arg & 1) ? in.number() : in.byte() / 10.0;
        // CRMKIT_COPY, or an unknown flag (never CRMKIT_BORROW: x changes afterwards).
        check(crmkit_dataset_set_customer_attribute(dataset, (arg & 2) ? "score" : "", null_array ? nullptr : x.data(),
                                                    n, (arg & 4) ? 7 : CRMKIT_COPY));
        break;
      }
      case 7:
        crmkit_dataset_free(dataset);
        dataset = nullptr;
        break;
      case 8: {
        if (index != nullptr) break;
        for (std::size_t i = 0; i < n; ++i) {
          x[i] = (arg & 1) ? in.number() : static_cast<double>(in.byte()) - 128.0;
          y[i] = static_cast<double>(in.byte() % 181) - 90.0;
        }
        check(crmkit_geo_index_create(null_array ? nullptr : x.data(), y.data(), n, (arg & 2) ? -1.0 : 0.0,
                                      static_cast<std::int32_t>(arg & 7), &index));
        break;
      }
      case 9: {
        crmkit_geo_result* result = nullptr;
        const double qx = static_cast<double>(in.byte()) - 128.0, qy = static_cast<double>(in.byte() % 181) - 90.0;
        check(crmkit_geo_index_within(index, &qx, &qy, arg & 1, (arg & 2) ? in.number() : 1e6, nullptr,
                                      static_cast<std::int32_t>(arg % 4), 1 + (arg & 8 ? 1 : 0), &result));
        if (result != nullptr) {
          std::size_t queries = 0, hits = 0;
          check(crmkit_geo_result_sizes(result, &queries, &hits));
          crmkit_geo_result_free(result);
        }
        crmkit_geo_index_free(index);
        index = nullptr;
        break;
      }
      case 10:
        if (territory == nullptr) check(crmkit_geo_territory_create(territory_text(arg), arg & 1, &territory));
        break;
      case 11: {
        for (std::size_t i = 0; i < n; ++i) {
          x[i] = (arg & 1) ? in.number() : static_cast<double>(in.byte()) - 128.0;
          y[i] = static_cast<double>(in.byte() % 181) - 90.0;
        }
        check(crmkit_geo_territory_test(territory, x.data(), y.data(), n, static_cast<std::int32_t>(arg % 3),
                                        null_array ? nullptr : inside.data()));
        double b[4];
        check(crmkit_geo_territory_bounds(territory, &b[0], &b[1], &b[2], &b[3]));
        check(crmkit_geo_territory_contains(territory_text(arg >> 3), x.data(), y.data(), n, 1, inside.data()));
        break;
      }
      case 12:
        crmkit_geo_territory_free(territory);
        territory = nullptr;
        break;
      case 13: {
        if (model != nullptr) break;
        const char* json = model_json(arg);
        check(crmkit_lifecycle_model_from_json(json, json == nullptr ? 0 : std::string(json).size() - (arg & 1),
                                               &model));
        break;
      }
      case 14:
        if (machine == nullptr)
          check(crmkit_lifecycle_create(model, n, static_cast<std::int64_t>(in.u32()), &machine));
        break;
      case 15: {
        std::size_t hops = 0;
        check(crmkit_lifecycle_evaluate_dataset(machine, dataset, static_cast<std::int64_t>(in.u32()), &hops));
        break;
      }
      case 16:
        crmkit_lifecycle_free(machine);
        machine = nullptr;
        if (arg & 1) {
          crmkit_lifecycle_model_free(model);
          model = nullptr;
        }
        break;
      case 17:
        if (btyd == nullptr) check(crmkit_btyd_create(static_cast<std::int32_t>(arg % 7), &btyd));
        break;
      case 18: {
        for (std::size_t i = 0; i < n; ++i) {
          x[i] = in.byte() % 8;
          y[i] = in.byte() % 40;
          z[i] = y[i] + in.byte() % 40;
        }
        if (arg & 1) {
          const double params[4] = {in.byte() / 16.0, in.byte() / 4.0, in.byte() / 16.0, in.byte() / 4.0};
          check(crmkit_btyd_set_params(btyd, params, arg % 5));
        } else {
          check(crmkit_btyd_set_int(btyd, CRMKIT_BTYD_MAX_ITER, 1 + arg % 20));
          check(crmkit_btyd_fit(btyd, x.data(), null_array ? nullptr : y.data(), z.data(), nullptr, n));
        }
        check(crmkit_btyd_predict(btyd, static_cast<std::int32_t>(arg % 6), in.byte() / 8.0, x.data(), y.data(),
                                  z.data(), n, out.data()));
        break;
      }
      case 19:
        crmkit_btyd_free(btyd);
        btyd = nullptr;
        break;
    }
  }
  crmkit_btyd_free(btyd);
  crmkit_lifecycle_free(machine);
  crmkit_lifecycle_model_free(model);
  crmkit_geo_territory_free(territory);
  crmkit_geo_index_free(index);
  crmkit_dataset_free(dataset);
  crmkit_csv_options_free(options);
  return 0;
}
