package dev.settle.http;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Bad settings fail at build time with a message that names the setting. */
class BuildersTest {
  private static final URI BASE = URI.create("http://127.0.0.1:8081/settle/shard-1");

  @Test
  void remoteParticipantsCheckTheirSettings() {
    assertThatThrownBy(() -> RemoteTccParticipant.builder(" ", BASE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("name");
    assertThatThrownBy(() -> RemoteTccParticipant.builder("p", URI.create("ftp://h/x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("http://");
    assertThatThrownBy(() -> RemoteTccParticipant.builder("p", URI.create("/relative")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("absolute");
    assertThatThrownBy(() -> RemoteTccParticipant.builder("p", URI.create("http://h/x?q=1")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("query");
    assertThatThrownBy(() -> RemoteTccParticipant.builder("p", BASE).callTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("callTimeout");
    assertThatThrownBy(() -> RemoteTccParticipant.builder("p", BASE).maxAnswerBytes(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxAnswerBytes");
    assertThatThrownBy(() -> RemoteSagaStep.builder(URI.create("mailto:x@y")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RemoteSagaStep.builder(BASE).callTimeout(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("callTimeout");
  }

  @Test
  void endpointsCheckTheirSettings() {
    assertThatThrownBy(() -> ParticipantEndpoint.builder().build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("serves nothing");
    assertThatThrownBy(
            () -> ParticipantEndpoint.builder().tcc(new Shard("a")).fencedTcc(new Shard("a")).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("two participants are named \"a\"");
    assertThatThrownBy(() -> ParticipantEndpoint.builder().tcc(new Shard("a/b")).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("path segment");
    assertThatThrownBy(() -> ParticipantEndpoint.builder().basePath("settle"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("basePath");
    assertThatThrownBy(() -> ParticipantEndpoint.builder().maxBodyBytes(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxBodyBytes");
    ParticipantEndpoint endpoint = ParticipantEndpoint.builder().tcc(new Shard("a")).build();
    assertThatThrownBy(
            () -> JdkHttpServerEndpoint.start(new InetSocketAddress("127.0.0.1", 0), endpoint, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("threads");
  }
}
