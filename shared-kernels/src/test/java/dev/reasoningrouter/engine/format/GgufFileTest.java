package dev.reasoningrouter.engine.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reasoningrouter.engine.format.gguf.GgufFile;
import dev.reasoningrouter.engine.format.gguf.GgufValue;
import dev.reasoningrouter.engine.format.gguf.GgufValueType;
import dev.reasoningrouter.engine.format.gguf.GgufWriter;
import dev.reasoningrouter.engine.tensor.GgmlType;
import java.io.RandomAccessFile;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GgufFileTest {

    @TempDir
    Path dir;

    private Path sample(int alignment) throws Exception {
        GgufWriter w = new GgufWriter(alignment);
        w.put("u8", GgufValue.of(GgufValueType.UINT8, 250));
        w.put("i8", GgufValue.of(GgufValueType.INT8, -5));
        w.put("u16", GgufValue.of(GgufValueType.UINT16, 65000));
        w.put("i16", GgufValue.of(GgufValueType.INT16, -30000));
        w.put("u32", GgufValue.u32(4_000_000_000L));
        w.put("i32", GgufValue.i32(-7));
        w.put("f32", GgufValue.f32(1.5f));
        w.put("bool", GgufValue.bool(true));
        w.put("str", GgufValue.string("héllo ✓"));
        w.put("u64", GgufValue.of(GgufValueType.UINT64, 1L << 40));
        w.put("i64", GgufValue.of(GgufValueType.INT64, -(1L << 40)));
        w.put("f64", GgufValue.of(GgufValueType.FLOAT64, Math.PI));
        w.put("arr.s", GgufValue.array(GgufValueType.STRING, List.of("a", "bc", "")));
        w.put("arr.i", GgufValue.array(GgufValueType.INT32, List.of(1, -2, 3)));
        float[] data = {1, 2, 3, 4, 5, 6};
        w.addTensor("t.a", new long[] {3, 2}, GgmlType.F32, seg -> seg.copyFrom(java.lang.foreign.MemorySegment.ofArray(data)));
        w.addTensor("t.b", new long[] {5}, GgmlType.F32, seg -> seg.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, 4, 9f));
        Path p = dir.resolve("s-" + alignment + ".gguf");
        w.write(p);
        return p;
    }

    @Test
    void roundTripsEveryMetadataTypeAndTensors() throws Exception {
        for (int alignment : new int[] {32, 64}) {
            try (GgufFile f = GgufFile.open(sample(alignment))) {
                assertThat(f.version()).isEqualTo(3);
                assertThat(f.alignment()).isEqualTo(alignment);
                assertThat(f.getInt("u8")).isEqualTo(250);
                assertThat(f.getInt("i8")).isEqualTo(-5);
                assertThat(f.getInt("u16")).isEqualTo(65000);
                assertThat(f.getInt("i16")).isEqualTo(-30000);
                assertThat(f.getLong("u32")).isEqualTo(4_000_000_000L);
                assertThat(f.getInt("i32")).isEqualTo(-7);
                assertThat(f.getDouble("f32", 0)).isEqualTo(1.5);
                assertThat(f.getBool("bool", false)).isTrue();
                assertThat(f.getString("str")).isEqualTo("héllo ✓");
                assertThat(f.getLong("u64")).isEqualTo(1L << 40);
                assertThat(f.getLong("i64")).isEqualTo(-(1L << 40));
                assertThat(f.getDouble("f64", 0)).isEqualTo(Math.PI);
                assertThat(f.value("arr.s").list()).containsExactly("a", "bc", "");
                assertThat(f.value("arr.i").list()).containsExactly(1, -2, 3);
                assertThat(f.tensor("t.a").shape()).containsExactly(3, 2);
                var m = f.matrix("t.a", 2, 3);
                assertThat(m.data().getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, 5)).isEqualTo(6f);
                assertThat(f.vector("t.b", 5)).containsExactly(0, 0, 0, 0, 9);
                assertThat(f.tensor("t.b").offset() % alignment).isZero();
                assertThatThrownBy(() -> f.matrix("t.a", 3, 2)).hasMessageContaining("t.a").hasMessageContaining("expected [2, 3]");
                assertThatThrownBy(() -> f.getString("u8")).hasMessageContaining("'u8'").hasMessageContaining("expected STRING");
            }
        }
    }

    @Test
    void readsTensorsBeyondTwoGigabytes() throws Exception {
        // a sparse file: the big tensor's bytes are mostly holes, only its last row is written
        long cols = 1024, rows = 560_000; // 2.29 GB of F32
        GgufWriter w = new GgufWriter();
        w.addTensor("small", new long[] {4}, GgmlType.F32, seg -> seg.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, 0, 7f));
        w.addTensor("big", new long[] {cols, rows}, GgmlType.F32,
                seg -> seg.set(ValueLayout.JAVA_FLOAT_UNALIGNED, seg.byteSize() - 4, 42f));
        Path p = dir.resolve("big.gguf");
        w.write(p);
        assertThat(Files.size(p)).isGreaterThan(1L << 31);
        try (GgufFile f = GgufFile.open(p)) {
            var m = f.matrix("big", rows, cols);
            float[] last = new float[(int) cols];
            dev.reasoningrouter.engine.tensor.Dequant.row(m, (int) rows - 1, last, 0);
            assertThat(last[(int) cols - 1]).isEqualTo(42f);
            assertThat(f.vector("small", 4)[0]).isEqualTo(7f);
        }
    }

    @Test
    void badMagicVersionTypeAndTruncationAreNamed() throws Exception {
        Path good = sample(32);
        byte[] bytes = Files.readAllBytes(good);

        Path badMagic = dir.resolve("magic.gguf");
        byte[] b1 = bytes.clone();
        b1[0] = 'X';
        Files.write(badMagic, b1);
        assertThatThrownBy(() -> GgufFile.open(badMagic)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining(badMagic.toString()).hasMessageContaining("not GGUF");

        Path badVersion = dir.resolve("version.gguf");
        byte[] b2 = bytes.clone();
        b2[4] = 9;
        Files.write(badVersion, b2);
        assertThatThrownBy(() -> GgufFile.open(badVersion)).hasMessageContaining("version 9").hasMessageContaining("expected 2 or 3");

        Path truncatedHeader = dir.resolve("trunc-header.gguf");
        Files.write(truncatedHeader, java.util.Arrays.copyOf(bytes, 60));
        assertThatThrownBy(() -> GgufFile.open(truncatedHeader)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining(truncatedHeader.toString()).hasMessageContaining("truncated");

        Path truncatedData = dir.resolve("trunc-data.gguf");
        Files.write(truncatedData, java.util.Arrays.copyOf(bytes, bytes.length - 16));
        assertThatThrownBy(() -> GgufFile.open(truncatedData)).hasMessageContaining("tensor 't.b'").hasMessageContaining("truncated");

        // change t.a's type id (F32 = 0) to Q5_K (13), which this engine does not read
        Path badType = dir.resolve("type.gguf");
        byte[] b3 = bytes.clone();
        int at = indexOf(b3, "t.a".getBytes()) + 3 + 4 + 16;
        b3[at] = 13;
        Files.write(badType, b3);
        assertThatThrownBy(() -> GgufFile.open(badType)).hasMessageContaining("tensor 't.a'").hasMessageContaining("ggml type 13")
                .hasMessageContaining("Q8_0");
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
