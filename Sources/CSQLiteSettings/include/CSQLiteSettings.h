#ifndef C_SQLITE_SETTINGS_H
#define C_SQLITE_SETTINGS_H

/// Turns off SQLite's memory statistics, process-wide: with them on, every allocation SQLite makes takes a
/// global mutex. Takes effect only before SQLite's first use in the process (it returns an error otherwise,
/// changing nothing). `sqlite3_config` is variadic, so Swift cannot call it directly.
int baton_sqlite_disable_memory_statistics(void);

#endif
