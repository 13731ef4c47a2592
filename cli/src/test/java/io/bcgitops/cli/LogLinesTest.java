package io.bcgitops.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A log's lines as logs reads them (LineReader), and the last ones it keeps for an embedded app's --tail (LastLines). */
class LogLinesTest {
  private static List<String> lines(byte[] log) throws IOException {
    LineReader reader = new LineReader(new ByteArrayInputStream(log));
    List<String> lines = new ArrayList<>();
    for (String line = reader.next(); line != null; line = reader.next()) {
      lines.add(line);
    }
    assertNull(reader.next());
    return lines;
  }

  @Test
  void linesWithOrWithoutAFinalNewline() throws IOException {
    assertEquals(List.of("started", "", "GET / 200"), lines("started\n\nGET / 200".getBytes(StandardCharsets.UTF_8)));
    assertEquals(List.of("started"), lines("started\n".getBytes(StandardCharsets.UTF_8)));
    assertEquals(List.of(), lines(new byte[0]));
  }

  @Test
  void aLineLongerThanTheBoundComesInPiecesCutBetweenCharacters() throws IOException {
    String ascii = "x".repeat(LineReader.MAX_LINE + 10);
    assertEquals(List.of("x".repeat(LineReader.MAX_LINE), "x".repeat(10), "next"),
        lines((ascii + "\nnext\n").getBytes(StandardCharsets.UTF_8)));

    // The euro sign's three bytes straddle the bound: the piece ends before it.
    String straddling = "y".repeat(LineReader.MAX_LINE - 1) + "\u20ac" + "z";
    assertEquals(List.of("y".repeat(LineReader.MAX_LINE - 1), "\u20acz"),
        lines(straddling.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void theLastLinesAreKeptUpToACountAndASize() {
    LastLines last = new LastLines(2);
    List.of("a", "b", "c").forEach(last::add);
    assertEquals(List.of("b", "c"), last.lines());
    assertFalse(last.cut());

    LastLines big = new LastLines(10);
    String half = "h".repeat((int) (LastLines.MAX_CHARS / 2 + 1));
    big.add(half);
    big.add(half);
    assertEquals(1, big.lines().size());
    assertTrue(big.cut());

    LastLines none = new LastLines(0); // --tail 0: only what comes later
    none.add("dropped");
    assertEquals(List.of(), none.lines());
  }
}
