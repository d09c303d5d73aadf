package dev.settle.examples.remote;

/**
 * The flags contradict what the shards or the data directory hold (a shard answering at the
 * wrong position of {@code --remote}, another protocol than the directory was created with): a
 * usage error, with a message that says which flag to change.
 */
public final class RemoteSettingsException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** A usage error with a message for the user. */
  public RemoteSettingsException(String message) {
    super(message);
  }
}
