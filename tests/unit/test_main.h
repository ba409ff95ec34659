/* test_main.h - the one CUnit main() the single-suite test files share:
 * register a table of tests as one suite, run it verbosely, and exit
 * non-zero when any assertion or test failed. */
#ifndef MARKETSIM_TEST_MAIN_H
#define MARKETSIM_TEST_MAIN_H

#include <CUnit/Basic.h>
#include <stddef.h>

typedef struct {
    const char *name;
    CU_TestFunc fn;
} ms_test_case;

static inline int ms_test_run_suite(const char *suite, const ms_test_case *cases, size_t n)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return (int)CU_get_error();
    CU_pSuite s = CU_add_suite(suite, NULL, NULL);
    for (size_t i = 0; s && i < n; i++)
        if (!CU_add_test(s, cases[i].name, cases[i].fn))
            s = NULL;
    if (!s) {
        CU_cleanup_registry();
        return 1;
    }
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
    CU_cleanup_registry();
    return failed ? 1 : 0;
}

/* int main(void) running `suite` over the ms_test_case table `cases`. */
#define MS_TEST_MAIN(suite, cases)                                                                 \
    int main(void)                                                                                 \
    {                                                                                              \
        return ms_test_run_suite(suite, cases, sizeof cases / sizeof cases[0]);                    \
    }

#endif
