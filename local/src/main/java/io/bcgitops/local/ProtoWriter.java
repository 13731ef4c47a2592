package io.bcgitops.local;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Protocol Buffers' wire format, for the few field kinds the OpenAPI v2 document uses: strings, booleans and
 * nested messages. kubectl reads /openapi/v2 only as protobuf.
 */
final class ProtoWriter {
  private static final int VARINT = 0;
  private static final int LENGTH_DELIMITED = 2;

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

  ProtoWriter string(int field, String value) {
    return lengthDelimited(field, value.getBytes(StandardCharsets.UTF_8));
  }

  ProtoWriter bool(int field, boolean value) {
    varint(field << 3 | VARINT);
    varint(value ? 1 : 0);
    return this;
  }

  ProtoWriter message(int field, ProtoWriter message) {
    return lengthDelimited(field, message.toByteArray());
  }

  byte[] toByteArray() {
    return bytes.toByteArray();
  }

  private ProtoWriter lengthDelimited(int field, byte[] value) {
    varint(field << 3 | LENGTH_DELIMITED);
    varint(value.length);
    bytes.writeBytes(value);
    return this;
  }

  private void varint(long value) {
    long rest = value;
    while ((rest & ~0x7FL) != 0) {
      bytes.write((int) (rest & 0x7F) | 0x80);
      rest >>>= 7;
    }
    bytes.write((int) rest);
  }
}
