package dev.settle.core.spi;


/**
 * The base of every protocol's participant SPI ({@code TwoPhaseParticipant}, {@code
 * TccParticipant}, saga steps). A participant is one resource that takes part in transactions:
 * a database, a service, a shard.
 *
 * <p>Its {@linkplain #name() name} is written to the transaction log with every branch, so that a
 * coordinator restarted after a crash can find the participant again and finish the branch.
 */
public interface Participant {
  /**
   * A name that stays the same across restarts and is unique among the participants of one
   * coordinator. Defaults to the class name, which suits one instance per class.
   */
  default String name() {
    return getClass().getName();
  }
}
