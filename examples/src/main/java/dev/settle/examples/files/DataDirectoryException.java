package dev.settle.examples.files;

/**
 * The data directory cannot be used as it is: missing, not a directory, not writable, held by
 * another process, damaged, or not a wallet. The message is one sentence that names the path and
 * says what to do; the CLI prints it as is and exits with status 3.
 */
public final class DataDirectoryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** A problem with the data directory, with the exception that revealed it, if any. */
  public DataDirectoryException(String message, @org.jspecify.annotations.Nullable Throwable cause) {
    super(message, cause);
  }

  /** An I/O failure in words, without the exception's class name. */
  public static String describe(java.io.IOException e) {
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof java.nio.file.NoSuchFileException) {
      return "no such file or directory";
    }
    if (e instanceof java.nio.file.FileAlreadyExistsException) {
      return "a file of that name is in the way";
    }
    if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
      return f.getReason();
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
