package dev.brink.bench;

/**
 * Everything measured at one population size.
 *
 * @param twins module twins in the store when measured
 * @param added module twins created in this step (the population grows in steps: 100k, then 900k more)
 * @param identities the create loop: one operation = one device PUT plus its modules' PUTs
 * @param tags the tag loop: one twin PATCH of tags per new module twin
 * @param get the measured GET loop
 * @param patch the measured desired-PATCH loop
 * @param select the paged {@code SELECT *} query
 * @param count the {@code SELECT COUNT()} query
 * @param dbBytes bytes of the SQLite main file; {@code walBytes} of its -wal (and -shm) files;
 *     {@code otherBytes} the rest of the data dir (certificates, policies)
 * @param rssMaxMib the hub's largest VmRSS, sampled every second, during this step
 * @param rssEnd the hub's memory after this step
 * @param loadStart the machine's 1-minute load average when the step began; {@code loadEnd} when it ended
 *     (anything well above 2 means other work shared the two cores with the hub and the load generator)
 */
record ScaleResult(
        int twins,
        int added,
        int modulesPerDevice,
        LoadDriver.Result identities,
        LoadDriver.Result tags,
        LoadDriver.Result get,
        LoadDriver.Result patch,
        QueryStats select,
        QueryStats count,
        long dbBytes,
        long walBytes,
        long otherBytes,
        double rssMaxMib,
        RssSampler.Rss rssEnd,
        double loadStart,
        double loadEnd) {

    /** Module twins created per second by the identity loop (each device PUT is part of the cost). */
    double identityTwinsPerSecond() {
        return identities.seconds() == 0 ? 0 : identities.ok() * (double) modulesPerDevice / identities.seconds();
    }

    /** Identity PUT requests per second (devices and modules). */
    double identityRequestsPerSecond() {
        return identities.seconds() == 0 ? 0 : identities.ok() * (1.0 + modulesPerDevice) / identities.seconds();
    }

    /** Module twins created and tagged per second, over both create loops. */
    double createdAndTaggedPerSecond() {
        double s = identities.seconds() + tags.seconds();
        return s == 0 ? 0 : tags.ok() / s;
    }

    double dataMib() {
        return (dbBytes + walBytes + otherBytes) / (1024.0 * 1024.0);
    }

    /** Median, min and max of repeated runs of one query, in milliseconds. */
    record QueryStats(String sql, int runs, double medianMs, double minMs, double maxMs, int rows, int pages,
            String firstRow) {
    }
}
