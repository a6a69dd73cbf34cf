package dev.brink.edge.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.AuthConfig;
import com.github.dockerjava.api.model.PullResponseItem;
import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import dev.brink.edge.runtime.ModuleSpec;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Image availability and the pull policy. {@code on-create} pulls the image once per (image, module
 * version) in this runtime's life — so a new deployment version refreshes a mutable tag as the reference
 * does — and falls back to the local copy when that pull fails (an offline reboot must still start every
 * module, reference §9 #8). {@code never} requires the image to be present.
 */
final class Images {

    private static final Logger log = LoggerFactory.getLogger(Images.class);
    /** Generous on purpose: slow links and large images (reference §9 #7: 100 s pull timeouts). */
    static final Duration PULL_TIMEOUT = Duration.ofMinutes(60);

    private final DockerClient client;
    private final Set<String> pulled = ConcurrentHashMap.newKeySet();

    Images(DockerClient client) {
        this.client = client;
    }

    /** {@link dev.brink.edge.runtime.ModuleRuntime#prepare}: applies the pull policy. */
    void prepare(ModuleSpec spec) {
        ImageReference image = ImageReference.parse(spec.image());
        boolean present = isPresent(image);
        if (isNever(spec)) {
            requirePresent(spec, image, present);
            return;
        }
        String key = image.canonical() + '\u0000' + spec.version();
        if (present && pulled.contains(key)) {
            return;
        }
        try {
            pull(image, spec.registry());
            pulled.add(key);
        } catch (BrinkException e) {
            if (!present) {
                throw e;
            }
            log.warn("module {}: {}; using the local copy of {}", spec.name(), e.getMessage(), image);
        }
    }

    /** Before a create: the image must be there; it is pulled only if missing (restarts never wait on a registry). */
    void ensurePresent(ModuleSpec spec) {
        ImageReference image = ImageReference.parse(spec.image());
        if (isPresent(image)) {
            return;
        }
        if (isNever(spec)) {
            requirePresent(spec, image, false);
        }
        prepare(spec);
    }

    boolean isPresent(ImageReference image) {
        try {
            client.inspectImageCmd(image.canonical()).exec();
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    private static boolean isNever(ModuleSpec spec) {
        return "never".equalsIgnoreCase(spec.imagePullPolicy());
    }

    private static void requirePresent(ModuleSpec spec, ImageReference image, boolean present) {
        if (!present) {
            throw new BrinkException(ErrorCode.NotFound, "module '" + spec.name() + "': image " + image
                    + " is not present in the engine and imagePullPolicy is 'never'");
        }
    }

    private void pull(ImageReference image, ModuleSpec.RegistryCredential credential) {
        var cmd = client.pullImageCmd(image.repository()).withTag(image.tag());
        String user = null;
        if (credential != null && image.isServedBy(credential.address())) {
            user = credential.username();
            cmd.withAuthConfig(new AuthConfig()
                    .withRegistryAddress(image.registry())
                    .withUsername(credential.username())
                    .withPassword(credential.password()));
        } else if (credential != null) {
            log.warn("registryCredentials for {} do not match the registry {} of image {}; pulling anonymously",
                    credential.address(), image.registry(), image);
        }
        log.info("pulling {} from {}{}", image, image.registry(), user == null ? "" : " as " + user);
        try {
            PullProgress progress = cmd.exec(new PullProgress());
            if (!progress.awaitCompletion(PULL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                progress.close();
                throw new BrinkException(ErrorCode.GatewayTimeout, "pull of " + image + " did not finish within "
                        + PULL_TIMEOUT.toMinutes() + " minutes");
            }
            if (progress.error != null) {
                throw pullFailure(image, user, new IllegalStateException(progress.error));
            }
            if (!isPresent(image)) {
                throw new BrinkException(ErrorCode.ServiceUnavailable, "pull of " + image
                        + " ended without error but the engine does not have the image");
            }
        } catch (IOException e) {
            throw new BrinkException(ErrorCode.ServiceUnavailable, "pull of " + image + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrinkException(ErrorCode.ServiceUnavailable, "pull of " + image + " interrupted");
        } catch (BrinkException e) {
            throw e;
        } catch (RuntimeException e) {
            throw pullFailure(image, user, e);
        }
    }

    /**
     * Pull progress, keeping the first error the engine streams. Not docker-java's PullImageResultCallback:
     * it throws a NullPointerException on Podman's error items (they carry no status) and expects Docker's
     * final "Status: ..." line, which Podman does not send; presence is checked by inspecting instead.
     */
    private static final class PullProgress extends ResultCallback.Adapter<PullResponseItem> {
        private volatile String error;

        @Override
        public void onNext(PullResponseItem item) {
            if (error == null && item.isErrorIndicated()) {
                error = item.getErrorDetail() != null && item.getErrorDetail().getMessage() != null
                        ? item.getErrorDetail().getMessage() : item.getError();
            }
        }
    }

    /** A clear message naming the image, the registry and (never the password of) the user. */
    static BrinkException pullFailure(ImageReference image, String user, RuntimeException e) {
        String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip();
        String lower = detail.toLowerCase(Locale.ROOT);
        String prefix = "pull of " + image + " from registry " + image.registry();
        if (lower.contains("unauthorized") || lower.contains("authentication required")
                || lower.contains("denied") || lower.contains("401")) {
            String who = user == null ? "without credentials (no registryCredentials match " + image.registry() + ")"
                    : "as user '" + user + "' (registryCredentials)";
            return new BrinkException(ErrorCode.Unauthorized,
                    prefix + " refused: authentication failed " + who + ": " + detail, e);
        }
        if (lower.contains("manifest unknown") || lower.contains("not found")) {
            return new BrinkException(ErrorCode.NotFound, prefix + " failed: no such image: " + detail, e);
        }
        return new BrinkException(ErrorCode.ServiceUnavailable, prefix + " failed: " + detail, e);
    }
}
