package dev.reasoningrouter.engine.format.safetensors;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import tools.jackson.databind.json.JsonMapper;

/** Writes one safetensors file, filling each tensor's bytes in place in the mapped output. */
public final class SafetensorsWriter {

    private record Pending(String name, String dtype, long[] shape, long bytes, Consumer<MemorySegment> filler) {}

    private final List<Pending> tensors = new ArrayList<>();
    private long total;

    public SafetensorsWriter add(String name, String dtype, long[] shape, Consumer<MemorySegment> filler) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        long bytes = n * SafetensorsFile.dtypeBytes(dtype);
        tensors.add(new Pending(name, dtype, shape.clone(), bytes, filler));
        total += bytes;
        return this;
    }

    public long dataBytes() {
        return total;
    }

    public boolean isEmpty() {
        return tensors.isEmpty();
    }

    public List<String> names() {
        return tensors.stream().map(Pending::name).toList();
    }

    public void write(Path out) throws IOException {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("__metadata__", Map.of("format", "pt"));
        long off = 0;
        for (Pending p : tensors) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("dtype", p.dtype);
            e.put("shape", p.shape);
            e.put("data_offsets", new long[] {off, off + p.bytes});
            header.put(p.name, e);
            off += p.bytes;
        }
        byte[] json = JsonMapper.builder().build().writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
        int pad = (8 - json.length % 8) % 8; // keep the data 8-byte aligned, padding the header with spaces
        byte[] head = new byte[json.length + pad];
        System.arraycopy(json, 0, head, 0, json.length);
        java.util.Arrays.fill(head, json.length, head.length, (byte) ' ');
        long dataStart = 8 + head.length;
        Path tmp = out.resolveSibling(out.getFileName() + ".partial");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.READ, StandardOpenOption.WRITE);
             Arena arena = Arena.ofConfined()) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(head.length).flip();
            ch.write(len);
            ch.write(ByteBuffer.wrap(head));
            long size = dataStart + off;
            if (off > 0) {
                ch.write(ByteBuffer.wrap(new byte[1]), size - 1);
                MemorySegment map = ch.map(FileChannel.MapMode.READ_WRITE, 0, size, arena);
                long pos = dataStart;
                for (Pending p : tensors) {
                    p.filler.accept(map.asSlice(pos, p.bytes));
                    pos += p.bytes;
                }
                map.force();
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
