package dev.reasoningrouter.engine.kernels.cuda;

/** The CUDA backend was asked for but cannot run here; the message says why. */
public class CudaUnavailableException extends RuntimeException {

    public CudaUnavailableException(String message) { super(message); }

    public CudaUnavailableException(String message, Throwable cause) { super(message, cause); }
}
