package dev.reasoningrouter.engine.kernels.cuda;

import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoD;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;
import static jcuda.driver.JCudaDriver.cuMemsetD8;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;

/** A device allocation. Copies are synchronous with respect to the host; kernels read it through {@link DeviceSlice}s. */
public final class DeviceBuffer implements AutoCloseable {

    /** Host-to-device copies of mapped weights go in pieces of this size (ByteBuffer views are int-indexed). */
    static final long UPLOAD_CHUNK = 1L << 30;

    private final CudaDevice device;
    private final CUdeviceptr pointer;
    private final long bytes;
    private boolean freed;

    DeviceBuffer(CudaDevice device, CUdeviceptr pointer, long bytes) {
        this.device = device;
        this.pointer = pointer;
        this.bytes = bytes;
    }

    public long bytes() { return bytes; }

    public CudaDevice device() { return device; }

    CUdeviceptr pointer() {
        if (freed) throw new IllegalStateException("device buffer already freed");
        return pointer;
    }

    public DeviceSlice whole() { return new DeviceSlice(this, 0, bytes); }

    public DeviceSlice slice(long offsetBytes, long lengthBytes) { return new DeviceSlice(this, offsetBytes, lengthBytes); }

    /** {@code count} floats starting at float index {@code first}. */
    public DeviceSlice floats(long first, long count) { return slice(4 * first, 4 * count); }

    public void zero() {
        device.bind();
        cuMemsetD8(pointer(), (byte) 0, bytes);
    }

    public void upload(float[] src) { upload(0, Pointer.to(src), 4L * src.length); }

    public void upload(int[] src) { upload(0, Pointer.to(src), 4L * src.length); }

    public void upload(byte[] src) { upload(0, Pointer.to(src), src.length); }

    public void upload(long offsetBytes, float[] src) { upload(offsetBytes, Pointer.to(src), 4L * src.length); }

    public void upload(long offsetBytes, int[] src) { upload(offsetBytes, Pointer.to(src), 4L * src.length); }

    /** Copies a (possibly memory-mapped, possibly larger than 2 GiB) segment to {@code offsetBytes}, without a heap copy. */
    public void upload(long offsetBytes, MemorySegment src) {
        long n = src.byteSize();
        for (long done = 0; done < n; done += UPLOAD_CHUNK) {
            long len = Math.min(UPLOAD_CHUNK, n - done);
            MemorySegment piece = src.asSlice(done, len);
            ByteBuffer view;
            if (piece.isNative()) {
                view = piece.asByteBuffer();
            } else {  // a heap segment (any primitive array): stage it in a direct buffer
                view = ByteBuffer.allocateDirect((int) len);
                MemorySegment.ofBuffer(view).copyFrom(piece);
            }
            upload(offsetBytes + done, Pointer.to(view), len);
        }
    }

    private void upload(long offsetBytes, Pointer src, long len) {
        checkRange(offsetBytes, len);
        device.bind();
        cuMemcpyHtoD(pointer().withByteOffset(offsetBytes), src, len);
    }

    public float[] downloadFloats(long firstFloat, int count) {
        float[] out = new float[count];
        downloadFloats(firstFloat, out, count);
        return out;
    }

    /** Copies {@code count} floats from float index {@code firstFloat} into {@code dst[0..count)} (no allocation). */
    public void downloadFloats(long firstFloat, float[] dst, int count) {
        if (count > dst.length) throw new IndexOutOfBoundsException(count + " floats do not fit an array of " + dst.length);
        download(4 * firstFloat, Pointer.to(dst), 4L * count);
    }

    /** Copies {@code bytes} from {@code src} (at {@code srcOffset}) to this buffer at {@code dstOffset}, on the device. */
    public void copyFrom(long dstOffset, DeviceBuffer src, long srcOffset, long bytes) {
        checkRange(dstOffset, bytes);
        src.checkRange(srcOffset, bytes);
        if (bytes == 0) return;
        device.bind();
        cuMemcpyDtoD(pointer().withByteOffset(dstOffset), src.pointer().withByteOffset(srcOffset), bytes);
    }

    public int[] downloadInts(long firstInt, int count) {
        int[] out = new int[count];
        downloadInts(firstInt, out, count);
        return out;
    }

    /** Copies {@code count} ints from int index {@code firstInt} into {@code dst[0..count)} (no allocation). */
    public void downloadInts(long firstInt, int[] dst, int count) {
        if (count > dst.length) throw new IndexOutOfBoundsException(count + " ints do not fit an array of " + dst.length);
        download(4 * firstInt, Pointer.to(dst), 4L * count);
    }

    private void download(long offsetBytes, Pointer dst, long len) {
        checkRange(offsetBytes, len);
        device.bind();
        cuMemcpyDtoH(dst, pointer().withByteOffset(offsetBytes), len);
    }

    void checkRange(long offset, long len) {
        if (offset < 0 || len < 0 || offset + len > bytes) {
            throw new IndexOutOfBoundsException("range [" + offset + ", " + (offset + len) + ") outside a device buffer of "
                    + bytes + " bytes");
        }
    }

    @Override
    public void close() {
        if (freed) return;
        freed = true;
        device.bind();
        cuMemFree(pointer);
    }
}
