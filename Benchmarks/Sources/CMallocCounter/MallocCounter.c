// Allocation counting for the benchmarks: the executable defines malloc, calloc and realloc, which
// the dynamic linker then prefers over glibc's; each counts the call and forwards to glibc's own
// implementation (__libc_malloc & co., exported by glibc for exactly this use).
#include <stddef.h>
#include <stdint.h>
#include <stdatomic.h>
#include "CMallocCounter.h"

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);

static _Atomic uint64_t count = 0;
static _Atomic uint64_t bytes = 0;

void *malloc(size_t n) {
    atomic_fetch_add_explicit(&count, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&bytes, n, memory_order_relaxed);
    return __libc_malloc(n);
}

void *calloc(size_t m, size_t n) {
    atomic_fetch_add_explicit(&count, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&bytes, m * n, memory_order_relaxed);
    return __libc_calloc(m, n);
}

void *realloc(void *p, size_t n) {
    atomic_fetch_add_explicit(&count, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&bytes, n, memory_order_relaxed);
    return __libc_realloc(p, n);
}

uint64_t survmeta_allocation_count(void) { return atomic_load(&count); }
uint64_t survmeta_allocated_bytes(void) { return atomic_load(&bytes); }
