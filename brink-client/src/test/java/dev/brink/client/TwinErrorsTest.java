package dev.brink.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.brink.core.error.ErrorCode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TwinErrorsTest {

    @Test
    void errorCodeAndMessageComeFromTheJsonBody() {
        IotHubClientException e = TwinChannel.error("reported properties update", 400,
                "{\"errorCode\":400004,\"message\":\"key 'a.b' contains '.'\",\"trackingId\":\"t\"}"
                        .getBytes(StandardCharsets.UTF_8));
        assertThat(e.errorCode()).isEqualTo(ErrorCode.ArgumentInvalid);
        assertThat(e.status()).isEqualTo(400);
        assertThat(e).hasMessage("reported properties update failed with status 400: key 'a.b' contains '.'");
        assertThat(e.isRetryable()).isFalse();
    }

    @Test
    void statusDecidesWhenTheBodyIsEmptyOrNotJson() {
        assertThat(TwinChannel.error("x", 412, new byte[0]).errorCode()).isEqualTo(ErrorCode.PreconditionFailed);
        IotHubClientException throttled = TwinChannel.error("x", 429, "busy".getBytes(StandardCharsets.UTF_8));
        assertThat(throttled.errorCode()).isEqualTo(ErrorCode.ThrottlingException);
        assertThat(throttled.isRetryable()).isTrue();
        assertThat(TwinChannel.error("x", 500, null).errorCode()).isEqualTo(ErrorCode.ServerError);
    }
}
