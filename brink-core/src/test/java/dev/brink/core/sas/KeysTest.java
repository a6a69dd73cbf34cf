package dev.brink.core.sas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.brink.core.error.BrinkException;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KeysTest {

    @Test
    void generatedKeysAre32RandomBytesInBase64() {
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            String key = Keys.generateKey();
            assertThat(key).hasSize(44);
            assertThat(Base64.getDecoder().decode(key)).hasSize(32);
            keys.add(key);
        }
        assertThat(keys).hasSize(100);
    }

    @Test
    void generationIdsAre18DigitsAndDistinct() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            String id = Keys.newGenerationId();
            assertThat(id).hasSize(18).containsOnlyDigits();
            ids.add(id);
        }
        assertThat(ids).hasSizeGreaterThan(95);
    }

    @Test
    void moduleKeyDerivationMatchesTheDocumentedFormula() {
        // printf '%s' 'modA:123456789012345678' | openssl dgst -sha256 -mac HMAC -macopt hexkey:00010203..1f -binary | base64
        assertThat(Keys.deriveModuleKey(SasTokensTest.KEY, "modA", "123456789012345678"))
                .isEqualTo("fxv6HefxpQOIOoIgTodzUQy6iHTxT/NUWQTCKxTJFwg=");
    }

    @Test
    void derivationIsDeterministicAndDependsOnEveryInput() {
        String deviceKey = Keys.generateKey();
        String a = Keys.deriveModuleKey(deviceKey, "$edgeHub", "1");
        assertThat(Keys.deriveModuleKey(deviceKey, "$edgeHub", "1")).isEqualTo(a);
        assertThat(Base64.getDecoder().decode(a)).hasSize(32);
        assertThat(Keys.deriveModuleKey(deviceKey, "$edgeHub", "2")).isNotEqualTo(a);
        assertThat(Keys.deriveModuleKey(deviceKey, "$edgeAgent", "1")).isNotEqualTo(a);
        assertThat(Keys.deriveModuleKey(Keys.generateKey(), "$edgeHub", "1")).isNotEqualTo(a);
    }

    @Test
    void derivationRejectsBadInput() {
        String key = Keys.generateKey();
        assertThatThrownBy(() -> Keys.deriveModuleKey("***", "m", "1")).isInstanceOf(BrinkException.class)
                .hasMessageContaining("base64");
        assertThatThrownBy(() -> Keys.deriveModuleKey(key, "a/b", "1")).isInstanceOf(BrinkException.class)
                .hasMessageContaining("module id");
        assertThatThrownBy(() -> Keys.deriveModuleKey(key, "m", "")).isInstanceOf(BrinkException.class);
    }
}
