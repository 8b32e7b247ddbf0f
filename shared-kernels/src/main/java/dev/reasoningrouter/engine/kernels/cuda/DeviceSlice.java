package dev.reasoningrouter.engine.kernels.cuda;

import jcuda.driver.CUdeviceptr;

/** A byte range of a {@link DeviceBuffer}: what the launchers take, so they can check sizes before a kernel runs. */
public record DeviceSlice(DeviceBuffer buffer, long offsetBytes, long lengthBytes) {

    public DeviceSlice {
        buffer.checkRange(offsetBytes, lengthBytes);
    }

    CUdeviceptr pointer() { return buffer.pointer().withByteOffset(offsetBytes); }

    /** A sub-range, relative to this slice. */
    public DeviceSlice slice(long offset, long length) {
        if (offset < 0 || length < 0 || offset + length > lengthBytes) {
            throw new IndexOutOfBoundsException("[" + offset + ", " + (offset + length) + ") outside a slice of " + lengthBytes + " bytes");
        }
        return new DeviceSlice(buffer, offsetBytes + offset, length);
    }

    public DeviceSlice floats(long first, long count) { return slice(4 * first, 4 * count); }

    public long floatCount() { return lengthBytes / 4; }
}
