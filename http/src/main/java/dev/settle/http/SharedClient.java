package dev.settle.http;

import java.net.http.HttpClient;
import java.time.Duration;

/** The default client of remote participants and steps, created on first use. */
final class SharedClient {
  private SharedClient() {}

  private static final class Holder {
    // HTTP/1.1 only: the JDK server speaks nothing else, and an h2c upgrade attempt on every new
    // connection would be wasted. A short connect timeout: a refused or unreachable host is a
    // definite failure and should be reported quickly.
    static final HttpClient CLIENT =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
  }

  static HttpClient get() {
    return Holder.CLIENT;
  }
}
