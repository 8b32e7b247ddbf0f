package dev.reasoningrouter.engine.kernels.cuda;

import java.lang.foreign.MemorySegment;

/**
 * A weight matrix on the device: {@code groups} matrices of {@code rows x cols} stored back to back (experts of a
 * layer, or heads of a per-head absorption matrix; 1 for a plain linear layer), rows in the type's native layout.
 * FP8 matrices carry their float32 block scales, {@code [group][ceil(rows/128)][ceil(cols/128)]}.
 */
public record DeviceMatrix(CudaWeightType type, int rows, int cols, int groups, DeviceSlice data, DeviceSlice scales) {

    public DeviceMatrix {
        if (rows <= 0 || groups <= 0) throw new IllegalArgumentException("rows and groups must be positive: " + rows + ", " + groups);
        type.checkCols(cols);
        if (data.offsetBytes() % 16 != 0) {
            throw new IllegalArgumentException("weights must start 16-byte aligned in device memory (128-bit loads), offset " + data.offsetBytes());
        }
        long need = (long) groups * rows * type.rowBytes(cols);
        if (data.lengthBytes() < need) {
            throw new IllegalArgumentException(type + " " + groups + "x" + rows + "x" + cols + " needs " + need + " bytes, slice has " + data.lengthBytes());
        }
        if (type.hasBlockScales()) {
            if (scales == null) throw new IllegalArgumentException("FP8 matrix without its block scales");
            long sNeed = 4L * groups * type.scaleCount(rows, cols);
            if (scales.lengthBytes() < sNeed) {
                throw new IllegalArgumentException("FP8 scales need " + sNeed + " bytes, slice has " + scales.lengthBytes());
            }
        }
    }

    public long groupBytes() { return (long) rows * type.rowBytes(cols); }

    public long bytes() { return groups * groupBytes() + (type.hasBlockScales() ? 4L * groups * type.scaleCount(rows, cols) : 0); }

    /** Allocates and uploads (once per process); {@code scales} is null for non-FP8 types. */
    public static DeviceMatrix upload(CudaDevice device, CudaWeightType type, int rows, int cols, int groups,
                                      MemorySegment data, MemorySegment scales) {
        long need = (long) groups * rows * type.rowBytes(cols);
        if (data.byteSize() != need) {
            throw new IllegalArgumentException(type + " " + groups + "x" + rows + "x" + cols + ": expected " + need + " bytes, got " + data.byteSize());
        }
        DeviceBuffer d = device.allocate(need);
        d.upload(0, data);
        DeviceSlice s = null;
        if (type.hasBlockScales()) {
            long sBytes = 4L * groups * type.scaleCount(rows, cols);
            if (scales == null || scales.byteSize() != sBytes) {
                throw new IllegalArgumentException("FP8 " + rows + "x" + cols + " needs " + sBytes + " bytes of scales, got "
                        + (scales == null ? "none" : scales.byteSize()));
            }
            DeviceBuffer sb = device.allocate(sBytes);
            sb.upload(0, scales);
            s = sb.whole();
        }
        return new DeviceMatrix(type, rows, cols, groups, d.whole(), s);
    }
}
