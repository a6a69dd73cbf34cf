package dev.brink.edge.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.brink.core.error.BrinkException;
import org.junit.jupiter.api.Test;

class ImageReferenceTest {

    @Test
    void splitsRepositoryTagAndRegistry() {
        ImageReference r = ImageReference.parse("127.0.0.1:5000/brink/busybox:1");
        assertThat(r.registry()).isEqualTo("127.0.0.1:5000");
        assertThat(r.repository()).isEqualTo("127.0.0.1:5000/brink/busybox");
        assertThat(r.tag()).isEqualTo("1");
        assertThat(r.canonical()).isEqualTo("127.0.0.1:5000/brink/busybox:1");
    }

    @Test
    void addsLatestWhenNoTagIsGiven() {
        assertThat(ImageReference.parse("localhost:5000/app").canonical()).isEqualTo("localhost:5000/app:latest");
        assertThat(ImageReference.parse("alpine").canonical()).isEqualTo("alpine:latest");
        assertThat(ImageReference.parse("alpine").registry()).isEqualTo("docker.io");
        assertThat(ImageReference.parse("library/alpine:3").registry()).isEqualTo("docker.io");
        assertThat(ImageReference.parse("localhost/app:1").registry()).isEqualTo("localhost");
    }

    @Test
    void keepsDigests() {
        String digest = "sha256:" + "a".repeat(64);
        ImageReference r = ImageReference.parse("myacr.azurecr.io/app@" + digest);
        assertThat(r.digest()).isTrue();
        assertThat(r.tag()).isEqualTo(digest);
        assertThat(r.canonical()).isEqualTo("myacr.azurecr.io/app@" + digest);
    }

    @Test
    void matchesCredentialsOnlyToTheirRegistry() {
        ImageReference r = ImageReference.parse("myacr.azurecr.io/app:1");
        assertThat(r.isServedBy("myacr.azurecr.io")).isTrue();
        assertThat(r.isServedBy("https://MyAcr.azurecr.io/")).isTrue();
        assertThat(r.isServedBy("other.azurecr.io")).isFalse();
        assertThat(r.isServedBy(null)).isFalse();
        assertThat(ImageReference.parse("alpine").isServedBy("https://index.docker.io/v1/")).isTrue();
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> ImageReference.parse(" ")).isInstanceOf(BrinkException.class);
        assertThatThrownBy(() -> ImageReference.parse("a b")).isInstanceOf(BrinkException.class);
        assertThatThrownBy(() -> ImageReference.parse("app:")).isInstanceOf(BrinkException.class);
    }
}
