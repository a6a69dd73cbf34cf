package dev.brink.client.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.brink.core.error.ErrorCode;
import org.junit.jupiter.api.Test;

class HubServiceExceptionTest {
    @Test
    void envelopeWithNestedJsonGivesTheFineCodeAndMessage() {
        String body = "{\"Message\":\"{\\\"errorCode\\\":404001,\\\"trackingId\\\":\\\"abc\\\","
                + "\\\"message\\\":\\\"Device dev1 not found\\\",\\\"timestampUtc\\\":\\\"2024-05-12T10:00:00Z\\\"}\","
                + "\"ExceptionMessage\":\"\"}";
        HubServiceException e = HubServiceException.fromResponse(404, body);
        assertThat(e.httpStatus()).isEqualTo(404);
        assertThat(e.hubErrorCode()).isEqualTo(404001);
        assertThat(e.hubMessage()).isEqualTo("Device dev1 not found");
        assertThat(e.errorCode()).isEqualTo(ErrorCode.DeviceNotFound);
    }

    @Test
    void flatBody() {
        HubServiceException e = HubServiceException.fromResponse(409,
                "{\"errorCode\":409301,\"message\":\"Module m1 already exists on device d1\"}");
        assertThat(e.hubErrorCode()).isEqualTo(409301);
        assertThat(e.hubMessage()).isEqualTo("Module m1 already exists on device d1");
        assertThat(e.errorCode()).isEqualTo(ErrorCode.ModuleAlreadyExistsOnDevice);
    }

    @Test
    void classicErrorCodeNameForm() {
        HubServiceException e = HubServiceException.fromResponse(404, "{\"Message\":\"ErrorCode:DeviceNotFound;"
                + "Device dev1 not found\",\"ExceptionMessage\":\"Tracking ID:x-G:0-TimeStamp:05/12/2024 10:00:00\"}");
        assertThat(e.hubErrorCode()).isEqualTo(404001);
        assertThat(e.hubMessage()).isEqualTo("Device dev1 not found");
    }

    @Test
    void plainAndEmptyBodiesFallBackToTheStatus() {
        HubServiceException plain = HubServiceException.fromResponse(502, "Bad gateway\n");
        assertThat(plain.hubErrorCode()).isEqualTo(502);
        assertThat(plain.hubMessage()).isEqualTo("Bad gateway");

        HubServiceException empty = HubServiceException.fromResponse(503, "");
        assertThat(empty.hubMessage()).isEqualTo("HTTP 503");
        assertThat(empty.errorCode()).isEqualTo(ErrorCode.ServiceUnavailable);
    }
}
