#ifndef CMALLOC_COUNTER_H
#define CMALLOC_COUNTER_H
#include <stdint.h>
/// Number of malloc, calloc and realloc calls since the process started (all threads).
uint64_t survmeta_allocation_count(void);
/// Bytes requested by those calls.
uint64_t survmeta_allocated_bytes(void);
#endif
