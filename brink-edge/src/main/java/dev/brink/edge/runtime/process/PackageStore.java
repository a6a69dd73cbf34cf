package dev.brink.edge.runtime.process;

import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import dev.brink.edge.runtime.ModuleSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The package cache, {@code packages/}: {@code sha256/<digest>/} (installed packages, shared read-only by all
 * instances), {@code refs/<hash of URL>} (the digest an unpinned URL resolved to, so a second prepare does not
 * download again) and {@code tmp/} (downloads and extractions in progress; an install is one atomic rename,
 * so a crash never leaves a half-extracted package under {@code sha256/}).
 */
final class PackageStore {
    private static final Logger LOG = LoggerFactory.getLogger(PackageStore.class);

    private final Path dir;
    private final ProcessRuntimeOptions options;
    private final PackageFetcher fetcher;

    PackageStore(Path dir, ProcessRuntimeOptions options) {
        this.dir = dir;
        this.options = options;
        this.fetcher = new PackageFetcher(options);
        deleteTree(dir.resolve("tmp"));
    }

    /**
     * The package for {@code spec.image()}, from the cache when the pin (or, unpinned, the URL) was seen
     * before. A local path is read on every call, so editing the file takes effect on the next start.
     * {@code imagePullPolicy: never} refuses to download.
     */
    synchronized ModulePackage prepare(ModuleSpec spec) {
        PackageRef ref = PackageRef.parse(spec.image());
        ModulePackage cached = ref.pinned() != null ? cached(ref.pinned())
                : ref.remote() ? cachedByUrl(ref) : null;
        if (cached != null) {
            return cached;
        }
        if (ref.remote() && "never".equalsIgnoreCase(spec.imagePullPolicy())) {
            throw new BrinkException(ErrorCode.PreconditionFailed, "package " + ref.location()
                    + " is not in the cache and imagePullPolicy is 'never'");
        }
        PackageFetcher.Fetched fetched = fetcher.fetch(ref, spec.registry(), dir.resolve("tmp"));
        try {
            if (ref.pinned() != null && !ref.pinned().equals(fetched.digest())) {
                throw new BrinkException(ErrorCode.PreconditionFailed, "package " + ref.location()
                        + " has digest sha256:" + fetched.digest() + " but the image pins sha256:" + ref.pinned());
            }
            ModulePackage pkg = cached(fetched.digest());
            if (pkg == null) {
                pkg = install(fetched);
                LOG.info("installed package {} ({} bytes) from {}", pkg.imageId(), fetched.size(), ref.location());
            }
            if (ref.remote() && ref.pinned() == null) {
                writeString(refFile(ref), fetched.digest());
            }
            return pkg;
        } finally {
            deleteTree(fetched.file());
        }
    }

    private ModulePackage cached(String digest) {
        Path pkgDir = dir.resolve("sha256").resolve(digest);
        return Files.isDirectory(pkgDir) ? ModulePackage.load(digest, pkgDir) : null;
    }

    private ModulePackage cachedByUrl(PackageRef ref) {
        Path file = refFile(ref);
        try {
            return Files.isRegularFile(file) ? cached(Files.readString(file, StandardCharsets.UTF_8).strip()) : null;
        } catch (IOException e) {
            return null;
        }
    }

    private Path refFile(PackageRef ref) {
        return dir.resolve("refs").resolve(ModuleDirs.sha256(ref.location()));
    }

    private ModulePackage install(PackageFetcher.Fetched fetched) {
        Path staging = dir.resolve("tmp").resolve(fetched.digest() + "." + UUID.randomUUID());
        Path target = dir.resolve("sha256").resolve(fetched.digest());
        try {
            Files.createDirectories(staging);
            new PackageExtractor(options.maxExtractedBytes()).extract(fetched.file(), staging);
            ModulePackage staged = ModulePackage.load(fetched.digest(), staging);
            if (staged == null) {
                throw BrinkException.invalid("the package has no " + PackageManifest.FILE_NAME + " at its root");
            }
            makeEntrypointExecutable(staged);
            Files.createDirectories(target.getParent());
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException raced) {
                LOG.debug("package {} was installed concurrently", fetched.digest());
            }
            return ModulePackage.load(fetched.digest(), target);
        } catch (IOException e) {
            throw new BrinkException(ErrorCode.ServerError, "cannot install package sha256:" + fetched.digest()
                    + ": " + e.getMessage(), e);
        } finally {
            deleteTree(staging);
        }
    }

    /** Zip entries often lose their mode bits; the entrypoint named by the manifest must run anyway. */
    private static void makeEntrypointExecutable(ModulePackage pkg) throws IOException {
        Path first = Path.of(pkg.command().get(0));
        if (pkg.kind() == ModulePackage.Kind.ARCHIVE && first.startsWith(pkg.root()) && !Files.isExecutable(first)) {
            PackageExtractor.setPermissions(first, true);
        }
    }

    private static void writeString(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), ".ref", ".tmp");
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    static void deleteTree(Path path) {
        if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    LOG.warn("cannot delete {}: {}", p, e.toString());
                }
            });
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("cannot delete {}: {}", path, e.toString());
        }
    }
}
