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

#include <openssl/core_names.h>

/// An HMAC context keyed once (`digest`: "SHA256" or "SHA512"), for ``cossl_mac_sign``:
/// the MAC's fetch from the provider and the key's schedule are paid here, not per
/// signature (OpenSSL 3's one-shot HMAC() fetches every call). NULL on failure.
static inline void *cossl_mac_new(const char *digest, const void *key, size_t key_length) {
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    if (mac == NULL) { return NULL; }
    EVP_MAC_CTX *context = EVP_MAC_CTX_new(mac);
    EVP_MAC_free(mac);
    if (context == NULL) { return NULL; }
    OSSL_PARAM parameters[2] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)digest, 0),
        OSSL_PARAM_construct_end(),
    };
    if (EVP_MAC_init(context, key, key_length, parameters) != 1) {
        EVP_MAC_CTX_free(context);
        return NULL;
    }
    return context;
}

/// The HMAC of `data` under the context's key into `out`; its length, or 0 on failure.
/// Not for two threads at once on one context.
static inline size_t cossl_mac_sign(void *context, const unsigned char *data, size_t data_length, unsigned char *out, size_t out_size) {
    size_t length = 0;
    // A NULL key restarts with the key already set.
    if (EVP_MAC_init((EVP_MAC_CTX *)context, NULL, 0, NULL) != 1) { return 0; }
    if (EVP_MAC_update((EVP_MAC_CTX *)context, data, data_length) != 1) { return 0; }
    if (EVP_MAC_final((EVP_MAC_CTX *)context, out, &length, out_size) != 1) { return 0; }
    return length;
}

static inline void cossl_mac_free(void *context) { EVP_MAC_CTX_free((EVP_MAC_CTX *)context); }

/// SHA-512 fetched once from the provider, for ``cossl_sha512_with``.
static inline void *cossl_sha512_fetch(void) { return EVP_MD_fetch(NULL, "SHA512", NULL); }

/// SHA-512 of `data` with a fetched digest into `out` (64 bytes). Returns 1 on success.
static inline int cossl_sha512_with(void *digest, const unsigned char *data, size_t data_length, unsigned char *out) {
    unsigned int length = 0;
    return EVP_Digest(data, data_length, out, &length, (EVP_MD *)digest, NULL) == 1 && length == 64;
}

#endif
