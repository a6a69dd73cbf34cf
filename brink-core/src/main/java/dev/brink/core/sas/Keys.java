package dev.brink.core.sas;

import dev.brink.core.error.BrinkException;
import dev.brink.core.id.Ids;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Symmetric keys for devices, modules and policies.
 *
 * <p>Module keys are <em>derived</em> rather than random: {@code deriveModuleKey(deviceKey, moduleId,
 * generationId) = base64(HMAC-SHA256(base64decode(deviceKey), UTF8(moduleId + ":" + generationId)))}. It is
 * deterministic, so an edge runtime that holds the edge device's key can re-derive the keys of its modules
 * locally without asking the hub, and a module re-created with a new generation id gets a new key.
 */
public final class Keys {
    /** Key size of IoT Hub generated keys (32 bytes, 44 base64 characters). */
    public static final int KEY_BYTES = 32;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int RANDOM_DIGITS = 100_000;

    private Keys() {
    }

    /** A fresh key: 32 bytes from {@link SecureRandom}, standard base64 with padding. */
    public static String generateKey() {
        byte[] bytes = new byte[KEY_BYTES];
        RANDOM.nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    /**
     * A new generation id, 18 decimal digits like IoT Hub's: the 13-digit zero-padded epoch milliseconds
     * followed by 5 random digits. Time first so ids of later (re)creations usually sort after earlier ones;
     * the random tail keeps ids created in the same millisecond apart. Treat it as opaque.
     */
    public static String newGenerationId() {
        return String.format("%013d%05d", System.currentTimeMillis(), RANDOM.nextInt(RANDOM_DIGITS));
    }

    /**
     * Derives a module key from its device's key; see the class comment.
     *
     * @throws BrinkException {@code ArgumentInvalid} for a non-base64 device key, an
     *     invalid module id or an empty generation id
     */
    public static String deriveModuleKey(String deviceKeyBase64, String moduleId, String generationId) {
        Ids.requireValidModuleId(moduleId);
        if (generationId == null || generationId.isEmpty()) {
            throw BrinkException.invalid("generation id must not be empty");
        }
        byte[] key = SasTokens.decodeKey(deviceKeyBase64);
        return Base64.getEncoder().encodeToString(SasTokens.hmac(key, moduleId + ":" + generationId));
    }
}
