// libssl for Swift: TLS on a blocking socket the caller owns, for the order path (the
// session thread writes an order itself instead of waking an event loop). Handles are
// opaque pointers, so Swift never sees OpenSSL's structs beside NIOSSL's BoringSSL.
#ifndef APOGEE_COPENSSL_TLS_H
#define APOGEE_COPENSSL_TLS_H

#include <stddef.h>
#include <stdio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

/// The oldest error on this thread's OpenSSL error queue as text (the queue is cleared).
static inline void cossl_tls_error(char *error, size_t error_size) {
    unsigned long code = ERR_get_error();
    if (code == 0) { snprintf(error, error_size, "no further detail from OpenSSL"); }
    else { ERR_error_string_n(code, error, error_size); }
    ERR_clear_error();
}

/// A client context: TLS 1.2 or newer, the peer's certificate verified against the
/// system's trust roots and, when given, the PEM roots in `ca_file`. NULL on failure.
static inline void *cossl_tls_context(const char *ca_file, char *error, size_t error_size) {
    SSL_CTX *context = SSL_CTX_new(TLS_client_method());
    if (context == NULL) { cossl_tls_error(error, error_size); return NULL; }
    SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION);
    SSL_CTX_set_verify(context, SSL_VERIFY_PEER, NULL);
    SSL_CTX_set_mode(context, SSL_MODE_AUTO_RETRY);
    if (SSL_CTX_set_default_verify_paths(context) != 1) { ERR_clear_error(); }
    if (ca_file != NULL && SSL_CTX_load_verify_locations(context, ca_file, NULL) != 1) {
        cossl_tls_error(error, error_size);
        SSL_CTX_free(context);
        return NULL;
    }
    return context;
}

static inline void cossl_tls_context_free(void *context) { SSL_CTX_free((SSL_CTX *)context); }

/// TLS over the connected socket `fd`: the handshake, with the certificate checked
/// against `host` (a name, also sent as SNI; or an IP address when `is_ip`). Returns
/// the connection, or NULL with the reason in `error`.
static inline void *cossl_tls_connect(void *context, int fd, const char *host, int is_ip, char *error, size_t error_size) {
    SSL *ssl = SSL_new((SSL_CTX *)context);
    if (ssl == NULL) { cossl_tls_error(error, error_size); return NULL; }
    int named = is_ip
        ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host)
        : (SSL_set_tlsext_host_name(ssl, host) == 1 && SSL_set1_host(ssl, host) == 1);
    if (!named || SSL_set_fd(ssl, fd) != 1) {
        cossl_tls_error(error, error_size);
        SSL_free(ssl);
        return NULL;
    }
    if (SSL_connect(ssl) != 1) {
        long verify = SSL_get_verify_result(ssl);
        if (verify != X509_V_OK) {
            snprintf(error, error_size, "certificate not trusted: %s", X509_verify_cert_error_string(verify));
            ERR_clear_error();
        } else {
            cossl_tls_error(error, error_size);
        }
        SSL_free(ssl);
        return NULL;
    }
    return ssl;
}

/// Writes all of `length` bytes (blocking socket). The count written, or -1.
static inline int cossl_tls_write(void *ssl, const void *bytes, int length) {
    int written = SSL_write((SSL *)ssl, bytes, length);
    if (written <= 0) { ERR_clear_error(); return -1; }
    return written;
}

/// Bytes read (> 0); 0 when the peer closed; -1 on an error; -2 when a non-blocking
/// socket has nothing yet.
static inline int cossl_tls_read(void *ssl, void *bytes, int length) {
    int read = SSL_read((SSL *)ssl, bytes, length);
    if (read > 0) { return read; }
    int reason = SSL_get_error((SSL *)ssl, read);
    ERR_clear_error();
    if (reason == SSL_ERROR_WANT_READ || reason == SSL_ERROR_WANT_WRITE) { return -2; }
    if (reason == SSL_ERROR_ZERO_RETURN) { return 0; }
    return -1;
}

/// Decrypted bytes already buffered (readable without touching the socket).
static inline int cossl_tls_pending(void *ssl) { return SSL_pending((SSL *)ssl); }

static inline void cossl_tls_free(void *ssl) { SSL_free((SSL *)ssl); }

#endif
