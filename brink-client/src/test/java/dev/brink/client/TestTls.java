package dev.brink.client;

import java.io.ByteArrayInputStream;
import java.security.KeyStore;
import java.util.Base64;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A fixed self-signed test certificate (EC P-256, CN=localhost, SAN DNS:localhost and IP:127.0.0.1, valid
 * 100 years), made once with keytool and embedded so tests need no files and no certificate library.
 */
final class TestTls {
    static final String CERT_PEM = "-----BEGIN CERTIFICATE-----\n"
            + "MIIBXTCCAQOgAwIBAgIISH5F/yZFbIcwCgYIKoZIzj0EAwIwFDESMBAGA1UEAxMJ\n"
            + "bG9jYWxob3N0MCAXDTI2MTEyNjE3MjgxOFoYDzIxMjYxMTAyMTcyODE4WjAUMRIw\n"
            + "EAYDVQQDEwlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAR+PftQ\n"
            + "kChg83p71+PmAfdCga1htfcnpOvRvnnsBPQBBlT9CkT2YrJatlWiFfaQxZB8960n\n"
            + "wHHYQ3XZM0sPPENyoz0wOzAdBgNVHQ4EFgQUb67bbc4TJSbG6Tx4kb3cML284KQw\n"
            + "GgYDVR0RBBMwEYIJbG9jYWxob3N0hwR/AAABMAoGCCqGSM49BAMCA0gAMEUCIA7h\n"
            + "sEdvTKdoQzzq8DX0dsSYbBAg8XKC4jebTcmUxMKWAiEA0ero72/Cdphx2LleDBAe\n"
            + "KgkfrdbZrSG7OQ7wv1REtmE=\n"
            + "-----END CERTIFICATE-----\n";

    private static final String P12_BASE64 = "MIID+gIBAzCCA6QGCSqGSIb3DQEHAaCCA5UEggORMIIDjTCCASQGCSqGSIb3DQEHAaCCARUEggERMIIBDTCCAQkGCyqGSIb3DQEMCgECoIG9MIG6MGYGCSqGSIb3DQEFDTBZMDgGCSqGSIb3DQEFDDArBBTfKlE8UPwQgBi9n7QCEmpnX+myXgICJxACASAwDAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEEJuPs4j3TeVkMflTjrORTdcEUOOTRmcoyK6NwtfAjbWGfheWpPVqiq9WhRn/dg/RgSpGh+8QRZxZGh+bvRrQJZrLYydN+S8ovtFz7XYKZQr5TfYLIvrh08nLG5O2UUuEvjXVMTowFQYJKoZIhvcNAQkUMQgeBgBoAHUAYjAhBgkqhkiG9w0BCRUxFAQSVGltZSAxNzk1NzE0MDk4NjczMIICYQYJKoZIhvcNAQcGoIICUjCCAk4CAQAwggJHBgkqhkiG9w0BBwEwZgYJKoZIhvcNAQUNMFkwOAYJKoZIhvcNAQUMMCsEFDXN9GxskPPVcDYoF678gsf93zmNAgInEAIBIDAMBggqhkiG9w0CCQUAMB0GCWCGSAFlAwQBKgQQ/GxMntpDjU9DlxNO7sYApoCCAdCPu/79m4c8ZpFmkHqf/+JMN923j5XbpGSWlHPIkvwtjEMBBEKIzdxcDbMm3DpN69N6I4eLxejHtMzsj+0RxMljtJZOCxwl3hRn/biMdn8VQUKUrm1RFrJhTeQd7orQale8zkxPD4rpc9BvBqzL3c4wEARaCBr08aKi49woPeulTHecCMBgSd89ainsbD/Sk0zEiwDS77YkUrcu25KQZLVOFma8Uo6ImuPv5ZCBhGFwHy3icd5WEWEWq/CNU9R0k+pN2IRCpHIKTrxZNNVD4IKVO25ikVbEDpCBJ2BI1g39AwoxGVq0Y/QV2SB2rEjCXIZzzOoVS7b+K1KRU+T8+JgcoT4gduviyVLezP2LC+pnC1lBkXahpNwE80hVAmeGwbd72VCrDsmwlS9KqZEaOvHY5TtQT7mAen37UF2hpg5v2+Hw4+FXxhP3zaiz9YG6nCF4U+ts+D5L8znbD2Fu5Q1/F3glodo5GHkBY9mYNt7Bxyq86/h+YOeBJC3xfJICh9NCUUPe4rVfElGwCobOZ1KzC1+66F0svbhdRYL4nkvPB8WLJGdE2VUt1BYX5I6geYDFhTEhAcqMufqgwnISNSjmEAb5nqMwuWD6dhkarx9AiTBNMDEwDQYJYIZIAWUDBAIBBQAEIGfUlVteksDEWtitW4VKPj9po7+WWgACxlJhuz3SqDQJBBTyW90JgM6JtNOOzUBaTk8lXPH88wICJxA=";
    private static final char[] PASSWORD = "changeit".toCharArray();

    private TestTls() {
    }

    /** A server context presenting the test certificate. */
    static SSLContext serverContext() throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(new ByteArrayInputStream(Base64.getDecoder().decode(P12_BASE64)), PASSWORD);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return ctx;
    }
}
