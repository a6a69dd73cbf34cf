package dev.brink.hub.security;

/** The IoT Hub shared-access-policy permissions, spelled as in Azure so policy files read the same. */
public enum AccessRight {
    RegistryRead,
    RegistryWrite,
    ServiceConnect,
    DeviceConnect
}
