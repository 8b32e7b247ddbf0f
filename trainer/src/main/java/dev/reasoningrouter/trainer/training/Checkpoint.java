package dev.reasoningrouter.trainer.training;

import dev.reasoningrouter.trainer.nn.Parameter;
import dev.reasoningrouter.trainer.nn.TrainableModel;
import dev.reasoningrouter.trainer.optim.AdamW;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import tools.jackson.databind.json.JsonMapper;

/**
 * A run's resumable state in one file ({@code checkpoint.bin} in the run folder): a JSON {@link RunHeader}, then per
 * parameter its name, values, and the optimiser's two moments. Written to a temporary file and moved into place, so
 * a crash mid-write leaves the previous checkpoint intact.
 */
public final class Checkpoint {
    public static final String FILE = "checkpoint.bin";
    private static final int MAGIC = 0x52524350; // "RRCP"
    private static final int VERSION = 1;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Checkpoint() {}

    public static boolean exists(Path runDir) {
        return Files.isRegularFile(runDir.resolve(FILE));
    }

    public static void save(Path runDir, RunHeader header, TrainableModel model, AdamW adam) throws IOException {
        Files.createDirectories(runDir);
        Path tmp = Files.createTempFile(runDir, FILE + ".", ".tmp");
        try {
            try (OutputStream os = Files.newOutputStream(tmp); DataOutputStream out = new DataOutputStream(new BufferedOutputStream(os, 1 << 20))) {
                out.writeInt(MAGIC);
                out.writeInt(VERSION);
                byte[] h = JSON.writeValueAsBytes(header);
                out.writeInt(h.length);
                out.write(h);
                out.writeInt(model.parameters().size());
                for (Parameter p : model.parameters()) {
                    out.writeUTF(p.name());
                    out.writeInt(p.size());
                    writeFloats(out, p.value());
                    boolean moments = p.trainable() && adam != null;
                    out.writeBoolean(moments);
                    if (moments) {
                        writeFloats(out, adam.firstMoment(p));
                        writeFloats(out, adam.secondMoment(p));
                    }
                }
            }
            try {
                Files.move(tmp, runDir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, runDir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    public static RunHeader readHeader(Path runDir) throws IOException {
        try (DataInputStream in = open(runDir)) {
            return header(in, runDir);
        }
    }

    /** Loads the tensors (and, when {@code adam} is given, the optimiser state) into a model of the header's shape. */
    public static RunHeader restore(Path runDir, TrainableModel model, AdamW adam) throws IOException {
        try (DataInputStream in = open(runDir)) {
            RunHeader header = header(in, runDir);
            int count = in.readInt();
            if (count != model.parameters().size()) {
                throw new IOException(runDir.resolve(FILE) + ": " + count + " tensors, the model has " + model.parameters().size());
            }
            for (Parameter p : model.parameters()) {
                String name = in.readUTF();
                int size = in.readInt();
                if (!name.equals(p.name()) || size != p.size()) {
                    throw new IOException(runDir.resolve(FILE) + ": tensor " + name + " (" + size + " values) where the model has "
                            + p.name() + " (" + p.size() + ")");
                }
                readFloats(in, p.value());
                if (in.readBoolean()) {
                    float[] m = adam != null ? adam.firstMoment(p) : new float[size];
                    float[] v = adam != null ? adam.secondMoment(p) : new float[size];
                    readFloats(in, m);
                    readFloats(in, v);
                }
            }
            model.refresh();
            if (adam != null) {
                adam.setStep(header.step());
            }
            return header;
        }
    }

    private static DataInputStream open(Path runDir) throws IOException {
        InputStream is = Files.newInputStream(runDir.resolve(FILE));
        return new DataInputStream(new BufferedInputStream(is, 1 << 20));
    }

    private static RunHeader header(DataInputStream in, Path runDir) throws IOException {
        if (in.readInt() != MAGIC) {
            throw new IOException(runDir.resolve(FILE) + " is not a trainer checkpoint");
        }
        int version = in.readInt();
        if (version != VERSION) {
            throw new IOException(runDir.resolve(FILE) + ": checkpoint version " + version + ", expected " + VERSION);
        }
        byte[] h = new byte[in.readInt()];
        in.readFully(h);
        return JSON.readValue(h, RunHeader.class);
    }

    private static void writeFloats(DataOutputStream out, float[] v) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        out.write(b.array());
    }

    private static void readFloats(DataInputStream in, float[] v) throws IOException {
        byte[] bytes = new byte[v.length * 4];
        in.readFully(bytes);
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
    }
}
