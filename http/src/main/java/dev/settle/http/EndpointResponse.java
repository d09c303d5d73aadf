package dev.settle.http;

import java.util.Map;

/**
 * What a {@link ParticipantEndpoint} answers, for the web framework to send.
 *
 * @param status the HTTP status
 * @param headers response headers (one value each)
 * @param body the response body, empty for 204
 */
// The array is copied in and out, so the record stays immutable.
@SuppressWarnings("ArrayRecordComponent")
public record EndpointResponse(int status, Map<String, String> headers, byte[] body) {
  /** Copies the fields. */
  public EndpointResponse {
    headers = Map.copyOf(headers);
    body = body.clone();
  }

  /** A copy of the body. */
  @Override
  public byte[] body() {
    return body.clone();
  }

  /** The body as UTF-8 text, for logs and tests. */
  public String bodyText() {
    return new String(body, java.nio.charset.StandardCharsets.UTF_8);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EndpointResponse r
        && status == r.status
        && headers.equals(r.headers)
        && java.util.Arrays.equals(body, r.body);
  }

  @Override
  public int hashCode() {
    return status * 31 + headers.hashCode();
  }

  @Override
  public String toString() {
    return "EndpointResponse[" + status + " " + bodyText() + "]";
  }
}
