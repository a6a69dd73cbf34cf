package dev.brink.hub.store;

/** Read and write access to every concern of the store, within one transaction. */
public interface StoreTransaction extends StoreView {
}
