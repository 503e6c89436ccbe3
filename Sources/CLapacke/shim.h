// Debian's liblapacke-dev: the C interface to LAPACK (row- or column-major; SurvMeta uses column-major).
#include <lapacke.h>
