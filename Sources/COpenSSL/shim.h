// libcrypto for Swift: HMAC-SHA256 (Binance) and HMAC-SHA512 (Gate.io) signing.
#ifndef APOGEE_COPENSSL_SHIM_H
#define APOGEE_COPENSSL_SHIM_H

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/opensslv.h>

static inline const char *cossl_version(void) { return OpenSSL_version(OPENSSL_VERSION); }

#endif
