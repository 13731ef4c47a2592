package io.bcgitops.testing;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.zip.Deflater;

/** Git packs a hostile server sends: small on the wire, costly for whoever indexes them. */
public final class HostilePacks {
  private static final int OBJ_BLOB = 3;
  private static final int OBJ_OFS_DELTA = 6;

  private HostilePacks() {
  }

  /**
   * A "comb" of deltas (the reviewer's deltabomb): a blob of {@code baseBytes} zeros (a few KB
   * deflated), then {@code levels} levels, each a delta X_i on X_(i-1) and a leaf L_i on X_(i-1),
   * each the whole previous object copied and 4 bytes changed (a dozen bytes deflated). JGit
   * resolves the children of an object in pack order and keeps the object while one is left: with
   * the chain's node first, it holds every level at once ({@code baseBytes} × levels); with the
   * leaf first, it holds two, but rebuilds 2 × levels objects of {@code baseBytes}.
   */
  public static byte[] deltaComb(int baseBytes, int levels, boolean leafFirst) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    long base = 12;
    write(body, header(OBJ_BLOB, baseBytes));
    write(body, deflate(new byte[baseBytes]));
    int objects = 1;
    for (int level = 1; level <= levels; level++) {
      long parent = base;
      for (boolean leaf : leafFirst ? new boolean[] {true, false} : new boolean[] {false, true}) {
        long position = 12 + body.size();
        byte[] marker = {(byte) (leaf ? 'L' : 'X'), (byte) (level >> 16), (byte) (level >> 8), (byte) level};
        byte[] delta = delta(baseBytes, marker);
        write(body, header(OBJ_OFS_DELTA, delta.length));
        write(body, offset(position - parent));
        write(body, deflate(delta));
        objects++;
        if (!leaf) {
          base = position;
        }
      }
    }
    return pack(objects, body.toByteArray());
  }

  /** The 12 bytes a pack starts with, stating {@code objects} objects, and none of them. */
  public static byte[] headerOnly(long objects) {
    return ByteBuffer.allocate(12).put("PACK".getBytes()).putInt(2).putInt((int) objects).array();
  }

  private static byte[] pack(int objects, byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    write(out, headerOnly(objects));
    write(out, body);
    try {
      write(out, MessageDigest.getInstance("SHA-1").digest(out.toByteArray()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    return out.toByteArray();
  }

  /** Copies the first size - 4 bytes of the base and appends 4 bytes of its own: the same size. */
  private static byte[] delta(int size, byte[] marker) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    write(out, varint(size));
    write(out, varint(size));
    int copy = size - 4;
    out.write(0x80 | 0x70); // copy, offset 0, a size of 3 bytes
    out.write(copy & 0xff);
    out.write(copy >> 8 & 0xff);
    out.write(copy >> 16 & 0xff);
    out.write(4); // insert 4 bytes
    write(out, marker);
    return out.toByteArray();
  }

  private static byte[] header(int type, long size) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int b = type << 4 | (int) (size & 0x0f);
    size >>>= 4;
    while (size != 0) {
      out.write(b | 0x80);
      b = (int) (size & 0x7f);
      size >>>= 7;
    }
    out.write(b);
    return out.toByteArray();
  }

  private static byte[] offset(long n) {
    ByteArrayOutputStream reversed = new ByteArrayOutputStream();
    reversed.write((int) (n & 0x7f));
    n >>>= 7;
    while (n != 0) {
      n--;
      reversed.write((int) (0x80 | n & 0x7f));
      n >>>= 7;
    }
    byte[] bytes = reversed.toByteArray();
    byte[] out = new byte[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      out[i] = bytes[bytes.length - 1 - i];
    }
    return out;
  }

  private static byte[] varint(long n) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    do {
      int b = (int) (n & 0x7f);
      n >>>= 7;
      out.write(b | (n != 0 ? 0x80 : 0));
    } while (n != 0);
    return out.toByteArray();
  }

  private static byte[] deflate(byte[] data) {
    Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
    deflater.setInput(data);
    deflater.finish();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    while (!deflater.finished()) {
      out.write(buffer, 0, deflater.deflate(buffer));
    }
    deflater.end();
    return out.toByteArray();
  }

  private static void write(ByteArrayOutputStream out, byte[] bytes) {
    out.write(bytes, 0, bytes.length);
  }
}
