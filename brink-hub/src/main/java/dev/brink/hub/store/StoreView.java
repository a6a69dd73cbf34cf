package dev.brink.hub.store;

/** Read access to every concern of the store, within one snapshot. */
public interface StoreView {
    RegistryRepository registry();

    TwinRepository twins();

    /** MQTT persistent sessions of the device endpoint. */
    SessionRepository sessions();
}
