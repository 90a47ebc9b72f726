// libcrypto for Swift (TLS sockets: tls.h): HMAC-SHA256 (Binance) and HMAC-SHA512 (Gate.io) signing, and
// SHA-512 (Gate.io's body hash). One-shot calls with fixed-size outputs, so Swift never
// touches an EVP context.
#ifndef APOGEE_COPENSSL_SHIM_H
#define APOGEE_COPENSSL_SHIM_H

#include <stddef.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/opensslv.h>

static inline const char *cossl_version(void) { return OpenSSL_version(OPENSSL_VERSION); }

/// HMAC-SHA256 of `data` under `key` into `out` (32 bytes). Returns 1 on success.
static inline int cossl_hmac_sha256(const void *key, int key_length, const unsigned char *data, size_t data_length, unsigned char *out) {
    unsigned int length = 0;
    return HMAC(EVP_sha256(), key, key_length, data, data_length, out, &length) != NULL && length == 32;
}

/// HMAC-SHA512 of `data` under `key` into `out` (64 bytes). Returns 1 on success.
static inline int cossl_hmac_sha512(const void *key, int key_length, const unsigned char *data, size_t data_length, unsigned char *out) {
    unsigned int length = 0;
    return HMAC(EVP_sha512(), key, key_length, data, data_length, out, &length) != NULL && length == 64;
}

/// SHA-512 of `data` into `out` (64 bytes). Returns 1 on success.
static inline int cossl_sha512(const unsigned char *data, size_t data_length, unsigned char *out) {
    unsigned int length = 0;
    return EVP_Digest(data, data_length, out, &length, EVP_sha512(), NULL) == 1 && length == 64;
}

#endif
