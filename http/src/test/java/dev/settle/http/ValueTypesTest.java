package dev.settle.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.settle.core.BranchId;
import dev.settle.core.TransactionId;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The wire's value types hold bytes: they copy them in and out, so that neither the caller nor a
 * web framework can change an answer or a call after the fact, and they compare by content.
 */
class ValueTypesTest {
  private static final Instant DEADLINE = Instant.parse("2026-12-07T10:00:00Z");

  @Test
  void anEndpointResponseCannotBeChangedThroughItsArraysOrHeadersAndComparesByContent() {
    byte[] body = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
    Map<String, String> headers = new HashMap<>(Map.of("Content-Type", "application/json"));
    EndpointResponse response = new EndpointResponse(200, headers, body);
    body[0] = 'X';
    headers.put("Injected", "yes");
    response.body()[1] = 'Y';
    assertThat(response.bodyText()).isEqualTo("{\"a\":1}");
    assertThat(response.headers()).containsOnlyKeys("Content-Type");
    assertThatThrownBy(() -> response.headers().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);

    EndpointResponse same = new EndpointResponse(200, Map.of("Content-Type", "application/json"),
        "{\"a\":1}".getBytes(StandardCharsets.UTF_8));
    assertThat(response).isEqualTo(same).hasSameHashCodeAs(same);
    assertThat(response).isNotEqualTo(new EndpointResponse(201, same.headers(), same.body()));
    assertThat(response).isNotEqualTo(new EndpointResponse(200, Map.of(), same.body()));
    assertThat(response).isNotEqualTo(new EndpointResponse(200, same.headers(), new byte[] {1}));
    assertThat(response).isNotEqualTo("200");
    assertThat(response.toString()).isEqualTo("EndpointResponse[200 {\"a\":1}]");
    // Hashes tell apart what equality tells apart (status and headers), so maps of them spread.
    assertThat(response.hashCode())
        .isNotEqualTo(new EndpointResponse(201, same.headers(), same.body()).hashCode())
        .isNotEqualTo(new EndpointResponse(200, Map.of(), same.body()).hashCode())
        .isNotZero();
  }

  @Test
  void aStepCallCopiesItsPayloadComparesByContentAndNeverPrintsThePayload() {
    byte[] payload = "secret".getBytes(StandardCharsets.UTF_8);
    StepCall call = new StepCall(TransactionId.of("tx-1"), BranchId.of("debit"), payload, 2, DEADLINE);
    payload[0] = 'X';
    call.payload()[1] = 'Y';
    assertThat(new String(call.payload(), StandardCharsets.UTF_8)).isEqualTo("secret");

    StepCall same = new StepCall(TransactionId.of("tx-1"), BranchId.of("debit"),
        "secret".getBytes(StandardCharsets.UTF_8), 2, DEADLINE);
    assertThat(call).isEqualTo(same).hasSameHashCodeAs(same);
    assertThat(call).isNotEqualTo(new StepCall(TransactionId.of("tx-2"), BranchId.of("debit"), same.payload(), 2, DEADLINE));
    assertThat(call).isNotEqualTo(new StepCall(TransactionId.of("tx-1"), BranchId.of("credit"), same.payload(), 2, DEADLINE));
    assertThat(call).isNotEqualTo(new StepCall(TransactionId.of("tx-1"), BranchId.of("debit"), new byte[0], 2, DEADLINE));
    assertThat(call).isNotEqualTo(new StepCall(TransactionId.of("tx-1"), BranchId.of("debit"), same.payload(), 3, DEADLINE));
    assertThat(call).isNotEqualTo(
        new StepCall(TransactionId.of("tx-1"), BranchId.of("debit"), same.payload(), 2, DEADLINE.plusMillis(1)));
    assertThat(call.toString()).isEqualTo("StepCall[tx-1/debit, attempt 2]").doesNotContain("secret");
    assertThat(call.hashCode())
        .isNotEqualTo(new StepCall(TransactionId.of("tx-2"), BranchId.of("debit"), same.payload(), 2, DEADLINE).hashCode())
        .isNotEqualTo(new StepCall(TransactionId.of("tx-1"), BranchId.of("credit"), same.payload(), 2, DEADLINE).hashCode())
        .isNotZero();
  }

  @Test
  void aStepCallRefusesMissingFieldsByName() {
    assertThatThrownBy(() -> new StepCall(null, BranchId.of("s"), new byte[0], 1, DEADLINE))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("transactionId");
    assertThatThrownBy(() -> new StepCall(TransactionId.of("t"), null, new byte[0], 1, DEADLINE))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("step");
    assertThatThrownBy(() -> new StepCall(TransactionId.of("t"), BranchId.of("s"), new byte[0], 1, null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("deadline");
  }
}
