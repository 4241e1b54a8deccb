#ifndef CORRIDOR_CSQLITE_SHIM_H
#define CORRIDOR_CSQLITE_SHIM_H
#include <sqlite3.h>
#endif
