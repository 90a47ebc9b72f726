// hiredis for Swift. redisCommand is C-variadic and unavailable to Swift, so the shim
// offers the binary-safe argv form and typed access to the context's error.
#ifndef APOGEE_CHIREDIS_SHIM_H
#define APOGEE_CHIREDIS_SHIM_H

#include <stddef.h>
#include <hiredis/hiredis.h>

static inline redisReply *chr_command_argv(redisContext *c, int argc, const char **argv, const size_t *argvlen) {
    return (redisReply *)redisCommandArgv(c, argc, argv, argvlen);
}
static inline int chr_context_err(const redisContext *c) { return c->err; }
static inline const char *chr_context_errstr(const redisContext *c) { return c->errstr; }

#endif
