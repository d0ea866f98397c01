# Sourced by the scripts that build the library the apps ship (build-mobile-lib.sh,
# build-android-libs.sh, build-xcframework.sh), so every platform carries the same SQLite.
# SQLite without the extensions ClavePIN never uses: full-text search, R-trees,
# dbstat, soundex, extended statistics, column metadata, JSON functions, loadable
# extensions. (libsqlite3-sys appends these after its defaults, so -U removes them.)
export LIBSQLITE3_FLAGS="-USQLITE_ENABLE_FTS3 -USQLITE_ENABLE_FTS3_PARENTHESIS -USQLITE_ENABLE_FTS5 \
  -USQLITE_ENABLE_RTREE -USQLITE_ENABLE_DBSTAT_VTAB -USQLITE_SOUNDEX -USQLITE_ENABLE_STAT4 \
  -USQLITE_ENABLE_COLUMN_METADATA -USQLITE_ENABLE_LOAD_EXTENSION -DSQLITE_OMIT_LOAD_EXTENSION \
  -DSQLITE_OMIT_JSON -DSQLITE_OMIT_DEPRECATED -DSQLITE_OMIT_PROGRESS_CALLBACK \
  -DSQLITE_OMIT_SHARED_CACHE -DSQLITE_OMIT_COMPLETE -DSQLITE_OMIT_GET_TABLE \
  -DSQLITE_OMIT_TCL_VARIABLE -DSQLITE_OMIT_UTF16 -DSQLITE_DEFAULT_MEMSTATUS=0 \
  -DSQLITE_MAX_EXPR_DEPTH=0 -DSQLITE_LIKE_DOESNT_MATCH_BLOBS"
