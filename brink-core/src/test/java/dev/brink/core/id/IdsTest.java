package dev.brink.core.id;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdsTest {

    @Test
    void acceptsAlphanumericsOfMaximumLength() {
        String id = "a".repeat(127) + "Z";
        assertThat(Ids.isValidId(id)).isTrue();
        Ids.requireValidDeviceId(id);
        Ids.requireValidModuleId(id);
    }

    @Test
    void rejects129CharactersNamingTheLength() {
        String id = "x".repeat(129);
        assertThat(Ids.isValidId(id)).isFalse();
        assertThatThrownBy(() -> Ids.requireValidDeviceId(id))
                .isInstanceOf(BrinkException.class)
                .hasMessageContaining("device id")
                .hasMessageContaining("length 129")
                .hasMessageContaining("128")
                .extracting(e -> ((BrinkException) e).errorCode()).isEqualTo(ErrorCode.ArgumentInvalid);
    }

    @Test
    void rejectsEmptyAndNull() {
        assertThat(Ids.isValidId("")).isFalse();
        assertThat(Ids.isValidId(null)).isFalse();
        assertThatThrownBy(() -> Ids.requireValidModuleId(""))
                .isInstanceOf(BrinkException.class).hasMessageContaining("module id").hasMessageContaining("empty");
        assertThatThrownBy(() -> Ids.requireValidDeviceId(null))
                .isInstanceOf(BrinkException.class).hasMessageContaining("device id");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-", ":", ".", "+", "%", "_", "#", "*", "?", "!", "(", ")", ",", "=", "@", ";", "$", "'"})
    void acceptsEachAllowedSpecialCharacter(String special) {
        String id = "dev" + special + "1";
        assertThat(Ids.isValidId(id)).isTrue();
        Ids.requireValidDeviceId(id);
        Ids.requireValidModuleId(special);
    }

    @Test
    void isCaseSensitiveSoBothCasesAreValidDistinctIds() {
        assertThat(Ids.isValidId("Dev1")).isTrue();
        assertThat(Ids.isValidId("dev1")).isTrue();
        assertThat(Ids.resourceName("Dev1")).isNotEqualTo(Ids.resourceName("dev1"));
    }

    @Test
    void rejectsSlashNamingCharacterAndIndex() {
        assertThatThrownBy(() -> Ids.requireValidDeviceId("a/b"))
                .isInstanceOf(BrinkException.class)
                .hasMessageContaining("'a/b'")
                .hasMessageContaining("'/' (U+002F) at index 1");
    }

    @Test
    void rejectsSpace() {
        assertThatThrownBy(() -> Ids.requireValidModuleId("my module"))
                .isInstanceOf(BrinkException.class)
                .hasMessageContaining("U+0020 (space) at index 2");
    }

    @ParameterizedTest
    @ValueSource(strings = {"caf\u00e9", "\u0434\u0435\u0432", "emoji\uD83D\uDE00", "tab\t", "nul\u0000",
        "back\\slash", "quote\"", "lt<", "gt>", "amp&", "brace{", "pipe|", "tilde~", "caret^", "grave`", "[", "]"})
    void rejectsNonAsciiControlAndOtherPunctuation(String id) {
        assertThat(Ids.isValidId(id)).isFalse();
        assertThatThrownBy(() -> Ids.requireValidDeviceId(id))
                .isInstanceOf(BrinkException.class)
                .hasMessageContaining("is not allowed");
    }

    @Test
    void nonAsciiIsNamedByCodePoint() {
        assertThatThrownBy(() -> Ids.requireValidDeviceId("caf\u00e9"))
                .hasMessageContaining("U+00E9 at index 3")
                .hasMessageContaining("'caf\\u00e9'");
    }

    @Test
    void resourceNames() {
        assertThat(Ids.resourceName("d1")).isEqualTo("/devices/d1");
        assertThat(Ids.resourceName("d1", "$edgeAgent")).isEqualTo("/devices/d1/modules/$edgeAgent");
        assertThat(Ids.resourceName("d1", null)).isEqualTo("/devices/d1");
        assertThatThrownBy(() -> Ids.resourceName("d1", "m/2")).isInstanceOf(BrinkException.class)
                .hasMessageContaining("module id");
    }
}
