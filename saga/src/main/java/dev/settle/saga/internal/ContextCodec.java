package dev.settle.saga.internal;

import dev.settle.core.CorruptLogException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Encodes a set of saga context values for the log: count (4 bytes), then per value its name
 * (2-byte length, UTF-8) and its bytes (4-byte length).
 */
final class ContextCodec {
  private ContextCodec() {}

  static byte[] encode(Map<String, byte[]> values) {
    if (values.isEmpty()) {
      return new byte[0];
    }
    int size = 4;
    for (Map.Entry<String, byte[]> e : values.entrySet()) {
      size += 2 + e.getKey().getBytes(StandardCharsets.UTF_8).length + 4 + e.getValue().length;
    }
    ByteBuffer out = ByteBuffer.allocate(size).putInt(values.size());
    for (Map.Entry<String, byte[]> e : values.entrySet()) {
      byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
      out.putShort((short) name.length).put(name).putInt(e.getValue().length).put(e.getValue());
    }
    return out.array();
  }

  static Map<String, byte[]> decode(byte[] bytes) {
    Map<String, byte[]> values = new LinkedHashMap<>();
    if (bytes.length == 0) {
      return values;
    }
    try {
      ByteBuffer in = ByteBuffer.wrap(bytes);
      int count = in.getInt();
      for (int i = 0; i < count; i++) {
        byte[] name = new byte[in.getShort() & 0xFFFF];
        in.get(name);
        byte[] value = new byte[in.getInt()];
        in.get(value);
        values.put(new String(name, StandardCharsets.UTF_8), value);
      }
      return values;
    } catch (BufferUnderflowException | NegativeArraySizeException e) {
      throw new CorruptLogException("saga context in the log is truncated or corrupt", -1);
    }
  }
}
