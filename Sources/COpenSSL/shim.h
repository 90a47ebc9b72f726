// libcrypto for Swift (TLS sockets: tls.h): HMAC-SHA256 (Binance) and HMAC-SHA512 (Gate.io) signing, and
// SHA-512 (Gate.io's body hash). One-shot calls with fixed-size outputs, so Swift never
// touches an EVP context.
#ifndef APOGEE_COPENSSL_SHIM_H
#define APOGEE_COPENSSL_SHIM_H

// SHA256_Init and friends are deprecated in OpenSSL 3 in favour of EVP, but they stay
// in libcrypto and are the lean path the prepared HMAC key below is built on.
#define OPENSSL_SUPPRESS_DEPRECATED

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

#include <openssl/sha.h>
#include <stdlib.h>
#include <string.h>

/// An HMAC key prepared once (RFC 2104): the hash states after the key's inner and
/// outer pads, kept so a signature hashes only the message and the inner digest. With
/// SHA-256/512's own functions, a signature is two copies of a state and a few
/// compressions: no provider dispatch, no allocation, far less code to bring into the
/// cache than OpenSSL 3's EVP_MAC, whose every init and final duplicates contexts
/// through the provider. The prepared key is never changed, so threads may share it.
typedef struct {
    int wide; // 0: SHA-256 (64-byte blocks), 1: SHA-512 (128-byte blocks)
    union { SHA256_CTX narrow; SHA512_CTX wide; } inner, outer;
} cossl_hmac_key;

/// `wide`: 0 for HMAC-SHA256, 1 for HMAC-SHA512. NULL if out of memory.
static inline cossl_hmac_key *cossl_hmac_key_new(int wide, const unsigned char *key, size_t key_length) {
    cossl_hmac_key *prepared = (cossl_hmac_key *)calloc(1, sizeof(cossl_hmac_key));
    if (prepared == NULL) { return NULL; }
    prepared->wide = wide;
    const size_t block = wide ? 128 : 64;
    unsigned char padded[128] = {0};
    // A key longer than a block is replaced by its hash.
    if (key_length > block) {
        if (wide) { SHA512(key, key_length, padded); } else { SHA256(key, key_length, padded); }
    } else if (key_length > 0) {
        memcpy(padded, key, key_length);
    }
    unsigned char inner[128], outer[128];
    for (size_t index = 0; index < block; index++) {
        inner[index] = padded[index] ^ 0x36;
        outer[index] = padded[index] ^ 0x5c;
    }
    if (wide) {
        SHA512_Init(&prepared->inner.wide); SHA512_Update(&prepared->inner.wide, inner, block);
        SHA512_Init(&prepared->outer.wide); SHA512_Update(&prepared->outer.wide, outer, block);
    } else {
        SHA256_Init(&prepared->inner.narrow); SHA256_Update(&prepared->inner.narrow, inner, block);
        SHA256_Init(&prepared->outer.narrow); SHA256_Update(&prepared->outer.narrow, outer, block);
    }
    OPENSSL_cleanse(padded, sizeof padded);
    OPENSSL_cleanse(inner, sizeof inner);
    OPENSSL_cleanse(outer, sizeof outer);
    return prepared;
}

/// The HMAC of `data` into `out` (32 bytes for SHA-256, 64 for SHA-512); its length.
static inline size_t cossl_hmac_key_sign(const cossl_hmac_key *key, const unsigned char *data, size_t data_length, unsigned char *out) {
    if (key->wide) {
        unsigned char digest[64];
        SHA512_CTX state = key->inner.wide;
        SHA512_Update(&state, data, data_length);
        SHA512_Final(digest, &state);
        state = key->outer.wide;
        SHA512_Update(&state, digest, sizeof digest);
        SHA512_Final(out, &state);
        OPENSSL_cleanse(&state, sizeof state);
        return 64;
    }
    unsigned char digest[32];
    SHA256_CTX state = key->inner.narrow;
    SHA256_Update(&state, data, data_length);
    SHA256_Final(digest, &state);
    state = key->outer.narrow;
    SHA256_Update(&state, digest, sizeof digest);
    SHA256_Final(out, &state);
    OPENSSL_cleanse(&state, sizeof state);
    return 32;
}

static inline void cossl_hmac_key_free(cossl_hmac_key *key) {
    OPENSSL_cleanse(key, sizeof *key);
    free(key);
}

/// SHA-512 fetched once from the provider, for ``cossl_sha512_with``.
static inline void *cossl_sha512_fetch(void) { return EVP_MD_fetch(NULL, "SHA512", NULL); }

/// SHA-512 of `data` with a fetched digest into `out` (64 bytes). Returns 1 on success.
static inline int cossl_sha512_with(void *digest, const unsigned char *data, size_t data_length, unsigned char *out) {
    unsigned int length = 0;
    return EVP_Digest(data, data_length, out, &length, (EVP_MD *)digest, NULL) == 1 && length == 64;
}

#endif
