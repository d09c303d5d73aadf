package dev.settle.saga.spi;


import dev.settle.core.internal.check.Assert;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * A typed name for a value in a {@link SagaContext}: the saga's input, or a result one step
 * passes to later steps and to compensations. The key knows how to turn its value into bytes,
 * because every value is logged with the step that produced it, so a saga resumed after a crash
 * sees exactly what it saw before.
 *
 * @param <T> the value's type
 */
public final class SagaKey<T> {
  private final String name;
  private final Function<T, byte[]> encoder;
  private final Function<byte[], T> decoder;

  private SagaKey(String name, Function<T, byte[]> encoder, Function<byte[], T> decoder) {
    this.name = Assert.notBlank(name, "key name");
    this.encoder = Assert.notNull(encoder, "encoder");
    this.decoder = Assert.notNull(decoder, "decoder");
  }

  /** A key whose values are turned into bytes and back by the given functions. */
  public static <T> SagaKey<T> of(
      String name, Function<T, byte[]> encoder, Function<byte[], T> decoder) {
    return new SagaKey<>(name, encoder, decoder);
  }

  /** A key for text, stored as UTF-8. */
  public static SagaKey<String> ofString(String name) {
    return of(
        name, s -> s.getBytes(StandardCharsets.UTF_8), b -> new String(b, StandardCharsets.UTF_8));
  }

  /** A key for a long (amounts in cents, counters). */
  public static SagaKey<Long> ofLong(String name) {
    return of(
        name,
        v -> ByteBuffer.allocate(Long.BYTES).putLong(v).array(),
        b -> ByteBuffer.wrap(b).getLong());
  }

  /** The key's name, unique within a saga. */
  public String name() {
    return name;
  }

  /** The bytes logged for {@code value}. */
  public byte[] encode(T value) {
    return encoder.apply(Assert.notNull(value, "value of " + name));
  }

  /** The value logged as {@code bytes}. */
  public T decode(byte[] bytes) {
    return decoder.apply(bytes);
  }

  @Override
  public String toString() {
    return "SagaKey[" + name + "]";
  }
}
