/*
 * Shared helpers for the libFuzzer targets in tests/fuzz/.
 *
 * Each target is one fuzz_NAME.c defining LLVMFuzzerTestOneInput; the
 * Makefile links it with fuzz.c and libadvisor.a built with
 * -fsanitize=fuzzer,address,undefined (make fuzz).  Loaders that take a path
 * get the input through a file in a private temporary folder, removed when
 * the fuzzer exits; nothing is written anywhere else.
 */
#ifndef ADVISOR_FUZZ_H
#define ADVISOR_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The private temporary folder (created on first use); never NULL. */
const char *fuzz_tmpdir(void);

/* Write data to NAME inside fuzz_tmpdir(); returns the path (static storage). */
const char *fuzz_write(const char *name, const uint8_t *data, size_t size);

/*
 * The source tree (ADVISOR_SRCDIR, else two folders above the fuzzer binary,
 * build/fuzz/NAME): where rules/, knowledge/ and docs/examples/ live.
 */
const char *fuzz_srcdir(void);

struct kb;
/* The source tree's knowledge base, loaded once (aborts when it does not load). */
const struct kb *fuzz_kb(void);

/* /dev/null opened for writing, to exercise the diagnostic printer. */
FILE *fuzz_devnull(void);

#endif
