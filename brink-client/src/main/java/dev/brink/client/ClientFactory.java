package dev.brink.client;

import dev.brink.core.error.BrinkException;
import dev.brink.core.sas.ConnectionString;

/** Shared helpers of the client factories. */
final class ClientFactory {
    private ClientFactory() {
    }

    /** Parses with the core parser and rethrows its errors as client exceptions. */
    static ConnectionString parse(String connectionString) {
        try {
            return ConnectionString.parse(connectionString);
        } catch (IotHubClientException e) {
            throw e;
        } catch (BrinkException e) {
            throw new IotHubClientException(e.errorCode(), "invalid connection string: " + e.getMessage(), e);
        }
    }
}
