package dev.settle.examples.remote;

import org.jspecify.annotations.Nullable;

/**
 * A shard cannot be reached, answers something unexpected, or its data directory cannot be used:
 * a problem of the environment, not of the program. The message is one sentence that names the
 * shard or directory and says what to do.
 */
public final class RemoteWalletException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** An environment failure with a message for the user. */
  public RemoteWalletException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
